"""requests.json reads the photos and answers of all appeals in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.appeals.conftest import answered, jpeg


def _queries(client: Any) -> tuple[int, list[dict[str, Any]]]:
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/open311/v2/requests.json").json()
    return len(captured), body


def test_requests_json_makes_no_query_per_appeal(client, registered, people) -> None:
    answered(registered(photos=[jpeg()]), people)
    registered()
    few, body = _queries(client)
    assert len(body) == 2
    for _ in range(3):
        answered(registered(photos=[jpeg()]), people)
        registered(photos=[jpeg()])
    many, body = _queries(client)
    assert len(body) == 8
    assert many == few, f"{few} queries for 2 appeals, {many} for 8: a query per appeal"
    assert many <= 5
    with_photo = [r for r in body if r["media_url"]]
    closed = [r for r in body if r["status"] == "closed"]
    assert len(with_photo) == 7 and len(closed) == 4
    assert all(". " in r["status_notes"] for r in closed)  # the approved answer's text is there
