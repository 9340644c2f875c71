from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.appeals.conftest import categories, file_appeal, registered  # noqa: F401
from vmeste.signals.models import Source


@pytest.fixture
def vk_source(region) -> Source:
    return Source.objects.create(
        name="ВКонтакте: Краеведческий музей",
        slug="vk-muzej",
        kind=Source.Kind.VK,
        organization=region.centre,
        external_id="218000001",
        secret="vk-secret-1",
        confirmation_code="a1b2c3d4",
        access_token="vk-token",
    )


@pytest.fixture
def tg_source(region) -> Source:
    return Source.objects.create(
        name="Telegram: бот ЦУР",
        slug="tg-cur",
        kind=Source.Kind.TELEGRAM,
        organization=region.centre,
        secret="tg-secret-1",
        access_token="123456:ABC",
    )


@pytest.fixture
def hook_source(region) -> Source:
    return Source.objects.create(
        name="Мониторинг СМИ",
        slug="monitoring",
        kind=Source.Kind.WEBHOOK,
        organization=region.centre,
        secret="hmac-key",
    )


def vk_event(
    kind: str, obj: dict[str, Any], *, secret: str = "vk-secret-1", event_id: str | None = "e1"
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": kind,
        "object": obj,
        "group_id": 218000001,
        "secret": secret,
        "v": "5.199",
    }
    if event_id:
        body["event_id"] = event_id
    return body


def vk_wall_post(text: str, post_id: int = 45, **extra: Any) -> dict[str, Any]:
    return vk_event(
        "wall_post_new",
        {
            "id": post_id,
            "owner_id": -218000001,
            "from_id": 5551,
            "date": 1764580000,
            "text": text,
            "post_type": "suggest",
        },
        **extra,
    )


def vk_message(text: str, message_id: int = 7, **extra: Any) -> dict[str, Any]:
    return vk_event(
        "message_new",
        {
            "message": {
                "id": message_id,
                "date": 1764580000,
                "peer_id": 5552,
                "from_id": 5552,
                "text": text,
                "conversation_message_id": message_id,
            },
            "client_info": {"button_actions": ["text"], "keyboard": True},
        },
        **extra,
    )


def tg_update(
    text: str, update_id: int = 1001, message_id: int = 10, kind: str = "message"
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        kind: {
            "message_id": message_id,
            "from": {"id": 777, "is_bot": False, "first_name": "Ольга", "username": "olga_pri"},
            "chat": {"id": 777, "type": "private", "first_name": "Ольга", "username": "olga_pri"},
            "date": 1764580000,
            "text": text,
        },
    }


@dataclass
class FakeNetwork:
    """VK and Telegram API on 127.0.0.1 that fail the first ``fail_first`` calls with a 503."""

    url: str = ""
    fail_first: int = 0
    calls: list[dict[str, Any]] = field(default_factory=list)
    delivered: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def fake_network(settings) -> Iterator[FakeNetwork]:
    network = FakeNetwork()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            if self.headers.get("Content-Type", "").startswith("application/json"):
                data = json.loads(raw)
            else:
                data = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            with network.lock:
                network.calls.append({"path": self.path, "data": data})
                failing = len(network.calls) <= network.fail_first
                if not failing:
                    network.delivered.append({"path": self.path, "data": data})
                count = len(network.delivered)
            if failing:
                self.send_response(503)
                self.end_headers()
                self.wfile.write(b"busy")
                return
            if self.path.startswith("/vk/"):
                answer: dict[str, Any] = {
                    "response": {"comment_id": count} if "createComment" in self.path else count
                }
            else:
                answer = {"ok": True, "result": {"message_id": 500 + count}}
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    network.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.VMESTE_VK_API_BASE = network.url + "/vk"
    settings.VMESTE_TELEGRAM_API_BASE = network.url + "/tg"
    try:
        yield network
    finally:
        server.shutdown()
        server.server_close()
