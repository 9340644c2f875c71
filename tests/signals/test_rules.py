"""Who may work signals: role × action × signal → allowed (complete with the core table)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.core.test_permissions import ALL
from tests.factories import signal_in
from vmeste.core.permissions import can

pytestmark = pytest.mark.django_db

# action, the organization owning the signal's source (None: no object), who may
RULE_TABLE = [
    ("signal.queue", None, {"operator", "admin"}),
    ("signal.work", "centre", {"operator", "admin"}),
    # A museum's own page: the governance centre is not above the museum, so its operator may not.
    ("signal.work", "museum", {"admin"}),
    ("signal.work", "region", {"admin"}),
]


@pytest.mark.parametrize("who", ALL)
@pytest.mark.parametrize(("action", "owner", "allowed"), RULE_TABLE, ids=str)
def test_signal_rules(who, action, owner, allowed, region, people) -> None:
    signal = None
    if owner:
        signal = signal_in(getattr(region, owner), slug=owner)
    user = people.get(who) or AnonymousUser()
    assert can(user, action, signal) is (who in allowed)
