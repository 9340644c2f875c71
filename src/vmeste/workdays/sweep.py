"""Keep next year's calendar loaded: the sweep adds it from the holidays package when missing."""

from __future__ import annotations

from vmeste.core import clock
from vmeste.core.sweep import sweep_step

from .models import CalendarDay
from .services import calendar_load_year


@sweep_step("calendar.next_year")
def calendar_ensure_next_year() -> bool:
    year = clock.today().year + 1
    if CalendarDay.objects.filter(date__year=year).exists():
        return False
    result = calendar_load_year(year=year)
    return bool(result["created"])
