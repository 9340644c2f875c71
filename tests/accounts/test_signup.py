import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from vmeste.accounts.models import Consent, User

SIGNUP = {
    "email": "galina@example.org",
    "password1": "Sirenevyj-tuman-42",
    "password2": "Sirenevyj-tuman-42",
    "display_name": "Галина",
    "personal_data_consent": "on",
}


def _confirm_link() -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


@pytest.mark.django_db
def test_signup_needs_a_verified_email_before_signing_in(client) -> None:
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="galina@example.org")
    assert user.display_name == "Галина"
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1

    # Signing in before the address is confirmed sends the person to the verification notice.
    client.post("/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
    assert "_auth_user_id" not in client.session

    link = _confirm_link()
    assert client.get(link).status_code == 200
    client.post(link)
    assert EmailAddress.objects.get(user=user).verified

    client.post("/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_signup_records_the_consent_with_its_text_version(client, settings) -> None:
    client.post("/accounts/signup/", SIGNUP, REMOTE_ADDR="10.1.2.3")
    consent = Consent.objects.get(user__email="galina@example.org")
    assert consent.version == settings.PERSONAL_DATA_CONSENT_VERSION
    assert consent.ip_address == "10.1.2.3"
    assert consent.given_at is not None


@pytest.mark.django_db
def test_signup_without_consent_is_refused_and_keeps_what_was_typed(client) -> None:
    data = {**SIGNUP, "personal_data_consent": ""}
    response = client.post("/accounts/signup/", data, headers={"accept-language": "ru"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Без этого согласия мы не можем создать учётную запись." in page
    assert 'value="galina@example.org"' in page
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_bot_filling_the_hidden_field_is_refused(client) -> None:
    response = client.post("/accounts/signup/", {**SIGNUP, "website": "http://spam.example"})
    assert response.status_code == 200
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_weak_password_is_explained_in_russian(client) -> None:
    data = {**SIGNUP, "password1": "12345", "password2": "12345"}
    response = client.post("/accounts/signup/", data, headers={"accept-language": "ru"})
    assert "слишком короткий" in response.content.decode().lower()
    assert not User.objects.exists()
