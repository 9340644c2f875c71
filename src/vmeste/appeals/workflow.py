"""The appeal lifecycle: one transition table and one ``transition()`` every service uses.

```
submitted ─▶ registered ─▶ assigned ─▶ in_progress ─▶ answer_review ─▶ answered ─▶ closed_confirmed
   │  ▲                       │  ▲         │   ▲            │   │            │  └──▶ closed_auto
   │  └─ returned             │  └─────────┼───┼────────────┘   └▶ planned ──┘ (final answer)
   ├─▶ rejected               │            ▼   │                             │
   └─▶ redirected             └──────▶ clarification (clock paused)          └──▶ reopened ─▶ …
```
``overdue`` is not a status but a flag with its own timestamp (``overdue_at``).
"""

from __future__ import annotations

from typing import Any

from vmeste.core.audit import audit_record
from vmeste.core.errors import TransitionNotAllowed

from .models import Appeal, Status

ALLOWED: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.REGISTERED, Status.RETURNED, Status.REJECTED, Status.REDIRECTED},
    Status.RETURNED: {Status.SUBMITTED},
    Status.REGISTERED: {Status.ASSIGNED},
    Status.ASSIGNED: {Status.IN_PROGRESS, Status.CLARIFICATION, Status.ANSWER_REVIEW},
    Status.IN_PROGRESS: {Status.CLARIFICATION, Status.ANSWER_REVIEW, Status.ASSIGNED},
    Status.CLARIFICATION: {Status.IN_PROGRESS},
    Status.ANSWER_REVIEW: {Status.ANSWERED, Status.PLANNED, Status.IN_PROGRESS},
    Status.PLANNED: {Status.ANSWER_REVIEW},
    Status.ANSWERED: {Status.CLOSED_CONFIRMED, Status.REOPENED, Status.CLOSED_AUTO},
    Status.REOPENED: {
        Status.IN_PROGRESS,
        Status.CLARIFICATION,
        Status.ANSWER_REVIEW,
        Status.ASSIGNED,
    },
    Status.REJECTED: set(),
    Status.REDIRECTED: set(),
    Status.CLOSED_CONFIRMED: set(),
    Status.CLOSED_AUTO: set(),
}


def can_transition(appeal: Appeal, to: str) -> bool:
    return to in ALLOWED.get(appeal.status, set())


def transition(
    appeal: Appeal, to: str, *, actor: Any, reason: str = "", data: dict[str, Any] | None = None
) -> None:
    """Move ``appeal`` to ``to`` and record it; the caller saves the appeal in its transaction."""
    if not can_transition(appeal, to):
        raise TransitionNotAllowed(details={"from": appeal.status, "to": to})
    before = appeal.status
    appeal.status = to
    audit_record(
        actor=actor,
        action="appeal.status",
        target=appeal,
        from_state=before,
        to_state=to,
        reason=reason,
        data=data,
    )
