"""Similar ideas while an author types: TF-IDF over hashed character n-grams, per project, cached.

Character 3–5-grams within words match Russian inflections («музей», «музеях», «музейный») without a
lemmatiser. The n-grams are hashed into 2²⁰ columns (no vocabulary to keep) and weighted the way
scikit-learn's ``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)`` does (smooth idf, L2
rows); it is written here with numpy and ``scipy.sparse`` because importing scikit-learn's text
module costs every web process ~67 MB, and the vocabulary of a 10,000-idea project another ~60 MB
(docs/performance.md). `vmeste bench-similar` measures the lookups and the build.

A process keeps one index per project and rebuilds it when the project's ideas change (a version
in the cache, bumped by any idea saved), serving the previous index while a thread rebuilds, so only
the very first lookup in a process waits for the build. The sentence encoder was measured at
~240 ms for one text (shared/reference/libraries.md), too slow for a keystroke; see
docs/decisions/0002-similar-ideas.md.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db.models.functions import Left
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import fragments
from .models import PUBLIC_IDEA_STATUSES, Idea

MIN_SCORE = 0.12
NGRAMS = (3, 4, 5)
BITS = 20
BUCKETS = 1 << BITS
TEXT_CHARS = 500  # the title twice and the start of the text: what an author's title meets
CHECK_SECONDS = 5.0  # how often a process asks the cache whether the project's ideas changed
_VERSION = "vmeste-ideas-v:similar:{}"


@dataclass
class _Index:
    version: int
    checked_at: float
    count: int
    ids: list[int]
    titles: list[str]
    idf: Any  # float32[BUCKETS]
    matrix: Any  # CSC float32, one L2-normalised row per idea


_PRIME = 1_000_003
_MIX = 0x9E3779B97F4A7C15  # multiplicative hashing: the top bits are well spread


def _vector(text: str) -> tuple[Any, Any]:
    """Columns (sorted) and sublinear tf weights of the text's character n-grams within words,
    each word padded by a space on both sides (scikit-learn's ``char_wb``). The n-grams are hashed
    with numpy over the code points — a polynomial hash, the same in every process — so the index
    of 10,000 ideas is built in a second, not counted n-gram by n-gram in Python."""
    import numpy as np

    prime, mix = np.uint64(_PRIME), np.uint64(_MIX)
    joined = " " + " ".join(text.split()) + " "
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    spaces = np.concatenate(([0], np.cumsum(codes == 32)))  # spaces before each position
    hashes, parts = codes.copy(), []
    for n in range(2, NGRAMS[-1] + 1):
        hashes = hashes[:-1] * prime + codes[n - 1 :]
        if n < NGRAMS[0]:
            continue
        start = np.arange(len(hashes))
        # An n-gram of a padded word has no space inside it (only at its ends).
        inside = spaces[start + n - 1] - spaces[start + 1] == 0
        parts.append(((hashes[inside] + np.uint64(n)) * mix) >> np.uint64(64 - BITS))
    if not parts:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    columns, counts = np.unique(np.concatenate(parts), return_counts=True)
    return columns.astype(np.int32), (1.0 + np.log(counts)).astype(np.float32)


_cache: dict[int, _Index] = {}
_lock = threading.Lock()


def _build(project_id: int, version: int) -> _Index | None:
    import numpy as np
    from scipy import sparse

    ideas = (
        Idea.objects.filter(project_id=project_id, status__in=PUBLIC_IDEA_STATUSES | {"submitted"})
        .order_by("pk")
        .values_list("pk", "title", Left("text", TEXT_CHARS))
    )
    ids: list[int] = []
    titles: list[str] = []
    vectors = []
    for pk, title, text in ideas.iterator(chunk_size=2000):
        ids.append(pk)
        titles.append(title)
        vectors.append(_vector(f"{title} {title} {text}".lower()))
    if not ids:
        return None
    indptr = np.concatenate(([0], np.cumsum([len(columns) for columns, _ in vectors])))
    indices = np.concatenate([columns for columns, _ in vectors])
    data = np.concatenate([weights for _, weights in vectors])
    del vectors
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(ids), BUCKETS))
    df = np.bincount(matrix.indices, minlength=BUCKETS)
    idf = (np.log((1 + len(ids)) / (1 + df)) + 1).astype(np.float32)
    idf[df == 0] = 0.0  # an n-gram no idea has does not count in a query (as in scikit-learn)
    matrix.data *= idf[matrix.indices]
    # Columns, so that a lookup reads only the columns of the typed text's n-grams.
    matrix = _normalised(matrix).tocsc()
    _give_back_memory()
    return _Index(version, time.monotonic(), len(ids), ids, titles, idf, matrix)


def _give_back_memory() -> None:
    """Return the build's freed heap to the system (glibc keeps it otherwise: ~90 MB of the
    process's resident memory for a 10,000-idea project). Elsewhere it does nothing."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
    except OSError:
        pass


def _normalised(matrix: Any) -> Any:
    import numpy as np
    from scipy import sparse

    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags((1 / norms).astype(np.float32)) @ matrix


def _current_version(project_id: int) -> int:
    return fragments._version(_VERSION.format(project_id))


@receiver([post_save, post_delete], sender="ideas.Idea")
def _idea_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Counters (vote_count, comment_count) are updated with queryset.update(): no rebuild for them.
    fragments._bump_on_commit(_VERSION.format(instance.project_id))


_rebuilding: set[int] = set()


def _rebuild(project_id: int, version: int) -> _Index | None:
    from django.db import connection

    try:
        built = _build(project_id, version)
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
        if cached is not None and time.monotonic() - cached.checked_at < CHECK_SECONDS:
            return cached
    version = _current_version(project_id)
    with _lock:
        cached = _cache.get(project_id)
        if cached is not None and cached.version == version:
            cached.checked_at = time.monotonic()
            return cached
        if cached is not None and not wait:
            if project_id not in _rebuilding:
                _rebuilding.add(project_id)
                threading.Thread(target=_rebuild, args=(project_id, version), daemon=True).start()
            return cached
        _rebuilding.add(project_id)
    return _rebuild(project_id, version)


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
    import numpy as np

    columns, weights = _vector(text)
    weights = weights * index.idf[columns]
    norm = float(np.sqrt((weights**2).sum())) or 1.0
    scores = index.matrix[:, columns] @ (weights / norm)
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
