"""Cached fragments of the idea list and the comment thread: the same markup, fresh after a change."""

import re

import time_machine
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string

from tests.ideas.conftest import day, published, shortlisted
from vmeste.ideas import fragments, selectors, services


def _norm(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def test_a_vote_shows_in_the_cached_idea_list_at_once(client, project, people) -> None:
    idea = shortlisted(project, people)
    url = f"{project.get_absolute_url()}?sort=votes"
    with time_machine.travel(day(22), tick=False):
        assert (
            "0 votes" in client.get(url).content.decode()
            or "0 голосов" in client.get(url).content.decode()
        )
        services.vote_cast(actor=people.bob, idea=idea)
        page = client.get(url).content.decode()
    assert "1 vote" in page or "1 голос" in page


def test_a_comment_shows_in_the_cached_thread_at_once(client, project, people) -> None:
    idea = published(project, people, people.alice, "Идея с обсуждением")
    with time_machine.travel(day(5), tick=False):
        services.comment_add(actor=people.bob, idea=idea, text="Первый комментарий")
        assert "Первый комментарий" in client.get(idea.get_absolute_url()).content.decode()
        services.comment_add(actor=people.bob, idea=idea, text="Второй комментарий")
        page = client.get(idea.get_absolute_url()).content.decode()
    assert "Второй комментарий" in page


def test_a_signed_in_author_gets_the_forms_not_the_cached_thread(client, project, people) -> None:
    idea = published(project, people, people.alice, "Идея с обсуждением")
    with time_machine.travel(day(5), tick=False):
        services.comment_add(actor=people.bob, idea=idea, text="Комментарий Боба")
        client.get(idea.get_absolute_url())  # a visitor's view is cached now
        client.force_login(people.bob)
        page = client.get(idea.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and "edit-comment" in page


def test_the_public_thread_is_the_template_without_forms(project, people) -> None:
    idea = published(project, people, people.alice, "Идея с обсуждением")
    with time_machine.travel(day(5), tick=False):
        first = services.comment_add(
            actor=people.bob, idea=idea, text="Звоните 8 910 555-12-34\nвторая строка <b>"
        )
        services.comment_add(actor=people.alice, idea=idea, text="Ответ", parent=first)
        services.comment_hide(actor=people.moderator, comment=first, reason="Контакты")
    comments = selectors.comment_tree(idea, public=True)
    template = render_to_string(
        "ideas/_comments.html",
        {
            "comments": comments,
            "user": AnonymousUser(),
            "can": {},
            "project": project,
            "idea": idea,
        },
    )
    assert _norm(fragments.public_thread_html(comments)) == _norm(template)
    assert _norm(fragments.public_thread_html([])) == _norm(
        render_to_string("ideas/_comments.html", {"comments": [], "can": {}})
    )
