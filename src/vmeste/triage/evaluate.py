"""Honest measurement of a :class:`~vmeste.triage.classifier.TextClassifier`.

A classifier is only ever scored on texts it was not fitted on: either a separate test file or
k-fold cross-validation in which every fold refits the whole model (gazetteer, vocabularies,
stacking) from its training part alone.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

from vmeste.triage.classifier import TextClassifier, _split

__all__ = ["cross_validate", "evaluate", "read_csv"]


def read_csv(path: str | Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    """Texts and labels of a CSV with a header; rows with an empty label are skipped.

    Raises KeyError naming the column when the header lacks one, so that callers can explain.
    """
    texts: list[str] = []
    labels: list[str] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in (text_column, label_column):
            if column not in header:
                raise KeyError(column)
        for row in reader:
            label = (row.get(label_column) or "").strip()
            if label:
                texts.append(row.get(text_column) or "")
                labels.append(label)
    return texts, labels


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
    **params: Any,
) -> dict[str, Any]:
    """Fit on the training pair, score top-1, top-3 and macro-F1 on the test pair."""
    model = TextClassifier(**params).fit(train_texts, train_labels)
    predictions = model.top(test_texts, k=3)
    top1, hits1, hits3 = _scores(predictions, test_labels)
    return _summary(len(test_texts), hits1, hits3, test_labels, top1)


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    folds: int = 5,
    seed: int = 0,
    **params: Any,
) -> dict[str, Any]:
    """K-fold CV: each fold fits a fresh model on the rest; metrics over all held-out texts.

    Folds are stratified when the label counts allow (see :func:`~.classifier.splitter`).
    """
    texts, labels = list(texts), [str(label) for label in labels]
    if len(texts) < folds:
        raise ValueError(f"{folds}-fold cross-validation needs at least {folds} texts")
    predictions: list[list[tuple[str, float]]] = [[] for _ in texts]
    for train, test in _split(labels, folds, seed):
        model = TextClassifier(**params).fit([texts[i] for i in train], [labels[i] for i in train])
        for i, ranked in zip(test, model.top([texts[i] for i in test], k=3), strict=True):
            predictions[int(i)] = ranked
    top1, hits1, hits3 = _scores(predictions, labels)
    return _summary(len(texts), hits1, hits3, labels, top1)
