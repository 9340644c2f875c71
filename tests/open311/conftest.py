from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.appeals.conftest import answered, categories, file_appeal, registered  # noqa: F401  (fixtures)
from vmeste.accounts.tokens import token_create

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "open311-schemas"


@pytest.fixture(scope="session")
def validate() -> Any:
    """Validate a JSON body against one of the published Open311 schemas (by file name)."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"the published Open311 schemas are not at {SCHEMAS}")
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    resources = [
        (p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT7))
        for p in SCHEMAS.glob("*.json")
    ]
    registry = Registry().with_resources(resources)

    def check(name: str, body: Any) -> None:
        schema = json.loads((SCHEMAS / name).read_text())
        Draft7Validator(schema, registry=registry).validate(body)

    return check


@pytest.fixture
def api_key(people) -> str:
    _token, key = token_create(user=people.alice, name="Open311")
    return key


@pytest.fixture
def public_appeals(registered, people) -> list[Any]:  # noqa: F811
    first = registered(text="Протекает крыша в зале древней истории, звоните 8 910 555-12-34.")
    second = answered(registered(text="Сломаны кресла в третьем ряду зрительного зала."), people)
    return [first, second]
