import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_opens_the_home_page_switches_to_english_and_signs_in(page, region) -> None:
    UserFactory(email="galina@example.org", display_name="Галина")
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", name="Учреждения края").is_visible()
    assert page.get_by_role("link", name="Краеведческий музей").first.is_visible()
    # No horizontal scrolling on a phone-sized screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Institutions of the region").is_visible()

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("galina@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(page.base_url + "/")
    assert page.get_by_role("link", name="My account").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
