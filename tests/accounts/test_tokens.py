from vmeste.accounts.models import ApiToken


def test_a_token_is_shown_once_stored_hashed_and_authenticates(client, people) -> None:
    client.force_login(people.alice)
    created = client.post(
        "/api/v1/me/tokens", {"name": "Мобильное приложение"}, content_type="application/json"
    ).json()
    key = created["key"]
    assert key.startswith("vm_") and not ApiToken.objects.filter(key_hash=key).exists()
    client.logout()
    me = client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.json()["email"] == "alice@example.org"
    assert client.get("/api/v1/me", headers={"authorization": "Bearer vm_wrong"}).status_code == 401
    listed = client.get("/api/v1/me/tokens", headers={"authorization": f"Bearer {key}"}).json()
    assert "key" not in listed[0] and listed[0]["last_used_at"]
    client.delete(f"/api/v1/me/tokens/{created['id']}", headers={"authorization": f"Bearer {key}"})
    assert client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"}).status_code == 401


def test_tokens_page(client, people) -> None:
    client.force_login(people.bob)
    page = client.post("/accounts/profile/tokens/", {"name": "Скрипт"}).content.decode()
    token = ApiToken.objects.get(user=people.bob)
    assert token.prefix in page and "vm_" in page
    client.post("/accounts/profile/tokens/", {"revoke": str(token.pk)})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.post("/accounts/profile/tokens/", {"name": ""}).status_code == 200


def test_rate_limits_answer_429_with_retry_after(client, settings, people) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_PER_IP = "3/m"
    codes = [client.get("/api/v1/ping").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/ping", headers={"accept-language": "ru"})
    assert limited.json()["error"]["code"] == "rate_limited" and int(limited["Retry-After"]) >= 1
    settings.API_RATE_PER_IP = "1000/m"
    settings.API_RATE_PER_CALLER = "2/m"
    client.force_login(people.alice)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()


def test_profile_data_and_notifications_through_the_api(client, people, region) -> None:
    from vmeste.notifications.services import notify

    client.force_login(people.alice)
    district = region.museum.district
    body = client.put(
        "/api/v1/me",
        {
            "display_name": "Алиса Н.",
            "district_id": district.pk,
            "language": "en",
            "notifications_off": {"email": ["digest"]},
        },
        content_type="application/json",
    ).json()
    assert (
        body["display_name"] == "Алиса Н."
        and body["district_id"] == district.pk
        and body["language"] == "en"
    )
    assert (
        client.put(
            "/api/v1/me", {"district_id": 999999}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get("/api/v1/me/data").json()["account"]["email"] == "alice@example.org"
    notify(user=people.alice, kind="status", title="Обращение № 1 принято")
    listed = client.get("/api/v1/me/notifications?unread=true").json()
    assert [n["title"] for n in listed] == ["Обращение № 1 принято"]
    assert client.post(
        "/api/v1/me/notifications/read", {}, content_type="application/json"
    ).json() == {"marked": 1}
    assert client.get("/api/v1/me/notifications?unread=true").json() == []
