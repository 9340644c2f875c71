"""What each network sends, turned into normalized items; secrets checked in constant time.

Shapes follow the networks' documentation: VK Callback API (``{"type", "object", "group_id",
"secret", "event_id"}``; ``message_new`` carries ``object.message`` since API 5.103), Telegram Bot
API ``Update`` objects (``update_id`` plus ``message`` / ``channel_post`` / ``edited_message``), and
our own webhook (``{"id", "text", "author", "url", "posted_at"}`` or a list of them, the body
signed with HMAC-SHA256 of the source's secret in ``X-Vmeste-Signature: sha256=<hex>``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .models import Signal

MAX_TEXT = 20_000


class PayloadError(ValueError):
    """The delivery cannot be understood; the sender gets a 400 with this message."""


@dataclass
class Item:
    external_id: str
    item_type: str
    text: str
    posted_at: dt.datetime
    author_handle: str = ""
    author_external_id: str = ""
    url: str = ""
    reply_to: dict[str, Any] = field(default_factory=dict)
    is_edit: bool = False


@dataclass
class Delivery:
    key: str
    event_type: str
    items: list[Item]

    @classmethod
    def of(cls, item: Item, prefix: str) -> Delivery:
        """One item as its own delivery, keyed by its id (webhook batches, file imports)."""
        return cls(key=f"{prefix}:{item.external_id}", event_type=prefix, items=[item])


def same_secret(given: str | None, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest((given or "").encode(), expected.encode())


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "")[:MAX_TEXT]


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(_("Field «%(name)s» must be an integer.") % {"name": name})
    return value


def _timestamp(value: Any) -> dt.datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return timezone.now()
    try:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return timezone.now()


def _object(payload: dict[str, Any], name: str) -> dict[str, Any]:
    value = payload.get(name)
    if not isinstance(value, dict):
        raise PayloadError(_("Field «%(name)s» must be an object.") % {"name": name})
    return value


# VK


VK_EVENTS = {"wall_post_new", "wall_reply_new", "message_new", "board_post_new"}


def vk_parse(payload: dict[str, Any]) -> Delivery:
    """A VK Callback event (not ``confirmation``, which the view answers itself)."""
    kind = payload.get("type")
    if not isinstance(kind, str):
        raise PayloadError(_("Field «type» is missing."))
    group_id = payload.get("group_id")
    event_id = payload.get("event_id")
    if kind not in VK_EVENTS:
        key = f"vk:{kind}:{event_id or hashlib.sha256(repr(payload).encode()).hexdigest()[:32]}"
        return Delivery(key=key[:200], event_type=kind, items=[])
    obj = _object(payload, "object")
    if kind == "message_new":
        message = obj.get("message", obj)
        if not isinstance(message, dict):
            raise PayloadError(_("Field «object.message» must be an object."))
        peer_id = _int(message.get("peer_id"), "object.message.peer_id")
        conversation_id = message.get("conversation_message_id") or message.get("id")
        conversation_id = _int(conversation_id, "object.message.id")
        from_id = message.get("from_id", peer_id)
        item = Item(
            external_id=f"message:{peer_id}_{conversation_id}",
            item_type=Signal.ItemType.MESSAGE,
            text=_text(message.get("text")),
            posted_at=_timestamp(message.get("date")),
            author_handle=f"id{from_id}",
            author_external_id=str(from_id),
            reply_to={"peer_id": peer_id},
        )
    elif kind == "wall_post_new":
        post_id = _int(obj.get("id"), "object.id")
        owner_id = _int(obj.get("owner_id", -(group_id or 0)), "object.owner_id")
        from_id = obj.get("from_id", owner_id)
        item = Item(
            external_id=f"wall:{owner_id}_{post_id}",
            item_type=Signal.ItemType.POST,
            text=_text(obj.get("text")),
            posted_at=_timestamp(obj.get("date")),
            author_handle=f"id{from_id}" if isinstance(from_id, int) and from_id > 0 else "",
            author_external_id=str(from_id),
            url=f"https://vk.com/wall{owner_id}_{post_id}",
            reply_to={"owner_id": owner_id, "post_id": post_id},
        )
    elif kind == "wall_reply_new":
        comment_id = _int(obj.get("id"), "object.id")
        post_id = _int(obj.get("post_id"), "object.post_id")
        owner_id = _int(obj.get("owner_id", -(group_id or 0)), "object.owner_id")
        from_id = obj.get("from_id", 0)
        item = Item(
            external_id=f"reply:{owner_id}_{post_id}_{comment_id}",
            item_type=Signal.ItemType.COMMENT,
            text=_text(obj.get("text")),
            posted_at=_timestamp(obj.get("date")),
            author_handle=f"id{from_id}",
            author_external_id=str(from_id),
            url=f"https://vk.com/wall{owner_id}_{post_id}?reply={comment_id}",
            reply_to={"owner_id": owner_id, "post_id": post_id, "comment_id": comment_id},
        )
    else:  # board_post_new
        comment_id = _int(obj.get("id"), "object.id")
        topic_id = _int(obj.get("topic_id"), "object.topic_id")
        owner_id = _int(obj.get("topic_owner_id", -(group_id or 0)), "object.topic_owner_id")
        from_id = obj.get("from_id", 0)
        item = Item(
            external_id=f"board:{owner_id}_{topic_id}_{comment_id}",
            item_type=Signal.ItemType.BOARD,
            text=_text(obj.get("text")),
            posted_at=_timestamp(obj.get("date")),
            author_handle=f"id{from_id}",
            author_external_id=str(from_id),
            url=f"https://vk.com/topic{owner_id}_{topic_id}?post={comment_id}",
            reply_to={"from_id": from_id},
        )
    key = f"vk:{event_id}" if event_id else f"vk:{kind}:{item.external_id}"
    return Delivery(key=key[:200], event_type=kind, items=[item] if item.text.strip() else [])


# Telegram

TELEGRAM_KINDS = {
    "message": Signal.ItemType.MESSAGE,
    "channel_post": Signal.ItemType.CHANNEL,
    "edited_message": Signal.ItemType.MESSAGE,
    "edited_channel_post": Signal.ItemType.CHANNEL,
}


def telegram_parse(payload: dict[str, Any]) -> Delivery:
    update_id = _int(payload.get("update_id"), "update_id")
    kind = next((k for k in TELEGRAM_KINDS if k in payload), None)
    if kind is None:
        return Delivery(key=f"tg:{update_id}", event_type="other", items=[])
    message = _object(payload, kind)
    chat = message.get("chat")
    if not isinstance(chat, dict):
        raise PayloadError(_("Field «chat» must be an object."))
    chat_id = _int(chat.get("id"), "chat.id")
    message_id = _int(message.get("message_id"), "message_id")
    found = message.get("from")
    sender: dict[str, Any] = found if isinstance(found, dict) else {}
    handle = sender.get("username") or chat.get("username") or ""
    name = " ".join(
        str(sender.get(k, "")) for k in ("first_name", "last_name") if sender.get(k)
    ) or str(chat.get("title", ""))
    username = chat.get("username")
    item = Item(
        external_id=f"{chat_id}:{message_id}",
        item_type=TELEGRAM_KINDS[kind],
        text=_text(message.get("text") or message.get("caption")),
        posted_at=_timestamp(message.get("date")),
        author_handle=f"@{handle}" if handle else name[:200],
        author_external_id=str(sender.get("id", chat_id)),
        url=f"https://t.me/{username}/{message_id}" if username else "",
        reply_to={"chat_id": chat_id, "message_id": message_id},
        is_edit=kind.startswith("edited_"),
    )
    return Delivery(
        key=f"tg:{update_id}", event_type=kind, items=[item] if item.text.strip() else []
    )


# Our webhook and file import


def generic_items(payload: Any) -> list[Item]:
    rows = payload if isinstance(payload, list) else [payload]
    if not rows or len(rows) > 1000:
        raise PayloadError(_("Send one item or a list of 1 to 1000 items."))
    items = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise PayloadError(_("Item %(n)s must be an object.") % {"n": number})
        external_id = row.get("id")
        if not isinstance(external_id, str | int) or isinstance(external_id, bool):
            raise PayloadError(_("Item %(n)s has no «id».") % {"n": number})
        text = _text(row.get("text"))
        if not text.strip():
            raise PayloadError(_("Item %(n)s has no «text».") % {"n": number})
        posted: dt.datetime | None = None
        if isinstance(row.get("posted_at"), str):
            try:
                posted = parse_datetime(row["posted_at"])
            except ValueError:
                posted = None
            if posted is None:
                raise PayloadError(
                    _("Item %(n)s: «posted_at» must be an ISO 8601 date and time.") % {"n": number}
                )
            if timezone.is_naive(posted):
                posted = timezone.make_aware(posted)
        link = row.get("url")
        url: str = link if isinstance(link, str) else ""
        items.append(
            Item(
                external_id=str(external_id)[:200],
                item_type=Signal.ItemType.POST,
                text=text,
                posted_at=posted or timezone.now(),
                author_handle=_text(row.get("author"))[:200],
                url=url if url.startswith(("http://", "https://")) else "",
            )
        )
    return items
