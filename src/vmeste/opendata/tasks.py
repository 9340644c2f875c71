from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def opendata_export_period(*, date_from: str, date_to: str) -> int:
    """Write the exports of a period (queued by the sweep); running it again rewrites them."""
    from vmeste.core import clock

    from .exports import exports_make_period
    from .models import ExportPeriod

    start, end = dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to)
    made = exports_make_period(start, end)
    ExportPeriod.objects.filter(date_from=start, date_to=end).update(finished_at=clock.now())
    return len(made)
