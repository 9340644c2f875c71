"""Rendered fragments of the public idea pages, cached until what they show changes.

The pattern is the dashboard's (``vmeste.appeals.counters.counters_version``): a version number in
the cache is part of every fragment's key, and a change bumps it at once and again when its
transaction commits, so a stale fragment is never read again (it expires on its own). Three versions:

* per project — any idea of it, a vote or a comment changed (the idea list: counts, order, cards);
* per idea — its comments changed (the comment thread of the idea page);
* people — a person's public name changed (both show names).

Only the variants without per-person content are cached: no «you voted» mark, no forms (they carry
the person's CSRF token), no «edit» link of one's own comment. Everybody else gets a fresh render.
With ``REDIS_URL`` every process shares the versions; with the per-process memory cache (a single
process in development) a change is seen at once by the process that made it and by the others
after ``FRAGMENT_SECONDS`` at most.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation

FRAGMENT_SECONDS = 300
_PROJECT = "vmeste-ideas-v:p:{}"
_IDEA = "vmeste-ideas-v:i:{}"
_PEOPLE = "vmeste-ideas-v:people"
_PAGES = "vmeste-ideas-v:pages"
PAGE_SECONDS = 60  # the longest a visitor's cached page lives (core/pagecache.py)


def _epoch() -> int:
    # A version starts from the clock, not from 0: if the cache evicts a version key, the next
    # number cannot be one that fragments rendered before the eviction were stored under.
    return time.time_ns() // 1000


def _version(key: str) -> int:
    version = cache.get(key)
    if version is None:
        cache.add(key, _epoch(), timeout=None)
        version = cache.get(key) or 0
    return int(version)


def _versions(*keys: str) -> tuple[int, ...]:
    """Several versions in one round trip to the cache (the page cache reads four a request)."""
    found = cache.get_many(keys)
    return tuple(int(found[key]) if key in found else _version(key) for key in keys)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (never set, or evicted)
        cache.set(key, _epoch(), timeout=None)


def _bump_on_commit(key: str) -> None:
    # Now, so that this transaction reads no stale fragment, and again after the commit, so that
    # a fragment another request rendered from the old rows in between is not read either.
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def project_changed(project_id: int) -> None:
    """An idea of the project, its votes or its comments changed: the idea lists are stale."""
    _bump_on_commit(_PROJECT.format(project_id))


def comments_changed(idea_id: int) -> None:
    _bump_on_commit(_IDEA.format(idea_id))


def people_changed() -> None:
    _bump_on_commit(_PEOPLE)


def pages_changed() -> None:
    """Something the idea pages show that has no version of its own (a stage, a suggestion, a
    milestone…) changed: every cached idea page is stale. Such changes are rare."""
    _bump_on_commit(_PAGES)


def _key(kind: str, *parts: Any) -> str:
    raw = ":".join(str(p) for p in (*parts, translation.get_language(), _version(_PEOPLE)))
    return f"vmeste-fragment:{kind}:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def cached(kind: str, parts: tuple[Any, ...], render: Callable[[], str]) -> str:
    key = _key(kind, *parts)
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_SECONDS)
    return html


def idea_list_key(project_id: int, query: str) -> tuple[Any, ...]:
    return ("list", project_id, _version(_PROJECT.format(project_id)), query)


def comments_key(idea_id: int, project_id: int) -> tuple[Any, ...]:
    return ("comments", idea_id, _version(_IDEA.format(idea_id)), project_id)


# slug → (pages version, (project id, stage moments)): what a process learnt of a project, valid
# while the pages version is the same (a project's slug or stages saved bump it).
_known: dict[str, tuple[int, tuple[int, list[float]]]] = {}


def _project_meta(slug: str, pages_version: int) -> tuple[int, list[float]] | None:
    """The project's id and the moments its stages open and close (the pages change then)."""
    from .models import Project, Stage

    key = f"vmeste-ideas-meta:{pages_version}:{hashlib.sha256(slug.encode()).hexdigest()[:24]}"
    meta = cache.get(key)
    if meta is None:
        project_id = Project.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if project_id is None:
            return None
        moments = sorted(
            moment.timestamp()
            for pair in Stage.objects.filter(project_id=project_id).values_list(
                "starts_at", "ends_at"
            )
            for moment in pair
            if moment is not None
        )
        meta = (project_id, moments)
        cache.set(key, meta, FRAGMENT_SECONDS)
    _known[slug] = (pages_version, meta)
    return meta


def _page_versions(slug: str, idea_id: int | None) -> tuple[int, list[float], tuple] | None:
    """The project, its stage moments and the versions a page of it depends on — in one round
    trip to the cache when this process already knows the project, else in three."""

    def keys(project_id: int) -> list[str]:
        own = [_PROJECT.format(project_id), _PEOPLE, _PAGES]
        return own if idea_id is None else [*own, _IDEA.format(idea_id)]

    known = _known.get(slug)
    if known is not None:
        pages_version, (project_id, moments) = known
        wanted = keys(project_id)
        versions = _versions(*wanted)
        if versions[2] == pages_version:
            return project_id, moments, versions
    meta = _project_meta(slug, _version(_PAGES))
    if meta is None:
        return None
    project_id, moments = meta
    return project_id, moments, _versions(*keys(project_id))


def _page_seconds(moments: list[float]) -> int:
    from vmeste.core import clock

    now = clock.now().timestamp()
    upcoming = [m - now for m in moments if m > now]
    return int(min([PAGE_SECONDS, *upcoming]))


def project_page(request: Any, slug: str) -> tuple[tuple[Any, ...], int] | None:
    """What a visitor's project page (the idea list) depends on, for ``core.pagecache``."""
    found = _page_versions(slug, None)
    if found is None:
        return None
    project_id, moments, versions = found
    return ("project", project_id, *versions), _page_seconds(moments)


def idea_page(request: Any, slug: str, idea_id: int) -> tuple[tuple[Any, ...], int] | None:
    """What a visitor's idea page depends on: its project's and its comments' versions."""
    found = _page_versions(slug, idea_id)
    if found is None:
        return None
    project_id, moments, versions = found
    return ("idea", project_id, idea_id, *versions), _page_seconds(moments)


# What changes the fragments. Counters updated with queryset.update() (vote_count, comment_count)
# go with a Vote or Comment save, which is caught here.


@receiver([post_save, post_delete], sender="ideas.Idea")
def _idea_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    project_changed(instance.project_id)
    comments_changed(instance.pk)  # the thread shows links and forms that depend on the idea


@receiver([post_save, post_delete], sender="ideas.Vote")
def _vote_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    project_changed(instance.project_id)


@receiver([post_save, post_delete], sender="ideas.Comment")
def _comment_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    comments_changed(instance.idea_id)
    idea_field = sender._meta.get_field("idea")
    if idea_field.is_cached(instance):
        project_changed(instance.idea.project_id)
    else:
        from .models import Idea

        for project_id in Idea.objects.filter(pk=instance.idea_id).values_list(
            "project_id", flat=True
        ):
            project_changed(project_id)


_PAGE_MODELS = (
    "Project",
    "Stage",
    "Direction",
    "Criterion",
    "IdeaVersion",
    "Suggestion",
    "Milestone",
    "ImplementationPhoto",
    "Reward",
)


def _page_model_saved(sender: Any, **kwargs: Any) -> None:
    pages_changed()


for _model in _PAGE_MODELS:
    post_save.connect(_page_model_saved, sender=f"ideas.{_model}", weak=False)
    post_delete.connect(_page_model_saved, sender=f"ideas.{_model}", weak=False)


@receiver(post_save, sender="accounts.User")
def _user_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    # A sign-in saves only last_login; anything else may have changed the public name.
    if update_fields and set(update_fields) <= {"last_login", "password"}:
        return
    people_changed()


def public_thread_html(comments: list[Any]) -> str:
    """The thread as everybody sees it (``ideas/_comments.html`` without any form), written
    directly: the template engine spends ~0.15 ms a comment, and popular ideas have hundreds.
    A test checks that both give the same markup."""
    from django.template.defaultfilters import date as date_filter
    from django.template.defaultfilters import linebreaksbr
    from django.utils.html import escape
    from django.utils.timezone import localtime
    from django.utils.translation import gettext

    from vmeste.appeals.masking import mask_contacts

    hidden, edited = escape(gettext("Hidden by a moderator")), escape(gettext("edited"))
    days: dict[Any, str] = {}  # «j E Y» once a day, not once a comment
    names: dict[int, str] = {}
    out = ['<ul class="comments">\n']
    for c in comments:
        out.append(f'<li class="card depth-{c.depth}" id="comment-{c.pk}">\n  ')
        if c.hidden_at:
            out.append(f'<p class="meta"><em>{hidden}: {escape(c.hidden_reason)}</em></p>\n  ')
        else:
            moment = localtime(c.created_at)
            day = days.get(moment.date())
            if day is None:
                day = days[moment.date()] = date_filter(moment, "j E Y")
            name = names.get(c.author_id)
            if name is None:
                name = names[c.author_id] = escape(c.author.public_name)
            mark = f" · {edited}" if c.edited_at else ""
            text = linebreaksbr(mask_contacts(str(c.text or "")), autoescape=True)
            out.append(f'<p class="meta">{name} · {day}, {moment:%H:%M}{mark}</p><p>{text}</p>\n  ')
        out.append("</li>\n")
    if not comments:
        out.append(f"<li>{escape(gettext('No comments yet.'))}</li>\n")
    out.append("</ul>\n")
    return "".join(out)
