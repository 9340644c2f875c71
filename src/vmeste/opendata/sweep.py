"""Each month's open data is exported once the month is over (by the worker, not in a request)."""

from __future__ import annotations

import datetime as dt

from vmeste.core import clock
from vmeste.core.sweep import sweep_step

from .models import Export


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


@sweep_step("opendata.monthly")
def opendata_monthly_step() -> bool:
    date_from, date_to = previous_month(clock.today())
    if Export.objects.filter(date_from=date_from, date_to=date_to).exists():
        return False
    from .exports import exports_make_period

    exports_make_period(date_from, date_to)
    return True
