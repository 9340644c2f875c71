from vmeste.appeals.models import Appeal


def test_a_request_is_created_with_the_api_key(
    client, categories, region, api_key, validate
) -> None:
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": "building",
            "lat": "57.0",
            "long": "41.0",
            "description": "Протекает крыша в зале древней истории музея.",
            "attribute[institution]": str(region.museum.pk),
            "first_name": "Анна",
            "phone": "+7 900 000-00-00",
        },
    )
    assert response.status_code == 201
    body = response.json()
    validate(
        "requests.json",
        [
            {
                **body[0],
                "status": "open",
                "service_code": "building",
                "requested_datetime": "2026-12-01T10:00:00+03:00",
            }
        ],
    )
    appeal = Appeal.objects.get(number=body[0]["service_request_id"])
    assert (
        appeal.source == "api"
        and appeal.institution == region.museum
        and appeal.contact_phone == "+7 900 000-00-00"
    )
    assert appeal.author.email == "alice@example.org"


def test_post_errors(client, categories, api_key) -> None:
    cases = [
        (
            {
                "service_code": "building",
                "lat": "57",
                "long": "41",
                "description": "Протекает крыша в зале.",
            },
            403,
        ),
        (
            {
                "api_key": "vm_wrong",
                "service_code": "building",
                "address_string": "Ленина, 1",
                "description": "Протекает крыша.",
            },
            403,
        ),
        (
            {
                "api_key": api_key,
                "service_code": "nope",
                "address_string": "Ленина, 1",
                "description": "Протекает крыша.",
            },
            404,
        ),
        (
            {
                "api_key": api_key,
                "service_code": "building",
                "description": "Протекает крыша в зале.",
            },
            400,
        ),
        (
            {
                "api_key": api_key,
                "service_code": "building",
                "lat": "abc",
                "long": "41",
                "description": "Протекает крыша.",
            },
            400,
        ),
        (
            {
                "api_key": api_key,
                "service_code": "building",
                "address_string": "Ленина, 1",
                "description": "коротко",
            },
            400,
        ),
        (
            {
                "api_key": api_key,
                "service_code": "building",
                "address_string": "Ленина, 1",
                "description": "Протекает крыша.",
                "attribute[institution]": "999999",
            },
            400,
        ),
        *[
            (
                {
                    "api_key": api_key,
                    "service_code": "building",
                    "lat": lat,
                    "long": long,
                    "description": "Протекает крыша.",
                },
                400,
            )
            # NaN parses as a Decimal and compares with nothing; it is no coordinate.
            for lat, long in [("NaN", "NaN"), ("NaN", "41"), ("57", "-Infinity")]
        ],
    ]
    for form, status in cases:
        response = client.post("/open311/v2/requests.xml", form)
        assert response.status_code == status, (form, response.content)
        assert b"<errors><error>" in response.content
    assert not Appeal.objects.exists()
