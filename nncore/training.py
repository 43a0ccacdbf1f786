"""A small training loop: ``fit`` runs mini-batch gradient descent and records a history."""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_float_array, as_rng, check_size
from .layers import Module
from .losses import Loss
from .optim import Optimizer

__all__ = ["History", "fit"]

Callback = Callable[[int, Module], "Mapping[str, Any] | None"]


class History(dict):
    """What ``fit`` recorded: a dict of lists, one value per epoch.

    Keys: ``"epoch"`` (1, 2, ...), ``"loss"`` (mean training loss over the
    epoch's mini-batches), ``"val_loss"`` when validation data was given, and
    every key a callback returned.
    """

    def __repr__(self) -> str:
        keys = ", ".join(f"{k}[{len(v)}]" for k, v in self.items())
        return f"History({keys})"


def fit(
    model: Module,
    loss_fn: Loss,
    optimizer: Optimizer,
    x: ArrayLike,
    y: ArrayLike,
    *,
    epochs: int,
    batch_size: int | None = 32,
    rng: np.random.Generator | int | None = None,
    shuffle: bool = True,
    validation_data: tuple[ArrayLike, ArrayLike] | None = None,
    callback: Callback | None = None,
) -> History:
    """Train ``model`` with mini-batch gradient descent.

    Each step: ``optimizer.zero_grad()``, forward, ``loss_fn``, backward,
    ``optimizer.step()``.

    Parameters
    ----------
    model : Module
    loss_fn : Loss
    optimizer : Optimizer
        Built on ``model.parameters()``.
    x : array_like, shape (n, in_features)
    y : array_like, shape (n, ...)
        Targets, as ``loss_fn`` expects them.
    epochs : int
        Passes over the data.
    batch_size : int or None, default 32
        Examples per step; ``None`` for full-batch gradient descent.
    rng : numpy.random.Generator or int, optional
        Shuffles the examples each epoch; seed it for reproducible training.
    shuffle : bool, default True
    validation_data : (x_val, y_val), optional
        Evaluated after every epoch into ``history["val_loss"]``.
    callback : callable, optional
        ``callback(epoch, model)`` after every epoch; a returned dict is
        appended key by key to the history, e.g. ``{"dead_fraction": ...}``.

    Returns
    -------
    History
        ``history["loss"][e]`` is the mean training loss of epoch ``e + 1``.
    """
    x = as_float_array(x, where="fit", name="x")
    y = np.asarray(y)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"fit: expected x of shape (n, features) with n > 0, got {x.shape}.")
    if y.shape[:1] != x.shape[:1]:
        raise ValueError(
            f"fit: x has {x.shape[0]} examples but y has shape {y.shape}; they must match "
            f"along the first axis."
        )
    epochs = check_size(epochs, where="fit", name="epochs")
    n = x.shape[0]
    batch = n if batch_size is None else check_size(batch_size, where="fit", name="batch_size")
    gen = as_rng(rng, where="fit")
    history = History(epoch=[], loss=[])
    if validation_data is not None:
        history["val_loss"] = []

    for epoch in range(1, epochs + 1):
        order = gen.permutation(n) if shuffle else np.arange(n)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            optimizer.zero_grad()
            total += loss_fn(model(x[idx]), y[idx]) * len(idx)
            model.backward(loss_fn.backward())
            optimizer.step()
        history["epoch"].append(epoch)
        history["loss"].append(total / n)
        if validation_data is not None:
            history["val_loss"].append(loss_fn(model(validation_data[0]), validation_data[1]))
        if callback is not None:
            for key, value in (callback(epoch, model) or {}).items():
                history.setdefault(key, []).append(value)
    return history
