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
headers (a fragment request gets the fragment). Every answer says ``X-Page-Cache: hit|miss`` for
those who measure.
"""

from __future__ import annotations

import hashlib
import re
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
# or None when this request's page must not be cached.
Describe = Callable[..., tuple[tuple[Any, ...], int] | None]

_MARK = "\x00csrf\x00"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_HX_IGNORED = {"hx-current-url"}  # differs on every page a fragment is asked from; no view reads it


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"} or request.user.is_authenticated:
        return False
    return len(get_messages(request)) == 0  # counting does not mark them as shown


def _key(request: HttpRequest, view: str, parts: tuple[Any, ...]) -> str:
    htmx = sorted(
        (name.lower(), value)
        for name, value in request.headers.items()
        if name.lower().startswith("hx-") and name.lower() not in _HX_IGNORED
    )
    raw = repr(
        (
            request.path,
            sorted(request.GET.lists()),
            translation.get_language(),
            htmx,
            parts,
        )
    )
    return f"vmeste-page:{view}:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


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
            parts, seconds = described
            key = _key(request, name, parts)
            stored = cache.get(key)
            if stored is not None:
                content_type, body = stored
                response = HttpResponse(
                    body.replace(_MARK, get_token(request)), content_type=content_type
                )
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if seconds > 0 and _storable(request, response):
                body = response.content.decode(response.charset)
                tokens = set(_TOKEN.findall(body))
                if len(tokens) <= 1:  # one render uses one token; anything else is not ours
                    for token in tokens:
                        body = body.replace(token, _MARK)
                    cache.set(key, (response["Content-Type"], body), seconds)
            response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator
