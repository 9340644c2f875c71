"""Role look-ups used by permission rules. Roles are read once per user object and kept on it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

STAFF_KINDS = {"moderator", "expert", "executor", "supervisor", "operator", "project_admin"}


def _held(user: Any) -> list[tuple[str, str, int]]:
    cached = getattr(user, "_vmeste_roles", None)
    if cached is None:
        from .models import Role

        cached = [
            (kind, path, org_id)
            for kind, path, org_id in Role.objects.filter(user=user).values_list(
                "kind", "organization__path", "organization_id"
            )
        ]
        user._vmeste_roles = cached
    return cached


def forget_roles(user: Any) -> None:
    if hasattr(user, "_vmeste_roles"):
        del user._vmeste_roles


def has_role(user: Any, kinds: str | Iterable[str], organization: Any = None) -> bool:
    """Whether ``user`` holds one of ``kinds`` in ``organization`` or above it.

    With ``organization=None`` any organization will do.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    wanted = {kinds} if isinstance(kinds, str) else set(kinds)
    target_path = getattr(organization, "path", None)
    for kind, path, _org_id in _held(user):
        if kind in wanted and (target_path is None or target_path.startswith(path)):
            return True
    return False


def organizations_where(user: Any, kinds: str | Iterable[str]) -> list[str]:
    """Paths of the organizations in which ``user`` holds one of ``kinds`` (for subtree filters)."""
    if not getattr(user, "is_authenticated", False):
        return []
    wanted = {kinds} if isinstance(kinds, str) else set(kinds)
    return [path for kind, path, _org_id in _held(user) if kind in wanted]


def is_staff_member(user: Any) -> bool:
    return has_role(user, STAFF_KINDS)


def has_verified_email(user: Any) -> bool:
    """Whether the person confirmed an e-mail address (needed to file, propose, comment and vote)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_vmeste_verified", None)
    if cached is None:
        from allauth.account.models import EmailAddress

        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._vmeste_verified = cached
    return cached
