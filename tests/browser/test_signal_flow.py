"""An operator turns a fresh VK message into an appeal; the published answer reaches VK."""

import json

import pytest
from django.test import Client

from tests.browser.test_appeal_flow import sign_in
from tests.signals.conftest import vk_message
from vmeste.appeals import services as appeal_services
from vmeste.appeals.models import Appeal, Category, RoutingRule
from vmeste.core.sweep import sweep_run
from vmeste.signals.models import Reply, Signal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_creates_an_appeal_and_the_answer_goes_back(
    browser, live_server, people, region, calendar, vk_source, fake_network
) -> None:
    base = live_server.url
    building = Category.objects.create(
        name="Чистота и ремонт здания", slug="building", default_organization=region.department
    )
    RoutingRule.objects.create(institution=region.museum, organization=region.museum)
    # The network posts to the webhook like VK does (tasks run inline in the tests).
    response = Client().post(
        "/hooks/vk/vk-muzej/",
        data=json.dumps(vk_message("Срочно! В краеведческом музее протекает крыша над залом")),
        content_type="application/json",
    )
    assert response.content == b"ok"
    signal = Signal.objects.get()
    assert signal.status == Signal.Status.TRIAGED

    operator = sign_in(browser, base, "operator@example.org")
    operator.goto(base + "/staff/signals/")
    operator.get_by_role("link", name="Срочно! В краеведческом музее").click()
    operator.wait_for_selector("text=Что предлагает автоматический разбор")
    assert operator.locator("dd", has_text="Краеведческий музей").count() >= 1
    assert operator.get_by_text("Высокая").count() == 1
    # The form is prefilled from the triage: the institution and the cleaned text.
    assert (
        operator.locator("#id_appeal-institution option:checked").inner_text()
        == "Краеведческий музей"
    )
    assert "протекает крыша" in operator.locator("#id_appeal-text").input_value()
    operator.locator("#id_appeal-category").select_option(label="Чистота и ремонт здания")
    operator.get_by_role("button", name="Создать обращение").last.click()
    operator.wait_for_selector("text=подано")
    signal.refresh_from_db()
    assert signal.status == Signal.Status.APPEAL and signal.reacted_at is not None
    appeal = signal.appeal
    assert appeal.category == building and appeal.institution == region.museum

    appeal = appeal_services.appeal_moderate(
        actor=people.moderator, appeal=appeal, decision="register"
    )
    appeal_services.appeal_take(actor=people.executor, appeal=appeal)
    answer = appeal_services.answer_submit(
        actor=people.executor,
        appeal=Appeal.objects.get(pk=appeal.pk),
        text="Кровлю над залом отремонтировали 12.12, подрядчик ООО «Кровля». Экспонаты целы.",
    )
    appeal_services.answer_approve(actor=people.supervisor, answer=answer)
    sweep_run(only=["signals.deliver"])
    reply = Reply.objects.get(signal=signal)
    assert reply.state == Reply.State.SENT
    sent = fake_network.delivered[-1]
    assert sent["path"] == "/vk/messages.send" and sent["data"]["peer_id"] == "5552"
    assert "Кровлю над залом отремонтировали" in sent["data"]["message"]

    operator.goto(f"{base}/staff/signals/{signal.pk}/")
    operator.wait_for_selector("text=Ответы в соцсеть")
    assert operator.get_by_text("Доставлен").count() == 1
