"""Permission rules about organizations."""

from __future__ import annotations

from typing import Any

from vmeste.accounts.models import Role
from vmeste.accounts.roles import has_role
from vmeste.core.permissions import rule


@rule("organization.view")
def _view(user: Any, organization: Any) -> bool:
    return (
        organization is None
        or organization.is_active
        or has_role(user, Role.Kind.SUPERVISOR, organization)
    )


@rule("organization.edit")
def _edit(user: Any, organization: Any) -> bool:
    """Supervisors keep the cards of their organizations up to date (hours, contacts, pages)."""
    return organization is not None and has_role(user, Role.Kind.SUPERVISOR, organization)


@rule("organization.create")
def _create(user: Any, _parent: Any) -> bool:
    return False  # the tree itself is the platform admin's
