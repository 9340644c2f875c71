"""Honest measurement of a :class:`~vmeste.triage.classifier.TextClassifier`.

A classifier is only ever scored on texts it was not fitted on: either a separate test file or
k-fold cross-validation in which every fold refits the whole model (gazetteer, vocabularies,
stacking) from its training part alone.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

from vmeste.triage.classifier import TextClassifier, _split

__all__ = ["BadTime", "Labelled", "cross_validate", "evaluate", "read_csv"]


@dataclass
class Labelled:
    """Parallel texts and labels, when each text was written (``None`` when not known) and
    the finer label of each (``""`` when not known), where asked for."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    times: list[float | None] | None = None
    finer: list[str] | None = None


class BadTime(ValueError):
    """A time cell that is not one; ``line`` is the CSV line (the header is line 1)."""

    def __init__(self, line: int, value: str) -> None:
        super().__init__(f"line {line}: not a time: {value!r}")
        self.line = line
        self.value = value


def _moment(value: str | None, dates_only: bool) -> float | None:
    """A time cell as a number: a finite number as it is (unless ``dates_only``), an ISO date or
    datetime as days since 1970-01-01. Raises ValueError for anything else."""
    value = (value or "").strip()
    if not value:
        return None
    if not dates_only:
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if not math.isfinite(number):
                raise ValueError(value)
            return number
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() / 86400


def read_csv(
    path: str | Path,
    text_column: str,
    label_column: str,
    time_column: str | None = None,
    *,
    dates_only: bool = False,
    finer_column: str | None = None,
) -> Labelled:
    """Texts, labels (and times, and finer labels) of a CSV with a header; rows with an empty
    label are skipped.

    A time is a number that grows with time (an appeal's sequence number, days) or an ISO date
    (days since 1970); ``dates_only`` accepts dates only, for data joined with the platform's own
    (which are in days since 1970, so a bare number could be in any unit). Raises KeyError naming
    the column when the header lacks one, :class:`BadTime` for a bad time, UnicodeDecodeError for
    a file that is not UTF-8.
    """
    data = Labelled(times=[] if time_column else None, finer=[] if finer_column else None)
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in (text_column, label_column, time_column, finer_column):
            if column and column not in header:
                raise KeyError(column)
        for line, row in enumerate(reader, start=2):
            label = (row.get(label_column) or "").strip()
            if not label:
                continue
            data.texts.append(row.get(text_column) or "")
            data.labels.append(label)
            if finer_column and data.finer is not None:
                data.finer.append((row.get(finer_column) or "").strip())
            if time_column and data.times is not None:
                cell = row.get(time_column)
                try:
                    data.times.append(_moment(cell, dates_only))
                except ValueError:
                    raise BadTime(line, (cell or "").strip()) from None
    return data


def _scores(
    predictions: list[list[tuple[str, float]]], truth: Sequence[str]
) -> tuple[list[str], int, int]:
    top1 = [ranked[0][0] if ranked else "" for ranked in predictions]
    hits1 = sum(guess == label for guess, label in zip(top1, truth, strict=True))
    hits3 = sum(
        label in {name for name, _ in ranked[:3]}
        for ranked, label in zip(predictions, truth, strict=True)
    )
    return top1, hits1, hits3


def _summary(
    n: int, hits1: int, hits3: int, truth: Sequence[str], top1: Sequence[str]
) -> dict[str, Any]:
    macro = f1_score(list(truth), list(top1), average="macro", zero_division=0) if n else 0.0
    return {
        "n": n,
        "top1": round(hits1 / n, 3) if n else 0.0,
        "top3": round(hits3 / n, 3) if n else 0.0,
        "macro_f1": round(float(macro), 3),
    }


def evaluate(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    test_labels: Sequence[str],
    *,
    train_times: Sequence[float | None] | None = None,
    test_times: Sequence[float | None] | None = None,
    train_finer: Sequence[str | None] | None = None,
    **params: Any,
) -> dict[str, Any]:
    """Fit on the training pair, score top-1, top-3 and macro-F1 on the test pair.

    ``train_finer``: the training texts' finer labels (see :meth:`TextClassifier.fit`); the
    test texts need none.
    """
    model = TextClassifier(**params).fit(train_texts, train_labels, train_times, finer=train_finer)
    predictions = model.top(test_texts, k=3, times=test_times)
    top1, hits1, hits3 = _scores(predictions, test_labels)
    result = _summary(len(test_texts), hits1, hits3, test_labels, top1)
    result["cut"] = model.cut_labels  # labels learned as several classes
    result["by_size"] = model.by_size  # whether small labels got meta weights of their own
    if train_times is not None:
        result["time"] = model.uses_time  # whether the model chose to weigh the times
    return result


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    folds: int = 5,
    seed: int = 0,
    times: Sequence[float | None] | None = None,
    finer: Sequence[str | None] | None = None,
    **params: Any,
) -> dict[str, Any]:
    """K-fold CV: each fold fits a fresh model on the rest; metrics over all held-out texts.

    ``finer``: each text's finer label, which a fold's model learns from its training part.

    Folds are stratified when the label counts allow (see :func:`~.classifier.splitter`).
    ``"time"`` in the result is how many of the folds' models chose to weigh the times, ``"cut"``
    how many learned some label as several classes, ``"by_size"`` how many gave small labels
    meta weights of their own.
    """
    texts, labels = list(texts), [str(label) for label in labels]
    if len(texts) < folds:
        raise ValueError(f"{folds}-fold cross-validation needs at least {folds} texts")
    predictions: list[list[tuple[str, float]]] = [[] for _ in texts]
    timed = cut = by_size = 0
    for train, test in _split(labels, folds, seed):
        model = TextClassifier(**params).fit(
            [texts[i] for i in train],
            [labels[i] for i in train],
            None if times is None else [times[i] for i in train],
            finer=None if finer is None else [finer[i] for i in train],
        )
        timed += model.uses_time
        cut += model.cut_labels > 0
        by_size += model.by_size
        ranked_all = model.top(
            [texts[i] for i in test], k=3, times=None if times is None else [times[i] for i in test]
        )
        for i, ranked in zip(test, ranked_all, strict=True):
            predictions[int(i)] = ranked
    top1, hits1, hits3 = _scores(predictions, labels)
    result = _summary(len(texts), hits1, hits3, labels, top1)
    result["cut"] = f"{cut}/{folds}"  # how many folds' models learned a label as several classes
    result["by_size"] = f"{by_size}/{folds}"  # how many weighed small labels apart
    if times is not None:
        result["time"] = f"{timed}/{folds}"
    return result
