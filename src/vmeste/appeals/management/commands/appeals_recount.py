from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vmeste.appeals.counters import counters_recount, counters_snapshot


class Command(BaseCommand):
    help = "Rebuild the live counters of appeals from the appeals; report whether they had drifted."

    def handle(self, *args: Any, **options: Any) -> None:
        before = counters_snapshot()
        rows = counters_recount()
        after = counters_snapshot()
        self.stdout.write(", ".join(f"{name}: {count} rows" for name, count in rows.items()))
        self.stdout.write(
            "the counters were exact"
            if before == after
            else "the counters had drifted and are now rebuilt"
        )
