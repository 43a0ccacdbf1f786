"""Input checks shared by every layer, loss and optimiser.

Each check raises a ``ValueError`` whose message names the component that
rejected the input, what it expected, what it was given and how to fix it.
They are written with plain ``if``/``raise`` (never ``assert``), so they stay
active under ``python -O``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

DIVERGED_HINT = (
    "training may have diverged: try a smaller learning rate (or check the data for missing values)"
)

DATA_HINT = (
    "the data has missing or infinite values: drop or fill those rows first, for example "
    "x[np.isfinite(x).all(axis=1)]"
)


FLOAT64 = np.dtype(np.float64)
"""numpy's float64 dtype; ``arr.dtype is FLOAT64`` is the quick test of a float64 array."""


def as_float_array(
    x: Any, *, where: str, name: str = "input", hint: str = DIVERGED_HINT
) -> NDArray[np.float64]:
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
        A single number becomes a 0-d array.
    """
    if type(x) is np.ndarray and x.dtype is FLOAT64:
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
    if not all_finite(arr):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{where}: the {name} contains {bad} NaN or infinite value(s); {hint}.")
    return arr


# ``np.vdot`` without numpy's ``__array_function__`` dispatch, which only ``all_finite``'s plain
# float64 arrays reach: the same product, about 1,000 instructions fewer a call.
_vdot = getattr(np.vdot, "_implementation", np.vdot)


def all_finite(arr: NDArray[np.float64]) -> bool:
    """Whether a float64 array holds no NaN or infinite value, in one pass when it does not.

    The sum of squares is NaN or infinite when any value is; when it is, the
    values are looked at one by one, since finite values above about 1e154
    also overflow it.
    """
    return math.isfinite(_vdot(arr, arr)) or bool(np.isfinite(arr).all())


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
    value: Any,
    *,
    where: str,
    name: str,
    low: float | None = None,
    strict: bool = False,
    below: float | None = None,
) -> float:
    """Return ``value`` as a finite ``float`` not below ``low`` (above it if ``strict``).

    With ``below``, the value must also be smaller than ``below`` (a momentum, below 1).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"{where}: {name} must be a real number, got {value!r} of type {type(value).__name__}."
        )
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{where}: {name} must be finite, got {number}.")
    if low is not None and (number <= low if strict else number < low):
        relation = "greater than" if strict else "at least"
        raise ValueError(f"{where}: {name} must be {relation} {low:g}, got {number:g}.")
    if below is not None and number >= below:
        raise ValueError(f"{where}: {name} must be below {below:g}, got {number:g}.")
    return number


def check_betas(betas: Any, *, where: str) -> tuple[float, float]:
    """Adam's ``(beta1, beta2)`` as a tuple of two floats in [0, 1), or a clear ``ValueError``."""
    pair = isinstance(betas, (tuple, list)) or (isinstance(betas, np.ndarray) and betas.ndim == 1)
    if not pair or len(betas) != 2:
        got = f"a {type(betas).__name__}" + (f" of {len(betas)} values" if pair else "")
        hint = (
            f" To change only the first, pass betas=({betas!r}, 0.999)."
            if isinstance(betas, (int, float)) and not isinstance(betas, bool)
            else " A dict or a set has no order: pass a tuple."
            if isinstance(betas, (dict, set, frozenset))
            else ""
        )
        raise ValueError(
            f"{where}: betas must be a pair (beta1, beta2) of numbers in [0, 1), such as "
            f"(0.9, 0.999), got {got}: {betas!r:.60}.{hint}"
        )
    b1, b2 = (
        check_number(b, where=where, name=f"betas[{j}]", low=0.0, below=1.0)
        for j, b in enumerate(betas)
    )
    return b1, b2


def check_same_shape(pred: NDArray[np.float64], target: NDArray[np.float64], *, where: str) -> None:
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


def check_not_empty(pred: NDArray[np.float64], *, where: str) -> None:
    """Refuse an empty batch: its mean loss is undefined."""
    if pred.size == 0 or (pred.ndim >= 1 and pred.shape[0] == 0):
        raise ValueError(
            f"{where}: got an empty batch (prediction of shape {pred.shape}); a mean over "
            f"zero examples is undefined. Pass at least one example."
        )


def check_state_fits(
    state: Any, shapes: dict[str, tuple[int, ...]], *, where: str
) -> dict[str, NDArray[np.float64]]:
    """The values of a saved state, checked against the names and shapes they must fill.

    Parameters
    ----------
    state : Mapping
        What ``state_dict()`` returned: name to array.
    shapes : dict of str to tuple of int
        Every name the state must hold, with the shape of its value.
    where : str
        The method doing the check, for messages (``"Sequential.load_state_dict"``).

    Returns
    -------
    dict of str to numpy.ndarray
        Each name's value as a finite float64 array of its shape.
    """
    if not isinstance(state, Mapping):
        raise TypeError(
            f"{where}: expected a dict of parameter values by name, as state_dict() returns, "
            f"got {type(state).__name__}."
        )
    missing = [name for name in shapes if name not in state]
    unexpected = [name for name in state if name not in shapes]
    if missing or unexpected:
        parts = [f"missing {', '.join(map(repr, missing))}"] if missing else []
        parts += [f"unexpected {', '.join(map(repr, unexpected))}"] if unexpected else []
        raise ValueError(
            f"{where}: the state does not fit this model: {'; '.join(parts)}. A state from "
            f"state_dict() fits a model built the same way (the same layers in the same order)."
        )
    values = {}
    for name, shape in shapes.items():
        arr = as_float_array(state[name], where=where, name=f"value of {name!r}")
        if arr.shape != shape:
            raise ValueError(
                f"{where}: {name!r} must have shape {shape}, got {arr.shape}. A state from "
                f"state_dict() fits a model built with the same sizes."
            )
        values[name] = arr
    return values


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
