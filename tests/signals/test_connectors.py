"""Each connector with the networks' real payload shapes: handshake, secrets, repeats, garbage."""

from __future__ import annotations

import json
import logging

import pytest

from vmeste.core.audit import audit_history
from vmeste.signals.connectors import signature
from vmeste.signals.models import RawEvent, Signal

from .conftest import tg_update, vk_event, vk_message, vk_wall_post

pytestmark = pytest.mark.django_db

VK = "/hooks/vk/vk-muzej/"
TG = "/hooks/telegram/tg-cur/"
HOOK = "/hooks/webhook/monitoring/"


def post_json(client, url, body, **headers):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", headers=headers)


def test_vk_confirmation_returns_the_code_as_plain_text(client, vk_source):
    response = post_json(client, VK, {"type": "confirmation", "group_id": 218000001})
    assert response.status_code == 200
    assert response.content == b"a1b2c3d4"
    assert not RawEvent.objects.exists()


def test_vk_confirmation_of_another_community_is_refused(client, vk_source):
    response = post_json(client, VK, {"type": "confirmation", "group_id": 1})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "wrong_group"


def test_vk_wall_post_becomes_a_signal_with_link_author_and_reply_target(client, vk_source):
    response = post_json(client, VK, vk_wall_post("В краеведческом музее не работает гардероб"))
    assert response.status_code == 200
    assert response.content == b"ok"
    signal = Signal.objects.get()
    assert signal.item_type == Signal.ItemType.POST
    assert signal.url == "https://vk.com/wall-218000001_45"
    assert signal.author_handle == "id5551"
    assert signal.reply_to == {"owner_id": -218000001, "post_id": 45}
    assert signal.posted_at.timestamp() == 1764580000
    assert signal.reaction_due_at > signal.received_at
    assert [e.action for e in audit_history(signal)] == ["signal.received"]


def test_vk_message_comment_and_board_post(client, vk_source):
    post_json(client, VK, vk_message("Подскажите, когда откроется выставка?", event_id="m1"))
    reply = vk_event(
        "wall_reply_new",
        {
            "id": 900,
            "post_id": 45,
            "owner_id": -218000001,
            "from_id": 5553,
            "date": 1764580100,
            "text": "Поддерживаю, гардероб закрыт",
        },
        event_id="r1",
    )
    post_json(client, VK, reply)
    board = vk_event(
        "board_post_new",
        {
            "id": 3,
            "topic_id": 12,
            "topic_owner_id": -218000001,
            "from_id": 5554,
            "date": 1764580200,
            "text": "В зале холодно",
        },
        event_id="b1",
    )
    post_json(client, VK, board)
    kinds = dict(Signal.objects.values_list("external_id", "item_type"))
    assert kinds == {
        "message:5552_7": "message",
        "reply:-218000001_45_900": "comment",
        "board:-218000001_12_3": "board",
    }
    assert Signal.objects.get(item_type="message").reply_to == {"peer_id": 5552}


def test_vk_repeated_delivery_creates_nothing(client, vk_source):
    body = vk_wall_post("Сломан пандус у входа в музей")
    for _ in range(3):
        assert post_json(client, VK, body).status_code == 200
    # VK retries may even come with a new event_id: the post id still matches.
    assert (
        post_json(
            client, VK, vk_wall_post("Сломан пандус у входа в музей", event_id="e2")
        ).status_code
        == 200
    )
    assert Signal.objects.count() == 1
    assert RawEvent.objects.count() == 2


def test_vk_wrong_secret_is_refused_and_logged_without_the_text(client, vk_source, caplog):
    with caplog.at_level(logging.WARNING):
        response = post_json(client, VK, vk_wall_post("Секретный текст жителя", secret="wrong"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "bad_secret"
    assert not Signal.objects.exists()
    assert "bad_secret" in caplog.text and "vk-muzej" in caplog.text
    assert "Секретный" not in caplog.text


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", "\ud800".encode("utf-8", "surrogatepass"), b'"text"'],
    ids=["broken", "list", "invalid-utf8", "string"],
)
def test_vk_malformed_body_gets_400(client, vk_source, body):
    response = post_json(client, VK, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_payload"


def test_vk_event_with_wrong_types_is_kept_as_invalid(client, vk_source):
    body = vk_event("wall_post_new", {"id": "forty-five", "text": "текст"})
    response = post_json(client, VK, body)
    assert response.status_code == 400
    assert "object.id" in response.json()["error"]["message"]
    assert RawEvent.objects.get().state == RawEvent.State.INVALID
    assert not Signal.objects.exists()


def test_vk_other_events_are_acknowledged_and_ignored(client, vk_source):
    response = post_json(client, VK, vk_event("group_join", {"user_id": 1, "join_type": "join"}))
    assert response.content == b"ok"
    assert RawEvent.objects.get().state == RawEvent.State.IGNORED
    assert not Signal.objects.exists()


def test_unknown_source_and_get_requests(client, vk_source):
    assert post_json(client, "/hooks/vk/nobody/", vk_wall_post("x")).status_code == 404
    assert client.get(VK).status_code == 405


def test_telegram_message_needs_the_secret_token(client, tg_source):
    response = post_json(client, TG, tg_update("Не работает лифт в библиотеке"))
    assert response.status_code == 403
    response = post_json(
        client,
        TG,
        tg_update("Не работает лифт в библиотеке"),
        **{"X-Telegram-Bot-Api-Secret-Token": "tg-secret-1"},
    )
    assert response.status_code == 200
    signal = Signal.objects.get()
    assert signal.author_handle == "@olga_pri"
    assert signal.reply_to == {"chat_id": 777, "message_id": 10}
    assert signal.url == "https://t.me/olga_pri/10"


def test_telegram_repeated_update_and_edit(client, tg_source):
    headers = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret-1"}
    post_json(client, TG, tg_update("В театре холодно"), **headers)
    post_json(client, TG, tg_update("В театре холодно"), **headers)
    edited = tg_update("В театре очень холодно, +14 в зале", update_id=1002, kind="edited_message")
    assert post_json(client, TG, edited, **headers).status_code == 200
    signal = Signal.objects.get()
    assert signal.text == "В театре очень холодно, +14 в зале"
    assert signal.edited_at is not None
    assert "signal.edited" in [e.action for e in audit_history(signal)]


def test_telegram_channel_post_and_malformed(client, tg_source):
    headers = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret-1"}
    channel = {
        "update_id": 5,
        "channel_post": {
            "message_id": 3,
            "chat": {
                "id": -100123,
                "type": "channel",
                "title": "Новости района",
                "username": "news_pri",
            },
            "date": 1764580000,
            "text": "Жители жалуются на мусор у парка",
        },
    }
    assert post_json(client, TG, channel, **headers).status_code == 200
    assert Signal.objects.get().item_type == Signal.ItemType.CHANNEL
    broken = {"update_id": 6, "message": {"message_id": 1, "chat": "nope", "text": "x"}}
    assert post_json(client, TG, broken, **headers).status_code == 400
    assert post_json(client, TG, {"update_id": "x"}, **headers).status_code == 400


def test_webhook_checks_the_hmac_of_the_body(client, hook_source):
    body = json.dumps(
        [
            {
                "id": "a-1",
                "text": "В парке не горят фонари",
                "author": "Иван",
                "url": "https://example.org/1",
                "posted_at": "2026-11-30T10:00:00+03:00",
            },
            {"id": "a-2", "text": "Спасибо библиотеке за выставку"},
        ]
    ).encode()
    assert post_json(client, HOOK, body, **{"X-Vmeste-Signature": "sha256=00"}).status_code == 403
    response = post_json(client, HOOK, body, **{"X-Vmeste-Signature": signature("hmac-key", body)})
    assert response.status_code == 202
    assert response.json() == {"received": 2, "created": 2}
    again = post_json(client, HOOK, body, **{"X-Vmeste-Signature": signature("hmac-key", body)})
    assert again.json() == {"received": 2, "created": 0}
    assert Signal.objects.count() == 2


@pytest.mark.parametrize(
    "item, message",
    [
        ({"text": "без id"}, "id"),
        ({"id": "x"}, "text"),
        ({"id": "x", "text": "текст", "posted_at": "вчера"}, "posted_at"),
    ],
)
def test_webhook_bad_items_are_refused_whole(client, hook_source, item, message):
    body = json.dumps([{"id": "ok", "text": "нормальный"}, item]).encode()
    response = post_json(client, HOOK, body, **{"X-Vmeste-Signature": signature("hmac-key", body)})
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert not Signal.objects.exists()


def test_file_import_csv_and_json_is_idempotent(tmp_path, hook_source):
    from django.core.management import call_command

    csv_file = tmp_path / "posts.csv"
    csv_file.write_text(
        "id,text,author,url\n1,Не работает туалет в музее,@petr,https://t.me/x/1\n2,,@anna,\n",
        encoding="utf-8",
    )
    json_file = tmp_path / "posts.json"
    json_file.write_text(
        json.dumps([{"id": "j1", "text": "Очередь в кассу театра"}]), encoding="utf-8"
    )
    call_command("signals_import", str(csv_file), source="monitoring")
    call_command("signals_import", str(json_file), source="monitoring")
    call_command("signals_import", str(csv_file), source="monitoring")
    assert sorted(Signal.objects.values_list("external_id", flat=True)) == ["1", "j1"]


def test_vk_nan_and_infinity_are_not_json(client, vk_source):
    body = b'{"type": "wall_post_new", "group_id": 218000001, "secret": "vk-secret-1", "object": {"id": Infinity}}'
    response = post_json(client, VK, body)
    assert response.status_code == 400
    assert not RawEvent.objects.exists()
