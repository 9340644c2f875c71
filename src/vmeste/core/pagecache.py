"""Whole public pages for visitors who are not signed in, cached until what they show changes.

Most readers of a popular idea, a project's list or the counters are visitors: the page is the same
for all of them except the CSRF token of the language switch. A view decorated with
:func:`visitor_page` names what its page depends on — versions that a change bumps (see
``ideas/fragments.py`` and ``appeals/counters.py``) — and an upper bound of staleness for what has
no version (the clock: a stage that opens, «overdue now»). The page is stored with the token cut
out and served with the visitor's own token put back, so a cached page never carries another
visitor's token and the CSRF cookie is set as on a fresh render.

Not cached: signed-in people (their pages hold their marks, forms and menu), a request with
messages to show, anything but GET/HEAD, answers other than 200, a view that wrote to the session
or set a cookie. The key holds the view, the path, the query string, the language and the htmx
headers (a fragment request gets the fragment). Every answer says ``X-Page-Cache: hit|miss|stale``
for those who measure.

When a change makes a popular page stale, only one request renders it again (a lock in the cache);
the visitors who come meanwhile get the previous page (``stale``) instead of all rendering the same
page at once — the dashboard of a year takes seconds to compute at «Наш город» scale. So a visitor
may see a page older by at most the time of one render, and never older than ``STALE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

# What a view's page depends on: parts of the key (versions) and the most seconds it may be kept,
# optionally a third number — for how many seconds after a render a change may wait (the latest
# page is served meanwhile; a page that is expensive to render and changes all the time) — or None
# when this request's page must not be cached.
Describe = Callable[..., tuple[Any, ...] | None]

STALE_SECONDS = 600  # the previous page may stand in while one request renders the new one
LOCK_SECONDS = 30  # a render that takes longer (or a process killed mid-render) frees the lock
_MARK = "\x00csrf\x00"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_HX_IGNORED = {"hx-current-url"}  # differs on every page a fragment is asked from; no view reads it


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"} or request.user.is_authenticated:
        return False
    return len(get_messages(request)) == 0  # counting does not mark them as shown


def _keys(request: HttpRequest, view: str, parts: tuple[Any, ...]) -> tuple[str, str]:
    """The page's key (with the versions) and the key of its latest copy (without them)."""
    htmx = sorted(
        (name.lower(), value)
        for name, value in request.headers.items()
        if name.lower().startswith("hx-") and name.lower() not in _HX_IGNORED
    )
    raw = repr((request.path, sorted(request.GET.lists()), translation.get_language(), htmx))
    latest = hashlib.sha256(raw.encode()).hexdigest()[:40]
    versioned = hashlib.sha256(f"{raw}{parts!r}".encode()).hexdigest()[:40]
    return f"vmeste-page:{view}:{versioned}", f"vmeste-page-latest:{view}:{latest}"


def _answer(request: HttpRequest, stored: tuple[Any, ...], how: str) -> HttpResponse:
    content_type, body = stored[0], stored[1]
    response = HttpResponse(body.replace(_MARK, get_token(request)), content_type=content_type)
    response["X-Page-Cache"] = how
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.modified)
        and response.get("Content-Type", "").startswith("text/html")
    )


def visitor_page(describe: Describe) -> Callable[[Callable[..., HttpResponse]], Any]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not getattr(settings, "VMESTE_PAGE_CACHE", True) or not _cacheable(request):
                return view(request, *args, **kwargs)
            described = describe(request, *args, **kwargs)
            if described is None:
                return view(request, *args, **kwargs)
            parts, seconds = described[0], described[1]
            settle = described[2] if len(described) > 2 else 0
            key, latest = _keys(request, name, parts)
            found = cache.get_many([key, latest] if settle else [key])
            if key in found:
                return _answer(request, found[key], "hit")
            previous = found.get(latest)
            if previous is not None and time.time() - previous[2] < settle:
                return _answer(request, previous, "stale")
            lock = f"{key}:lock"
            rendering = seconds > 0 and cache.add(lock, 1, LOCK_SECONDS)
            if seconds > 0 and not rendering:  # another request renders this page right now
                previous = previous or cache.get(latest)
                if previous is not None:
                    return _answer(request, previous, "stale")
            try:
                response = view(request, *args, **kwargs)
                if seconds > 0 and _storable(request, response):
                    body = response.content.decode(response.charset)
                    tokens = set(_TOKEN.findall(body))
                    if len(tokens) <= 1:  # one render uses one token; anything else is not ours
                        for token in tokens:
                            body = body.replace(token, _MARK)
                        page = (response["Content-Type"], body, time.time())
                        cache.set(key, page, seconds)
                        cache.set(latest, page, STALE_SECONDS)
            finally:
                if rendering:
                    cache.delete(lock)
            response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator
