"""Who answers an appeal: the most specific matching routing rule, else the department."""

from __future__ import annotations

from django.db.models import Q

from vmeste.organizations.models import District, Organization

from .models import Category, RoutingRule


def _department_of(organization: Organization | None) -> Organization | None:
    current = organization
    while current is not None and current.kind == Organization.Kind.INSTITUTION:
        current = current.parent
    return current


def appeal_route(
    *, category: Category, district: District | None, institution: Organization | None
) -> Organization | None:
    """The organization that must answer, by the rules (category × district × institution/type).

    Ties between equally specific rules go to the older rule. With no matching rule: the category's
    default organization, then the department above the institution, then the first department.
    """
    categories = [category.pk] + ([category.parent_id] if category.parent_id else [])
    # Only the rules that can match are read (a region has hundreds); the loop below decides.
    candidates = RoutingRule.objects.filter(
        Q(category__isnull=True) | Q(category_id__in=categories), is_active=True
    ).select_related("organization")
    if district is None:
        candidates = candidates.filter(district__isnull=True)
    else:
        candidates = candidates.filter(Q(district__isnull=True) | Q(district_id=district.pk))
    if institution is None:
        candidates = candidates.filter(institution__isnull=True, institution_type="")
    else:
        candidates = candidates.filter(
            Q(institution__isnull=True) | Q(institution_id=institution.pk),
            Q(institution_type="") | Q(institution_type=institution.institution_type),
        )
    best: tuple[int, int, RoutingRule] | None = None
    for rule in candidates:
        if rule.category_id and rule.category_id not in categories:
            continue
        if rule.district_id and (district is None or rule.district_id != district.pk):
            continue
        if rule.institution_id and (institution is None or rule.institution_id != institution.pk):
            continue
        if rule.institution_type and (
            institution is None or rule.institution_type != institution.institution_type
        ):
            continue
        # A rule on the parent category is a little less specific than one on the category itself.
        specificity = rule.specificity * 2 - (
            1 if rule.category_id and rule.category_id != category.pk else 0
        )
        key = (specificity, -rule.pk, rule)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is not None and best[2].organization.is_active:
        return best[2].organization
    if category.default_organization_id:
        return category.default_organization
    if institution is not None:
        return _department_of(institution)
    return (
        Organization.objects.filter(kind=Organization.Kind.DEPARTMENT, is_active=True)
        .order_by("path")
        .first()
    )
