from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def opendata_export_period(*, date_from: str, date_to: str) -> int:
    from .exports import exports_make_period

    return len(
        exports_make_period(dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to))
    )
