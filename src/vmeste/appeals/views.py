"""Public pages of appeals and the author's actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vmeste.core.errors import NotFound
from vmeste.core.forms import run_service
from vmeste.core.http import is_htmx, signed_in
from vmeste.core.permissions import can
from vmeste.core.search import text_search
from vmeste.organizations.models import District

from . import selectors, services
from .forms import AppealForm, FeedbackForm, PublicFilterForm, ReplyForm, ResubmitForm, institutions
from .models import Appeal, Status

PER_PAGE = 20


def filters_from(form: PublicFilterForm) -> selectors.AppealFilters:
    data = form.cleaned_data if form.is_valid() else {}

    def pk(name: str) -> int | None:
        value = data.get(name)
        return value.pk if value else None

    return selectors.AppealFilters(
        category=pk("category"),
        institution=pk("institution"),
        district=pk("district"),
        organization=pk("organization") if "organization" in data else None,
        status=data.get("status") or None,
        overdue=bool(data.get("overdue")),
        q=data.get("q") or None,
    )


def appeal_list(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET or None)
    page = Paginator(selectors.appeal_public_list(filters_from(form)), PER_PAGE).get_page(
        request.GET.get("page")
    )
    template = "appeals/_public_list.html" if is_htmx(request) else "appeals/list.html"
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


def appeal_map_points(request: HttpRequest) -> JsonResponse:
    """Published appeals with a place, as GeoJSON (the appeal's point, else its institution's)."""
    form = PublicFilterForm(request.GET or None)
    features = []
    for appeal in selectors.appeal_public_list(filters_from(form))[:2000]:
        lat, lon = appeal.latitude, appeal.longitude
        if lat is None and appeal.institution and appeal.institution.has_coordinates:
            lat, lon = appeal.institution.latitude, appeal.institution.longitude
        if lat is None or lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                "properties": {
                    "title": f"№ {appeal.number}: {appeal.category}",
                    "url": appeal.get_absolute_url(),
                    "status": appeal.get_status_display(),
                    "overdue": appeal.is_overdue,
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


def district_shapes(request: HttpRequest) -> JsonResponse:
    features = [
        {
            "type": "Feature",
            "geometry": d.boundary
            if d.boundary.get("type") in {"Polygon", "MultiPolygon"}
            else d.boundary.get("geometry"),
            "properties": {"id": d.pk, "name": d.name},
        }
        for d in District.objects.exclude(boundary__isnull=True).order_by("name")
        if d.boundary
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def appeal_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        appeal = selectors.appeal_get_for(user=request.user, number=number)
    except NotFound:
        raise Http404 from None
    is_author = request.user.is_authenticated and appeal.author_id == request.user.pk
    private = can(request.user, "appeal.view_private", appeal)
    context: dict[str, Any] = {
        "appeal": appeal,
        "is_author": is_author,
        "can_work": private,
        "text": appeal.text if (is_author or private) else (appeal.public_text or appeal.text),
        "photos": appeal.photos.filter(answer__isnull=True),
        "answers": appeal.answers.filter(state="approved")
        .select_related("organization")
        .prefetch_related("photos"),
        "history": selectors.appeal_history(appeal, private=False),
        "questions": appeal.messages.all() if is_author else [],
    }
    if is_author:
        if appeal.status == Status.ANSWERED:
            context["feedback_form"] = FeedbackForm()
        if appeal.status == Status.CLARIFICATION:
            context["reply_form"] = ReplyForm()
        if appeal.status == Status.RETURNED:
            context["resubmit_form"] = ResubmitForm(
                initial={"text": appeal.text, "address": appeal.address}
            )
    return render(request, "appeals/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest) -> HttpResponse:
    prefill = request.GET.get("institution", "")
    form = AppealForm(
        request.POST or None,
        request.FILES or None,
        initial={"institution": prefill} if prefill.isdigit() and len(prefill) < 12 else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = run_service(
            form,
            lambda: services.appeal_submit(
                author=signed_in(request),
                category=data["category"],
                text=data["text"],
                consent=data["consent"],
                institution=data["institution"],
                district=data["district"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                photos=data["photos"],
                idempotency_key=data["idempotency_key"],
            ),
        )
        if result is not None:
            appeal, created = result
            if created:
                messages.success(
                    request,
                    _(
                        "Appeal № %(number)s is accepted. A moderator will check it within one working day."
                    )
                    % {"number": appeal.number},
                )
            return redirect(appeal.get_absolute_url())
    return render(request, "appeals/new.html", {"form": form})


def institution_options(request: HttpRequest) -> HttpResponse:
    """The institution select's options, filtered as the person types (htmx)."""
    term = request.GET.get("institution_q", "")[:100]
    qs = institutions()
    if term.strip():
        qs = text_search(qs, ["name", "short_name", "address"], term)
    return render(request, "appeals/_institution_options.html", {"institutions": qs[:50]})


@login_required
def my_appeals(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.appeal_list_of_author(signed_in(request)), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "appeals/mine.html", {"page": page})


def _author_action(
    request: HttpRequest,
    number: str,
    form_class: Any,
    call: Callable[[Appeal, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    try:
        appeal = selectors.appeal_get_for(user=request.user, number=number)
    except NotFound:
        raise Http404 from None
    form = form_class(request.POST, request.FILES or None)
    if (
        form.is_valid()
        and run_service(form, lambda: call(appeal, form.cleaned_data) or True) is not None
    ):
        messages.success(request, done)
        return redirect(appeal.get_absolute_url())
    for error in form.errors.values():
        for message in error:
            messages.error(request, str(message))
    return redirect(appeal.get_absolute_url())


@login_required
@require_POST
def appeal_feedback(request: HttpRequest, number: str) -> HttpResponse:
    return _author_action(
        request,
        number,
        FeedbackForm,
        lambda appeal, data: services.appeal_feedback(
            actor=signed_in(request),
            appeal=appeal,
            kind=data["kind"],
            rating=data["rating"],
            comment=data["comment"],
        ),
        _("Thank you: your feedback is recorded."),
    )


@login_required
@require_POST
def appeal_reply(request: HttpRequest, number: str) -> HttpResponse:
    return _author_action(
        request,
        number,
        ReplyForm,
        lambda appeal, data: services.appeal_clarification_reply(
            actor=signed_in(request), appeal=appeal, text=data["text"]
        ),
        _("Your reply is sent; the deadline continues."),
    )


@login_required
@require_POST
def appeal_resubmit(request: HttpRequest, number: str) -> HttpResponse:
    return _author_action(
        request,
        number,
        ResubmitForm,
        lambda appeal, data: services.appeal_resubmit(
            actor=signed_in(request), appeal=appeal, text=data["text"], address=data["address"]
        ),
        _("The corrected appeal is sent to moderation again."),
    )


def counters_page(request: HttpRequest) -> HttpResponse:
    """The counters moved to the dashboard; old links keep working."""
    query = request.GET.urlencode()
    return redirect("/dashboard/" + (f"?{query}" if query else ""))
