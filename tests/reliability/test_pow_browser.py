"""The ALTCHA widget solves its challenge in a real browser under the project's CSP."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

from vmeste.accounts.models import User

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_sign_up_with_the_widget_in_chromium(live_server: Any, settings: Any) -> None:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    settings.VMESTE_POW = True
    settings.VMESTE_POW_MIN_NUMBER = 1000
    settings.VMESTE_POW_MAX_NUMBER = 5000
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    problems: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(locale="ru-RU")
            page.set_default_timeout(20000)
            page.on(
                "console",
                lambda message: (
                    problems.append(message.text)
                    if message.type == "error" or "Content Security Policy" in message.text
                    else None
                ),
            )
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(f"{live_server.url}/accounts/signup/")
            page.fill("input[name=email]", "widget@example.org")
            page.fill("input[name=password1]", "Sirenevyj-tuman-42")
            page.fill("input[name=password2]", "Sirenevyj-tuman-42")
            page.check("input[name=personal_data_consent]")
            # auto="onfocus": typing into the form has already started the work in the workers.
            page.wait_for_function(
                "() => { const i = document.querySelector('input[name=altcha]');"
                " return i && i.value.length > 20; }"
            )
            page.locator("form button[type=submit]").last.click()
            page.wait_for_load_state()
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert User.objects.filter(email="widget@example.org").exists(), problems
