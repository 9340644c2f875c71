import datetime as dt

import time_machine

from vmeste.core import clock


def test_now_is_aware_utc_and_follows_time_travel() -> None:
    with time_machine.travel(dt.datetime(2026, 3, 8, 21, 30, tzinfo=dt.UTC), tick=False):
        assert clock.now() == dt.datetime(2026, 3, 8, 21, 30, tzinfo=dt.UTC)
        # 21:30 UTC is already the 9th in Moscow.
        assert clock.today() == dt.date(2026, 3, 9)
