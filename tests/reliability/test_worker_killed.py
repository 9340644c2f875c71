"""A worker is SIGKILLed in the middle of a task: the task's effect still happens exactly once.

The task is the project's own ``project_results_announce``; the worker (``db_worker`` of
django-tasks-db, a real process on the test database) is made to stop half-way through it, after
it has written ``results_announced_at`` inside its transaction, and is killed there. django-tasks-db
leaves such a task RUNNING forever; the sweep step ``tasks.requeue_stale`` gives it back, a new
worker runs it, and the announcement (its audit entry, its timestamp) exists once.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.ideas.conftest import project  # noqa: F401  (fixture)
from tests.reliability.conftest import PYTHON, ROOT, process_env, require_postgresql, stop
from vmeste.core.models import AuditEntry
from vmeste.core.sweep import sweep_run
from vmeste.core.task_recovery import tasks_requeue_stale
from vmeste.ideas.models import Project
from vmeste.ideas.tasks import project_results_announce

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _worker(tmp_path: Path, name: str, **env: str) -> subprocess.Popen[Any]:
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "tests.reliability.blocking_worker",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--worker-id",
            name,
        ],
        cwd=ROOT,
        env=process_env(tmp_path, **env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait(condition: Callable[[], bool], timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise TimeoutError(what)


def _announcements(project_id: int) -> int:
    return AuditEntry.objects.filter(action="project.results", target_id=str(project_id)).count()


@pytest.mark.django_db(transaction=True)
def test_a_task_killed_midway_runs_again_and_takes_effect_once(
    project: Project,  # noqa: F811
    tmp_path: Path,
    settings: Any,
) -> None:
    require_postgresql()
    settings.TASKS = DATABASE_BACKEND
    result = project_results_announce.enqueue(project_id=project.pk)
    row = DBTaskResult.objects.get(pk=result.id)
    marker = tmp_path / "in-the-middle"

    first = _worker(tmp_path, "worker-1", VMESTE_TEST_BLOCK_FILE=str(marker))
    second: subprocess.Popen[Any] | None = None
    try:
        _wait(marker.exists, what="the first worker to reach the middle of the task")
        row.refresh_from_db()
        assert row.status == TaskResultStatus.RUNNING and row.worker_ids == ["worker-1"]
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL

        # Its transaction died with it: nothing of the half-done announcement is visible.
        project.refresh_from_db()
        assert project.results_announced_at is None
        assert _announcements(project.pk) == 0

        # A new worker does not touch a task that is RUNNING: without recovery it waits forever.
        second = _worker(tmp_path, "worker-2")
        time.sleep(3)
        row.refresh_from_db()
        assert row.status == TaskResultStatus.RUNNING

        # The minute sweep finds the task stale and queues it again (limit set to 0 for the test).
        settings.VMESTE_TASK_STALE_MINUTES = 0
        report = sweep_run(only=["tasks.requeue_stale"])
        assert report.handled == {"tasks.requeue_stale": 1}

        def done() -> bool:
            row.refresh_from_db()
            return row.status == TaskResultStatus.SUCCESSFUL

        _wait(done, what="the second worker to finish the task")
        assert row.worker_ids == ["worker-1", "worker-2"]
        project.refresh_from_db()
        assert project.results_announced_at is not None
        assert _announcements(project.pk) == 1

        # Nothing is left to recover, and running the task again changes nothing (idempotent).
        assert sweep_run(only=["tasks.requeue_stale"]).handled == {"tasks.requeue_stale": 0}
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        assert project_results_announce.enqueue(project_id=project.pk).return_value == 0
        assert _announcements(project.pk) == 1
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=10)
        if second is not None:
            stop(second)


# --- the recovery step on any database ----------------------------------------------------------


def _running(started_ago: dt.timedelta, workers: list[str]) -> DBTaskResult:
    from django_tasks_db.models import get_date_max

    return DBTaskResult.objects.create(
        task_path="vmeste.ideas.tasks.project_results_announce",
        args_kwargs={"args": [], "kwargs": {"project_id": 1}},
        backend_name="default",
        run_after=get_date_max(),
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker_ids=workers,
    )


@pytest.mark.django_db
def test_only_tasks_running_longer_than_the_limit_are_requeued(settings: Any) -> None:
    settings.VMESTE_TASK_STALE_MINUTES = 30
    fresh = _running(dt.timedelta(minutes=5), ["w1"])
    stale = _running(dt.timedelta(minutes=45), ["w1"])
    assert tasks_requeue_stale() is True
    assert tasks_requeue_stale() is False
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.status == TaskResultStatus.RUNNING
    assert stale.status == TaskResultStatus.READY and stale.started_at is None
    assert DBTaskResult.objects.ready().filter(pk=stale.pk).exists()


@pytest.mark.django_db
def test_a_task_whose_workers_keep_dying_is_given_up(settings: Any) -> None:
    settings.VMESTE_TASK_MAX_ATTEMPTS = 3
    doomed = _running(dt.timedelta(hours=2), ["w1", "w2", "w3"])
    assert tasks_requeue_stale() is True
    doomed.refresh_from_db()
    assert doomed.status == TaskResultStatus.FAILED
    assert doomed.exception_class_path == "vmeste.core.task_recovery.WorkerLost"
    assert "3 attempts" in doomed.traceback


def test_the_step_is_part_of_the_sweep() -> None:
    from vmeste.core.sweep import steps

    assert "tasks.requeue_stale" in steps()
