"""Writing and reading the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet

from . import clock
from .models import AuditEntry


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "public_name", None) or str(actor)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one change. Call it inside the service's transaction so both commit or neither does."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=user,
        actor_label=actor_label(actor) if user or actor is None else str(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def audit_history(target: models.Model) -> QuerySet[AuditEntry]:
    """Every recorded change of one object, oldest first."""
    return (
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
        )
        .select_related("actor")
        .order_by("at", "id")
    )
