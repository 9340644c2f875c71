"""Personal access tokens: issued once in full, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from vmeste.core import clock
from vmeste.core.audit import audit_record
from vmeste.core.errors import Forbidden, ValidationFailed

from .models import ApiToken

PREFIX = "vm_"
MAX_TOKENS = 20


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token; the key is returned only here and never stored."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise ValidationFailed(
            details={
                "errors": [
                    {
                        "field": "name",
                        "code": "invalid",
                        "message": _("Name the token (1 to 100 characters)."),
                    }
                ]
            }
        )
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise ValidationFailed(_("You have too many active tokens; revoke one first."))
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=_hash(key), prefix=key[:10])
    audit_record(
        actor=user, action="token.created", target=user, data={"token": token.pk, "name": name}
    )
    return token, key


@transaction.atomic
def token_revoke(*, user: Any, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise Forbidden()
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="token.revoked", target=user, data={"token": token.pk})
    return token


def token_user(key: str | None) -> tuple[Any, ApiToken] | None:
    """The active user and token for a key, or None."""
    if not key or not key.startswith(PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer vm_…`` — the request then acts as the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_user(token)
        if found is None:
            return None
        user, api_token = found
        request.user = user
        request.api_token_id = api_token.pk  # type: ignore[attr-defined]
        return user
