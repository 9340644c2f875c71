"""The public dashboard («как работают организации») and the resident's cabinet."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from vmeste.appeals import selectors as appeal_selectors
from vmeste.appeals.counters import counters_version
from vmeste.appeals.counters_views import CountersForm
from vmeste.appeals.models import DailyCounter

from . import clock
from .errors import ValidationFailed
from .http import signed_in
from .pagecache import visitor_page

CACHE_SECONDS = 600


def _period(request: HttpRequest) -> tuple[CountersForm, str, dt.date, dt.date]:
    form = CountersForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    group = data.get("group") or "organization"
    try:
        date_from, date_to = appeal_selectors.counters_period(
            data.get("date_from"), data.get("date_to")
        )
    except ValidationFailed as error:  # a bad period is shown on the form, and the default one used
        form.add_error("date_from", str(error.message))
        date_from, date_to = appeal_selectors.counters_period(None, None)
    return form, group, date_from, date_to


def dashboard_data(group: str, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Counters, ranking and the daily series, from the counter tables, cached until they change."""
    key = f"vmeste-dashboard:{counters_version()}:{group}:{date_from}:{date_to}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows, total = appeal_selectors.counters_table(group=group, date_from=date_from, date_to=date_to)
    ranking = sorted(
        (r for r in rows if r.answered),
        key=lambda r: (-(r.on_time_share or 0), -r.answered, r.name),
    )
    series = list(
        DailyCounter.objects.filter(day__gte=date_from, day__lte=date_to)
        .values("day")
        .annotate(
            received=Sum("received"), on_time=Sum("answered_on_time"), late=Sum("answered_late")
        )
        .order_by("day")
    )
    data = {
        "rows": rows,
        "total": total,
        "ranking": ranking[:15],
        "series": series,
        "chart": svg_chart(series),
    }
    cache.set(key, data, CACHE_SECONDS)
    return data


def svg_chart(series: list[dict[str, Any]], width: int = 720, height: int = 220) -> dict[str, Any]:
    """Points of two lines (received, answered) and the axis labels, for a server-side SVG."""
    if not series:
        return {"empty": True}
    top = max(max(s["received"], s["on_time"] + s["late"]) for s in series) or 1
    pad, n = 32, len(series)

    def x(i: int) -> float:
        return pad + (width - 2 * pad) * (i / max(n - 1, 1))

    def y(v: int) -> float:
        return height - pad - (height - 2 * pad) * (v / top)

    received = " ".join(f"{x(i):.1f},{y(s['received']):.1f}" for i, s in enumerate(series))
    answered = " ".join(
        f"{x(i):.1f},{y(s['on_time'] + s['late']):.1f}" for i, s in enumerate(series)
    )
    # Coordinates go out as text already: the template would localize floats («32,0» in Russian).
    ticks = [
        {"x": f"{x(i):.1f}", "label": s["day"].strftime("%d.%m")}
        for i, s in enumerate(series)
        if i % max(n // 6, 1) == 0
    ]
    return {
        "empty": False,
        "width": width,
        "height": height,
        "received": received,
        "answered": answered,
        "top": top,
        "top_y": f"{y(top) + 4:.1f}",
        "base_y": str(height - pad),
        "ticks": ticks,
        "pad": str(pad),
    }


def dashboard_html(group: str, date_from: dt.date, date_to: dt.date) -> dict[str, str]:
    """The totals and everything below the signals (chart, daily numbers, ranking, table), rendered
    once per counters version: rendering ~300 rows and a year of days took ~200 ms a request."""
    language = translation.get_language()
    key = f"vmeste-dashboard-html:{counters_version()}:{group}:{date_from}:{date_to}:{language}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    context = {"group": group, **dashboard_data(group, date_from, date_to)}
    html: dict[str, str] = {
        "totals_html": render_to_string("core/_dashboard_totals.html", context),
        "body_html": render_to_string("core/_dashboard_body.html", context),
    }
    cache.set(key, html, CACHE_SECONDS)
    return html


PAGE_SETTLE_SECONDS = 10


def _dashboard_page(request: HttpRequest) -> tuple[Any, ...]:
    # The counters' version, the day (the default period ends today) and at most a minute
    # (the signals' counts and «overdue now» move with the clock). The counters change with every
    # appeal and every sweep, and a year of them takes ~1.4 s to sum at «Наш город» scale: a
    # visitor's page is rendered again at most every PAGE_SETTLE_SECONDS (the latest page meanwhile).
    return ("dashboard", counters_version(), clock.today()), 60, PAGE_SETTLE_SECONDS


@visitor_page(_dashboard_page)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, group, date_from, date_to = _period(request)
    html = dashboard_html(group, date_from, date_to)
    context = {
        "form": form,
        "group": group,
        "date_from": date_from,
        "date_to": date_to,
        "query": request.GET.urlencode(),
        # Rendered by our templates from the counters (escaped there).
        **{name: mark_safe(part) for name, part in html.items()},
        "signals": _signal_counts(date_from, date_to),
    }
    return render(request, "core/dashboard.html", context)


def _signal_counts(date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """Signals from social networks in the period: first reactions within one working day."""
    from vmeste.signals.services import signal_counts

    key = f"vmeste-dashboard-signals:{date_from}:{date_to}"
    counts = cache.get(key)
    if counts is None:
        start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
        counts = signal_counts(start, end)
        # A minute old at most: «overdue now» moves with the clock, not with a version.
        cache.set(key, counts, 60)
    return counts


def dashboard_csv(request: HttpRequest) -> HttpResponse:
    _form, group, date_from, date_to = _period(request)
    data = dashboard_data(group, date_from, date_to)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Name"),
            _("Received"),
            _("In work"),
            _("On time"),
            _("Late"),
            _("Overdue now"),
            _("Median, h"),
            _("Dispute rate"),
            _("Mean rating"),
        ]
    )
    for r in [*data["rows"], data["total"]]:
        writer.writerow(
            [
                r.name or _("Total"),
                r.received,
                r.in_work,
                r.answered_on_time,
                r.answered_late,
                r.overdue_now,
                r.median_hours if r.median_hours is not None else "",
                f"{r.dispute_rate:.3f}" if r.dispute_rate is not None else "",
                f"{r.mean_rating:.2f}" if r.mean_rating is not None else "",
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="vmeste-{group}-{date_from}-{date_to}.csv"'
    )
    return response


@login_required
def cabinet(request: HttpRequest) -> HttpResponse:
    from vmeste.appeals.models import Appeal
    from vmeste.ideas.models import Idea, PointsEntry, Reward, Suggestion, Vote

    user = signed_in(request)
    return render(
        request,
        "core/cabinet.html",
        {
            "appeals": Appeal.objects.filter(author=user)
            .select_related("category", "organization")
            .order_by("-created_at")[:20],
            "ideas": Idea.objects.filter(author=user)
            .select_related("project")
            .order_by("-created_at")[:20],
            "votes": Vote.objects.filter(user=user, withdrawn_at__isnull=True)
            .select_related("idea__project")
            .order_by("-cast_at")[:20],
            "suggestions": Suggestion.objects.filter(author=user)
            .select_related("idea__project")
            .order_by("-created_at")[:20],
            "notifications": user.notifications.all()[:10],
            "points": PointsEntry.objects.filter(user=user).aggregate(total=Sum("points"))["total"]
            or 0,
            "rewards": Reward.objects.filter(user=user).select_related("idea"),
        },
    )
