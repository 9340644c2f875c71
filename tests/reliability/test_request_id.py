"""Request ids: taken from X-Request-ID when sane, made otherwise, in the header and every log line."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from vmeste.core.request_id import (
    JsonFormatter,
    RequestIdFilter,
    RequestIdMiddleware,
    current_request_id,
    request_id_from,
)

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def test_a_valid_incoming_id_is_kept(client: Any) -> None:
    response = client.get("/health/", headers={"X-Request-ID": "nginx-1a2B.3_c"})
    assert response["X-Request-ID"] == "nginx-1a2B.3_c"


@pytest.mark.parametrize(
    "value",
    ["", "a" * 65, "has space", "new\nline", 'quote"', "semi;colon", "юникод", "a/b"],
)
def test_an_unsafe_incoming_id_is_replaced(value: str) -> None:
    assert HEX32.match(request_id_from(value))


def test_without_a_header_each_request_gets_its_own_id(client: Any) -> None:
    first = client.get("/health/")["X-Request-ID"]
    second = client.get("/health/")["X-Request-ID"]
    assert HEX32.match(first) and HEX32.match(second) and first != second


def test_the_id_is_on_every_log_record_of_the_request_and_gone_after() -> None:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        record = logging.LogRecord("vmeste.test", logging.INFO, __file__, 1, "hello", None, None)
        RequestIdFilter().filter(record)
        seen.append(record.request_id)  # type: ignore[attr-defined]
        seen.append(current_request_id())
        return HttpResponse("ok")

    request = RequestFactory().get("/", headers={"X-Request-ID": "req-42"})
    response = RequestIdMiddleware(view)(request)
    assert seen == ["req-42", "req-42"]
    assert response["X-Request-ID"] == "req-42"
    assert current_request_id() == ""
    outside = logging.LogRecord("vmeste.test", logging.INFO, __file__, 1, "x", None, None)
    RequestIdFilter().filter(outside)
    assert outside.request_id == "-"  # type: ignore[attr-defined]


def test_the_json_formatter_writes_one_object_a_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "vmeste.test", logging.ERROR, __file__, 1, "filed %s", ("№ 1",), exc_info
    )
    record.request_id = "req-7"
    record.appeal = 12
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "filed № 1"
    assert data["level"] == "ERROR" and data["logger"] == "vmeste.test"
    assert data["request_id"] == "req-7" and data["appeal"] == 12
    assert "ValueError: boom" in data["exc_info"]
    assert data["time"].endswith("+00:00")


def test_the_settings_switch_to_json_with_log_format(monkeypatch: Any) -> None:
    import importlib

    import vmeste.config.settings as conf

    monkeypatch.setenv("LOG_FORMAT", "json")
    try:
        reloaded = importlib.reload(conf)
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "json"
        assert reloaded.LOGGING["handlers"]["console"]["filters"] == ["request_id"]
    finally:
        monkeypatch.delenv("LOG_FORMAT")
        importlib.reload(conf)
    assert conf.LOGGING["handlers"]["console"]["formatter"] == "plain"
    assert conf.MIDDLEWARE[0] == "vmeste.core.request_id.RequestIdMiddleware"


def test_a_real_log_line_carries_the_request_id(client: Any, caplog: Any) -> None:
    """Through the configured handler chain: the filter sits on the console handler."""
    import logging.config

    from django.conf import settings

    stream_records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            stream_records.append(self.format(record))

    config = settings.LOGGING
    handler = Capture()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter(config["formatters"]["plain"]["format"]))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/no-such-page/", headers={"X-Request-ID": "trace-me"})
    finally:
        logger.removeHandler(handler)
    assert any("[trace-me]" in line and "Not Found" in line for line in stream_records)
