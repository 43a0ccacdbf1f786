"""Dead-unit diagnostics: which hidden units are off (z <= 0) on every example."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .containers import Sequential
from .layers import ReLU
from .losses import check_not_masked

__all__ = ["inactive_units", "inactive_fraction", "dead_units", "dead_fraction"]


def _off_on_every_example(
    model: Sequential, x: ArrayLike, *, where: str, relu_only: bool
) -> dict[int, NDArray[np.bool_]]:
    if not isinstance(model, Sequential):
        raise TypeError(f"{where}: expected a Sequential model, got {type(model).__name__}.")
    check_not_masked(x, where=where, name="batch x")
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(
            f"{where}: expected a non-empty batch of shape (n, features), got {x.shape}; "
            f"a unit is dead with respect to a data set, so pass the whole training set."
        )
    model(x)
    return {
        t.position: np.all(t.z <= 0.0, axis=0)
        for t in model.forward_trace()
        if t.activation is not None and (isinstance(t.activation, ReLU) or not relu_only)
    }


def inactive_units(model: Sequential, x: ArrayLike) -> dict[int, NDArray[np.bool_]]:
    """Hidden units whose pre-activation ``z`` is <= 0 for every example of ``x``.

    For a ReLU unit that means dead (see :func:`dead_units`). A leaky ReLU
    unit in that state still passes back ``negative_slope`` times its
    gradient, so it is idle rather than dead and can come back.

    Parameters
    ----------
    model : Sequential
        Runs one forward pass on ``x`` (this replaces what its last forward kept).
    x : array_like, shape (n, in_features)

    Returns
    -------
    dict of int to numpy.ndarray of bool
        For every ``Linear`` layer followed by an activation: its position in the
        model mapped to a mask of shape ``(out_features,)``, True for inactive units.
    """
    return _off_on_every_example(model, x, where="inactive_units", relu_only=False)


def inactive_fraction(model: Sequential, x: ArrayLike) -> float:
    """Fraction of all hidden units of ``model`` that are inactive on ``x`` (0.0 if none).

    Parameters
    ----------
    model : Sequential
    x : array_like, shape (n, in_features)

    Returns
    -------
    float
        In [0, 1].
    """
    return _fraction(inactive_units(model, x))


def dead_units(model: Sequential, x: ArrayLike) -> dict[int, NDArray[np.bool_]]:
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
    return _off_on_every_example(model, x, where="dead_units", relu_only=True)


def _fraction(masks: dict[int, NDArray[np.bool_]]) -> float:
    total = sum(m.size for m in masks.values())
    return float(sum(m.sum() for m in masks.values()) / total) if total else 0.0


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
    return _fraction(dead_units(model, x))
