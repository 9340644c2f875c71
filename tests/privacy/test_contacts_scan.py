"""Every stored contact of a resident is searched for in every public page, API answer and export.

Residents put their phones and e-mails everywhere: in appeal texts, idea texts, comments, the
contact field. None of it may reach anybody but the staff who handle the appeal. The crawl starts
from the public pages and follows every same-site link it finds (bounded), as an anonymous visitor
and as another resident.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from tests.appeals.conftest import answered
from vmeste.appeals import services as appeal_services
from vmeste.ideas import services as idea_services

pytestmark = pytest.mark.django_db

PHONE = "+7 915 123-45-67"
EMAIL = "maria.ivanova@mail.example"
CONTACT_PHONE = "+7 (903) 765-43-21"
VK_HANDLE = "id987654321"


def needles(people) -> list[str]:
    digits = re.sub(r"\D", "", PHONE)
    return [
        EMAIL,
        PHONE,
        digits,
        digits[1:],
        "123-45-67",
        CONTACT_PHONE,
        "765-43-21",
        VK_HANDLE,
        people.alice.email,
        people.bob.email,
    ]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for name, value in attrs:
            if (
                name in {"href", "src"}
                and value
                and value.startswith("/")
                and not value.startswith("//")
            ):
                self.found.append(value.split("#")[0])


SKIP = ("/static/", "/admin/", "/accounts/logout", "/i18n/", "/api/v1/docs")


@pytest.fixture
def world(client, people, region, categories, file_appeal, vk_source, tmp_path):
    text = f"Звоните мне: {PHONE}, пишите на {EMAIL}. В зале музея протекает крыша."
    appeal = file_appeal(text=text, contact_phone=CONTACT_PHONE)
    appeal = appeal_services.appeal_moderate(
        actor=people.moderator, appeal=appeal, decision="register"
    )
    appeal_services.appeal_take(actor=people.executor, appeal=appeal)
    answered(appeal, people)
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
        text=f"Снять панорамы залов. Мой телефон {PHONE}",
        submit=True,
    )
    idea = idea_services.idea_moderate(actor=people.moderator, idea=idea, decision="publish")
    idea_services.comment_add(actor=people.alice, idea=idea, text=f"Пишите на {EMAIL}")
    # A signal from VK with the author's handle, turned into an appeal by the operator.
    from tests.signals.conftest import vk_message

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/hooks/vk/vk-muzej/",
            data=json.dumps(vk_message("В краеведческом музее сломан лифт")),
            content_type="application/json",
        )
    from vmeste.signals.models import Signal
    from vmeste.signals.services import signal_create_appeal

    signal = Signal.objects.get()
    Signal.objects.filter(pk=signal.pk).update(author_handle=VK_HANDLE)
    signal.refresh_from_db()
    signal_create_appeal(
        actor=people.operator,
        signal=signal,
        category=categories.building,
        text=signal.text,
        institution=region.museum,
    )
    call_command(
        "opendata_export",
        "--from",
        (now - dt.timedelta(days=40)).date().isoformat(),
        "--to",
        now.date().isoformat(),
    )
    return {"appeal": appeal, "idea": idea}


def crawl(client, start: list[str], limit: int = 400) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        seen[url] = text
        if response.get("Content-Type", "").startswith("text/html"):
            parser = Links()
            parser.feed(text)
            queue.extend(u for u in parser.found if u not in seen)
    return seen


def test_no_contact_of_a_resident_is_public(client, people, world):
    appeal, idea = world["appeal"], world["idea"]
    start = [
        "/",
        "/appeals/",
        f"/appeals/{appeal.number}/",
        "/appeals/map/points.geojson",
        "/dashboard/",
        "/dashboard.csv",
        "/projects/",
        f"/projects/kultura/ideas/{idea.pk}/",
        "/organizations/",
        "/opendata/",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{appeal.number}.json",
        "/api/v1/appeals",
        f"/api/v1/appeals/{appeal.number}",
        f"/api/v1/appeals/{appeal.number}/history",
        "/api/v1/projects/kultura/ideas",
        f"/api/v1/ideas/{idea.pk}",
        f"/api/v1/ideas/{idea.pk}/comments",
        "/api/v1/signals-counters",
    ]
    for who in (None, people.bob):
        client.logout()
        if who is not None:
            client.force_login(who)
        pages = crawl(client, start)
        assert len(pages) > 30
        assert any("opendata" in url and url.endswith((".csv", ".json")) for url in pages), (
            "exports crawled"
        )
        for url, text in pages.items():
            # A resident sees their own address on their own pages, nobody else's.
            for needle in [n for n in needles(people) if who is None or n != who.email]:
                assert needle not in text, f"{needle!r} shown at {url} to {who or 'anonymous'}"
    # The masked text is still there, so the crawl did read the pages that held the contacts.
    assert (
        "[телефон скрыт]"
        in crawl(client, [f"/appeals/{appeal.number}/"])[f"/appeals/{appeal.number}/"]
    )
