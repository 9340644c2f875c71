"""Every API write × every role × the expected answer, each role on the same fresh objects.

Generated from the committed OpenAPI document: a write operation without a row here fails the
test. Each operation gets one world (appeals in every state, an idea, a comment, a token, a
signal); each role's request runs inside a savepoint that is rolled back afterwards, so every role
meets the objects in the same state and one role's success does not decide the next one's answer.
Bodies are valid, so the answers say who may, not what is well-formed: 2xx allowed; 401 anonymous;
403 not allowed here; 404 not visible to this person; 409 allowed in general, not in this state.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from tests.access.test_api_matrix import OPERATIONS
from tests.access.test_matrix import ROLES, SIGNED_IN
from tests.factories import signal_in
from vmeste.accounts.tokens import token_create
from vmeste.appeals import services as appeal_services
from vmeste.ideas import services as idea_services

ANON = {"anonymous": 401}


def only(code: int, **allowed: int) -> dict[str, int]:
    """Everybody signed in gets ``code`` except the ``allowed`` roles; anonymous gets 401."""
    return {**ANON, **dict.fromkeys(SIGNED_IN, code), **allowed}


# A submitted or returned appeal is seen only by its author and the museum's staff; a registered
# one is public, so people outside the museum get 403 for its staff actions, not 404.
UNSEEN = dict.fromkeys(["bob", "expert", "other_executor", "operator", "project_admin"], 404)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def world(region, people, categories, file_appeal, registered) -> dict[str, Any]:
    submitted = file_appeal()
    assigned = registered()
    in_work = appeal_services.appeal_take(actor=people.executor, appeal=registered())
    review = appeal_services.appeal_take(actor=people.executor, appeal=registered())
    answer = appeal_services.answer_submit(
        actor=people.executor,
        appeal=review,
        text="Кровлю отремонтировали 12.05, подрядчик ООО «Кровля», экспонаты на месте.",
    )
    clarification = appeal_services.appeal_clarification_ask(
        actor=people.executor,
        appeal=appeal_services.appeal_take(actor=people.executor, appeal=registered()),
        question="В каком зале?",
    )
    returned = appeal_services.appeal_moderate(
        actor=people.moderator, appeal=file_appeal(), decision="return", reason="Уточните зал"
    )
    answered = appeal_services.appeal_take(actor=people.executor, appeal=registered())
    published = appeal_services.answer_submit(
        actor=people.executor,
        appeal=answered,
        text="Кровлю отремонтировали 12.05, подрядчик ООО «Кровля», экспонаты на месте.",
    )
    appeal_services.answer_approve(actor=people.supervisor, answer=published)
    now = timezone.now()
    project = idea_services.project_save(
        actor=people.project_admin,
        project=None,
        title="Культура онлайн",
        slug="kultura",
        organizer=region.department,
        description="Идеи.",
        stages={
            "propose": (now - dt.timedelta(days=1), now + dt.timedelta(days=5)),
            "review": (now - dt.timedelta(days=1), now + dt.timedelta(days=5)),
        },
        criteria=[("Польза", 1, 10)],
    )
    idea_services.project_publish(actor=people.project_admin, project=project)
    idea = idea_services.idea_save(
        actor=people.alice,
        project=project,
        title="Виртуальный тур",
        text="Снять панорамы всех залов и сделать тур с подписями.",
        submit=True,
    )
    idea = idea_services.idea_moderate(actor=people.moderator, idea=idea, decision="publish")
    waiting = idea_services.idea_save(
        actor=people.bob,
        project=project,
        title="Аудиогид",
        text="Записать аудиогид по всем залам музея.",
        submit=True,
    )
    idea_services.experts_assign(
        actor=people.project_admin, project=project, expert=people.expert, idea=idea
    )
    comment = idea_services.comment_add(
        actor=people.alice, idea=idea, text="Хорошо бы с субтитрами"
    )
    token = token_create(user=people.alice, name="телефон")[0]
    signal = signal_in(region.centre)
    return {
        "SUBMITTED": submitted.number,
        "ASSIGNED": assigned.number,
        "IN_WORK": in_work.number,
        "REVIEW": review.number,
        "ANSWER": str(answer.pk),
        "CLARIFICATION": clarification.number,
        "RETURNED": returned.number,
        "ANSWERED": answered.number,
        "IDEA": str(idea.pk),
        "WAITING": str(waiting.pk),
        "COMMENT": str(comment.pk),
        "TOKEN": str(token.pk),
        "SIGNAL": str(signal.pk),
        "expert_id": people.expert.pk,
        "category_id": categories.building.pk,
        "museum_id": region.museum.pk,
        "library_id": region.library.pk,
    }


# (method, path) → (placeholders, body, expected per role); the body may use the world's ids.
WRITES: dict[tuple[str, str], tuple[dict[str, str], Any, dict[str, int]]] = {
    ("POST", "/api/v1/appeals"): (
        {},
        lambda w: {
            "category_id": w["category_id"],
            "text": "В зале музея холодно, +15.",
            "consent": True,
        },
        only(201),
    ),
    ("POST", "/api/v1/appeals/{number}/answers"): (
        {"number": "IN_WORK"},
        {"text": "Отопление починили 12.05, бригада ООО «Тепло», температура +21."},
        only(403, executor=201, supervisor=201, admin=201),
    ),
    ("POST", "/api/v1/appeals/{number}/answers/{answer_id}/approval"): (
        {"number": "REVIEW", "answer_id": "ANSWER"},
        {"comment": ""},
        only(403, supervisor=200, admin=200),
    ),
    ("POST", "/api/v1/appeals/{number}/answers/{answer_id}/return"): (
        {"number": "REVIEW", "answer_id": "ANSWER"},
        {"comment": "Укажите дату"},
        only(403, supervisor=200, admin=200),
    ),
    ("POST", "/api/v1/appeals/{number}/clarification"): (
        {"number": "IN_WORK"},
        {"question": "В каком зале?"},
        only(403, executor=200, supervisor=200, admin=200),
    ),
    # Only the author answers a clarification or the answer: not staff, not even an admin.
    ("POST", "/api/v1/appeals/{number}/clarification/reply"): (
        {"number": "CLARIFICATION"},
        {"text": "Во втором зале"},
        only(403, alice=200),
    ),
    ("POST", "/api/v1/appeals/{number}/feedback"): (
        {"number": "ANSWERED"},
        {"kind": "confirm", "rating": 5},
        only(403, alice=200),
    ),
    ("POST", "/api/v1/appeals/{number}/extension"): (
        {"number": "IN_WORK"},
        {"days": 5, "reason": "Нужна экспертиза кровли"},
        only(403, supervisor=200, admin=200),
    ),
    ("POST", "/api/v1/appeals/{number}/moderation"): (
        {"number": "SUBMITTED"},
        {"decision": "register"},
        {**only(403, moderator=200, supervisor=200, admin=200), **UNSEEN},
    ),
    ("POST", "/api/v1/appeals/{number}/photos"): (
        {"number": "SUBMITTED"},
        "PHOTO",
        {**only(403, alice=201), **UNSEEN},
    ),
    ("POST", "/api/v1/appeals/{number}/reassignment"): (
        {"number": "IN_WORK"},
        lambda w: {"organization_id": w["library_id"], "reason": "Это не наш зал"},
        only(403, supervisor=200, admin=200),
    ),
    ("POST", "/api/v1/appeals/{number}/resubmission"): (
        {"number": "RETURNED"},
        {"text": "В зале древней истории протекает крыша, на полу вёдра."},
        {**only(403, alice=200), **UNSEEN},
    ),
    ("POST", "/api/v1/appeals/{number}/take"): (
        {"number": "ASSIGNED"},
        None,
        only(403, executor=200, supervisor=200, admin=200),
    ),
    # A published idea is no longer edited or withdrawn, not even by its author.
    ("PUT", "/api/v1/ideas/{idea_id}"): (
        {"idea_id": "IDEA"},
        {"title": "Виртуальный тур 2", "text": "Снять панорамы всех залов и сделать тур."},
        only(403),
    ),
    ("POST", "/api/v1/ideas/{idea_id}/withdrawal"): ({"idea_id": "IDEA"}, None, only(403)),
    ("POST", "/api/v1/ideas/{idea_id}/comments"): (
        {"idea_id": "IDEA"},
        {"text": "Поддерживаю"},
        only(201),
    ),
    ("PUT", "/api/v1/ideas/{idea_id}/comments/{comment_id}"): (
        {"idea_id": "IDEA", "comment_id": "COMMENT"},
        {"text": "Хорошо бы с субтитрами и жестовым языком"},
        only(403, alice=200),
    ),
    ("POST", "/api/v1/ideas/{idea_id}/decision"): (
        {"idea_id": "IDEA"},
        {"decision": "shortlist"},
        only(403, project_admin=200, admin=200),
    ),
    ("POST", "/api/v1/ideas/{idea_id}/follow"): ({"idea_id": "IDEA"}, None, only(200)),
    # Stage-bound: nobody before the implementation, improvement and voting stages.
    ("POST", "/api/v1/ideas/{idea_id}/implementation"): (
        {"idea_id": "IDEA"},
        {"status": "in_progress", "progress": 10},
        only(403),
    ),
    ("POST", "/api/v1/ideas/{idea_id}/rewards"): (
        {"idea_id": "IDEA"},
        {"what": "Билеты в музей"},
        only(403, project_admin=409, admin=409),
    ),
    ("POST", "/api/v1/ideas/{idea_id}/suggestions"): (
        {"idea_id": "IDEA"},
        {"text": "Панорамы залов с подписями", "comment": "Так понятнее"},
        only(403),
    ),
    ("DELETE", "/api/v1/ideas/{idea_id}/vote"): ({"idea_id": "IDEA"}, None, only(403)),
    ("POST", "/api/v1/ideas/{idea_id}/vote"): ({"idea_id": "IDEA"}, None, only(403)),
    # An idea waiting for moderation: its author sees it, moderators decide, others see nothing.
    ("POST", "/api/v1/ideas/{idea_id}/moderation"): (
        {"idea_id": "WAITING"},
        {"decision": "publish"},
        only(404, bob=403, moderator=200, project_admin=200, admin=200),
    ),
    ("POST", "/api/v1/ideas/{idea_id}/reports"): (
        {"idea_id": "IDEA"},
        {"reason": "spam"},
        only(201),
    ),
    # Only the assigned expert reviews (a declared conflict of interest is a review too).
    ("POST", "/api/v1/ideas/{idea_id}/reviews"): (
        {"idea_id": "IDEA"},
        {"scores": [], "comment": "Я соавтор", "conflict_of_interest": True},
        only(403, expert=201),
    ),
    ("PUT", "/api/v1/me"): ({}, {"display_name": "Новое имя"}, only(200)),
    ("POST", "/api/v1/me/notifications/read"): ({}, {"ids": []}, only(200)),
    ("POST", "/api/v1/me/tokens"): ({}, {"name": "скрипт"}, only(201)),
    # Another person's token does not exist for you.
    ("DELETE", "/api/v1/me/tokens/{token_id}"): ({"token_id": "TOKEN"}, None, only(404, alice=200)),
    ("POST", "/api/v1/projects/{slug}/experts"): (
        {"slug": "kultura"},
        lambda w: {"expert_id": w["expert_id"], "idea_id": int(w["WAITING"])},
        only(403, project_admin=201, admin=201),
    ),
    ("POST", "/api/v1/projects/{slug}/follow"): ({"slug": "kultura"}, None, only(200)),
    ("POST", "/api/v1/projects/{slug}/ideas"): (
        {"slug": "kultura"},
        {
            "title": "Квест по музею",
            "text": "Квест для школьников по всем залам музея.",
            "submit": True,
        },
        only(201),
    ),
    # Announcing the results early is the organizer's call.
    ("POST", "/api/v1/projects/{slug}/results"): (
        {"slug": "kultura"},
        None,
        only(403, project_admin=200, admin=200),
    ),
    **{
        ("POST", f"/api/v1/signals/{{signal_id}}/{action}"): (
            {"signal_id": "SIGNAL"},
            body,
            only(404, operator=code, admin=code),
        )
        for action, body, code in [
            ("answer", {"text": "Передали в музей, спасибо!"}, 200),
            (
                "appeal",
                lambda w: {
                    "category_id": w["category_id"],
                    "text": "Не работает гардероб",
                    "institution_id": w["museum_id"],
                },
                201,
            ),
            ("attach", lambda w: {"number": w["ANSWERED"]}, 200),
            ("dismissal", {"reason": "noise"}, 200),
        ]
    },
    ("POST", "/api/v1/suggestions/{suggestion_id}/decision"): (
        {"suggestion_id": "999999"},
        {"accept": True},
        only(404),
    ),
}


def test_every_write_has_a_rule() -> None:
    writes = {op for op in OPERATIONS if op[0] != "GET"}
    assert writes == set(WRITES), "write operations without a row in test_api_write_matrix.py"


def _url(path: str, placeholders: dict[str, str], world: dict[str, Any]) -> str:
    for name, key in placeholders.items():
        path = path.replace("{" + name + "}", str(world.get(key, key)))
    return path


@pytest.mark.parametrize(("method", "path"), sorted(WRITES), ids=lambda v: str(v))
def test_who_may_write(method, path, client, people, world) -> None:
    placeholders, body, expected = WRITES[(method, path)]
    url = _url(path, placeholders, world)
    got = {}
    for role in ROLES:
        client.logout()
        user = people.get(role)
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            if body == "PHOTO":
                files = SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg")
                response = client.post(url, {"files": [files]})
            else:
                data = body(world) if callable(body) else body
                response = client.generic(
                    method,
                    url,
                    "" if data is None else json.dumps(data),
                    content_type="application/json",
                )
            got[role] = response.status_code
            transaction.set_rollback(True)
    if os.environ.get("PRINT_MATRIX"):  # `PRINT_MATRIX=1 pytest -s …` shows what a new row needs
        print("MATRIX", method, path, got)
    assert got == expected, url
