"""How far chapter 1's wrong answers fall from the true digit, and how surprising that is.

A design that reads the digit as a number (design A) should err towards neighbouring digits;
:func:`error_distance_shares` measures the distance of each wrong answer,
:func:`uniform_error_distance_shares` gives the shares if wrong answers were drawn uniformly
from the other digits, and :func:`binomial_tail` says how surprising a count of neighbours is.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["error_distance_shares", "uniform_error_distance_shares", "binomial_tail"]


def error_distance_shares(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[int, np.ndarray]:
    """How far the wrong answers are from the truth, as digit values.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)

    Returns
    -------
    n_errors : int
    shares : numpy.ndarray, shape (9,)
        ``shares[d - 1]`` is the share of the errors with ``|pred - true| = d``;
        all zeros when there is no error.
    """
    t, p = np.asarray(y_true), np.asarray(y_pred)
    wrong = p != t
    n = int(wrong.sum())
    counts = np.bincount(np.abs(p - t)[wrong], minlength=10)[1:10]
    return n, counts / max(n, 1)


def uniform_error_distance_shares(y_true: ArrayLike | None = None) -> np.ndarray:
    """Distance shares if every wrong answer were one of the 9 other digits, uniformly.

    Parameters
    ----------
    y_true : array_like of int, shape (m,), optional
        The true digits of the errors; by default every digit equally often.

    Returns
    -------
    numpy.ndarray, shape (9,)
        ``shares[d - 1]``: the expected share of errors at distance ``d``. For uniformly
        distributed true digits, 18 of the 90 ordered (true, wrong) pairs are neighbours, so
        ``shares[0] = 0.2``.
    """
    truths = np.arange(10) if y_true is None else np.asarray(y_true)
    shares = np.zeros(9)
    for t in truths:
        for wrong in range(10):
            if wrong != t:
                shares[abs(wrong - t) - 1] += 1 / 9
    return shares / len(truths)


def binomial_tail(k: int, n: int, p: float) -> float:
    """Compute ``P(X >= k)`` for ``X ~ Binomial(n, p)``: how surprising k hits in n tries are.

    Parameters
    ----------
    k : int
        Number of hits, ``k >= 0``.
    n : int
        Number of tries, ``n >= 0``.
    p : float
        Probability of a hit in one try, in [0, 1].

    Returns
    -------
    float
        The probability, exact (a sum of binomial terms).
    """
    if not (0 <= k and 0 <= n and 0.0 <= p <= 1.0):
        raise ValueError(f"binomial_tail: need k >= 0, n >= 0 and 0 <= p <= 1, got {k}, {n}, {p}.")
    return float(sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1)))
