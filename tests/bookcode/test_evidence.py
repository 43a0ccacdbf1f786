"""nnbook.evidence: an experiment over several seeds, in worker processes, cached on disk."""

from __future__ import annotations

import os

import numpy as np
import pytest

from nnbook.evidence import RUNS, Runs, repeat

CALLS_FILE = "calls.txt"


def noisy_mean(seed, n=100, log=None):
    """A stand-in experiment: the mean of n draws, and the process that computed it."""
    if log is not None:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{seed}\n")
    return {"mean": float(np.random.default_rng(seed).normal(size=n).mean()), "pid": os.getpid()}


def test_each_run_gets_its_own_seed_and_the_results_come_back_in_seed_order():
    runs = repeat(noisy_mean, 4, base=7, jobs=1)
    assert runs.seeds == ((7, 0), (7, 1), (7, 2), (7, 3))
    expected = [np.random.default_rng([7, k]).normal(size=100).mean() for k in range(4)]
    np.testing.assert_array_equal(runs.values(lambda r: r["mean"]), expected)
    assert len(runs) == 4 and runs.label == "4 runs"


def test_worker_processes_give_the_same_results_as_one_process():
    serial = repeat(noisy_mean, 3, base=1, jobs=1)
    parallel = repeat(noisy_mean, 3, base=1, jobs=2)
    assert (
        serial.values(lambda r: r["mean"]).tolist() == parallel.values(lambda r: r["mean"]).tolist()
    )
    assert {r["pid"] for r in parallel} - {os.getpid()}, "no run left this process"


def test_count_all_median_and_spread_summarise_the_runs():
    runs = Runs(seeds=tuple((0, k) for k in range(5)), results=(0.91, 0.95, 0.97, 0.93, 0.99))
    assert runs.count(lambda a: a > 0.94) == 3
    assert runs.all(lambda a: a > 0.9) and not runs.all(lambda a: a > 0.92)
    assert runs.median(lambda a: a) == 0.95
    assert runs.spread(lambda a: a, ".1%") == "95.0% (91.0% to 99.0%)"


def test_a_statement_that_is_not_a_bool_is_refused():
    runs = Runs(seeds=((0, 0),), results=(np.array([1.0, 2.0]),))
    with pytest.raises(TypeError, match=r"must return a bool for each run, got ndarray"):
        runs.count(lambda a: a > 1)


def test_the_cache_computes_each_run_once_and_again_when_an_argument_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_RUNS_CACHE", str(tmp_path / "cache"))
    log = tmp_path / CALLS_FILE
    first = repeat(noisy_mean, 3, base=2, jobs=1, log=str(log))
    again = repeat(noisy_mean, 3, base=2, jobs=1, log=str(log))
    assert log.read_text().count("\n") == 3, "a cached run was computed again"
    assert first.results == again.results
    repeat(noisy_mean, 3, base=2, jobs=1, n=50, log=str(log))
    assert log.read_text().count("\n") == 6, "a changed argument reused the cache"
    repeat(noisy_mean, 4, base=2, jobs=1, log=str(log))
    assert log.read_text().count("\n") == 7, "only the new seed should have run"


def test_without_the_cache_variable_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv("NNBOOK_RUNS_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    repeat(noisy_mean, 2, jobs=1)
    assert list(tmp_path.iterdir()) == []


def test_arrays_key_the_cache_by_content_not_by_their_shortened_repr(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_RUNS_CACHE", str(tmp_path))
    a, b = np.zeros(5000), np.zeros(5000)
    b[2500] = 1.0  # same repr ("[0., 0., ..., 0.]"), different content
    assert repr(a) == repr(b)
    first = repeat(_sum_of, 1, jobs=1, values=a)
    second = repeat(_sum_of, 1, jobs=1, values=b)
    assert (first[0], second[0]) == (0.0, 1.0)


def _sum_of(seed, values):
    return float(values.sum())


def test_an_experiment_workers_cannot_import_is_refused_with_the_remedy():
    with pytest.raises(ValueError, match=r"defined at the top level of an importable module"):
        repeat(lambda seed: seed, 2)
    with pytest.raises(ValueError, match=r"defined inside a function, so worker processes"):
        repeat(noisy_mean, 2, jobs=1, log=lambda: None)


@pytest.mark.parametrize("runs", [0, -1, 2.0, True])
def test_a_number_of_runs_that_is_not_a_positive_int_is_refused(runs):
    with pytest.raises(ValueError, match=rf"runs must be a positive int, got {runs!r}"):
        repeat(noisy_mean, runs)


def test_five_runs_by_default():
    assert RUNS == 5
    assert len(repeat(noisy_mean, base=3, jobs=1)) == 5
