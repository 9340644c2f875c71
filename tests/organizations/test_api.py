import pytest

from tests.factories import OrganizationFactory
from vmeste.organizations.models import SocialPage


def test_the_list_is_public_paginated_and_in_tree_order(
    client, region, django_assert_max_num_queries
) -> None:
    SocialPage.objects.create(organization=region.museum, network="vk", url="https://vk.com/muzej")
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/organizations").json()
    assert body["count"] == 7
    names = [item["name"] for item in body["items"]]
    assert names.index("Министерство культуры") < names.index("Краеведческий музей")
    museum = next(item for item in body["items"] if item["slug"] == "muzej")
    assert museum["social_pages"] == [{"network": "vk", "url": "https://vk.com/muzej"}]
    assert museum["kind"] == "institution"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?kind=department", {"minkult", "minsport"}),
        ("?institution_type=theatre", {"teatr"}),
        ("?q=музей", {"muzej"}),
        ("?q=МУЗЕЙ", {"muzej"}),
    ],
)
def test_filters(client, region, query, expected) -> None:
    items = client.get("/api/v1/organizations" + query).json()["items"]
    assert {item["slug"] for item in items} == expected


def test_filter_by_parent_and_district(client, region) -> None:
    items = client.get(f"/api/v1/organizations?parent={region.department.pk}").json()["items"]
    assert {item["slug"] for item in items} == {"muzej", "teatr"}
    district = region.museum.district_id
    items = client.get(f"/api/v1/organizations?district={district}").json()["items"]
    assert {item["slug"] for item in items} == {"muzej"}


@pytest.mark.parametrize(
    "query", ["?kind=castle", "?institution_type=1", "?district=-1", "?page=0", "?q=" + "я" * 300]
)
def test_bad_filters_get_a_validation_error(client, region, query) -> None:
    response = client.get("/api/v1/organizations" + query)
    assert response.status_code == 422
    assert response.json()["error"]["details"]["errors"]


def test_pages_do_not_overlap(client, region) -> None:
    for n in range(60):
        OrganizationFactory(slug=f"extra-{n}", parent=region.department)
    first = client.get("/api/v1/organizations?page=1").json()
    second = client.get("/api/v1/organizations?page=2").json()
    assert first["count"] == 67
    ids_first = {item["id"] for item in first["items"]}
    ids_second = {item["id"] for item in second["items"]}
    assert len(ids_first) == 50 and len(ids_second) == 17
    assert not ids_first & ids_second


def test_one_organization_with_its_ancestors(client, region) -> None:
    body = client.get(f"/api/v1/organizations/{region.museum.pk}").json()
    assert body["name"] == "Краеведческий музей"
    assert body["ancestors"] == [region.region.pk, region.department.pk]


def test_an_inactive_organization_is_not_found(client, region) -> None:
    region.theatre.is_active = False
    region.theatre.save()
    assert client.get(f"/api/v1/organizations/{region.theatre.pk}").status_code == 404


def test_districts_and_their_boundaries(client, region) -> None:
    district = region.museum.district
    district.boundary = {
        "type": "Polygon",
        "coordinates": [[[41, 57], [41.1, 57], [41, 57.1], [41, 57]]],
    }
    district.save()
    listed = client.get("/api/v1/districts").json()
    assert [d["name"] for d in listed] == ["Заречный", "Центральный"]
    detail = client.get(f"/api/v1/districts/{district.pk}").json()
    assert detail["boundary"]["type"] == "Polygon"
    assert client.get("/api/v1/districts/424242").status_code == 404
