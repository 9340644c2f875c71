"""Shared fixtures: a small region and named personas for every role."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

from tests import guards
from tests.factories import DistrictFactory, OrganizationFactory, RoleFactory, UserFactory
from vmeste.accounts.models import Role, User
from vmeste.organizations.models import Organization


def pytest_configure(config: Any) -> None:
    """`make test` runs the suite in two processes (``-n 2`` of pytest-xdist), which must
    collect the same test ids; ids made of sets list the members in hash order, so the
    processes share one hash seed. Set here, before the processes start."""
    os.environ.setdefault("PYTHONHASHSEED", "0")
    # Schemathesis' cases are items of one test function: a mode that hands out whole modules
    # or groups runs one case of the 66 and says nothing of the rest.
    if getattr(config.option, "dist", "no") not in ("no", "load"):
        raise pytest.UsageError("run the suite with -n N alone (the default --dist load)")


@pytest.fixture(autouse=True)
def no_server_errors() -> Any:
    guards.SERVER_ERRORS.clear()
    yield
    assert not guards.SERVER_ERRORS, f"the server answered with an error: {guards.SERVER_ERRORS}"


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _own_models(settings: Any, tmp_path: Any) -> Any:
    """Each test trains and reads its own triage models and institution names."""
    from vmeste.signals import learning, places

    settings.VMESTE_MODEL_DIR = tmp_path / "models"
    learning.models.reset()
    places.reset()
    yield
    learning.models.reset()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with an empty cache (the dashboard and rate limits keep state there)."""
    from django.core.cache import cache

    from vmeste.ideas import fragments

    cache.clear()
    fragments._known.clear()  # what the process learnt of projects, valid with the cache's versions
    yield
    cache.clear()
    fragments._known.clear()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Any:
    from vmeste.workdays.calendar import calendar_changed

    calendar_changed()
    yield
    calendar_changed()


@pytest.fixture
def calendar(db: None) -> None:
    """The production calendar of 2026–2027 (a flushing test may have removed the shipped rows)."""
    from vmeste.workdays.services import calendar_load_year

    for year in (2025, 2026, 2027):
        calendar_load_year(year=year)


@dataclass
class Region:
    region: Organization
    department: Organization
    centre: Organization
    museum: Organization
    theatre: Organization
    other_department: Organization
    library: Organization


@pytest.fixture
def region(db: None) -> Region:
    central = DistrictFactory(name="Центральный", slug="centralnyj")
    river = DistrictFactory(name="Заречный", slug="zarechnyj")
    region = OrganizationFactory(
        name="Приозёрский край", slug="kraj", kind="region", institution_type=""
    )
    department = OrganizationFactory(
        name="Министерство культуры",
        slug="minkult",
        kind="department",
        institution_type="",
        parent=region,
    )
    centre = OrganizationFactory(
        name="Центр управления регионом",
        slug="cur",
        kind="governance_centre",
        institution_type="",
        parent=region,
    )
    other = OrganizationFactory(
        name="Министерство спорта",
        slug="minsport",
        kind="department",
        institution_type="",
        parent=region,
    )
    return Region(
        region=region,
        department=department,
        centre=centre,
        museum=OrganizationFactory(
            name="Краеведческий музей", slug="muzej", parent=department, district=central
        ),
        theatre=OrganizationFactory(
            name="Драматический театр",
            slug="teatr",
            institution_type="theatre",
            parent=department,
            district=river,
        ),
        other_department=other,
        library=OrganizationFactory(
            name="Спортивная библиотека", slug="sport-lib", institution_type="library", parent=other
        ),
    )


@dataclass
class Personas:
    """alice and bob are residents; the rest hold one role each in the demo region."""

    alice: User
    bob: User
    moderator: User
    expert: User
    executor: User
    other_executor: User
    supervisor: User
    operator: User
    project_admin: User
    admin: User

    def get(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def people(region: Region) -> Personas:
    def staff(name: str, kind: str, organization: Organization) -> User:
        user = UserFactory(email=f"{name}@example.org", display_name=name)
        RoleFactory(user=user, organization=organization, kind=kind)
        return user

    return Personas(
        alice=UserFactory(email="alice@example.org", display_name="Алиса"),
        bob=UserFactory(email="bob@example.org", display_name="Борис"),
        moderator=staff("moderator", Role.Kind.MODERATOR, region.department),
        expert=staff("expert", Role.Kind.EXPERT, region.department),
        executor=staff("executor", Role.Kind.EXECUTOR, region.museum),
        other_executor=staff("other_executor", Role.Kind.EXECUTOR, region.library),
        supervisor=staff("supervisor", Role.Kind.SUPERVISOR, region.department),
        operator=staff("operator", Role.Kind.OPERATOR, region.centre),
        project_admin=staff("project_admin", Role.Kind.PROJECT_ADMIN, region.department),
        admin=UserFactory(
            email="admin@example.org", display_name="admin", is_platform_admin=True, is_staff=True
        ),
    )
