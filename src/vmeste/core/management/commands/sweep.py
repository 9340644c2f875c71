from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vmeste.core.sweep import sweep_run


class Command(BaseCommand):
    help = "Handle everything that came due: overdue deadlines, reminders, automatic closing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="rows per step in this run")

    def handle(self, *args: Any, **options: Any) -> None:
        report = sweep_run(limit_per_step=options["limit"])
        if options["verbosity"] == 0:
            return
        for name, count in report.handled.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(f"total: {report.total}")
