"""Everything the demo loads, in order. Each domain adds its part here."""

from __future__ import annotations

from vmeste.organizations.models import Organization

from .organizations import seed_organizations
from .people import seed_people


def seed_all() -> dict[str, int]:
    organizations = seed_organizations()
    people = seed_people(organizations)
    return {
        "organizations": Organization.objects.count(),
        "people": len(people),
    }
