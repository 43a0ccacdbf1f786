"""Numerically stable elementwise functions, shared by layers and losses.

The names follow ``torch.nn.functional``. Each works on float64 arrays of
any shape and stays finite, without floating-point warnings, for inputs as
large as 1e4 in size.
"""

from __future__ import annotations

import numpy as np


def relu(z: np.ndarray) -> np.ndarray:
    """``max(0, z)`` elementwise; same shape as ``z``."""
    return np.maximum(z, 0.0)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, computed without overflow.

    ``exp(-log(1 + exp(-z)))`` is evaluated with ``numpy.logaddexp``, which never
    overflows: ``sigmoid(-1e4)`` is exactly 0 and ``sigmoid(1e4)`` exactly 1.
    """
    return np.exp(-np.logaddexp(0.0, -z))


def logsumexp(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log(sum(exp(z)))`` along ``axis`` (kept as size 1), shifted by the maximum."""
    top = np.max(z, axis=axis, keepdims=True)
    return top + np.log(np.sum(np.exp(z - top), axis=axis, keepdims=True))


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log(softmax(z))`` along ``axis``; same shape as ``z``."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis`` (rows sum to 1); the row maximum is subtracted first."""
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
