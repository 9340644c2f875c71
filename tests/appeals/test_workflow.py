"""Every allowed and forbidden transition, per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.appeals.conftest import answered
from vmeste.appeals import services
from vmeste.appeals.models import Appeal, Status
from vmeste.appeals.workflow import ALLOWED
from vmeste.core.errors import DomainError, Forbidden, NotAuthenticated, TransitionNotAllowed

ROLES = [
    "alice",
    "bob",
    "moderator",
    "executor",
    "other_executor",
    "supervisor",
    "operator",
    "admin",
]


def in_state(state: str, registered: Any, file_appeal: Any, people: Any) -> Appeal:
    """An appeal brought to ``state`` by the real services."""
    if state == Status.SUBMITTED:
        return file_appeal()
    if state == Status.RETURNED:
        return services.appeal_moderate(
            actor=people.moderator, appeal=file_appeal(), decision="return", reason="Уточните зал"
        )
    appeal = registered()
    if state == Status.ASSIGNED:
        return appeal
    services.appeal_take(actor=people.executor, appeal=appeal)
    if state == Status.IN_PROGRESS:
        return Appeal.objects.get(pk=appeal.pk)
    if state == Status.CLARIFICATION:
        return services.appeal_clarification_ask(
            actor=people.executor, appeal=appeal, question="Какой это был зал?"
        )
    services.answer_submit(
        actor=people.executor,
        appeal=appeal,
        text="Кровлю отремонтировали 12.05, подрядчик ООО «Кровля».",
    )
    if state == Status.ANSWER_REVIEW:
        return Appeal.objects.get(pk=appeal.pk)
    services.answer_approve(actor=people.supervisor, answer=appeal.answers.get())
    return Appeal.objects.get(pk=appeal.pk)


ANSWER = "Кровлю над залом отремонтировали 12.05, подрядчик ООО «Кровля»."
Action = Callable[[Any, Appeal], Any]
# action name, the state it starts from, who may, the call
ACTIONS: list[tuple[str, str, set[str], Action]] = [
    (
        "register",
        Status.SUBMITTED,
        {"moderator", "supervisor", "admin"},
        lambda u, a: services.appeal_moderate(actor=u, appeal=a, decision="register"),
    ),
    (
        "return",
        Status.SUBMITTED,
        {"moderator", "supervisor", "admin"},
        lambda u, a: services.appeal_moderate(
            actor=u, appeal=a, decision="return", reason="Уточните, пожалуйста"
        ),
    ),
    (
        "reject",
        Status.SUBMITTED,
        {"moderator", "supervisor", "admin"},
        lambda u, a: services.appeal_moderate(
            actor=u, appeal=a, decision="reject", reason="Не по теме платформы"
        ),
    ),
    (
        "redirect",
        Status.SUBMITTED,
        {"moderator", "supervisor", "admin"},
        lambda u, a: services.appeal_moderate(
            actor=u,
            appeal=a,
            decision="redirect",
            reason="Это вопрос ЖКХ",
            redirected_to="Жилинспекция",
        ),
    ),
    (
        "resubmit",
        Status.RETURNED,
        {"alice"},
        lambda u, a: services.appeal_resubmit(
            actor=u, appeal=a, text="Зал древней истории, второй этаж."
        ),
    ),
    (
        "take",
        Status.ASSIGNED,
        {"executor", "supervisor", "admin"},
        lambda u, a: services.appeal_take(actor=u, appeal=a),
    ),
    (
        "ask",
        Status.IN_PROGRESS,
        {"executor", "supervisor", "admin"},
        lambda u, a: services.appeal_clarification_ask(
            actor=u, appeal=a, question="В каком зале это было?"
        ),
    ),
    (
        "reply",
        Status.CLARIFICATION,
        {"alice"},
        lambda u, a: services.appeal_clarification_reply(
            actor=u, appeal=a, text="В зале древней истории."
        ),
    ),
    (
        "answer",
        Status.IN_PROGRESS,
        {"executor", "supervisor", "admin"},
        lambda u, a: services.answer_submit(actor=u, appeal=a, text=ANSWER),
    ),
    (
        "approve",
        Status.ANSWER_REVIEW,
        {"supervisor", "admin"},
        lambda u, a: services.answer_approve(actor=u, answer=a.answers.get()),
    ),
    (
        "return_answer",
        Status.ANSWER_REVIEW,
        {"supervisor", "admin"},
        lambda u, a: services.answer_return(
            actor=u, answer=a.answers.get(), comment="Добавьте дату работ"
        ),
    ),
    (
        "extend",
        Status.ASSIGNED,
        {"supervisor", "admin"},
        lambda u, a: services.appeal_extend(actor=u, appeal=a, days=3, reason="Ждём подрядчика"),
    ),
    (
        "confirm",
        Status.ANSWERED,
        {"alice"},
        lambda u, a: services.appeal_feedback(actor=u, appeal=a, kind="confirm", rating=5),
    ),
    (
        "dispute",
        Status.ANSWERED,
        {"alice"},
        lambda u, a: services.appeal_feedback(
            actor=u, appeal=a, kind="dispute", comment="Крыша всё ещё течёт"
        ),
    ),
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("name", "state", "allowed", "call"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_who_may_do_what(who, name, state, allowed, call, registered, file_appeal, people) -> None:
    appeal = in_state(state, registered, file_appeal, people)
    user = people.get(who)
    if who in allowed:
        call(user, appeal)
        after = Appeal.objects.get(pk=appeal.pk)
        assert after.extended_at is not None if name == "extend" else after.status != state
    else:
        with pytest.raises((Forbidden, NotAuthenticated)):
            call(user, appeal)
        assert Appeal.objects.get(pk=appeal.pk).status == state


STATES = [
    Status.SUBMITTED,
    Status.RETURNED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.CLARIFICATION,
    Status.ANSWER_REVIEW,
    Status.ANSWERED,
]
# Where an action may start besides its state in the table above.
ALSO_FROM = {
    "answer": {Status.ASSIGNED},
    "ask": {Status.ASSIGNED},
    "extend": {Status.IN_PROGRESS, Status.CLARIFICATION, Status.ANSWER_REVIEW},
}
NEEDS_AN_ANSWER = {"approve", "return_answer"}
WRONG_STATE = [
    (state, name, allowed, call)
    for name, start, allowed, call in ACTIONS
    for state in STATES
    if state != start
    and state not in ALSO_FROM.get(name, set())
    and not (name in NEEDS_AN_ANSWER and state not in {Status.ANSWERED})
]


@pytest.mark.parametrize(
    ("state", "name", "allowed", "call"), WRONG_STATE, ids=[f"{w[1]}-{w[0]}" for w in WRONG_STATE]
)
def test_actions_from_the_wrong_state_are_refused(
    state, name, allowed, call, registered, file_appeal, people
) -> None:
    appeal = in_state(state, registered, file_appeal, people)
    actor = people.admin if "admin" in allowed else people.alice
    with pytest.raises(DomainError):
        call(actor, appeal)
    assert Appeal.objects.get(pk=appeal.pk).status == state


def test_the_table_has_no_dead_ends_but_the_closed_states() -> None:
    terminal = {s for s, targets in ALLOWED.items() if not targets}
    assert terminal == {
        Status.REJECTED,
        Status.REDIRECTED,
        Status.CLOSED_CONFIRMED,
        Status.CLOSED_AUTO,
    }
    assert set(ALLOWED) == set(Status.values)


def test_a_direct_jump_is_refused(registered, people) -> None:
    appeal = registered()
    from vmeste.appeals.workflow import transition

    with pytest.raises(TransitionNotAllowed):
        transition(appeal, Status.CLOSED_CONFIRMED, actor=people.admin)


def test_staff_of_another_organization_cannot_see_the_appeal_in_the_workspace(
    registered, people
) -> None:
    from vmeste.appeals.selectors import appeal_queue, staff_appeal_get
    from vmeste.core.errors import NotFound

    appeal = registered()
    assert appeal in appeal_queue(user=people.executor, queue="work")
    assert appeal not in appeal_queue(user=people.other_executor, queue="work")
    with pytest.raises(NotFound):
        staff_appeal_get(user=people.other_executor, number=appeal.number)


def test_answered_appeal_is_dealt_with_by_its_author_only(registered, people) -> None:
    appeal = answered(registered(), people)
    with pytest.raises(Forbidden):
        services.appeal_feedback(actor=people.admin, appeal=appeal, kind="confirm")


# The appeal rules themselves, on an appeal of the museum: (action, state, who may).
# The operator works in the governance centre, whose subtree does not hold the museum.
STAFF_OF_MUSEUM = {"moderator", "executor", "supervisor", "admin"}
RULE_TABLE = [
    (
        "appeal.file",
        Status.ASSIGNED,
        {
            "alice",
            "bob",
            "moderator",
            "executor",
            "other_executor",
            "supervisor",
            "operator",
            "admin",
        },
    ),
    ("appeal.view", Status.SUBMITTED, {"alice"} | STAFF_OF_MUSEUM),
    ("appeal.view", Status.ASSIGNED, {"anonymous", *ROLES}),
    ("appeal.view_private", Status.ASSIGNED, STAFF_OF_MUSEUM),
    ("appeal.moderate", Status.SUBMITTED, {"moderator", "supervisor", "admin"}),
    ("appeal.work", Status.ASSIGNED, {"executor", "supervisor", "admin"}),
    ("appeal.approve", Status.ASSIGNED, {"supervisor", "admin"}),
    ("appeal.reassign", Status.ASSIGNED, {"supervisor", "admin"}),
    ("appeal.extend", Status.ASSIGNED, {"supervisor", "admin"}),
    ("appeal.author", Status.ASSIGNED, {"alice"}),
]


@pytest.mark.parametrize("who", ["anonymous", *ROLES])
@pytest.mark.parametrize(
    ("action", "state", "allowed"), RULE_TABLE, ids=[f"{r[0]}-{r[1]}" for r in RULE_TABLE]
)
def test_appeal_rules(who, action, state, allowed, registered, file_appeal, people) -> None:
    from django.contrib.auth.models import AnonymousUser

    from vmeste.core.permissions import can

    appeal = in_state(state, registered, file_appeal, people)
    user = people.get(who) or AnonymousUser()
    assert can(user, action, appeal) is (who in allowed)
