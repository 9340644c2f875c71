"""Similar ideas while an author types: TF-IDF over character n-grams, per project, cached.

Character 3–5-grams within words match Russian inflections («музей», «музеях», «музейный») without a
lemmatiser, and a project's matrix of 10,000 ideas answers in milliseconds (`vmeste bench_similar`
measures it: p50 13 ms, p95 17 ms per lookup; building the index takes 3.4 s, which only the first
lookup in a process waits for — afterwards a stale index is served while a thread rebuilds it).
The sentence encoder was measured at ~240 ms for one text (shared/reference/libraries.md), too slow
for a keystroke; see docs/decisions/0002-similar-ideas.md.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from .models import PUBLIC_IDEA_STATUSES, Idea

CACHE_SECONDS = 120.0
MIN_SCORE = 0.12


@dataclass
class _Index:
    built_at: float
    count: int
    ids: list[int]
    titles: list[str]
    vectorizer: Any
    matrix: Any


_cache: dict[int, _Index] = {}
_lock = threading.Lock()


def _build(project_id: int) -> _Index | None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = list(
        Idea.objects.filter(project_id=project_id, status__in=PUBLIC_IDEA_STATUSES | {"submitted"})
        .order_by("pk")
        .values_list("pk", "title", "text")
    )
    if not rows:
        return None
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), min_df=1, sublinear_tf=True, max_features=200_000
    )
    matrix = vectorizer.fit_transform(
        [f"{title} {title} {text[:1000]}".lower() for _pk, title, text in rows]
    )
    return _Index(
        time.monotonic(), len(rows), [r[0] for r in rows], [r[1] for r in rows], vectorizer, matrix
    )


_rebuilding: set[int] = set()


def _rebuild(project_id: int) -> _Index | None:
    from django.db import connection

    try:
        built = _build(project_id)
        with _lock:
            if built is not None:
                _cache[project_id] = built
            else:
                _cache.pop(project_id, None)
        return built
    finally:
        with _lock:
            _rebuilding.discard(project_id)
        if threading.current_thread() is not threading.main_thread():
            connection.close()


def index_for(project_id: int, *, wait: bool = False) -> _Index | None:
    """The project's index. A stale one is served while a thread rebuilds it (stale-while-
    revalidate), so only the very first lookup in a process waits for the build."""
    with _lock:
        cached = _cache.get(project_id)
        fresh = cached is not None and time.monotonic() - cached.built_at < CACHE_SECONDS
        if fresh:
            return cached
        if cached is not None and not wait:
            if project_id not in _rebuilding:
                _rebuilding.add(project_id)
                threading.Thread(target=_rebuild, args=(project_id,), daemon=True).start()
            return cached
        _rebuilding.add(project_id)
    return _rebuild(project_id)


def forget(project_id: int | None = None) -> None:
    with _lock:
        if project_id is None:
            _cache.clear()
        else:
            _cache.pop(project_id, None)


def similar_ideas(
    *, project_id: int, text: str, limit: int = 5, exclude: int | None = None
) -> list[tuple[int, str, float]]:
    """Up to ``limit`` (id, title, score) of the project's ideas most like ``text``."""
    text = (text or "").strip().lower()
    if len(text) < 5:
        return []
    index = index_for(project_id)
    if index is None:
        return []
    scores = (index.matrix @ index.vectorizer.transform([text]).T).toarray().ravel()
    order = scores.argsort()[::-1]
    found = []
    for position in order[: limit + 1]:
        score = float(scores[position])
        if score < MIN_SCORE:
            break
        if index.ids[position] == exclude:
            continue
        found.append((index.ids[position], index.titles[position], round(score, 3)))
        if len(found) == limit:
            break
    return found
