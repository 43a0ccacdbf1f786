"""Classification metrics: accuracy and the confusion matrix."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import check_size
from .losses import check_not_masked

__all__ = ["accuracy", "confusion_matrix"]


def _labels(y: ArrayLike, *, where: str, name: str) -> NDArray[np.int64]:
    check_not_masked(y, where=where, name=name)
    arr = np.asarray(y)
    if arr.shape == (0,):  # np.asarray([]) is float64: no labels, not wrong ones
        return np.zeros(0, dtype=np.int64)
    if arr.ndim != 1 or arr.dtype.kind not in "iub":
        raise ValueError(
            f"{where}: {name} must be a 1-D array of integer class labels, got dtype "
            f"{arr.dtype} and shape {arr.shape}. For scores of shape (n, k) pass "
            f"scores.argmax(axis=1)."
        )
    return arr.astype(np.int64)


def accuracy(y_pred: ArrayLike, y_true: ArrayLike) -> float:
    """Fraction of predicted labels equal to the true labels.

    Parameters
    ----------
    y_pred, y_true : array_like of int, shape (n,)
        At least one label each (``n > 0``); not masked arrays.

    Returns
    -------
    float
        In [0, 1].
    """
    p = _labels(y_pred, where="accuracy", name="y_pred")
    t = _labels(y_true, where="accuracy", name="y_true")
    if p.shape != t.shape:
        raise ValueError(
            f"accuracy: expected two label arrays of the same length, got {p.shape} and {t.shape}."
        )
    if p.size == 0:
        raise ValueError(
            "accuracy: expected non-empty label arrays, got no labels; the accuracy of zero "
            "examples is undefined. Pass at least one prediction and its true label."
        )
    return float(np.mean(p == t))


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int) -> NDArray[np.int64]:
    """Count the (true class, predicted class) pairs.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
        Labels in ``0..n_classes-1``; not masked arrays. ``n = 0`` gives zeros.
    n_classes : int
        A positive integer (a float such as 2.0 is refused).

    Returns
    -------
    numpy.ndarray of int, shape (n_classes, n_classes)
        Entry ``[i, j]`` counts examples of class ``i`` predicted as ``j``.
    """
    k = check_size(
        n_classes,
        where="confusion_matrix",
        name="n_classes",
        what="a number of classes",
        why="A confusion matrix needs at least one class.",
    )
    t = _labels(y_true, where="confusion_matrix", name="y_true")
    p = _labels(y_pred, where="confusion_matrix", name="y_pred")
    if p.shape != t.shape:
        raise ValueError(f"confusion_matrix: label arrays differ in length: {t.shape}, {p.shape}.")
    for name, arr in (("y_true", t), ("y_pred", p)):
        if arr.size and (arr.min() < 0 or arr.max() >= k):
            raise ValueError(
                f"confusion_matrix: {name} has labels outside 0..{k - 1} (n_classes={k}), "
                f"from {arr.min()} to {arr.max()}. Check the labels, or pass the right "
                f"n_classes."
            )
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (t, p), 1)
    return cm
