"""Two workers sweeping at once: each overdue appeal is escalated exactly once."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections

from tests.appeals.conftest import MSK
from vmeste.appeals.models import Appeal
from vmeste.appeals.services import appeal_mark_overdue_step
from vmeste.core.models import AuditEntry


def _make_overdue(registered, count: int) -> list[int]:
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=MSK), tick=False):
        return [registered().pk for _ in range(count)]


def _exactly_once(ids: list[int]) -> None:
    for pk in ids:
        assert AuditEntry.objects.filter(action="appeal.overdue", target_id=str(pk)).count() == 1
    assert Appeal.objects.filter(pk__in=ids, overdue_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_escalate_each_appeal_once(registered) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL; CI runs this test there")
    ids = _make_overdue(registered, 30)
    handled: list[int] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=MSK), tick=False):
                barrier.wait()
                while appeal_mark_overdue_step():
                    handled.append(1)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    _exactly_once(ids)
    assert len(handled) >= 30


def test_a_second_worker_that_finds_the_row_done_changes_nothing(registered) -> None:
    """The compare-and-swap that protects databases without row locks (SQLite)."""
    ids = _make_overdue(registered, 3)
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=MSK), tick=False):
        # Another worker marked the first appeal between our select and our update.
        Appeal.objects.filter(pk=ids[0]).update(
            overdue_at=dt.datetime(2026, 11, 20, 9, 59, tzinfo=MSK)
        )
        while appeal_mark_overdue_step():
            pass
    assert AuditEntry.objects.filter(action="appeal.overdue", target_id=str(ids[0])).count() == 0
    for pk in ids[1:]:
        assert AuditEntry.objects.filter(action="appeal.overdue", target_id=str(pk)).count() == 1
