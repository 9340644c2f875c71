"""The triage classifiers learn from the platform's own data; the newest model file is used.

``vmeste triage train`` collects categorized appeals (text → category, text → responsible
organization) and the operators' corrections of signals, optionally adds a CSV, trains one
:class:`~vmeste.triage.classifier.TextClassifier` per target and writes
``<VMESTE_MODEL_DIR>/<target>-<version>.joblib``. Running processes look at the directory at most
once a minute and load a newer file when one appears, so a retrained model is picked up without a
restart.

Each example carries when it was written (the appeal's submission, the operator's correction):
who answers what changes over the years, and the classifier weighs the time where its inner
folds show that it helps. A new signal is suggested as the latest examples were routed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from vmeste.triage.classifier import TextClassifier, embeddings_kept
from vmeste.triage.evaluate import Labelled

log = logging.getLogger(__name__)

TARGETS = ("category", "organization")
# Fewer examples than this per target and the classifier is not trained: it would only guess.
MIN_EXAMPLES = 20
CHECK_EVERY = 60.0


def model_dir() -> Path:
    return Path(settings.VMESTE_MODEL_DIR)


@dataclass
class TrainingReport:
    target: str
    examples: int
    labels: int
    path: Path | None
    version: str
    uses_time: bool = False  # whether the model kept the moments (see TextClassifier.fit)
    cut_labels: int = 0  # labels learned as several classes (see TextClassifier.cut_labels)
    by_size: bool = False  # whether small labels got meta weights of their own


def _days(moment: datetime) -> float:
    return moment.timestamp() / 86400


def training_data(target: str) -> Labelled:
    """Texts, labels (category or organization slugs) and days since 1970, from appeals (their
    submission) and operators' labels (their correction)."""
    from vmeste.appeals.models import Appeal, Status

    from .models import TrainingLabel

    field = "category__slug" if target == "category" else "organization__slug"
    rows = (
        Appeal.objects.exclude(status__in=[Status.SUBMITTED, Status.RETURNED, Status.REJECTED])
        .exclude(**{f"{field}__isnull": True})
        .values_list("text", field, "created_at")
        .order_by("pk")
    )
    corrections = TrainingLabel.objects.filter(field=target).values_list(
        "text", "label", "created_at"
    )
    examples = [*rows, *corrections]
    return Labelled(
        [text for text, _, _ in examples],
        [label for _, label, _ in examples],
        [_days(moment) for _, _, moment in examples],
    )


def label_names(target: str) -> dict[str, str]:
    """Slug → name of every category or organization: the classifier reads places and words
    in the names («Администрация Льговского района»), which a slug does not carry."""
    from vmeste.appeals.models import Category
    from vmeste.organizations.models import Organization

    model = Category if target == "category" else Organization
    return dict(model.objects.values_list("slug", "name"))


def train(
    target: str,
    *,
    extra: Labelled | None = None,
    directory: Path | None = None,
) -> TrainingReport:
    """Train ``target`` on the platform's data plus ``extra`` and write the model file.

    Times are used only when every example has one: texts of a CSV without a time column would
    otherwise all count as written at one moment.
    """
    data = training_data(target)
    texts, labels, times = data.texts, data.labels, data.times
    if extra is not None:
        texts, labels = texts + extra.texts, labels + extra.labels
        times = None if times is None or extra.times is None else times + extra.times
    if times is not None and None in times:
        times = None
    if len(texts) < MIN_EXAMPLES or len(set(labels)) < 2:
        return TrainingReport(target, len(texts), len(set(labels)), None, "")
    folder = directory or model_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if settings.VMESTE_TRIAGE_EMBEDDINGS:
        # The vectors of the last training are read, the new texts' encoded, and the fit
        # below finds them all in the cache (embeddings_kept).
        embeddings_kept(folder / f"embeddings-{target}.npz", texts)
    model = TextClassifier(embeddings=settings.VMESTE_TRIAGE_EMBEDDINGS).fit(
        texts, labels, times, names=label_names(target)
    )
    path = folder / f"{target}-{time.strftime('%Y%m%dT%H%M%S')}.joblib"
    temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp")  # two trainings at once
    model.dump(temporary)
    # Readers never see half a file: the name appears only when the file is complete.
    temporary.replace(path)
    return TrainingReport(
        target,
        len(texts),
        len(set(labels)),
        path,
        model.version,
        model.uses_time,
        model.cut_labels,
        model.by_size,
    )


class _Models:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[str, tuple[Path, float, TextClassifier]] = {}
        self._checked: dict[str, float] = {}

    def newest_file(self, target: str) -> Path | None:
        files = sorted(model_dir().glob(f"{target}-*.joblib"))
        return files[-1] if files else None

    def get(self, target: str) -> TextClassifier | None:
        now = time.monotonic()
        with self._lock:
            loaded = self._loaded.get(target)
            if loaded and now - self._checked.get(target, 0) < CHECK_EVERY:
                return loaded[2]
            self._checked[target] = now
        path = self.newest_file(target)
        if path is None:
            with self._lock:
                self._loaded.pop(target, None)
            return None
        mtime = path.stat().st_mtime
        if loaded and loaded[0] == path and loaded[1] == mtime:
            return loaded[2]
        try:
            model = TextClassifier.load(path)
        except (OSError, ValueError) as error:
            # Suggestions go on with the model already loaded, if any; the log says what to do.
            log.warning("triage model %s not loaded (%s); run `vmeste triage train`", path, error)
            return loaded[2] if loaded else None
        with self._lock:
            self._loaded[target] = (path, mtime, model)
        return model

    def reset(self) -> None:
        with self._lock:
            self._loaded.clear()
            self._checked.clear()


models = _Models()


def current(target: str) -> TextClassifier | None:
    return models.get(target)
