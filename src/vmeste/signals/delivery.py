"""Sending replies to VK and Telegram, with every attempt recorded and retries with backoff.

The networks' API base addresses are settings (``VMESTE_VK_API_BASE``,
``VMESTE_TELEGRAM_API_BASE``), so tests and staging point them at a fake server on 127.0.0.1.
A reply row is locked (``SKIP LOCKED``) while it is being sent, so two workers never send the same
reply at once; VK additionally drops repeats of the same ``random_id``, which we derive from the
reply's id.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.db import transaction

from vmeste.core import clock
from vmeste.core.audit import audit_record

from .models import DeliveryAttempt, Reply

logger = logging.getLogger(__name__)

VK_VERSION = "5.199"
RETRY_MINUTES = (1, 2, 5, 10, 20, 30, 60, 60, 120, 240, 480, 720)


class DeliveryError(Exception):
    def __init__(self, message: str, status: int | None = None, retry: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.retry = retry


def _post(url: str, data: dict[str, Any], *, as_json: bool) -> tuple[int, Any]:
    if as_json:
        body = json.dumps(data).encode()
        headers = {"Content-Type": "application/json"}
    else:
        body = urllib.parse.urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.VMESTE_DELIVERY_TIMEOUT) as response:
            status = response.status
            raw = response.read(1_000_000)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(100_000)
        if status == 429 or status >= 500:
            raise DeliveryError(f"HTTP {status}", status) from None
        try:
            return status, json.loads(raw or b"{}")
        except ValueError:
            raise DeliveryError(f"HTTP {status}", status, retry=False) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise DeliveryError(f"network: {error}"[:300]) from None
    try:
        return status, json.loads(raw or b"{}")
    except ValueError:
        raise DeliveryError("the answer is not JSON", status) from None


def _send(reply: Reply) -> str:
    """Send once; the id of the created message or comment, or DeliveryError."""
    signal = reply.signal
    source = signal.source
    target = signal.reply_to
    if reply.method in (Reply.Method.VK_MESSAGE, Reply.Method.VK_COMMENT):
        base = settings.VMESTE_VK_API_BASE.rstrip("/")
        params: dict[str, Any] = {
            "access_token": source.access_token,
            "v": VK_VERSION,
            "message": reply.text,
        }
        if reply.method == Reply.Method.VK_MESSAGE:
            method = "messages.send"
            params.update(peer_id=target["peer_id"], random_id=reply.pk)
        else:
            method = "wall.createComment"
            params.update(owner_id=target["owner_id"], post_id=target["post_id"])
            if target.get("comment_id"):
                params["reply_to_comment"] = target["comment_id"]
        status, answer = _post(f"{base}/{method}", params, as_json=False)
        if isinstance(answer, dict) and "error" in answer:
            error = answer["error"] if isinstance(answer["error"], dict) else {}
            code = error.get("error_code")
            # 6: too many requests, 10: internal error, 9: flood control — worth retrying.
            raise DeliveryError(
                f"VK error {code}: {error.get('error_msg', '')}"[:300],
                status,
                retry=code in {6, 9, 10},
            )
        response = answer.get("response") if isinstance(answer, dict) else None
        if isinstance(response, dict):
            return str(response.get("comment_id", response.get("message_id", "")))
        return str(response if response is not None else "")
    if reply.method == Reply.Method.TELEGRAM:
        base = settings.VMESTE_TELEGRAM_API_BASE.rstrip("/")
        url = f"{base}/bot{source.access_token}/sendMessage"
        data = {
            "chat_id": target["chat_id"],
            "text": reply.text,
            "reply_parameters": {
                "message_id": target["message_id"],
                "allow_sending_without_reply": True,
            },
        }
        status, answer = _post(url, data, as_json=True)
        if not isinstance(answer, dict) or not answer.get("ok"):
            description = answer.get("description", "") if isinstance(answer, dict) else ""
            retry_after = (
                (answer.get("parameters") or {}).get("retry_after")
                if isinstance(answer, dict)
                else None
            )
            raise DeliveryError(
                f"Telegram: {description}"[:300], status, retry=bool(retry_after) or status >= 500
            )
        result = answer.get("result") or {}
        return str(result.get("message_id", ""))
    raise DeliveryError("no reply channel", retry=False)


def deliver(reply_id: int | None = None) -> bool:
    """One attempt for ``reply_id`` (or for the next due reply); whether one was made."""
    now = clock.now()
    with transaction.atomic():
        queryset = Reply.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            state=Reply.State.PENDING, next_attempt_at__lte=now
        )
        if reply_id is not None:
            queryset = queryset.filter(pk=reply_id)
        reply = queryset.select_related("signal__source").order_by("next_attempt_at", "pk").first()
        if reply is None:
            return False
        started = time.monotonic()
        try:
            external_id = _send(reply)
        except DeliveryError as error:
            ok, message, status, retry = False, str(error), error.status, error.retry
            external_id = ""
        else:
            ok, message, status, retry = True, "", 200, False
        elapsed = int((time.monotonic() - started) * 1000)
        DeliveryAttempt.objects.create(
            reply=reply, at=now, ok=ok, status_code=status, error=message, duration_ms=elapsed
        )
        reply.attempts += 1
        before = reply.state
        if ok:
            reply.state, reply.sent_at, reply.external_id = Reply.State.SENT, now, external_id
            reply.next_attempt_at, reply.last_error = None, ""
        elif retry and reply.attempts <= len(RETRY_MINUTES):
            reply.last_error = message
            reply.next_attempt_at = now + dt.timedelta(minutes=RETRY_MINUTES[reply.attempts - 1])
        else:
            reply.state, reply.last_error, reply.next_attempt_at = Reply.State.FAILED, message, None
        reply.save()
        if reply.state != before:
            audit_record(
                actor=None,
                action="signal.reply_" + reply.state,
                target=reply.signal,
                from_state=before,
                to_state=reply.state,
                reason=message,
                data={"reply": reply.pk, "attempts": reply.attempts},
            )
        if not ok:
            logger.warning("reply %s attempt %s failed: %s", reply.pk, reply.attempts, message)
    return True
