"""Liveness and readiness for load balancers, orchestrators and monitoring.

``/health/`` says only that the process answers: it touches neither the database nor the cache, so
a database outage does not make the orchestrator restart healthy web processes in a loop.
``/ready/`` says whether this instance can do useful work: the database answers, and the background
work is not falling behind (the oldest task waiting in django-tasks-db's table, the sweep's last
run when the shared cache knows it). It answers 200 when every check passes and 503 with the failing
checks otherwise, so a balancer takes the instance out of rotation and a monitor can alert.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# Defaults: a task waiting longer than 5 minutes, or a sweep (every minute) silent for 10, is trouble.
DEFAULT_MAX_TASK_LAG = 300
DEFAULT_MAX_SWEEP_AGE = 600


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness: the process is up and serves requests. No database, no cache."""
    return HttpResponse("ok", content_type="text/plain")


def _check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("readiness: the database does not answer: %s", exc.__class__.__name__)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def _check_tasks(now: dt.datetime) -> dict[str, Any]:
    """The worker's lag: how long the oldest task that may run now has been waiting."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    limit = int(getattr(settings, "VMESTE_READY_MAX_TASK_LAG", DEFAULT_MAX_TASK_LAG))
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values("enqueued_at", "run_after").first()
    pending = ready.count()
    if oldest is None:
        return {"ok": True, "pending": 0, "oldest_pending_at": None, "lag_seconds": 0}
    # A task planned for later starts waiting at its run_after, not when it was enqueued.
    since = oldest["enqueued_at"]
    if oldest["run_after"] != get_date_max() and oldest["run_after"] > since:
        since = oldest["run_after"]
    lag = max((now - since).total_seconds(), 0.0)
    return {
        "ok": lag <= limit,
        "pending": pending,
        "oldest_pending_at": oldest["enqueued_at"].isoformat(),
        "lag_seconds": round(lag, 1),
        "max_lag_seconds": limit,
    }


def _check_sweep(now: dt.datetime) -> dict[str, Any]:
    """The sweep's last pass, as recorded in the shared cache; unknown is not a failure."""
    from django.core.cache import cache

    from .sweep import LAST_RUN_CACHE_KEY

    limit = int(getattr(settings, "VMESTE_READY_MAX_SWEEP_AGE", DEFAULT_MAX_SWEEP_AGE))
    try:
        recorded = cache.get(LAST_RUN_CACHE_KEY)
    except Exception as exc:
        return {"ok": True, "last_run_at": None, "note": f"cache: {exc.__class__.__name__}"}
    if not recorded:
        # With a per-process cache (the demo) the web process never sees the worker's runs.
        return {"ok": True, "last_run_at": None}
    last = dt.datetime.fromisoformat(recorded)
    age = max((now - last).total_seconds(), 0.0)
    return {
        "ok": age <= limit,
        "last_run_at": last.isoformat(),
        "age_seconds": round(age, 1),
        "max_age_seconds": limit,
    }


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers and background work keeps up, else 503."""
    now = timezone.now()
    checks: dict[str, dict[str, Any]] = {"database": _check_database()}
    if checks["database"]["ok"]:
        try:
            checks["tasks"] = _check_tasks(now)
        except Exception as exc:
            checks["tasks"] = {"ok": False, "error": exc.__class__.__name__}
    else:
        checks["tasks"] = {"ok": False, "error": "database unavailable"}
    checks["sweep"] = _check_sweep(now)
    failing = sorted(name for name, check in checks.items() if not check["ok"])
    body = {
        "status": "ok" if not failing else "unavailable",
        "failing": failing,
        "checks": checks,
        "time": now.isoformat(),
    }
    response = JsonResponse(body, status=200 if not failing else 503)
    if failing:
        response["Retry-After"] = "30"
    return response
