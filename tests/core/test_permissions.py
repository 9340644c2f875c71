"""The permission table: role × action × object → allowed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from vmeste.accounts.models import Role
from vmeste.core.errors import Forbidden, NotAuthenticated
from vmeste.core.permissions import actions, can, require

ALL = [
    "anonymous",
    "alice",
    "bob",
    "moderator",
    "expert",
    "executor",
    "other_executor",
    "supervisor",
    "operator",
    "project_admin",
    "admin",
]
STAFF = {
    "moderator",
    "expert",
    "executor",
    "other_executor",
    "supervisor",
    "operator",
    "project_admin",
}

# action, object (resolved from the fixtures), who may
TABLE = [
    ("organization.view", "museum", set(ALL)),
    ("organization.edit", "museum", {"supervisor", "admin"}),
    ("organization.edit", "department", {"supervisor", "admin"}),
    ("organization.edit", "library", {"admin"}),  # another department's institution
    ("organization.edit", "region", {"admin"}),  # a role covers its subtree, not its parents
    ("organization.create", "department", {"admin"}),
    ("role.grant", ("museum", Role.Kind.EXECUTOR), {"supervisor", "admin"}),
    ("role.grant", ("museum", Role.Kind.SUPERVISOR), {"admin"}),
    ("role.grant", ("library", Role.Kind.EXECUTOR), {"admin"}),
    ("account.view_own_data", "alice", {"alice", "admin"}),
    ("account.delete", "alice", {"alice"}),  # not even a platform admin deletes someone else
    ("staff.workspace", None, STAFF | {"admin"}),
    ("platform.admin", None, {"admin"}),
]


def _resolve(obj, region, people):
    if obj is None:
        return None
    if isinstance(obj, tuple):
        return (getattr(region, obj[0]), obj[1])
    return getattr(region, obj, None) or getattr(people, obj)


@pytest.mark.parametrize("who", ALL)
@pytest.mark.parametrize(("action", "obj", "allowed"), TABLE, ids=lambda v: str(v)[:40])
def test_permission_table(who, action, obj, allowed, region, people) -> None:
    user = people.get(who) or AnonymousUser()
    assert can(user, action, _resolve(obj, region, people)) is (who in allowed)


def test_every_registered_action_is_in_a_table() -> None:
    from tests.appeals.test_workflow import RULE_TABLE as APPEAL_RULES
    from tests.ideas.test_stages import RULE_TABLE as IDEA_RULES
    from tests.signals.test_rules import RULE_TABLE as SIGNAL_RULES

    tables = [TABLE, APPEAL_RULES, IDEA_RULES, SIGNAL_RULES]
    assert set(actions()) == {row[0] for table in tables for row in table}


def test_a_deactivated_user_loses_every_permission(people, region) -> None:
    people.supervisor.is_active = False
    assert not can(people.supervisor, "organization.edit", region.museum)
    people.admin.is_active = False
    assert not can(people.admin, "platform.admin")


def test_require_tells_anonymous_from_forbidden(people, region) -> None:
    with pytest.raises(NotAuthenticated):
        require(AnonymousUser(), "organization.edit", region.museum)
    with pytest.raises(Forbidden):
        require(people.alice, "organization.edit", region.museum)
    require(people.supervisor, "organization.edit", region.museum)


def test_an_unknown_action_is_a_programming_error(people) -> None:
    with pytest.raises(KeyError):
        can(people.alice, "no.such.action")
