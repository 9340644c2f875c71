"""axe-core (vendored from npm) on every public page, in Russian and in English, on a phone screen.

No violation of impact «serious» or «critical» is allowed; pages must not scroll sideways at 320 px.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from tests.appeals.conftest import answered
from vmeste.ideas import services as idea_services
from vmeste.organizations.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).with_name("vendor") / "axe.min.js"


def test_public_pages_have_no_serious_accessibility_violations(
    browser, live_server, registered, people, region
) -> None:
    appeal = answered(registered(), people)
    now = timezone.now()
    stages = {
        "propose": (now - dt.timedelta(days=1), now + dt.timedelta(days=5)),
        "results": (now + dt.timedelta(days=9), None),
    }
    project = idea_services.project_save(
        actor=people.project_admin,
        project=None,
        title="Культура онлайн",
        slug="kultura",
        organizer=region.department,
        description="Идеи для онлайн-сервисов.",
        stages=stages,
        directions=[("Экскурсии", "Виртуальные туры")],
    )
    idea_services.project_publish(actor=people.project_admin, project=project)
    idea = idea_services.idea_save(
        actor=people.bob,
        project=project,
        title="Виртуальный тур по музею",
        text="Снять панорамы всех залов.",
        direction=project.directions.first(),
        submit=True,
    )
    idea_services.idea_moderate(actor=people.moderator, idea=idea, decision="publish")
    Event.objects.create(
        organization=region.museum,
        title="Лекция о купцах",
        starts_at=now + dt.timedelta(days=2),
        age_rating="12+",
    )
    pages = [
        "/",
        "/organizations/",
        region.museum.get_absolute_url(),
        "/events/",
        "/appeals/",
        appeal.get_absolute_url(),
        "/projects/",
        project.get_absolute_url(),
        idea.get_absolute_url(),
        "/dashboard/",
        "/opendata/",
        "/accounts/login/",
        "/accounts/signup/",
        "/no-such-page/",
    ]
    problems = []
    for language in ("ru", "en"):
        # The axe script is injected inline, which the site's CSP rightly forbids: bypass it for the check.
        context = browser.new_context(
            locale="ru-RU", viewport={"width": 320, "height": 800}, bypass_csp=True
        )
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        for path in pages:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}})"
            )
            for violation in result["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in violation["nodes"][:3]]
                    problems.append(
                        f"{language} {path}: {violation['id']} ({violation['impact']}) {targets}"
                    )
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
                problems.append(f"{language} {path}: scrolls sideways at 320 px")
        context.close()
    assert not problems, "\n".join(problems)
