from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vmeste.core import clock
from vmeste.opendata.exports import exports_make_period
from vmeste.opendata.sweep import previous_month


class Command(BaseCommand):
    help = "Export anonymized open data (appeals, ideas, votes, counters) for a period, as CSV and JSON files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat)

    def handle(self, *args: Any, **options: Any) -> None:
        default_from, default_to = previous_month(clock.today())
        date_from, date_to = options["date_from"] or default_from, options["date_to"] or default_to
        if date_from > date_to:
            raise CommandError("--from must not be after --to")
        for export in exports_make_period(date_from, date_to):
            self.stdout.write(f"{export.file.name}: {export.rows} rows")
