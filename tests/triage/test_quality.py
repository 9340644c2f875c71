"""Quality of the triage classifiers on real Kursk appeals, by 5-fold cross-validation.

The data set is research data outside the repository (``../shared``); it is read at test
time only and the test is skipped when it is absent.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from vmeste.triage import classifier
from vmeste.triage.classifier import DEFAULTS, remember_embeddings
from vmeste.triage.evaluate import cross_validate, read_csv

# No database: the figures are the same on SQLite and PostgreSQL, and CI measures them once.
pytestmark = pytest.mark.quality

DATA = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "kursk-appeals" / "train.csv"
)

# GOALS are the targets set for the classifiers; the current model does not reach them all
# (docs/triage.md says why). test_goals is a strict xfail per label, so it turns red the day a
# goal is reached and this file must be updated; REACHED are floors just under today's figures,
# guarding regressions. The file's ``id`` is the appeals' registration number, the only trace of
# when they were made: who answers changed over time, so the executor model weighs it.
GOALS = {"executor": (0.60, 0.85), "category": (0.62, None), "group": (0.85, None)}
REACHED = {"executor": (0.60, 0.80), "category": (0.59, 0.75), "group": (0.82, 0.95)}
# Whether every fold's model chose to weigh the times: they carry the executor, not the topic.
TIMED = {"executor": "5/5", "category": "0/5", "group": "0/5"}
# Whether the folds' models learned a label as several classes: the numbered topic groups each
# gather several kinds of appeal; a category or an executor is one kind.
CUT = {"executor": "0/5", "category": "0/5", "group": "5/5"}
# The topic group is learned with the categories inside it (``--finer-column category``): the
# file gives every appeal's category, and each category lies in one group.
FINER = {"group": "category"}


def _one_thread() -> None:
    """Two worker processes on two cores: BLAS threads of their own would only fight (a 75 s
    cross-validation took 600 s so); the worker of the platform runs on one thread too."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    threadpool_limits(limits=1)


def _cv(column: str) -> dict[str, float]:
    data = read_csv(DATA, "text", column, "id", finer_column=FINER.get(column))
    return cross_validate(
        data.texts, data.labels, folds=5, seed=0, times=data.times, finer=data.finer
    )


def _vectors(texts: list[str]) -> np.ndarray:
    return classifier._embed(texts, DEFAULTS["embed_chars"], DEFAULTS["encoder"])


def _measure() -> dict[str, dict[str, float]]:
    # The group first: it fits a category model beside its own, so it takes as long as the
    # other two on the other core.
    columns = sorted(GOALS, key=lambda column: column != "group")
    # The three targets share the texts, and embedding them is most of the work (~2 minutes a
    # core): they are embedded once, half on each core, and the folds' processes are forked
    # from here with the vectors in the cache. The results are the same as without it.
    texts = read_csv(DATA, "text", "category").texts
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, initializer=_one_thread, mp_context=fork) as pool:
        halves = [texts[: len(texts) // 2], texts[len(texts) // 2 :]]
        remember_embeddings(texts, np.vstack(list(pool.map(_vectors, halves))))
    with ProcessPoolExecutor(max_workers=2, initializer=_one_thread, mp_context=fork) as pool:
        return dict(zip(columns, pool.map(_cv, columns), strict=True))


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, float]]:
    """Measured once per run: under ``pytest -n 2`` the tests of this file may land on both
    processes, and the second one waits for the first one's figures instead of measuring
    them again (the pattern pytest-xdist documents for a fixture run once)."""
    if not DATA.is_file():
        pytest.skip(f"the Kursk appeals data set is absent ({DATA}); quality not measured")
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _measure()
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every process
    figures = shared / "kursk-quality.json"
    with (shared / "kursk-quality.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not figures.is_file():
            figures.write_text(json.dumps(_measure()), encoding="utf-8")
        return json.loads(figures.read_text(encoding="utf-8"))


@pytest.mark.parametrize("column", list(GOALS))
def test_cross_validated_quality(results: dict[str, dict[str, float]], column: str) -> None:
    result = results[column]
    top1, top3 = REACHED[column]
    assert result["n"] == 1375
    assert result["time"] == TIMED[column], result
    assert result["cut"] == CUT[column], result
    if column == "category":
        # 152 labels, most with a few appeals: most folds weigh the small ones apart. How many
        # is decided by a gain near the gate's bar, and it tips by a fold between processors
        # (5/5 on an AMD EPYC, 4/5 on an Intel Xeon), so a majority is what is asserted.
        kept, folds = (int(part) for part in result["by_size"].split("/"))
        assert kept * 2 > folds, result
    assert result["top1"] >= top1, result
    if top3 is not None:
        assert result["top3"] >= top3, result


@pytest.mark.xfail(strict=True, reason="the quality goals are not reached yet")
@pytest.mark.parametrize("column", list(GOALS))
def test_goals(results: dict[str, dict[str, float]], column: str) -> None:
    result = results[column]
    top1, top3 = GOALS[column]
    assert result["top1"] >= top1, result
    if top3 is not None:
        assert result["top3"] >= top3, result
