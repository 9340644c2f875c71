"""The idea lifecycle: one transition table and one ``transition()``.

draft → submitted → published | returned | rejected; returned → submitted;
published → shortlisted | not_selected | merged (the commission's chair); shortlisted → winner |
not_winner (the results); draft, submitted, returned, published → withdrawn (the author, before review).
"""

from __future__ import annotations

from typing import Any

from vmeste.core.audit import audit_record
from vmeste.core.errors import TransitionNotAllowed

from .models import Idea, IdeaStatus

S = IdeaStatus
ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.PUBLISHED, S.RETURNED, S.REJECTED, S.WITHDRAWN},
    S.RETURNED: {S.SUBMITTED, S.WITHDRAWN},
    S.PUBLISHED: {S.SHORTLISTED, S.NOT_SELECTED, S.MERGED, S.WITHDRAWN},
    S.SHORTLISTED: {S.WINNER, S.NOT_WINNER},
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
    S.NOT_SELECTED: set(),
    S.MERGED: set(),
    S.WINNER: set(),
    S.NOT_WINNER: set(),
}


def transition(
    idea: Idea, to: str, *, actor: Any, reason: str = "", data: dict[str, Any] | None = None
) -> None:
    if to not in ALLOWED.get(idea.status, set()):
        raise TransitionNotAllowed(details={"from": idea.status, "to": to})
    before = idea.status
    idea.status = to
    audit_record(
        actor=actor,
        action="idea.status",
        target=idea,
        from_state=before,
        to_state=to,
        reason=reason,
        data=data,
    )
