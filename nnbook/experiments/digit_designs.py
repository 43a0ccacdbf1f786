"""Chapter 1's experiment: three output designs for the 8x8 digits, chosen on a validation split.

Design A reads the digit as a number (one linear output, squared error on the standardised
digit value, answer rounded and clipped to 0..9). Design B reads it as a class (ten logits,
softmax cross-entropy, answer argmax). Design C keeps B's one-hot encoding but A's loss (ten
linear outputs, squared error on one-hot rows, answer argmax), so that the encoding and the
loss can be told apart.

Every choice (hidden width, learning rate, number of epochs) is made on a validation split
carved from the training images (:func:`validation_split`); the test images are used once,
for the chosen models. How far the wrong answers fall from the truth is measured in
:mod:`nnbook.experiments.digit_errors` (its names are importable from here too).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

import nncore as nc

from .digit_errors import binomial_tail, error_distance_shares, uniform_error_distance_shares

__all__ = [
    "DESIGNS",
    "Design",
    "design",
    "validation_split",
    "train",
    "GridResult",
    "grid_search",
    "error_distance_shares",
    "uniform_error_distance_shares",
    "binomial_tail",
]

#: The three designs, by letter, with the words the chapter uses for them.
DESIGNS = {
    "A": "regression: 1 output, squared error",
    "B": "classification: 10 outputs, softmax + cross-entropy",
    "C": "10 outputs, squared error on one-hot targets",
}


@dataclass(frozen=True)
class Design:
    """One output design: how many outputs, which loss, which targets, how to answer.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    name : str
        ``"A"``, ``"B"`` or ``"C"``.
    y_mean, y_std : float, optional
        Design A's target scaling (mean and standard deviation of the training digits, 0 and
        1 by default); A is trained on ``(y - y_mean) / y_std`` and :meth:`value` undoes it.
        Unused by B, C.
    """

    name: str
    y_mean: float = 0.0
    y_std: float = 1.0

    @property
    def n_outputs(self) -> int:
        """1 for design A, 10 for B and C."""
        return 1 if self.name == "A" else 10

    def model(self, hidden: int, rng: int | np.random.Generator) -> nc.Sequential:
        """Build a fresh ``64 -> hidden ReLU -> n_outputs`` network.

        The same ``rng`` gives every design the same hidden-layer weights.

        Parameters
        ----------
        hidden : int
            Number of hidden units.
        rng : int or numpy.random.Generator
            Seed or generator of the initial weights.

        Returns
        -------
        nncore.Sequential
            Weights of shapes (hidden, 64) and (n_outputs, hidden).
        """
        return nc.mlp([64, hidden, self.n_outputs], rng=rng)

    def loss(self) -> nc.Loss:
        """Return the design's loss: ``CrossEntropyLoss`` for B, ``MSELoss`` for A and C.

        Returns
        -------
        nncore.Loss
            A new loss module.
        """
        return nc.CrossEntropyLoss() if self.name == "B" else nc.MSELoss()

    def targets(self, y: ArrayLike) -> np.ndarray:
        """Turn digit labels into the design's training targets.

        Parameters
        ----------
        y : array_like of int, shape (n,)
            Digit labels 0..9.

        Returns
        -------
        numpy.ndarray
            Standardised values of shape (n, 1) for A, the labels (n,) for B and one-hot
            rows (n, 10) for C.
        """
        y = np.asarray(y)
        if self.name == "A":
            return ((y - self.y_mean) / self.y_std)[:, None]
        if self.name == "B":
            return y
        return nc.one_hot(y, 10)

    def value(self, model: nc.Module, x: ArrayLike) -> np.ndarray:
        """Compute design A's output in digit units. Only for design A.

        Parameters
        ----------
        model : nncore.Module
            A design-A model (one output, standardised units).
        x : array_like, shape (n, 64)
            Images.

        Returns
        -------
        numpy.ndarray, shape (n,)
            ``y_mean + y_std * model(x)``.
        """
        if self.name != "A":
            raise ValueError(
                f"Design {self.name}: value() is design A's output in digit units; design "
                f"{self.name} has 10 outputs, use model(x) for its scores instead."
            )
        return model(x)[:, 0] * self.y_std + self.y_mean

    def digit_model(self, model: nc.Sequential) -> nc.Sequential:
        """Copy a design-A model so that its output is in digit units. Only for design A.

        The last layer computes ``w.h + b`` in standardised units; ``y_mean + y_std (w.h + b)``
        is the same layer with weights ``y_std w`` and bias ``y_std b + y_mean``.

        Parameters
        ----------
        model : nncore.Sequential
            A design-A model; it is not changed.

        Returns
        -------
        nncore.Sequential
            The copy, its last layer rescaled.
        """
        if self.name != "A":
            raise ValueError(
                f"Design {self.name}: digit_model() rescales design A's single output; design "
                f"{self.name}'s outputs are scores, not digit values."
            )
        folded = copy.deepcopy(model)
        last = folded[-1]
        last.weight.data *= self.y_std
        last.bias.data *= self.y_std
        last.bias.data += self.y_mean
        return folded

    def answer(self, model: nc.Module, x: ArrayLike) -> np.ndarray:
        """Read each image as a digit.

        A: its output rounded to the nearest digit and clipped to 0..9; B and C: the argmax.

        Parameters
        ----------
        model : nncore.Module
            A model of this design.
        x : array_like, shape (n, 64)
            Images.

        Returns
        -------
        numpy.ndarray of int, shape (n,)
            The digits 0..9.
        """
        if self.name == "A":
            return np.clip(np.rint(self.value(model, x)), 0, 9).astype(int)
        return model(x).argmax(axis=1)


def design(name: str, y_train: ArrayLike | None = None) -> Design:
    """The design called ``name`` (``"A"``, ``"B"`` or ``"C"``).

    Parameters
    ----------
    name : str
    y_train : array_like of int, shape (n,), optional
        The training digits; required for design A, whose targets are standardised with
        their mean and standard deviation.

    Returns
    -------
    Design
    """
    if name not in DESIGNS:
        raise ValueError(f"design: expected one of {', '.join(map(repr, DESIGNS))}, got {name!r}.")
    if name != "A":
        return Design(name)
    if y_train is None:
        raise ValueError(
            "design('A') needs y_train: design A standardises its targets with the mean "
            "and standard deviation of the training digits; pass design('A', y_train)."
        )
    y = np.asarray(y_train, dtype=float)
    return Design("A", float(y.mean()), float(y.std()))


def validation_split(
    x: ArrayLike, y: ArrayLike, *, fraction: float = 0.2, rng: int | np.random.Generator = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Carve a validation set out of training data, stratified by label.

    Parameters
    ----------
    x : array_like, shape (n, features)
    y : array_like of int, shape (n,)
    fraction : float, default 0.2
        Share of each label's examples moved to the validation set, in (0, 1).
    rng : int or numpy.random.Generator, default 0

    Returns
    -------
    x_fit, x_val : numpy.ndarray, shapes (n - m, features) and (m, features)
    y_fit, y_val : numpy.ndarray, shapes (n - m,) and (m,)
        The two sets are disjoint and together hold every example once.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y)
    if x.ndim != 2 or y.shape != x.shape[:1]:
        raise ValueError(
            f"validation_split: expected x of shape (n, features) and y of shape (n,), got "
            f"{x.shape} and {y.shape}."
        )
    if not 0.0 < fraction < 1.0:
        raise ValueError(
            f"validation_split: fraction must lie strictly between 0 and 1, got {fraction!r}."
        )
    gen = np.random.default_rng(rng)
    val = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        idx = gen.permutation(np.flatnonzero(y == label))
        val[idx[: int(round(fraction * len(idx)))]] = True
    fit_idx, val_idx = np.flatnonzero(~val), np.flatnonzero(val)
    return x[fit_idx], x[val_idx], y[fit_idx], y[val_idx]


def train(
    d: Design,
    x: np.ndarray,
    y: np.ndarray,
    *,
    hidden: int,
    lr: float,
    epochs: int,
    init_seed: int,
    shuffle_seed: int,
    batch_size: int = 32,
    watch: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
    keep_best: str | None = None,
) -> tuple[nc.Sequential, nc.History]:
    """Train design ``d`` with Adam on ``(x, y)``.

    Parameters
    ----------
    d : Design
    x : numpy.ndarray, shape (n, 64)
    y : numpy.ndarray of int, shape (n,)
        Digit labels; the design turns them into its targets.
    hidden : int
        Number of hidden units.
    lr : float
        Adam's learning rate.
    epochs : int
        Passes over ``(x, y)``.
    init_seed, shuffle_seed : int
        Seeds of the initial weights and of the mini-batch order.
    batch_size : int, default 32
    watch : mapping of name to (x, y), optional
        After every epoch, the accuracy on each set is recorded as
        ``history[name + "_accuracy"]``.
    keep_best : str, optional
        The name of a watched set: return the model as it was after the first epoch with
        the highest accuracy on that set (early stopping), instead of after the last epoch.

    Returns
    -------
    model : nncore.Sequential
    history : nncore.History
    """
    watch = dict(watch or {})
    if keep_best is not None and keep_best not in watch:
        raise ValueError(
            f"train: keep_best={keep_best!r} names no watched set; watched: "
            f"{sorted(watch) or 'none'}. Pass watch={{{keep_best!r}: (x, y)}} as well."
        )
    model = d.model(hidden, init_seed)
    best: dict = {"accuracy": -1.0, "model": model}

    def record(epoch: int, m: nc.Module) -> dict[str, float]:
        acc = {f"{k}_accuracy": nc.accuracy(d.answer(m, xs), ys) for k, (xs, ys) in watch.items()}
        if keep_best is not None and acc[f"{keep_best}_accuracy"] > best["accuracy"]:
            best["accuracy"], best["model"] = acc[f"{keep_best}_accuracy"], copy.deepcopy(m)
        return acc

    history = nc.fit(
        model,
        d.loss(),
        nc.Adam(model.parameters(), lr=lr),
        x,
        d.targets(y),
        epochs=epochs,
        batch_size=batch_size,
        rng=shuffle_seed,
        callback=record,
    )
    return best["model"], history


@dataclass
class GridResult:
    """What :func:`grid_search` found for one design.

    The chosen setting has the best validation accuracy; ties go to the smaller network,
    then the smaller learning rate, then fewer epochs. Each parameter is kept as the
    attribute of the same name.

    Parameters
    ----------
    curves : dict
        ``curves[(hidden, lr)]`` is the history of that run, with ``"train_accuracy"`` (on the
        images trained on) and ``"val_accuracy"``, one value per epoch.
    model : nncore.Sequential or None
        The chosen model, as it was after ``epochs`` epochs.
    hidden : int
        The chosen number of hidden units.
    lr : float
        The chosen learning rate.
    epochs : int
        The chosen number of epochs.
    val_accuracy : float
        Its validation accuracy.
    """

    curves: dict = field(default_factory=dict)
    model: nc.Sequential | None = None
    hidden: int = 0
    lr: float = 0.0
    epochs: int = 0
    val_accuracy: float = -1.0

    def best_val(self, hidden: int, lr: float | None = None) -> float:
        """Find the best validation accuracy of a width (over learning rates and epochs).

        Parameters
        ----------
        hidden : int
            The width, a number of hidden units that was searched.
        lr : float, optional
            Only the runs with this learning rate; all by default.

        Returns
        -------
        float
            The highest ``"val_accuracy"`` of those runs.
        """
        return max(
            max(h["val_accuracy"])
            for (w, r), h in self.curves.items()
            if w == hidden and (lr is None or r == lr)
        )


def grid_search(
    d: Design,
    split: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    *,
    hiddens: Iterable[int],
    lrs: Iterable[float],
    max_epochs: int,
    init_seed: int,
    shuffle_seed: int,
    batch_size: int = 32,
) -> GridResult:
    """Choose a width, a learning rate and a number of epochs on the validation set.

    Parameters
    ----------
    d : Design
    split : (x_fit, x_val, y_fit, y_val)
        As returned by :func:`validation_split`; the models train on the first part.
    hiddens : iterable of int
    lrs : iterable of float
    max_epochs : int
        Every run trains this long; the validation accuracy after each epoch is a
        candidate, so the number of epochs is chosen too.
    init_seed, shuffle_seed : int
    batch_size : int, default 32

    Returns
    -------
    GridResult
    """
    x_fit, x_val, y_fit, y_val = split
    result = GridResult()
    for hidden in sorted(hiddens):
        for lr in sorted(lrs):
            model, history = train(
                d,
                x_fit,
                y_fit,
                hidden=hidden,
                lr=lr,
                epochs=max_epochs,
                init_seed=init_seed,
                shuffle_seed=shuffle_seed,
                batch_size=batch_size,
                keep_best="val",
                watch={"train": (x_fit, y_fit), "val": (x_val, y_val)},
            )
            result.curves[(hidden, lr)] = history
            val = np.asarray(history["val_accuracy"])
            best = int(np.argmax(val))  # first epoch with the highest accuracy
            if val[best] > result.val_accuracy:
                result.hidden, result.lr, result.epochs = hidden, lr, best + 1
                result.val_accuracy = float(val[best])
                result.model = model
    return result
