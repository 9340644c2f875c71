"""Every page × every role × the expected answer, generated from the URL configuration.

A URL pattern without a rule here fails the test, so a new page cannot ship without deciding who may
open it. The API is covered by its OpenAPI document (schemathesis) and the API tests.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import signal_in
from vmeste.ideas import services as idea_services

ROLES = [
    "anonymous",
    "alice",
    "bob",
    "moderator",
    "expert",
    "executor",
    "other_executor",
    "supervisor",
    "operator",
    "project_admin",
    "admin",
]
SIGNED_IN = set(ROLES) - {"anonymous"}
STAFF = {
    "moderator",
    "expert",
    "executor",
    "other_executor",
    "supervisor",
    "operator",
    "project_admin",
    "admin",
}
SKIPPED_PREFIXES = (
    "admin/",
    "api/v1/",
    "media/",
    "accounts/",
)  # Django admin, the API, files, allauth's own pages
OWN_ACCOUNT_PAGES = {"accounts:profile", "accounts:data", "accounts:delete", "accounts:tokens"}


def everyone(code: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, code)


def signed_in(code: int) -> dict[str, int]:
    return {"anonymous": 302, **dict.fromkeys(SIGNED_IN, code)}


def staff_only(code: int = 200) -> dict[str, int]:
    return {"anonymous": 302, "alice": 403, "bob": 403, **dict.fromkeys(STAFF, code)}


MUSEUM_STAFF = {"moderator", "executor", "supervisor", "admin"}
PROJECT_MANAGERS = {"project_admin", "admin"}

# name → (kwargs, expected answer of GET per role)
RULES: dict[str, tuple[dict[str, str], dict[str, int]]] = {
    "home": ({}, everyone(200)),
    "healthz": ({}, everyone(200)),
    "health": ({}, everyone(200)),
    "ready": ({}, everyone(200)),
    "pow_challenge": ({}, everyone(200)),
    "organizations:list": ({}, everyone(200)),
    "organizations:geojson": ({}, everyone(200)),
    "organizations:detail": ({"slug": "muzej"}, everyone(200)),
    "organizations:events_ical": ({"slug": "muzej"}, everyone(200)),
    "events": ({}, everyone(200)),
    "events_ical": ({}, everyone(200)),
    "dashboard": ({}, everyone(200)),
    "dashboard_csv": ({}, everyone(200)),
    "cabinet": ({}, signed_in(200)),
    "notifications:list": ({}, signed_in(200)),
    "notifications:read_all": ({}, signed_in(405)),
    "accounts:profile": ({}, signed_in(200)),
    "accounts:data": ({}, signed_in(200)),
    "accounts:delete": ({}, signed_in(200)),
    "accounts:tokens": ({}, signed_in(200)),
    "appeals:list": ({}, everyone(200)),
    "appeals:new": ({}, signed_in(200)),
    "appeals:mine": ({}, signed_in(200)),
    "appeals:counters": ({}, everyone(302)),
    "appeals:institution_options": ({}, everyone(200)),
    "appeals:map_points": ({}, everyone(200)),
    "appeals:districts": ({}, everyone(200)),
    "appeals:detail": ({"number": "APPEAL"}, everyone(200)),
    "appeals:feedback": ({"number": "APPEAL"}, signed_in(405)),
    "appeals:reply": ({"number": "APPEAL"}, signed_in(405)),
    "appeals:resubmit": ({"number": "APPEAL"}, signed_in(405)),
    "appeals_staff:workspace": ({}, staff_only()),
    "appeals_staff:export": ({}, staff_only()),
    "appeals_staff:bulk_assign": ({}, signed_in(405)),
    # Another organization's appeal does not exist for its staff: 404, not 403.
    "appeals_staff:card": (
        {"number": "APPEAL"},
        {**staff_only(404), **dict.fromkeys(MUSEUM_STAFF, 200)},
    ),
    **{
        f"appeals_staff:{name}": ({"number": "APPEAL"}, signed_in(405))
        for name in (
            "contacts",
            "moderate",
            "take",
            "ask",
            "answer",
            "review",
            "reassign",
            "extend",
        )
    },
    # Signals: operators of the source's organization (the governance centre) and admins only.
    "signals:queue": ({}, {**signed_in(403), "operator": 200, "admin": 200}),
    "signals:card": ({"pk": "SIGNAL"}, {**signed_in(404), "operator": 200, "admin": 200}),
    **{
        f"signals:{name}": ({"pk": "SIGNAL"}, signed_in(405))
        for name in ("create_appeal", "attach", "answer", "dismiss")
    },
    # Webhooks answer POST only, with the source's secret.
    **{
        f"signal_hooks:hook_{kind}": ({"slug": "vk"}, everyone(405))
        for kind in ("vk", "telegram", "webhook")
    },
    "ideas:projects": ({}, everyone(200)),
    "ideas:project": ({"slug": "kultura"}, everyone(200)),
    "ideas:project_new": (
        {},
        {"anonymous": 302, "alice": 404, "bob": 404, **dict.fromkeys(STAFF, 200)},
    ),
    "ideas:project_edit": (
        {"slug": "kultura"},
        {**signed_in(403), **dict.fromkeys(PROJECT_MANAGERS, 200)},
    ),
    "ideas:commission": (
        {"slug": "kultura"},
        {**signed_in(403), **dict.fromkeys(PROJECT_MANAGERS, 200)},
    ),
    "ideas:experts": (
        {"slug": "kultura"},
        {**signed_in(404), "expert": 200, **dict.fromkeys(PROJECT_MANAGERS, 200)},
    ),
    "ideas:moderation": ({}, staff_only()),
    "ideas:mine": ({}, signed_in(200)),
    "ideas:propose": ({"slug": "kultura"}, signed_in(200)),
    "ideas:similar": ({"slug": "kultura"}, everyone(200)),
    "ideas:results": ({"slug": "kultura"}, everyone(200)),
    "ideas:idea": ({"slug": "kultura", "idea_id": "IDEA"}, everyone(200)),
    "ideas:idea_edit": (
        {"slug": "kultura", "idea_id": "IDEA"},
        signed_in(403),
    ),  # published: no longer editable
    "ideas:idea_action": ({"slug": "kultura", "idea_id": "IDEA", "action": "vote"}, signed_in(405)),
    "ideas:project_follow": ({"slug": "kultura"}, signed_in(405)),
    "ideas:announce": ({"slug": "kultura"}, signed_in(405)),
    "ideas:comment_hide": ({"slug": "kultura", "comment_id": "1"}, signed_in(405)),
    "ideas:report_dismiss": ({"report_id": "1"}, signed_in(405)),
    "set_language": ({}, everyone(302)),
    "javascript-catalog": ({}, everyone(200)),
    "opendata:index": ({}, everyone(200)),
    "open311:discovery": ({"fmt": "json"}, everyone(200)),
    "open311:services": ({"fmt": "xml"}, everyone(200)),
    "open311:service": ({"code": "building", "fmt": "json"}, everyone(200)),
    "open311:requests": ({"fmt": "json"}, everyone(200)),
    "open311:request": ({"number": "APPEAL", "fmt": "xml"}, everyone(200)),
    "open311:token": ({"token": "none", "fmt": "json"}, everyone(404)),
}


def _patterns(patterns: list, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES) and not route.startswith("accounts/profile/"):
                continue
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_page_has_an_access_rule() -> None:
    names = set(_patterns(get_resolver().url_patterns))
    assert names - set(RULES) == set(), "URL patterns without a rule in tests/access/test_matrix.py"
    assert set(RULES) - names == set(), "rules for URL patterns that no longer exist"


@pytest.fixture
def world(region, people, registered):
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
    idea_services.experts_assign(
        actor=people.project_admin, project=project, expert=people.expert, idea=idea
    )
    signal = signal_in(region.centre)
    return {"APPEAL": appeal.number, "IDEA": str(idea.pk), "SIGNAL": str(signal.pk)}


@pytest.mark.parametrize("name", sorted(RULES))
def test_who_gets_what(name, client, people, world) -> None:
    kwargs, expected = RULES[name]
    url = reverse(name, kwargs={k: world.get(v, v) for k, v in kwargs.items()})
    got = {}
    for role in ROLES:
        client.logout()
        user = people.get(role)
        if user is not None:
            client.force_login(user)
        got[role] = client.get(url).status_code
    assert got == expected, url
