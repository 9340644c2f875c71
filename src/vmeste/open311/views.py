"""Open311 GeoReport v2 at /open311/v2/: appeal categories as services, public appeals as requests.

Every id and code is a string; statuses map to ``open`` / ``closed``; errors come in the spec's format
(``[{"code": 404, "description": "…"}]`` or ``<errors><error>…``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from vmeste.accounts.tokens import token_user
from vmeste.appeals import services as appeal_services
from vmeste.appeals.models import PUBLISHED, Answer, Appeal, Category, Photo, Source, Status
from vmeste.core import clock
from vmeste.core.errors import DomainError, ValidationFailed
from vmeste.organizations.models import District, Organization

from .render import errors, respond

CLOSED_STATUSES = {Status.ANSWERED, Status.CLOSED_CONFIRMED, Status.CLOSED_AUTO}
MAX_DAYS = 90
MAX_REQUESTS = 1000


def _jurisdiction_error(request: HttpRequest, fmt: str) -> HttpResponse | None:
    given = (
        request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or ""
    ).strip()
    if given and given != settings.OPEN311_JURISDICTION:
        return errors(
            fmt,
            404,
            f"jurisdiction_id {given!r} not found; this endpoint serves {settings.OPEN311_JURISDICTION!r}",
        )
    return None


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    return respond(
        {
            "changeset": "2026-12-01T00:00:00+03:00",
            "contact": settings.OPEN311_CONTACT,
            "key_service": request.build_absolute_uri("/accounts/profile/tokens/"),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-12-01T00:00:00+03:00",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        fmt,
        root="discovery",
    )


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": category.parent.name if category.parent_id and category.parent else "",
    }


def services(request: HttpRequest, fmt: str) -> HttpResponse:
    if (error := _jurisdiction_error(request, fmt)) is not None:
        return error
    categories = (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("position", "name")
    )
    return respond([_service(c) for c in categories], fmt, root="services")


def _definition(category: Category) -> dict[str, Any]:
    institutions = Organization.objects.filter(
        kind=Organization.Kind.INSTITUTION, is_active=True
    ).order_by("name")
    return {
        "service_code": category.slug,
        "attributes": [
            {
                "variable": True,
                "code": "institution",
                "datatype": "singlevaluelist",
                "required": category.requires_institution,
                "datatype_description": "",
                "order": 1,
                "description": _("The institution the problem is about"),
                "values": [{"key": str(o.pk), "name": o.name} for o in institutions],
            },
            {
                "variable": True,
                "code": "district",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "",
                "order": 2,
                "description": _("District"),
                "values": [
                    {"key": str(d.pk), "name": d.name} for d in District.objects.order_by("name")
                ],
            },
        ],
    }


def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if (error := _jurisdiction_error(request, fmt)) is not None:
        return error
    category = Category.objects.filter(slug=code, is_active=True).first()
    if category is None:
        return errors(fmt, 404, f"service_code {code!r} not found")
    return respond(_definition(category), fmt, root="service_definition")


def _request(appeal: Appeal, request: HttpRequest) -> dict[str, Any]:
    # Both lists come from the Prefetch objects of requests_view (no query per appeal).
    photos = getattr(appeal, "author_photos", None)
    if photos is None:
        photos = list(appeal.photos.filter(answer__isnull=True).order_by("id")[:1])
    answers = getattr(appeal, "approved_answers", None)
    if answers is None:
        answers = list(_approved_answers().filter(appeal=appeal)[:1])
    photo = photos[0] if photos else None
    answer = answers[0] if answers else None
    notes = appeal.get_status_display()
    if answer is not None:
        notes = f"{notes}. {answer.text[:500]}"
    updated = appeal.closed_at or appeal.answered_at or appeal.registered_at or appeal.created_at
    return {
        "service_request_id": appeal.number,
        "status": "closed" if appeal.status in CLOSED_STATUSES else "open",
        "status_notes": notes,
        "service_name": appeal.category.name,
        "service_code": appeal.category.slug,
        "description": appeal.public_text or "",
        "agency_responsible": str(appeal.organization) if appeal.organization else "",
        "service_notice": "",
        "requested_datetime": _iso(appeal.created_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": _iso(appeal.due_at),
        "address": appeal.address or (appeal.institution.address if appeal.institution else ""),
        "address_id": "",
        "zipcode": "",
        "lat": float(appeal.latitude) if appeal.latitude is not None else None,
        "long": float(appeal.longitude) if appeal.longitude is not None else None,
        "media_url": request.build_absolute_uri(photo.image.url) if photo else "",
    }


def _approved_answers() -> Any:
    return (
        Answer.objects.filter(state=Answer.State.APPROVED)
        .order_by("-published_at", "-id")
        .only("id", "appeal_id", "text", "published_at")
    )


# The fields _request() reads: the private text, the contacts and the workflow fields stay unread.
REQUEST_FIELDS = (
    "id",
    "number",
    "status",
    "public_text",
    "address",
    "latitude",
    "longitude",
    "created_at",
    "registered_at",
    "answered_at",
    "closed_at",
    "due_at",
    "category__id",
    "category__name",
    "category__slug",
    "organization__id",
    "organization__name",
    "organization__short_name",
    "institution__id",
    "institution__address",
)


def _public() -> Any:
    return Appeal.objects.filter(status__in=PUBLISHED, category__is_public=True).select_related(
        "category", "organization", "institution"
    )


def _date(value: str) -> dt.datetime | str | None:
    if not value:
        return None
    try:
        # A well-formed but impossible moment (30 February, 25:61, an offset of 99 hours) raises.
        parsed = parse_datetime(value.replace(" ", "+"))
        if parsed is None:
            return "invalid"
        parsed = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        # Year 9999 at UTC−14 is past the last representable day, and the default range
        # reaches 90 days before the end: keep clear of both edges of the calendar.
        if not 2 <= parsed.astimezone(dt.UTC).year <= 9998:
            return "invalid"
    except (ValueError, OverflowError):
        return "invalid"
    return parsed


@csrf_exempt
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if (error := _jurisdiction_error(request, fmt)) is not None:
        return error
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        return errors(fmt, 400, "only GET and POST are supported")
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()][
        :MAX_REQUESTS
    ]
    qs = _public()
    if ids:
        qs = qs.filter(number__in=ids)
    else:
        start_raw = _date(request.GET.get("start_date", ""))
        end_raw = _date(request.GET.get("end_date", ""))
        if isinstance(start_raw, str) or isinstance(end_raw, str):
            return errors(
                fmt,
                400,
                "start_date and end_date must be W3C datetimes, e.g. 2026-11-01T00:00:00+03:00",
            )
        end = end_raw or clock.now()
        start = start_raw or end - dt.timedelta(days=MAX_DAYS)
        if start > end:
            return errors(fmt, 400, "start_date must be before end_date")
        if end - start > dt.timedelta(days=MAX_DAYS):
            return errors(fmt, 400, f"the date range may not exceed {MAX_DAYS} days")
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(category__slug__in=codes)
        statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            return errors(fmt, 400, "status must be open, closed or both")
        if statuses == {"open"}:
            qs = qs.exclude(status__in=CLOSED_STATUSES)
        elif statuses == {"closed"}:
            qs = qs.filter(status__in=CLOSED_STATUSES)
    appeals = list(
        qs.only(*REQUEST_FIELDS)
        .order_by("-created_at", "-id")[:MAX_REQUESTS]
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=Photo.objects.filter(answer__isnull=True)
                .order_by("id")
                .only("id", "appeal_id", "image", "width", "height"),
                to_attr="author_photos",
            ),
            Prefetch("answers", queryset=_approved_answers(), to_attr="approved_answers"),
        )
    )
    return respond([_request(a, request) for a in appeals], fmt, root="service_requests")


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    found = token_user(data.get("api_key", "").strip())
    if found is None:
        return errors(fmt, 403, "Invalid api_key received -- can't proceed with create_request.")
    user, _token = found
    code = data.get("service_code", "").strip()
    if not code:
        return errors(fmt, 400, "service_code was not provided")
    category = Category.objects.filter(slug=code, is_active=True).first()
    if category is None:
        return errors(fmt, 404, f"service_code {code!r} not found")
    lat_raw, long_raw = data.get("lat", "").strip(), data.get("long", "").strip()
    address = (
        data.get("address_string", "").strip()[:300] or data.get("address_id", "").strip()[:300]
    )
    if not (lat_raw and long_raw) and not address:
        return errors(
            fmt, 400, "a location is required: lat and long, address_string or address_id"
        )
    try:
        latitude = Decimal(lat_raw).quantize(Decimal("0.000001")) if lat_raw else None
        longitude = Decimal(long_raw).quantize(Decimal("0.000001")) if long_raw else None
    except (InvalidOperation, ValueError):
        return errors(fmt, 400, "lat and long must be numbers (WGS84)")
    institution_key = data.get("attribute[institution]", "").strip()
    institution = None
    if institution_key:
        institution = (
            Organization.objects.filter(pk=int(institution_key), kind="institution").first()
            if institution_key.isdigit() and len(institution_key) < 12
            else None
        )
        if institution is None:
            return errors(fmt, 400, "attribute[institution]: unknown value")
    district_key = data.get("attribute[district]", "").strip()
    district = (
        District.objects.filter(pk=int(district_key)).first()
        if district_key.isdigit() and len(district_key) < 12
        else None
    )
    if district_key and district is None:
        return errors(fmt, 400, "attribute[district]: unknown value")
    description = data.get("description", "").strip()
    try:
        appeal, _created = appeal_services.appeal_submit(
            author=user,
            category=category,
            text=description,
            consent=True,
            institution=institution,
            district=district,
            address=address,
            latitude=latitude,
            longitude=longitude,
            source=Source.API,
            contact_phone=(data.get("phone", "") or "")[:32],
        )
    except ValidationFailed as error:
        details = error.details.get("errors") or [{"field": "", "message": str(error.message)}]
        return errors(fmt, 400, *[f"{d['field']}: {d['message']}".strip(": ") for d in details])
    except DomainError as error:
        return errors(fmt, error.status if error.status in (403, 404) else 400, str(error.message))
    return respond(
        [
            {
                "service_request_id": appeal.number,
                "service_notice": _("A moderator will check it within one working day."),
                "account_id": "",
            }
        ],
        fmt,
        root="service_requests",
        status=201,
    )


def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    if (error := _jurisdiction_error(request, fmt)) is not None:
        return error
    appeal = _public().filter(number=number).first()
    if appeal is None:
        return errors(fmt, 404, f"service_request_id {number!r} not found")
    return respond([_request(appeal, request)], fmt, root="service_requests")


def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """We create requests at once and answer with their id; a token names a request by its
    idempotency key (``open311:…``), for clients that keep one."""
    if (error := _jurisdiction_error(request, fmt)) is not None:
        return error
    appeal = (
        Appeal.objects.filter(
            Q(idempotency_key=token) | Q(idempotency_key=f"open311:{token}")
        ).first()
        if len(token) <= 64
        else None
    )
    if appeal is None:
        return errors(fmt, 404, f"token {token!r} not found")
    return respond(
        [{"service_request_id": appeal.number, "token": token}], fmt, root="service_requests"
    )
