import json

import pytest
from allauth.account.models import EmailAddress

from tests.factories import PASSWORD
from vmeste.accounts import services
from vmeste.accounts.models import Consent, User
from vmeste.core.errors import Forbidden
from vmeste.core.models import AuditEntry


@pytest.fixture
def alice(people):
    services.consent_record(user=people.alice)
    people.alice.phone = "+7 900 123-45-67"
    people.alice.save()
    return people.alice


def test_a_resident_downloads_everything_held_about_them(client, alice) -> None:
    client.force_login(alice)
    response = client.get("/accounts/profile/data/")
    assert response["Content-Disposition"].startswith('attachment; filename="vmeste-my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "alice@example.org"
    assert data["account"]["phone"] == "+7 900 123-45-67"
    assert data["email_addresses"] == [
        {"email": "alice@example.org", "verified": True, "primary": True}
    ]
    assert data["consents"][0]["version"]
    assert [entry["action"] for entry in data["history"]] == ["consent.given"]


def test_nobody_downloads_someone_elses_data(people) -> None:
    with pytest.raises(Forbidden):
        services.account_export(actor=people.bob, user=people.alice)


def test_the_download_needs_a_session(client, people) -> None:
    response = client.get("/accounts/profile/data/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_deleting_the_account_erases_contacts_and_keeps_the_record(client, alice) -> None:
    client.force_login(alice)
    response = client.post("/accounts/profile/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    user = User.objects.get(pk=alice.pk)
    assert user.email == f"deleted-{user.pk}@deleted.invalid"
    assert (user.display_name, user.phone, user.first_name) == ("", "", "")
    assert user.public_name == "Удалённая учётная запись"
    assert not user.is_active and not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert Consent.objects.get(user=user).withdrawn_at is not None
    assert AuditEntry.objects.filter(action="account.deleted", target_id=str(user.pk)).exists()
    assert "_auth_user_id" not in client.session
    # The old e-mail no longer opens anything and can sign up afresh.
    assert not client.login(email="alice@example.org", password=PASSWORD)


def test_deleting_needs_the_password(client, alice) -> None:
    client.force_login(alice)
    response = client.post(
        "/accounts/profile/delete/",
        {"password": "wrong", "confirm": "on"},
        headers={"accept-language": "ru"},
    )
    assert response.status_code == 200
    assert "Пароль введён неверно." in response.content.decode()
    assert User.objects.get(pk=alice.pk).is_active


def test_nobody_deletes_someone_elses_account(people) -> None:
    with pytest.raises(Forbidden):
        services.account_delete(actor=people.admin, user=people.alice)


def test_profile_changes_are_saved_and_audited(client, people, region) -> None:
    client.force_login(people.alice)
    district = region.theatre.district
    response = client.post(
        "/accounts/profile/",
        {
            "display_name": "Алиса Н.",
            "district": district.pk,
            "language": "en",
            "email_off": ["digest"],
        },
    )
    assert response.status_code == 302
    people.alice.refresh_from_db()
    assert people.alice.display_name == "Алиса Н."
    assert people.alice.district == district
    assert people.alice.notifications_off == {"email": ["digest"], "site": []}
    assert not people.alice.wants("digest") and people.alice.wants("answers")
    entry = AuditEntry.objects.get(action="profile.updated")
    assert entry.data["changed"]["display_name"] == ["Алиса", "Алиса Н."]


def test_profile_with_an_unknown_district_explains_the_error(client, people) -> None:
    client.force_login(people.alice)
    response = client.post(
        "/accounts/profile/",
        {"display_name": "А", "district": "999999", "language": "ru"},
        headers={"accept-language": "ru"},
    )
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
