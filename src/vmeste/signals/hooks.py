"""Inbound webhooks: VK Callback API, Telegram Bot API, and our HMAC-signed JSON webhook.

Each answers what its network expects (VK wants the plain text ``ok`` or the confirmation code,
Telegram any 2xx) and refuses a wrong secret or an unreadable body with a clear 4xx, logged with
the source and the reason (never the body: it may hold personal data).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import connectors, services
from .connectors import PayloadError
from .models import RawEvent, Source

logger = logging.getLogger(__name__)

MAX_BODY = 1_000_000


def _refuse(source: Source | None, status: int, code: str, message: str) -> JsonResponse:
    logger.warning(
        "signals webhook refused: source=%s status=%s code=%s",
        source.slug if source else "-",
        status,
        code,
    )
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _source(slug: str, kind: str) -> Source | None:
    return (
        Source.objects.select_related("organization")
        .filter(slug=slug, kind=kind, is_active=True)
        .first()
    )


def _json(request: HttpRequest) -> Any:
    if len(request.body) > MAX_BODY:
        raise PayloadError(_("The body is too large."))
    try:
        return json.loads(request.body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError):
        raise PayloadError(_("The body is not valid JSON.")) from None


def _no_constant(name: str) -> Any:
    """``NaN`` and ``Infinity`` are not JSON (Python's parser accepts them; databases do not)."""
    raise ValueError(name)


def _store_invalid(source: Source, key: str, payload: Any, error: str) -> None:
    """A payload that passed the secret but not our parser is kept for the engineers."""
    RawEvent.objects.get_or_create(
        source=source,
        key=key[:200],
        defaults={
            "payload": payload if isinstance(payload, dict | list) else {"value": str(payload)},
            "state": RawEvent.State.INVALID,
            "error": error[:300],
        },
    )


@csrf_exempt
@require_POST
def vk(request: HttpRequest, slug: str) -> HttpResponse:
    source = _source(slug, Source.Kind.VK)
    if source is None:
        return _refuse(None, 404, "unknown_source", _("No such source."))
    try:
        payload = _json(request)
        if not isinstance(payload, dict):
            raise PayloadError(_("The body must be a JSON object."))
    except PayloadError as error:
        return _refuse(source, 400, "invalid_payload", str(error))
    if source.external_id and str(payload.get("group_id", "")) != source.external_id:
        return _refuse(source, 403, "wrong_group", _("The event is for another community."))
    if payload.get("type") == "confirmation":
        # VK sends no secret with the handshake; it only checks that we answer with the code.
        if not source.confirmation_code:
            return _refuse(
                source, 409, "not_configured", _("The source has no confirmation code yet.")
            )
        return HttpResponse(source.confirmation_code, content_type="text/plain")
    if not connectors.same_secret(payload.get("secret"), source.secret):
        return _refuse(source, 403, "bad_secret", _("The secret does not match."))
    try:
        delivery = connectors.vk_parse(payload)
    except PayloadError as error:
        _store_invalid(source, f"invalid:{payload.get('event_id', '')}", payload, str(error))
        return _refuse(source, 400, "invalid_payload", str(error))
    services.ingest(source, delivery, payload)
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def telegram(request: HttpRequest, slug: str) -> HttpResponse:
    source = _source(slug, Source.Kind.TELEGRAM)
    if source is None:
        return _refuse(None, 404, "unknown_source", _("No such source."))
    if not connectors.same_secret(
        request.headers.get("X-Telegram-Bot-Api-Secret-Token"), source.secret
    ):
        return _refuse(source, 403, "bad_secret", _("The secret token does not match."))
    try:
        payload = _json(request)
        if not isinstance(payload, dict):
            raise PayloadError(_("The body must be a JSON object."))
        delivery = connectors.telegram_parse(payload)
    except PayloadError as error:
        return _refuse(source, 400, "invalid_payload", str(error))
    services.ingest(source, delivery, payload)
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, slug: str) -> HttpResponse:
    source = _source(slug, Source.Kind.WEBHOOK)
    if source is None:
        return _refuse(None, 404, "unknown_source", _("No such source."))
    expected = connectors.signature(source.secret, request.body)
    if not connectors.same_secret(request.headers.get("X-Vmeste-Signature"), expected):
        return _refuse(source, 403, "bad_signature", _("The signature does not match the body."))
    try:
        payload = _json(request)
        items = connectors.generic_items(payload)
    except PayloadError as error:
        return _refuse(source, 400, "invalid_payload", str(error))
    rows = payload if isinstance(payload, list) else [payload]
    created = 0
    for item, row in zip(items, rows, strict=True):
        created += len(services.ingest(source, connectors.Delivery.of(item, "hook"), row)[1])
    return JsonResponse({"received": len(items), "created": created}, status=202)
