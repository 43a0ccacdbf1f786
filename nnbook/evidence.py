"""Evidence over several runs: one experiment repeated with independent seeds.

A sentence about what training does ("B beats A", "a remedy costs accuracy", "most units
die") is only as good as its spread over runs. :func:`repeat` runs an experiment once per
seed, side by side in worker processes, and returns the results as :class:`Runs`, which
counts in how many runs a statement holds and summarises a measure by its median and
range::

    runs = repeat(train_design, 5, base=SEED, design="B")
    runs.count(lambda r: r.test_acc > 0.9)          # e.g. 5
    runs.spread(lambda r: r.test_acc, ".1%")        # "96.9% (95.8% to 97.6%)"

The experiment is a function importable from a module (so that worker processes can run
it), called as ``experiment(seed=[base, k], **kwargs)`` for run ``k``; it derives every
random choice of the run (the data split, the initial weights, the batch order) from that
one seed, so the runs differ in all of them together.

Results are cached on disk when the environment variable ``NNBOOK_RUNS_CACHE`` names a
folder (the book's build sets it): a run is computed again only when its experiment, its
arguments, its seed or the source of ``nncore`` and ``nnbook`` changed, as the build's
execution cache does for notebooks. ``NNBOOK_JOBS`` sets the number of worker processes
(default: one per core; 1 runs everything in the calling process).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Runs", "repeat", "RUNS"]

#: Runs behind every statement about training outcomes, unless a chapter asks for more.
RUNS = 5

_CACHE_VARIABLE, _JOBS_VARIABLE = "NNBOOK_RUNS_CACHE", "NNBOOK_JOBS"


@dataclass(frozen=True)
class Runs:
    """The results of one experiment over several seeds, in seed order.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    seeds : tuple of tuple of int
        The seed of each run, ``(base, k)``.
    results : tuple
        What the experiment returned for each seed.
    """

    seeds: tuple[tuple[int, ...], ...]
    results: tuple[Any, ...]

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.results)

    def __getitem__(self, k: int) -> Any:
        return self.results[k]

    @property
    def label(self) -> str:
        """``"5 runs"``: what a tested sentence's badge says it was tested over."""
        return f"{len(self)} runs" if len(self) != 1 else "1 run"

    def values(self, measure: Callable[[Any], Any]) -> np.ndarray:
        """The measure of every run, as an array of shape (runs,) or (runs, ...).

        Parameters
        ----------
        measure : callable
            Maps one run's result to a number (or an array of the same shape for every run).

        Returns
        -------
        numpy.ndarray
        """
        return np.asarray([measure(r) for r in self.results], dtype=float)

    def count(self, statement: Callable[[Any], Any]) -> int:
        """In how many runs ``statement(result)`` is true.

        Parameters
        ----------
        statement : callable
            Maps one run's result to a bool.

        Returns
        -------
        int
        """
        verdicts = [statement(r) for r in self.results]
        for v in verdicts:
            if not isinstance(v, (bool, np.bool_)):
                raise TypeError(
                    f"Runs.count: the statement must return a bool for each run, got "
                    f"{type(v).__name__} {v!r}; compare explicitly (e.g. a > b)."
                )
        return int(sum(bool(v) for v in verdicts))

    def all(self, statement: Callable[[Any], Any]) -> bool:
        """Whether ``statement(result)`` holds in every run (see :meth:`count`).

        Parameters
        ----------
        statement : callable
            Maps one run's result to a bool.

        Returns
        -------
        bool
        """
        return self.count(statement) == len(self)

    def median(self, measure: Callable[[Any], Any]) -> float:
        """The median of ``measure`` over the runs.

        Parameters
        ----------
        measure : callable
            Maps one run's result to a number.

        Returns
        -------
        float
        """
        return float(np.median(self.values(measure)))

    def spread(self, measure: Callable[[Any], Any], fmt: str) -> str:
        """``"median (min to max)"`` of ``measure`` over the runs, each in format ``fmt``.

        Parameters
        ----------
        measure : callable
            Maps one run's result to a number.
        fmt : str
            A format specification such as ``".1%"``.

        Returns
        -------
        str
        """
        v = self.values(measure)
        if v.ndim != 1:
            raise ValueError(
                f"Runs.spread: the measure must give one number per run, got shape {v.shape}."
            )
        return f"{np.median(v):{fmt}} ({v.min():{fmt}} to {v.max():{fmt}})"


def repeat(
    experiment: Callable[..., Any],
    runs: int = RUNS,
    /,
    *,
    base: int = 0,
    jobs: int | None = None,
    **kwargs: Any,
) -> Runs:
    """Run ``experiment(seed=[base, k], **kwargs)`` for ``k = 0 .. runs - 1``.

    Parameters
    ----------
    experiment : callable
        A function defined at the top level of an importable module (worker processes
        import it by name). It must derive every random choice from its ``seed``.
    runs : int, default RUNS (5)
        How many independent runs.
    base : int, default 0
        The first entry of every seed; a chapter uses its own, so that its runs are
        independent of another chapter's.
    jobs : int, optional
        Worker processes (default: ``NNBOOK_JOBS``, else one per core). 1 runs in this
        process.
    **kwargs
        Passed to every call; they and the seed key the cache. Plain values (numbers,
        strings, arrays, top-level functions and classes), which worker processes can
        receive.

    Returns
    -------
    Runs
        The results in seed order.
    """
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ValueError(f"repeat: runs must be a positive int, got {runs!r}.")
    name = f"{getattr(experiment, '__module__', '')}.{getattr(experiment, '__qualname__', '')}"
    if not callable(experiment) or "<" in name or name.startswith("__main__."):
        raise ValueError(
            f"repeat: the experiment must be a function defined at the top level of an "
            f"importable module, so that worker processes can run it; got {experiment!r}. "
            "Move it into a module (e.g. nnbook.experiments) and import it."
        )
    seeds = tuple((int(base), k) for k in range(int(runs)))
    folder = os.environ.get(_CACHE_VARIABLE)
    keys = [_key(name, seed, kwargs) for seed in seeds]
    results: list[Any] = [None] * len(seeds)
    todo = []
    for k, key in enumerate(keys):
        hit = _load(folder, key)
        if hit is None:
            todo.append(k)
        else:
            results[k] = hit[0]
    for k, result in zip(todo, _run(experiment, [seeds[k] for k in todo], kwargs, jobs)):
        results[k] = result
        _store(folder, keys[k], result)
    return Runs(seeds=seeds, results=tuple(results))


def _workers(jobs: int | None, tasks: int) -> int:
    if jobs is None:
        jobs = int(os.environ.get(_JOBS_VARIABLE) or os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"repeat: jobs must be a positive int, got {jobs!r}.")
    return max(1, min(jobs, tasks))


def _call(experiment_name: str, seed: tuple[int, ...], kwargs: dict[str, Any]) -> Any:
    module, _, qualname = experiment_name.rpartition(":")
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target(seed=list(seed), **kwargs)


def _run(
    experiment: Callable[..., Any],
    seeds: list[tuple[int, ...]],
    kwargs: dict[str, Any],
    jobs: int | None,
) -> list[Any]:
    if not seeds:
        return []
    workers = _workers(jobs, len(seeds))
    if workers == 1:
        return [experiment(seed=list(seed), **kwargs) for seed in seeds]
    # forkserver: workers fork from a clean server process, not from a kernel's threads.
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    target = f"{experiment.__module__}:{experiment.__qualname__}"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        futures = [pool.submit(_call, target, seed, kwargs) for seed in seeds]
        return [f.result() for f in futures]


@cache
def _source_digest() -> str:
    """A digest of the source of nncore and nnbook and of numpy's version."""
    digest = hashlib.sha256(np.__version__.encode())
    for package in ("nncore", "nnbook"):
        root = Path(importlib.import_module(package).__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _fingerprint(value: Any) -> str:
    """A text that changes whenever ``value`` does (arrays by content, not by repr)."""
    if isinstance(value, np.ndarray):
        return f"array({value.dtype},{value.shape},{hashlib.sha256(value.tobytes()).hexdigest()})"
    if isinstance(value, dict):
        items = sorted((str(k), _fingerprint(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return type(value).__name__ + "(" + ",".join(_fingerprint(v) for v in value) + ")"
    if isinstance(value, type) or inspect.isroutine(value):
        name = f"{value.__module__}.{value.__qualname__}"
        if "<" in name:
            raise ValueError(
                f"repeat: {value!r} is defined inside a function, so worker processes cannot "
                "import it and the cache cannot name it; pass a top-level function or class, "
                "or plain values (numbers, strings) that the experiment turns into objects."
            )
        return name
    return repr(value)


def _key(name: str, seed: tuple[int, ...], kwargs: dict[str, Any]) -> str:
    text = _fingerprint((name, seed, kwargs, _source_digest()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _load(folder: str | None, key: str) -> tuple[Any] | None:
    if not folder:
        return None
    path = Path(folder) / f"{key}.pickle"
    try:
        with path.open("rb") as f:
            return (pickle.load(f),)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None


def _store(folder: str | None, key: str, result: Any) -> None:
    if not folder:
        return
    path = Path(folder) / f"{key}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    with partial.open("wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
