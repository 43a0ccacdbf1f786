"""Input checks shared by every layer, loss and optimiser.

Each check raises a ``ValueError`` whose message names the component that
rejected the input, what it expected, what it was given and how to fix it.
They are written with plain ``if``/``raise`` (never ``assert``), so they stay
active under ``python -O``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

DIVERGED_HINT = (
    "training may have diverged: try a smaller learning rate (or check the data for missing values)"
)

DATA_HINT = (
    "the data has missing or infinite values: drop or fill those rows first, for example "
    "x[np.isfinite(x).all(axis=1)]"
)


def as_float_array(
    x: Any, *, where: str, name: str = "input", hint: str = DIVERGED_HINT
) -> np.ndarray:
    """Return ``x`` as a finite float64 array or raise a clear ``ValueError``.

    Parameters
    ----------
    x : array_like
        Numbers of any shape.
    where : str
        The component doing the check, used in messages (for example ``"Linear(4, 2)"``).
    name : str
        What ``x`` is to that component (``"input"``, ``"prediction"``...).
    hint : str
        What to do about NaN or infinite values: by default the hint that
        training diverged; :data:`DATA_HINT` for raw data.

    Returns
    -------
    numpy.ndarray
        ``x`` itself when it already is a plain float64 array, else a float64
        copy (an ``np.matrix`` becomes a plain array, so ``*`` stays elementwise).
    """
    if type(x) is np.ndarray and x.dtype == np.float64:
        arr = x
    elif isinstance(x, np.ma.MaskedArray):
        raise ValueError(
            f"{where}: got a masked array for the {name}; nncore would silently use the "
            f"hidden values. Drop the masked rows, or fill them with x.filled(value)."
        )
    else:
        kind = np.asarray(x).dtype.kind if _array_like(x) else "O"
        if kind not in "biuf":
            raise ValueError(
                f"{where}: expected a numeric array for the {name}, got "
                f"{_describe(x)}. Convert it first, for example with "
                f"numpy.asarray(values, dtype=float)."
            )
        arr = np.asarray(x, dtype=np.float64)
    if not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{where}: the {name} contains {bad} NaN or infinite value(s); {hint}.")
    return arr


def _array_like(x: Any) -> bool:
    try:
        np.asarray(x)
    except (TypeError, ValueError):
        return False
    return True


def _describe(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"an array of dtype {x.dtype} and shape {x.shape}"
    return f"a {type(x).__name__} ({x!r:.60})"


def check_size(
    value: Any,
    *,
    where: str,
    name: str,
    what: str = "a number of units",
    why: str = "A layer needs at least one unit.",
) -> int:
    """Return ``value`` as a positive ``int`` or raise ``ValueError``.

    ``what`` says what the number counts and ``why`` why it must be positive,
    for the message (by default: units of a layer).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"{where}: {name} must be a positive integer ({what}), got "
            f"{value!r} of type {type(value).__name__}. Pass a whole number such as 4."
        )
    if value <= 0:
        raise ValueError(f"{where}: {name} must be a positive integer ({what}), got {value}. {why}")
    return int(value)


def check_number(
    value: Any, *, where: str, name: str, low: float | None = None, strict: bool = False
) -> float:
    """Return ``value`` as a finite ``float`` not below ``low`` (above it if ``strict``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"{where}: {name} must be a real number, got {value!r} of type {type(value).__name__}."
        )
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{where}: {name} must be finite, got {value}.")
    if low is not None and (value <= low if strict else value < low):
        relation = "greater than" if strict else "at least"
        raise ValueError(f"{where}: {name} must be {relation} {low:g}, got {value:g}.")
    return value


def check_same_shape(pred: np.ndarray, target: np.ndarray, *, where: str) -> None:
    """Refuse prediction/target pairs whose shapes differ (no silent broadcasting)."""
    if pred.shape != target.shape:
        hint = ""
        if pred.ndim == 2 and target.shape == pred.shape[::-1]:
            hint = (
                f" The target looks transposed (one row per output instead of one row per "
                f"example): pass target.T, of shape {pred.shape}."
            )
        elif pred.ndim == 0:
            hint = (
                " The prediction is a single number (a 0-d array): compare it with one "
                "number, float(target), or give it the target's shape with "
                f"np.reshape(pred, {target.shape})."
            )
        elif pred.size == target.size:
            hint = (
                f" They hold the same number of values: reshape one of them, for example "
                f"target.reshape({', '.join(map(str, pred.shape))}{',' if pred.ndim == 1 else ''})."
            )
        raise ValueError(
            f"{where}: prediction and target must have the same shape, got prediction "
            f"{pred.shape} and target {target.shape}; numpy would broadcast them into a "
            f"wrong loss.{hint}"
        )


def check_not_empty(pred: np.ndarray, *, where: str) -> None:
    """Refuse an empty batch: its mean loss is undefined."""
    if pred.size == 0 or (pred.ndim >= 1 and pred.shape[0] == 0):
        raise ValueError(
            f"{where}: got an empty batch (prediction of shape {pred.shape}); a mean over "
            f"zero examples is undefined. Pass at least one example."
        )


def as_rng(rng: np.random.Generator | int | None, *, where: str) -> np.random.Generator:
    """Turn ``None``, a seed or a ``Generator`` into a ``numpy.random.Generator``.

    ``None`` gives a fresh, unseeded generator: pass a seed or a generator for
    reproducible results. The global ``numpy.random`` state is never used.
    """
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise ValueError(
        f"{where}: rng must be a numpy.random.Generator, an integer seed or None, got "
        f"{type(rng).__name__}. Create one with numpy.random.default_rng(seed)."
    )
