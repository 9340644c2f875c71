"""Outages of what the platform stands on (the database, the file storage) answer 503, never 500.

"No request may produce a 500" is a rule of the project. When PostgreSQL restarts, fails over or
drops connections, or the upload volume is full or read-only, the request did nothing wrong and the
same request will succeed later: the honest answer is ``503 Service Unavailable`` with
``Retry-After``, in the API's error envelope for API clients and as a short page for people. The
page is rendered without the request's context processors, because those read the database.

Filing is one transaction and carries an idempotency key, so a client that retries after a 503 with
the same key gets exactly one appeal (``tests/reliability/test_database_outage.py``).
"""

from __future__ import annotations

import errno
import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# Storage failures that are the machine's state, not the request's fault.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO, errno.EACCES})
API_PREFIXES = ("/api/", "/open311/")


class ServiceUnavailable(DomainError):
    """Something the platform depends on is down for now; the same request may succeed later."""

    code = "service_unavailable"
    status = 503
    default_message = gettext_lazy(
        "The service is temporarily unavailable. Nothing was saved; please try again in a minute."
    )


def is_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` means "the database or the storage is unavailable", not a bug."""
    if exc is None:
        return False
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS


def outage_response(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    """The 503 answer: the API envelope under ``/api/`` and ``/open311/``, a plain page elsewhere."""
    logger.error(
        "outage while handling %s %s: %s",
        request.method,
        request.path,
        exc.__class__.__name__ if exc is not None else "unknown",
    )
    if isinstance(exc, ServiceUnavailable):
        message = str(exc.message)
    else:
        message = str(ServiceUnavailable.default_message)
    response: HttpResponse
    if request.path.startswith(API_PREFIXES):
        response = JsonResponse(
            {"error": {"code": ServiceUnavailable.code, "message": message, "details": {}}},
            status=503,
        )
    else:
        html = render_to_string(
            "core/unavailable.html",
            {"message": message, "title": _("Temporarily unavailable")},
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
