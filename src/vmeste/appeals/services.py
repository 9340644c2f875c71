"""Every write of the appeals service. Views and API endpoints call these and nothing else.

Each service locks the appeal, checks the actor's permission and the transition, changes the
appeal inside ``counters_tracked`` (so the live counters follow in the same transaction), writes the
audit log through ``transition`` or ``audit_record`` and notifies the people concerned on commit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vmeste.accounts.models import Role
from vmeste.accounts.selectors import users_with_role
from vmeste.core import clock
from vmeste.core.audit import audit_record
from vmeste.core.errors import Conflict, FieldErrors, TransitionNotAllowed
from vmeste.core.permissions import require
from vmeste.notifications.services import notify, notify_many
from vmeste.organizations.models import District, Organization
from vmeste.workdays.calendar import (
    add_working_days,
    add_working_hours,
    add_working_time,
    working_time_between,
)

from . import brushoff
from .counters import counters_tracked
from .events import answer_published
from .geo import district_for_point
from .masking import mask_contacts
from .models import (
    AWAITING_ANSWER,
    Answer,
    Appeal,
    AppealNumber,
    Category,
    Feedback,
    Message,
    Photo,
    Source,
    Status,
)
from .photos import photos_clean
from .routing import appeal_route
from .workflow import transition

TEXT_MIN, TEXT_MAX = 10, 4000
ANSWER_MIN = 20
FEEDBACK_DAYS = getattr(settings, "APPEAL_FEEDBACK_DAYS", 15)


def _text(
    value: str, field: str, errors: FieldErrors, *, minimum: int = TEXT_MIN, maximum: int = TEXT_MAX
) -> str:
    cleaned = (value or "").strip()
    if len(cleaned) < minimum:
        errors.add(field, _("Write at least %(n)s characters.") % {"n": minimum}, "too_short")
    elif len(cleaned) > maximum:
        errors.add(field, _("Write at most %(n)s characters.") % {"n": maximum}, "too_long")
    return cleaned


def _lock(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("category", "organization")
        .get(pk=appeal.pk)
    )


def _next_number(year: int) -> str:
    AppealNumber.objects.get_or_create(year=year)
    row = AppealNumber.objects.select_for_update().get(year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return f"{year}-{row.last:06d}"


def _deadline(start: dt.datetime, category: Category) -> dt.datetime:
    if category.deadline_hours:
        return add_working_hours(start, category.deadline_hours)
    return add_working_days(start, category.deadline_days)


def _reminder(start: dt.datetime, due: dt.datetime) -> dt.datetime:
    """One working day before the deadline (or at the start, for deadlines shorter than that)."""
    total = working_time_between(start, due)
    return add_working_time(start, max(total - dt.timedelta(days=1), dt.timedelta(0)))


def _staff(kinds: Sequence[str] | str, organization: Organization | None) -> list[Any]:
    return list(users_with_role(kinds, organization))


def _notify_author(
    appeal: Appeal, kind: str, title: str, body: str = "", *, needs_action: bool = False
) -> None:
    """Tell the author. An appeal made from a social-network post was filed by the operator for
    somebody in the network, who hears through the reply there: the operator is told only what
    needs them (``needs_action``: a question to relay, the appeal returned or refused)."""
    if appeal.source == Source.SIGNAL and not needs_action:
        return
    notify(user=appeal.author, kind=kind, title=title, body=body, url=appeal.get_absolute_url())


def _staff_url(appeal: Appeal) -> str:
    return f"/staff/appeals/{appeal.number}/"


def _attach_photos(appeal: Appeal, photos: Sequence[Any], answer: Answer | None = None) -> None:
    """Store the photos; a full or read-only storage refuses the whole operation with a 503.

    Callers run inside their transaction, so the ``ServiceUnavailable`` raised here rolls back the
    appeal or answer as well: nothing half-saved stays behind. Files already written by this call
    are removed (best effort) so that they do not pile up as orphans on the volume.
    """
    from vmeste.core.outage import ServiceUnavailable

    started: list[Photo] = []
    try:
        for cleaned in photos:
            photo = Photo(
                appeal=appeal, answer=answer, image=cleaned.image, thumbnail=cleaned.thumbnail
            )
            started.append(photo)
            photo.save()
    except OSError as exc:
        for photo in started:
            for field in (photo.image, photo.thumbnail):
                if field.name and getattr(field, "_committed", False):
                    with contextlib.suppress(OSError):
                        field.storage.delete(field.name)
        raise ServiceUnavailable(
            _(
                "The photos cannot be saved right now: the file storage is unavailable. "
                "Nothing was saved; please try again later."
            ),
            code="storage_unavailable",
        ) from exc


def appeal_submit(
    *,
    author: Any,
    category: Category | None,
    text: str,
    consent: bool,
    institution: Organization | None = None,
    district: District | None = None,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: Sequence[UploadedFile] = (),
    idempotency_key: str = "",
    source: str = Source.WEB,
    contact_phone: str = "",
    photo_elsewhere: bool = False,
) -> tuple[Appeal, bool]:
    """File a new appeal; ``(appeal, created)``. Status: → ``submitted``.

    A repeated call with the same ``idempotency_key`` by the same author returns the first appeal
    and creates nothing. Every problem of the input is reported at once (ValidationFailed with
    ``details.errors``); nothing is stored then. Routing picks the responsible organization now, so
    that the right moderators see the appeal.
    """
    require(author, "appeal.file")
    key = (idempotency_key or "").strip()[:64]
    if key:
        existing = Appeal.objects.filter(author=author, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    errors = FieldErrors()
    if category is None or not category.is_active:
        errors.add("category", _("Choose a category from the list."), "unknown_category")
    cleaned_text = _text(text, "text", errors)
    if not consent:
        errors.add(
            "consent",
            _("Without consent to the processing of personal data we cannot accept the appeal."),
            "consent_required",
        )
    if institution is not None and (not institution.is_active or not institution.is_institution):
        errors.add(
            "institution", _("Choose an institution from the directory."), "unknown_institution"
        )
    if (latitude is None) != (longitude is None):
        errors.add(
            "latitude", _("Give both latitude and longitude, or neither."), "incomplete_coordinates"
        )
    # is_finite first: NaN compares with nothing (Decimal raises on the comparison).
    if latitude is not None and not (latitude.is_finite() and Decimal(-90) <= latitude <= 90):
        errors.add("latitude", _("Latitude must be between -90 and 90."), "out_of_range")
    if longitude is not None and not (longitude.is_finite() and Decimal(-180) <= longitude <= 180):
        errors.add("longitude", _("Longitude must be between -180 and 180."), "out_of_range")
    address = (address or "").strip()[:300]
    if category is not None:
        if category.requires_institution and institution is None:
            errors.add(
                "institution",
                _("In this category, choose the institution the appeal is about."),
                "required",
            )
        if category.requires_place and not address and latitude is None:
            errors.add(
                "address",
                _("In this category, give the address or mark the place on the map."),
                "required",
            )
        # An appeal made from a social-network post: the photo stays in the linked post.
        if category.requires_photo and not photos and not photo_elsewhere:
            errors.add("photos", _("In this category, attach at least one photo."), "required")
    cleaned_photos = photos_clean(photos, errors)
    errors.raise_if_any()
    assert category is not None
    if district is None and latitude is not None and longitude is not None:
        district = district_for_point(latitude, longitude)
    if district is None and institution is not None:
        district = institution.district
    organization = appeal_route(category=category, district=district, institution=institution)
    try:
        with transaction.atomic():
            now = clock.now()
            appeal = Appeal(
                number=_next_number(timezone.localdate(now).year),
                author=author,
                category=category,
                institution=institution,
                organization=organization,
                district=district,
                address=address,
                latitude=latitude,
                longitude=longitude,
                text=cleaned_text,
                public_text=mask_contacts(cleaned_text),
                source=source,
                idempotency_key=key,
                contact_phone=(contact_phone or "").strip()[:32],
                created_at=now,
            )
            with counters_tracked(appeal):
                appeal.save()
            _attach_photos(appeal, cleaned_photos)
            audit_record(
                actor=author,
                action="appeal.submitted",
                target=appeal,
                to_state=Status.SUBMITTED,
                data={"organization": organization.pk if organization else None, "source": source},
            )
            _notify_author(
                appeal,
                "status",
                _("Appeal № %(number)s is accepted") % {"number": appeal.number},
                _("A moderator will check it within one working day."),
            )
            _queue_masking(appeal)
    except IntegrityError:
        # The same idempotency key arrived twice at once: the other request created the appeal.
        existing = (
            Appeal.objects.filter(author=author, idempotency_key=key).first() if key else None
        )
        if existing is None:
            raise
        return existing, False
    return appeal, True


def _queue_masking(appeal: Appeal) -> None:
    from .tasks import appeal_mask_text

    appeal_id = appeal.pk
    transaction.on_commit(lambda: appeal_mask_text.enqueue(appeal_id=appeal_id))


@transaction.atomic
def appeal_resubmit(
    *,
    actor: Any,
    appeal: Appeal,
    text: str,
    address: str | None = None,
    photos: Sequence[UploadedFile] = (),
) -> Appeal:
    """The author fixes a returned appeal and sends it again: ``returned`` → ``submitted``."""
    appeal = _lock(appeal)
    require(actor, "appeal.author", appeal)
    errors = FieldErrors()
    cleaned = _text(text, "text", errors)
    existing = appeal.photos.filter(answer__isnull=True).count()
    cleaned_photos = photos_clean(photos, errors, already=existing)
    errors.raise_if_any()
    with counters_tracked(appeal):
        transition(appeal, Status.SUBMITTED, actor=actor, reason=_("Corrected by the author"))
        appeal.text = cleaned
        appeal.public_text = mask_contacts(cleaned)
        appeal.is_masked_by_ner = False
        if address is not None:
            appeal.address = address.strip()[:300]
        appeal.save()
    _attach_photos(appeal, cleaned_photos)
    _queue_masking(appeal)
    return appeal


@transaction.atomic
def appeal_photos_add(*, actor: Any, appeal: Appeal, photos: Sequence[UploadedFile]) -> Appeal:
    """The author adds photos while the appeal awaits moderation (or was returned to them)."""
    appeal = _lock(appeal)
    require(actor, "appeal.author", appeal)
    if appeal.status not in {Status.SUBMITTED, Status.RETURNED}:
        raise Conflict(_("Photos can be added only before the appeal is registered."))
    errors = FieldErrors()
    existing = appeal.photos.filter(answer__isnull=True).count()
    if not photos:
        errors.add("files", _("Choose at least one photo."), "required")
    cleaned = photos_clean(photos, errors, field="files", already=existing)
    errors.raise_if_any()
    _attach_photos(appeal, cleaned)
    audit_record(
        actor=actor, action="appeal.photos_added", target=appeal, data={"count": len(cleaned)}
    )
    return appeal


MODERATION_DECISIONS = {"register", "return", "reject", "redirect"}


@transaction.atomic
def appeal_moderate(
    *, actor: Any, appeal: Appeal, decision: str, reason: str = "", redirected_to: str = ""
) -> Appeal:
    """Pre-moderation of a ``submitted`` appeal.

    ``register`` → ``registered`` (the deadline starts) → ``assigned`` to the routed organization;
    ``return`` → ``returned`` (the author fixes it), ``reject`` → ``rejected``, ``redirect`` →
    ``redirected`` to an authority outside the platform. All but ``register`` need a reason.
    """
    appeal = _lock(appeal)
    require(actor, "appeal.moderate", appeal)
    errors = FieldErrors()
    reason = (reason or "").strip()
    redirected_to = (redirected_to or "").strip()
    if decision not in MODERATION_DECISIONS:
        errors.add("decision", _("Unknown decision."))
    elif decision != "register" and len(reason) < 5:
        errors.add(
            "reason", _("Explain the decision to the author (at least 5 characters)."), "required"
        )
    if decision == "redirect" and not redirected_to:
        errors.add(
            "redirected_to", _("Name the authority the appeal is redirected to."), "required"
        )
    if len(reason) > TEXT_MAX:
        errors.add("reason", _("Write at most %(n)s characters.") % {"n": TEXT_MAX}, "too_long")
    errors.raise_if_any()
    now = clock.now()
    with counters_tracked(appeal):
        if decision == "register":
            transition(appeal, Status.REGISTERED, actor=actor, reason=reason)
            appeal.registered_at = now
            appeal.due_at = _deadline(now, appeal.category)
            appeal.remind_at = _reminder(now, appeal.due_at)
            if appeal.organization is None:
                appeal.organization = appeal_route(
                    category=appeal.category,
                    district=appeal.district,
                    institution=appeal.institution,
                )
            transition(
                appeal,
                Status.ASSIGNED,
                actor=None,
                reason=_("Routed to %(organization)s") % {"organization": appeal.organization},
                data={"organization": appeal.organization_id},
            )
        elif decision == "return":
            transition(appeal, Status.RETURNED, actor=actor, reason=reason)
            appeal.moderation_note = reason
        elif decision == "reject":
            transition(appeal, Status.REJECTED, actor=actor, reason=reason)
            appeal.moderation_note = reason
            appeal.closed_at = now
        else:
            transition(
                appeal, Status.REDIRECTED, actor=actor, reason=reason, data={"to": redirected_to}
            )
            appeal.moderation_note = reason
            appeal.redirected_to = redirected_to[:300]
            appeal.closed_at = now
        appeal.save()
    if decision == "register":
        due = timezone.localtime(appeal.due_at).strftime("%d.%m.%Y %H:%M") if appeal.due_at else ""
        _notify_author(
            appeal,
            "status",
            _("Appeal № %(number)s is registered") % {"number": appeal.number},
            _("%(organization)s must answer by %(due)s.")
            % {"organization": appeal.organization, "due": due},
        )
        notify_many(
            users=_staff(Role.Kind.EXECUTOR, appeal.organization),
            kind="status",
            title=_("New appeal № %(number)s") % {"number": appeal.number},
            url=_staff_url(appeal),
        )
    else:
        _notify_author(
            appeal,
            "status",
            _("Appeal № %(number)s: %(status)s")
            % {"number": appeal.number, "status": appeal.get_status_display()},
            reason,
            needs_action=True,
        )
    return appeal


@transaction.atomic
def appeal_take(*, actor: Any, appeal: Appeal) -> Appeal:
    """The executor starts working: ``assigned`` / ``reopened`` → ``in_progress``."""
    appeal = _lock(appeal)
    require(actor, "appeal.work", appeal)
    if appeal.status not in {Status.ASSIGNED, Status.REOPENED}:
        # in_progress also follows a clarification, but only the author's reply leads there.
        raise TransitionNotAllowed(details={"from": appeal.status, "to": Status.IN_PROGRESS})
    with counters_tracked(appeal):
        transition(appeal, Status.IN_PROGRESS, actor=actor)
        appeal.save()
    _notify_author(
        appeal, "status", _("Work on appeal № %(number)s has started") % {"number": appeal.number}
    )
    return appeal


@transaction.atomic
def appeal_clarification_ask(*, actor: Any, appeal: Appeal, question: str) -> Appeal:
    """Ask the author a question: → ``clarification``. The deadline clock stops until the reply."""
    appeal = _lock(appeal)
    require(actor, "appeal.work", appeal)
    errors = FieldErrors()
    question = _text(question, "question", errors)
    errors.raise_if_any()
    with counters_tracked(appeal):
        transition(appeal, Status.CLARIFICATION, actor=actor, reason=question)
        appeal.paused_at = clock.now()
        appeal.save()
    Message.objects.create(appeal=appeal, author=actor, kind=Message.Kind.QUESTION, text=question)
    _notify_author(
        appeal,
        "status",
        _("A question about appeal № %(number)s") % {"number": appeal.number},
        question,
        needs_action=True,
    )
    return appeal


@transaction.atomic
def appeal_clarification_reply(*, actor: Any, appeal: Appeal, text: str) -> Appeal:
    """The author answers the question: ``clarification`` → ``in_progress``; the deadline moves by the pause."""
    appeal = _lock(appeal)
    require(actor, "appeal.author", appeal)
    if appeal.status != Status.CLARIFICATION:
        raise TransitionNotAllowed(details={"from": appeal.status, "to": Status.IN_PROGRESS})
    errors = FieldErrors()
    text = _text(text, "text", errors)
    errors.raise_if_any()
    now = clock.now()
    with counters_tracked(appeal):
        transition(appeal, Status.IN_PROGRESS, actor=actor, reason=_("The author replied"))
        if appeal.paused_at and appeal.due_at:
            pause = working_time_between(appeal.paused_at, now)
            appeal.paused_seconds += int(pause.total_seconds())
            appeal.due_at = add_working_time(appeal.due_at, pause)
            if appeal.remind_at and not appeal.reminded_at:
                appeal.remind_at = add_working_time(appeal.remind_at, pause)
        appeal.paused_at = None
        appeal.save()
    Message.objects.create(appeal=appeal, author=actor, kind=Message.Kind.REPLY, text=text)
    notify_many(
        users=_staff(Role.Kind.EXECUTOR, appeal.organization),
        kind="status",
        title=_("The author of № %(number)s replied") % {"number": appeal.number},
        body=text,
        url=_staff_url(appeal),
    )
    return appeal


@transaction.atomic
def answer_submit(
    *,
    actor: Any,
    appeal: Appeal,
    text: str,
    planned_on: dt.date | None = None,
    photos: Sequence[UploadedFile] = (),
) -> Answer:
    """The executor's answer goes to the supervisor: → ``answer_review``.

    A *planned* answer names the date the work is scheduled for; after a planned answer is
    published the executor answers again when the work is done. The brush-off check runs here.
    """
    appeal = _lock(appeal)
    require(actor, "appeal.work", appeal)
    errors = FieldErrors()
    text = _text(text, "text", errors, minimum=ANSWER_MIN)
    today = clock.today()
    if planned_on is not None:
        if appeal.status == Status.PLANNED:
            errors.add(
                "planned_on",
                _("The work was already planned; now describe what was done."),
                "final_answer_expected",
            )
        elif planned_on < today:
            errors.add("planned_on", _("The planned date cannot be in the past."), "in_the_past")
        elif planned_on > today + dt.timedelta(days=366):
            errors.add("planned_on", _("Plan the work within a year."), "too_far")
    cleaned_photos = photos_clean(photos, errors)
    errors.raise_if_any()
    check = brushoff.brushoff_check(text)
    assert appeal.organization is not None  # registered appeals always have one
    with counters_tracked(appeal):
        transition(
            appeal,
            Status.ANSWER_REVIEW,
            actor=actor,
            data={"planned_on": planned_on.isoformat() if planned_on else None},
        )
        appeal.save()
    answer = Answer.objects.create(
        appeal=appeal,
        author=actor,
        organization=appeal.organization,
        text=text,
        planned_on=planned_on,
        brushoff_score=check.score,
        brushoff_reasons=check.reasons,
        created_at=clock.now(),
    )
    _attach_photos(appeal, cleaned_photos, answer=answer)
    notify_many(
        users=_staff(Role.Kind.SUPERVISOR, appeal.organization),
        kind="status",
        title=_("An answer to № %(number)s awaits approval") % {"number": appeal.number},
        url=_staff_url(appeal),
    )
    return answer


def _review_lock(answer: Answer) -> tuple[Answer, Appeal]:
    appeal = _lock(answer.appeal)
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    if answer.state != Answer.State.REVIEW or appeal.status != Status.ANSWER_REVIEW:
        raise Conflict(_("This answer is no longer awaiting review."))
    return answer, appeal


@transaction.atomic
def answer_approve(*, actor: Any, answer: Answer, comment: str = "") -> Answer:
    """Publish the answer: ``answer_review`` → ``answered`` (or ``planned`` for a planned answer).

    The first published answer fixes whether the appeal was answered on time (before ``due_at``)
    and how many working hours it took (clarification pauses excluded).
    """
    answer, appeal = _review_lock(answer)
    require(actor, "appeal.approve", appeal)
    now = clock.now()
    with counters_tracked(appeal):
        transition(
            appeal,
            Status.PLANNED if answer.is_planned else Status.ANSWERED,
            actor=actor,
            reason=comment,
            data={"answer": answer.pk},
        )
        if appeal.answered_at is None:
            appeal.answered_at = now
            appeal.is_answered_on_time = appeal.due_at is None or now <= appeal.due_at
            if appeal.registered_at:
                worked = (
                    working_time_between(appeal.registered_at, now).total_seconds()
                    - appeal.paused_seconds
                )
                appeal.answer_working_seconds = max(int(worked), 0)
        if not answer.is_planned:
            appeal.feedback_due_at = now + dt.timedelta(days=FEEDBACK_DAYS)
        appeal.save()
    answer.state = Answer.State.APPROVED
    answer.reviewed_by, answer.reviewed_at, answer.published_at = actor, now, now
    answer.review_comment = (comment or "").strip()
    answer.save()
    answer_published.send(sender=Answer, answer=answer)
    if answer.planned_on is not None:
        body = _("The work is planned for %(date)s.") % {
            "date": answer.planned_on.strftime("%d.%m.%Y")
        }
    else:
        body = _(
            "Please confirm that the problem is solved, or dispute the answer within %(n)s days."
        ) % {"n": FEEDBACK_DAYS}
    _notify_author(
        appeal, "answers", _("Answer to appeal № %(number)s") % {"number": appeal.number}, body
    )
    return answer


@transaction.atomic
def answer_return(*, actor: Any, answer: Answer, comment: str) -> Answer:
    """The supervisor sends the answer back for rework: ``answer_review`` → ``in_progress``."""
    answer, appeal = _review_lock(answer)
    require(actor, "appeal.approve", appeal)
    errors = FieldErrors()
    comment = _text(comment, "comment", errors, minimum=5)
    errors.raise_if_any()
    with counters_tracked(appeal):
        transition(
            appeal, Status.IN_PROGRESS, actor=actor, reason=comment, data={"answer": answer.pk}
        )
        appeal.save()
    answer.state = Answer.State.RETURNED
    answer.reviewed_by, answer.reviewed_at, answer.review_comment = actor, clock.now(), comment
    answer.save()
    notify(
        user=answer.author,
        kind="status",
        title=_("The answer to № %(number)s was returned") % {"number": appeal.number},
        body=comment,
        url=_staff_url(appeal),
    )
    return answer


@transaction.atomic
def appeal_reassign(
    *, actor: Any, appeal: Appeal, organization: Organization, reason: str
) -> Appeal:
    """A supervisor hands the appeal to another organization; the deadline keeps running from registration."""
    appeal = _lock(appeal)
    require(actor, "appeal.reassign", appeal)
    errors = FieldErrors()
    reason = _text(reason, "reason", errors, minimum=5, maximum=1000)
    if not organization.is_active:
        errors.add("organization", _("Choose an active organization."), "inactive")
    elif organization.pk == appeal.organization_id:
        errors.add("organization", _("The appeal is already there."), "same")
    if appeal.status not in AWAITING_ANSWER | {Status.SUBMITTED}:
        raise Conflict(_("Only an appeal awaiting an answer can be reassigned."))
    errors.raise_if_any()
    before = appeal.organization
    with counters_tracked(appeal):
        if appeal.status == Status.IN_PROGRESS:
            transition(appeal, Status.ASSIGNED, actor=actor, reason=reason)
        appeal.organization = organization
        appeal.save()
    audit_record(
        actor=actor,
        action="appeal.reassigned",
        target=appeal,
        from_state=str(before or ""),
        to_state=str(organization),
        reason=reason,
        data={"from": before.pk if before else None, "to": organization.pk},
    )
    notify_many(
        users=_staff(Role.Kind.EXECUTOR, organization),
        kind="status",
        title=_("Appeal № %(number)s was handed to you") % {"number": appeal.number},
        body=reason,
        url=_staff_url(appeal),
    )
    return appeal


@transaction.atomic
def appeal_extend(*, actor: Any, appeal: Appeal, days: int, reason: str) -> Appeal:
    """Move the deadline once, by 1–15 working days, before it has passed."""
    appeal = _lock(appeal)
    require(actor, "appeal.extend", appeal)
    errors = FieldErrors()
    reason = _text(reason, "reason", errors, minimum=5, maximum=1000)
    if not 1 <= days <= 15:
        errors.add("days", _("Extend by 1 to 15 working days."), "out_of_range")
    errors.raise_if_any()
    if appeal.status not in AWAITING_ANSWER or appeal.due_at is None:
        raise Conflict(_("Only an appeal awaiting an answer has a deadline to extend."))
    if appeal.extended_at is not None:
        raise Conflict(_("The deadline of this appeal was already extended once."))
    if appeal.overdue_at is not None:
        raise Conflict(_("The deadline has already passed; it can no longer be extended."))
    old_due = appeal.due_at
    with counters_tracked(appeal):
        appeal.due_at = add_working_days(old_due, days)
        appeal.extended_at = clock.now()
        if not appeal.reminded_at:
            appeal.remind_at = _reminder(clock.now(), appeal.due_at)
        appeal.save()
    audit_record(
        actor=actor,
        action="appeal.extended",
        target=appeal,
        from_state=old_due.isoformat(),
        to_state=appeal.due_at.isoformat(),
        reason=reason,
        data={"days": days},
    )
    due = timezone.localtime(appeal.due_at).strftime("%d.%m.%Y")
    _notify_author(
        appeal,
        "status",
        _("The deadline of appeal № %(number)s was extended") % {"number": appeal.number},
        _("New deadline: %(due)s. Reason: %(reason)s") % {"due": due, "reason": reason},
    )
    return appeal


@transaction.atomic
def appeal_feedback(
    *, actor: Any, appeal: Appeal, kind: str, rating: int | None = None, comment: str = ""
) -> Feedback:
    """The author confirms (→ ``closed_confirmed``) or disputes (→ ``reopened``) the published answer.

    A dispute gets a new deadline; the second dispute sends the appeal to the organization above
    the executor.
    """
    appeal = _lock(appeal)
    require(actor, "appeal.author", appeal)
    errors = FieldErrors()
    if kind not in Feedback.Kind.values:
        errors.add("kind", _("Choose: confirm or dispute."), "invalid")
    if rating is not None and not 1 <= rating <= 5:
        errors.add("rating", _("Rate from 1 to 5."), "out_of_range")
    comment = (comment or "").strip()
    if kind == Feedback.Kind.DISPUTE and len(comment) < 10:
        errors.add(
            "comment", _("Tell us what is still wrong (at least 10 characters)."), "required"
        )
    if len(comment) > TEXT_MAX:
        errors.add("comment", _("Write at most %(n)s characters.") % {"n": TEXT_MAX}, "too_long")
    errors.raise_if_any()
    if appeal.status != Status.ANSWERED:
        raise Conflict(_("There is no published answer awaiting your feedback."))
    now = clock.now()
    if appeal.feedback_due_at and now > appeal.feedback_due_at:
        raise Conflict(_("The time for feedback on this answer is over."))
    answer = (
        appeal.answers.filter(state=Answer.State.APPROVED).order_by("-published_at", "-id").first()
    )
    assert answer is not None
    escalate_to: Organization | None = None
    with counters_tracked(appeal):
        if rating is not None:
            appeal.rating = rating
        appeal.feedback_due_at = None
        if kind == Feedback.Kind.CONFIRM:
            transition(
                appeal,
                Status.CLOSED_CONFIRMED,
                actor=actor,
                reason=comment,
                data={"rating": rating},
            )
            appeal.closed_at = now
        else:
            transition(
                appeal, Status.REOPENED, actor=actor, reason=comment, data={"rating": rating}
            )
            appeal.dispute_count += 1
            appeal.due_at = _deadline(now, appeal.category)
            appeal.remind_at = _reminder(now, appeal.due_at)
            appeal.reminded_at = None
            appeal.overdue_at = None
            if appeal.dispute_count >= 2 and appeal.organization and appeal.organization.parent_id:
                escalate_to = appeal.organization.parent
                appeal.organization = escalate_to
                appeal.escalated_to = escalate_to
        appeal.save()
    feedback = Feedback.objects.create(
        appeal=appeal, answer=answer, kind=kind, rating=rating, comment=comment, created_at=now
    )
    if kind == Feedback.Kind.DISPUTE:
        if escalate_to is not None:
            audit_record(
                actor=None,
                action="appeal.escalated",
                target=appeal,
                to_state=str(escalate_to),
                reason=_("Disputed a second time"),
                data={"to": escalate_to.pk},
            )
        recipients = _staff([Role.Kind.EXECUTOR, Role.Kind.SUPERVISOR], appeal.organization)
        notify_many(
            users=recipients,
            kind="status",
            title=_("Appeal № %(number)s is disputed") % {"number": appeal.number},
            body=comment,
            url=_staff_url(appeal),
        )
    return feedback


# The sweep's steps: each handles one appeal and is safe with several workers at once.


def _due_candidate(**filters: Any) -> Appeal | None:
    return (
        Appeal.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("category", "organization")
        .filter(**filters)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def appeal_mark_overdue_step() -> bool:
    """Mark one appeal whose deadline passed as overdue, notify supervisors and escalate it."""
    now = clock.now()
    waiting = AWAITING_ANSWER - {Status.CLARIFICATION}
    appeal = _due_candidate(status__in=waiting, overdue_at__isnull=True, due_at__lt=now)
    if appeal is None:
        return False
    # Compare-and-swap: on databases without row locks a second worker finds it already done.
    if not Appeal.objects.filter(pk=appeal.pk, overdue_at__isnull=True).update(overdue_at=now):
        return True
    parent = appeal.organization.parent if appeal.organization else None
    with counters_tracked(appeal):
        appeal.overdue_at = now
        appeal.escalated_to = parent
        appeal.save(update_fields=["overdue_at", "escalated_to"])
    audit_record(
        actor=None,
        action="appeal.overdue",
        target=appeal,
        reason=_("The deadline passed without an answer"),
        data={
            "due_at": appeal.due_at.isoformat() if appeal.due_at else None,
            "escalated_to": parent.pk if parent else None,
        },
    )
    supervisors = _staff(Role.Kind.SUPERVISOR, appeal.organization)
    notify_many(
        users=supervisors,
        kind="status",
        title=_("Appeal № %(number)s is overdue") % {"number": appeal.number},
        body=_("Escalated to %(organization)s.") % {"organization": parent or appeal.organization},
        url=_staff_url(appeal),
    )
    return True


@transaction.atomic
def appeal_remind_step() -> bool:
    """Remind the executors one working day before the deadline."""
    now = clock.now()
    appeal = _due_candidate(
        status__in=AWAITING_ANSWER - {Status.CLARIFICATION},
        reminded_at__isnull=True,
        remind_at__lte=now,
    )
    if appeal is None:
        return False
    if not Appeal.objects.filter(pk=appeal.pk, reminded_at__isnull=True).update(reminded_at=now):
        return True
    due = timezone.localtime(appeal.due_at).strftime("%d.%m.%Y %H:%M") if appeal.due_at else ""
    notify_many(
        users=_staff(Role.Kind.EXECUTOR, appeal.organization),
        kind="status",
        title=_("Appeal № %(number)s is due by %(due)s") % {"number": appeal.number, "due": due},
        url=_staff_url(appeal),
    )
    return True


@transaction.atomic
def appeal_autoclose_step() -> bool:
    """Close one answered appeal whose author gave no feedback in time: → ``closed_auto``."""
    now = clock.now()
    appeal = _due_candidate(status=Status.ANSWERED, feedback_due_at__lte=now)
    if appeal is None:
        return False
    if not Appeal.objects.filter(pk=appeal.pk, status=Status.ANSWERED).update(closed_at=now):
        return True
    with counters_tracked(appeal):
        transition(
            appeal,
            Status.CLOSED_AUTO,
            actor=None,
            reason=_("No feedback from the author in %(n)s days") % {"n": FEEDBACK_DAYS},
        )
        appeal.closed_at = now
        appeal.feedback_due_at = None
        appeal.save()
    return True
