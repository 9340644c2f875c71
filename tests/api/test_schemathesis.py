"""Schemathesis drives every operation of the committed OpenAPI document with generated input.

Bounded: a few examples per operation. Each response must not be a server error and must match
the document (status code declared, body of the declared shape).
"""

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

DOCUMENT = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text())
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture
def wsgi_app(db):
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # As Django's test client does: a finished request must not close the test's connection
    # (on PostgreSQL it would end the transaction the test runs in).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_its_document(case, wsgi_app, region, people) -> None:
    response = case.call(app=wsgi_app)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}"
    )
    case.validate_response(
        response,
        checks=(
            schemathesis.checks.not_a_server_error,
            schemathesis.checks.status_code_conformance,
            schemathesis.checks.response_schema_conformance,
            schemathesis.checks.content_type_conformance,
        ),
    )
