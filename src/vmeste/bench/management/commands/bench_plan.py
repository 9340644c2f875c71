"""``vmeste bench-plan --out DIR``: write the token file and request paths for the load generator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Write the load generator's files (tokens, idea ids, paths) for a seeded database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default="var/bench", help="folder for the files")

    def handle(self, *args: Any, **options: Any) -> None:
        from vmeste.bench.plan import write_plan

        plan = write_plan(Path(options["out"]))
        self.stdout.write(json.dumps(plan, ensure_ascii=False))
