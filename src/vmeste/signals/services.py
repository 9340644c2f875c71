"""Signals: intake, the operator's four reactions, replies back to the networks, and deadlines.

Every change is one transaction with its audit entry. The intake never raises on a repeated
delivery: the raw event's key (and the signal's id in the network) are unique, so the second copy
finds the first and creates nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vmeste.appeals.models import Answer, Appeal, Category
from vmeste.appeals.services import appeal_submit
from vmeste.core import clock
from vmeste.core.audit import audit_record
from vmeste.core.errors import Conflict, FieldErrors, NotFound
from vmeste.core.permissions import require
from vmeste.organizations.models import District, Organization
from vmeste.workdays.calendar import add_working_days

from .connectors import Delivery, Item
from .models import DISMISS_REASONS, Kind, RawEvent, Reply, Signal, Source, TrainingLabel
from .selectors import published_answer

logger = logging.getLogger(__name__)

REACTION_WORKING_DAYS = 1
MAX_REPLY = 4000


# Intake


def ingest(
    source: Source, delivery: Delivery, payload: Any, *, _retry: bool = True
) -> tuple[RawEvent, list[Signal]]:
    """Store one delivery raw and its items as signals; a repeated delivery creates nothing.

    Returns the raw event and the signals *created now* (an edit updates the existing signal and
    is not returned as new). Triage of new signals is queued after the commit.
    """
    try:
        with transaction.atomic():
            raw = RawEvent.objects.create(
                source=source,
                key=delivery.key,
                event_type=delivery.event_type,
                payload=payload,
                state=RawEvent.State.ACCEPTED if delivery.items else RawEvent.State.IGNORED,
            )
            created = [s for item in delivery.items if (s := _store_item(source, raw, item))]
    except IntegrityError:
        # The same delivery (or the same post under another key) arrived twice at once.
        first = RawEvent.objects.filter(source=source, key=delivery.key).first()
        if first is None and _retry:
            return ingest(source, delivery, payload, _retry=False)
        if first is None:
            raise
        return first, []
    if created:
        _queue_triage([s.pk for s in created])
    return raw, created


def _store_item(source: Source, raw: RawEvent, item: Item) -> Signal | None:
    existing = (
        Signal.objects.select_for_update()
        .filter(source=source, external_id=item.external_id)
        .first()
    )
    now = clock.now()
    if existing is not None:
        if item.is_edit and existing.text != item.text:
            before = existing.text
            existing.text, existing.edited_at = item.text, now
            existing.save(update_fields=["text", "edited_at"])
            audit_record(
                actor=None,
                action="signal.edited",
                target=existing,
                reason=_("The author edited the post"),
                data={"before": before[:500]},
            )
            _queue_triage([existing.pk])
        return None
    with transaction.atomic():
        signal = Signal.objects.create(
            source=source,
            raw=raw,
            external_id=item.external_id,
            item_type=item.item_type,
            author_handle=item.author_handle,
            author_external_id=item.author_external_id,
            reply_to=item.reply_to,
            url=item.url,
            text=item.text,
            posted_at=item.posted_at,
            received_at=now,
            reaction_due_at=add_working_days(now, REACTION_WORKING_DAYS),
        )
        audit_record(
            actor=None,
            action="signal.received",
            target=signal,
            to_state=Signal.Status.NEW,
            data={"source": source.slug, "external_id": item.external_id},
        )
    return signal


def _queue_triage(ids: list[int]) -> None:
    from .tasks import signals_triage

    transaction.on_commit(lambda: signals_triage.enqueue(signal_ids=ids))


# The operator's reactions


def _lock(signal: Signal) -> Signal:
    return Signal.objects.select_for_update().select_related("source").get(pk=signal.pk)


def _react(signal: Signal, actor: Any, status: str, action: str, **data: Any) -> None:
    if not signal.is_open:
        raise Conflict(_("This signal has already been handled."))
    before = signal.status
    now = clock.now()
    signal.status = status
    signal.handled_by = actor
    if signal.reacted_at is None:
        signal.reacted_at = now
    signal.save()
    audit_record(
        actor=actor,
        action=action,
        target=signal,
        from_state=before,
        to_state=status,
        reason=data.pop("reason", ""),
        data={
            **data,
            "on_time": signal.reacted_at <= signal.reaction_due_at,
        },
    )


def _label(signal: Signal, actor: Any, field: str, predicted: str, label: str) -> None:
    """An operator's choice that differs from the suggestion becomes a training example."""
    if label and label != predicted:
        TrainingLabel.objects.create(
            signal=signal,
            field=field,
            predicted=predicted,
            label=label,
            text=signal.clean_text or signal.text,
            created_by=actor,
        )


@transaction.atomic
def signal_create_appeal(
    *,
    actor: Any,
    signal: Signal,
    category: Category | None,
    text: str,
    institution: Organization | None = None,
    district: District | None = None,
    address: str = "",
    photos: Sequence[UploadedFile] = (),
) -> Appeal:
    """File an appeal for the signal's author (by the operator, source «social networks»).

    A category that asks for a photo is satisfied by the post in the network when the signal
    has a public link; a private message needs the photo in ``photos``.
    """
    signal = _lock(signal)
    require(actor, "signal.work", signal)
    if not signal.is_open:
        raise Conflict(_("This signal has already been handled."))
    handle = signal.author_handle or _("unknown author")
    appeal, _created = appeal_submit(
        author=actor,
        category=category,
        text=text,
        consent=True,
        institution=institution,
        district=district,
        address=address or (institution.address if institution else ""),
        idempotency_key=f"signal-{signal.pk}",
        photos=photos,
        photo_elsewhere=bool(signal.url),
        source="signal",
        contact_phone="",
    )
    signal.appeal = appeal
    _label(
        signal,
        actor,
        TrainingLabel.Field.CATEGORY,
        signal.category.slug if signal.category else "",
        category.slug if category else "",
    )
    if appeal.organization is not None:
        _label(
            signal,
            actor,
            TrainingLabel.Field.ORGANIZATION,
            signal.organization.slug if signal.organization else "",
            appeal.organization.slug,
        )
    _react(
        signal,
        actor,
        Signal.Status.APPEAL,
        "signal.appeal_created",
        appeal=appeal.number,
        author_handle=handle,
    )
    return appeal


@transaction.atomic
def signal_attach(*, actor: Any, signal: Signal, number: str) -> Appeal:
    """Attach the signal to an appeal that already exists: its answer will be sent back too."""
    signal = _lock(signal)
    require(actor, "signal.work", signal)
    errors = FieldErrors()
    appeal = Appeal.objects.filter(number=(number or "").strip()).first()
    if appeal is None:
        errors.add("number", _("There is no appeal with this number."), "unknown_appeal")
    elif not appeal.is_public:
        # Its answer would be posted in a social network for everybody to read.
        errors.add(
            "number",
            _("This appeal is not public: its answer cannot be sent to a social network."),
            "not_public",
        )
    errors.raise_if_any()
    assert appeal is not None
    signal.appeal = appeal
    _react(signal, actor, Signal.Status.ATTACHED, "signal.attached", appeal=appeal.number)
    published = published_answer(appeal)
    if published is not None:
        _queue_reply(signal, published.text, answer=published, actor=actor)
    return appeal


@transaction.atomic
def signal_answer(*, actor: Any, signal: Signal, text: str) -> Reply:
    """Answer a simple question directly in the network."""
    signal = _lock(signal)
    require(actor, "signal.work", signal)
    errors = FieldErrors()
    text = (text or "").replace("\x00", "").strip()
    if len(text) < 5:
        errors.add("text", _("Write the answer (at least 5 characters)."), "too_short")
    elif len(text) > MAX_REPLY:
        errors.add(
            "text",
            _("The answer is too long: at most %(n)s characters.") % {"n": MAX_REPLY},
            "too_long",
        )
    errors.raise_if_any()
    _label(signal, actor, TrainingLabel.Field.KIND, signal.kind, Kind.QUESTION)
    signal.operator_comment = text
    _react(signal, actor, Signal.Status.ANSWERED, "signal.answered")
    return _queue_reply(signal, text, answer=None, actor=actor)


@transaction.atomic
def signal_dismiss(*, actor: Any, signal: Signal, reason: str, comment: str = "") -> Signal:
    signal = _lock(signal)
    require(actor, "signal.work", signal)
    errors = FieldErrors()
    if reason not in DISMISS_REASONS:
        errors.add("reason", _("Choose a reason from the list."), "unknown_reason")
    comment = (comment or "").replace("\x00", "").strip()[:2000]
    if reason == "other" and not comment:
        errors.add("comment", _("Say why the signal is dismissed."), "required")
    errors.raise_if_any()
    if reason in {"noise", "thanks"}:
        _label(
            signal,
            actor,
            TrainingLabel.Field.KIND,
            signal.kind,
            Kind.NOISE if reason == "noise" else Kind.THANKS,
        )
    signal.dismiss_reason, signal.operator_comment = reason, comment
    _react(signal, actor, Signal.Status.DISMISSED, "signal.dismissed", reason=comment or reason)
    return signal


def signal_get(actor: Any, pk: int) -> Signal:
    """A signal the actor may work; others' signals do not exist for them (404)."""
    from vmeste.core.permissions import can

    signal = (
        Signal.objects.select_related(
            "source__organization",
            "appeal",
            "category",
            "organization",
            "institution",
            "district",
        )
        .filter(pk=pk)
        .first()
    )
    if signal is None or not can(actor, "signal.work", signal):
        raise NotFound()
    return signal


# Replies back


def reply_method(signal: Signal) -> str:
    kind = signal.source.kind
    if kind == Source.Kind.VK:
        if "peer_id" in signal.reply_to:
            return Reply.Method.VK_MESSAGE
        if "post_id" in signal.reply_to:
            return Reply.Method.VK_COMMENT
    if kind == Source.Kind.TELEGRAM and "chat_id" in signal.reply_to:
        return Reply.Method.TELEGRAM
    return Reply.Method.NONE


def _queue_reply(signal: Signal, text: str, *, answer: Answer | None, actor: Any) -> Reply:
    method = reply_method(signal)
    state = Reply.State.PENDING
    if method == Reply.Method.NONE or not signal.source.access_token:
        state = Reply.State.SKIPPED
    reply = Reply.objects.create(
        signal=signal,
        answer=answer,
        method=method,
        text=text[:MAX_REPLY],
        state=state,
        next_attempt_at=clock.now() if state == Reply.State.PENDING else None,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="signal.reply_queued",
        target=signal,
        data={"reply": reply.pk, "method": method, "state": state},
    )
    if state == Reply.State.PENDING:
        from .tasks import reply_deliver

        reply_id = reply.pk
        transaction.on_commit(lambda: reply_deliver.enqueue(reply_id=reply_id))
    return reply


def answer_published(answer: Answer) -> int:
    """Queue a reply to every signal linked to the answered appeal (once per answer)."""
    signals = Signal.objects.select_related("source").filter(appeal_id=answer.appeal_id)
    queued = 0
    for signal in signals:
        if Reply.objects.filter(signal=signal, answer=answer).exists():
            continue
        text = _("Answer to appeal № %(number)s:\n%(text)s") % {
            "number": answer.appeal.number,
            "text": answer.text,
        }
        _queue_reply(signal, text, answer=answer, actor=None)
        queued += 1
    return queued


# The sweep


@transaction.atomic
def signal_overdue_step() -> bool:
    """Mark one signal whose first reaction is late; it then counts as overdue on the dashboard."""
    now = clock.now()
    signal = (
        Signal.objects.select_for_update(skip_locked=True)
        .filter(reacted_at__isnull=True, overdue_at__isnull=True, reaction_due_at__lt=now)
        .order_by("pk")
        .first()
    )
    if signal is None:
        return False
    if not Signal.objects.filter(pk=signal.pk, overdue_at__isnull=True).update(overdue_at=now):
        return True
    audit_record(
        actor=None,
        action="signal.overdue",
        target=signal,
        reason=_("No reaction within one working day"),
        data={"due": signal.reaction_due_at.isoformat()},
    )
    return True


def signal_counts(since: Any = None, until: Any = None) -> dict[str, int]:
    """Received, open, waiting within the deadline, overdue now, and first reactions on time /
    late (for the dashboard): ``total`` = ``on_time`` + ``late`` + ``waiting`` +
    ``overdue_now``."""
    from django.db.models import Count, F, Q

    queryset = Signal.objects.all()
    if since is not None:
        queryset = queryset.filter(received_at__gte=since)
    if until is not None:
        queryset = queryset.filter(received_at__lt=until)
    now = clock.now()
    return queryset.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=[Signal.Status.NEW, Signal.Status.TRIAGED])),
        waiting=Count(
            "pk",
            filter=Q(reacted_at__isnull=True)
            & (Q(reaction_due_at__gte=now) | Q(reaction_due_at__isnull=True)),
        ),
        overdue_now=Count("pk", filter=Q(reacted_at__isnull=True, reaction_due_at__lt=now)),
        on_time=Count("pk", filter=Q(reacted_at__lte=F("reaction_due_at"))),
        late=Count("pk", filter=Q(reacted_at__gt=F("reaction_due_at"))),
    )
