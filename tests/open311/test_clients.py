"""Open311 clients we did not write, against the live server: georeport (reads) and civicbot (writes)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_georeport_reads_json_and_xml(live_server, public_appeals) -> None:
    from georeport import GeoReport

    for fmt in ("json", "xml"):
        client = GeoReport(
            live_server.url + "/open311/v2", jurisdiction="vmeste.local", output_format=fmt
        )
        services = client.get_service_list()
        assert any(s["service_code"] == "building" for s in services)
        definition = client.get_service_definition("building")
        assert definition["service_code"] == "building"
        requests = client.get_service_requests()
        numbers = {public_appeals[0].number, public_appeals[1].number}
        found = requests if isinstance(requests, list) else [requests]
        assert numbers <= {r["service_request_id"] for r in found}
        one = client.get_service_request(public_appeals[0].number)
        one = one[0] if isinstance(one, list) else one
        assert one["service_request_id"] == public_appeals[0].number


def test_civicbot_creates_a_request_against_our_definitions(
    live_server, categories, region, api_key
) -> None:
    from civicbot.http import HttpTransport, RateLimiter
    from civicbot.open311 import Open311Client, ValidationError
    from civicbot.registry import Endpoint

    from vmeste.appeals.models import Appeal

    categories.building.requires_institution = True
    categories.building.save()
    endpoint = Endpoint(
        id="vmeste", name="Вместе", base_url=live_server.url + "/open311/v2", write=True
    )
    client = Open311Client(
        endpoint,
        transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)),
        jurisdiction_id="vmeste.local",
    )
    with pytest.raises(ValidationError):  # the required attribute comes from our service definition
        client.create_request(
            "building", lat=57.0, lng=41.0, description="Протекает крыша", validate_remote=True
        )
    sent = client.create_request(
        "building",
        dry_run=False,
        confirm="SEND",
        api_key=api_key,
        validate_remote=True,
        lat=57.0,
        lng=41.0,
        description="Протекает крыша в зале древней истории.",
        attributes={"institution": str(region.museum.pk)},
    )
    number = sent.response[0]["service_request_id"]
    assert Appeal.objects.get(number=number).institution == region.museum
