import threading

import pytest
import time_machine
from django.db import connection, connections

from tests.ideas.conftest import day, shortlisted
from vmeste.core.errors import Conflict, Forbidden
from vmeste.ideas import services
from vmeste.ideas.models import Idea, Vote, VoteAllowance


def test_limit_double_vote_and_withdrawal(project, people) -> None:
    a = shortlisted(project, people, title="Первая идея проекта")
    b = shortlisted(project, people, title="Вторая идея проекта")
    c = shortlisted(project, people, people.bob, title="Третья идея проекта")
    with time_machine.travel(day(22), tick=False):
        services.vote_cast(actor=people.expert, idea=a)
        with pytest.raises(Conflict) as twice:
            services.vote_cast(actor=people.expert, idea=a)
        assert twice.value.code == "already_voted"
        services.vote_cast(actor=people.expert, idea=b)
        with pytest.raises(Conflict) as over:
            services.vote_cast(actor=people.expert, idea=c)
        assert over.value.code == "vote_limit" and "2" in str(over.value.message)
        services.vote_withdraw(actor=people.expert, idea=a)
        services.vote_cast(actor=people.expert, idea=c)
    assert [Idea.objects.get(pk=i.pk).vote_count for i in (a, b, c)] == [0, 1, 1]
    assert Vote.objects.filter(user=people.expert).count() == 3  # the withdrawn vote stays recorded
    assert VoteAllowance.objects.get(user=people.expert).used == 2


def test_no_vote_outside_the_stage(project, people) -> None:
    idea = shortlisted(project, people)
    with time_machine.travel(day(26), tick=False), pytest.raises(Forbidden):
        services.vote_cast(actor=people.bob, idea=idea)


@pytest.mark.django_db(transaction=True)
def test_parallel_votes_never_pass_the_limit_on_postgresql(region, people) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel transactions need PostgreSQL; CI runs this test there")
    from tests.ideas.conftest import STAGES

    with time_machine.travel(day(-5), tick=False):
        project = services.project_save(
            actor=people.project_admin,
            project=None,
            title="Проект для гонки",
            slug="race",
            organizer=region.department,
            description="Проверка",
            votes_per_participant=3,
            ideas_per_participant=10,
            stages=STAGES,
        )
        services.project_publish(actor=people.project_admin, project=project)
    ideas = [shortlisted(project, people, title=f"Идея номер {n} для гонки") for n in range(6)]
    errors: list[str] = []
    barrier = threading.Barrier(12)

    def attempt(idea: Idea) -> None:
        try:
            with time_machine.travel(day(22), tick=False):
                barrier.wait()
                try:
                    services.vote_cast(actor=people.bob, idea=idea)
                except Conflict as error:
                    errors.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(ideas[n % 6],)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    active = Vote.objects.filter(user=people.bob, withdrawn_at__isnull=True)
    assert active.count() == 3
    assert active.values("idea").distinct().count() == 3
    assert VoteAllowance.objects.get(user=people.bob, project=project).used == 3
    assert sum(Idea.objects.filter(project=project).values_list("vote_count", flat=True)) == 3
    assert len(errors) == 9
