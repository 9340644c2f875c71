"""The one source of time.

Every piece of code that needs "now" calls :func:`now`; tests move it with time-machine, which also
moves :func:`django.utils.timezone.now`, so both agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("vmeste_clock_frozen", default=None)


def now() -> dt.datetime:
    """The current moment as an aware UTC datetime."""
    frozen = _frozen.get()
    return frozen if frozen is not None else timezone.now()


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Make :func:`now` return ``moment`` inside the block.

    For building history in the past (the demo data, imports); tests use time-machine instead.
    """
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)


def today() -> dt.date:
    """Today's date in the region's time zone (``TIME_ZONE``)."""
    return timezone.localdate(now())
