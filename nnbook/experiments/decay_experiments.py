"""Chapter 5's overfitting experiment: weight decay chosen on a validation split, over runs.

:func:`decay_run` is one run: a 64-256-10 ReLU network is trained on a small subset of the
digits once for every weight decay strength ``lambda`` (:func:`train_with_decay`, always
from the same initial weights and with the same batches, so that within a run ``lambda``
is the only difference), on the correct labels and on a copy with a quarter of them wrong.
The strength is chosen by the accuracy on validation images carved from the training
images (:func:`choose_lambda`); the test images are used once, for the chosen network and
the network without decay. Every random choice of a run comes from its seed, so
``nnbook.evidence.repeat(decay_run, 5, base=...)`` gives five independent runs. Nothing
here draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

import nncore as nc
from nnbook.experiments.digit_designs import validation_split

__all__ = [
    "LAMBDAS",
    "DecayRun",
    "Fitted",
    "choose_lambda",
    "decay_run",
    "train_with_decay",
]


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


#: The decay strengths of chapter 5's overfitting experiment: none and five log-spaced values.
LAMBDAS: tuple[float, ...] = (0.0, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)


@dataclass(frozen=True)
class Fitted:
    """What one trained network of :func:`decay_run` scored.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    train : float
        Accuracy on the training images, against the labels it was trained on.
    val : float
        Accuracy on the validation images (always correct labels).
    norm : float
        Frobenius norm of the first layer's weight matrix.
    taught_wrong : float
        On the training images whose label was replaced: share predicted as the (wrong)
        taught label. NaN when no label was replaced.
    true_digit : float
        On the same images: share predicted as their true digit. NaN when no label was
        replaced.
    """

    train: float
    val: float
    norm: float
    taught_wrong: float
    true_digit: float


@dataclass(frozen=True)
class DecayRun:
    """One run of chapter 5's overfitting experiment (see :func:`decay_run`).

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    lambdas : tuple of float
        The decay strengths trained, in increasing order.
    clean, noisy : dict of float to Fitted
        For every lambda, the network trained on the correct labels and on the copy with
        a share of wrong labels.
    chosen : dict of str to float
        The lambda with the best validation accuracy, for ``"clean"`` and ``"noisy"``.
    test_without_decay, test_chosen : dict of str to float
        Test accuracy of the network without decay and of the chosen one, for
        ``"clean"`` and ``"noisy"``: the only use of the test images.
    more_data_val : float
        Validation accuracy without decay, correct labels, trained on ``n_more`` images
        (the ``n_train`` and more) for the same number of steps.
    first_layer : dict of float to numpy.ndarray
        The first layer's trained weight matrix for every lambda (correct labels).
    first_layer_init : numpy.ndarray
        The first layer's initial weight matrix, the same for every lambda.
    blank : numpy.ndarray of int
        The pixels that are 0 in every one of the ``n_train`` training images.
    n_train, n_more, n_val, n_wrong, steps : int
        Training images, images of the larger training set, validation images, replaced
        labels, and SGD steps of every training.
    lr : float
        The learning rate of every training.
    """

    lambdas: tuple[float, ...]
    clean: dict[float, Fitted]
    noisy: dict[float, Fitted]
    chosen: dict[str, float]
    test_without_decay: dict[str, float]
    test_chosen: dict[str, float]
    more_data_val: float
    first_layer: dict[float, np.ndarray]
    first_layer_init: np.ndarray
    blank: np.ndarray
    n_train: int
    n_more: int
    n_val: int
    n_wrong: int
    steps: int
    lr: float


def _predict(net: nc.Sequential, x: np.ndarray) -> np.ndarray:
    return net(x).argmax(axis=1)


def decay_run(
    *,
    seed: int | Sequence[int],
    lambdas: Sequence[float] = LAMBDAS,
    n_train: int = 150,
    n_more: int = 600,
    wrong_share: float = 0.25,
    val_share: float = 0.2,
    sizes: Sequence[int] = (64, 256, 10),
    epochs: int = 300,
    batch_size: int = 25,
    lr: float = 0.1,
) -> DecayRun:
    """One run of chapter 5's experiment: train for every lambda, choose on validation.

    Everything random comes from ``seed``: the digits' train/test split, the validation
    images (a stratified ``val_share`` of the training images), the ``n_more`` images
    drawn from the rest (the first ``n_train`` of them are the small training set), the
    labels replaced by a different digit, the initial weights and the batch order. For
    every lambda the network starts from the same weights and sees the same batches, on
    the correct labels and on the noisy copy. lambda is chosen by validation accuracy
    (:func:`choose_lambda`); the test images are then used once, for the chosen network
    and the one without decay. One more network, without decay, is trained on the
    ``n_more`` images for as many steps, to compare more data with decay.

    Parameters
    ----------
    seed : int or sequence of int
        Seed of ``numpy.random.default_rng``; :func:`nnbook.evidence.repeat` passes
        ``[base, k]``.
    lambdas : sequence of float, default LAMBDAS
        Decay strengths, >= 0; must include 0.
    n_train, n_more : int, default 150 and 600
        Sizes of the small and the larger training set (``n_more`` a multiple of
        ``n_train``, so that the larger set takes the same steps in fewer epochs).
    wrong_share : float, default 0.25
        Share of the ``n_train`` labels replaced by a different digit in the noisy copy.
    val_share : float, default 0.2
        Share of the training images set aside for validation.
    sizes : sequence of int, default (64, 256, 10)
    epochs, batch_size : int, default 300 and 25
        Epochs on the small set; the larger set takes ``epochs * n_train // n_more``.
    lr : float, default 0.1

    Returns
    -------
    DecayRun
    """
    lambdas = tuple(float(lam) for lam in sorted(lambdas))
    if 0.0 not in lambdas:
        raise ValueError(f"decay_run: lambdas must include 0.0 (no decay), got {lambdas}.")
    if n_more % n_train or n_more <= n_train or (epochs * n_train) % n_more:
        raise ValueError(
            f"decay_run: n_more ({n_more}) must be a multiple of n_train ({n_train}) above "
            f"it, and epochs * n_train / n_more ({epochs} * {n_train} / {n_more}) a whole "
            "number, so that both training sets take the same number of steps."
        )
    gen = np.random.default_rng(seed)
    digits = nc.load_digits(rng=gen)
    x_pool, x_val, y_pool, y_val = validation_split(
        digits.x_train, digits.y_train, fraction=val_share, rng=gen
    )
    if len(y_pool) < n_more:
        raise ValueError(
            f"decay_run: only {len(y_pool)} training images are left after validation, "
            f"fewer than n_more = {n_more}."
        )
    more = gen.permutation(len(y_pool))[:n_more]
    x_more, y_more = x_pool[more], y_pool[more]
    x_small, y_small = x_more[:n_train], y_more[:n_train]
    n_wrong = int(n_train * wrong_share)
    wrong = gen.choice(n_train, size=n_wrong, replace=False)
    y_noisy = y_small.copy()
    y_noisy[wrong] = (y_small[wrong] + gen.integers(1, 10, size=n_wrong)) % 10
    init_seed, shuffle_seed = (int(s) for s in gen.integers(2**31, size=2))
    settings = dict(sizes=sizes, batch_size=batch_size, lr=lr, init_seed=init_seed)

    def fitted(net: nc.Sequential, noisy: bool) -> Fitted:
        labels = y_noisy if noisy else y_small
        predicted = _predict(net, x_small)
        noisy = noisy and n_wrong > 0
        return Fitted(
            train=nc.accuracy(predicted, labels),
            val=nc.accuracy(_predict(net, x_val), y_val),
            norm=float(np.linalg.norm(net[0].weight.data)),
            taught_wrong=nc.accuracy(predicted[wrong], y_noisy[wrong]) if noisy else np.nan,
            true_digit=nc.accuracy(predicted[wrong], y_small[wrong]) if noisy else np.nan,
        )

    nets: dict[str, dict[float, nc.Sequential]] = {"clean": {}, "noisy": {}}
    scores: dict[str, dict[float, Fitted]] = {"clean": {}, "noisy": {}}
    for name, labels in (("clean", y_small), ("noisy", y_noisy)):
        for lam in lambdas:
            net = train_with_decay(
                x_small, labels, lam, epochs=epochs, shuffle_seed=shuffle_seed, **settings
            )
            nets[name][lam], scores[name][lam] = net, fitted(net, name == "noisy")
    chosen = {name: choose_lambda({lam: s.val for lam, s in scores[name].items()}) for name in nets}

    def test(net: nc.Sequential) -> float:
        return nc.accuracy(_predict(net, digits.x_test), digits.y_test)

    more_net = train_with_decay(
        x_more,
        y_more,
        0.0,
        epochs=epochs * n_train // n_more,
        shuffle_seed=shuffle_seed,
        **settings,
    )
    return DecayRun(
        lambdas=lambdas,
        clean=scores["clean"],
        noisy=scores["noisy"],
        chosen=chosen,
        test_without_decay={name: test(nets[name][0.0]) for name in nets},
        test_chosen={name: test(nets[name][chosen[name]]) for name in nets},
        more_data_val=nc.accuracy(_predict(more_net, x_val), y_val),
        first_layer={lam: net[0].weight.data.copy() for lam, net in nets["clean"].items()},
        first_layer_init=nc.mlp(list(sizes), rng=init_seed)[0].weight.data.copy(),
        blank=np.flatnonzero(np.all(x_small == 0, axis=0)),
        n_train=n_train,
        n_more=n_more,
        n_val=len(y_val),
        n_wrong=n_wrong,
        steps=epochs * -(-n_train // batch_size),
        lr=lr,
    )
