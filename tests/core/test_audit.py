import datetime as dt

import pytest
import time_machine
from django.db import transaction

from vmeste.accounts import services
from vmeste.core.audit import audit_history, audit_record
from vmeste.core.errors import Conflict
from vmeste.core.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_write_outside_a_transaction(people) -> None:
    with pytest.raises(RuntimeError):
        audit_record(actor=people.admin, action="x.y", target=people.alice)


@time_machine.travel(dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_service_records_who_when_what_and_why(people, region) -> None:
    services.role_grant(
        actor=people.supervisor,
        user=people.bob,
        organization=region.museum,
        kind="executor",
        reason="новый сотрудник музея",
    )
    entry = AuditEntry.objects.get(action="role.granted")
    assert entry.actor == people.supervisor
    assert entry.actor_label == "supervisor"
    assert entry.at == dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
    assert entry.target == people.bob
    assert (entry.from_state, entry.to_state) == ("", "executor")
    assert entry.reason == "новый сотрудник музея"
    assert entry.data == {"organization": region.museum.pk}


def test_history_lists_changes_of_one_object_in_order(people, region) -> None:
    role = services.role_grant(
        actor=people.admin, user=people.bob, organization=region.museum, kind="moderator"
    )
    services.role_revoke(actor=people.admin, role=role, reason="перевод")
    services.role_grant(
        actor=people.admin, user=people.alice, organization=region.museum, kind="expert"
    )
    history = list(audit_history(people.bob))
    assert [(e.action, e.from_state, e.to_state) for e in history] == [
        ("role.granted", "", "moderator"),
        ("role.revoked", "moderator", ""),
    ]


def test_a_failed_service_leaves_no_audit_entry(people, region) -> None:
    services.role_grant(
        actor=people.admin, user=people.bob, organization=region.museum, kind="expert"
    )
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict):
        services.role_grant(
            actor=people.admin, user=people.bob, organization=region.museum, kind="expert"
        )
    assert AuditEntry.objects.count() == before


def test_audit_rows_roll_back_with_the_change(people, region) -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.role_grant(
            actor=people.admin, user=people.bob, organization=region.museum, kind="expert"
        )
        1 / 0  # noqa: B018
    assert not AuditEntry.objects.filter(action="role.granted").exists()
    assert not people.bob.roles.exists()
