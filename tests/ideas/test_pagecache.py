"""Whole pages cached for visitors: served again only while what they show is unchanged, with the
visitor's own CSRF token, never to a signed-in person, never past a stage that opens."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tests.ideas.conftest import day, published, shortlisted
from vmeste.appeals.counters import counters_version
from vmeste.core.dashboard import PAGE_SETTLE_SECONDS
from vmeste.core.pagecache import visitor_page
from vmeste.ideas import services

pytestmark = pytest.mark.django_db


def _token(page: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_a_visitor_gets_the_stored_page_with_a_token_of_their_own(project, people) -> None:
    idea = published(project, people, people.alice, "Виртуальный тур по музею")
    with time_machine.travel(day(5), tick=False):
        first = Client().get(idea.get_absolute_url())
        visitor = Client(enforce_csrf_checks=True)
        second = visitor.get(idea.get_absolute_url())
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        page = second.content.decode()
        assert "Виртуальный тур по музею" in page and "\x00" not in page
        token = _token(page)
        assert token != _token(first.content.decode())
        # The token works with the cookie this visitor got: the language switch is accepted.
        answer = visitor.post(
            "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
        )
    assert answer.status_code == 302
    assert first.content.decode().replace(_token(first.content.decode()), token) == page


def test_a_comment_and_a_vote_make_the_next_visitor_page_fresh(project, people) -> None:
    idea = shortlisted(project, people)
    with time_machine.travel(day(22), tick=False):
        Client().get(idea.get_absolute_url())
        Client().get(project.get_absolute_url())
        services.vote_cast(actor=people.bob, idea=idea)
        idea_page = Client().get(idea.get_absolute_url())
        list_page = Client().get(project.get_absolute_url())
    assert idea_page["X-Page-Cache"] == list_page["X-Page-Cache"] == "miss"
    assert any(s in list_page.content.decode() for s in ("1 vote", "1 голос"))


def test_a_signed_in_person_never_gets_a_stored_page(client, project, people) -> None:
    idea = published(project, people)
    with time_machine.travel(day(5), tick=False):
        Client().get(idea.get_absolute_url())
        client.force_login(people.bob)
        page = client.get(idea.get_absolute_url())
    assert "X-Page-Cache" not in page
    assert "comment-form" in page.content.decode() or 'name="text"' in page.content.decode()


def test_a_page_is_not_kept_past_the_moment_a_stage_opens(project, people) -> None:
    idea = shortlisted(project, people)
    vote_opens = day(20)
    with time_machine.travel(vote_opens - dt.timedelta(seconds=20), tick=False):
        assert Client().get(idea.get_absolute_url())["X-Page-Cache"] == "miss"
        assert Client().get(idea.get_absolute_url())["X-Page-Cache"] == "hit"
    with time_machine.travel(vote_opens + dt.timedelta(seconds=1), tick=False):
        after = Client().get(idea.get_absolute_url())
    assert after["X-Page-Cache"] == "miss"


def test_a_stage_moved_by_the_organiser_makes_the_pages_fresh(project, people) -> None:
    idea = published(project, people)
    with time_machine.travel(day(5), tick=False):
        Client().get(idea.get_absolute_url())
        stage = project.stages.get(kind="propose")
        stage.ends_at = day(11)
        stage.save()
        assert Client().get(idea.get_absolute_url())["X-Page-Cache"] == "miss"


def test_an_htmx_request_gets_the_fragment_not_the_stored_page(project, people) -> None:
    published(project, people)
    with time_machine.travel(day(5), tick=False):
        Client().get(project.get_absolute_url())
        fragment = Client().get(project.get_absolute_url(), HTTP_HX_REQUEST="true")
        again = Client().get(project.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "<html" not in again.content.decode()
    assert again["X-Page-Cache"] == "hit"


def test_the_dashboard_is_fresh_when_a_counter_changes(region, people) -> None:
    from vmeste.appeals.counters import _bump_version

    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        assert Client().get("/dashboard/")["X-Page-Cache"] == "miss"
        assert Client().get("/dashboard/")["X-Page-Cache"] == "hit"
        before = counters_version()
        _bump_version()
        assert counters_version() != before
        # Within the settling time the latest page stands in; after it, the page is rendered anew.
        assert Client().get("/dashboard/")["X-Page-Cache"] == "stale"
    with time_machine.travel(start + dt.timedelta(seconds=PAGE_SETTLE_SECONDS + 1), tick=False):
        assert Client().get("/dashboard/")["X-Page-Cache"] == "miss"
        assert Client().get("/dashboard/")["X-Page-Cache"] == "hit"


def test_a_request_with_messages_is_rendered_for_it_and_keeps_them() -> None:

    calls = []

    @visitor_page(lambda request: (("same",), 60))
    def view(request):
        calls.append(len(get_messages(request)))
        return HttpResponse("<p>page</p>", content_type="text/html; charset=utf-8")

    def request(with_message: bool):
        req = RequestFactory().get("/x/")
        req.user, req.session = AnonymousUser(), SessionStore()
        req._messages = FallbackStorage(req)
        if with_message:
            req._messages.add(20, "Сохранено")
        return req

    assert view(request(False))["X-Page-Cache"] == "miss"
    assert view(request(False))["X-Page-Cache"] == "hit"
    with_message = request(True)
    answer = view(with_message)
    assert "X-Page-Cache" not in answer and calls == [0, 1]
    assert [m.message for m in get_messages(with_message)] == ["Сохранено"]


def test_an_error_page_is_not_stored() -> None:

    @visitor_page(lambda request: (("same",), 60))
    def view(request):
        return HttpResponse("<p>later</p>", status=503, content_type="text/html")

    for _ in range(2):
        req = RequestFactory().get("/x/")
        req.user, req.session = AnonymousUser(), SessionStore()
        req._messages = FallbackStorage(req)
        assert view(req)["X-Page-Cache"] == "miss"


def test_while_one_request_renders_a_changed_page_the_others_get_the_previous_one(
    monkeypatch,
) -> None:
    from django.core.cache import caches

    cache = caches["default"]  # the backend itself: the proxy does not take attributes back
    version = {"n": 1}

    @visitor_page(lambda request: (("v", version["n"]), 60))
    def view(request):
        return HttpResponse(f"<p>version {version['n']}</p>", content_type="text/html")

    def request():
        req = RequestFactory().get("/x/")
        req.user, req.session = AnonymousUser(), SessionStore()
        req._messages = FallbackStorage(req)
        return req

    assert view(request())["X-Page-Cache"] == "miss"
    version["n"] = 2  # a change; a render of the new page is under way elsewhere
    real_add = cache.add
    monkeypatch.setattr(
        cache,
        "add",
        lambda key, *a, **kw: False if key.endswith(":lock") else real_add(key, *a, **kw),
    )
    meanwhile = view(request())
    assert meanwhile["X-Page-Cache"] == "stale" and b"version 1" in meanwhile.content
    monkeypatch.undo()
    fresh = view(request())
    assert fresh["X-Page-Cache"] == "miss" and b"version 2" in fresh.content
    assert view(request())["X-Page-Cache"] == "hit"
