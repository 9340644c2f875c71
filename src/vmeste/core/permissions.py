"""The permission layer: "may this user do this to this object now?", answered in one place.

Each domain app registers its rules in its ``rules.py`` (imported when the app is ready)::

    @rule("appeal.answer")
    def _(user, appeal):
        return has_role(user, Role.EXECUTOR, appeal.organization)

Views and API endpoints call :func:`can` or :func:`require`; they never test roles themselves. A rule
may read :func:`vmeste.core.clock.now` (a project stage, a deadline), which is what "now" means here.
An active platform admin may do everything, unless a rule is registered with ``admins=False``
(for instance, reading another expert's scores before submitting one's own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import Forbidden, NotAuthenticated

Rule = Callable[[Any, Any], bool]
_RULES: dict[str, tuple[Rule, bool]] = {}


def rule(action: str, *, admins: bool = True) -> Callable[[Rule], Rule]:
    """Register the predicate that decides ``action``; ``admins`` lets platform admins through."""

    def register(predicate: Rule) -> Rule:
        if action in _RULES:
            raise ValueError(f"rule {action!r} is registered twice")
        _RULES[action] = (predicate, admins)
        return predicate

    return register


def actions() -> list[str]:
    return sorted(_RULES)


def is_platform_admin(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_platform_admin or user.is_superuser)
    )


def can(user: Any, action: str, obj: Any = None) -> bool:
    try:
        predicate, admins = _RULES[action]
    except KeyError:
        raise KeyError(f"no permission rule for {action!r}") from None
    if getattr(user, "is_authenticated", False) and not user.is_active:
        return False
    if admins and is_platform_admin(user):
        return True
    return bool(predicate(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise :class:`NotAuthenticated` or :class:`Forbidden` unless :func:`can` allows it."""
    if can(user, action, obj):
        return
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    raise Forbidden()
