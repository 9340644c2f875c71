"""Request ids: one id per request, in the response header and in every log line it causes.

An operator who gets a complaint ("the page said something went wrong at 14:02") needs the log lines
of that one request among thousands. The id comes from the front server's ``X-Request-ID`` when it
sends a sane one (so nginx, gunicorn and Django lines share it) or is made here; it goes back in the
response header, and a logging filter puts it on every record written while the request runs.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# Anything else (spaces, quotes, newlines, very long values) could forge or break log lines.
VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
NO_REQUEST = "-"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("vmeste_request_id", default="")


def current_request_id() -> str:
    """The id of the request being handled in this thread or task, or ``""`` outside requests."""
    return _current.get()


def request_id_from(value: str | None) -> str:
    """The caller's id when it is safe to log, otherwise a fresh uuid4 hex."""
    if value and VALID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Takes or makes the request id, exposes it as ``request.request_id`` and in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.META.get(META_KEY))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` to every record (``-`` outside a request); never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            # Django logs 4xx/5xx answers ("Not Found: …") after the middleware has returned, but
            # passes the request along: its id is still there.
            request = getattr(record, "request", None)
            record.request_id = _current.get() or getattr(request, "request_id", None) or NO_REQUEST
        return True


# Attributes every LogRecord has; whatever else a caller passed with ``extra=`` is worth keeping.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (``LOG_FORMAT=json``).

    Keys: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``request_id``, ``exc_info``
    when there is a traceback, and any ``extra=`` values (made JSON-safe with ``str``).
    """

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None)
            or _current.get()
            or getattr(getattr(record, "request", None), "request_id", None)
            or NO_REQUEST,
        }
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack_info"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in data:
                data[key] = value
        return json.dumps(data, ensure_ascii=False, default=str)
