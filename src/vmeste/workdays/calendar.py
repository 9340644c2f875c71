"""Working days and working time on the production calendar.

A day is a working day when it is Monday–Friday and not a holiday, or when it is a weekend day that
the calendar turns into a working day (a transferred working Saturday). Dates are the region's
local dates (``TIME_ZONE``); datetimes are aware and are converted to local time first.

Working time counts only the hours of working days: a whole working day is 24 working hours, a day
off counts nothing. So "8 working days" and "working hours between" use the same measure.
"""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone

from .models import CalendarDay

ONE_DAY = dt.timedelta(days=1)
# Each process keeps the years it has read for a few minutes; an admin's edit made in another
# process is seen after at most this long (the editing process forgets at once).
CACHE_SECONDS = 300.0
_cache: dict[int, tuple[float, dict[dt.date, str]]] = {}


def _exceptions(year: int) -> dict[dt.date, str]:
    cached = _cache.get(year)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    days = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "kind"))
    _cache[year] = (time.monotonic(), days)
    return days


def calendar_changed() -> None:
    """Forget cached years; called whenever a calendar day is saved or deleted."""
    _cache.clear()


def is_working_day(day: dt.date) -> bool:
    kind = _exceptions(day.year).get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    day += ONE_DAY
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The end (23:59:59.999999 local time) of the ``days``-th working day after ``start``'s day.

    Registration on Monday with 8 working days gives the end of Wednesday next week; the result is
    always within a working day, never on a day off.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    day = timezone.localtime(start).date()
    for _ in range(days):
        day = next_working_day(day)
    end = dt.datetime.combine(day, dt.time.max)
    return timezone.make_aware(end, timezone.get_current_timezone())


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone()
    )


def working_time_between(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """The part of [start, end) that falls on working days. Zero when ``end`` is not after ``start``."""
    if end <= start:
        return dt.timedelta(0)
    total = dt.timedelta(0)
    day = timezone.localtime(start).date()
    last = timezone.localtime(end).date()
    while day <= last:
        if is_working_day(day):
            lower = max(start, _local_midnight(day))
            upper = min(end, _local_midnight(day + ONE_DAY))
            if upper > lower:
                total += upper - lower
        day += ONE_DAY
    return total


def add_working_time(start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The moment when ``amount`` of working time has passed after ``start``.

    Time on days off does not count, so the result always lies on a working day.
    """
    remaining = amount
    moment = start
    day = timezone.localtime(start).date()
    while True:
        if is_working_day(day):
            day_end = _local_midnight(day + ONE_DAY)
            available = day_end - max(moment, _local_midnight(day))
            # Strictly inside the day: a moment exactly at midnight belongs to the next working day.
            if remaining < available:
                return max(moment, _local_midnight(day)) + remaining
            remaining -= available
        day += ONE_DAY
        moment = _local_midnight(day)


def add_working_hours(start: dt.datetime, hours: int) -> dt.datetime:
    return add_working_time(start, dt.timedelta(hours=hours))
