"""Signals API for operators and integrations: the queue, one signal with its triage, reactions.

Intake from the networks is not here: VK, Telegram and partners post to ``/hooks/…`` with their
own secrets (see ``docs/signals.md``). These operations need an operator's token or session.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from vmeste.appeals.models import Category
from vmeste.core.api import API_AUTH, AUTH_ERRORS, ErrorOut
from vmeste.core.errors import FieldErrors
from vmeste.core.http import signed_in
from vmeste.core.permissions import require
from vmeste.organizations.models import District, Organization

from . import services
from .models import DISMISS_REASONS, Kind, Reply, Signal
from .selectors import signal_queue

router = Router()

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
ACTION_ERRORS = {**AUTH_ERRORS, 409: ErrorOut}


class SignalSuggestionOut(Schema):
    id: int
    name: str
    confidence: float
    reasons: list[str]


class SignalDuplicateOut(Schema):
    type: Literal["signal", "appeal"]
    id: int
    label: str
    score: float
    reasons: list[str]


class SignalReplyOut(Schema):
    id: int
    method: Literal[*Reply.Method.values]  # type: ignore[valid-type]
    state: Literal[*Reply.State.values]  # type: ignore[valid-type]
    attempts: int
    last_error: str
    sent_at: dt.datetime | None


class SignalOut(Schema):
    id: int
    source: str
    source_kind: str
    item_type: Literal[*Signal.ItemType.values]  # type: ignore[valid-type]
    author_handle: str
    url: str
    text: str
    posted_at: dt.datetime
    received_at: dt.datetime
    status: Literal[*Signal.Status.values]  # type: ignore[valid-type]
    priority: int
    reaction_due_at: dt.datetime
    reacted_at: dt.datetime | None
    is_overdue: bool
    kind: str
    kind_confidence: float
    urgency: int
    category_id: int | None
    organization_id: int | None
    institution_id: int | None
    district_id: int | None
    address: str
    appeal_number: str | None
    model_version: str
    triaged_at: dt.datetime | None


class SignalDetailOut(SignalOut):
    clean_text: str
    category_suggestions: list[SignalSuggestionOut]
    organization_suggestions: list[SignalSuggestionOut]
    reasons: dict[str, Any]
    duplicates: list[SignalDuplicateOut]
    replies: list[SignalReplyOut]


def signal_out(signal: Signal, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": signal.pk,
        "source": str(signal.source),
        "source_kind": signal.source.kind,
        "item_type": signal.item_type,
        "author_handle": signal.author_handle,
        "url": signal.url,
        "text": signal.text,
        "posted_at": signal.posted_at,
        "received_at": signal.received_at,
        "status": signal.status,
        "priority": signal.priority,
        "reaction_due_at": signal.reaction_due_at,
        "reacted_at": signal.reacted_at,
        "is_overdue": signal.is_overdue,
        "kind": signal.kind,
        "kind_confidence": signal.kind_confidence,
        "urgency": signal.urgency,
        "category_id": signal.category_id,
        "organization_id": signal.organization_id,
        "institution_id": signal.institution_id,
        "district_id": signal.district_id,
        "address": signal.address,
        "appeal_number": signal.appeal.number if signal.appeal_id and signal.appeal else None,
        "model_version": signal.model_version,
        "triaged_at": signal.triaged_at,
    }
    if detail:
        suggestions = signal.suggestions or {}
        data.update(
            clean_text=signal.clean_text,
            category_suggestions=suggestions.get("categories", []),
            organization_suggestions=suggestions.get("organizations", []),
            reasons=signal.reasons or {},
            duplicates=signal.duplicates or [],
            replies=list(signal.replies.all()),
        )
    return data


class SignalFilterIn(Schema):
    status: Literal["open", "all", *Signal.Status.values] = "open"  # type: ignore[valid-type]
    kind: Literal[*Kind.values] | None = None  # type: ignore[valid-type]
    overdue: bool = False


@router.get(
    "/signals",
    response={200: list[SignalOut], **AUTH_ERRORS},
    auth=API_AUTH,
    summary="The operator's queue of signals",
)
@paginate(PageNumberPagination)
def signal_list(request: HttpRequest, filters: Query[SignalFilterIn]) -> Any:
    """Signals of the caller's sources, by priority and age (open ones unless ``status`` says)."""
    user = signed_in(request)
    require(user, "signal.queue")
    queryset = signal_queue(
        user, status=filters.status, kind=filters.kind or "", overdue=filters.overdue
    )
    return [signal_out(s) for s in queryset]


def _get(request: HttpRequest, signal_id: int) -> Signal:
    return services.signal_get(signed_in(request), signal_id)


@router.get(
    "/signals/{signal_id}",
    response={200: SignalDetailOut, **AUTH_ERRORS},
    auth=API_AUTH,
    summary="One signal with its triage, duplicates and replies",
)
def signal_detail(request: HttpRequest, signal_id: Id) -> Any:
    return signal_out(_get(request, signal_id), detail=True)


class SignalAppealIn(Schema):
    category_id: Id
    text: Annotated[str, Field(min_length=1, max_length=10000)]
    institution_id: Id | None = None
    district_id: Id | None = None
    address: Annotated[str, Field(max_length=300)] = ""


class SignalAppealOut(Schema):
    number: str
    signal: SignalDetailOut


def _refresh(signal: Signal) -> dict[str, Any]:
    return signal_out(
        Signal.objects.select_related("source", "appeal").get(pk=signal.pk), detail=True
    )


@router.post(
    "/signals/{signal_id}/appeal",
    response={201: SignalAppealOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Create an appeal from the signal",
)
def signal_appeal(request: HttpRequest, signal_id: Id, payload: SignalAppealIn) -> Any:
    signal = _get(request, signal_id)
    errors = FieldErrors()
    category = Category.objects.filter(pk=payload.category_id, is_active=True).first()
    institution = (
        Organization.objects.filter(pk=payload.institution_id).first()
        if payload.institution_id
        else None
    )
    if payload.institution_id and institution is None:
        errors.add(
            "institution_id", _("Choose an institution from the directory."), "unknown_institution"
        )
    district = (
        District.objects.filter(pk=payload.district_id).first() if payload.district_id else None
    )
    if payload.district_id and district is None:
        errors.add("district_id", _("Choose a district from the list."), "unknown_district")
    errors.raise_if_any()
    appeal = services.signal_create_appeal(
        actor=request.user,
        signal=signal,
        category=category,
        text=payload.text,
        institution=institution,
        district=district,
        address=payload.address,
    )
    return Status(201, {"number": appeal.number, "signal": _refresh(signal)})


class SignalAttachIn(Schema):
    number: Annotated[str, Field(pattern=r"^\d{4}-\d{6}$")]


@router.post(
    "/signals/{signal_id}/attach",
    response={200: SignalDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Attach the signal to an existing appeal",
)
def signal_attach(request: HttpRequest, signal_id: Id, payload: SignalAttachIn) -> Any:
    signal = _get(request, signal_id)
    services.signal_attach(actor=request.user, signal=signal, number=payload.number)
    return _refresh(signal)


class SignalAnswerIn(Schema):
    text: Annotated[str, Field(min_length=1, max_length=services.MAX_REPLY)]


@router.post(
    "/signals/{signal_id}/answer",
    response={200: SignalDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Answer the signal directly in its network",
)
def signal_answer(request: HttpRequest, signal_id: Id, payload: SignalAnswerIn) -> Any:
    signal = _get(request, signal_id)
    services.signal_answer(actor=request.user, signal=signal, text=payload.text)
    return _refresh(signal)


class SignalDismissIn(Schema):
    reason: Literal[*DISMISS_REASONS]  # type: ignore[valid-type]
    comment: Annotated[str, Field(max_length=2000)] = ""


@router.post(
    "/signals/{signal_id}/dismissal",
    response={200: SignalDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Dismiss the signal with a reason",
)
def signal_dismiss(request: HttpRequest, signal_id: Id, payload: SignalDismissIn) -> Any:
    signal = _get(request, signal_id)
    services.signal_dismiss(
        actor=request.user, signal=signal, reason=payload.reason, comment=payload.comment
    )
    return _refresh(signal)


class SignalCountsOut(Schema):
    total: int
    open: int
    waiting: int = Field(description="no reaction yet, still within the deadline")
    overdue_now: int
    on_time: int
    late: int


@router.get(
    "/signals-counters", response=SignalCountsOut, summary="Signals: reactions on time and late"
)
def signal_counters(request: HttpRequest) -> Any:
    """Public totals of first reactions to signals (the one-working-day rule)."""
    return services.signal_counts()
