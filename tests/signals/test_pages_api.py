"""The operator's pages and the signals API: filters, prefilled forms, errors that keep the input."""

from __future__ import annotations

import json

import pytest
from django.test import TestCase

from vmeste.accounts.tokens import token_create
from vmeste.signals.models import Signal

from .conftest import vk_message, vk_wall_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def signals(client, vk_source, categories):
    made = []
    for _n, body in enumerate(
        [
            vk_message("Срочно! В краеведческом музее искрит проводка", message_id=1, event_id="a"),
            vk_wall_post("Спасибо музею за экскурсию", post_id=2, event_id="b"),
            vk_message("Подскажите, когда работает музей?", message_id=3, event_id="c"),
        ]
    ):
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(
                "/hooks/vk/vk-muzej/", data=json.dumps(body), content_type="application/json"
            )
        made.append(Signal.objects.order_by("-pk").first())
    return made


def test_queue_is_sorted_by_priority_and_filtered(client, people, signals):
    client.force_login(people.operator)
    page = client.get("/staff/signals/").content.decode()
    urgent, thanks, question = signals
    assert page.index(f"/staff/signals/{urgent.pk}/") < page.index(f"/staff/signals/{question.pk}/")
    assert page.index(f"/staff/signals/{question.pk}/") < page.index(f"/staff/signals/{thanks.pk}/")
    only = client.get("/staff/signals/", {"kind": "thanks"}).content.decode()
    assert f"/staff/signals/{thanks.pk}/" in only and f"/staff/signals/{urgent.pk}/" not in only
    # A bad filter value is ignored, not a server error.
    assert (
        client.get("/staff/signals/", {"kind": "x", "source": "zzz", "page": "-1"}).status_code
        == 200
    )


def test_card_form_errors_keep_the_input(client, people, signals):
    client.force_login(people.operator)
    urgent = signals[0]
    response = client.post(
        f"/staff/signals/{urgent.pk}/appeal/", {"appeal-text": "Мой текст обращения"}
    )
    assert response.status_code == 422
    assert "Мой текст обращения" in response.content.decode()
    assert "Выберите категорию из списка." in response.content.decode()
    response = client.post(f"/staff/signals/{urgent.pk}/dismiss/", {"dismiss-reason": "other"})
    assert response.status_code == 422
    assert "Напишите, почему сигнал отклонён." in response.content.decode()
    response = client.post(f"/staff/signals/{urgent.pk}/dismiss/", {"dismiss-reason": "noise"})
    assert response.status_code == 302
    urgent.refresh_from_db()
    assert urgent.status == Signal.Status.DISMISSED


def test_api_queue_detail_and_actions(client, people, signals, categories, region):
    token = token_create(user=people.operator, name="crm")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/v1/signals", **auth).json()
    assert [s["id"] for s in listed["items"]] == [signals[0].pk, signals[2].pk, signals[1].pk]
    detail = client.get(f"/api/v1/signals/{signals[0].pk}", **auth).json()
    assert detail["kind"] == "complaint" and detail["urgency"] == 2
    assert detail["institution_id"] == region.museum.pk
    assert detail["reasons"]["institution"] == "краеведческом музее"
    created = client.post(
        f"/api/v1/signals/{signals[0].pk}/appeal",
        data={
            "category_id": categories.building.pk,
            "text": detail["clean_text"],
            "institution_id": region.museum.pk,
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    assert created.json()["signal"]["appeal_number"] == created.json()["number"]
    again = client.post(
        f"/api/v1/signals/{signals[0].pk}/dismissal",
        data={"reason": "noise"},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 409
    bad = client.post(
        f"/api/v1/signals/{signals[2].pk}/dismissal",
        data={"reason": "bored"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    answered = client.post(
        f"/api/v1/signals/{signals[2].pk}/answer",
        data={"text": "Музей работает с 10 до 18, кроме понедельника."},
        content_type="application/json",
        **auth,
    )
    assert answered.status_code == 200
    assert answered.json()["status"] == "answered"
    assert answered.json()["replies"][0]["method"] == "vk_message"
    counters = client.get("/api/v1/signals-counters").json()
    assert counters["total"] == 3 and counters["on_time"] == 2


def test_api_hides_signals_from_other_staff(client, people, signals):
    token = token_create(user=people.executor, name="x")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/signals", **auth).status_code == 403
    assert client.get(f"/api/v1/signals/{signals[0].pk}", **auth).status_code == 404
    response = client.post(
        f"/api/v1/signals/{signals[0].pk}/dismissal",
        data={"reason": "noise"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404


def test_dashboard_counts_first_reactions(client, people, signals):
    from vmeste.signals import services

    services.signal_dismiss(actor=people.operator, signal=signals[1], reason="thanks")
    page = client.get("/dashboard/").content.decode()
    assert "Сигналы из социальных сетей" in page
    block = page[page.index("Сигналы из социальных сетей") :]
    assert "<strong>3</strong> поступило" in block
    assert "<strong>1</strong> реакция в срок" in block
