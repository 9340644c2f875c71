"""Ids and numbers no database can hold: a 4xx in the user's language, never a 500."""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from vmeste.core.middleware import DomainErrorMiddleware
from vmeste.ideas.models import Project
from vmeste.organizations.models import Organization

BIG = "99999999999999999999"  # twenty digits: past a 64-bit integer


def _refused_or_invalid(response: HttpResponse) -> None:
    """SQLite cannot bind the number (a 400 page that says so); PostgreSQL finds no such row
    (the form comes back with its error)."""
    if connection.vendor == "sqlite":
        assert response.status_code == 400
        assert "слишком велико" in response.content.decode()
    else:
        assert response.status_code == 200


def test_an_overflowing_number_is_a_400_in_the_users_language() -> None:
    middleware = DomainErrorMiddleware(lambda request: HttpResponse())
    with translation.override("ru"):  # what LanguageMiddleware sets for a page
        page = middleware.process_exception(RequestFactory().get("/staff/"), OverflowError("big"))
    assert page is not None and page.status_code == 400
    assert "Одно из чисел в запросе слишком велико." in page.content.decode()
    api = middleware.process_exception(RequestFactory().get("/api/v1/x"), OverflowError("big"))
    assert api is not None and api.status_code == 400
    assert b'"number_too_large"' in api.content
    assert middleware.process_exception(RequestFactory().get("/"), KeyError("x")) is None


def test_a_project_form_with_an_impossible_institution_id(client, people, region) -> None:
    client.force_login(people.project_admin)
    response = client.post(
        "/projects/new/",
        {
            "title": "Библиотеки будущего",
            "slug": "biblioteki",
            "description": "Идеи для библиотек.",
            "organizer": region.department.pk,
            "institutions": BIG,
            "ideas_per_participant": 2,
            "votes_per_participant": 3,
            "participation": "everyone",
            "winner_rule": "top_overall",
            "winners_count": 3,
        },
    )
    _refused_or_invalid(response)
    assert not Project.objects.filter(slug="biblioteki").exists()


def test_admin_widgets_with_an_impossible_id(client, people, region) -> None:
    people.admin.is_superuser = True
    people.admin.save(update_fields=["is_superuser"])
    client.force_login(people.admin)
    before = Organization.objects.count()
    response = client.post(
        "/admin/organizations/organization/add/",
        {"name": "Новый музей", "slug": "novyj", "parent": BIG},
    )
    _refused_or_invalid(response)
    assert Organization.objects.count() == before
