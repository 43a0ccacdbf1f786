"""Chapter 3's digit experiments: how many hidden units die, and what that costs.

:func:`dying_run` is one run of the chapter's experiment, written for
:func:`nnbook.evidence.repeat`: from its seed it draws the split of the digits into 1,347
training and 450 held-out images, the initial weights and the order of the mini-batches,
trains a 64-100-10 network with mini-batch SGD and cross-entropy for 15 epochs, and returns
a :class:`DyingRun`: before training and after every epoch, the share of hidden units off
on every training image, the accuracy on the held-out images (the chapter's validation
images: it chooses no model and reports no test score), and how many hidden
pre-activations were exactly 0.0; at the end, what the dead units look like. The settings
(learning rate, activation, initialisation, standardised inputs) are plain values, so that
worker processes can receive them and the cache can name them. Nothing here draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import nncore as nc
from nnbook.evidence import Runs

__all__ = ["DyingRun", "dying_run", "dying_runs", "by_setting", "ACTIVATIONS", "WEIGHT_INITS"]

#: Hidden activations a run can use, by name.
ACTIVATIONS = {"relu": nc.ReLU, "leaky": nc.LeakyReLU}

#: Weight initialisations a run can use, by name (``"default"``: nncore's, as PyTorch's).
WEIGHT_INITS = ("default", "he")


@dataclass(frozen=True)
class DyingRun:
    """What one run recorded (no model: runs are cached and sent between processes).

    Each parameter is kept as the attribute of the same name. Series have one entry
    before training (index 0) and one after every epoch.

    Parameters
    ----------
    off : numpy.ndarray, shape (epochs + 1,)
        Share of the hidden units whose pre-activation is ``<= 0`` on every training image
        (``nncore.inactive_fraction``; for ReLU units, the dead ones).
    accuracy : numpy.ndarray, shape (epochs + 1,)
        Accuracy on the held-out (validation) images.
    loss : numpy.ndarray, shape (epochs,)
        Mean training loss of each epoch, as ``nncore.fit`` reports it.
    exact_zeros : int
        Hidden pre-activations exactly 0.0 on the training images, summed over the
        evaluations (before training and after every epoch).
    n_preact : int
        Hidden pre-activations evaluated in those evaluations.
    dead_max_z : numpy.ndarray, shape (n_dead,)
        For each unit off at the end: its largest pre-activation over the training images.
    dead_bias_start, dead_bias_end : numpy.ndarray, shape (n_dead,)
        Those units' biases before and after training.
    live_bias_end : numpy.ndarray, shape (n_live,)
        The other units' biases after training.
    dead_awake_on_val : int
        Units off on every training image but active on at least one validation image.
    off_never_drops : bool
        Whether no unit that was off on every training image after some epoch was on any
        later (checked unit by unit, not only as a share).
    matches_dead_fraction : bool
        Whether the final share agrees exactly with ``nncore.dead_fraction`` (expected
        for ReLU units).
    zero_outputs : float
        Share of the hidden outputs that are exactly 0.0 on the training images at the end
        (for ReLU, the examples on which a unit is off; leaky ReLU gives 0.0 only at
        ``z = 0``).
    always_zero_pixels : int
        Pixels that are 0 in every training image of this run's split.
    n_train, n_val, n_hidden : int
        Training images, validation images, hidden units.
    """

    off: np.ndarray
    accuracy: np.ndarray
    loss: np.ndarray
    exact_zeros: int
    n_preact: int
    dead_max_z: np.ndarray
    dead_bias_start: np.ndarray
    dead_bias_end: np.ndarray
    live_bias_end: np.ndarray
    dead_awake_on_val: int
    off_never_drops: bool
    matches_dead_fraction: bool
    zero_outputs: float
    always_zero_pixels: int
    n_train: int
    n_val: int
    n_hidden: int

    @property
    def n_dead(self) -> int:
        """Hidden units off on every training image at the end."""
        return len(self.dead_max_z)

    @property
    def largest_fall(self) -> float:
        """The largest drop of the validation accuracy from one epoch to the next (>= 0)."""
        return float(max(0.0, -np.diff(self.accuracy).min()))


def _initialisers(weight_init: str, bias: float | None) -> tuple:
    if weight_init not in WEIGHT_INITS:
        raise ValueError(
            f"dying_run: weight_init must be one of {WEIGHT_INITS}, got {weight_init!r}."
        )
    weights = nc.init.he_uniform() if weight_init == "he" else None
    biases = None if bias is None else nc.init.constant(float(bias))
    return weights, biases


def dying_run(
    seed: Sequence[int] | int,
    *,
    lr: float,
    activation: str = "relu",
    weight_init: str = "default",
    bias: float | None = None,
    standardise: bool = False,
    hidden: int = 100,
    epochs: int = 15,
    batch_size: int = 32,
) -> DyingRun:
    """Train a 64-``hidden``-10 network on the digits and record how its hidden units fare.

    One generator, seeded by ``seed``, draws in turn the split (``nncore.load_digits``),
    the initial weights and the mini-batch order, so that runs with different seeds differ
    in all three, and runs with the same seed but other settings share the split and
    (for the same initialisation) the initial weights.

    Parameters
    ----------
    seed : int or sequence of int
        Seeds ``numpy.random.default_rng``.
    lr : float
        Learning rate of ``nncore.SGD``.
    activation : {"relu", "leaky"}, default "relu"
        The hidden activation (``"leaky"``: ``nncore.LeakyReLU`` with slope 0.01).
    weight_init : {"default", "he"}, default "default"
        nncore's default initialisation, or ``nncore.init.he_uniform()``.
    bias : float, optional
        Start every hidden and output bias at this constant (default: the weight
        initialisation's own bias, nncore's uniform one).
    standardise : bool, default False
        Standardise the inputs with the training images' mean and standard deviation
        (``nncore.Standardizer``).
    hidden : int, default 100
        Hidden units.
    epochs, batch_size : int, default 15 and 32

    Returns
    -------
    DyingRun
    """
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"dying_run: activation must be one of {tuple(ACTIVATIONS)}, got {activation!r}."
        )
    weights, biases = _initialisers(weight_init, bias)
    gen = np.random.default_rng(seed)
    x_train, x_val, y_train, y_val = nc.load_digits(rng=gen)
    always_zero = int(np.sum(np.all(x_train == 0.0, axis=0)))
    if standardise:
        scaler = nc.Standardizer().fit(x_train)
        x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)
    model = nc.mlp(
        [x_train.shape[1], hidden, 10],
        activation=ACTIVATIONS[activation],
        weight_init=weights,
        bias_init=biases,
        rng=gen,
    )
    bias_start = model[0].bias.data.copy()
    off, accuracy, masks = [], [], []
    zeros = [0, 0]  # exact zeros, pre-activations evaluated

    def record(epoch: int, m: nc.Sequential) -> dict:
        z = m.trace(x_train)[0].z
        masks.append(np.all(z <= 0.0, axis=0))
        off.append(float(masks[-1].mean()))
        zeros[0] += int(np.sum(z == 0.0))
        zeros[1] += z.size
        accuracy.append(nc.accuracy(m(x_val).argmax(axis=1), y_val))
        return {}

    record(0, model)
    history = nc.fit(
        model,
        nc.CrossEntropyLoss(),
        nc.SGD(model.parameters(), lr=lr),
        x_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        rng=gen,
        callback=record,
    )
    dead = masks[-1]
    trace = model.trace(x_train)[0]
    z_train = trace.z
    z_val = model.trace(x_val)[0].z
    stacked = np.array(masks)
    never_drops = bool(np.all(stacked[1:] >= stacked[:-1]))
    matches = activation != "relu" or off[-1] == nc.dead_fraction(model, x_train)
    return DyingRun(
        off=np.array(off),
        accuracy=np.array(accuracy),
        loss=np.asarray(history["loss"], dtype=float),
        exact_zeros=zeros[0],
        n_preact=zeros[1],
        dead_max_z=z_train[:, dead].max(axis=0) if dead.any() else np.zeros(0),
        dead_bias_start=bias_start[dead],
        dead_bias_end=model[0].bias.data[dead].copy(),
        live_bias_end=model[0].bias.data[~dead].copy(),
        dead_awake_on_val=int(np.sum(dead & np.any(z_val > 0.0, axis=0))),
        off_never_drops=never_drops,
        matches_dead_fraction=bool(matches),
        zero_outputs=float(np.mean(trace.h == 0.0)),
        always_zero_pixels=always_zero,
        n_train=len(x_train),
        n_val=len(x_val),
        n_hidden=hidden,
    )


def dying_runs(seed: Sequence[int] | int, *, settings: Sequence[dict]) -> tuple[DyingRun, ...]:
    """:func:`dying_run` once for each setting, all from the same seed.

    Every setting starts from the same seed, so the runs of one call share the split of
    the digits and the mini-batch order, and those with the same initialisation share
    their initial weights: they differ only in what the settings change.

    Parameters
    ----------
    seed : int or sequence of int
        Seeds ``numpy.random.default_rng`` afresh for every setting.
    settings : sequence of dict
        Keyword arguments of :func:`dying_run` (``lr`` in each).

    Returns
    -------
    tuple of DyingRun
        One per setting, in order.
    """
    return tuple(dying_run(seed, **setting) for setting in settings)


def by_setting(runs: Runs, names: Sequence[object]) -> dict[object, Runs]:
    """Split the runs of :func:`dying_runs` into one :class:`~nnbook.evidence.Runs` per setting.

    Parameters
    ----------
    runs : nnbook.evidence.Runs
        Results of ``repeat(dying_runs, ..., settings=...)``: one tuple per seed.
    names : sequence
        A name for each setting, in the order of ``settings``.

    Returns
    -------
    dict
        Name to the runs of that setting, in seed order (same seeds as ``runs``).
    """
    sizes = {len(r) for r in runs}
    if sizes != {len(names)}:
        raise ValueError(
            f"by_setting: {len(names)} names for runs of {sorted(sizes)} settings; give one "
            "name per setting, in order."
        )
    return {
        name: Runs(seeds=runs.seeds, results=tuple(r[i] for r in runs))
        for i, name in enumerate(names)
    }
