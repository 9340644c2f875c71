"""Loading the production calendar from the maintained ``holidays`` package."""

from __future__ import annotations

from typing import Any

import holidays
from django.db import transaction

from vmeste.core.audit import audit_record

from .calendar import calendar_changed
from .models import CalendarDay

SOURCE = f"holidays {holidays.__version__}"


@transaction.atomic
def calendar_load_year(*, year: int, actor: Any = None, replace: bool = False) -> dict[str, int]:
    """Fill the year from the Russian calendar of ``holidays``: days off and transferred working days.

    Days an admin already entered by hand are kept unless ``replace`` is set.
    """
    russia = holidays.country_holidays("RU", years=year, language="ru")
    wanted: dict[Any, tuple[str, str]] = {
        day: (CalendarDay.Kind.HOLIDAY, name) for day, name in russia.items()
    }
    for day in getattr(russia, "weekend_workdays", set()):
        if day.year == year:
            wanted[day] = (CalendarDay.Kind.WORKDAY, "Рабочий день (перенос)")
    existing = {day.date: day for day in CalendarDay.objects.filter(date__year=year)}
    created = updated = 0
    for day, (kind, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            CalendarDay.objects.create(date=day, kind=kind, name=name, source=SOURCE)
            created += 1
        elif replace and (row.kind, row.name) != (kind, name):
            row.kind, row.name, row.source = kind, name, SOURCE
            row.save()
            updated += 1
    if created or updated:
        audit_record(
            actor=actor,
            action="calendar.loaded",
            data={"year": year, "created": created, "updated": updated, "source": SOURCE},
        )
    transaction.on_commit(calendar_changed)
    calendar_changed()
    return {"created": created, "updated": updated}
