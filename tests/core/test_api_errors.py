import pytest


@pytest.mark.django_db
def test_ping_is_the_cheapest_answer(client) -> None:
    assert client.get("/api/v1/ping").json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [("ru", "Ничего не найдено по этому адресу."), ("en", "Nothing was found at this address.")],
)
def test_not_found_comes_in_the_envelope_in_the_callers_language(client, language, message) -> None:
    response = client.get("/api/v1/organizations/999", headers={"accept-language": language})
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": message, "details": {}}}


@pytest.mark.django_db
def test_validation_errors_name_the_field_in_russian(client) -> None:
    response = client.get("/api/v1/organizations/abc", headers={"accept-language": "ru"})
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert body["message"] == "Некоторые поля заполнены неверно."
    assert body["details"]["errors"][0]["message"] == "Введите целое число."


@pytest.mark.django_db
def test_an_id_beyond_the_database_range_is_a_validation_error(client) -> None:
    response = client.get("/api/v1/organizations/99999999999999999999999")
    assert response.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["?q=%00", "?q=a%00b"])
def test_a_nul_byte_in_the_query_is_refused_with_a_clear_message(client, query) -> None:
    response = client.get("/api/v1/organizations" + query, headers={"accept-language": "ru"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_characters"
    assert "NUL" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_a_nul_byte_in_a_page_form_gets_a_page_not_a_crash(client) -> None:
    response = client.get("/organizations/?q=%00")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_escape_in_a_json_body_is_refused(client) -> None:
    response = client.post(
        "/api/v1/ping", data='{"text": "a\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_me_needs_a_session(client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_describes_the_signed_in_person(client, people, region) -> None:
    client.force_login(people.executor)
    body = client.get("/api/v1/me").json()
    assert body["email"] == "executor@example.org"
    assert body["roles"] == [
        {
            "role": "executor",
            "organization_id": region.museum.pk,
            "organization": "Краеведческий музей",
        }
    ]
