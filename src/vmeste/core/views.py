from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vmeste.organizations.models import Organization


def home(request: HttpRequest) -> HttpResponse:
    institutions = (
        Organization.objects.filter(is_active=True, kind=Organization.Kind.INSTITUTION)
        .select_related("district")
        .order_by("institution_type", "name")
    )
    governing = (
        Organization.objects.filter(is_active=True)
        .exclude(kind=Organization.Kind.INSTITUTION)
        .order_by("path")
    )
    by_type = Organization.objects.filter(
        is_active=True, kind=Organization.Kind.INSTITUTION
    ).aggregate(
        total=Count("id"),
        districts=Count("district", distinct=True, filter=Q(district__isnull=False)),
    )
    return render(
        request,
        "core/home.html",
        {"institutions": institutions, "governing": governing, "totals": by_type},
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)
