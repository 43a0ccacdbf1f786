"""What the figures read from a model: its (Linear, activation) blocks, checked.

Every drawing function starts with :func:`check_model`, so a wrong object, layers that do
not chain or weights that are NaN are refused with a message naming the function, before
matplotlib is asked for anything.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..containers import Block, Sequential

__all__ = ["as_batch", "check_model", "layer_sizes"]


def check_model(model: Any, where: str) -> list[Block]:
    """The ``Linear`` blocks of ``model``, after checking it can be drawn.

    Parameters
    ----------
    model : Sequential
    where : str
        The calling function, named in messages.

    Returns
    -------
    list of Block
        ``model.blocks()``: one per ``Linear`` layer, with the activation after it;
        the figures name a layer by its ``index`` in the model, as ``model[index]``.

    Raises
    ------
    TypeError
        ``model`` is not a ``Sequential``.
    ValueError
        No ``Linear`` layer, consecutive ``Linear`` layers that do not chain, or a
        parameter holding NaN or infinite values.
    """
    if not isinstance(model, Sequential):
        raise TypeError(
            f"{where}: expected an nncore Sequential model, got {type(model).__name__}. "
            f"Build one with nc.Sequential(nc.Linear(4, 2), nc.ReLU(), ...) or "
            f"nc.mlp([4, 2, 3, 1])."
        )
    blocks = model.blocks()
    if not blocks:
        raise ValueError(
            f"{where}: the model has no Linear layer, so there is nothing to draw; got {model!r}."
        )
    linears = [block.linear for block in blocks]
    for prev, nxt in itertools.pairwise(linears):
        if prev.out_features != nxt.in_features:
            raise ValueError(
                f"{where}: consecutive Linear layers do not chain: {prev!r} is followed by "
                f"{nxt!r}. Each layer's in_features must equal the previous out_features."
            )
    for block in blocks:
        for p in block.linear.parameters():
            bad = int(p.data.size - np.count_nonzero(np.isfinite(p.data)))
            if bad:
                raise ValueError(
                    f"{where}: parameter '{p.name}' of layer {block.index} "
                    f"({block.linear!r}) holds {bad} NaN or infinite value(s), which cannot be "
                    f"drawn. If training produced them, it diverged: train again with a "
                    f"smaller learning rate (or check the data for missing values)."
                )
    return blocks


def layer_sizes(blocks: list[Block]) -> list[int]:
    """Units per layer, inputs first: ``[4, 2, 3, 1]`` for the 4-2-3-1 network."""
    return [blocks[0].linear.in_features] + [block.linear.out_features for block in blocks]


def as_batch(x: ArrayLike, n_features: int, where: str, name: str = "x") -> NDArray[np.float64]:
    """``x`` as a finite float array of shape ``(n, n_features)`` with ``n >= 1``.

    A single example of shape ``(n_features,)`` becomes a batch of one.
    """
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != n_features or arr.shape[0] == 0:
        raise ValueError(
            f"{where}: expected {name} of shape ({n_features},) or (n, {n_features}) to match "
            f"the model's first Linear layer, got shape {np.shape(x)}."
        )
    finite = np.isfinite(arr).all(axis=1)
    if not finite.all():
        rows = np.flatnonzero(~finite)
        shown = ", ".join(str(r) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        raise ValueError(
            f"{where}: {name} holds NaN or infinite values in {len(rows)} of its "
            f"{arr.shape[0]} rows (rows {shown}); a figure cannot place them. Drop or fill "
            f"those rows first, e.g. {name}[np.isfinite({name}).all(axis=1)]."
        )
    return arr
