"""Who may work signals: operators of the source's organization or of any organization above it."""

from __future__ import annotations

from typing import Any

from vmeste.accounts.models import Role
from vmeste.accounts.roles import has_role
from vmeste.core.permissions import rule

from .models import Signal


@rule("signal.queue")
def _queue(user: Any, _obj: Any) -> bool:
    """Open the operator queue: an operator anywhere (the queue shows only their sources)."""
    return has_role(user, Role.Kind.OPERATOR)


@rule("signal.work")
def _work(user: Any, signal: Signal) -> bool:
    """Read a signal with its author, create or attach an appeal, answer, dismiss."""
    return has_role(user, Role.Kind.OPERATOR, signal.source.organization)
