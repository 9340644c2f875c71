from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vmeste.organizations.models import Organization


def home(request: HttpRequest) -> HttpResponse:
    from django.db.models import Sum

    from vmeste.appeals.models import Answer, DailyCounter, GaugeCounter
    from vmeste.ideas.selectors import platform_totals, project_list

    appeals = DailyCounter.objects.aggregate(
        received=Sum("received"), on_time=Sum("answered_on_time")
    )
    overdue = GaugeCounter.objects.aggregate(n=Sum("overdue_now"))["n"] or 0
    answers = (
        Answer.objects.filter(state=Answer.State.APPROVED, appeal__category__is_public=True)
        .select_related("appeal__category", "organization")
        .order_by("-published_at")[:6]
    )
    institutions = (
        Organization.objects.filter(is_active=True, kind=Organization.Kind.INSTITUTION)
        .select_related("district")
        .order_by("institution_type", "name")
    )
    return render(
        request,
        "core/home.html",
        {
            "ideas": platform_totals(),
            "appeals": {
                "received": appeals["received"] or 0,
                "on_time": appeals["on_time"] or 0,
                "overdue": overdue,
            },
            "projects": project_list(phase="active")[:3],
            "answers": answers,
            "institutions": institutions,
            "districts": institutions.exclude(district__isnull=True)
            .values("district")
            .distinct()
            .count(),
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    import sys

    from .outage import is_outage, outage_response

    # An outage raised outside a view (in a middleware, say) still answers 503, not 500.
    exc = sys.exc_info()[1]
    if is_outage(exc):
        return outage_response(request, exc)
    return render(request, "500.html", status=500)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)
