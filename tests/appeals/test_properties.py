"""Whatever comes in, the answer is a clear refusal or a stored appeal, never a server error."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmeste.appeals.models import Appeal

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    st.lists(st.integers(), max_size=3),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "category_id": anything,
            "text": st.one_of(st.text(max_size=5000), anything),
            "consent": anything,
            "institution_id": anything,
            "district_id": anything,
            "address": anything,
            "latitude": anything,
            "longitude": anything,
            "idempotency_key": anything,
        },
    )
)
def test_filing_through_the_api_never_fails_on_input(client, people, categories, body) -> None:
    client.force_login(people.alice)
    before = Appeal.objects.count()
    try:
        payload = json.dumps(body)
    except ValueError:
        return
    response = client.post("/api/v1/appeals", payload, content_type="application/json")
    assert response.status_code in {200, 201, 400, 404, 409, 422}, (body, response.content[:300])
    if response.status_code >= 400:
        assert Appeal.objects.count() == before
        assert response.json()["error"]["message"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=4100), address=st.text(max_size=400), latitude=st.text(max_size=20))
def test_the_appeal_form_never_fails_on_input(
    client, people, categories, text, address, latitude
) -> None:
    client.force_login(people.alice)
    response = client.post(
        "/appeals/new/",
        {
            "category": categories.building.pk,
            "text": text,
            "address": address,
            "latitude": latitude,
            "longitude": "41",
            "consent": "on",
        },
    )
    assert response.status_code in {200, 302, 400}
