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
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


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
