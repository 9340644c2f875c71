"""Liveness and readiness: /health/ never needs the database, /ready/ says what is failing."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from tests import guards
from vmeste.core.sweep import LAST_RUN_CACHE_KEY, sweep_run


def test_health_answers_ok_without_touching_the_database(client: Any) -> None:
    # No django_db mark: any query would fail the test.
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_ready_when_everything_is_fine(client: Any) -> None:
    response = client.get("/ready/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["tasks"]["pending"] == 0
    assert body["checks"]["sweep"]["last_run_at"] is None


def _task(enqueued_ago: dt.timedelta, **fields: Any) -> DBTaskResult:
    row = DBTaskResult.objects.create(
        task_path="vmeste.appeals.tasks.appeal_mask_text",
        args_kwargs={"args": [], "kwargs": {"appeal_id": 1}},
        backend_name="default",
        run_after=fields.pop("run_after", get_date_max()),
        **fields,
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - enqueued_ago)
    return row


@pytest.mark.django_db
def test_ready_reports_the_worker_lag_and_fails_when_it_is_too_long(
    client: Any, settings: Any
) -> None:
    settings.VMESTE_READY_MAX_TASK_LAG = 60
    _task(dt.timedelta(seconds=10))
    body = client.get("/ready/").json()
    assert body["checks"]["tasks"]["ok"] is True
    assert body["checks"]["tasks"]["pending"] == 1
    assert 9 <= body["checks"]["tasks"]["lag_seconds"] < 60

    _task(dt.timedelta(minutes=10))
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["failing"] == ["tasks"]
    assert body["checks"]["tasks"]["pending"] == 2
    assert body["checks"]["tasks"]["lag_seconds"] >= 600
    guards.SERVER_ERRORS.clear()  # the 503 is the answer under test


@pytest.mark.django_db
def test_tasks_planned_for_later_or_already_done_are_no_lag(client: Any) -> None:
    _task(dt.timedelta(hours=2), run_after=timezone.now() + dt.timedelta(hours=1))
    _task(dt.timedelta(hours=2), status="SUCCESSFUL")
    body = client.get("/ready/").json()
    assert body["checks"]["tasks"]["pending"] == 0
    assert client.get("/ready/").status_code == 200


@pytest.mark.django_db
def test_ready_shows_the_last_sweep_and_fails_when_it_is_old(client: Any, settings: Any) -> None:
    sweep_run(only=["nothing-at-all"])
    body = client.get("/ready/").json()
    assert body["checks"]["sweep"]["ok"] is True
    assert body["checks"]["sweep"]["age_seconds"] < 60

    settings.VMESTE_READY_MAX_SWEEP_AGE = 600
    cache.set(LAST_RUN_CACHE_KEY, (timezone.now() - dt.timedelta(hours=1)).isoformat())
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["sweep"]
    guards.SERVER_ERRORS.clear()


@pytest.mark.django_db
def test_ready_answers_503_when_the_database_is_down(client: Any) -> None:
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/ready/")
        health = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database", "tasks"]
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert health.status_code == 200  # liveness does not depend on the database
    guards.SERVER_ERRORS.clear()
