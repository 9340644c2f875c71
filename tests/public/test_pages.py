"""The public pages: home totals, dashboard, events and iCal, organization pages, cabinet, query counts."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.appeals.conftest import answered
from tests.factories import OrganizationFactory, UserFactory
from vmeste.organizations.models import Event


@pytest.fixture
def events(region):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=2), dt.time(19, 0), tz)
    return [
        Event.objects.create(
            organization=region.theatre,
            title="Спектакль «Гроза»",
            starts_at=start,
            is_free=False,
            price=600,
            age_rating="16+",
        ),
        Event.objects.create(
            organization=region.museum,
            title="Лекция о купцах",
            starts_at=start + dt.timedelta(days=1),
            age_rating="12+",
        ),
        Event.objects.create(
            organization=region.museum,
            title="Мастерская для детей",
            starts_at=start + dt.timedelta(days=3),
            age_rating="0+",
        ),
    ]


def test_the_home_page_shows_platform_totals(client, registered, people) -> None:
    answered(registered(), people)
    registered()
    page = client.get("/").content.decode()
    assert "обращений поступило" in page or "appeals received" in page
    assert "Кровлю над залом отремонтировали" in page  # the latest answer


def test_events_calendar_filters_and_ical(client, events, region) -> None:
    page = client.get("/events/?free=on").content.decode()
    assert "Лекция о купцах" in page and "Гроза" not in page
    page = client.get("/events/?age=6%2B").content.decode()
    assert "Мастерская для детей" in page and "Лекция о купцах" not in page
    page = client.get("/events/?type=theatre").content.decode()
    assert "Гроза" in page and "Лекция" not in page
    assert client.get("/events/?date_from=banana").status_code == 200

    from icalendar import Calendar

    feed = client.get(f"/organizations/{region.museum.slug}/events.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.content)
    titles = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert titles == ["Лекция о купцах (12+)", "Мастерская для детей (0+)"]
    everything = Calendar.from_ical(client.get("/events.ics").content)
    assert len(everything.walk("VEVENT")) == 3
    assert client.get("/organizations/nope/events.ics").status_code == 404


def test_organization_page_has_counters_events_and_appeals(
    client, registered, people, events, region
) -> None:
    appeal = answered(registered(), people)
    page = client.get(region.museum.get_absolute_url()).content.decode()
    assert "Лекция о купцах" in page and appeal.number in page
    assert f"/organizations/{region.museum.slug}/events.ics" in page


def test_the_dashboard_period_csv_and_cache_invalidation(
    client, registered, people, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appeal = registered()
    first = client.get("/dashboard/").content.decode()
    assert "Краеведческий музей" in first and "<svg" in first
    with django_capture_on_commit_callbacks(execute=True):
        answered(appeal, people)
    rows = list(csv.reader(io.StringIO(client.get("/dashboard.csv").content.decode("utf-8-sig"))))
    museum = next(r for r in rows if r[0] == "Краеведческий музей")
    assert museum[1:4] == [
        "1",
        "0",
        "1",
    ]  # received, in work, on time: the cache followed the change
    empty = client.get("/dashboard/?date_from=2020-01-01&date_to=2020-01-31").content.decode()
    assert "Краеведческий музей" not in empty
    assert client.get("/dashboard/?group=district").status_code == 200
    assert client.get("/dashboard/?date_from=2030-01-01&date_to=2020-01-01").status_code == 200


def test_the_cabinet(client, registered, people) -> None:
    appeal = registered()
    client.force_login(people.alice)
    page = client.get("/cabinet/").content.decode()
    assert appeal.number in page
    client.logout()
    assert client.get("/cabinet/").status_code == 302


def _queries(client, url: str) -> int:
    from django.core.cache import cache

    cache.clear()  # measure the page itself, not the dashboard's cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_public_pages_use_a_constant_number_of_queries(
    client, registered, people, events, region
) -> None:
    urls = [
        "/",
        "/organizations/",
        region.museum.get_absolute_url(),
        "/events/",
        "/appeals/",
        "/dashboard/",
        "/projects/",
        "/opendata/",
    ]
    answered(registered(), people)
    before = {url: _queries(client, url) for url in urls}
    for n in range(6):
        OrganizationFactory(slug=f"more-{n}", parent=region.department)
        answered(registered(author=UserFactory()), people)
        Event.objects.create(
            organization=region.museum, title=f"Событие {n}", starts_at=events[0].starts_at
        )
    after = {url: _queries(client, url) for url in urls}
    assert after == before


def test_the_chart_coordinates_are_not_localized(client, registered, people) -> None:
    import re

    answered(registered(), people)
    page = client.get("/dashboard/").content.decode()
    labels = re.findall(r'<text x="([^"]+)" y="([^"]+)"', page)
    assert labels
    for x, y in re.findall(r'<text x="([^"]+)" y="([^"]+)"', page):
        float(x), float(y)
    for points in re.findall(r'points="([^"]+)"', page):
        for point in points.split():
            px, py = point.split(",")
            float(px), float(py)
