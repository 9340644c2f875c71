"""Second factor for staff, login throttling, and no contacts in the logs."""

import logging

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import PASSWORD


def test_staff_pages_need_a_second_factor(client, people, settings) -> None:
    settings.VMESTE_STAFF_2FA = True
    client.force_login(people.supervisor)
    response = client.get("/staff/appeals/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    assert client.get("/appeals/").status_code == 200  # public pages stay open
    Authenticator.objects.create(
        user=people.supervisor, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert client.get("/staff/appeals/").status_code == 200
    client.force_login(people.alice)
    assert (
        client.get("/staff/appeals/").status_code == 403
    )  # residents are refused, not sent to 2FA


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_login_for_a_while(client, people) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"login": "alice@example.org", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "Слишком много" in response.content.decode() or "Too many" in response.content.decode()


def test_contacts_never_reach_the_logs(
    client, people, caplog, registered, django_capture_on_commit_callbacks
) -> None:
    people.alice.phone = "+7 912 345-67-89"
    people.alice.save()
    caplog.set_level(logging.DEBUG)
    client.force_login(people.alice)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = registered(text="Звоните +7 912 345-67-89, почта alice@example.org")
    client.get(appeal.get_absolute_url())
    client.get("/api/v1/appeals")
    client.get("/no-such-page/?email=alice@example.org")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "345-67-89" not in logged
    assert "alice@example.org" not in logged
