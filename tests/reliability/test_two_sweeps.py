"""Two sweeps at once announce a project's results once (the appeal steps: tests/appeals)."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connections

from tests.ideas.conftest import MOMENTS, project  # noqa: F401  (fixture)
from tests.reliability.conftest import require_postgresql
from vmeste.core.models import AuditEntry
from vmeste.core.sweep import sweep_run
from vmeste.ideas.models import Project


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_announce_the_results_once(project: Project) -> None:  # noqa: F811
    require_postgresql()
    barrier = threading.Barrier(2)
    handled: list[int] = []

    def sweep() -> None:
        try:
            with time_machine.travel(MOMENTS["results"], tick=False):
                barrier.wait()
                handled.append(sweep_run(only=["ideas.results"]).handled["ideas.results"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    project.refresh_from_db()
    assert project.results_announced_at is not None
    assert (
        AuditEntry.objects.filter(action="project.results", target_id=str(project.pk)).count() == 1
    )
    assert sorted(handled) in ([0, 1], [1, 1])  # the second waits for the lock, then finds it done
