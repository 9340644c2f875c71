"""Quality of the triage classifiers on real Kursk appeals, by 5-fold cross-validation.

The data set is research data outside the repository (``../shared``); it is read at test
time only and the test is skipped when it is absent.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from vmeste.triage.evaluate import cross_validate, read_csv

DATA = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "kursk-appeals" / "train.csv"
)

# GOALS are the targets set for the classifiers; the current model does not reach them all
# (docs/triage.md says why). test_goals is a strict xfail per label, so it turns red the day a
# goal is reached and this file must be updated; REACHED are floors just under today's figures,
# guarding regressions. The file's ``id`` is the appeals' registration number, the only trace of
# when they were made: who answers changed over time, so the executor model weighs it.
GOALS = {"executor": (0.60, 0.85), "category": (0.62, None), "group": (0.85, None)}
REACHED = {"executor": (0.60, 0.80), "category": (0.59, 0.75), "group": (0.81, 0.95)}
# Whether every fold's model chose to weigh the times: they carry the executor, not the topic.
TIMED = {"executor": "5/5", "category": "0/5", "group": "0/5"}
# Whether the folds' models learned a label as several classes: the numbered topic groups each
# gather several kinds of appeal; a category or an executor is one kind.
CUT = {"executor": "0/5", "category": "0/5", "group": "5/5"}


def _one_thread() -> None:
    """Two worker processes on two cores: BLAS threads of their own would only fight (a 75 s
    cross-validation took 600 s so); the worker of the platform runs on one thread too."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    threadpool_limits(limits=1)


def _cv(column: str) -> dict[str, float]:
    data = read_csv(DATA, "text", column, "id")
    return cross_validate(data.texts, data.labels, folds=5, seed=0, times=data.times)


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, float]]:
    if not DATA.is_file():
        pytest.skip(f"the Kursk appeals data set is absent ({DATA}); quality not measured")
    columns = list(GOALS)
    with ProcessPoolExecutor(max_workers=2, initializer=_one_thread) as pool:
        return dict(zip(columns, pool.map(_cv, columns), strict=True))


@pytest.mark.parametrize("column", list(GOALS))
def test_cross_validated_quality(results: dict[str, dict[str, float]], column: str) -> None:
    result = results[column]
    top1, top3 = REACHED[column]
    assert result["n"] == 1375
    assert result["time"] == TIMED[column], result
    assert result["cut"] == CUT[column], result
    if column == "category":  # 152 labels, most with a few appeals: every fold weighs them apart
        assert result["by_size"] == "5/5", result
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
