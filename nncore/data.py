"""Small synthetic and classic data sets to train networks on, and standardisation.

Everything random takes an explicit seed or ``numpy.random.Generator``.
scikit-learn is imported only when the digits are asked for.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import DATA_HINT, as_float_array, as_rng, check_number, check_size
from .losses import check_not_masked

__all__ = [
    "make_positive_features",
    "Standardizer",
    "standardize",
    "DigitsSplit",
    "load_digits",
    "one_hot",
]


def make_positive_features(
    n_samples: int = 200,
    *,
    scale: float = 1.0,
    positive_fraction: float = 0.5,
    rng: np.random.Generator | int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Two features that are positive for every example, and binary labels.

    Data on which a ReLU unit whose weights are both negative is inactive on
    every example: class 1 tends to have ``x1 > x2``, class 0 ``x1 < x2``,
    with overlap. Each feature is ``scale * exp(N(mu, 0.35))``,
    so it is always strictly positive and its typical size is ``scale``.

    Parameters
    ----------
    n_samples : int, default 200
    scale : float, default 1.0
        Multiplies every feature (> 0).
    positive_fraction : float, default 0.5
        Share of examples in class 1, in (0, 1).
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    x : numpy.ndarray, shape (n_samples, 2)
        All entries > 0.
    y : numpy.ndarray of int, shape (n_samples,)
        Labels 0 and 1; exactly ``round(positive_fraction * n_samples)`` ones.
    """
    where = "make_positive_features"
    n = check_size(
        n_samples,
        where=where,
        name="n_samples",
        what="a number of examples",
        why="A data set needs at least one example.",
    )
    scale = check_number(scale, where=where, name="scale", low=0.0, strict=True)
    frac = check_number(
        positive_fraction, where=where, name="positive_fraction", low=0.0, strict=True
    )
    if frac >= 1.0:
        raise ValueError(f"{where}: positive_fraction must be below 1, got {frac:g}.")
    gen = as_rng(rng, where=where)
    n_pos = int(round(frac * n))
    labels = np.zeros(n, dtype=np.int64)
    labels[:n_pos] = 1
    y: NDArray[np.int64] = gen.permutation(labels)
    centre = np.where(y[:, None] == 1, [0.3, -0.3], [-0.3, 0.3])
    x = scale * np.exp(centre + gen.normal(0.0, 0.35, size=(n, 2)))
    return x, y


class Standardizer:
    """Shift and scale each feature to mean 0 and standard deviation 1.

    Fit it on the training data only, then transform every split with the
    same statistics (as scikit-learn's ``StandardScaler``).

    Attributes
    ----------
    mean_, std_ : numpy.ndarray, shape (features,)
        Set by :meth:`fit`. A constant feature gets ``std_ = 1``, so it maps to
        0 rather than to 0 / 0; its ``mean_`` is its value, exactly.

    Notes
    -----
    A feature counts as constant when its standard deviation is within
    rounding error of 0: at most ``n * eps * |mean|`` for ``n`` examples and
    machine epsilon ``eps`` (scikit-learn's test for ``StandardScaler``). A
    value such as 0.1 is not exact in binary, so the computed standard
    deviation of a column of 0.1s is about 1e-17, not 0; dividing by it would
    turn rounding errors into values of +-1.
    """

    def __init__(self) -> None:
        self.mean_: NDArray[np.float64] | None = None
        self.std_: NDArray[np.float64] | None = None

    def fit(self, x: ArrayLike) -> Standardizer:
        """Learn the mean and standard deviation of each column of ``x``.

        Parameters
        ----------
        x : array_like, shape (n, features)

        Returns
        -------
        Standardizer
            ``self``, so that ``Standardizer().fit(x).transform(x)`` reads in one line.
        """
        x = as_float_array(x, where="Standardizer.fit", hint=DATA_HINT)
        if x.ndim != 2 or x.shape[0] < 2:
            raise ValueError(
                f"Standardizer.fit: expected at least two examples of shape (n, features), "
                f"got {x.shape}."
            )
        self.mean_, self.std_ = _mean_and_scale(x)
        return self

    def transform(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return ``(x - mean_) / std_``.

        Parameters
        ----------
        x : array_like, shape (n, features)

        Returns
        -------
        numpy.ndarray, shape (n, features)
        """
        if self.mean_ is None or self.std_ is None:
            raise RuntimeError("Standardizer.transform: call fit(x_train) first.")
        x = as_float_array(x, where="Standardizer.transform", hint=DATA_HINT)
        if x.shape[-1:] != self.mean_.shape:
            raise ValueError(
                f"Standardizer.transform: expected {self.mean_.shape[0]} features (as in fit), "
                f"got shape {x.shape}."
            )
        return (x - self.mean_) / self.std_

    def fit_transform(self, x: ArrayLike) -> NDArray[np.float64]:
        """Fit to ``x``, then standardise ``x``: ``fit(x)`` then ``transform(x)``.

        Parameters
        ----------
        x : array_like, shape (n, d)
            Training features.

        Returns
        -------
        numpy.ndarray, shape (n, d)
            ``x`` with each column at mean 0 and standard deviation 1.
        """
        return self.fit(x).transform(x)


def _mean_and_scale(
    x: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each column's mean and standard deviation, 1 for a constant column.

    Each column is first divided by a power of two near its largest value, an
    exact division, so squares of values such as 1e200 do not overflow and
    squares of 1e-200 do not underflow to 0.
    """
    largest = np.abs(x).max(axis=0)
    _, exponent = np.frexp(np.where(largest > 0, largest, 1.0))
    scale = np.ldexp(1.0, exponent - 1)  # 2**(e-1) stays finite even for the largest floats
    xs = x / scale
    mean, std = xs.mean(axis=0), xs.std(axis=0)
    exact = np.all(x == x[0], axis=0)  # the computed mean of 0.1s is not always 0.1
    constant = exact | (std <= len(x) * np.finfo(np.float64).eps * np.abs(mean))
    return np.where(exact, x[0], mean * scale), np.where(constant, 1.0, std * scale)


def standardize(x_train: ArrayLike, *others: ArrayLike) -> tuple[NDArray[np.float64], ...]:
    """Standardise ``x_train`` and any other splits with the training statistics.

    Parameters
    ----------
    x_train : array_like, shape (n, d)
        The training features; their column means and standard deviations are used.
    *others : array_like, shape (m, d)
        Further splits (validation, test), standardised with the training statistics.

    Returns
    -------
    tuple of numpy.ndarray
        ``(x_train_std, *others_std)``, each the shape of its input.
    """
    s = Standardizer().fit(x_train)
    return (s.transform(x_train),) + tuple(s.transform(o) for o in others)


class DigitsSplit(NamedTuple):
    """The 8x8 digits, split into training and test sets.

    Each parameter is kept as the field of the same name.

    Parameters
    ----------
    x_train, x_test : numpy.ndarray, shape (n, 64)
        Pixel intensities scaled to [0, 1]; ``x.reshape(-1, 8, 8)`` gives images.
    y_train, y_test : numpy.ndarray of int, shape (n,)
        Digits 0..9.
    """

    x_train: NDArray[np.float64]
    x_test: NDArray[np.float64]
    y_train: NDArray[np.int64]
    y_test: NDArray[np.int64]


def load_digits(*, test_size: float = 0.25, rng: np.random.Generator | int = 0) -> DigitsSplit:
    """Load scikit-learn's 1,797 handwritten 8x8 digits (shipped with it, no download).

    Parameters
    ----------
    test_size : float, default 0.25
        Share of each digit's examples held out for testing (stratified).
    rng : numpy.random.Generator or int, default 0
        Seed of the split.

    Returns
    -------
    DigitsSplit
    """
    test_size = check_number(test_size, where="load_digits", name="test_size", low=0.0, strict=True)
    if test_size >= 1.0:
        raise ValueError(f"load_digits: test_size must be below 1, got {test_size:g}.")
    try:
        from sklearn.datasets import load_digits as _sk_load_digits
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("load_digits needs scikit-learn: pip install scikit-learn") from exc
    bunch = _sk_load_digits()
    x = bunch.data.astype(np.float64) / 16.0
    y = bunch.target.astype(np.int64)
    gen = as_rng(rng, where="load_digits")
    counts = np.bincount(y)
    held_out = np.round(test_size * counts).astype(int)
    if held_out.min() < 1 or np.any(held_out > counts - 1):
        smallest = counts.min()  # every digit needs one test and one training example
        raise ValueError(
            f"load_digits: test_size={test_size:g} leaves the test or the training set of "
            f"some digit empty (the rarest digit has {smallest} examples). Pass a test_size "
            f"between {np.ceil(1000 * 0.51 / smallest) / 1000:g} and "
            f"{np.floor(1000 * (1 - 1.51 / smallest)) / 1000:g}."
        )
    test = np.zeros(len(y), dtype=bool)
    for digit, k in enumerate(held_out):  # every digit 0..9 occurs
        idx = gen.permutation(np.flatnonzero(y == digit))
        test[idx[:k]] = True
    train_idx = gen.permutation(np.flatnonzero(~test))
    test_idx = gen.permutation(np.flatnonzero(test))
    return DigitsSplit(x[train_idx], x[test_idx], y[train_idx], y[test_idx])


def one_hot(labels: ArrayLike, n_classes: int) -> NDArray[np.float64]:
    """One-hot rows for integer labels.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Values in ``0..n_classes-1``; not a masked array.
    n_classes : int
        A positive integer.

    Returns
    -------
    numpy.ndarray, shape (n, n_classes)
        Row ``i`` is 1 at column ``labels[i]`` and 0 elsewhere.
    """
    k = check_size(
        n_classes,
        where="one_hot",
        name="n_classes",
        what="a number of classes",
        why="One-hot rows need at least one class.",
    )
    check_not_masked(labels, where="one_hot", name="labels")
    arr = np.asarray(labels)
    if arr.shape == (0,):  # np.asarray([]) is float64, but holds no label
        return np.zeros((0, k))
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise ValueError(
            f"one_hot: expected a 1-D array of integer labels, got dtype {arr.dtype} and shape "
            f"{arr.shape}."
        )
    if arr.size and (arr.min() < 0 or arr.max() >= k):
        raise ValueError(f"one_hot: labels must lie in 0..{k - 1}, got {arr.min()} to {arr.max()}.")
    out = np.zeros((arr.size, k))
    out[np.arange(arr.size), arr] = 1.0
    return out
