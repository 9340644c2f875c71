"""Appeals API: filing, the public list, every staff action and the counters."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja import Status as Reply
from ninja.pagination import PageNumberPagination, paginate

from vmeste.core.api import API_AUTH, AUTH_ERRORS, ERRORS, ErrorOut
from vmeste.core.errors import FieldErrors, NotFound
from vmeste.core.http import signed_in
from vmeste.organizations.models import Organization

from . import selectors, services
from .masking import mask_contacts
from .models import Answer, Appeal, Category, Source, Status

router = Router()

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Number = Annotated[str, Field(pattern=r"^\d{4}-\d{6}$")]
ACTION_ERRORS = {**AUTH_ERRORS, 409: ErrorOut}


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    parent_id: int | None
    description: str
    deadline_days: int
    deadline_hours: int | None
    requires_photo: bool
    requires_place: bool
    requires_institution: bool
    is_public: bool


class PhotoOut(Schema):
    url: str
    thumbnail_url: str
    width: int
    height: int


class AnswerOut(Schema):
    id: int
    organization: str
    text: str
    planned_on: dt.date | None
    published_at: dt.datetime | None


class AppealOut(Schema):
    number: str
    status: Status
    status_label: str
    category_id: int
    category: str
    institution_id: int | None
    organization_id: int | None
    organization: str | None
    district_id: int | None
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    text: str
    created_at: dt.datetime
    registered_at: dt.datetime | None
    due_at: dt.datetime | None
    is_overdue: bool
    overdue_at: dt.datetime | None
    answered_at: dt.datetime | None
    is_answered_on_time: bool | None
    rating: int | None
    dispute_count: int


class AppealDetailOut(AppealOut):
    photos: list[PhotoOut]
    answers: list[AnswerOut]
    moderation_note: str
    redirected_to: str
    feedback_due_at: dt.datetime | None


class HistoryOut(Schema):
    at: dt.datetime
    action: str
    from_state: str
    to_state: str
    reason: str


def _photo(photo: Any) -> dict[str, Any]:
    return {
        "url": photo.image.url,
        "thumbnail_url": photo.thumbnail.url,
        "width": photo.width,
        "height": photo.height,
    }


def appeal_out(appeal: Appeal, *, private: bool = False, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": appeal.number,
        "status": appeal.status,
        "status_label": appeal.get_status_display(),
        "category_id": appeal.category_id,
        "category": str(appeal.category),
        "institution_id": appeal.institution_id,
        "organization_id": appeal.organization_id,
        "organization": str(appeal.organization) if appeal.organization else None,
        "district_id": appeal.district_id,
        "address": appeal.address,
        "latitude": appeal.latitude,
        "longitude": appeal.longitude,
        "text": appeal.text if private else (appeal.public_text or mask_contacts(appeal.text)),
        "created_at": appeal.created_at,
        "registered_at": appeal.registered_at,
        "due_at": appeal.due_at,
        "is_overdue": appeal.is_overdue,
        "overdue_at": appeal.overdue_at,
        "answered_at": appeal.answered_at,
        "is_answered_on_time": appeal.is_answered_on_time,
        "rating": appeal.rating,
        "dispute_count": appeal.dispute_count,
    }
    if detail:
        answers = (
            appeal.answers.all() if private else appeal.answers.filter(state=Answer.State.APPROVED)
        )
        data.update(
            photos=[_photo(p) for p in appeal.photos.filter(answer__isnull=True)],
            answers=[
                {
                    "id": a.pk,
                    "organization": str(a.organization),
                    "text": a.text,
                    "planned_on": a.planned_on,
                    "published_at": a.published_at,
                }
                for a in answers.select_related("organization")
            ],
            moderation_note=appeal.moderation_note,
            redirected_to=appeal.redirected_to,
            feedback_due_at=appeal.feedback_due_at,
        )
    return data


class AppealFilterIn(Schema):
    category: Id | None = None
    institution: Id | None = None
    organization: Id | None = None
    district: Id | None = None
    status: Status | None = None
    overdue: bool = False
    q: Annotated[str, Field(max_length=200)] | None = None

    def selectors(self) -> selectors.AppealFilters:
        return selectors.AppealFilters(**self.dict())


class AppealIn(Schema):
    category_id: Id
    text: Annotated[str, Field(max_length=10000)]
    consent: bool
    institution_id: Id | None = None
    district_id: Id | None = None
    address: Annotated[str, Field(max_length=300)] = ""
    latitude: Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)] | None = None
    longitude: Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)] | None = (
        None
    )
    idempotency_key: Annotated[str, Field(max_length=64)] = ""


@router.get("/appeal-categories", response=list[CategoryOut], summary="Appeal categories")
def categories(request: HttpRequest) -> Any:
    return Category.objects.filter(is_active=True).select_related("parent")


@router.get("/appeals", response=list[AppealOut], summary="Published appeals")
@paginate(PageNumberPagination)
def appeals(request: HttpRequest, filters: Query[AppealFilterIn]) -> Any:
    """Published appeals of public categories, newest first; texts with personal data masked."""
    return [appeal_out(a) for a in selectors.appeal_public_list(filters.selectors())]


@router.get(
    "/appeals/mine",
    response={200: list[AppealOut], **AUTH_ERRORS},
    auth=API_AUTH,
    summary="My appeals",
)
@paginate(PageNumberPagination)
def my_appeals(request: HttpRequest) -> Any:
    return [
        appeal_out(a, private=True) for a in selectors.appeal_list_of_author(signed_in(request))
    ]


def _get(request: HttpRequest, number: str) -> Appeal:
    return selectors.appeal_get_for(user=request.user, number=number)


def _private(request: HttpRequest, appeal: Appeal) -> bool:
    from vmeste.core.permissions import can

    return appeal.author_id == request.user.pk or can(request.user, "appeal.view_private", appeal)


@router.post(
    "/appeals",
    response={201: AppealDetailOut, 200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="File an appeal",
)
def appeal_create(request: HttpRequest, payload: AppealIn) -> Any:
    """Files an appeal (201). With an `idempotency_key` already used by the caller, answers 200 with
    the appeal created the first time, and creates nothing."""
    from vmeste.organizations.models import District

    category = Category.objects.filter(pk=payload.category_id).first()
    institution = (
        Organization.objects.filter(pk=payload.institution_id).first()
        if payload.institution_id
        else None
    )
    district = (
        District.objects.filter(pk=payload.district_id).first() if payload.district_id else None
    )
    errors = FieldErrors()
    if payload.institution_id and institution is None:
        errors.add(
            "institution_id", _("Choose an institution from the directory."), "unknown_institution"
        )
    if payload.district_id and district is None:
        errors.add("district_id", _("Choose a district from the list."), "unknown_district")
    errors.raise_if_any()
    appeal, created = services.appeal_submit(
        author=signed_in(request),
        category=category,
        text=payload.text,
        consent=payload.consent,
        institution=institution,
        district=district,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        idempotency_key=payload.idempotency_key,
        source=Source.API,
    )
    return Reply(201 if created else 200, appeal_out(appeal, private=True, detail=True))


@router.get("/appeals/{number}", response={200: AppealDetailOut, **ERRORS}, summary="One appeal")
def appeal_detail(request: HttpRequest, number: Number) -> Any:
    appeal = _get(request, number)
    return appeal_out(appeal, private=_private(request, appeal), detail=True)


@router.get(
    "/appeals/{number}/history",
    response={200: list[HistoryOut], **ERRORS},
    summary="History of an appeal",
)
def appeal_history(request: HttpRequest, number: Number) -> Any:
    appeal = _get(request, number)
    from vmeste.core.permissions import can

    return selectors.appeal_history(
        appeal, private=can(request.user, "appeal.view_private", appeal)
    )


@router.post(
    "/appeals/{number}/photos",
    response={201: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Attach photos to my appeal before moderation",
)
def appeal_photos(request: HttpRequest, number: Number, files: File[list[UploadedFile]]) -> Any:
    appeal = _get(request, number)
    services.appeal_photos_add(actor=signed_in(request), appeal=appeal, photos=files)
    return Reply(201, appeal_out(appeal, private=True, detail=True))


class ModerateIn(Schema):
    decision: Literal["register", "return", "reject", "redirect"]
    reason: Annotated[str, Field(max_length=4000)] = ""
    redirected_to: Annotated[str, Field(max_length=300)] = ""


@router.post(
    "/appeals/{number}/moderation",
    response={200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Moderate a submitted appeal",
)
def appeal_moderate(request: HttpRequest, number: Number, payload: ModerateIn) -> Any:
    appeal = services.appeal_moderate(
        actor=signed_in(request), appeal=_get(request, number), **payload.dict()
    )
    return appeal_out(appeal, private=True, detail=True)


class TextIn(Schema):
    text: Annotated[str, Field(max_length=10000)]


@router.post(
    "/appeals/{number}/resubmission",
    response={200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Correct a returned appeal and send it again",
)
def appeal_resubmit(request: HttpRequest, number: Number, payload: TextIn) -> Any:
    appeal = services.appeal_resubmit(
        actor=signed_in(request), appeal=_get(request, number), text=payload.text
    )
    return appeal_out(appeal, private=True, detail=True)


@router.post(
    "/appeals/{number}/take",
    response={200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Take the appeal into work",
)
def appeal_take(request: HttpRequest, number: Number) -> Any:
    appeal = services.appeal_take(actor=signed_in(request), appeal=_get(request, number))
    return appeal_out(appeal, private=True, detail=True)


class QuestionIn(Schema):
    question: Annotated[str, Field(max_length=10000)]


@router.post(
    "/appeals/{number}/clarification",
    response={200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Ask the author for clarification (pauses the deadline)",
)
def appeal_clarify(request: HttpRequest, number: Number, payload: QuestionIn) -> Any:
    appeal = services.appeal_clarification_ask(
        actor=signed_in(request), appeal=_get(request, number), question=payload.question
    )
    return appeal_out(appeal, private=True, detail=True)


@router.post(
    "/appeals/{number}/clarification/reply",
    response={200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="The author's reply to a clarification question",
)
def appeal_clarify_reply(request: HttpRequest, number: Number, payload: TextIn) -> Any:
    appeal = services.appeal_clarification_reply(
        actor=signed_in(request), appeal=_get(request, number), text=payload.text
    )
    return appeal_out(appeal, private=True, detail=True)


class AnswerIn(Schema):
    text: Annotated[str, Field(max_length=10000)]
    planned_on: dt.date | None = None


class AnswerCreatedOut(Schema):
    id: int
    state: str
    brushoff_score: float
    brushoff_reasons: list[str]


@router.post(
    "/appeals/{number}/answers",
    response={201: AnswerCreatedOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Write the answer (goes to the supervisor)",
)
def answer_create(request: HttpRequest, number: Number, payload: AnswerIn) -> Any:
    answer = services.answer_submit(
        actor=signed_in(request),
        appeal=_get(request, number),
        text=payload.text,
        planned_on=payload.planned_on,
    )
    return Reply(201, answer)


def _answer(request: HttpRequest, number: str, answer_id: int) -> Answer:
    appeal = _get(request, number)
    answer = appeal.answers.filter(pk=answer_id).first()
    if answer is None:
        raise NotFound()
    return answer


class ReviewIn(Schema):
    comment: Annotated[str, Field(max_length=4000)] = ""


@router.post(
    "/appeals/{number}/answers/{answer_id}/approval",
    response={200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Approve and publish the answer",
)
def answer_approve(request: HttpRequest, number: Number, answer_id: Id, payload: ReviewIn) -> Any:
    answer = services.answer_approve(
        actor=signed_in(request),
        answer=_answer(request, number, answer_id),
        comment=payload.comment,
    )
    return appeal_out(answer.appeal, private=True, detail=True)


@router.post(
    "/appeals/{number}/answers/{answer_id}/return",
    response={200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Return the answer for rework",
)
def answer_return(request: HttpRequest, number: Number, answer_id: Id, payload: ReviewIn) -> Any:
    answer = services.answer_return(
        actor=signed_in(request),
        answer=_answer(request, number, answer_id),
        comment=payload.comment,
    )
    return appeal_out(answer.appeal, private=True, detail=True)


class ReassignIn(Schema):
    organization_id: Id
    reason: Annotated[str, Field(max_length=1000)]


@router.post(
    "/appeals/{number}/reassignment",
    response={200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Hand the appeal to another organization",
)
def appeal_reassign(request: HttpRequest, number: Number, payload: ReassignIn) -> Any:
    organization = Organization.objects.filter(pk=payload.organization_id).first()
    if organization is None:
        raise NotFound(details={"field": "organization_id"})
    appeal = services.appeal_reassign(
        actor=signed_in(request),
        appeal=_get(request, number),
        organization=organization,
        reason=payload.reason,
    )
    return appeal_out(appeal, private=True, detail=True)


class ExtendIn(Schema):
    days: Annotated[int, Field(ge=1, le=15)]
    reason: Annotated[str, Field(max_length=1000)]


@router.post(
    "/appeals/{number}/extension",
    response={200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Extend the deadline once",
)
def appeal_extend(request: HttpRequest, number: Number, payload: ExtendIn) -> Any:
    appeal = services.appeal_extend(
        actor=signed_in(request),
        appeal=_get(request, number),
        days=payload.days,
        reason=payload.reason,
    )
    return appeal_out(appeal, private=True, detail=True)


class FeedbackIn(Schema):
    kind: Literal["confirm", "dispute"]
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    comment: Annotated[str, Field(max_length=4000)] = ""


@router.post(
    "/appeals/{number}/feedback",
    response={200: AppealDetailOut, **ACTION_ERRORS},
    auth=API_AUTH,
    summary="Confirm or dispute the answer",
)
def appeal_feedback(request: HttpRequest, number: Number, payload: FeedbackIn) -> Any:
    appeal = _get(request, number)
    services.appeal_feedback(actor=signed_in(request), appeal=appeal, **payload.dict())
    appeal.refresh_from_db()
    return appeal_out(appeal, private=True, detail=True)


class CounterOut(Schema):
    key: int
    name: str
    received: int
    in_work: int
    answered_on_time: int
    answered_late: int
    overdue_now: int
    median_answer_hours: float | None
    dispute_rate: float | None
    mean_rating: float | None
    on_time_share: float | None


class CountersOut(Schema):
    group: str
    date_from: dt.date
    date_to: dt.date
    total: CounterOut
    rows: list[CounterOut]


class CountersIn(Schema):
    group: Literal["organization", "district", "category"] = "organization"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    organization: Id | None = None
    district: Id | None = None
    category: Id | None = None


def counter_out(row: selectors.CounterRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "name": row.name,
        "received": row.received,
        "in_work": row.in_work,
        "answered_on_time": row.answered_on_time,
        "answered_late": row.answered_late,
        "overdue_now": row.overdue_now,
        "median_answer_hours": row.median_hours,
        "dispute_rate": row.dispute_rate,
        "mean_rating": row.mean_rating,
        "on_time_share": row.on_time_share,
    }


@router.get(
    "/counters/appeals", response={200: CountersOut, **ERRORS}, summary="Live counters of appeals"
)
def counters(request: HttpRequest, filters: Query[CountersIn]) -> Any:
    date_from, date_to = selectors.counters_period(filters.date_from, filters.date_to)
    rows, total = selectors.counters_table(
        group=filters.group,
        date_from=date_from,
        date_to=date_to,
        organization=filters.organization,
        district=filters.district,
        category=filters.category,
    )
    return {
        "group": filters.group,
        "date_from": date_from,
        "date_to": date_to,
        "total": counter_out(total),
        "rows": [counter_out(r) for r in rows],
    }
