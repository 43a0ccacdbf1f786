"""The case study's 2-1-1 network, and what one pass or one training run says about its unit.

The network of chapters 3 and 4: two features, one hidden ReLU unit
``z = w1 * x1 + w2 * x2 + b``, ``h = max(0, z)``, and one output unit whose logit
``v * h + c`` goes into a binary cross-entropy (``BCEWithLogitsLoss``). It is defined once
here, by :func:`case_study_network`; :func:`unit_state` reads the hidden unit's state from
one forward and backward pass, and :func:`train_starts` trains many starts of the unit at
once. Everything runs through nncore; nothing here draws.

Chapter 4's runs over seeds (the thread's network, its data, :func:`dead_start_run` and
:func:`second_layer_run`) are in :mod:`nnbook.experiments.case_study_runs`; their names are
importable from here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import nncore as nc

from .case_study_runs import (
    SECOND_LAYER,
    THREAD_INIT,
    DeadStartRun,
    SecondLayerRun,
    case_data,
    dead_start_run,
    second_layer_run,
    thread_network,
)

__all__ = [
    "case_study_network",
    "UnitState",
    "unit_state",
    "StartOutcome",
    "train_starts",
    "THREAD_INIT",
    "thread_network",
    "case_data",
    "DeadStartRun",
    "dead_start_run",
    "SECOND_LAYER",
    "SecondLayerRun",
    "second_layer_run",
]


def case_study_network(
    w1: float, w2: float, b: float, *, output_weight: float = 1.0, output_bias: float = 0.0
) -> nc.Sequential:
    """The 2-1-1 network: ``Linear(2, 1)``, ``ReLU``, ``Linear(1, 1)`` (a logit).

    Parameters
    ----------
    w1, w2, b : float
        Weights and bias of the hidden ReLU unit.
    output_weight, output_bias : float
        The output unit: ``logit = output_weight * h + output_bias``.

    Returns
    -------
    nncore.Sequential
        Takes inputs of shape (n, 2), returns logits of shape (n, 1).
    """
    model = nc.Sequential(nc.Linear(2, 1, rng=0), nc.ReLU(), nc.Linear(1, 1, rng=0))
    model[0].weight.data[...] = [[w1, w2]]
    model[0].bias.data[...] = [b]
    model[2].weight.data[...] = [[output_weight]]
    model[2].bias.data[...] = [output_bias]
    return model


@dataclass(frozen=True)
class UnitState:
    """What one forward and backward pass says about the hidden unit.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    z : numpy.ndarray, shape (n,)
        Pre-activation of the unit on every example.
    active : numpy.ndarray of bool, shape (n,)
        True where the ReLU passes its input on (``z > 0``).
    dead : bool
        True when :func:`nncore.dead_units` finds the unit dead on the data.
    grad : numpy.ndarray, shape (3,)
        ``dL/dw1``, ``dL/dw2``, ``dL/db`` of the unit, from ``Sequential.backward``.
    loss : float
        The mean binary cross-entropy.
    """

    z: np.ndarray
    active: np.ndarray
    dead: bool
    grad: np.ndarray
    loss: float

    @property
    def n_active(self) -> int:
        """Number of examples on which the unit is active."""
        return int(self.active.sum())


def unit_state(model: nc.Sequential, x: np.ndarray, targets: np.ndarray) -> UnitState:
    """Run ``model`` forward and backward on ``x`` and read off the hidden unit's state.

    Parameters
    ----------
    model : nncore.Sequential
        As built by :func:`case_study_network`.
    x : numpy.ndarray, shape (n, 2)
    targets : numpy.ndarray, shape (n, 1)
        Labels 0 or 1 as floats.

    Returns
    -------
    UnitState
    """
    loss_fn = nc.BCEWithLogitsLoss()
    model.zero_grad()
    value = loss_fn(model(x), targets)
    model.backward(loss_fn.backward())
    z = model.forward_trace()[0].z[:, 0].copy()
    unit = model[0]
    grad = np.array([unit.weight.grad[0, 0], unit.weight.grad[0, 1], unit.bias.grad[0]])
    dead = bool(nc.dead_units(model, x)[0][0])
    return UnitState(z=z, active=z > 0, dead=dead, grad=grad, loss=float(value))


@dataclass(frozen=True)
class StartOutcome:
    """One start of the hidden unit and what full-batch training made of it.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    weight_start : numpy.ndarray, shape (2,)
        The hidden unit's weights ``(w1, w2)`` before training.
    bias_start : float
        Its bias before training.
    weight_end : numpy.ndarray, shape (2,)
        Its weights after training.
    bias_end : float
        Its bias after training.
    active_start, active_end : numpy.ndarray of bool, shape (n,)
        Examples on which the unit is active (``z > 0``) before and after training.
    dead_start, dead_end : bool
        What :func:`nncore.dead_units` says before and after training.
    accuracy : float
        Training accuracy after training (logit > 0 means class 1).
    output_bias : float
        The output unit's bias after training.
    """

    weight_start: np.ndarray
    bias_start: float
    weight_end: np.ndarray
    bias_end: float
    active_start: np.ndarray
    active_end: np.ndarray
    dead_start: bool
    dead_end: bool
    accuracy: float
    output_bias: float

    @property
    def lived(self) -> bool:
        """True when the unit is active on at least one example after training."""
        return not self.dead_end

    @property
    def verdict(self) -> str:
        """``"lived"``, ``"was dead from the start"`` or ``"died during training"``."""
        if self.lived:
            return "lived"
        return "was dead from the start" if self.dead_start else "died during training"


def train_starts(
    x: np.ndarray,
    y: np.ndarray,
    starts: np.ndarray,
    *,
    output_weight: float = 0.03,
    output_bias: float = 0.0,
    lr: float = 0.5,
    epochs: int = 300,
) -> list[StartOutcome]:
    """Train the 2-1-1 network from several starts of its hidden unit, all in one call.

    Network ``g`` is :func:`case_study_network` with hidden weights ``starts[g, :2]``, bias
    ``starts[g, 2]`` and the given output unit, trained on the logit with
    ``BCEWithLogitsLoss`` by full-batch gradient descent (``SGD``, learning rate ``lr``) for
    ``epochs`` steps.

    The ``G`` networks are trained together as one wide network: the hidden units form one
    ``Linear(2, G)`` layer and the output units one ``Linear(G, G)`` layer kept diagonal, so
    that each hidden unit feeds only its own output. The loss then averages over ``n * G``
    values, so each network's gradient is ``1 / G`` of its own, and the learning rate is
    multiplied by ``G`` to give each network exactly the step it would take alone.

    Parameters
    ----------
    x : numpy.ndarray, shape (n, 2)
        The training examples.
    y : numpy.ndarray of int, shape (n,)
        Labels 0 and 1.
    starts : array_like, shape (G, 3)
        One row ``(w1, w2, b)`` per start of the hidden unit.
    output_weight, output_bias : float
        Starting weight and bias of the output unit, the same for every start.
    lr : float, default 0.5
        Learning rate of each network.
    epochs : int, default 300
        Gradient steps (one per epoch: full batch).

    Returns
    -------
    list of StartOutcome
        One per row of ``starts``, in order.
    """
    s = np.asarray(starts, dtype=np.float64)
    g = s.shape[0]
    hidden = nc.Linear(2, g, weight_init=nc.init.zeros(), bias_init=nc.init.zeros())
    hidden.weight.data[...] = s[:, :2]
    hidden.bias.data[...] = s[:, 2]
    diagonal = np.eye(g)
    output = nc.Linear(g, g, weight_init=nc.init.zeros(), bias_init=nc.init.zeros())
    output.weight.data[...] = output_weight * diagonal
    output.bias.data[...] = output_bias
    model = nc.Sequential(hidden, nc.ReLU(), output)

    z_start = hidden(x)
    dead_start = nc.dead_units(model, x)[0].copy()

    def keep_diagonal(epoch: int, net: nc.Sequential) -> None:
        # Full batch: one step per epoch. Zeroing the off-diagonal weights after every
        # step keeps output g connected to hidden unit g only.
        net[2].weight.data *= diagonal

    targets = np.repeat(y[:, None].astype(np.float64), g, axis=1)
    nc.fit(
        model,
        nc.BCEWithLogitsLoss(),
        nc.SGD(model.parameters(), lr=lr * g),
        x,
        targets,
        epochs=epochs,
        batch_size=None,
        shuffle=False,
        callback=keep_diagonal,
    )

    z_end = hidden(x)
    dead_end = nc.dead_units(model, x)[0]
    predicted = (model(x) > 0).astype(np.int64)
    return [
        StartOutcome(
            weight_start=s[k, :2].copy(),
            bias_start=float(s[k, 2]),
            weight_end=hidden.weight.data[k].copy(),
            bias_end=float(hidden.bias.data[k]),
            active_start=z_start[:, k] > 0,
            active_end=z_end[:, k] > 0,
            dead_start=bool(dead_start[k]),
            dead_end=bool(dead_end[k]),
            accuracy=nc.accuracy(predicted[:, k], y),
            output_bias=float(output.bias.data[k]),
        )
        for k in range(g)
    ]
