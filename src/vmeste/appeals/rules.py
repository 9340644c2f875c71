"""Who may do what to an appeal."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from vmeste.accounts.models import Role
from vmeste.accounts.roles import has_role, has_verified_email
from vmeste.core.permissions import rule

from .models import Appeal

STAFF_VIEWERS = {Role.Kind.MODERATOR, Role.Kind.EXECUTOR, Role.Kind.SUPERVISOR, Role.Kind.OPERATOR}


def _author(user: Any, appeal: Appeal) -> bool:
    return bool(getattr(user, "is_authenticated", False) and appeal.author_id == user.pk)


def _staff(user: Any, appeal: Appeal, kinds: Collection[str] | str) -> bool:
    return appeal.organization_id is not None and has_role(user, kinds, appeal.organization)


@rule("appeal.file")
def _file(user: Any, _obj: Any) -> bool:
    """Signed in with a confirmed e-mail address."""
    return has_verified_email(user)


@rule("appeal.view")
def _view(user: Any, appeal: Appeal) -> bool:
    return appeal.is_public or _author(user, appeal) or _staff(user, appeal, STAFF_VIEWERS)


@rule("appeal.view_private")
def _view_private(user: Any, appeal: Appeal) -> bool:
    """The full text, the author's contacts and the internal history."""
    return _staff(user, appeal, STAFF_VIEWERS)


@rule("appeal.moderate")
def _moderate(user: Any, appeal: Appeal) -> bool:
    return _staff(user, appeal, {Role.Kind.MODERATOR, Role.Kind.SUPERVISOR})


@rule("appeal.work")
def _work(user: Any, appeal: Appeal) -> bool:
    """Take into work, ask the author for clarification, write the answer."""
    return _staff(user, appeal, {Role.Kind.EXECUTOR, Role.Kind.SUPERVISOR})


@rule("appeal.approve")
def _approve(user: Any, appeal: Appeal) -> bool:
    return _staff(user, appeal, Role.Kind.SUPERVISOR)


@rule("appeal.reassign")
def _reassign(user: Any, appeal: Appeal) -> bool:
    return _staff(user, appeal, Role.Kind.SUPERVISOR)


@rule("appeal.extend")
def _extend(user: Any, appeal: Appeal) -> bool:
    return _staff(user, appeal, Role.Kind.SUPERVISOR)


@rule("appeal.author", admins=False)
def _as_author(user: Any, appeal: Appeal) -> bool:
    """Resubmit after a return, reply to a clarification, confirm or dispute: the author only."""
    return _author(user, appeal)
