"""An appeal's whole life with real actors and time travel across holidays."""

import datetime as dt

import pytest
import time_machine

from tests.appeals.conftest import MSK, answered
from vmeste.appeals import services
from vmeste.appeals.models import Appeal, Status
from vmeste.core.errors import Conflict, TransitionNotAllowed
from vmeste.core.models import AuditEntry
from vmeste.core.sweep import sweep_run
from vmeste.notifications.models import Notification

APPEAL_STEPS = ["appeals.remind", "appeals.overdue", "appeals.autoclose"]


def sweep() -> None:
    sweep_run(only=APPEAL_STEPS)


def test_registration_across_the_new_year_gives_a_deadline_after_the_holidays(
    file_appeal, people, region
) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 25, 11, 0, tzinfo=MSK), tick=False):
        appeal = file_appeal()
        assert appeal.status == Status.SUBMITTED
        assert appeal.number == "2026-000001"
        appeal = services.appeal_moderate(
            actor=people.moderator, appeal=appeal, decision="register"
        )
    assert appeal.status == Status.ASSIGNED
    assert appeal.organization == region.museum
    assert appeal.due_at.astimezone(MSK).date() == dt.date(2027, 1, 15)
    # Reminded at the end of the previous working day, 14 January.
    assert appeal.remind_at.astimezone(MSK).date() == dt.date(2027, 1, 14)
    history = [
        (e.from_state, e.to_state, e.actor)
        for e in AuditEntry.objects.filter(action="appeal.status").order_by("id")
    ]
    assert history == [
        ("submitted", "registered", people.moderator),
        ("registered", "assigned", None),
    ]


def test_reminder_then_overdue_then_escalation_by_the_sweep(registered, people, region) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 25, 11, 0, tzinfo=MSK), tick=False):
        appeal = registered()
    with time_machine.travel(dt.datetime(2027, 1, 14, 12, 0, tzinfo=MSK), tick=False):
        sweep()
        appeal.refresh_from_db()
        assert appeal.reminded_at is None
    with time_machine.travel(dt.datetime(2027, 1, 15, 9, 0, tzinfo=MSK), tick=False):
        sweep()
        appeal.refresh_from_db()
        assert appeal.reminded_at is not None and appeal.overdue_at is None
        assert (
            Notification.objects.filter(user=people.executor, title__contains="2026-000001").count()
            == 2
        )
    with time_machine.travel(dt.datetime(2027, 1, 16, 0, 1, tzinfo=MSK), tick=False):
        sweep()
        sweep()  # a second pass changes nothing
    appeal.refresh_from_db()
    assert appeal.overdue_at is not None and appeal.is_overdue
    assert appeal.escalated_to == region.department
    assert AuditEntry.objects.filter(action="appeal.overdue", target_id=str(appeal.pk)).count() == 1
    assert Notification.objects.filter(
        user=people.supervisor, title__contains=appeal.number
    ).exists()


def test_clarification_pauses_the_clock(registered, people) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=MSK), tick=False):  # Monday
        appeal = registered()
        due = appeal.due_at
        services.appeal_take(actor=people.executor, appeal=appeal)
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=MSK), tick=False):
        services.appeal_clarification_ask(
            actor=people.executor, appeal=appeal, question="В каком зале протекает крыша?"
        )
    with time_machine.travel(
        dt.datetime(2026, 12, 7, 10, 0, tzinfo=MSK), tick=False
    ):  # next Monday
        # While paused nothing becomes overdue, even if the old deadline had passed.
        services.appeal_clarification_reply(
            actor=people.alice, appeal=appeal, text="В зале древней истории, у окна."
        )
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS
    # Tuesday 10:00 → Monday 10:00 is 4 working days; the deadline of Thursday 10 December moves
    # by 4 working days, over the weekend, to Wednesday 16 December.
    assert due.astimezone(MSK).date() == dt.date(2026, 12, 10)
    assert appeal.due_at.astimezone(MSK).date() == dt.date(2026, 12, 16)
    assert appeal.paused_at is None and appeal.paused_seconds == 4 * 86400


def test_on_time_answer_confirmed_and_rated(registered, people) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=MSK), tick=False):
        appeal = registered()
    with time_machine.travel(dt.datetime(2026, 12, 2, 15, 0, tzinfo=MSK), tick=False):
        appeal = answered(appeal, people)
    assert appeal.status == Status.ANSWERED
    assert appeal.is_answered_on_time is True
    assert appeal.answer_working_seconds == int(dt.timedelta(days=2, hours=5).total_seconds())
    assert Notification.objects.filter(user=people.alice, kind="answers").exists()
    services.appeal_feedback(
        actor=people.alice, appeal=appeal, kind="confirm", rating=5, comment="Спасибо!"
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED_CONFIRMED and appeal.rating == 5 and appeal.closed_at


def test_two_disputes_send_the_appeal_to_the_supervising_organization(
    registered, people, region
) -> None:
    appeal = answered(registered(), people)
    services.appeal_feedback(
        actor=people.alice,
        appeal=appeal,
        kind="dispute",
        rating=2,
        comment="Крыша всё ещё течёт после дождя.",
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.REOPENED and appeal.dispute_count == 1
    assert appeal.organization == region.museum
    services.appeal_take(actor=people.executor, appeal=appeal)
    appeal = answered(
        appeal,
        people,
        text="Повторно осмотрели кровлю 20.05 и заменили ещё два листа покрытия над залом.",
    )
    services.appeal_feedback(
        actor=people.alice,
        appeal=appeal,
        kind="dispute",
        rating=1,
        comment="Опять протекает, ничего не сделано.",
    )
    appeal.refresh_from_db()
    assert appeal.dispute_count == 2
    assert appeal.organization == region.department and appeal.escalated_to == region.department
    assert AuditEntry.objects.filter(action="appeal.escalated", target_id=str(appeal.pk)).exists()


def test_no_reaction_closes_the_appeal_after_fifteen_days(registered, people) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=MSK), tick=False):
        appeal = answered(registered(), people)
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, 0, tzinfo=MSK), tick=False):
        sweep()
        appeal.refresh_from_db()
        assert appeal.status == Status.ANSWERED
    with time_machine.travel(dt.datetime(2026, 12, 15, 10, 1, tzinfo=MSK), tick=False):
        sweep()
        with pytest.raises(Conflict):
            services.appeal_feedback(actor=people.alice, appeal=appeal, kind="confirm")
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED_AUTO


def test_a_late_answer_counts_as_late(registered, people) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=MSK), tick=False):
        appeal = registered()
    with time_machine.travel(dt.datetime(2026, 12, 14, 10, 0, tzinfo=MSK), tick=False):
        sweep()
        appeal = answered(appeal, people)
    assert appeal.is_answered_on_time is False and appeal.overdue_at is not None


def test_planned_answer_then_the_final_one(registered, people) -> None:
    appeal = registered()
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=MSK), tick=False):
        answer = services.answer_submit(
            actor=people.executor,
            appeal=appeal,
            text="Ремонт кровли запланирован: подрядчик выйдет на объект.",
            planned_on=dt.date(2026, 12, 20),
        )
        services.answer_approve(actor=people.supervisor, answer=answer)
    appeal.refresh_from_db()
    assert appeal.status == Status.PLANNED and appeal.answered_at is not None
    appeal = answered(appeal, people)
    assert appeal.status == Status.ANSWERED


def test_the_deadline_is_extended_once_and_not_after_it_passed(registered, people) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=MSK), tick=False):
        appeal = registered()
        old = appeal.due_at
        services.appeal_extend(
            actor=people.supervisor, appeal=appeal, days=5, reason="Нужна экспертиза кровли"
        )
        appeal.refresh_from_db()
        assert appeal.due_at.astimezone(MSK).date() == dt.date(2026, 12, 17)
        assert appeal.due_at > old
        with pytest.raises(Conflict):
            services.appeal_extend(actor=people.supervisor, appeal=appeal, days=2, reason="Ещё раз")


def test_an_answer_returned_by_the_supervisor_goes_back_to_work(registered, people) -> None:
    appeal = registered()
    answer = services.answer_submit(
        actor=people.executor,
        appeal=appeal,
        text="Информация принята к сведению, вопрос на контроле.",
    )
    assert answer.looks_like_brushoff
    services.answer_return(
        actor=people.supervisor, answer=answer, comment="Это отписка, напишите по существу."
    )
    appeal.refresh_from_db()
    answer.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS and answer.state == "returned"
    with pytest.raises(Conflict):
        services.answer_approve(actor=people.supervisor, answer=answer)


def test_reassignment_keeps_the_deadline_and_the_reason(registered, people, region) -> None:
    appeal = registered()
    due = appeal.due_at
    services.appeal_take(actor=people.executor, appeal=appeal)
    services.appeal_reassign(
        actor=people.supervisor,
        appeal=appeal,
        organization=region.theatre,
        reason="Это зал театра, а не музея",
    )
    appeal.refresh_from_db()
    assert (
        appeal.organization == region.theatre
        and appeal.status == Status.ASSIGNED
        and appeal.due_at == due
    )
    entry = AuditEntry.objects.get(action="appeal.reassigned")
    assert entry.reason == "Это зал театра, а не музея" and entry.actor == people.supervisor


def test_a_returned_appeal_is_corrected_and_moderated_again(file_appeal, people) -> None:
    appeal = file_appeal()
    services.appeal_moderate(
        actor=people.moderator, appeal=appeal, decision="return", reason="Укажите, в каком зале."
    )
    services.appeal_resubmit(
        actor=people.alice, appeal=appeal, text=appeal.text + " Зал древней истории."
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED and "древней истории" in appeal.text
    with pytest.raises(TransitionNotAllowed):
        services.appeal_resubmit(
            actor=people.alice, appeal=appeal, text="Ещё раз тот же текст обращения."
        )


def test_urgent_categories_count_working_hours(file_appeal, people, categories) -> None:
    with time_machine.travel(
        dt.datetime(2026, 12, 4, 18, 0, tzinfo=MSK), tick=False
    ):  # Friday evening
        appeal = file_appeal(category=categories.urgent)
        appeal = services.appeal_moderate(
            actor=people.moderator, appeal=appeal, decision="register"
        )
    # 6 hours left on Friday, 18 more on Monday.
    assert appeal.due_at.astimezone(MSK) == dt.datetime(2026, 12, 7, 18, 0, tzinfo=MSK)
    assert Appeal.objects.get(pk=appeal.pk).due_at == appeal.due_at
