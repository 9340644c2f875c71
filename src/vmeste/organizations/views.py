from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from vmeste.core.errors import NotFound
from vmeste.core.http import is_htmx

from . import selectors
from .events import AGE_ORDER, EventFilters, event_list, ical, organization_events
from .models import District, Organization


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("All types")), *Organization.InstitutionType.choices],
        required=False,
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("All districts"),
    )


def organization_list(request: HttpRequest) -> HttpResponse:
    form = OrganizationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.organization_list(
        kind=Organization.Kind.INSTITUTION,
        institution_type=filters.get("type") or None,
        district_id=filters["district"].pk if filters.get("district") else None,
        search=filters.get("q") or None,
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    template = "organizations/_list.html" if is_htmx(request) else "organizations/list.html"
    return render(request, template, {"form": form, "page": page})


def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    from vmeste.appeals.selectors import AppealFilters, appeal_public_list, counters_table
    from vmeste.ideas.models import PUBLIC_IDEA_STATUSES, Idea

    try:
        organization = selectors.organization_get(slug=slug)
    except NotFound:
        raise Http404 from None
    _rows, total = counters_table(group="organization", organization=organization.pk)
    appeals = appeal_public_list(AppealFilters(organization=organization.pk))[:10]
    ideas = (
        Idea.objects.filter(
            institution=organization, status__in=PUBLIC_IDEA_STATUSES, project__is_published=True
        )
        .select_related("project")
        .order_by("-vote_count", "-id")[:10]
    )
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "children": selectors.organization_children(organization),
            "social_pages": organization.social_pages.all(),
            "counters": total,
            "appeals": appeals,
            "ideas": ideas,
            "events": organization_events(organization)[:20],
        },
    )


class EventFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("All types")), *Organization.InstitutionType.choices],
        required=False,
    )
    age = forms.ChoiceField(
        label=_("Age"),
        choices=[("", _("Any age")), *[(a, _("up to %(age)s") % {"age": a}) for a in AGE_ORDER]],
        required=False,
    )
    free = forms.BooleanField(label=_("Only free"), required=False)

    def filters(self) -> EventFilters:
        d = self.cleaned_data if self.is_valid() else {}
        return EventFilters(
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            institution_type=d.get("type") or None,
            age=d.get("age") or None,
            free=bool(d.get("free")),
        )


def event_calendar(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    page = Paginator(event_list(form.filters()), 40).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizations/events.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def events_ical(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    if slug is not None:
        try:
            organization = selectors.organization_get(slug=slug)
        except NotFound:
            raise Http404 from None
        events, name = organization_events(organization)[:500], organization.name
    else:
        form = EventFilterForm(request.GET or None)
        events, name = event_list(form.filters())[:2000], str(_("Events of the institutions"))
    response = HttpResponse(ical(events, name=name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{slug or "events"}.ics"'
    return response


def institutions_geojson(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse

    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [float(o.longitude or 0), float(o.latitude or 0)],
            },
            "properties": {
                "title": o.name,
                "url": o.get_absolute_url(),
                "type": o.institution_type,
            },
        }
        for o in selectors.organization_list(kind=Organization.Kind.INSTITUTION)
        if o.has_coordinates
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
