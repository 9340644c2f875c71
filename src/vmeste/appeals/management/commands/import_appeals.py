from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vmeste.appeals.importer import ImportReport, appeals_import


class Command(BaseCommand):
    help = "Import appeals from a CSV (plain or gzip) with a JSON column mapping; idempotent by external id."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mapping", type=Path, required=True, help="the JSON mapping (see docs/examples/)"
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="create unknown categories and organizations",
        )
        parser.add_argument("--limit", type=int, default=None, help="import at most this many rows")

    def handle(self, *args: Any, **options: Any) -> None:
        path, mapping_path = options["file"], options["mapping"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            mapping = json.loads(mapping_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read the mapping {mapping_path}: {error}") from None
        started = time.monotonic()

        def progress(report: ImportReport) -> None:
            rate = report.rows / max(time.monotonic() - started, 0.001)
            self.stdout.write(
                f"{report.rows} rows, {rate:.0f} rows/s: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, {sum(report.skipped.values())} skipped"
            )

        try:
            report = appeals_import(
                path,
                mapping,
                create_missing=options["create_missing"],
                limit=options["limit"],
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        summary = report.as_dict()
        summary["seconds"] = round(time.monotonic() - started, 1)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
