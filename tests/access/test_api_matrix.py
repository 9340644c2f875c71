"""The API: every read × every role × the expected answer; every write refuses anonymous callers.

Generated from the committed OpenAPI document: an operation without a rule here fails the test.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from tests.access.test_matrix import ROLES, SIGNED_IN
from tests.factories import signal_in
from vmeste.ideas import services as idea_services

DOCUMENT = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text())
OPERATIONS = sorted(
    (method.upper(), path) for path, ops in DOCUMENT["paths"].items() for method in ops
)

PUBLIC = dict.fromkeys(ROLES, 200)
MINE = {"anonymous": 401, **dict.fromkeys(SIGNED_IN, 200)}
MUSEUM_STAFF = {"moderator", "executor", "supervisor", "admin"}

# Reads: the path with its placeholders filled in, and the answer per role.
READS: dict[str, tuple[str, dict[str, int]]] = {
    "/api/v1/appeal-categories": ("", PUBLIC),
    "/api/v1/appeals": ("", PUBLIC),
    "/api/v1/appeals/mine": ("", MINE),
    # A submitted appeal is seen by its author and the staff of its organization only; others get 404.
    "/api/v1/appeals/{number}": (
        "SUBMITTED",
        {**dict.fromkeys(ROLES, 404), "alice": 200, **dict.fromkeys(MUSEUM_STAFF, 200)},
    ),
    "/api/v1/appeals/{number}/history": ("APPEAL", PUBLIC),
    "/api/v1/counters/appeals": ("", PUBLIC),
    "/api/v1/districts": ("", PUBLIC),
    "/api/v1/districts/{id}": ("DISTRICT", PUBLIC),
    "/api/v1/ideas/{idea_id}": ("IDEA", PUBLIC),
    "/api/v1/ideas/{idea_id}/comments": ("IDEA", PUBLIC),
    "/api/v1/me": ("", MINE),
    "/api/v1/me/data": ("", MINE),
    "/api/v1/me/notifications": ("", MINE),
    "/api/v1/me/tokens": ("", MINE),
    "/api/v1/organizations": ("", PUBLIC),
    "/api/v1/organizations/{id}": ("MUSEUM", PUBLIC),
    "/api/v1/ping": ("", PUBLIC),
    "/api/v1/projects": ("", PUBLIC),
    "/api/v1/projects/{slug}": ("kultura", PUBLIC),
    "/api/v1/projects/{slug}/ideas": ("kultura", PUBLIC),
    "/api/v1/projects/{slug}/results": ("kultura", PUBLIC),
    "/api/v1/projects/{slug}/similar": ("kultura", PUBLIC),
    "/api/v1/stats/ideas": ("", PUBLIC),
    # Signals: the operators of the source's organization (the governance centre) and admins.
    "/api/v1/signals": (
        "",
        {**dict.fromkeys(SIGNED_IN, 403), "anonymous": 401, "operator": 200, "admin": 200},
    ),
    "/api/v1/signals/{signal_id}": (
        "SIGNAL",
        {**dict.fromkeys(SIGNED_IN, 404), "anonymous": 401, "operator": 200, "admin": 200},
    ),
    "/api/v1/signals-counters": ("", PUBLIC),
}


def test_every_operation_has_a_rule() -> None:
    reads = {path for method, path in OPERATIONS if method == "GET"}
    assert reads == set(READS), "GET operations without a rule in tests/access/test_api_matrix.py"


@pytest.fixture
def world(region, people, file_appeal, registered):
    submitted = file_appeal()
    appeal = registered()
    now = timezone.now()
    project = idea_services.project_save(
        actor=people.project_admin,
        project=None,
        title="Культура онлайн",
        slug="kultura",
        organizer=region.department,
        description="Идеи.",
        stages={"propose": (now - dt.timedelta(days=1), now + dt.timedelta(days=5))},
    )
    idea_services.project_publish(actor=people.project_admin, project=project)
    idea = idea_services.idea_save(
        actor=people.alice,
        project=project,
        title="Виртуальный тур",
        text="Снять панорамы всех залов.",
        submit=True,
    )
    idea_services.idea_moderate(actor=people.moderator, idea=idea, decision="publish")
    signal = signal_in(region.centre)
    return {
        "SIGNAL": str(signal.pk),
        "SUBMITTED": submitted.number,
        "APPEAL": appeal.number,
        "IDEA": str(idea.pk),
        "MUSEUM": str(region.museum.pk),
        "DISTRICT": str(region.museum.district_id),
        "kultura": "kultura",
    }


def _fill(path: str, value: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", value, path)


@pytest.mark.parametrize("path", sorted(READS))
def test_reads_per_role(path, client, people, world) -> None:
    key, expected = READS[path]
    url = _fill(path, world.get(key, key)) if key else path
    got = {}
    for role in ROLES:
        client.logout()
        user = people.get(role)
        if user is not None:
            client.force_login(user)
        got[role] = client.get(url).status_code
    assert got == expected, url


@pytest.mark.parametrize(
    ("method", "path"), [op for op in OPERATIONS if op[0] != "GET"], ids=lambda v: str(v)
)
def test_every_write_refuses_anonymous_callers(method, path, client, world) -> None:
    url = _fill(path, world["APPEAL"] if "{number}" in path else "1")
    response = client.generic(method, url, "{}", content_type="application/json")
    assert response.status_code == 401, f"{method} {url} -> {response.status_code}"
    assert response.json()["error"]["code"] == "not_authenticated"
