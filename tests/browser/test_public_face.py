"""The public face in a browser: home, dashboard, map with filters, organization page, cabinet."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from tests.appeals.conftest import answered
from tests.browser.test_appeal_flow import sign_in
from vmeste.organizations.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_dashboard_map_organization_and_cabinet(
    browser, live_server, registered, people, region, categories
) -> None:
    base = live_server.url
    appeal = answered(
        registered(latitude=region.museum.latitude, longitude=region.museum.longitude), people
    )
    registered(institution=region.theatre)
    Event.objects.create(
        organization=region.museum,
        title="Лекция о купцах",
        starts_at=timezone.now() + dt.timedelta(days=2),
        age_rating="12+",
    )
    page = sign_in(browser, base, "alice@example.org")

    # Home: the totals and the latest answer.
    page.goto(base + "/")
    assert page.get_by_role("heading", name="Платформа в цифрах").is_visible()
    assert page.get_by_text("Кровлю над залом отремонтировали").first.is_visible()

    # Dashboard: change the period, then download what is shown.
    page.goto(base + "/dashboard/")
    assert page.locator("svg.chart").count() == 1
    page.locator("#id_date_from").fill("2020-01-01")
    page.locator("#id_date_to").fill("2020-01-31")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**/dashboard/?*")
    assert page.get_by_text("За этот период обращений нет.").first.is_visible()
    page.goto(base + "/dashboard/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Краеведческий музей" in content

    # Map and list with the same filters.
    page.goto(base + "/appeals/")
    page.wait_for_selector(".map.map-ready")
    page.locator("#id_institution").select_option(label="Драматический театр")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**/appeals/?*")
    assert page.get_by_text(appeal.number).count() == 0
    assert page.locator(".cards .card").count() == 1

    # Organization page: events and the iCal feed.
    page.goto(base + region.museum.get_absolute_url())
    assert page.get_by_text("Лекция о купцах").is_visible()
    href = page.get_by_role("link", name="События в ваш календарь (iCal)").get_attribute("href")
    response = page.request.get(base + href)
    assert (
        response.ok
        and b"BEGIN:VCALENDAR" in response.body()
        and "Лекция о купцах".encode() in response.body()
    )

    # Cabinet: the resident's own appeals.
    page.goto(base + "/cabinet/")
    assert page.get_by_role("link", name=f"№ {appeal.number} · {appeal.category}").is_visible()
