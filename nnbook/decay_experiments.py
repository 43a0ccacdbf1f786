"""Chapter 5's overfitting experiment: weight decay chosen on a validation split.

A 64-256-10 ReLU network is trained on a small subset of the digits once for every weight
decay strength ``lambda`` (:func:`train_with_decay`, always from the same initial weights
and with the same shuffling, so that ``lambda`` is the only difference). The strength is
chosen by the accuracy on validation images carved from the training images
(:func:`choose_lambda`); the test images are used once, for the chosen network and the
network without decay. Nothing here draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

import nncore as nc

__all__ = ["train_with_decay", "choose_lambda"]


def train_with_decay(
    x: np.ndarray,
    y: np.ndarray,
    weight_decay: float,
    *,
    sizes: Sequence[int] = (64, 256, 10),
    epochs: int = 300,
    batch_size: int = 25,
    lr: float = 0.1,
    init_seed: int = 0,
    shuffle_seed: int = 0,
) -> nc.Sequential:
    """Train a ReLU network with cross-entropy and ``nncore.SGD(..., weight_decay=...)``.

    Every parameter is decayed (``model.parameters()``), biases included, as in
    ``torch.optim.SGD``.

    Parameters
    ----------
    x : numpy.ndarray, shape (n, sizes[0])
    y : numpy.ndarray of int, shape (n,)
        Class labels in ``0 .. sizes[-1] - 1``.
    weight_decay : float
        lambda, >= 0.
    sizes : sequence of int, default (64, 256, 10)
        Layer widths for ``nncore.mlp``.
    epochs, batch_size : int
    lr : float
        The learning rate eta.
    init_seed, shuffle_seed : int
        Seeds of the initial weights and of the mini-batch shuffling; equal seeds give
        equal runs.

    Returns
    -------
    nncore.Sequential
        The trained network.
    """
    if weight_decay < 0:
        raise ValueError(
            f"train_with_decay: weight_decay must be >= 0, got {weight_decay!r}; pass 0.0 "
            "for no decay."
        )
    net = nc.mlp(list(sizes), rng=init_seed)
    opt = nc.SGD(net.parameters(), lr=lr, weight_decay=weight_decay)
    nc.fit(
        net,
        nc.CrossEntropyLoss(),
        opt,
        x,
        y,
        epochs=epochs,
        batch_size=batch_size,
        rng=shuffle_seed,
    )
    return net


def choose_lambda(validation_accuracy: Mapping[float, float]) -> float:
    """The decay strength with the highest validation accuracy (ties: the smaller lambda).

    Parameters
    ----------
    validation_accuracy : mapping of float to float
        lambda -> accuracy on the validation images. Test accuracies must not be passed.

    Returns
    -------
    float
        The chosen lambda.
    """
    if not validation_accuracy:
        raise ValueError("choose_lambda: expected at least one lambda with its accuracy, got none.")
    best = max(validation_accuracy.values())
    return min(lam for lam, acc in validation_accuracy.items() if acc == best)
