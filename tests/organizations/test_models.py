import pytest
from django.core.exceptions import ValidationError

from tests.factories import OrganizationFactory
from vmeste.organizations.models import Organization


def test_the_path_follows_the_tree(region) -> None:
    assert region.museum.path == f"/{region.region.pk}/{region.department.pk}/{region.museum.pk}/"
    assert region.museum.ancestor_ids() == [
        region.region.pk,
        region.department.pk,
        region.museum.pk,
    ]
    assert region.department.covers(region.museum)
    assert not region.museum.covers(region.department)
    assert not region.other_department.covers(region.museum)


def test_moving_a_subtree_moves_its_descendants(region) -> None:
    branch = OrganizationFactory(
        name="Филиал", slug="filial", institution_type="museum", parent=region.department
    )
    region.department.parent = region.centre  # not a valid tree, but the path must still follow
    region.department.save()
    branch.refresh_from_db()
    region.museum.refresh_from_db()
    assert region.museum.path.startswith(region.centre.path)
    assert branch.path == f"{region.centre.path}{region.department.pk}/{branch.pk}/"


@pytest.mark.parametrize(
    ("kind", "institution_type", "parent", "field"),
    [
        ("institution", "museum", "region", "parent"),
        ("institution", "", "department", "institution_type"),
        ("department", "museum", "region", "institution_type"),
        ("region", "", "department", "parent"),
    ],
)
def test_clean_refuses_shapes_the_tree_does_not_have(
    region, kind, institution_type, parent, field
) -> None:
    org = Organization(
        name="Новая",
        slug="new",
        kind=kind,
        institution_type=institution_type,
        parent=getattr(region, parent),
    )
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert field in error.value.message_dict


def test_an_organization_cannot_become_its_own_descendant(region) -> None:
    region.department.parent = region.museum
    with pytest.raises(ValidationError):
        region.department.clean()


def test_coordinates_are_range_checked(region) -> None:
    region.museum.latitude = 123
    with pytest.raises(ValidationError) as error:
        region.museum.full_clean()
    assert "latitude" in error.value.message_dict


def test_a_boundary_must_be_geojson(region) -> None:
    district = region.museum.district
    district.boundary = {"type": "Circle"}
    with pytest.raises(ValidationError):
        district.full_clean()
    district.boundary = {
        "type": "Polygon",
        "coordinates": [[[41, 57], [41.1, 57], [41, 57.1], [41, 57]]],
    }
    district.full_clean()
