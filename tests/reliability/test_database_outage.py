"""The database goes away in the middle of a burst of filings: no 500, no lost or doubled appeal.

A real gunicorn serves the API; between it and PostgreSQL sits a loopback proxy that the test cuts
(open connections die mid-query, new ones are refused) and restores. Every answer must be 201/200
or a 503 with ``Retry-After`` in the error envelope; every appeal answered 201/200 is stored exactly
once; retrying every refused request with its idempotency key afterwards stores exactly one appeal
for each key. Unit tests below check the mapping without PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.utils import translation

from tests import guards
from tests.reliability.conftest import (
    VMESTE,
    TcpProxy,
    database_url,
    free_port,
    process_env,
    stop,
    wait_for_http,
)
from vmeste.accounts.tokens import token_create
from vmeste.appeals.models import Appeal
from vmeste.core.outage import ServiceUnavailable

BURST = 60
TEXT = "В читальном зале библиотеки не работает освещение уже вторую неделю."


def _post(url: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = raw.decode("utf-8", "replace")
        return error.code, dict(error.headers), payload


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_filings_survives_the_database_going_away(
    pg_proxy: TcpProxy, people: Any, categories: Any, tmp_path: Any
) -> None:
    _token, key = token_create(user=people.alice, name="burst")
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [VMESTE, "serve", "--access-logfile", "/dev/null", "--timeout", "60"],
        env=process_env(
            tmp_path,
            DATABASE_URL=database_url(host="127.0.0.1", port=pg_proxy.port),
            VMESTE_PORT=str(port),
            WEB_CONCURRENCY="2",
            DB_CONN_MAX_AGE="60",  # persistent connections: the cut kills them mid-use
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/health/", process=server)
        url = f"{base}/api/v1/appeals"
        bodies = [
            {
                "category_id": categories.building.pk,
                "text": f"{TEXT} Обращение {n}.",
                "consent": True,
                "idempotency_key": f"burst-{n:03d}",
            }
            for n in range(BURST)
        ]
        answers: dict[int, tuple[int, dict[str, str], Any]] = {}
        sent = threading.Semaphore(0)

        def send(n: int) -> None:
            answers[n] = _post(url, key, bodies[n])
            sent.release()

        def chaos() -> None:
            for _ in range(BURST // 4):
                sent.acquire()
            pg_proxy.cut()
            for _ in range(BURST // 4):
                sent.acquire(timeout=30)
            pg_proxy.restore()

        saboteur = threading.Thread(target=chaos)
        saboteur.start()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(send, range(BURST)))
        saboteur.join(timeout=60)
        pg_proxy.restore()

        statuses = [answers[n][0] for n in range(BURST)]
        refused = [n for n in range(BURST) if statuses[n] not in (200, 201)]
        assert 500 not in statuses
        assert set(statuses) <= {200, 201, 503}, statuses
        assert refused, "the cut refused nothing: the test did not test anything"
        assert pg_proxy.refused > 0
        # The server came back by itself: the last filings, after the restore, were accepted.
        assert 201 in statuses[-BURST // 4 :]
        for n in refused:
            _status, headers, payload = answers[n]
            assert headers.get("Retry-After") == "30"
            assert payload["error"]["code"] == "service_unavailable"
            assert "temporarily unavailable" in payload["error"]["message"]
        # Every appeal answered 201/200 is stored, once, under its key.
        for n in range(BURST):
            if statuses[n] in (200, 201):
                number = answers[n][2]["number"]
                stored = Appeal.objects.filter(
                    author=people.alice, idempotency_key=f"burst-{n:03d}"
                )
                assert [a.number for a in stored] == [number]

        # The clients retry what was refused, with the same keys: exactly one appeal per key.
        retried = {n: _post(url, key, bodies[n]) for n in refused}
        assert all(status in (200, 201) for status, _h, _p in retried.values()), retried
        for n in range(BURST):
            assert (
                Appeal.objects.filter(author=people.alice, idempotency_key=f"burst-{n:03d}").count()
                == 1
            )
        assert Appeal.objects.filter(author=people.alice).count() == BURST
        # A retry after a 201 answers 200 with the same appeal and stores nothing new.
        first_ok = next(n for n in range(BURST) if statuses[n] == 201)
        again = _post(url, key, bodies[first_ok])
        assert again[0] == 200 and again[2]["number"] == answers[first_ok][2]["number"]
        assert Appeal.objects.filter(author=people.alice).count() == BURST
        _report(statuses, retried)
    finally:
        stop(server)
        log.close()
    server_log = (tmp_path / "gunicorn.log").read_text()
    assert "Internal Server Error" not in server_log
    assert "Traceback" not in server_log or "unhandled error" not in server_log


def _report(statuses: list[int], retried: dict[int, Any]) -> None:
    """Printed with ``-s``: the figures quoted in docs/reliability.md."""
    counts = {code: statuses.count(code) for code in sorted(set(statuses))}
    again = [status for status, _h, _p in retried.values()]
    print(
        f"\nburst of {len(statuses)}: {counts}; retried {len(retried)}: "
        f"{ {code: again.count(code) for code in sorted(set(again))} }"
    )


# --- the mapping itself, on any database ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError("gone"), InterfaceError("closed")])
def test_an_api_database_error_is_a_503_envelope(
    client: Any, people: Any, categories: Any, error: Exception
) -> None:
    client.force_login(people.alice)
    with mock.patch("vmeste.appeals.services.appeal_submit", side_effect=error):
        response = client.post(
            "/api/v1/appeals",
            {"category_id": categories.building.pk, "text": TEXT, "consent": True},
            content_type="application/json",
            headers={"Accept-Language": "ru"},
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["error"]["code"] == "service_unavailable"
    assert body["error"]["details"] == {}
    assert guards.SERVER_ERRORS and all("-> 503" in e for e in guards.SERVER_ERRORS)
    guards.SERVER_ERRORS.clear()


@pytest.mark.django_db
def test_a_page_database_error_is_a_503_page_that_needs_no_database(
    client: Any, people: Any, categories: Any
) -> None:
    client.force_login(people.alice)
    with mock.patch("vmeste.appeals.services.appeal_submit", side_effect=OperationalError("gone")):
        response = client.post(
            "/appeals/new/",
            {"category": categories.building.pk, "text": TEXT, "consent": "on"},
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    with translation.override("ru"):
        expected = str(ServiceUnavailable.default_message)
    assert expected in response.content.decode()
    guards.SERVER_ERRORS.clear()


@pytest.mark.django_db
def test_an_outage_in_a_middleware_is_a_503_too(people: Any) -> None:
    """Errors outside a view reach handler500, which still tells an outage from a bug."""
    client = Client(raise_request_exception=False)
    client.force_login(people.alice)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("gone"),
    ):
        page = client.get("/cabinet/")
        api = client.get("/api/v1/appeals/mine")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "service_unavailable"
    guards.SERVER_ERRORS.clear()
