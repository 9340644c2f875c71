import json
from pathlib import Path

from vmeste.core.management.commands.export_openapi import openapi_text

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_committed_openapi_document_matches_the_code() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == openapi_text(), (
        "docs/openapi.json is out of date: run `make openapi` and commit the result"
    )


def test_every_operation_declares_its_error_answers() -> None:
    document = json.loads(openapi_text())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "{" in path:
                assert "404" in operation["responses"], f"{method} {path} does not declare 404"
