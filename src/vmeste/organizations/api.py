"""Read-only public API of the directory of organizations and districts."""

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from vmeste.core.api import ERRORS

from . import selectors
from .models import Organization

router = Router()

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class SocialPageOut(Schema):
    network: str
    url: str


class OrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    slug: str
    kind: Organization.Kind
    institution_type: str
    parent_id: int | None
    district_id: int | None
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    phone: str
    email: str
    website: str
    opening_hours: str
    social_pages: list[SocialPageOut]


class OrganizationDetailOut(OrganizationOut):
    description: str
    ancestors: list[int]

    @staticmethod
    def resolve_ancestors(obj: Organization) -> list[int]:
        return obj.ancestor_ids()[:-1]


class OrganizationFilter(Schema):
    kind: Organization.Kind | None = None
    institution_type: Organization.InstitutionType | None = None
    district: Id | None = None
    parent: Id | None = None
    q: Annotated[str, Field(max_length=200)] | None = None


class DistrictOut(Schema):
    id: int
    name: str
    slug: str


class DistrictDetailOut(DistrictOut):
    boundary: dict[str, Any] | None


@router.get("/organizations", response=list[OrganizationOut], summary="Organizations")
@paginate(PageNumberPagination)
def organizations(request: HttpRequest, filters: Query[OrganizationFilter]) -> Any:
    """Active organizations, in tree order; filter by kind, institution type, district, parent."""
    return selectors.organization_list(
        kind=filters.kind,
        institution_type=filters.institution_type,
        district_id=filters.district,
        parent_id=filters.parent,
        search=filters.q,
    )


@router.get(
    "/organizations/{id}",
    response={200: OrganizationDetailOut, **ERRORS},
    summary="One organization",
)
def organization(request: HttpRequest, id: Id) -> Organization:
    return selectors.organization_get(id=id)


@router.get("/districts", response=list[DistrictOut], summary="Districts")
def districts(request: HttpRequest) -> Any:
    return selectors.district_list()


@router.get("/districts/{id}", response={200: DistrictDetailOut, **ERRORS}, summary="One district")
def district(request: HttpRequest, id: Id) -> Any:
    return selectors.district_get(id=id)
