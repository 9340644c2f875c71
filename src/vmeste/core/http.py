"""Small helpers shared by views and API endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

from .errors import NotAuthenticated

if TYPE_CHECKING:
    from vmeste.accounts.models import User


def signed_in(request: HttpRequest) -> User:
    """The signed-in person of a request that must have one (after login_required or auth)."""
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated()
    return user


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))
