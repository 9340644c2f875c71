"""The triage classifiers learn from the platform's own data; the newest model file is used.

``vmeste triage train`` collects categorized appeals (text → category, text → responsible
organization) and the operators' corrections of signals, optionally adds a CSV, trains one
:class:`~vmeste.triage.classifier.TextClassifier` per target and writes
``<VMESTE_MODEL_DIR>/<target>-<version>.joblib``. Running processes look at the directory at most
once a minute and load a newer file when one appears, so a retrained model is picked up without a
restart.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from vmeste.triage.classifier import TextClassifier

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


def training_data(target: str) -> tuple[list[str], list[str]]:
    """Texts and labels (category or organization slugs) from appeals and operators' labels."""
    from vmeste.appeals.models import Appeal, Status

    from .models import TrainingLabel

    field = "category__slug" if target == "category" else "organization__slug"
    rows = (
        Appeal.objects.exclude(status__in=[Status.SUBMITTED, Status.RETURNED, Status.REJECTED])
        .exclude(**{f"{field}__isnull": True})
        .values_list("text", field)
        .order_by("pk")
    )
    texts = [text for text, _ in rows]
    labels = [label for _, label in rows]
    for text, label in TrainingLabel.objects.filter(field=target).values_list("text", "label"):
        texts.append(text)
        labels.append(label)
    return texts, labels


def train(
    target: str,
    *,
    extra: tuple[list[str], list[str]] | None = None,
    directory: Path | None = None,
) -> TrainingReport:
    texts, labels = training_data(target)
    if extra is not None:
        texts, labels = texts + extra[0], labels + extra[1]
    if len(texts) < MIN_EXAMPLES or len(set(labels)) < 2:
        return TrainingReport(target, len(texts), len(set(labels)), None, "")
    model = TextClassifier().fit(texts, labels)
    folder = directory or model_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{target}-{time.strftime('%Y%m%dT%H%M%S')}.joblib"
    temporary = path.with_suffix(".tmp")
    model.dump(temporary)
    # Readers never see half a file: the name appears only when the file is complete.
    temporary.replace(path)
    return TrainingReport(target, len(texts), len(set(labels)), path, model.version)


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
        except (OSError, ValueError):
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
