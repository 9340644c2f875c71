"""The moderation, review, improvement and implementation actions of the ideas API."""

import time_machine

from tests.ideas.conftest import day, propose, published


def post(client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def test_projects_list_by_phase(client, project) -> None:
    with time_machine.travel(day(5), tick=False):
        assert [p["slug"] for p in client.get("/api/v1/projects?phase=active").json()] == [
            project.slug
        ]
        assert client.get("/api/v1/projects?phase=finished").json() == []
        assert client.get("/api/v1/projects?phase=later").status_code == 422


def test_moderation_withdrawal_and_reports(client, project, people) -> None:
    idea = propose(project, people.alice)
    client.force_login(people.bob)
    assert post(
        client, f"/api/v1/ideas/{idea.pk}/moderation", {"decision": "publish"}
    ).status_code in (403, 404)
    client.force_login(people.moderator)
    rejected = post(
        client, f"/api/v1/ideas/{idea.pk}/moderation", {"decision": "reject", "reason": ""}
    )
    assert rejected.status_code == 422
    assert (
        post(client, f"/api/v1/ideas/{idea.pk}/moderation", {"decision": "publish"}).json()[
            "status"
        ]
        == "published"
    )
    client.force_login(people.bob)
    with time_machine.travel(day(3), tick=False):
        assert (
            post(client, f"/api/v1/ideas/{idea.pk}/reports", {"reason": "spam"}).status_code == 201
        )
        assert (
            post(client, f"/api/v1/ideas/{idea.pk}/reports", {"reason": "spam"}).status_code == 409
        )
        client.force_login(people.alice)
        assert post(client, f"/api/v1/ideas/{idea.pk}/withdrawal").json()["status"] == "withdrawn"


def test_review_decision_suggestion_and_implementation(
    client, project, people, experts, region
) -> None:
    idea = published(project, people)
    criteria = [c.pk for c in project.criteria.all()]
    with time_machine.travel(day(12), tick=False):
        client.force_login(people.expert)
        bad = post(
            client,
            f"/api/v1/ideas/{idea.pk}/reviews",
            {"scores": [{"criterion_id": criteria[0], "value": 5}]},
        )
        assert bad.status_code == 422
        good = post(
            client,
            f"/api/v1/ideas/{idea.pk}/reviews",
            {"scores": [{"criterion_id": c, "value": 7} for c in criteria]},
        )
        assert good.status_code == 201
        client.force_login(people.project_admin)
        decided = post(
            client,
            f"/api/v1/ideas/{idea.pk}/decision",
            {"decision": "shortlist", "reason": "Полезно"},
        )
        assert decided.json()["status"] == "shortlisted"
    with time_machine.travel(day(17), tick=False):
        client.force_login(people.bob)
        suggestion = post(
            client, f"/api/v1/ideas/{idea.pk}/suggestions", {"text": idea.text + " С субтитрами."}
        ).json()
        assert suggestion["state"] == "pending"
        client.force_login(people.alice)
        accepted = post(
            client, f"/api/v1/suggestions/{suggestion['id']}/decision", {"accept": True}
        )
        assert accepted.json()["state"] == "accepted"
        assert client.get(f"/api/v1/ideas/{idea.pk}").json()["version"] == 2
    with time_machine.travel(day(26), tick=False):
        client.force_login(people.project_admin)
        post(client, f"/api/v1/projects/{project.slug}/results")
        updated = post(
            client,
            f"/api/v1/ideas/{idea.pk}/implementation",
            {"status": "in_progress", "progress": 30, "note": "Снимаем"},
        )
        assert updated.json()["progress"] == 30
        cancelled = post(
            client,
            f"/api/v1/ideas/{idea.pk}/implementation",
            {"status": "cancelled", "progress": 30, "note": ""},
        )
        assert cancelled.status_code == 422


def test_a_suggestion_to_a_not_shortlisted_idea_is_refused(client, project, people) -> None:
    idea = published(project, people)
    client.force_login(people.bob)
    with time_machine.travel(day(17), tick=False):
        assert (
            post(
                client, f"/api/v1/ideas/{idea.pk}/suggestions", {"text": idea.text + " Иначе."}
            ).status_code
            == 403
        )
