"""Chapter 3's digit experiments: how many hidden units die, and what that costs.

:func:`train_digits` trains one 64-...-10 network on the digits with mini-batch SGD and
records, before training and after every epoch (or only at the end), the share of hidden
units that are off on every training image, the number of pre-activations that are exactly
0.0 and the accuracy on held-out images. Chapter 3 measures every comparison (learning
rates, initial biases, remedies) on the 450 images that ``nncore.load_digits`` holds out and
calls them its validation images: it chooses no model and reports no final test score.
:func:`mean_and_range` and :func:`count_correct` format the table of the remedies. Nothing
here draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import nncore as nc

__all__ = ["DigitData", "DigitRun", "train_digits", "mean_and_range", "count_correct"]


@dataclass(frozen=True)
class DigitData:
    """The images a run fits and the held-out images it is judged on.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    x_fit : numpy.ndarray, shape (n, 64)
    y_fit : numpy.ndarray of int, shape (n,)
    x_held : numpy.ndarray, shape (m, 64)
        The images the accuracy is measured on (chapter 3: the 450 held-out images of
        ``nncore.load_digits``, used as validation images).
    y_held : numpy.ndarray of int, shape (m,)
    """

    x_fit: np.ndarray
    y_fit: np.ndarray
    x_held: np.ndarray
    y_held: np.ndarray

    def __post_init__(self) -> None:
        for name in ("x_fit", "x_held"):
            x = getattr(self, name)
            if not isinstance(x, np.ndarray) or x.ndim != 2:
                raise ValueError(
                    f"DigitData: {name} must be a 2-d array (examples, features), got "
                    f"{getattr(x, 'shape', type(x).__name__)}."
                )
        if len(self.y_fit) != len(self.x_fit) or len(self.y_held) != len(self.x_held):
            raise ValueError(
                f"DigitData: one label per image expected, got {len(self.x_fit)} fit images "
                f"with {len(self.y_fit)} labels and {len(self.x_held)} held-out images with "
                f"{len(self.y_held)} labels."
            )


@dataclass
class DigitRun:
    """One trained network and what was recorded along the way.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    model : nncore.Sequential
        The trained network.
    start : dict of str to numpy.ndarray
        A copy of every parameter before training, by name.
    off : list of float
        Share of hidden units with ``z <= 0`` on every fit image; entry 0 is before
        training, then one entry per recorded epoch (every epoch with ``curves=True``,
        else only the last).
    exact_zeros, n_preact : list of int
        Hidden pre-activations exactly 0.0 on the fit images, and how many were evaluated.
    accuracy : list of float
        Accuracy on the held-out images.
    n_held : int
        Number of held-out images.
    """

    model: nc.Sequential
    start: dict[str, np.ndarray]
    off: list[float] = field(default_factory=list)
    exact_zeros: list[int] = field(default_factory=list)
    n_preact: list[int] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    n_held: int = 0

    @property
    def n_correct(self) -> int:
        """Held-out images classified correctly at the end (accuracy times their number)."""
        return int(round(self.accuracy[-1] * self.n_held))


def train_digits(
    data: DigitData,
    lr: float,
    *,
    hidden: Sequence[int] = (100,),
    activation: Callable[[], nc.Module] = nc.ReLU,
    weight_init: Any = None,
    bias_init: Any = None,
    epochs: int = 15,
    batch_size: int = 32,
    seed: Sequence[int] | int = 0,
    curves: bool = False,
) -> DigitRun:
    """Train a 64-...-10 network on ``data`` with SGD and cross-entropy, recording unit states.

    Parameters
    ----------
    data : DigitData
        Fit images (64 features each) and held-out images.
    lr : float
        The learning rate of ``nncore.SGD``.
    hidden : sequence of int, default (100,)
        Widths of the hidden layers.
    activation : callable, default nncore.ReLU
        Builds each hidden activation (``nncore.LeakyReLU`` for leaky ReLU).
    weight_init, bias_init : initialiser or None
        Passed to ``nncore.mlp`` (None: nncore's defaults).
    epochs : int, default 15
    batch_size : int, default 32
    seed : int or sequence of int, default 0
        Seeds ``numpy.random.default_rng`` for the initial weights and the shuffling.
    curves : bool, default False
        Record after every epoch (a callback of ``nncore.fit``); else before and after only.

    Returns
    -------
    DigitRun
    """
    if not isinstance(data, DigitData):
        raise TypeError(
            f"train_digits: expected data as a DigitData(x_fit, y_fit, x_held, y_held), got "
            f"{type(data).__name__}."
        )
    gen = np.random.default_rng(seed)
    model = nc.mlp(
        [data.x_fit.shape[1], *hidden, 10],
        activation=activation,
        weight_init=weight_init,
        bias_init=bias_init,
        rng=gen,
    )
    run = DigitRun(
        model,
        {name: p.data.copy() for name, p in model.named_parameters()},
        n_held=len(data.y_held),
    )

    def record(epoch: int, m: nc.Sequential) -> dict:
        zs = [t.z for t in m.trace(data.x_fit) if t.activation is not None]
        run.off.append(nc.inactive_fraction(m, data.x_fit))
        run.exact_zeros.append(sum(int(np.sum(z == 0.0)) for z in zs))
        run.n_preact.append(sum(z.size for z in zs))
        run.accuracy.append(nc.accuracy(m(data.x_held).argmax(axis=1), data.y_held))
        return {}

    record(0, model)
    nc.fit(
        model,
        nc.CrossEntropyLoss(),
        nc.SGD(model.parameters(), lr=lr),
        data.x_fit,
        data.y_fit,
        epochs=epochs,
        batch_size=batch_size,
        rng=gen,
        callback=record if curves else None,
    )
    if not curves:
        record(epochs, model)
    return run


def mean_and_range(values: Sequence[float], fmt: str) -> str:
    """``"mean (min to max)"`` of ``values``, each written with the format ``fmt``.

    Parameters
    ----------
    values : sequence of float, non-empty
    fmt : str
        A format specification such as ``".1%"``.

    Returns
    -------
    str
    """
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        raise ValueError("mean_and_range: expected at least one value, got none.")
    return f"{v.mean():{fmt}} ({v.min():{fmt}} to {v.max():{fmt}})"


def count_correct(runs: Sequence[DigitRun]) -> str:
    """The held-out images each run got right, as ``"436, 436, 436 of 450"``.

    Parameters
    ----------
    runs : sequence of DigitRun, non-empty, all judged on the same held-out images

    Returns
    -------
    str
    """
    if not runs:
        raise ValueError("count_correct: expected at least one run, got none.")
    totals = {r.n_held for r in runs}
    if len(totals) != 1:
        raise ValueError(
            f"count_correct: the runs were judged on held-out sets of different sizes "
            f"{sorted(totals)}; compare runs on the same images."
        )
    return f"{', '.join(str(r.n_correct) for r in runs)} of {totals.pop()}"
