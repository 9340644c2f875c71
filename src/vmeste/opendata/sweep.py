"""Each month's open data is exported once the month is over (by the worker, not in a request).

The sweep only queues the export (once per period, recorded in ``ExportPeriod``): writing a month
takes minutes, and the sweep's other steps run every minute.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from vmeste.core import clock
from vmeste.core.sweep import sweep_step

from .models import Export, ExportPeriod


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


@sweep_step("opendata.monthly")
def opendata_monthly_step() -> bool:
    date_from, date_to = previous_month(clock.today())
    if Export.objects.filter(date_from=date_from, date_to=date_to).exists():
        return False
    with transaction.atomic():
        _period, created = ExportPeriod.objects.get_or_create(date_from=date_from, date_to=date_to)
        if not created:
            return False
        from .tasks import opendata_export_period

        transaction.on_commit(
            lambda: opendata_export_period.enqueue(
                date_from=date_from.isoformat(), date_to=date_to.isoformat()
            )
        )
    return True
