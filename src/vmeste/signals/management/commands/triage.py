"""``vmeste triage train`` and ``vmeste triage run``: learn from the platform, triage in bulk."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Train the triage classifiers from the database (and a CSV), or triage signals in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["train", "run"])
        parser.add_argument("--csv", type=Path, help="train: extra labelled texts (CSV)")
        parser.add_argument("--text-column", default="text")
        parser.add_argument(
            "--category-column", help="train: the CSV column holding category slugs"
        )
        parser.add_argument(
            "--organization-column", help="train: the CSV column holding organization slugs"
        )
        parser.add_argument(
            "--time-column",
            help="train: the CSV column saying when each text was written (an ISO date)",
        )
        parser.add_argument("--output", type=Path, help="train: the model folder")
        parser.add_argument("--all", action="store_true", help="run: triage every signal again")
        parser.add_argument("--batch", type=int, default=64)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "train":
            self._train(options)
        else:
            self._run(options)

    def _train(self, options: dict[str, Any]) -> None:
        from vmeste.signals import learning
        from vmeste.triage.csvfile import read_labelled

        columns = {
            "category": options["category_column"],
            "organization": options["organization_column"],
        }
        for target in learning.TARGETS:
            extra = None
            if options["csv"] and columns[target]:
                # Dates only: the platform's own moments are days since 1970, and a bare number
                # could be in any unit.
                extra = read_labelled(
                    options["csv"],
                    options["text_column"],
                    columns[target],
                    options["time_column"],
                    dates_only=True,
                )
            started = time.monotonic()
            report = learning.train(target, extra=extra, directory=options["output"])
            self.stdout.write(
                json.dumps(
                    {
                        "target": target,
                        "examples": report.examples,
                        "labels": report.labels,
                        "file": str(report.path) if report.path else None,
                        "version": report.version,
                        "time": report.uses_time,
                        "cut": report.cut_labels,
                        "by_size": report.by_size,
                        "seconds": round(time.monotonic() - started, 2),
                    },
                    ensure_ascii=False,
                )
            )
        learning.models.reset()

    def _run(self, options: dict[str, Any]) -> None:
        from vmeste.signals.models import Signal
        from vmeste.signals.triage import triage_signals

        queryset = Signal.objects.order_by("pk")
        if not options["all"]:
            queryset = queryset.filter(triaged_at__isnull=True)
        ids = list(queryset.values_list("pk", flat=True))
        started = time.monotonic()
        size = max(options["batch"], 1)
        for offset in range(0, len(ids), size):
            triage_signals(ids[offset : offset + size])
        elapsed = time.monotonic() - started
        self.stdout.write(
            json.dumps(
                {
                    "triaged": len(ids),
                    "seconds": round(elapsed, 2),
                    "per_second": round(len(ids) / elapsed, 1) if elapsed and ids else None,
                }
            )
        )
