import datetime as dt
import xml.etree.ElementTree as ET

import time_machine


def test_public_requests_with_strings_statuses_and_no_contacts(
    client, public_appeals, validate
) -> None:
    body = client.get("/open311/v2/requests.json").json()
    validate("requests.json", body)
    by_id = {r["service_request_id"]: r for r in body}
    first, second = public_appeals
    assert by_id[first.number]["status"] == "open" and by_id[second.number]["status"] == "closed"
    assert by_id[second.number]["agency_responsible"] == "Краеведческий музей"
    assert "555-12-34" not in str(body) and "alice@example.org" not in str(body)
    assert by_id[first.number]["expected_datetime"]


def test_filters_and_overrides(client, public_appeals, categories) -> None:
    first, second = public_appeals
    only = client.get(
        f"/open311/v2/requests.json?service_request_id={second.number}&status=open"
    ).json()
    assert [r["service_request_id"] for r in only] == [
        second.number
    ]  # the id overrides other filters
    assert [
        r["service_request_id"] for r in client.get("/open311/v2/requests.json?status=open").json()
    ] == [first.number]
    assert client.get("/open311/v2/requests.json?service_code=tickets").json() == []
    assert len(client.get("/open311/v2/requests.json?service_code=building,tickets").json()) == 2


def test_the_default_window_is_ninety_days(client, registered) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        old = registered()
    recent = registered()
    ids = [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()]
    assert recent.number in ids and old.number not in ids
    window = client.get(
        "/open311/v2/requests.json?start_date=2026-05-01T00:00:00Z&end_date=2026-07-01T00:00:00Z"
    ).json()
    assert [r["service_request_id"] for r in window] == [old.number]


def test_bad_arguments_are_400(client, db) -> None:
    for query in [
        "start_date=yesterday",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "status=lost",
        "start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z",
        # Well-formed, but no such moment: the calendar and the clock say no, or the year runs
        # off the end of the calendar once it is in UTC.
        "start_date=2026-02-30T00:00:00Z",
        "end_date=2026-02-30T00:00:00%2B03:00",
        "start_date=2026-11-01T25:61:00Z",
        "start_date=2026-11-01T00:00:00%2B99:00",
        "end_date=9999-12-31T23:59:59-14:00",
        "end_date=0001-01-01T00:00:00Z",
    ]:
        response = client.get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 400, query
        assert response.json()[0]["code"] == 400


def test_xml_requests(client, public_appeals) -> None:
    root = ET.fromstring(client.get("/open311/v2/requests.xml").content)
    assert root.tag == "service_requests"
    assert {r.find("status").text for r in root.findall("request")} == {"open", "closed"}
