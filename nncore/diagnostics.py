"""Dead-unit diagnostics: which ReLU units output 0 on every example."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .containers import Sequential
from .layers import ReLU

__all__ = ["dead_units", "dead_fraction"]


def dead_units(model: Sequential, x: ArrayLike) -> dict[int, np.ndarray]:
    """ReLU units whose output is 0 for every example of ``x``.

    Such a unit passes back a zero gradient for every example, so on this
    data no weight feeding it changes: it is *dead*.

    Parameters
    ----------
    model : Sequential
        Runs one forward pass on ``x`` (this replaces what its last forward kept).
    x : array_like, shape (n, in_features)

    Returns
    -------
    dict of int to numpy.ndarray of bool
        For every ``Linear`` layer followed by a ``ReLU``: its position in the
        model mapped to a mask of shape ``(out_features,)``, True for dead units.
    """
    if not isinstance(model, Sequential):
        raise TypeError(
            f"dead_units: expected a Sequential model, got {type(model).__name__}."
        )
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(
            f"dead_units: expected a non-empty batch of shape (n, features), got {x.shape}; "
            f"a unit is dead with respect to a data set, so pass the whole training set."
        )
    model(x)
    return {
        t.position: np.all(t.h <= 0.0, axis=0)
        for t in model.forward_trace()
        if isinstance(t.activation, ReLU)
    }


def dead_fraction(model: Sequential, x: ArrayLike) -> float:
    """Fraction of all ReLU units of ``model`` that are dead on ``x`` (0.0 if it has none).

    Parameters
    ----------
    model : Sequential
    x : array_like, shape (n, in_features)

    Returns
    -------
    float
        Dead units over all units of the ``Linear`` layers followed by a ``ReLU``, in [0, 1].
    """
    masks = list(dead_units(model, x).values())
    total = sum(m.size for m in masks)
    return float(sum(m.sum() for m in masks) / total) if total else 0.0
