"""Reads of appeals for the public, the authors and the staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from vmeste.accounts.models import Role
from vmeste.accounts.roles import organizations_where
from vmeste.core import clock
from vmeste.core.audit import audit_history
from vmeste.core.errors import NotFound, ValidationFailed
from vmeste.core.models import AuditEntry
from vmeste.core.permissions import can, is_platform_admin
from vmeste.core.search import text_search
from vmeste.organizations.models import District, Organization

from .counters import BUCKET_BOUNDS, bucket_upper_hours
from .models import (
    AWAITING_ANSWER,
    PUBLISHED,
    AnswerTimeCounter,
    Appeal,
    Category,
    DailyCounter,
    GaugeCounter,
    Status,
)

LIST_RELATED = ("category", "organization", "district", "institution")


@dataclass
class AppealFilters:
    category: int | None = None
    institution: int | None = None
    organization: int | None = None
    district: int | None = None
    status: str | None = None
    overdue: bool = False
    q: str | None = None


def _filter(qs: QuerySet[Appeal], filters: AppealFilters) -> QuerySet[Appeal]:
    if filters.category:
        qs = qs.filter(Q(category_id=filters.category) | Q(category__parent_id=filters.category))
    if filters.institution:
        qs = qs.filter(institution_id=filters.institution)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    if filters.district:
        qs = qs.filter(district_id=filters.district)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(overdue_at__isnull=False, status__in=AWAITING_ANSWER)
    if filters.q:
        term = filters.q.strip()
        qs = (
            qs.filter(number=term)
            if term[:4].isdigit() and "-" in term
            else text_search(qs, ["public_text", "address"], term)
        )
    return qs


def appeal_public_list(filters: AppealFilters | None = None) -> QuerySet[Appeal]:
    """Published appeals of public categories, newest first."""
    qs = Appeal.objects.filter(status__in=PUBLISHED, category__is_public=True).select_related(
        *LIST_RELATED
    )
    return _filter(qs, filters or AppealFilters()).order_by("-created_at", "-id")


def appeal_list_of_author(user: Any) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(author=user)
        .select_related(*LIST_RELATED)
        .order_by("-created_at", "-id")
    )


def appeal_get_for(*, user: Any, number: str) -> Appeal:
    """The appeal if ``user`` may see it; NotFound otherwise (other people's appeals do not exist)."""
    appeal = (
        Appeal.objects.select_related(*LIST_RELATED, "author", "escalated_to", "category__parent")
        .filter(number=number)
        .first()
    )
    if appeal is None or not can(user, "appeal.view", appeal):
        raise NotFound()
    return appeal


def appeal_history(appeal: Appeal, *, private: bool) -> list[AuditEntry]:
    """Status changes for everyone; with ``private`` also reassignments, extensions and who did what."""
    entries = list(audit_history(appeal))
    if private:
        return entries
    public_actions = {
        "appeal.submitted",
        "appeal.status",
        "appeal.overdue",
        "appeal.extended",
        "appeal.escalated",
    }
    return [entry for entry in entries if entry.action in public_actions]


# Staff queues ---------------------------------------------------------------------------------

QUEUES = {
    "moderation": ({Role.Kind.MODERATOR, Role.Kind.SUPERVISOR}, Q(status=Status.SUBMITTED)),
    "work": ({Role.Kind.EXECUTOR, Role.Kind.SUPERVISOR}, Q(status__in=AWAITING_ANSWER)),
    "review": ({Role.Kind.SUPERVISOR}, Q(status=Status.ANSWER_REVIEW)),
    "overdue": (
        {Role.Kind.EXECUTOR, Role.Kind.SUPERVISOR},
        Q(status__in=AWAITING_ANSWER, overdue_at__isnull=False),
    ),
    "disputes": ({Role.Kind.EXECUTOR, Role.Kind.SUPERVISOR}, Q(status=Status.REOPENED)),
    "planned": ({Role.Kind.EXECUTOR, Role.Kind.SUPERVISOR}, Q(status=Status.PLANNED)),
    "all": (
        {Role.Kind.MODERATOR, Role.Kind.EXECUTOR, Role.Kind.SUPERVISOR, Role.Kind.OPERATOR},
        Q(),
    ),
}


def staff_scope(user: Any, kinds: Collection[str]) -> Q | None:
    """The appeals of the organizations (and their subtrees) where ``user`` holds one of ``kinds``."""
    if is_platform_admin(user):
        return Q()
    paths = organizations_where(user, kinds)
    if not paths:
        return None
    scope = Q()
    for path in paths:
        scope |= Q(organization__path__startswith=path)
    return scope


def appeal_queue(
    *, user: Any, queue: str, filters: AppealFilters | None = None
) -> QuerySet[Appeal]:
    kinds, condition = QUEUES.get(queue, QUEUES["work"])
    scope = staff_scope(user, kinds)
    if scope is None:
        return Appeal.objects.none()
    qs = Appeal.objects.filter(scope).filter(condition).select_related(*LIST_RELATED, "author")
    qs = _filter(qs, filters or AppealFilters())
    if queue in {"work", "overdue", "disputes", "review"}:
        return qs.order_by("due_at", "id")
    return qs.order_by("-created_at", "-id")


def queue_sizes(user: Any) -> dict[str, int]:
    return {name: appeal_queue(user=user, queue=name).count() for name in QUEUES if name != "all"}


def staff_appeal_get(*, user: Any, number: str) -> Appeal:
    appeal = appeal_get_for(user=user, number=number)
    if not can(user, "appeal.view_private", appeal):
        raise NotFound()
    return appeal


# Counters -------------------------------------------------------------------------------------

GROUPS = {"organization": "organization_id", "district": "district_id", "category": "category_id"}


@dataclass
class CounterRow:
    key: int
    name: str
    received: int = 0
    in_work: int = 0
    answered_on_time: int = 0
    answered_late: int = 0
    overdue_now: int = 0
    disputed: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    median_hours: float | None = None

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late

    @property
    def on_time_share(self) -> float | None:
        return self.answered_on_time / self.answered if self.answered else None

    @property
    def dispute_rate(self) -> float | None:
        return self.disputed / self.answered if self.answered else None

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None


def _names(group: str, keys: set[int]) -> dict[int, str]:
    model: Any = {"organization": Organization, "district": District, "category": Category}[group]
    names = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=keys)}
    return names


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    """The upper bound (working hours) of the bucket holding the median answer."""
    total = sum(histogram.values())
    if not total:
        return None
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen * 2 >= total:
            upper = bucket_upper_hours(bucket)
            return upper if upper is not None else float(BUCKET_BOUNDS[-1])
    return None


def counters_period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for, defaulting to the last year; at most ten years, start before end."""
    date_to = date_to or clock.today()
    date_from = date_from or date_to - dt.timedelta(days=364)
    if date_from > date_to or (date_to - date_from).days > 3660:
        message = _("Choose a period of at most ten years that starts before it ends.")
        raise ValidationFailed(
            message,
            details={
                "errors": [{"field": "date_from", "code": "invalid_period", "message": message}]
            },
        )
    return date_from, date_to


def counters_table(
    *,
    group: str = "organization",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    organization: int | None = None,
    district: int | None = None,
    category: int | None = None,
) -> tuple[list[CounterRow], CounterRow]:
    """Counters for a period grouped by organization, district or category, from the counter tables only."""
    column = GROUPS.get(group, "organization_id")
    date_from, date_to = counters_period(date_from, date_to)
    scope: dict[str, int] = {}
    if organization:
        scope["organization_id"] = organization
    if district:
        scope["district_id"] = district
    if category:
        scope["category_id"] = category
    rows: dict[int, CounterRow] = {}

    def row(key: int) -> CounterRow:
        return rows.setdefault(key, CounterRow(key=key, name=""))

    daily = (
        DailyCounter.objects.filter(day__gte=date_from, day__lte=date_to, **scope)
        .values(column)
        .annotate(
            received=Sum("received"),
            on_time=Sum("answered_on_time"),
            late=Sum("answered_late"),
            disputed=Sum("disputed"),
            rating_sum=Sum("rating_sum"),
            rating_count=Sum("rating_count"),
        )
    )
    for item in daily:
        r = row(item[column])
        r.received, r.answered_on_time, r.answered_late = (
            item["received"],
            item["on_time"],
            item["late"],
        )
        r.disputed, r.rating_sum, r.rating_count = (
            item["disputed"],
            item["rating_sum"],
            item["rating_count"],
        )
    for item in (
        GaugeCounter.objects.filter(**scope)
        .values(column)
        .annotate(w=Sum("in_work"), o=Sum("overdue_now"))
    ):
        if item["w"] or item["o"]:
            r = row(item[column])
            r.in_work, r.overdue_now = item["w"], item["o"]
    histograms: dict[int, dict[int, int]] = {}
    times = (
        AnswerTimeCounter.objects.filter(day__gte=date_from, day__lte=date_to, **scope)
        .values(column, "bucket")
        .annotate(n=Sum("count"))
    )
    for item in times:
        histograms.setdefault(item[column], {})[item["bucket"]] = item["n"]
    overall: dict[int, int] = {}
    for key, histogram in histograms.items():
        row(key).median_hours = median_from_histogram(histogram)
        for bucket, n in histogram.items():
            overall[bucket] = overall.get(bucket, 0) + n
    names = _names(group, set(rows) - {0})
    for key, r in rows.items():
        r.name = names.get(key, "—")
    ordered = sorted(rows.values(), key=lambda r: (-r.received, r.name))
    return ordered, counters_total(ordered, median_hours=median_from_histogram(overall))


def counters_total(rows: list[CounterRow], *, median_hours: float | None = None) -> CounterRow:
    total = CounterRow(key=0, name="", median_hours=median_hours)
    for r in rows:
        for field in (
            "received",
            "in_work",
            "answered_on_time",
            "answered_late",
            "overdue_now",
            "disputed",
            "rating_sum",
            "rating_count",
        ):
            setattr(total, field, getattr(total, field) + getattr(r, field))
    return total
