"""Pages of projects and ideas, and their query counts."""

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.ideas.conftest import day, propose, published, shortlisted
from vmeste.ideas.models import Idea, IdeaStatus


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_idea_list_and_project_page_use_a_constant_number_of_queries(
    client, project, people
) -> None:
    published(project, people, people.alice, "Первая идея проекта")
    with time_machine.travel(day(5), tick=False):
        few = _count_queries(client, project.get_absolute_url())
        few_api = _count_queries(client, f"/api/v1/projects/{project.slug}/ideas")
    for n in range(15):
        author = UserFactory()
        published(project, people, author, f"Идея жителя номер {n}")
    with time_machine.travel(day(5), tick=False):
        assert _count_queries(client, project.get_absolute_url()) == few
        assert _count_queries(client, f"/api/v1/projects/{project.slug}/ideas") == few_api


def test_project_list_groups_by_phase(client, project) -> None:
    with time_machine.travel(day(5), tick=False):
        page = client.get("/projects/").content.decode()
    active = page.index("Идут сейчас")
    assert page.index("Культура онлайн", active) < page.index("Скоро", active)


def test_idea_page_shows_history_and_vote_button(client, project, people) -> None:
    idea = shortlisted(project, people)
    client.force_login(people.bob)
    with time_machine.travel(day(22), tick=False):
        page = client.get(idea.get_absolute_url()).content.decode()
        assert "Проголосовать" in page or "Vote for this idea" in page
        client.post(f"/projects/{project.slug}/ideas/{idea.pk}/vote/")
        page = client.get(idea.get_absolute_url()).content.decode()
        assert "Отозвать мой голос" in page or "Withdraw my vote" in page
        response = client.post(f"/projects/{project.slug}/ideas/{idea.pk}/vote/", follow=True)
        assert (
            "уже проголосовали" in response.content.decode()
            or "already voted" in response.content.decode()
        )
    assert Idea.objects.get(pk=idea.pk).vote_count == 1


def test_propose_through_the_form_with_a_draft_first(client, project, people) -> None:
    client.force_login(people.alice)
    direction = project.directions.first()
    with time_machine.travel(day(1), tick=False):
        form = client.get(f"/projects/{project.slug}/propose/")
        assert form.status_code == 200
        bad = client.post(
            f"/projects/{project.slug}/propose/",
            {"title": "", "text": "x" * 20001, "direction": direction.pk, "draft": "1"},
        )
        assert bad.status_code == 200 and "x" * 100 in bad.content.decode()
        client.post(
            f"/projects/{project.slug}/propose/",
            {
                "title": "Онлайн-лекторий",
                "text": "Записывать лекции учёных музея.",
                "direction": direction.pk,
                "draft": "1",
            },
        )
        idea = Idea.objects.get()
        assert idea.status == IdeaStatus.DRAFT
        client.post(
            f"/projects/{project.slug}/ideas/{idea.pk}/edit/",
            {
                "title": "Онлайн-лекторий музея",
                "text": idea.text,
                "direction": direction.pk,
                "submit": "1",
            },
        )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED and idea.title == "Онлайн-лекторий музея"


def test_similar_ideas_while_typing(client, project, people) -> None:
    published(project, people, people.alice, "Виртуальный тур по краеведческому музею")
    published(project, people, people.bob, "Детская площадка в парке")
    body = client.get(
        f"/projects/{project.slug}/similar/",
        {"title": "тур по музею", "text": "виртуальная экскурсия по залам музея"},
    ).content.decode()
    assert "Виртуальный тур по краеведческому музею" in body and "Детская площадка" not in body
    api = client.get(
        f"/api/v1/projects/{project.slug}/similar", {"text": "виртуальный тур по музеям"}
    ).json()
    assert api and api[0]["title"] == "Виртуальный тур по краеведческому музею"


def test_staff_pages(client, project, people, experts) -> None:
    idea = propose(project, people.alice)
    client.force_login(people.moderator)
    assert idea.title in client.get("/projects/moderation/").content.decode()
    client.post(
        f"/projects/{project.slug}/ideas/{idea.pk}/moderate/",
        {"decision": "publish", "reason": "", "note": ""},
    )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PUBLISHED
    client.force_login(people.expert)
    with time_machine.travel(day(12), tick=False):
        assert idea.title in client.get(f"/projects/{project.slug}/experts/").content.decode()
        data = {f"score_{c.pk}": "8" for c in project.criteria.all()}
        client.post(f"/projects/{project.slug}/ideas/{idea.pk}/review/", data)
        client.force_login(people.project_admin)
        table = client.get(f"/projects/{project.slug}/commission/").content.decode()
        assert "8.0 ± 0" in table or "8,0 ± 0" in table or "8 ± 0" in table
        client.post(
            f"/projects/{project.slug}/ideas/{idea.pk}/decide/",
            {"decision": "shortlist", "reason": ""},
        )
        assert client.get(f"/projects/{project.slug}/edit/").status_code == 200
        client.force_login(people.bob)
        assert client.get(f"/projects/{project.slug}/commission/").status_code == 403
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SHORTLISTED


def test_project_admin_creates_a_draft_project_and_publishes(client, people, region) -> None:
    client.force_login(people.project_admin)
    data = {
        "title": "Библиотеки будущего",
        "slug": "biblioteki",
        "summary": "",
        "description": "Идеи для библиотек.",
        "organizer": region.department.pk,
        "ideas_per_participant": 2,
        "votes_per_participant": 3,
        "participation": "everyone",
        "winner_rule": "top_overall",
        "winners_count": 3,
        "directions": "Пространство | Зоны для работы\nСервисы",
        "criteria": "Польза | 2 | 10",
        "stage_propose_start": "2027-01-10T10:00",
        "stage_propose_end": "2027-02-10T10:00",
        "stage_vote_start": "2027-01-01T10:00",
        "stage_vote_end": "2027-03-01T10:00",
    }
    bad = client.post("/projects/new/", data)
    assert bad.status_code == 200  # the vote cannot start before the proposals
    data["stage_vote_start"] = "2027-02-20T10:00"
    client.post("/projects/new/", data)
    from vmeste.ideas.models import Project

    project = Project.objects.get(slug="biblioteki")
    assert not project.is_published and project.directions.count() == 2
    assert client.get("/projects/biblioteki/").status_code == 200
    client.logout()
    assert client.get("/projects/biblioteki/").status_code == 404


def test_commission_assigns_experts_and_the_cabinet_lists_ideas(client, project, people) -> None:
    idea = shortlisted(project, people)
    client.force_login(people.project_admin)
    with time_machine.travel(day(12), tick=False):
        client.post(
            f"/projects/{project.slug}/commission/", {"expert": people.expert.pk, "idea": idea.pk}
        )
        bad = client.post(f"/projects/{project.slug}/commission/", {"expert": people.expert.pk})
        assert bad.status_code == 200 and (
            "направление" in bad.content.decode() or "direction" in bad.content.decode()
        )
    assert project.expert_assignments.filter(expert=people.expert, idea=idea).exists()
    client.force_login(people.alice)
    page = client.get("/projects/mine/").content.decode()
    assert idea.title in page


def test_a_cover_is_checked_and_shown(client, project, people, region) -> None:
    from tests.appeals.conftest import jpeg

    client.force_login(people.project_admin)
    data = {
        "title": project.title,
        "slug": project.slug,
        "summary": "",
        "description": project.description,
        "organizer": region.department.pk,
        "ideas_per_participant": 2,
        "votes_per_participant": 2,
        "participation": "everyone",
        "winner_rule": "top_overall",
        "winners_count": 1,
        "stage_propose_start": "2026-03-02T12:00",
        "stage_propose_end": "2026-03-12T12:00",
        "cover": jpeg(800, 300),
    }
    client.post(f"/projects/{project.slug}/edit/", data)
    project.refresh_from_db()
    assert project.cover.name.endswith(".jpg")
    assert project.cover.url in client.get(project.get_absolute_url()).content.decode()
