"""Live counters of appeals, kept in step with every change in the same transaction.

The counters are a pure function of the appeals' stored fields: :func:`contributions` says what one
appeal adds to which counter row. A service wraps its change in ``with counters_tracked(appeal):``;
the contributions before and after are compared and only the difference is written. A full recount
(`vmeste appeals-recount`) sums the same contributions over all appeals, so the two agree by
construction, and a property test checks that they do.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import AWAITING_ANSWER, AnswerTimeCounter, Appeal, DailyCounter, GaugeCounter

# Upper bounds (in working hours) of the answer-time histogram buckets; the last is open-ended.
BUCKET_BOUNDS = [1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 144, 168, 192, 240, 336, 480, 720, 1440]

DAILY = "daily"
ANSWER_TIME = "answer_time"
GAUGE = "gauge"

Key = tuple[Any, ...]


def answer_bucket(seconds: int) -> int:
    """Index of the histogram bucket for an answer that took ``seconds`` of working time."""
    return bisect.bisect_left(BUCKET_BOUNDS, seconds / 3600)


def bucket_upper_hours(bucket: int) -> float | None:
    return float(BUCKET_BOUNDS[bucket]) if bucket < len(BUCKET_BOUNDS) else None


def contributions(appeal: Appeal) -> Counter[Key]:
    """What this appeal adds to the counters, as ``{(table, key…, field): amount}``."""
    out: Counter[Key] = Counter()
    if appeal.pk is None:
        return out
    dims = (appeal.organization_id or 0, appeal.district_id or 0, appeal.category_id or 0)
    out[(DAILY, timezone.localdate(appeal.created_at), *dims, "received")] += 1
    if appeal.answered_at is not None:
        day = timezone.localdate(appeal.answered_at)
        field = "answered_on_time" if appeal.is_answered_on_time else "answered_late"
        out[(DAILY, day, *dims, field)] += 1
        if appeal.dispute_count:
            out[(DAILY, day, *dims, "disputed")] += 1
        if appeal.rating:
            out[(DAILY, day, *dims, "rating_sum")] += appeal.rating
            out[(DAILY, day, *dims, "rating_count")] += 1
        if appeal.answer_working_seconds is not None:
            bucket = answer_bucket(appeal.answer_working_seconds)
            out[(ANSWER_TIME, day, *dims, bucket, "count")] += 1
    if appeal.status in AWAITING_ANSWER:
        out[(GAUGE, *dims, "in_work")] += 1
        if appeal.overdue_at is not None:
            out[(GAUGE, *dims, "overdue_now")] += 1
    return out


VERSION_KEY = "vmeste-counters-version"


def counters_version() -> int:
    """A number that changes whenever any counter changes: the dashboard's cache key includes it."""
    from django.core.cache import cache

    return int(cache.get(VERSION_KEY) or 0)


def _bump_version() -> None:
    from django.core.cache import cache

    if not cache.add(VERSION_KEY, 1, timeout=None):
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 1, timeout=None)


def _apply(delta: Counter[Key]) -> None:
    changed = False
    for key, amount in sorted(delta.items(), key=lambda item: repr(item[0])):
        if amount:
            _add(key, amount)
            changed = True
    if changed:
        transaction.on_commit(_bump_version)


def _add(key: Key, amount: int) -> None:
    table, *rest = key
    field = rest[-1]
    if table == DAILY:
        model: Any = DailyCounter
        lookup = dict(
            zip(["day", "organization_id", "district_id", "category_id"], rest[:-1], strict=True)
        )
    elif table == ANSWER_TIME:
        model = AnswerTimeCounter
        lookup = dict(
            zip(
                ["day", "organization_id", "district_id", "category_id", "bucket"],
                rest[:-1],
                strict=True,
            )
        )
    else:
        model = GaugeCounter
        lookup = dict(
            zip(["organization_id", "district_id", "category_id"], rest[:-1], strict=True)
        )
    if model.objects.filter(**lookup).update(**{field: F(field) + amount}):
        return
    try:
        with transaction.atomic():
            model.objects.create(**lookup, **{field: amount})
    except IntegrityError:
        # Another transaction created the row between our update and insert.
        model.objects.filter(**lookup).update(**{field: F(field) + amount})


@contextmanager
def counters_tracked(appeal: Appeal) -> Iterator[None]:
    """Write the counters' difference made by the change inside the block (which saves ``appeal``)."""
    before = contributions(appeal)
    yield
    after = contributions(appeal)
    delta = Counter(after)
    delta.subtract(before)
    _apply(delta)


@transaction.atomic
def counters_recount() -> dict[str, int]:
    """Rebuild every counter from the appeals themselves."""
    DailyCounter.objects.all().delete()
    AnswerTimeCounter.objects.all().delete()
    GaugeCounter.objects.all().delete()
    total: Counter[Key] = Counter()
    for appeal in Appeal.objects.all().iterator(chunk_size=2000):
        total.update(contributions(appeal))
    rows: dict[tuple[str, tuple[Any, ...]], dict[str, int]] = {}
    for (table, *rest), amount in total.items():
        rows.setdefault((table, tuple(rest[:-1])), {})[rest[-1]] = amount
    daily, times, gauges = [], [], []
    for (table, key), fields in rows.items():
        if table == DAILY:
            daily.append(
                DailyCounter(
                    day=key[0],
                    organization_id=key[1],
                    district_id=key[2],
                    category_id=key[3],
                    **fields,
                )
            )
        elif table == ANSWER_TIME:
            times.append(
                AnswerTimeCounter(
                    day=key[0],
                    organization_id=key[1],
                    district_id=key[2],
                    category_id=key[3],
                    bucket=key[4],
                    **fields,
                )
            )
        else:
            gauges.append(
                GaugeCounter(
                    organization_id=key[0], district_id=key[1], category_id=key[2], **fields
                )
            )
    DailyCounter.objects.bulk_create(daily, batch_size=2000)
    AnswerTimeCounter.objects.bulk_create(times, batch_size=2000)
    GaugeCounter.objects.bulk_create(gauges, batch_size=2000)
    transaction.on_commit(_bump_version)
    return {"daily": len(daily), "answer_time": len(times), "gauge": len(gauges)}


def counters_snapshot() -> dict[str, set[tuple[Any, ...]]]:
    """All counter rows without zero rows, for comparing incremental counters with a recount."""
    daily = {
        row
        for row in DailyCounter.objects.values_list(
            "day",
            "organization_id",
            "district_id",
            "category_id",
            "received",
            "answered_on_time",
            "answered_late",
            "disputed",
            "rating_sum",
            "rating_count",
        )
        if any(row[4:])
    }
    times = {
        row
        for row in AnswerTimeCounter.objects.values_list(
            "day", "organization_id", "district_id", "category_id", "bucket", "count"
        )
        if row[5]
    }
    gauges = {
        row
        for row in GaugeCounter.objects.values_list(
            "organization_id", "district_id", "category_id", "in_work", "overdue_now"
        )
        if any(row[3:])
    }
    return {"daily": daily, "answer_time": times, "gauge": gauges}
