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
    # An answer sent from a second tab after the dismissal: refused with a reason, and the
    # answer typed there is still on the page to copy.
    response = client.post(
        f"/staff/signals/{urgent.pk}/answer/", {"answer-text": "Проводку проверит электрик"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Этот сигнал уже разобран." in page
    assert "Проводку проверит электрик" in page
    urgent.refresh_from_db()
    assert urgent.status == Signal.Status.DISMISSED and not urgent.replies.exists()


def test_a_private_message_gets_its_photo_from_the_operator(client, people, signals, categories):
    """A category that asks for a photo: a private message has no public post that keeps it,
    so the operator attaches the photo from the chat to the appeal."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    categories.building.requires_photo = True
    categories.building.save()
    client.force_login(people.operator)
    question = signals[2]  # a private message: no link to a post
    assert not question.url
    form = {"appeal-category": categories.building.pk, "appeal-text": "Когда работает музей?"}
    response = client.post(f"/staff/signals/{question.pk}/appeal/", form)
    assert response.status_code == 422
    assert "приложите хотя бы одну фотографию" in response.content.decode()
    assert 'type="file"' in response.content.decode()
    image = BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "JPEG")
    photo = SimpleUploadedFile("chat.jpg", image.getvalue(), content_type="image/jpeg")
    response = client.post(
        f"/staff/signals/{question.pk}/appeal/", {**form, "appeal-photos": photo}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Signal.Status.APPEAL
    assert question.appeal.photos.count() == 1


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
    # Received = on time + late + waiting within the deadline + overdue now.
    assert "<strong>2</strong> ждут, срок не истёк" in block


def test_an_answer_the_source_cannot_send_is_not_called_queued(client, people, signals):
    client.force_login(people.operator)
    question = signals[2]
    response = client.post(
        f"/staff/signals/{question.pk}/answer/",
        {"answer-text": "Музей работает с 10 до 18, кроме понедельника."},
        follow=True,
    )
    assert "Ответ поставлен в очередь на отправку." in response.content.decode()
    question.source.access_token = ""
    question.source.save()
    thanks = signals[1]
    response = client.post(
        f"/staff/signals/{thanks.pk}/answer/", {"answer-text": "Спасибо, что пришли!"}, follow=True
    )
    page = response.content.decode()
    assert "Ответ сохранён. Не отправлен: у источника нет токена." in page
    assert "Ответ поставлен в очередь" not in page


def test_attach_shows_the_appeal_before_its_answer_goes_out(client, people, signals, registered):
    from tests.appeals.conftest import answered
    from vmeste.appeals import services as appeal_services
    from vmeste.appeals.models import Appeal

    appeal = registered()
    appeal_services.appeal_take(actor=people.executor, appeal=appeal)
    answered(Appeal.objects.get(pk=appeal.pk), people, text="Кровлю отремонтировали 12.05.")
    client.force_login(people.operator)
    question = signals[2]
    url = f"/staff/signals/{question.pk}/attach/"
    # An unknown number: the error at once, no preview.
    response = client.post(url, {"attach-number": "2026-999999"})
    assert response.status_code == 422
    assert "Обращения с таким номером нет." in response.content.decode()
    # A known one: what the appeal is and which answer will be posted; nothing changes yet.
    response = client.post(url, {"attach-number": f" {appeal.number} "})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Прикрепить к обращению № {appeal.number}?" in page
    assert "Кровлю отремонтировали 12.05." in page
    question.refresh_from_db()
    assert question.is_open and question.appeal is None
    response = client.post(url, {"attach-number": appeal.number, "attach-confirm": "True"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Signal.Status.ATTACHED and question.appeal == appeal
