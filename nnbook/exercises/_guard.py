"""What protects a check from the reader's function: numpy's own functions, arguments' copies.

The harness judges with private copies of numpy's functions, taken when this module is
imported, so an answer (or a notebook cell) that replaces ``np.allclose``, say, does not
change how answers are judged; :func:`restore_numpy` puts back whatever was replaced in
numpy's namespace or in nncore's modules (whose functions compute the expected values).
:func:`snapshot` and :func:`unchanged` tell whether a call changed an argument in place.

Known limit: only the modules' own namespaces are guarded, so an answer that patches numpy's
private internals (``numpy._core.numeric.isclose``) or a class's method (``nc.ReLU.forward``)
can still change how it is judged.
"""

from __future__ import annotations

import copy
import sys
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

import nncore  # noqa: F401  (its modules are loaded, to be guarded)

# Private copies of the numpy functions the harness judges with, taken at import.
allclose = np.allclose
array_equal = np.array_equal
asarray = np.asarray
isfinite = np.isfinite
errstate = np.errstate
array2string = np.array2string
#: Stands for an argument the harness cannot copy, so cannot compare after the call.
UNTRACKED = object()


def _guarded() -> dict[str, Any]:
    """numpy and nncore's loaded modules, by name."""
    modules = {"numpy": np}
    for name, module in list(sys.modules.items()):
        if (name == "nncore" or name.startswith("nncore.")) and module is not None:
            modules[name] = module
    return modules


def _functions(module: Any) -> dict[str, Any]:
    """The functions, classes and modules in ``module``'s namespace."""
    return {k: v for k, v in vars(module).items() if callable(v) or isinstance(v, type(np))}


# Each guarded module's functions at import: one replaced since then is put back.
_AT_IMPORT = {name: (module, _functions(module)) for name, module in _guarded().items()}


def restore_numpy() -> list[str]:
    """Put back numpy's and nncore's functions replaced since import; return their names.

    Returns
    -------
    list of str
        numpy's by their name (``"allclose"``), nncore's by their module's and theirs
        (``"nncore.one_hot"``).
    """
    replaced = []
    for name, (module, functions) in _AT_IMPORT.items():
        current = vars(module)
        for k, v in functions.items():
            if current.get(k, UNTRACKED) is not v:
                setattr(module, k, v)
                replaced.append(k if name == "numpy" else f"{name}.{k}")
    return replaced


def copy_or_same(value: Any) -> Any:
    """A deep copy of ``value`` (to show it as it was), or ``value`` if it cannot be copied."""
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def snapshot(value: Any) -> Any:
    """A deep copy of an argument, to see afterwards whether the call changed it."""
    try:
        return copy.deepcopy(value)
    except Exception:
        return UNTRACKED


def unchanged(now: Any, before: Any) -> bool:
    """Whether ``now`` still equals its snapshot ``before``, at any depth.

    Arrays, lists, tuples, dicts and sets are compared item by item, numbers and strings by
    value (nan equals nan); any other object is taken as unchanged.
    """
    if isinstance(before, np.ndarray):
        if not isinstance(now, np.ndarray) or now.shape != before.shape:
            return False
        if now.dtype != before.dtype:
            return False
        try:
            return bool(array_equal(now, before, equal_nan=before.dtype.kind in "fc"))
        except Exception:
            return False
    if isinstance(before, (list, tuple)):
        return (
            type(now) is type(before)
            and len(now) == len(before)
            and all(unchanged(a, b) for a, b in zip(now, before, strict=True))
        )
    if isinstance(before, dict):
        return (
            type(now) is type(before)
            and now.keys() == before.keys()
            and all(unchanged(now[k], before[k]) for k in before)
        )
    if isinstance(before, (set, frozenset, bool, int, float, complex, str, bytes, np.generic)):
        try:
            same = bool(now == before)
            both_nan = bool(now != now) and bool(before != before)
        except Exception:
            return False
        return type(now) is type(before) and (same or both_nan)
    return True


def same(
    a: np.ndarray, b: np.ndarray, exact: bool, *, rtol: float = 1e-7, atol: float = 1e-10
) -> bool:
    """Whether the numeric arrays ``a`` and ``b`` agree (bit for bit with ``exact``)."""
    if a.shape != b.shape or a.dtype.kind not in "biuf":
        return False
    if exact:
        return bool(array_equal(a, b, equal_nan=True))
    return bool(allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def reader_line(exc: BaseException, fn: Callable) -> str:
    """The last line of the reader's own function in the exception's traceback, if any."""
    code = getattr(fn, "__code__", None)
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if code is not None and f.filename == code.co_filename]
    if not mine:
        return ""
    frame = mine[-1]
    return f"line {frame.lineno - code.co_firstlineno + 1} of {fn.__name__}: {frame.line}"
