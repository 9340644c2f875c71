"""What each role may do in each stage: the stage active now decides, on the server."""

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from tests.ideas.conftest import MOMENTS, published, shortlisted
from vmeste.core.permissions import can

ROLES = ["anonymous", "alice", "bob", "moderator", "expert", "project_admin", "admin"]
RESIDENTS = {
    "alice",
    "bob",
    "moderator",
    "expert",
    "project_admin",
    "admin",
}  # everyone verified may take part
ALL_MOMENTS = list(MOMENTS)

# action, on what, in which moments, who
TABLE = [
    ("idea.propose", "project", {"propose", "propose+review"}, RESIDENTS),
    (
        "idea.comment",
        "published",
        {"propose", "propose+review", "review", "improve", "vote"},
        RESIDENTS,
    ),
    ("idea.review", "published", {"propose+review", "review"}, {"expert"}),
    ("idea.decide", "published", {"propose+review", "review"}, {"project_admin", "admin"}),
    ("idea.suggest", "shortlisted", {"improve"}, RESIDENTS),
    (
        "idea.accept_suggestion",
        "shortlisted",
        {"improve"},
        {"alice", "moderator", "project_admin", "admin"},
    ),
    ("idea.vote", "shortlisted", {"vote"}, RESIDENTS),
    ("idea.moderate", "published", set(ALL_MOMENTS), {"moderator", "project_admin", "admin"}),
    ("idea.withdraw", "published", {"before", "propose"}, {"alice"}),
]


@pytest.mark.parametrize("moment", ALL_MOMENTS)
@pytest.mark.parametrize(
    ("action", "target", "moments", "allowed"), TABLE, ids=[row[0] for row in TABLE]
)
def test_the_stage_decides(
    moment, action, target, moments, allowed, project, people, experts
) -> None:
    objects = {"project": project, "published": published(project, people), "shortlisted": None}
    if target == "shortlisted":
        objects["shortlisted"] = shortlisted(project, people, title="Лекции по истории края")
    obj = objects[target]
    obj.refresh_from_db() if hasattr(obj, "refresh_from_db") else None
    with time_machine.travel(MOMENTS[moment], tick=False):
        for who in ROLES:
            user = people.get(who) or AnonymousUser()
            expected = moment in moments and who in allowed
            assert can(user, action, obj) is expected, f"{action} by {who} at {moment}"


# The rules that do not depend on the stage, on a published idea of alice's during proposals.
OTHER_RULES = [
    ("project.view", "project", {"anonymous", *RESIDENTS}),
    ("project.manage", "project", {"project_admin", "admin"}),
    ("project.announce", "project", {"project_admin", "admin"}),
    ("idea.view", "published", {"anonymous", *RESIDENTS}),
    ("idea.view", "submitted", {"alice", "moderator", "project_admin", "admin"}),
    ("idea.edit", "submitted", {"alice"}),
    ("idea.report", "published", RESIDENTS),
    ("idea.implement", "published", set()),  # only winners are implemented
    ("comment.hide", "comment", {"moderator", "project_admin", "admin"}),
]
RULE_TABLE = [(row[0],) for row in TABLE] + [(row[0],) for row in OTHER_RULES]


@pytest.mark.parametrize(
    ("action", "target", "allowed"), OTHER_RULES, ids=[f"{r[0]}-{r[1]}" for r in OTHER_RULES]
)
def test_rules_outside_the_stages(action, target, allowed, project, people) -> None:
    from tests.ideas.conftest import propose
    from vmeste.ideas import services

    idea = published(project, people)
    with time_machine.travel(MOMENTS["propose"], tick=False):
        objects = {
            "project": project,
            "published": idea,
            "submitted": propose(project, people.alice, title="Ещё одна идея жительницы"),
            "comment": services.comment_add(actor=people.bob, idea=idea, text="Комментарий"),
        }
        for who in ROLES:
            user = people.get(who) or AnonymousUser()
            assert can(user, action, objects[target]) is (who in allowed), f"{action} by {who}"
