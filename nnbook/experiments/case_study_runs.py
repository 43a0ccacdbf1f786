"""Chapter 4's runs over seeds on the case study's 2-1-1 network and data.

The thread's own network, with both layers initialised from uniform(-0.05, 0.05), is
:func:`thread_network`; its data is :func:`case_data`. Two experiments of chapter 4 are
written for :func:`nnbook.evidence.repeat`: :func:`dead_start_run` (data, a dead start, what
plain gradient descent and leaky ReLU make of it) and :func:`second_layer_run` (two dead
units in a second hidden layer). Each draws everything from its seed: first the data
(``nncore.make_positive_features(200, positive_fraction=0.7, rng=gen)``), then the initial
weights; training is full batch, so there is no batch order to draw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

import nncore as nc

__all__ = [
    "THREAD_INIT",
    "thread_network",
    "case_data",
    "DeadStartRun",
    "dead_start_run",
    "SECOND_LAYER",
    "SecondLayerRun",
    "second_layer_run",
]


#: The thread's initialisation, uniform(-0.05, 0.05), for weights and biases alike.
THREAD_INIT = (-0.05, 0.05)


def thread_network(
    rng: np.random.Generator | Sequence[int] | int, *, slope: float | None = None
) -> nc.Sequential:
    """The thread's 2-1-1 network, every weight and bias drawn from uniform(-0.05, 0.05).

    Parameters
    ----------
    rng : numpy.random.Generator or seed
        Draws the hidden unit's two weights and bias, then the output unit's weight and
        bias. A generator is drawn from (and advanced); a seed starts a new one.
    slope : float, optional
        Use ``nncore.LeakyReLU(slope)`` as the hidden activation (default: ``nncore.ReLU``).

    Returns
    -------
    nncore.Sequential
        ``Linear(2, 1)``, the activation, ``Linear(1, 1)``; returns the logit.
    """
    gen = np.random.default_rng(rng)
    init = nc.init.uniform(*THREAD_INIT)
    return nc.Sequential(
        nc.Linear(2, 1, weight_init=init, bias_init=init, rng=gen),
        nc.ReLU() if slope is None else nc.LeakyReLU(slope),
        nc.Linear(1, 1, weight_init=init, bias_init=init, rng=gen),
    )


def case_data(
    rng: np.random.Generator | Sequence[int] | int, n: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """The case study's data: ``n`` examples, both features positive, 70% in class 1.

    Parameters
    ----------
    rng : numpy.random.Generator or seed
        A generator is drawn from (and advanced); a seed starts a new one.
    n : int, default 200

    Returns
    -------
    x : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray of int, shape (n,)
    """
    return nc.make_positive_features(n, positive_fraction=0.7, rng=np.random.default_rng(rng))


def _train(
    model: nc.Sequential,
    x: np.ndarray,
    y: np.ndarray,
    epochs: int,
    *,
    lr: float = 0.5,
    record: Callable[[int, nc.Sequential], dict] | None = None,
) -> dict:
    """Full-batch gradient descent on the logit with ``BCEWithLogitsLoss``: one step per epoch."""
    return nc.fit(
        model,
        nc.BCEWithLogitsLoss(),
        nc.SGD(model.parameters(), lr=lr),
        x,
        y[:, None].astype(float),
        epochs=epochs,
        batch_size=None,
        shuffle=False,
        callback=record,
    )


def _predict(model: nc.Sequential, x: np.ndarray) -> np.ndarray:
    return (model(x)[:, 0] > 0).astype(np.int64)


@dataclass(frozen=True)
class DeadStartRun:
    """One run of :func:`dead_start_run`.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    draws : int
        Starts drawn until the first with two negative weights and a negative bias.
    start : dict of str to numpy.ndarray
        That start's parameters, by name (``0.weight``, ``0.bias``, ``2.weight``,
        ``2.bias``).
    prior : float
        Share of class 1 in the data.
    frozen : bool
        Whether the hidden weights, the hidden bias and the output weight ended equal, bit
        for bit, to their starting values.
    dead_throughout : bool
        Whether the unit was dead on the data after every step.
    output_bias : numpy.ndarray, shape (epochs + 1,)
        The output bias ``c`` before training and after every step.
    accuracy : numpy.ndarray, shape (epochs + 1,)
        Training accuracy before training and after every step.
    revived_after : dict of float to int or None
        For each leaky ReLU slope: the first step after which the unit is active on some
        example (None if it never was).
    leaky_accuracy : dict of float to float
        For each slope: the training accuracy at the end of its run.
    leaky_steps : dict of float to int
        For each slope: the steps it was trained for.
    dead_on_standardised : bool
        Whether the start is dead on the same data standardised with
        ``nncore.Standardizer`` (each feature shifted and scaled to mean 0, variance 1).
    """

    draws: int
    start: dict[str, np.ndarray]
    prior: float
    frozen: bool
    dead_throughout: bool
    output_bias: np.ndarray
    accuracy: np.ndarray
    revived_after: dict[float, int | None]
    leaky_accuracy: dict[float, float]
    leaky_steps: dict[float, int]
    dead_on_standardised: bool

    @property
    def log_odds(self) -> float:
        """``log(p / (1 - p))`` of the prior ``p``."""
        return float(np.log(self.prior / (1.0 - self.prior)))


def dead_start_run(
    seed: Sequence[int] | int,
    *,
    epochs: int = 300,
    slopes: Sequence[float] = (0.3, 0.1, 0.03, 0.01),
    lr: float = 0.5,
) -> DeadStartRun:
    """Draw data and a dead start of the thread's network; train it with ReLU and leaky ReLU.

    From ``numpy.random.default_rng(seed)``: the data (:func:`case_data`), then starts of
    :func:`thread_network` until one has two negative hidden weights and a negative hidden
    bias, dead on every example whatever the feature scale. That start is trained with
    ReLU for ``epochs`` full-batch steps, and, for each slope, as a leaky ReLU network from
    the same parameters for ``max(epochs, 50 / slope)`` steps.

    Parameters
    ----------
    seed : int or sequence of int
    epochs : int, default 300
    slopes : sequence of float, default (0.3, 0.1, 0.03, 0.01)
        Negative slopes of leaky ReLU to try.
    lr : float, default 0.5
        Learning rate of gradient descent.

    Returns
    -------
    DeadStartRun
    """
    gen = np.random.default_rng(seed)
    x, y = case_data(gen)
    draws = 0
    while True:
        draws += 1
        model = thread_network(gen)
        if (model[0].weight.data < 0).all() and model[0].bias.data[0] < 0:
            break
    start = {name: p.data.copy() for name, p in model.named_parameters()}

    def record(epoch: int, m: nc.Sequential) -> dict:
        return {
            "accuracy": nc.accuracy(_predict(m, x), y),
            "c": float(m[2].bias.data[0]),
            "dead": bool(nc.dead_units(m, x)[0][0]),
        }

    accuracy_start = nc.accuracy(_predict(model, x), y)
    history = _train(model, x, y, epochs, lr=lr, record=record)
    params = dict(model.named_parameters())
    frozen = all(
        np.array_equal(params[k].data, start[k]) for k in ("0.weight", "0.bias", "2.weight")
    )

    revived, leaky_acc, leaky_steps = {}, {}, {}
    for slope in slopes:
        leaky = thread_network(0, slope=float(slope))
        for name, p in leaky.named_parameters():
            p.data[...] = start[name]
        steps = max(epochs, int(np.ceil(50 / slope)))
        h = _train(
            leaky,
            x,
            y,
            steps,
            lr=lr,
            record=lambda e, m: {"active": bool(np.any(m.trace(x)[0].z > 0))},
        )
        active = np.asarray(h["active"])
        revived[float(slope)] = int(np.argmax(active)) + 1 if active.any() else None
        leaky_acc[float(slope)] = nc.accuracy(_predict(leaky, x), y)
        leaky_steps[float(slope)] = steps
    return DeadStartRun(
        draws=draws,
        start=start,
        prior=float(np.mean(y)),
        frozen=frozen,
        dead_throughout=all(history["dead"]),
        output_bias=np.concatenate([[start["2.bias"][0]], history["c"]]),
        accuracy=np.concatenate([[accuracy_start], history["accuracy"]]),
        revived_after=revived,
        leaky_accuracy=leaky_acc,
        leaky_steps=leaky_steps,
        dead_on_standardised=bool(
            np.all(
                nc.Standardizer().fit(x).transform(x) @ start["0.weight"][0] + start["0.bias"][0]
                <= 0
            )
        ),
    )


#: The second hidden layer's three units of :func:`second_layer_run`: (weights, bias).
SECOND_LAYER = {
    "A": ((0.03, 0.03), 0.01),
    "B": ((-0.03, -0.02), -0.01),
    "C": ((0.04, -0.02), -0.02),
}


@dataclass(frozen=True)
class SecondLayerRun:
    """One run of :func:`second_layer_run`.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    n_active : numpy.ndarray of int, shape (epochs, 3)
        After every step, on how many examples each of A, B, C is active (``z > 0``).
    b_frozen : bool
        Whether B's weights, bias and outgoing weight ended equal to their start, bit for
        bit.
    c_frozen_while_dead : bool
        Whether C's weights stayed equal to their start until the step it came back (or to
        the end, if it never did).
    first_moved : float
        The largest change of a first-layer weight over the run.
    accuracy : float
        Training accuracy at the end.
    n : int
        Number of examples.
    """

    n_active: np.ndarray
    b_frozen: bool
    c_frozen_while_dead: bool
    first_moved: float
    accuracy: float
    n: int

    @property
    def c_back(self) -> int | None:
        """The first step after which C is active on some example (None: never)."""
        active = self.n_active[:, 2] > 0
        return int(np.argmax(active)) + 1 if active.any() else None


def second_layer_run(
    seed: Sequence[int] | int, *, epochs: int = 600, lr: float = 0.5
) -> SecondLayerRun:
    """Train a 2-2-3-1 ReLU network whose second layer holds the units A, B and C.

    From ``numpy.random.default_rng(seed)``: the data (:func:`case_data`, standardised
    with ``nncore.Standardizer``), then the first and the output layer from the thread's
    initialisation, uniform(-0.05, 0.05); the second layer's units are set to
    :data:`SECOND_LAYER`. Full-batch gradient descent for ``epochs`` steps.

    Parameters
    ----------
    seed : int or sequence of int
    epochs : int, default 600
    lr : float, default 0.5

    Returns
    -------
    SecondLayerRun
    """
    gen = np.random.default_rng(seed)
    x, y = case_data(gen)
    xs = nc.Standardizer().fit(x).transform(x)
    init = nc.init.uniform(*THREAD_INIT)
    net = nc.Sequential(
        nc.Linear(2, 2, weight_init=init, bias_init=init, rng=gen),
        nc.ReLU(),
        nc.Linear(2, 3, weight_init=init, bias_init=init, rng=gen),
        nc.ReLU(),
        nc.Linear(3, 1, weight_init=init, bias_init=init, rng=gen),
    )
    for k, (weights, bias) in enumerate(SECOND_LAYER.values()):
        net[2].weight.data[k] = weights
        net[2].bias.data[k] = bias
    start = {name: p.data.copy() for name, p in net.named_parameters()}

    def record(epoch: int, m: nc.Sequential) -> dict:
        return {
            "n_active": (m.trace(xs)[1].z > 0).sum(axis=0),
            "c_weights": m[2].weight.data[2].copy(),
        }

    history = _train(net, xs, y, epochs, lr=lr, record=record)
    n_active = np.array(history["n_active"])
    c_weights = np.array(history["c_weights"])
    active_c = n_active[:, 2] > 0
    until = int(np.argmax(active_c)) if active_c.any() else epochs  # steps while C was dead
    b_frozen = (
        np.array_equal(net[2].weight.data[1], start["2.weight"][1])
        and net[2].bias.data[1] == start["2.bias"][1]
        and net[4].weight.data[0, 1] == start["4.weight"][0, 1]
    )
    return SecondLayerRun(
        n_active=n_active,
        b_frozen=bool(b_frozen),
        c_frozen_while_dead=bool(np.all(c_weights[:until] == start["2.weight"][2])),
        first_moved=float(np.abs(net[0].weight.data - start["0.weight"]).max()),
        accuracy=nc.accuracy(_predict(net, xs), y),
        n=len(y),
    )
