"""Numerically stable elementwise functions, shared by layers and losses.

The names follow ``torch.nn.functional``. Each works on float64 arrays of
any shape and stays finite, without floating-point warnings, for inputs as
large as 1e4 in size. A single number is taken as a 0-d array; the functions
along an axis take it as one value (its softmax is 1, as in PyTorch) and
refuse an axis with no values.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def relu(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """``max(0, z)`` elementwise; same shape as ``z``.

    Parameters
    ----------
    z : numpy.ndarray, any shape
        The pre-activations.

    Returns
    -------
    numpy.ndarray, same shape as ``z``
        ``z`` with its negative values set to 0.
    """
    return np.maximum(z, 0.0)


def sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """The logistic function ``1 / (1 + exp(-z))``, computed without overflow.

    ``exp(-log(1 + exp(-z)))`` is evaluated with ``numpy.logaddexp``, which never
    overflows: ``sigmoid(-1e4)`` is exactly 0 and ``sigmoid(1e4)`` exactly 1.

    Parameters
    ----------
    z : numpy.ndarray, any shape
        The pre-activations.

    Returns
    -------
    numpy.ndarray, same shape as ``z``
        Values in [0, 1].
    """
    result: NDArray[np.float64] = np.exp(-np.logaddexp(0.0, -z))
    return result


def logsumexp(z: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """``log(sum(exp(z)))`` along ``axis`` (kept as size 1), shifted by the maximum.

    Parameters
    ----------
    z : array_like, any shape
        The values; a single number is one value.
    axis : int, default -1
        The axis summed over; it must hold at least one value.

    Returns
    -------
    numpy.ndarray
        The shape of ``z`` with ``axis`` of size 1 (0-d for a 0-d ``z``).
    """
    z = _along(z, axis, "logsumexp")
    if z.ndim == 0:
        return logsumexp(z.reshape(1)).reshape(())
    top: NDArray[np.float64] = np.max(z, axis=axis, keepdims=True)
    result: NDArray[np.float64] = top + np.log(np.sum(np.exp(z - top), axis=axis, keepdims=True))
    return result


def log_softmax(z: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """``log(softmax(z))`` along ``axis``; same shape as ``z``.

    Parameters
    ----------
    z : array_like, any shape
        The scores (logits); a single number is one value.
    axis : int, default -1
        The axis normalised over; it must hold at least one value.

    Returns
    -------
    numpy.ndarray, same shape as ``z``
        Log-probabilities: along ``axis`` their exponentials sum to 1.
    """
    z = _along(z, axis, "log_softmax")
    if z.ndim == 0:
        return log_softmax(z.reshape(1)).reshape(())
    shifted: NDArray[np.float64] = z - np.max(z, axis=axis, keepdims=True)
    result: NDArray[np.float64] = shifted - np.log(
        np.sum(np.exp(shifted), axis=axis, keepdims=True)
    )
    return result


def softmax(z: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """Softmax along ``axis`` (rows sum to 1); the row maximum is subtracted first.

    Parameters
    ----------
    z : array_like, any shape
        The scores (logits); a single number is one value (its softmax is 1).
    axis : int, default -1
        The axis normalised over; it must hold at least one value.

    Returns
    -------
    numpy.ndarray, same shape as ``z``
        Probabilities in [0, 1] that sum to 1 along ``axis``.
    """
    z = _along(z, axis, "softmax")
    if z.ndim == 0:
        return softmax(z.reshape(1)).reshape(())
    e: NDArray[np.float64] = np.exp(z - np.max(z, axis=axis, keepdims=True))
    result: NDArray[np.float64] = e / np.sum(e, axis=axis, keepdims=True)
    return result


def _along(z: ArrayLike, axis: int, name: str) -> NDArray[np.float64]:
    """``z`` as an array, refused when ``axis`` holds no values (a 0-d array is one value)."""
    array: NDArray[np.float64] = np.asarray(z)
    if array.ndim and array.shape[axis] == 0:
        raise ValueError(
            f"{name}: axis {axis} of the input, shape {array.shape}, holds no values, and "
            f"{name} over no values is undefined. Pass at least one value along that axis."
        )
    return array
