"""Telling people what concerns them: on the site always, by e-mail unless they opted out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction

from vmeste.core import clock

from .models import Notification
from .tasks import notification_email

_email_muted: ContextVar[bool] = ContextVar("vmeste_email_muted", default=False)


@contextmanager
def emails_muted() -> Iterator[None]:
    """Create site notifications but send no e-mail (loading demo data or an import)."""
    token = _email_muted.set(True)
    try:
        yield
    finally:
        _email_muted.reset(token)


def notify(
    *, user: Any, kind: str, title: str, body: str = "", url: str = ""
) -> Notification | None:
    """Create a notification for ``user`` (inside the caller's transaction) and e-mail it on commit.

    ``kind`` is one of :class:`vmeste.accounts.models.NotificationKind` or a staff kind; opted-out
    site notifications are not created, opted-out e-mails are not sent.
    """
    if user is None or not user.is_active or user.anonymized_at:
        return None
    if not user.wants(kind, "site") and not user.wants(kind, "email"):
        return None
    notification = Notification.objects.create(
        user=user, kind=kind, title=title[:300], body=body, url=url, created_at=clock.now()
    )
    if user.wants(kind, "email") and not _email_muted.get():
        notification_id = notification.pk
        transaction.on_commit(lambda: notification_email.enqueue(notification_id=notification_id))
    return notification


def notify_many(
    *, users: Iterable[Any], kind: str, title: str, body: str = "", url: str = ""
) -> int:
    sent = 0
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        sent += notify(user=user, kind=kind, title=title, body=body, url=url) is not None
    return sent


@transaction.atomic
def notifications_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=clock.now())
