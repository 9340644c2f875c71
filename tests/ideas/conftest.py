from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from vmeste.ideas import services
from vmeste.ideas.models import Idea, Project

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


# propose days 0–10, review 8–15 (overlaps propose), improve 15–20, vote 20–25, results 25, implementation 30
STAGES = {
    "propose": (day(0), day(10)),
    "review": (day(8), day(15)),
    "improve": (day(15), day(20)),
    "vote": (day(20), day(25)),
    "results": (day(25), None),
    "implementation": (day(30), None),
}
MOMENTS = {
    "before": day(-1),
    "propose": day(5),
    "propose+review": day(9),
    "review": day(12),
    "improve": day(17),
    "vote": day(22),
    "results": day(26),
    "implementation": day(31),
}


@pytest.fixture
def project(region, people) -> Project:
    with time_machine.travel(day(-5), tick=False):
        project = services.project_save(
            actor=people.project_admin,
            project=None,
            title="Культура онлайн",
            slug="kultura",
            organizer=region.department,
            description="Идеи для онлайн-сервисов учреждений культуры.",
            votes_per_participant=2,
            ideas_per_participant=2,
            winners_count=1,
            stages=STAGES,
            directions=[("Онлайн-экскурсии", ""), ("Лекции", "")],
            criteria=[("Польза", 2, 10), ("Реализуемость", 1, 10)],
        )
        services.project_publish(actor=people.project_admin, project=project)
    return project


def propose(
    project: Project, author: Any, title: str = "Виртуальный тур по музею", **kw: Any
) -> Idea:
    with time_machine.travel(day(1), tick=False):
        return services.idea_save(
            actor=author,
            project=project,
            title=title,
            text="Снять панорамы всех залов и сделать тур с подписями.",
            direction=project.directions.first(),
            submit=True,
            **kw,
        )


def published(
    project: Project, people: Any, author: Any = None, title: str = "Виртуальный тур по музею"
) -> Idea:
    idea = propose(project, author or people.alice, title=title)
    with time_machine.travel(day(2), tick=False):
        return services.idea_moderate(actor=people.moderator, idea=idea, decision="publish")


def shortlisted(
    project: Project, people: Any, author: Any = None, title: str = "Виртуальный тур по музею"
) -> Idea:
    idea = published(project, people, author, title)
    with time_machine.travel(day(12), tick=False):
        return services.idea_decide(
            actor=people.project_admin, idea=idea, decision="shortlist", reason="Полезно"
        )


@pytest.fixture
def experts(project, people):
    with time_machine.travel(day(-4), tick=False):
        services.experts_assign(
            actor=people.project_admin,
            project=project,
            expert=people.expert,
            direction=project.directions.first(),
        )
    return people.expert
