"""Which signals a person sees, and the operator's queue: one query for the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from vmeste.accounts.models import Role
from vmeste.accounts.roles import organizations_where
from vmeste.appeals.models import Answer, Appeal
from vmeste.core import clock
from vmeste.core.permissions import is_platform_admin

from .models import Signal

OPEN = [Signal.Status.NEW, Signal.Status.TRIAGED]


def visible_signals(user: Any) -> QuerySet[Signal]:
    """Signals of the sources whose organization is at or below one of the user's operator roles."""
    queryset = Signal.objects.select_related("source", "category", "institution", "appeal")
    if is_platform_admin(user):
        return queryset
    paths = organizations_where(user, Role.Kind.OPERATOR)
    if not paths:
        return queryset.none()
    scope = Q()
    for path in paths:
        scope |= Q(source__organization__path__startswith=path)
    return queryset.filter(scope)


def signal_queue(
    user: Any,
    *,
    status: str = "open",
    kind: str = "",
    source: Any = None,
    overdue: bool = False,
) -> QuerySet[Signal]:
    """The queue by priority, then age: ``status`` is ``open`` (default), ``all`` or one status."""
    signals = visible_signals(user)
    if status == "open":
        signals = signals.filter(status__in=OPEN)
    elif status != "all":
        signals = signals.filter(status=status)
    if kind:
        signals = signals.filter(kind=kind)
    if source is not None:
        signals = signals.filter(source=source)
    if overdue:
        signals = signals.filter(reacted_at__isnull=True, reaction_due_at__lt=clock.now())
    return signals.order_by("-priority", "received_at", "pk")


@dataclass(frozen=True)
class AttachPreview:
    appeal: Appeal
    answer: Answer | None  # published: it goes to the network as soon as the signal is attached


def appeal_preview(number: str) -> AttachPreview | None:
    """The appeal an operator is about to attach a signal to, with its published answer;
    ``None`` when there is none, or when its answer could not go to a network (the service
    refuses it and says why)."""
    appeal = (
        Appeal.objects.select_related("category", "organization")
        .filter(number=(number or "").strip())
        .first()
    )
    if appeal is None or not appeal.is_public:
        return None
    return AttachPreview(appeal, published_answer(appeal))


def published_answer(appeal: Appeal) -> Answer | None:
    """The appeal's latest published answer: what a signal attached to it gets as its reply."""
    return appeal.answers.filter(state=Answer.State.APPROVED).order_by("-published_at").first()
