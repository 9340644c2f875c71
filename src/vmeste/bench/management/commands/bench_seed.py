"""``vmeste bench-seed --scale small``: fill PostgreSQL with a benchmark region (see bench/seed.py)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Fill PostgreSQL with benchmark data by COPY: --scale full (1M residents, 2M appeals, "
        "10M votes), small (a tenth), tiny, or a factor. Reports how long it took."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", default="small", help="full, small, tiny or a factor")
        parser.add_argument(
            "--reset", action="store_true", help="replace whatever the seeded tables hold"
        )
        parser.add_argument(
            "--if-seeded",
            action="store_true",
            help="do nothing when the database already holds a bench load of this scale",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        from vmeste.bench import seed

        scale = options["scale"]
        try:
            seed.sizes_for(scale)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["if_seeded"] and seed.is_seeded(scale):
            self.stdout.write(f"the database already holds the {scale} bench load; reusing it")
            return
        try:
            report = seed.seed(scale, reset=options["reset"], log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
