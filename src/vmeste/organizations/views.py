from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from vmeste.core.errors import NotFound
from vmeste.core.http import is_htmx

from . import selectors
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
    try:
        organization = selectors.organization_get(slug=slug)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "children": selectors.organization_children(organization),
            "social_pages": organization.social_pages.all(),
        },
    )
