"""Permission rules about people, roles and personal data."""

from __future__ import annotations

from typing import Any

from vmeste.core.permissions import rule

from .models import Role
from .roles import has_role, is_staff_member

# Roles a supervisor may hand out inside their own subtree; the rest only a platform admin grants.
SUPERVISOR_GRANTABLE = {
    Role.Kind.MODERATOR,
    Role.Kind.EXECUTOR,
    Role.Kind.OPERATOR,
    Role.Kind.EXPERT,
}


def _is_self(user: Any, subject: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and subject is not None and user.pk == subject.pk
    )


@rule("account.view_own_data")
def _view_own_data(user: Any, subject: Any) -> bool:
    return _is_self(user, subject)


@rule("account.delete", admins=False)
def _delete(user: Any, subject: Any) -> bool:
    # Only the person themself: an admin deleting someone's account is a different, audited process.
    return _is_self(user, subject)


@rule("role.grant")
def _grant(user: Any, target: Any) -> bool:
    """``target`` is ``(organization, role kind)``."""
    organization, kind = target
    return kind in SUPERVISOR_GRANTABLE and has_role(user, Role.Kind.SUPERVISOR, organization)


@rule("staff.workspace")
def _workspace(user: Any, _obj: Any) -> bool:
    return is_staff_member(user)


@rule("platform.admin")
def _platform_admin(user: Any, _obj: Any) -> bool:
    return False  # platform admins pass every rule; nobody else passes this one
