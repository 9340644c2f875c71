"""Everything the demo loads, in order. Each domain adds its part here."""

from __future__ import annotations

from vmeste.organizations.models import Organization

from .appeals import seed_appeals, seed_categories, sweep_past
from .events import seed_events
from .ideas import seed_projects
from .organizations import seed_organizations
from .people import seed_people
from .signals import seed_signals


def seed_all(*, appeals: int = 300) -> dict[str, int]:
    organizations = seed_organizations()
    people = seed_people(organizations)
    categories = seed_categories(organizations)
    made = seed_appeals(people, categories, organizations, count=appeals)
    sweep_past()
    projects = seed_projects(people, organizations)
    events = seed_events(organizations)
    signals = seed_signals(people, organizations)
    return {
        "events": events,
        "projects": projects,
        "organizations": Organization.objects.count(),
        "people": len(people),
        "appeal categories": len(categories),
        "appeals": made,
        "signals": signals,
    }
