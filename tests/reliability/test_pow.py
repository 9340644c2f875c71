"""Proof-of-work (ALTCHA) on sign-up and password reset: solved once, accepted once."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.core import mail

from tests.factories import UserFactory
from vmeste.accounts.models import User
from vmeste.core import pow

SIGNUP = {
    "email": "galina@example.org",
    "password1": "Sirenevyj-tuman-42",
    "password2": "Sirenevyj-tuman-42",
    "display_name": "Галина",
    "personal_data_consent": "on",
}


@pytest.fixture(autouse=True)
def _pow_on(settings: Any) -> None:
    settings.VMESTE_POW = True
    # Small numbers keep the tests fast; the work itself is the same kind.
    settings.VMESTE_POW_MIN_NUMBER = 100
    settings.VMESTE_POW_MAX_NUMBER = 2000


def _solved(client: Any) -> str:
    challenge = client.get("/pow/challenge/").json()
    return pow.solve(challenge)


def test_the_challenge_is_signed_expires_and_is_never_cached(client: Any) -> None:
    response = client.get("/pow/challenge/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.json()
    assert body["signature"] and body["parameters"]["algorithm"] == "SHA-256"
    assert body["parameters"]["expiresAt"] > 0
    assert body["parameters"]["keySignature"]


@pytest.mark.django_db
def test_the_sign_up_page_shows_the_widget_without_inline_script(client: Any) -> None:
    page = client.get("/accounts/signup/")
    html = page.content.decode()
    assert '<altcha-widget name="altcha" challenge="/pow/challenge/"' in html
    assert 'src="/static/vendor/altcha/altcha.min.js"' in html
    assert "<noscript>" in html
    # The CSP is unchanged: scripts and workers from our origin only, no blob:, no inline code.
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "blob:" not in csp and "unsafe-inline" not in csp


@pytest.mark.django_db
def test_sign_up_without_a_solution_is_refused(client: Any) -> None:
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 200
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    assert str(pow.MESSAGES["missing"]) in response.content.decode()


@pytest.mark.django_db
def test_sign_up_with_a_solution_works_once(client: Any) -> None:
    solution = _solved(client)
    response = client.post("/accounts/signup/", {**SIGNUP, "altcha": solution})
    assert response.status_code == 302
    assert User.objects.filter(email=SIGNUP["email"]).exists()
    # The same solution for a second account: refused.
    client.logout()
    response = client.post(
        "/accounts/signup/", {**SIGNUP, "email": "second@example.org", "altcha": solution}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="second@example.org").exists()
    assert str(pow.MESSAGES["replayed"]) in response.content.decode()


@pytest.mark.django_db
def test_a_forged_or_tampered_solution_is_refused(client: Any) -> None:
    solution = json.loads(base64.b64decode(_solved(client)))
    solution["challenge"]["parameters"]["keyPrefix"] = "00"
    forged = base64.b64encode(json.dumps(solution).encode()).decode()
    assert pow.verify(forged) == "invalid"
    assert pow.verify("not base64 at all") == "invalid"
    assert pow.verify("") == "missing"
    wrong_counter = json.loads(base64.b64decode(_solved(client)))
    wrong_counter["solution"]["derivedKey"] = "00" * 32
    assert pow.verify(base64.b64encode(json.dumps(wrong_counter).encode()).decode()) == "invalid"


def test_an_expired_challenge_is_refused(settings: Any) -> None:
    settings.VMESTE_POW_EXPIRES = -5
    assert pow.verify(pow.solve(pow.challenge_create())) == "expired"


def test_a_challenge_signed_with_another_key_is_refused(settings: Any) -> None:
    solution = pow.solve(pow.challenge_create())
    settings.SECRET_KEY = "another-secret-key-for-another-installation-0123456789"
    assert pow.verify(solution) == "invalid"


@pytest.mark.django_db
def test_password_reset_needs_the_proof_of_work_too(client: Any) -> None:
    UserFactory(email="pavel@example.org")
    refused = client.post("/accounts/password/reset/", {"email": "pavel@example.org"})
    assert refused.status_code == 200 and not mail.outbox
    assert str(pow.MESSAGES["missing"]) in refused.content.decode()
    accepted = client.post(
        "/accounts/password/reset/", {"email": "pavel@example.org", "altcha": _solved(client)}
    )
    assert accepted.status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_off_means_no_field(client: Any, settings: Any) -> None:
    settings.VMESTE_POW = False
    assert "altcha-widget" not in client.get("/accounts/signup/").content.decode()
    assert client.post("/accounts/signup/", SIGNUP).status_code == 302
