"""Proof-of-work on anonymous forms (sign-up, password reset) with self-hosted ALTCHA.

A bot that creates accounts or floods someone's mailbox with reset links pays a little CPU for each
attempt, a person waits about a second in the background; nothing is sent to a third party. The
server issues a challenge signed with an HMAC key derived from ``SECRET_KEY`` (``/pow/challenge/``),
the browser's widget finds the counter, and the form's ``ProofOfWorkField`` verifies the solution:
the signature (nothing was forged), the expiry, the derived key, and that this challenge was not
used before (each solved challenge is remembered in the cache until it expires, so one solution
cannot be replayed for many sign-ups). ``VMESTE_POW`` turns it off (the test settings do).

The widget needs JavaScript; without it the form says so. Tests solve challenges with
:func:`solve` (the altcha library's solver), which is what a bot could do too, at the same cost.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import altcha
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

FIELD_NAME = "altcha"
ALGORITHM = "SHA-256"
USED_PREFIX = "vmeste:pow:used:"


def enabled() -> bool:
    return bool(getattr(settings, "VMESTE_POW", True))


def _secret(purpose: str) -> str:
    """A key for one purpose, derived from SECRET_KEY (rotating SECRET_KEY rotates it)."""
    return salted_hmac("vmeste.core.pow", purpose, algorithm="sha256").hexdigest()


def challenge_create() -> dict[str, Any]:
    """A fresh signed challenge, as the widget expects it.

    The server picks the counter (between ``VMESTE_POW_MIN_NUMBER`` and ``VMESTE_POW_MAX_NUMBER``)
    and signs the derived key, so the browser must try that many keys and the server checks the
    answer with one HMAC.
    """
    low = int(getattr(settings, "VMESTE_POW_MIN_NUMBER", 5_000))
    high = max(int(getattr(settings, "VMESTE_POW_MAX_NUMBER", 50_000)), low)
    lifetime = int(getattr(settings, "VMESTE_POW_EXPIRES", 600))
    challenge = altcha.create_challenge(
        ALGORITHM,
        cost=1,
        counter=low + secrets.randbelow(high - low + 1),
        expires_at=int(time.time()) + lifetime,
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("key"),
    )
    return challenge.to_dict()


@never_cache
@require_GET
def challenge_view(request: HttpRequest) -> JsonResponse:
    """``GET /pow/challenge/``: the widget fetches its challenge here."""
    return JsonResponse(challenge_create())


def solve(challenge: dict[str, Any]) -> str:
    """The form value that solves ``challenge``: what the widget posts (for tests and scripts)."""
    parsed = altcha.Challenge.from_dict(challenge)
    solution = altcha.solve_challenge(parsed, timeout=60)
    if solution is None:
        raise TimeoutError("the challenge was not solved in time")
    return altcha.Payload(parsed, solution).to_base64()


def verify(payload: str) -> str | None:
    """``None`` when ``payload`` solves a challenge of ours not used before, else the error code.

    Codes: ``missing``, ``invalid`` (forged, wrong or unreadable), ``expired``, ``replayed``.
    """
    if not payload:
        return "missing"
    if len(payload) > 4000:
        return "invalid"
    try:
        parsed = altcha.Payload.from_base64(payload)
    except (ValueError, KeyError, TypeError, json.JSONDecodeError, RecursionError):
        return "invalid"
    result = altcha.verify_solution(
        parsed, hmac_secret=_secret("challenge"), hmac_key_secret=_secret("key")
    )
    if result.expired:
        return "expired"
    if not result.verified:
        return "invalid"
    # One solution, one form: remember the challenge until it would have expired anyway.
    expires_at = parsed.challenge.parameters.expires_at or int(time.time()) + 600
    remaining = max(int(expires_at - time.time()), 1)
    if not cache.add(USED_PREFIX + str(parsed.challenge.signature), "1", timeout=remaining):
        return "replayed"
    return None


MESSAGES = {
    "missing": _("Wait until the automatic check below the form is finished, then send it again."),
    "invalid": _("The automatic check did not pass; please run it again."),
    "expired": _("The automatic check has expired; please run it again."),
    "replayed": _("This automatic check was already used; please run it again."),
}


class AltchaWidget(forms.Widget):
    template_name = "core/widgets/altcha.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["challenge_url"] = reverse("pow_challenge")
        context["language"] = (translation.get_language() or "ru").split("-")[0]
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name, "")


class ProofOfWorkField(forms.Field):
    """A form field whose value is the widget's solution; it refuses anything else."""

    widget = AltchaWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Check that you are not a bot"))
        kwargs.setdefault("required", False)  # the message below says more than "required"
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        error = verify(str(value or ""))
        if error is not None:
            raise forms.ValidationError(MESSAGES[error], code=f"pow_{error}")
        return ""


def add_field(form: forms.BaseForm) -> None:
    """Put the proof-of-work field on ``form`` when ``VMESTE_POW`` is on."""
    if enabled():
        form.fields[FIELD_NAME] = ProofOfWorkField()
