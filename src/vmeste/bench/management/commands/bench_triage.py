"""``vmeste bench-triage``: triage throughput of one process (texts per second per core)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def measure(texts: int, batch: int) -> dict[str, Any]:
    """Signals per second of ``triage_texts`` in this process.

    One process on one core is what the number means: the worker runs triage in-process, so the
    capacity of a machine is this figure times its cores.
    """
    from vmeste.bench.words import signal_texts
    from vmeste.signals.triage import triage_texts

    corpus = signal_texts(texts)
    try:
        triage_texts(corpus[: min(batch, 20)])  # warm-up: models, vocabularies, caches
        started = time.perf_counter()
        cpu_started = time.process_time()
        latencies = []
        for start in range(0, len(corpus), batch):
            t = time.perf_counter()
            triage_texts(corpus[start : start + batch])
            latencies.append((time.perf_counter() - t) * 1000)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    except Exception as error:
        return {"status": "failed", "reason": f"{type(error).__name__}: {error}"}
    latencies.sort()
    return {
        "status": "ok",
        "texts": len(corpus),
        "batch": batch,
        "seconds": round(wall, 3),
        "texts_per_second": round(len(corpus) / wall, 1),
        # Threads inside numpy may use both cores; per core is per CPU second spent.
        "texts_per_cpu_second": round(len(corpus) / cpu, 1) if cpu else None,
        "batch_ms_p50": round(latencies[len(latencies) // 2], 1),
        "batch_ms_max": round(latencies[-1], 1),
    }


class Command(BaseCommand):
    help = "Measure signal triage in-process and print JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--texts", type=int, default=2000)
        parser.add_argument("--batch", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(measure(options["texts"], options["batch"])))
