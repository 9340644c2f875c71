"""Read replica routing: public pages read by anonymous visitors go to the ``replica`` alias.

Why only those: a streaming replica lags the primary by a little, so a person who just wrote
something (voted, filed an appeal, edited a profile) must read from the primary to see it. Anonymous
visitors of public pages — the idea lists, the dashboard, institutions, Open311 — cannot have
written anything, and they are most of the read traffic. Everything else, and every write, goes
to ``default``. Without a ``replica`` alias (``DATABASE_REPLICA_URL`` unset) nothing changes.

The decision is carried by a context variable that :class:`ReplicaReadMiddleware` sets around the
view, so code outside requests (the worker, commands, threads) always reads from the primary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
DEFAULT = "default"

# Path prefixes of public, read-only pages (the home page is matched exactly).
PUBLIC_PREFIXES = (
    "/projects/",
    "/organizations/",
    "/events",
    "/dashboard",
    "/open311/",
    "/opendata/",
    "/api/v1/projects",
    "/api/v1/organizations",
    "/api/v1/appeal-categories",
)
# Never from the replica, even when a prefix above matches: personal and staff pages.
PRIVATE_PREFIXES = ("/projects/mine/", "/projects/moderation/", "/projects/new/")

_use_replica: ContextVar[bool] = ContextVar("vmeste_use_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads inside the block go to the replica (when there is one)."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


def is_public_read(request: HttpRequest) -> bool:
    """A GET or HEAD of a public page by someone not signed in."""
    if request.method not in {"GET", "HEAD"}:
        return False
    path = request.path
    if path != "/" and (not path.startswith(PUBLIC_PREFIXES) or path.startswith(PRIVATE_PREFIXES)):
        return False
    if "HTTP_AUTHORIZATION" in request.META:  # an API token: a person who may have just written
        return False
    user = getattr(request, "user", None)
    return not getattr(user, "is_authenticated", False)


class ReplicaRouter:
    """Reads to the replica inside :func:`reading_from_replica`; writes and migrations to default."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _use_replica.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == DEFAULT


class ReplicaReadMiddleware:
    """Route the reads of a public page for an anonymous visitor to the replica.

    Installed after the authentication middleware, so that ``request.user`` is known (the session
    itself is read from the primary before the switch).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if replica_configured() and is_public_read(request):
            with reading_from_replica():
                return self.get_response(request)
        return self.get_response(request)
