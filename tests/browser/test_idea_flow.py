"""A resident proposes an idea, a moderator publishes it, the resident votes for another and sees it counted."""

import datetime as dt

import pytest

from tests.browser.test_appeal_flow import sign_in
from vmeste.core import clock
from vmeste.ideas import services
from vmeste.ideas.models import Idea, IdeaStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_propose_publish_and_vote(browser, live_server, people, region) -> None:
    base = live_server.url
    now = clock.now()
    stages = {
        "propose": (now - dt.timedelta(days=1), now + dt.timedelta(days=5)),
        "review": (now - dt.timedelta(days=1), now + dt.timedelta(days=5)),
        "vote": (now - dt.timedelta(hours=1), now + dt.timedelta(days=5)),
        "results": (now + dt.timedelta(days=6), None),
    }
    project = services.project_save(
        actor=people.project_admin,
        project=None,
        title="Культура онлайн",
        slug="kultura",
        organizer=region.department,
        description="Идеи для онлайн-сервисов.",
        stages=stages,
    )
    services.project_publish(actor=people.project_admin, project=project)
    other = services.idea_save(
        actor=people.bob,
        project=project,
        title="Трансляции спектаклей драмтеатра",
        text="Раз в месяц транслировать спектакль для дальних районов.",
        submit=True,
    )
    services.idea_moderate(actor=people.moderator, idea=other, decision="publish")
    services.idea_decide(
        actor=people.project_admin, idea=Idea.objects.get(pk=other.pk), decision="shortlist"
    )

    resident = sign_in(browser, base, "alice@example.org")
    resident.goto(f"{base}/projects/kultura/propose/")
    resident.get_by_label("Название").fill("Онлайн-лекторий краеведческого музея")
    resident.get_by_label("Опишите идею").fill(
        "Записывать лекции научных сотрудников и выкладывать каждую неделю."
    )
    resident.get_by_role("button", name="Отправить на модерацию").click()
    resident.wait_for_selector("text=Идея отправлена на модерацию")
    mine = Idea.objects.get(author=people.alice)
    assert mine.status == IdeaStatus.SUBMITTED

    moderator = sign_in(browser, base, "moderator@example.org")
    moderator.goto(f"{base}/projects/moderation/")
    moderator.get_by_role("link", name="Онлайн-лекторий краеведческого музея").click()
    moderator.get_by_label("Опубликовать").check()
    moderator.get_by_role("button", name="Сохранить решение").click()
    moderator.wait_for_selector("text=Решение записано")
    mine.refresh_from_db()
    assert mine.status == IdeaStatus.PUBLISHED

    resident.goto(f"{base}/projects/kultura/ideas/{other.pk}/")
    assert resident.get_by_text("0 голосов").is_visible()
    resident.get_by_role("button", name="Проголосовать за эту идею").click()
    resident.wait_for_selector("text=1 голос")
    assert resident.get_by_role("button", name="Отозвать мой голос").is_visible()
    assert Idea.objects.get(pk=other.pk).vote_count == 1
