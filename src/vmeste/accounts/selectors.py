"""Reads about people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from .models import User


def users_with_role(kinds: str | Iterable[str], organization: Any) -> QuerySet[User]:
    """Active people holding one of ``kinds`` in ``organization`` or in an organization above it."""
    wanted = [kinds] if isinstance(kinds, str) else list(kinds)
    if organization is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        roles__kind__in=wanted,
        roles__organization_id__in=organization.ancestor_ids(),
    ).distinct()
