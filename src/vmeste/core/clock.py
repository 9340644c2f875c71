"""The one source of time.

Every piece of code that needs "now" calls :func:`now`; tests move it with time-machine, which also
moves :func:`django.utils.timezone.now`, so both agree.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current moment as an aware UTC datetime."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in the region's time zone (``TIME_ZONE``)."""
    return timezone.localdate(now())
