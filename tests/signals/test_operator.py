"""The operator's reactions, the reaction deadline, and replies back to the network."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import TestCase

from tests.appeals.conftest import answered
from vmeste.appeals import services as appeal_services
from vmeste.appeals.models import Appeal, Status
from vmeste.appeals.models import Source as AppealSource
from vmeste.core.audit import audit_history
from vmeste.core.errors import Conflict, NotFound, ValidationFailed
from vmeste.core.sweep import sweep_run
from vmeste.signals import services
from vmeste.signals.delivery import deliver
from vmeste.signals.models import DeliveryAttempt, Reply, Signal, TrainingLabel

from .conftest import tg_update, vk_message, vk_wall_post

pytestmark = pytest.mark.django_db
MSK = dt.timezone(dt.timedelta(hours=3))


def hook(client, url, body, **headers):
    import json

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            url, data=json.dumps(body), content_type="application/json", headers=headers
        )
    assert response.status_code == 200, response.content
    return Signal.objects.order_by("-pk").first()


def in_work(signal, people, categories):
    """The signal's appeal, filed by the operator, registered and taken by the museum."""
    appeal = services.signal_create_appeal(
        actor=people.operator,
        signal=signal,
        category=categories.building,
        text=signal.text,
        institution=signal.institution,
    )
    appeal = appeal_services.appeal_moderate(
        actor=people.moderator, appeal=appeal, decision="register"
    )
    appeal_services.appeal_take(actor=people.executor, appeal=appeal)
    return appeal


@pytest.fixture
def vk_signal(client, vk_source, categories):
    return hook(
        client, "/hooks/vk/vk-muzej/", vk_message("В краеведческом музее протекает крыша над залом")
    )


def test_create_appeal_prefilled_linked_and_labelled(vk_signal, people, categories, region):
    with TestCase.captureOnCommitCallbacks(execute=True):
        appeal = services.signal_create_appeal(
            actor=people.operator,
            signal=vk_signal,
            category=categories.building,
            text=vk_signal.clean_text,
            institution=vk_signal.institution,
        )
    vk_signal.refresh_from_db()
    assert vk_signal.status == Signal.Status.APPEAL
    assert vk_signal.appeal == appeal and vk_signal.reacted_at is not None
    assert appeal.source == AppealSource.SIGNAL and appeal.institution == region.museum
    assert appeal.status == Status.SUBMITTED
    entry = next(e for e in audit_history(vk_signal) if e.action == "signal.appeal_created")
    assert entry.actor == people.operator and entry.data["author_handle"] == "id5552"
    assert entry.data["on_time"] is True
    # No model suggested the category: the operator's choice is a training label.
    label = TrainingLabel.objects.get(field="category")
    assert label.label == "building" and label.predicted == ""
    with pytest.raises(Conflict):
        services.signal_dismiss(actor=people.operator, signal=vk_signal, reason="noise")


def test_the_operator_hears_only_what_needs_them_about_an_appeal_from_a_signal(
    vk_signal, people, categories
):
    """The operator filed it for somebody in the network, who hears there: no «accepted»,
    «registered», «work started» for the operator, but a question to relay reaches them."""
    from vmeste.notifications.models import Notification

    appeal = in_work(vk_signal, people, categories)
    assert not Notification.objects.filter(user=people.operator).exists()
    appeal_services.appeal_clarification_ask(
        actor=people.executor, appeal=appeal, question="На каком этаже протекает?"
    )
    [notice] = Notification.objects.filter(user=people.operator)
    assert appeal.number in notice.title and notice.body == "На каком этаже протекает?"


def test_only_operators_of_the_sources_organization_work_it(vk_signal, people, region):
    for name in ("alice", "executor", "moderator", "supervisor"):
        with pytest.raises(NotFound):
            services.signal_get(getattr(people, name), vk_signal.pk)
    assert services.signal_get(people.operator, vk_signal.pk) == vk_signal
    assert services.signal_get(people.admin, vk_signal.pk) == vk_signal


def test_dismiss_needs_a_known_reason_and_a_comment_for_other(vk_signal, people):
    with pytest.raises(ValidationFailed) as error:
        services.signal_dismiss(actor=people.operator, signal=vk_signal, reason="bored")
    assert error.value.details["errors"][0]["field"] == "reason"
    with pytest.raises(ValidationFailed):
        services.signal_dismiss(actor=people.operator, signal=vk_signal, reason="other")
    services.signal_dismiss(actor=people.operator, signal=vk_signal, reason="noise")
    vk_signal.refresh_from_db()
    assert vk_signal.status == Signal.Status.DISMISSED
    assert TrainingLabel.objects.get(field="kind").label == "noise"


def test_answer_directly_is_sent_as_a_vk_message(vk_signal, people, fake_network):
    with TestCase.captureOnCommitCallbacks(execute=True):
        reply = services.signal_answer(
            actor=people.operator, signal=vk_signal, text="Передали в музей, крышу осмотрят завтра."
        )
    reply.refresh_from_db()
    assert reply.state == Reply.State.SENT and reply.attempts == 1
    call = fake_network.delivered[0]
    assert call["path"] == "/vk/messages.send"
    assert call["data"]["peer_id"] == "5552" and call["data"]["random_id"] == str(reply.pk)
    assert call["data"]["access_token"] == "vk-token"


def test_published_answer_goes_back_to_the_source_after_retries(
    client, tg_source, people, categories, fake_network
):
    fake_network.fail_first = 2
    signal = hook(
        client,
        "/hooks/telegram/tg-cur/",
        tg_update("В краеведческом музее протекает крыша"),
        **{"X-Telegram-Bot-Api-Secret-Token": "tg-secret-1"},
    )
    appeal = in_work(signal, people, categories)
    with TestCase.captureOnCommitCallbacks(execute=True):
        answered(Appeal.objects.get(pk=appeal.pk), people)
    reply = Reply.objects.get(signal=signal)
    assert reply.state == Reply.State.PENDING and reply.attempts == 1
    assert "503" in reply.last_error
    # The sweep retries when the backoff has passed, not before.
    assert sweep_run(only=["signals.deliver"]).handled["signals.deliver"] == 0
    with time_machine.travel(reply.next_attempt_at + dt.timedelta(seconds=1)):
        sweep_run(only=["signals.deliver"])
    reply.refresh_from_db()
    assert reply.attempts == 2 and reply.state == Reply.State.PENDING
    with time_machine.travel(reply.next_attempt_at + dt.timedelta(seconds=1)):
        sweep_run(only=["signals.deliver"])
        sweep_run(only=["signals.deliver"])
    reply.refresh_from_db()
    assert reply.state == Reply.State.SENT and reply.attempts == 3
    assert len(fake_network.delivered) == 1
    sent = fake_network.delivered[0]
    assert sent["path"] == "/tg/bot123456:ABC/sendMessage"
    assert sent["data"]["chat_id"] == 777
    assert sent["data"]["reply_parameters"]["message_id"] == 10
    assert appeal.number in sent["data"]["text"]
    assert [a.ok for a in DeliveryAttempt.objects.filter(reply=reply)] == [False, False, True]
    assert "signal.reply_sent" in [e.action for e in audit_history(signal)]


def test_remote_down_for_an_hour_loses_nothing_and_sends_once(vk_signal, people, fake_network):
    fake_network.fail_first = 10_000
    start = dt.datetime(2026, 12, 2, 10, 0, tzinfo=MSK)
    with time_machine.travel(start, tick=False):
        reply = services.signal_answer(
            actor=people.operator, signal=vk_signal, text="Ответ на вопрос жителя."
        )
        deliver(reply.pk)
    minute = start
    while minute < start + dt.timedelta(hours=1):
        minute += dt.timedelta(minutes=1)
        with time_machine.travel(minute, tick=False):
            sweep_run(only=["signals.deliver"])
    reply.refresh_from_db()
    assert reply.state == Reply.State.PENDING
    # Backoff: 1+2+5+10+20 minutes fit in the hour, so 6 attempts, not 60.
    assert reply.attempts == 6
    fake_network.fail_first = 0
    with time_machine.travel(reply.next_attempt_at, tick=False):
        sweep_run(only=["signals.deliver"])
        sweep_run(only=["signals.deliver"])
    reply.refresh_from_db()
    assert reply.state == Reply.State.SENT
    assert len(fake_network.delivered) == 1


def test_reply_without_token_is_recorded_not_sent(vk_signal, people, fake_network):
    vk_signal.source.access_token = ""
    vk_signal.source.save()
    reply = services.signal_answer(
        actor=people.operator, signal=vk_signal, text="Ответ без токена."
    )
    assert reply.state == Reply.State.SKIPPED
    assert fake_network.calls == []


def test_attach_to_an_answered_appeal_sends_its_answer(
    client, vk_source, people, registered, fake_network
):
    appeal = registered()
    appeal_services.appeal_take(actor=people.executor, appeal=appeal)
    answered(Appeal.objects.get(pk=appeal.pk), people)
    signal = hook(client, "/hooks/vk/vk-muzej/", vk_wall_post("Когда починят крышу музея?"))
    with pytest.raises(ValidationFailed):
        services.signal_attach(actor=people.operator, signal=signal, number="2026-999999")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.signal_attach(actor=people.operator, signal=signal, number=appeal.number)
    signal.refresh_from_db()
    assert signal.status == Signal.Status.ATTACHED
    assert fake_network.delivered[0]["path"] == "/vk/wall.createComment"
    assert fake_network.delivered[0]["data"]["post_id"] == "45"


def test_reaction_deadline_is_one_working_day_and_swept(client, vk_source, categories):
    friday = dt.datetime(2026, 12, 4, 15, 0, tzinfo=MSK)
    with time_machine.travel(friday, tick=False):
        signal = hook(client, "/hooks/vk/vk-muzej/", vk_wall_post("Грязно у входа в музей"))
    assert signal.reaction_due_at.astimezone(MSK).date() == dt.date(2026, 12, 7)  # Monday
    with time_machine.travel(dt.datetime(2026, 12, 7, 20, 0, tzinfo=MSK), tick=False):
        sweep_run(only=["signals.overdue"])
        within = services.signal_counts()
    signal.refresh_from_db()
    assert signal.overdue_at is None
    assert (within["waiting"], within["overdue_now"]) == (1, 0)
    with time_machine.travel(dt.datetime(2026, 12, 8, 9, 0, tzinfo=MSK), tick=False):
        sweep_run(only=["signals.overdue"])
        sweep_run(only=["signals.overdue"])
        counts = services.signal_counts()
    signal.refresh_from_db()
    assert signal.overdue_at is not None
    assert [e.action for e in audit_history(signal)].count("signal.overdue") == 1
    assert counts["overdue_now"] == 1 and counts["open"] == 1 and counts["waiting"] == 0


def test_attach_refuses_a_private_appeal(client, vk_source, people, file_appeal, categories):
    private = file_appeal(category=categories.private)
    private = appeal_services.appeal_moderate(
        actor=people.moderator, appeal=private, decision="register"
    )
    signal = hook(client, "/hooks/vk/vk-muzej/", vk_wall_post("Нахамили в кассе музея"))
    with pytest.raises(ValidationFailed) as error:
        services.signal_attach(actor=people.operator, signal=signal, number=private.number)
    assert error.value.details["errors"][0]["code"] == "not_public"
    signal.refresh_from_db()
    assert signal.is_open and signal.appeal is None


def test_the_same_post_under_two_keys_is_stored_once(vk_source):
    from django.utils import timezone

    from vmeste.signals.connectors import Delivery, Item

    item = Item(external_id="wall:-1_1", item_type="post", text="текст", posted_at=timezone.now())
    services.ingest(vk_source, Delivery(key="a", event_type="t", items=[item]), {})
    raw, created = services.ingest(vk_source, Delivery(key="b", event_type="t", items=[item]), {})
    assert created == [] and raw.key == "b"
    assert Signal.objects.count() == 1
