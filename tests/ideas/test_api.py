import time_machine

from tests.ideas.conftest import day, shortlisted


def test_propose_vote_and_read_through_the_api(client, project, people) -> None:
    client.force_login(people.alice)
    direction = project.directions.first()
    with time_machine.travel(day(1), tick=False):
        bad = client.post(
            f"/api/v1/projects/{project.slug}/ideas",
            {"title": "", "text": "x", "direction_id": direction.pk},
            content_type="application/json",
        )
        assert bad.status_code == 422
        created = client.post(
            f"/api/v1/projects/{project.slug}/ideas",
            {
                "title": "Онлайн-лекторий",
                "text": "Записывать лекции учёных музея.",
                "direction_id": direction.pk,
                "submit": True,
            },
            content_type="application/json",
        )
    assert created.status_code == 201 and created.json()["status"] == "submitted"
    assert (
        client.get(f"/api/v1/ideas/{created.json()['id']}").status_code == 200
    )  # the author sees it
    client.logout()
    assert client.get(f"/api/v1/ideas/{created.json()['id']}").status_code == 404  # nobody else yet
    idea = shortlisted(project, people, people.bob, "Виртуальный тур по залам")
    client.force_login(people.alice)
    with time_machine.travel(day(19), tick=False):
        early = client.post(f"/api/v1/ideas/{idea.pk}/vote")
        assert early.status_code == 403
    with time_machine.travel(day(22), tick=False):
        assert client.post(f"/api/v1/ideas/{idea.pk}/vote").json() == {
            "idea_id": idea.pk,
            "vote_count": 1,
            "voted": True,
        }
        assert client.post(f"/api/v1/ideas/{idea.pk}/vote").status_code == 409
        assert client.delete(f"/api/v1/ideas/{idea.pk}/vote").json()["vote_count"] == 0
    listing = client.get(f"/api/v1/projects/{project.slug}/ideas?status=shortlisted").json()
    assert [i["id"] for i in listing["items"]] == [idea.pk]
    detail = client.get(f"/api/v1/projects/{project.slug}").json()
    assert detail["counter"]["shortlisted"] == 1 and len(detail["directions"]) == 2
    assert client.get("/api/v1/projects/no-such").status_code == 404
    assert client.get(f"/api/v1/projects/{project.slug}/ideas?sort=random").status_code == 422


def test_results_through_the_api(client, project, people) -> None:
    idea = shortlisted(project, people)
    client.force_login(people.project_admin)
    with time_machine.travel(day(26), tick=False):
        body = client.post(f"/api/v1/projects/{project.slug}/results").json()
    assert (
        body["announced_at"]
        and body["ranking"][0]["id"] == idea.pk
        and body["ranking"][0]["status"] == "winner"
    )
    client.force_login(people.bob)
    assert (
        client.post(f"/api/v1/projects/{project.slug}/results").status_code == 200
    )  # idempotent for anyone once done


def test_experts_rewards_comment_edit_and_stats(client, project, people) -> None:
    idea = shortlisted(project, people)
    client.force_login(people.project_admin)
    body = {"expert_id": people.expert.pk, "direction_id": project.directions.first().pk}
    assert (
        client.post(
            f"/api/v1/projects/{project.slug}/experts", body, content_type="application/json"
        ).status_code
        == 201
    )
    client.force_login(people.bob)
    assert (
        client.post(
            f"/api/v1/projects/{project.slug}/experts", body, content_type="application/json"
        ).status_code
        == 403
    )
    with time_machine.travel(day(17), tick=False):
        created = client.post(
            f"/api/v1/ideas/{idea.pk}/comments",
            {"text": "Хорошая идея"},
            content_type="application/json",
        ).json()
        edited = client.put(
            f"/api/v1/ideas/{idea.pk}/comments/{created['id']}",
            {"text": "Отличная идея"},
            content_type="application/json",
        )
        assert edited.json()["text"] == "Отличная идея"
    client.force_login(people.project_admin)
    with time_machine.travel(day(26), tick=False):
        client.post(f"/api/v1/projects/{project.slug}/results")
        assert (
            client.post(
                f"/api/v1/ideas/{idea.pk}/rewards",
                {"what": "Абонемент", "handed_over": True},
                content_type="application/json",
            ).status_code
            == 201
        )
    stats = client.get("/api/v1/stats/ideas").json()
    assert stats["winners"] == 1 and stats["selected"] == 1 and stats["projects"] == 1


def test_following_through_the_api(client, project, people) -> None:
    idea = shortlisted(project, people)
    client.force_login(people.bob)
    assert client.post(f"/api/v1/ideas/{idea.pk}/follow").json() == {"following": True}
    assert client.post(f"/api/v1/ideas/{idea.pk}/follow").json() == {"following": False}
    assert client.post(f"/api/v1/projects/{project.slug}/follow").json() == {"following": True}
