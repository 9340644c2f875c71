"""Reads of organizations and districts, shared by the pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from vmeste.core.errors import NotFound
from vmeste.core.search import text_search

from .models import District, Organization


def organization_list(
    *,
    kind: str | None = None,
    institution_type: str | None = None,
    district_id: int | None = None,
    parent_id: int | None = None,
    search: str | None = None,
) -> QuerySet[Organization]:
    """Active organizations matching the filters, in a stable order (tree path, then id)."""
    qs = Organization.objects.filter(is_active=True).select_related("district", "parent")
    if kind:
        qs = qs.filter(kind=kind)
    if institution_type:
        qs = qs.filter(institution_type=institution_type)
    if district_id:
        qs = qs.filter(district_id=district_id)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    if search:
        qs = text_search(qs, ["name", "short_name", "address"], search)
    return qs.prefetch_related("social_pages").order_by("path", "id")


def organization_get(*, id: int | None = None, slug: str | None = None) -> Organization:
    qs = Organization.objects.filter(is_active=True).select_related("district", "parent")
    found = qs.filter(pk=id).first() if id is not None else qs.filter(slug=slug).first()
    if found is None:
        raise NotFound()
    return found


def organization_children(organization: Organization) -> QuerySet[Organization]:
    return organization.children.filter(is_active=True).select_related("district").order_by("name")


def district_list() -> QuerySet[District]:
    return District.objects.order_by("name")


def district_get(*, id: int) -> District:
    district = District.objects.filter(pk=id).first()
    if district is None:
        raise NotFound()
    return district
