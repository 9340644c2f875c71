"""The staff and author actions of the appeals API that the main path does not take."""

from tests.appeals.conftest import TEXT


def post(client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def test_clarification_and_reply(client, registered, people) -> None:
    appeal = registered()
    client.force_login(people.executor)
    post(client, f"/api/v1/appeals/{appeal.number}/take")
    asked = post(
        client,
        f"/api/v1/appeals/{appeal.number}/clarification",
        {"question": "В каком зале протекает?"},
    )
    assert asked.status_code == 200 and asked.json()["status"] == "clarification"
    assert (
        post(
            client,
            f"/api/v1/appeals/{appeal.number}/clarification/reply",
            {"text": "В зале истории."},
        ).status_code
        == 403
    )
    client.force_login(people.alice)
    replied = post(
        client,
        f"/api/v1/appeals/{appeal.number}/clarification/reply",
        {"text": "В зале древней истории."},
    )
    assert replied.json()["status"] == "in_progress"


def test_return_an_answer(client, registered, people) -> None:
    appeal = registered()
    client.force_login(people.executor)
    answer_id = post(
        client,
        f"/api/v1/appeals/{appeal.number}/answers",
        {"text": "Информация принята к сведению, вопрос на контроле."},
    ).json()["id"]
    client.force_login(people.supervisor)
    returned = post(
        client,
        f"/api/v1/appeals/{appeal.number}/answers/{answer_id}/return",
        {"comment": "Это отписка, нужны сроки"},
    )
    assert returned.json()["status"] == "in_progress"
    again = post(
        client,
        f"/api/v1/appeals/{appeal.number}/answers/{answer_id}/return",
        {"comment": "Ещё раз"},
    )
    assert again.status_code == 409
    assert (
        post(
            client,
            f"/api/v1/appeals/{appeal.number}/answers/999999/return",
            {"comment": "Нет такого"},
        ).status_code
        == 404
    )


def test_extension_and_reassignment(client, registered, people, region) -> None:
    appeal = registered()
    client.force_login(people.supervisor)
    extended = post(
        client,
        f"/api/v1/appeals/{appeal.number}/extension",
        {"days": 3, "reason": "Нужна экспертиза"},
    )
    assert extended.status_code == 200 and extended.json()["due_at"] > appeal.due_at.isoformat()
    assert (
        post(
            client, f"/api/v1/appeals/{appeal.number}/extension", {"days": 3, "reason": "Ещё раз"}
        ).status_code
        == 409
    )
    assert (
        post(
            client, f"/api/v1/appeals/{appeal.number}/extension", {"days": 99, "reason": "Слишком"}
        ).status_code
        == 422
    )
    moved = post(
        client,
        f"/api/v1/appeals/{appeal.number}/reassignment",
        {"organization_id": region.theatre.pk, "reason": "Это зал театра"},
    )
    assert moved.json()["organization_id"] == region.theatre.pk
    assert (
        post(
            client,
            f"/api/v1/appeals/{appeal.number}/reassignment",
            {"organization_id": 999999, "reason": "Куда-то"},
        ).status_code
        == 404
    )
    client.force_login(people.executor)
    assert post(
        client, f"/api/v1/appeals/{appeal.number}/extension", {"days": 1, "reason": "Прошу"}
    ).status_code in (403, 404)


def test_resubmission_after_a_return(client, file_appeal, people) -> None:
    appeal = file_appeal()
    client.force_login(people.moderator)
    post(
        client,
        f"/api/v1/appeals/{appeal.number}/moderation",
        {"decision": "return", "reason": "Уточните зал"},
    )
    client.force_login(people.alice)
    resubmitted = post(
        client,
        f"/api/v1/appeals/{appeal.number}/resubmission",
        {"text": TEXT + " Зал древней истории."},
    )
    assert resubmitted.json()["status"] == "submitted"
    assert (
        post(
            client, f"/api/v1/appeals/{appeal.number}/resubmission", {"text": "коротко"}
        ).status_code
        == 422
    )
