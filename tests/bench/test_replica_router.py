"""The read-replica router: public GET pages read from ``replica``, writes and people go to default.

The replica is simulated by a second alias pointing at the same test database (what Django's
``TEST: {"MIRROR": "default"}`` does), registered only for these tests; the tests commit their
rows (``transaction=True``) so that the second connection sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganizationFactory, UserFactory
from vmeste.core.db_router import REPLICA, ReplicaRouter, reading_from_replica
from vmeste.organizations.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(transactional_db: None) -> Iterator[str]:
    """A second alias on the test database, added after pytest-django set up the test (so that
    its guard against undeclared databases does not cover it)."""
    settings_dict = dict(connections["default"].settings_dict)
    settings_dict["TEST"] = {"MIRROR": "default"}
    connections.settings[REPLICA] = settings_dict
    # Open it here, directly: the test case's guard only refuses to open new connections.
    connections[REPLICA].connect()
    try:
        yield REPLICA
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _tables(queries: CaptureQueriesContext) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries)


def test_anonymous_public_page_reads_from_the_replica(client: Any, replica: str) -> None:
    OrganizationFactory(name="Музей на реплике")
    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_default,
    ):
        response = client.get("/organizations/")
    assert response.status_code == 200
    assert "organizations_organization" in _tables(on_replica)
    assert "organizations_organization" not in _tables(on_default)


def test_signed_in_people_read_their_writes_from_the_primary(client: Any, replica: str) -> None:
    user = UserFactory()
    client.force_login(user)
    with CaptureQueriesContext(connections[replica]) as on_replica:
        response = client.get("/organizations/")
    assert response.status_code == 200
    assert not on_replica.captured_queries


def test_writes_go_to_default_even_inside_a_replica_read(replica: str) -> None:
    with (
        reading_from_replica(),
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_default,
    ):
        Organization.objects.create(name="Новая", slug="new-org", kind="region")
        assert Organization.objects.filter(slug="new-org").exists()
    assert "INSERT" in _tables(on_default)
    assert "INSERT" not in _tables(on_replica)
    assert "SELECT" in _tables(on_replica)


def test_without_a_replica_everything_reads_from_default() -> None:
    assert REPLICA not in connections.settings
    router = ReplicaRouter()
    with reading_from_replica():
        assert router.db_for_read(Organization) is None  # None: Django's default alias
    assert router.db_for_write(Organization) == "default"
    assert router.allow_migrate("replica", "organizations") is False
