import pytest

from tests.appeals.conftest import TEXT, answered, jpeg
from vmeste.appeals.models import Appeal


@pytest.fixture
def alice_client(client, people):
    client.force_login(people.alice)
    return client


def payload(categories, region, **extra):
    data = {
        "category_id": categories.building.pk,
        "text": TEXT,
        "consent": True,
        "institution_id": region.museum.pk,
    }
    data.update(extra)
    return data


def test_filing_through_the_api_and_retrying_with_the_same_key(
    alice_client, categories, region
) -> None:
    body = payload(categories, region, idempotency_key="phone-42")
    first = alice_client.post("/api/v1/appeals", body, content_type="application/json")
    assert first.status_code == 201
    number = first.json()["number"]
    again = alice_client.post("/api/v1/appeals", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["number"] == number
    assert Appeal.objects.count() == 1
    assert Appeal.objects.get().source == "api"


@pytest.mark.parametrize(
    ("extra", "status", "field"),
    [
        ({"category_id": 999999}, 422, "category"),
        ({"institution_id": 999999}, 422, "institution_id"),
        ({"district_id": 999999}, 422, "district_id"),
        ({"latitude": "123.5", "longitude": "41"}, 422, "body.payload.latitude"),
        ({"text": "коротко"}, 422, "text"),
        ({"consent": False}, 422, "consent"),
        ({"category_id": "abc"}, 422, "body.payload.category_id"),
    ],
)
def test_bad_filings_get_a_field_error(
    alice_client, categories, region, extra, status, field
) -> None:
    response = alice_client.post(
        "/api/v1/appeals", payload(categories, region, **extra), content_type="application/json"
    )
    assert response.status_code == status
    fields = [e["field"] for e in response.json()["error"]["details"]["errors"]]
    assert field in fields
    assert not Appeal.objects.exists()


def test_a_nul_byte_in_the_text_is_refused(alice_client, categories, region) -> None:
    response = alice_client.post(
        "/api/v1/appeals",
        payload(categories, region, text="Протекает\u0000 крыша в зале музея"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_filing_needs_a_session(client, categories, region) -> None:
    response = client.post(
        "/api/v1/appeals", payload(categories, region), content_type="application/json"
    )
    assert response.status_code == 401


def test_photos_are_attached_by_multipart(alice_client, file_appeal) -> None:
    appeal = file_appeal()
    response = alice_client.post(
        f"/api/v1/appeals/{appeal.number}/photos", {"files": [jpeg(), jpeg()]}
    )
    assert response.status_code == 201
    assert len(response.json()["photos"]) == 2
    bad = alice_client.post(f"/api/v1/appeals/{appeal.number}/photos", {"files": [jpeg()] * 4})
    assert bad.status_code == 422


def test_the_whole_path_through_the_api(client, people, file_appeal) -> None:
    appeal = file_appeal()
    number = appeal.number
    client.force_login(people.moderator)
    assert (
        client.post(
            f"/api/v1/appeals/{number}/moderation",
            {"decision": "register"},
            content_type="application/json",
        ).json()["status"]
        == "assigned"
    )
    client.force_login(people.executor)
    assert client.post(f"/api/v1/appeals/{number}/take").json()["status"] == "in_progress"
    created = client.post(
        f"/api/v1/appeals/{number}/answers",
        {"text": "Кровлю отремонтировали 12.05 силами подрядчика."},
        content_type="application/json",
    )
    assert created.status_code == 201
    answer_id = created.json()["id"]
    assert created.json()["brushoff_score"] < 0.5
    # The executor may not approve their own answer.
    forbidden = client.post(
        f"/api/v1/appeals/{number}/answers/{answer_id}/approval",
        {},
        content_type="application/json",
    )
    assert forbidden.status_code == 403
    client.force_login(people.supervisor)
    assert (
        client.post(
            f"/api/v1/appeals/{number}/answers/{answer_id}/approval",
            {},
            content_type="application/json",
        ).json()["status"]
        == "answered"
    )
    client.force_login(people.alice)
    done = client.post(
        f"/api/v1/appeals/{number}/feedback",
        {"kind": "confirm", "rating": 5},
        content_type="application/json",
    )
    assert done.json()["status"] == "closed_confirmed" and done.json()["rating"] == 5
    twice = client.post(
        f"/api/v1/appeals/{number}/feedback", {"kind": "confirm"}, content_type="application/json"
    )
    assert twice.status_code == 409
    history = client.get(f"/api/v1/appeals/{number}/history").json()
    assert [h["to_state"] for h in history if h["action"] == "appeal.status"] == [
        "registered",
        "assigned",
        "in_progress",
        "answer_review",
        "answered",
        "closed_confirmed",
    ]


def test_the_public_sees_masked_text_and_no_private_categories(
    client, registered, categories, people, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        public = registered(text="Протекает крыша в зале, звоните 8 910 555-12-34.")
        hidden = registered(category=categories.private)
    listing = client.get("/api/v1/appeals").json()
    assert [a["number"] for a in listing["items"]] == [public.number]
    detail = client.get(f"/api/v1/appeals/{public.number}").json()
    assert "555-12-34" not in detail["text"]
    assert client.get(f"/api/v1/appeals/{hidden.number}").status_code == 404
    client.force_login(people.alice)
    assert client.get(f"/api/v1/appeals/{hidden.number}").status_code == 200
    mine = client.get("/api/v1/appeals/mine").json()
    assert {a["number"] for a in mine["items"]} == {public.number, hidden.number}


def test_submitted_appeals_are_not_public(client, file_appeal, people) -> None:
    appeal = file_appeal()
    assert client.get(f"/api/v1/appeals/{appeal.number}").status_code == 404
    client.force_login(people.bob)
    assert client.get(f"/api/v1/appeals/{appeal.number}").status_code == 404
    client.force_login(people.other_executor)
    assert client.get(f"/api/v1/appeals/{appeal.number}").status_code == 404
    client.force_login(people.moderator)
    assert client.get(f"/api/v1/appeals/{appeal.number}").status_code == 200


def test_filters_of_the_public_list(client, registered, region, people) -> None:
    first = registered()
    registered(institution=region.theatre)
    items = client.get(f"/api/v1/appeals?institution={region.museum.pk}").json()["items"]
    assert [a["number"] for a in items] == [first.number]
    assert client.get("/api/v1/appeals?status=banana").status_code == 422
    assert client.get("/api/v1/appeals/not-a-number").status_code == 422


def test_counters_api(client, registered, people, region) -> None:
    answered(registered(), people)
    registered()
    body = client.get("/api/v1/counters/appeals?group=organization").json()
    museum = next(r for r in body["rows"] if r["key"] == region.museum.pk)
    assert museum["received"] == 2 and museum["answered_on_time"] == 1 and museum["in_work"] == 1
    assert body["total"]["received"] == 2
    assert (
        client.get("/api/v1/counters/appeals?date_from=2026-12-01&date_to=2026-01-01").status_code
        == 422
    )
    assert client.get("/api/v1/counters/appeals?group=planet").status_code == 422


def test_categories_are_listed(client, categories) -> None:
    names = [c["name"] for c in client.get("/api/v1/appeal-categories").json()]
    assert "Покупка билетов" in names
