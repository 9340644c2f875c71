"""Give back the tasks of a worker that died in the middle of them.

django-tasks-db claims a task by setting it RUNNING and never looks at it again: if the worker is
killed (OOM killer, SIGKILL, a machine lost), the task stays RUNNING forever and its work is never
done. This sweep step finds tasks RUNNING for longer than ``VMESTE_TASK_STALE_MINUTES`` and puts them
back to READY, so the next worker runs them again. A task that has already been claimed
``VMESTE_TASK_MAX_ATTEMPTS`` times is marked FAILED instead, so that a task which itself kills its
worker cannot take the workers down in a loop.

Running a task again is safe only because the project's tasks are idempotent: each does its writes
in one transaction (a killed worker's transaction is rolled back by PostgreSQL) and checks whether
its effect is already there (``results_announce`` checks ``results_announced_at``, the masking task
recomputes the same text, ``notification_email`` checks ``emailed_at``). The stale limit must stay
well above the longest task, since a task still running on a slow but live worker would otherwise
run twice at once. ``tests/reliability/test_worker_killed.py`` kills a worker mid-task.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .sweep import sweep_step

logger = logging.getLogger(__name__)

DEFAULT_STALE_MINUTES = 30
DEFAULT_MAX_ATTEMPTS = 3


class WorkerLost(Exception):
    """Recorded as the failure of a task whose workers kept dying while running it."""


def tasks_requeue_stale(*, older_than: dt.timedelta | None = None) -> bool:
    """Handle one stale RUNNING task (back to READY, or FAILED after too many attempts)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if older_than is None:
        older_than = dt.timedelta(
            minutes=float(getattr(settings, "VMESTE_TASK_STALE_MINUTES", DEFAULT_STALE_MINUTES))
        )
    max_attempts = int(getattr(settings, "VMESTE_TASK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        row = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
            .order_by("started_at")
            .first()
        )
        if row is None:
            return False
        attempts = len(row.worker_ids or [])
        same = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if attempts >= max_attempts:
            same.update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=(
                    f"WorkerLost: the workers {row.worker_ids} died while running the task; "
                    f"given up after {attempts} attempts."
                ),
            )
            logger.error(
                "task %s (%s) failed: its worker died %s times", row.pk, row.task_path, attempts
            )
            return True
        changed = same.update(status=TaskResultStatus.READY, started_at=None)
        if changed:
            logger.warning(
                "task %s (%s) was RUNNING since %s on a worker that is gone: queued again",
                row.pk,
                row.task_path,
                row.started_at.isoformat() if row.started_at else "?",
            )
        return bool(changed)


@sweep_step("tasks.requeue_stale")
def tasks_requeue_stale_step() -> bool:
    return tasks_requeue_stale()
