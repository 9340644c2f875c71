"""The live counters equal a full recount, whatever happens to the appeals."""

import contextlib
import datetime as dt

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.appeals.conftest import MSK, answered
from vmeste.appeals import services
from vmeste.appeals.counters import counters_recount, counters_snapshot
from vmeste.appeals.models import Appeal
from vmeste.appeals.selectors import counters_table
from vmeste.core.errors import DomainError
from vmeste.core.sweep import sweep_run

OPERATIONS = [
    "submit",
    "register",
    "return",
    "reject",
    "take",
    "ask",
    "reply",
    "answer",
    "approve",
    "return_answer",
    "confirm",
    "dispute",
    "reassign",
    "extend",
    "wait",
    "rate_and_confirm",
]


def _apply(op: str, appeal: Appeal | None, ctx) -> None:
    people, region, file_appeal = ctx
    if op == "submit" or appeal is None:
        file_appeal(institution=region.museum if op != "submit" else region.theatre)
        return
    a = Appeal.objects.get(pk=appeal.pk)
    answer = a.answers.filter(state="review").first()
    calls = {
        "register": lambda: services.appeal_moderate(
            actor=people.moderator, appeal=a, decision="register"
        ),
        "return": lambda: services.appeal_moderate(
            actor=people.moderator, appeal=a, decision="return", reason="Уточните зал"
        ),
        "reject": lambda: services.appeal_moderate(
            actor=people.moderator, appeal=a, decision="reject", reason="Не по теме"
        ),
        "take": lambda: services.appeal_take(actor=people.admin, appeal=a),
        "ask": lambda: services.appeal_clarification_ask(
            actor=people.admin, appeal=a, question="Уточните, пожалуйста"
        ),
        "reply": lambda: services.appeal_clarification_reply(
            actor=a.author, appeal=a, text="Второй этаж, у окна"
        ),
        "answer": lambda: services.answer_submit(
            actor=people.admin, appeal=a, text="Отремонтировали 12.05 силами подрядчика."
        ),
        "approve": lambda: answer and services.answer_approve(actor=people.admin, answer=answer),
        "return_answer": lambda: (
            answer
            and services.answer_return(actor=people.admin, answer=answer, comment="Добавьте дату")
        ),
        "confirm": lambda: services.appeal_feedback(actor=a.author, appeal=a, kind="confirm"),
        "rate_and_confirm": lambda: services.appeal_feedback(
            actor=a.author, appeal=a, kind="confirm", rating=4
        ),
        "dispute": lambda: services.appeal_feedback(
            actor=a.author, appeal=a, kind="dispute", rating=2, comment="Ничего не изменилось"
        ),
        "reassign": lambda: services.appeal_reassign(
            actor=people.admin,
            appeal=a,
            organization=region.theatre if a.organization_id == region.museum.pk else region.museum,
            reason="Не наш зал",
        ),
        "extend": lambda: services.appeal_extend(
            actor=people.admin, appeal=a, days=2, reason="Ждём подрядчика"
        ),
        "wait": lambda: None,
    }
    # Not allowed in this state: nothing changes, which the counters must also show.
    with contextlib.suppress(DomainError):
        calls[op]()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 4), st.integers(0, 72)),
        min_size=1,
        max_size=30,
    )
)
def test_incremental_counters_equal_a_full_recount(steps, people, region, file_appeal) -> None:
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=MSK)
    with time_machine.travel(start, tick=False) as traveller:
        for op, index, hours in steps:
            traveller.shift(dt.timedelta(hours=hours))
            appeals = list(Appeal.objects.order_by("pk"))
            _apply(
                op,
                appeals[index % len(appeals)] if appeals else None,
                (people, region, file_appeal),
            )
            if op == "wait":
                sweep_run(only=["appeals.remind", "appeals.overdue", "appeals.autoclose"])
        incremental = counters_snapshot()
        counters_recount()
        assert counters_snapshot() == incremental


def test_the_numbers_of_a_known_story(registered, people, region) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=MSK), tick=False):
        on_time = registered()
        late = registered()
        waiting = registered()
        answered(on_time, people)
    with time_machine.travel(dt.datetime(2026, 12, 14, 10, 0, tzinfo=MSK), tick=False):
        sweep_run(only=["appeals.overdue"])
        answered(late, people)
        services.appeal_feedback(
            actor=people.alice, appeal=late, kind="dispute", rating=2, comment="Всё ещё течёт"
        )
        services.appeal_feedback(actor=people.alice, appeal=on_time, kind="confirm", rating=5)
        rows, total = counters_table(
            group="organization", date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 12, 31)
        )
    museum = next(r for r in rows if r.key == region.museum.pk)
    assert (museum.received, museum.answered_on_time, museum.answered_late) == (3, 1, 1)
    # "waiting" is overdue; "late" was reopened by the dispute with a new deadline.
    assert (museum.in_work, museum.overdue_now) == (2, 1)
    assert museum.dispute_rate == 0.5 and museum.mean_rating == 3.5
    assert museum.median_hours is not None
    assert total.received == 3 and total.overdue_now == 1
    assert waiting.pk in set(
        Appeal.objects.filter(overdue_at__isnull=False).values_list("pk", flat=True)
    )


def test_the_recount_command_reports_drift(registered, people, capsys) -> None:
    from django.core.management import call_command

    from vmeste.appeals.models import DailyCounter

    answered(registered(), people)
    call_command("appeals_recount")
    assert "were exact" in capsys.readouterr().out
    DailyCounter.objects.update(received=42)
    call_command("appeals_recount")
    assert "had drifted" in capsys.readouterr().out
    assert DailyCounter.objects.get().received == 1
