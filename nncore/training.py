"""A small training loop: ``fit`` runs mini-batch gradient descent and records a history."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import DATA_HINT, DIVERGED_HINT, as_float_array, as_rng, check_size
from .layers import Module
from .losses import Loss, check_not_masked
from .optim import Optimizer
from .parameter import Parameter

__all__ = ["History", "fit"]

Callback = Callable[[int, Module], "Mapping[str, Any] | None"]


class History(dict[str, list[Any]]):
    """What ``fit`` recorded: a dict of lists, one value per epoch.

    Keys: ``"epoch"`` (1, 2, ...), ``"loss"`` (mean training loss over the
    epoch's mini-batches), ``"val_loss"`` when validation data was given, and
    every key a callback returned. Every list is aligned with ``"epoch"``:
    a key a callback returned at some epochs only holds ``nan`` at the
    others (plots leave a gap there).
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

    Everything about the data is checked once, before the first step: ``x``
    finite, ``y`` as ``loss_fn`` expects it (shape, labels in range), the
    validation pair likewise. The steps then run without re-checking, and
    divergence is caught where it starts: an overflow or NaN in any step
    stops training with the epoch, the step and the phase (forward pass,
    loss, backward pass or update) that produced it. The parameters are
    also checked after every epoch.

    Parameters
    ----------
    model : Module
    loss_fn : Loss
        An instance, such as ``nc.MSELoss()``.
    optimizer : Optimizer
        Built on ``model.parameters()``. One that holds none of the model's
        parameters (built on another model) is refused; one that holds only
        some of them trains only those, as in PyTorch (a way to freeze layers).
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
        ``True`` or ``False`` (a numpy bool too); anything else, such as the
        string ``"no"``, is refused rather than taken for its truth value.
    validation_data : (x_val, y_val), optional
        A pair, evaluated after every epoch into ``history["val_loss"]``.
    callback : callable, optional
        ``callback(epoch, model)`` after every epoch; a returned dict is
        appended key by key to the history, e.g. ``{"dead_fraction": ...}``;
        ``None`` adds nothing. A key missing at an epoch gets ``nan`` there;
        the keys ``fit`` records itself (``"epoch"``, ``"loss"``,
        ``"val_loss"``) are refused.

    Returns
    -------
    History
        ``history["loss"][e]`` is the mean training loss of epoch ``e + 1``.

    Raises
    ------
    ValueError
        For bad data or arguments, and when training diverges: the message
        names the epoch, the step and the phase, and the inputs' scale when
        ``x`` holds large values (standardise them first).
    """
    _check_components(model, loss_fn, optimizer)
    x = _check_data(x, y)
    n = x.shape[0]
    epochs, batch = _check_settings(epochs, batch_size, shuffle, callback, n=n)
    gen = as_rng(rng, where="fit")
    # Every check that needs the whole data runs once, here; the steps then skip them.
    t = _targets(model, loss_fn, x, y)
    val = None if validation_data is None else _validation(model, loss_fn, validation_data)
    history = History(epoch=[], loss=[])
    if val is not None:
        history["val_loss"] = []

    _check_finite(model.parameters(), "at the start")
    for epoch in range(1, epochs + 1):
        order = gen.permutation(n) if shuffle else np.arange(n)
        history["epoch"].append(epoch)
        history["loss"].append(_train_epoch(model, loss_fn, optimizer, x, t, order, batch, epoch))
        _check_finite(model.parameters(), f"after epoch {epoch}")
        if val is not None:
            history["val_loss"].append(loss_fn(model(val[0]), val[1]))
        if callback is not None:
            _record(history, callback(epoch, model), epoch)
    return history


def _check_data(x: ArrayLike, y: ArrayLike) -> NDArray[Any]:
    """``x`` as a checked float64 array of shape (n, features); ``y`` with the same n."""
    for name, data in (("x", x), ("y", y)):
        check_not_masked(data, where="fit", name=name)
    x = as_float_array(x, where="fit", name="x", hint=DATA_HINT)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"fit: expected x of shape (n, features) with n > 0, got {x.shape}.")
    y_shape = np.shape(y)
    if y_shape[:1] != x.shape[:1]:
        raise ValueError(
            f"fit: x has {x.shape[0]} examples but y has shape {y_shape}; they must match "
            f"along the first axis."
        )
    return x


def _check_settings(
    epochs: Any, batch_size: Any, shuffle: Any, callback: Any, *, n: int
) -> tuple[int, int]:
    """``(epochs, examples per step)``, checked with ``shuffle`` and ``callback``."""
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(
            f"fit: shuffle must be True or False, got {shuffle!r} of type "
            f"{type(shuffle).__name__} (a non-empty string such as 'no' counts as true). "
            f"Pass shuffle=False to keep the examples in order."
        )
    if callback is not None and not callable(callback):
        raise TypeError(
            f"fit: callback must be a function callback(epoch, model) returning a dict or "
            f"None, got {type(callback).__name__}."
        )
    epochs = check_size(
        epochs,
        where="fit",
        name="epochs",
        what="a number of passes over the data",
        why="Train for at least one epoch.",
    )
    if batch_size is None:
        return epochs, n
    batch = check_size(
        batch_size,
        where="fit",
        name="batch_size",
        what="a number of examples per step",
        why="Pass at least 1, or None for the whole training set in every step.",
    )
    return epochs, batch


def _train_epoch(
    model: Module,
    loss_fn: Loss,
    optimizer: Optimizer,
    x: NDArray[np.float64],
    t: NDArray[np.float64],
    order: NDArray[np.intp],
    batch: int,
    epoch: int,
) -> float:
    """One pass over the data in ``order``; returns the mean loss.

    The inputs and targets were checked once by ``fit``, so the steps call the
    layers' and the loss's unchecked methods. Divergence is caught where it
    starts: with finite data and parameters, a NaN or infinite value can only
    come from an overflow or an invalid operation, which numpy is told to raise
    here, so the step and the phase that produced it are known exactly.
    """
    total, step, phase = 0.0, 0, "the forward pass"
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            for start in range(0, len(order), batch):
                step += 1
                idx = order[start : start + batch]
                optimizer.zero_grad()
                phase = "the forward pass"
                out, saved = model._forward(x[idx])
                phase = "the loss"
                loss_fn._check_prediction(out)
                value, grad = loss_fn._value_and_grad(out, t[idx])
                phase = "the backward pass"
                model._grads_only(grad, saved)  # the data need no dL/dx
                phase = "the optimizer's update"
                optimizer.step()
                total += float(value) * len(idx)
        except FloatingPointError as err:
            raise ValueError(
                f"fit: at epoch {epoch}, step {step}, {phase} produced an infinite or NaN "
                f"value ({err}); {_overflow_cause(x, epoch, step, phase)}."
            ) from None
    return total / len(order)


# Inputs beyond this size are named when training overflows; standardised ones stay far below.
_LARGE_INPUT = 100.0


def _overflow_cause(x: NDArray[np.float64], epoch: int, step: int, phase: str) -> str:
    """What to do about an overflow: the inputs' scale when it is large, else the step size.

    Runs only once training has failed, so the steps themselves pay nothing for it.
    """
    before_update = epoch == 1 and step == 1 and phase != "the optimizer's update"
    largest = float(np.abs(x).max())
    if largest <= _LARGE_INPUT:
        if before_update:
            return (
                "this happened before any update, so the learning rate is not the cause: "
                "check the model's initial weights and the targets' scale"
            )
        return DIVERGED_HINT
    scale = (
        f"the inputs x reach {largest:.3g} in absolute value (standardised inputs stay within "
        f"a few units): standardise them first, for example with "
        f"nc.Standardizer().fit_transform(x)"
    )
    if before_update:
        return f"{scale}. This happened before any update, so the step size is not the cause"
    return f"{scale}; otherwise {DIVERGED_HINT}"


def _check_finite(params: list[Parameter], when: str) -> None:
    """A safety net for layers whose own code writes NaN or inf without an overflow."""
    for p in params:
        # NaN or inf anywhere makes the sum NaN or inf; so can an overflow of finite values
        if not math.isfinite(p.data.sum()) and not np.isfinite(p.data).all():
            hint = (
                "they were there before training: give them finite values, or build the model again"
                if when == "at the start"
                else "no step overflowed, so a layer's own code or the callback may have written "
                f"them; else {DIVERGED_HINT}"
            )
            raise ValueError(
                f"fit: {when}, parameter {p.name!r} holds NaN or infinite values; {hint}."
            )


def _check_components(model: Any, loss_fn: Any, optimizer: Any) -> None:
    """Refuse classes where instances belong, and an optimiser that trains none of the model."""
    for name, value, base, example in (
        ("model", model, Module, "nc.mlp([4, 2, 1])"),
        ("loss_fn", loss_fn, Loss, "nc.MSELoss()"),
        ("optimizer", optimizer, Optimizer, "nc.SGD(model.parameters(), lr=0.1)"),
    ):
        if isinstance(value, type) and issubclass(value, base):
            raise TypeError(
                f"fit: {name} must be an object, got the class {value.__name__} itself. "
                f"Create one first, for example {example}."
            )
        if not isinstance(value, base):
            raise TypeError(
                f"fit: {name} must be an nncore {base.__name__} such as {example}, got "
                f"{type(value).__name__}."
            )
    own = {id(p) for p in model.parameters()}
    if not own:
        raise ValueError(
            f"fit: the model {type(model).__name__} has no parameters, so training would "
            f"change nothing. Give it a layer with weights, for example nc.Linear(4, 2), "
            f"or build one with nc.mlp([4, 2])."
        )
    trained = [p for group in optimizer.param_groups for p in group["params"]]
    if not any(id(p) in own for p in trained):
        raise ValueError(
            f"fit: the optimizer holds none of the model's parameters (was it built on "
            f"another model?), so training would change nothing. Build it on this model: "
            f"{type(optimizer).__name__}(model.parameters(), ...)."
        )


def _targets(
    model: Module, loss_fn: Loss, x: NDArray[np.float64], y: ArrayLike
) -> NDArray[np.float64]:
    """All of ``y``, checked by ``loss_fn`` against the shape of the model's predictions."""
    out, _ = model._forward(x[:1])
    pred_shape = (len(x),) + out.shape[1:]
    return loss_fn._target(y, np.broadcast_to(out, pred_shape))


def _validation(
    model: Module, loss_fn: Loss, data: Any
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        got = (
            f"an array of shape {np.shape(data)}"
            if isinstance(data, np.ndarray)
            else f"a {type(data).__name__} of length {len(data)}"
            if isinstance(data, (tuple, list))
            else f"a {type(data).__name__}"
        )
        raise ValueError(
            f"fit: validation_data must be a pair (x_val, y_val), got {got}. Pass "
            f"validation_data=(x_val, y_val)."
        )
    for name, part in zip(("validation x", "validation y"), data):
        check_not_masked(part, where="fit", name=name)
    x_val = as_float_array(data[0], where="fit", name="validation x", hint=DATA_HINT)
    if x_val.ndim != 2 or x_val.shape[0] == 0 or np.shape(data[1])[:1] != x_val.shape[:1]:
        raise ValueError(
            f"fit: validation_data must hold x_val of shape (n, features) and y_val with the "
            f"same n, got shapes {x_val.shape} and {np.shape(data[1])}."
        )
    _targets(model, loss_fn, x_val, data[1])
    return x_val, data[1]


_OWN_KEYS = ("epoch", "loss", "val_loss")


def _record(history: History, values: Any, epoch: int) -> None:
    """Append what the callback returned; ``nan`` for its keys it left out this epoch."""
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise TypeError(
            f"fit: the callback must return a dict such as {{'dead_fraction': 0.1}} or None, "
            f"got {type(values).__name__} after epoch {epoch}."
        )
    for key, value in values.items():
        if key in _OWN_KEYS:
            raise ValueError(
                f"fit: the callback returned the key {key!r} after epoch {epoch}, but fit "
                f"records {key!r} itself; rename it, for example to 'my_{key}'."
            )
        history.setdefault(key, [math.nan] * (epoch - 1)).append(value)
    for column in history.values():
        if len(column) < epoch:  # a key the callback returned before, but not this time
            column.append(math.nan)
