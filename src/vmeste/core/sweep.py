"""The periodic sweep: deadline checks and other work that comes due with time.

A domain app registers a *step*: a function that handles at most one due row and returns whether it
did something. Steps lock their row with ``select_for_update(skip_locked=True)``, so any number of
workers may sweep at once and each row is handled exactly once. ``vmeste sweep`` runs every step
until none has work left (bounded per run), and ``vmeste worker`` calls it every minute.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

Step = Callable[[], bool]
_STEPS: dict[str, Step] = {}


def sweep_step(name: str) -> Callable[[Step], Step]:
    def register(step: Step) -> Step:
        _STEPS[name] = step
        return step

    return register


def steps() -> dict[str, Step]:
    return dict(_STEPS)


@dataclass
class SweepReport:
    handled: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.handled.values())


def sweep_run(*, limit_per_step: int = 1000, only: list[str] | None = None) -> SweepReport:
    """Run each registered step until it reports no more work, at most ``limit_per_step`` times."""
    handled: dict[str, int] = {}
    for name, step in _STEPS.items():
        if only and name not in only:
            continue
        count = 0
        while count < limit_per_step:
            try:
                did = step()
            except Exception:
                # One broken row must not stop the other deadlines; it is retried next minute.
                logger.exception("sweep step %s failed", name)
                break
            if not did:
                break
            count += 1
        handled[name] = count
    _record_run()
    return SweepReport(handled=handled)


# Where the readiness check (core/health.py) finds when the sweep last finished a pass. The shared
# cache (Redis in production) makes a worker's run visible to every web process.
LAST_RUN_CACHE_KEY = "vmeste:sweep:last_run"


def _record_run() -> None:
    from django.core.cache import cache
    from django.utils import timezone

    try:
        # Wall-clock time, not clock.now(): operators compare it with the real time.
        cache.set(LAST_RUN_CACHE_KEY, timezone.now().isoformat(), timeout=7 * 24 * 3600)
    except Exception:
        # A cache outage must not fail the sweep itself; readiness then reports "unknown".
        logger.warning("could not record the sweep run in the cache", exc_info=True)
