"""A whole project through every stage with real actors."""

import pytest
import time_machine

from tests.ideas.conftest import day, propose, published, shortlisted
from vmeste.core.errors import (
    Conflict,
    Forbidden,
    NotAuthenticated,
    TransitionNotAllowed,
    ValidationFailed,
)
from vmeste.core.models import AuditEntry
from vmeste.core.sweep import sweep_run
from vmeste.ideas import services
from vmeste.ideas.models import Idea, IdeaStatus, PointsEntry, ProjectCounter, Suggestion
from vmeste.notifications.models import Notification


def test_a_project_from_proposal_to_implementation(project, people, experts, region) -> None:
    alice, bob = people.alice, people.bob
    # Propose: a draft first, then submitted; moderation publishes, returns, rejects a duplicate.
    with time_machine.travel(day(1), tick=False):
        draft = services.idea_save(
            actor=alice,
            project=project,
            title="Виртуальный тур по музею",
            text="Снять панорамы всех залов и сделать тур.",
            direction=project.directions.first(),
        )
        assert draft.status == IdeaStatus.DRAFT
        tour = services.idea_save(
            actor=alice,
            project=project,
            idea=draft,
            title=draft.title,
            text=draft.text + " С подписями.",
            direction=draft.direction,
            submit=True,
        )
        lectures = services.idea_save(
            actor=bob,
            project=project,
            title="Лекции по истории края",
            text="Записывать лекции научных сотрудников музея.",
            direction=project.directions.first(),
            submit=True,
        )
        copy = services.idea_save(
            actor=bob,
            project=project,
            title="Тур по музею онлайн",
            text="Снять панорамы залов краеведческого музея.",
            direction=project.directions.first(),
            submit=True,
        )
    with time_machine.travel(day(2), tick=False):
        services.idea_moderate(actor=people.moderator, idea=tour, decision="publish")
        services.idea_moderate(
            actor=people.moderator, idea=lectures, decision="return", note="Уточните, какие лекции"
        )
        services.idea_moderate(
            actor=people.moderator,
            idea=copy,
            decision="reject",
            reason="duplicate",
            note="Уже есть",
            duplicate_of=tour,
        )
        services.idea_save(
            actor=bob,
            project=project,
            idea=Idea.objects.get(pk=lectures.pk),
            title="Лекции по истории края",
            text="Записывать лекции по истории края раз в неделю.",
            direction=project.directions.first(),
            submit=True,
        )
        services.idea_moderate(actor=people.moderator, idea=lectures, decision="publish")
    copy.refresh_from_db()
    tour.refresh_from_db()
    lectures.refresh_from_db()
    assert copy.status == IdeaStatus.REJECTED and copy.duplicate_of == tour
    assert Notification.objects.filter(user=bob, title__contains="Тур по музею онлайн").exists()
    # Review: the expert scores; the chair decides.
    with time_machine.travel(day(12), tick=False):
        services.review_submit(
            actor=experts, idea=tour, scores={c.pk: (9, "") for c in project.criteria.all()}
        )
        with pytest.raises(Conflict):
            services.review_submit(
                actor=experts, idea=tour, scores={c.pk: (1, "") for c in project.criteria.all()}
            )
        services.review_submit(
            actor=experts, idea=lectures, scores={c.pk: (6, "") for c in project.criteria.all()}
        )
        services.idea_decide(actor=people.project_admin, idea=tour, decision="shortlist")
        services.idea_decide(actor=people.project_admin, idea=lectures, decision="shortlist")
    tour.refresh_from_db()
    lectures.refresh_from_db()
    assert tour.expert_score == 90
    # Improve: bob suggests, alice accepts: a new version.
    with time_machine.travel(day(17), tick=False):
        suggestion = services.suggestion_add(
            actor=bob, idea=tour, text=tour.text + " И с субтитрами."
        )
        services.suggestion_decide(actor=alice, suggestion=suggestion, accept=True)
    tour.refresh_from_db()
    assert tour.version == 2 and tour.text.endswith("И с субтитрами.")
    assert PointsEntry.objects.filter(user=bob, kind="suggestion").count() == 1
    # Vote: within the limit; the results come from the sweep at the announcement moment.
    with time_machine.travel(day(22), tick=False):
        for voter in (people.alice, people.bob, people.moderator):
            services.vote_cast(actor=voter, idea=tour)
        services.vote_cast(actor=people.expert, idea=lectures)
    with time_machine.travel(
        day(
            25,
        ),
        tick=False,
    ):
        sweep_run(only=["ideas.results"])
        sweep_run(only=["ideas.results"])  # idempotent
    tour.refresh_from_db()
    lectures.refresh_from_db()
    assert (tour.status, tour.rank, lectures.status) == (
        IdeaStatus.WINNER,
        1,
        IdeaStatus.NOT_WINNER,
    )
    assert AuditEntry.objects.filter(action="project.results").count() == 1
    assert ProjectCounter.objects.get(project=project).winners == 1
    # Implementation: the responsible institution reports progress; the author is told.
    services.implementation_update(
        actor=people.project_admin,
        idea=tour,
        status="in_progress",
        progress=40,
        responsible=region.museum,
        note="Снимаем панорамы",
    )
    tour.refresh_from_db()
    assert tour.responsible == region.museum
    services.implementation_update(
        actor=people.executor, idea=tour, status="done", progress=80, note="Тур открыт"
    )
    tour.refresh_from_db()
    assert tour.progress == 100 and ProjectCounter.objects.get(project=project).implemented == 1
    reward = services.reward_record(
        actor=people.project_admin, idea=tour, what="Годовой абонемент в музеи", handed_over=True
    )
    assert reward.user == alice and reward.handed_over_at
    assert (
        PointsEntry.objects.filter(
            user=alice, kind__in=["published", "shortlisted", "winner"]
        ).count()
        == 3
    )


def test_bad_input_gets_clear_messages(project, people) -> None:
    with time_machine.travel(day(1), tick=False), pytest.raises(ValidationFailed) as error:
        services.idea_save(
            actor=people.alice, project=project, title="", text="я" * 20001, direction=None
        )
    fields = {e["field"] for e in error.value.details["errors"]}
    assert fields == {"title", "text", "direction"}
    assert not Idea.objects.exists()


def test_a_participant_may_propose_only_so_many_ideas(project, people) -> None:
    propose(project, people.alice, title="Первая идея проекта")
    propose(project, people.alice, title="Вторая идея проекта")
    with pytest.raises(ValidationFailed):
        propose(project, people.alice, title="Третья идея проекта")


def test_nobody_proposes_outside_the_stage_or_unverified(project, people) -> None:
    with time_machine.travel(day(11), tick=False), pytest.raises(Forbidden):
        services.idea_save(
            actor=people.alice,
            project=project,
            title="Поздняя идея",
            text="Слишком поздно для предложений.",
            direction=project.directions.first(),
        )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=people.bob).update(verified=False)
    with time_machine.travel(day(1), tick=False), pytest.raises(Forbidden):
        services.idea_save(
            actor=people.bob,
            project=project,
            title="Идея без почты",
            text="Почта не подтверждена, нельзя.",
            direction=project.directions.first(),
        )


def test_suggestions_only_to_shortlisted_ideas(project, people) -> None:
    idea = published(project, people)
    with time_machine.travel(day(17), tick=False), pytest.raises(Forbidden):
        services.suggestion_add(
            actor=people.bob, idea=idea, text="Новый текст идеи, чуть лучше прежнего."
        )


def test_withdraw_before_review_only(project, people) -> None:
    idea = published(project, people)
    with time_machine.travel(day(9), tick=False), pytest.raises(Forbidden):
        services.idea_withdraw(actor=people.alice, idea=idea)
    with time_machine.travel(day(5), tick=False):
        services.idea_withdraw(actor=people.alice, idea=idea)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.WITHDRAWN


def test_merge_makes_the_author_a_coauthor(project, people) -> None:
    first = published(project, people, people.alice, "Виртуальный тур по музею")
    second = published(project, people, people.bob, "Онлайн-тур по залам музея")
    with time_machine.travel(day(12), tick=False):
        services.idea_decide(
            actor=people.project_admin,
            idea=second,
            decision="merge",
            merge_into=first,
            reason="Одно и то же",
        )
    assert people.bob in first.coauthors.all()
    second.refresh_from_db()
    assert second.status == IdeaStatus.MERGED and second.merged_into == first
    with time_machine.travel(day(12), tick=False), pytest.raises(ValidationFailed):
        services.idea_decide(
            actor=people.project_admin, idea=first, decision="not_selected", reason=""
        )


def test_experts_do_not_see_each_other_before_scoring(project, people, experts, region) -> None:
    from tests.factories import RoleFactory, UserFactory
    from vmeste.ideas.selectors import others_scores_visible

    other = UserFactory(email="expert2@example.org")
    RoleFactory(user=other, organization=region.department, kind="expert")
    idea = published(project, people)
    with time_machine.travel(day(-1), tick=False):
        services.experts_assign(
            actor=people.project_admin, project=project, expert=other, idea=idea
        )
    with time_machine.travel(day(12), tick=False):
        services.review_submit(
            actor=experts, idea=idea, scores={c.pk: (7, "") for c in project.criteria.all()}
        )
        assert not others_scores_visible(other, idea)
        services.review_submit(actor=other, idea=idea, conflict=True)
        assert others_scores_visible(other, idea)
    # The bob, an expert of nothing, may not review at all.
    with time_machine.travel(day(12), tick=False), pytest.raises((Forbidden, NotAuthenticated)):
        services.review_submit(actor=people.bob, idea=idea, scores={})


def test_comments_thread_edit_window_report_and_hide(project, people) -> None:
    idea = published(project, people)
    with time_machine.travel(day(3), tick=False) as t:
        first = services.comment_add(actor=people.bob, idea=idea, text="Хорошая идея")
        second = services.comment_add(actor=people.alice, idea=idea, text="Спасибо", parent=first)
        third = services.comment_add(actor=people.bob, idea=idea, text="Пожалуйста", parent=second)
        fourth = services.comment_add(actor=people.alice, idea=idea, text="Ещё ответ", parent=third)
        assert (first.depth, second.depth, third.depth, fourth.depth) == (1, 2, 3, 3)
        services.comment_edit(actor=people.bob, comment=first, text="Отличная идея")
        t.shift(60 * 16)
        with pytest.raises(Conflict):
            services.comment_edit(actor=people.bob, comment=first, text="Поздно")
        services.content_report(actor=people.alice, reason="offensive", comment=third)
        with pytest.raises(Conflict):
            services.content_report(actor=people.alice, reason="offensive", comment=third)
        services.comment_hide(actor=people.moderator, comment=third, reason="Оскорбление")
    third.refresh_from_db()
    assert third.hidden_reason == "Оскорбление"
    assert Idea.objects.get(pk=idea.pk).comment_count == 4


def test_a_suggestion_decided_twice_is_refused(project, people) -> None:
    idea = shortlisted(project, people)
    with time_machine.travel(day(17), tick=False):
        suggestion = services.suggestion_add(
            actor=people.bob, idea=idea, text=idea.text + " Лучше так."
        )
        services.suggestion_decide(
            actor=people.moderator, suggestion=suggestion, accept=False, note="Не подходит"
        )
        with pytest.raises(Conflict):
            services.suggestion_decide(actor=people.alice, suggestion=suggestion, accept=True)
    assert Suggestion.objects.get().state == "declined"
    with pytest.raises(TransitionNotAllowed):
        from vmeste.ideas.workflow import transition

        transition(idea, IdeaStatus.DRAFT, actor=None)
