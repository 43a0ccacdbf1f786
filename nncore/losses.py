"""Loss functions, as in ``torch.nn``: ``loss(pred, target)`` then ``loss.backward()``.

Calling a loss returns the mean over the batch as a Python float and keeps
what its backward pass needs; ``backward()`` returns ``dL/d pred``, with the
*same* reduction as the value (a gradient check with several outputs would
catch a mismatch, as in scikit-learn's bug #8349).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _stamps
from . import functional as F
from ._checks import DATA_HINT, as_float_array, check_not_empty, check_same_shape

__all__ = ["Loss", "MSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss"]


class Loss:
    """Base class: ``__call__`` computes the value, ``backward`` its gradient."""

    def __init__(self) -> None:
        self._grad: np.ndarray | None = None
        self._origin: int | None = None  # the forward pass that made the prediction, if known

    def __call__(self, pred: ArrayLike, target: ArrayLike) -> float:
        return self.forward(pred, target)

    def forward(self, pred: ArrayLike, target: ArrayLike) -> float:
        """Return the mean loss over the batch and keep its gradient for ``backward``.

        Parameters
        ----------
        pred : array_like, shape (n, k)
            Predictions; ``MSELoss`` and the BCE losses accept any shape.
        target : array_like, same shape as ``pred``
            For ``CrossEntropyLoss``: class labels of shape (n,) or probability rows (n, k).

        Returns
        -------
        float
        """
        p = as_float_array(pred, where=repr(self), name="prediction")
        check_not_empty(p, where=repr(self))
        self._check_prediction(p)
        value, self._grad = self._value_and_grad(p, self._target(target, p))
        self._origin = _stamps.stamp_of(pred)
        return float(value)

    def backward(self) -> np.ndarray:
        """``dL/d pred`` for the last call.

        Returns
        -------
        numpy.ndarray
            Same shape as that prediction; a new array on every call. A model's
            ``backward`` refuses it if the model ran forward again after the
            prediction was made.
        """
        if self._grad is None:
            raise RuntimeError(
                f"{self!r}: backward() was called before the loss was computed. "
                f"Call loss(pred, target) first."
            )
        grad = self._grad.copy()
        if self._origin is not None:
            _stamps.mark(grad, self._origin)
        return grad

    # Each loss is three small methods: the checks of its prediction and of its
    # target (``fit`` checks all targets once, then skips them), and the
    # value with its gradient, side by side.
    def _check_prediction(self, p: np.ndarray) -> None:
        """Refuse predictions this loss cannot take (finiteness is checked before)."""

    def _target(self, target: ArrayLike, pred: np.ndarray) -> np.ndarray:
        """``target`` checked against the prediction, as the array ``_value_and_grad`` takes."""
        t = as_float_array(target, where=repr(self), name="target", hint=DATA_HINT)
        check_same_shape(pred, t, where=repr(self))
        return t

    def _value_and_grad(self, p: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
        raise NotImplementedError  # pragma: no cover - abstract

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MSELoss(Loss):
    """Mean squared error, averaged over *every* element (PyTorch's ``reduction="mean"``).

    ``L = mean((pred - target)**2)`` over all ``n * k`` values;
    ``dL/d pred = 2 (pred - target) / (n * k)``.
    Prediction and target must have the same shape, e.g. (n, 1) and (n, 1).
    """

    def _value_and_grad(self, p, t):
        diff = p - t
        return np.mean(diff * diff), (2.0 / diff.size) * diff


class BCELoss(Loss):
    """Binary cross-entropy on probabilities, averaged over every element.

    ``L = -mean(t log p + (1 - t) log(1 - p))`` with ``p`` in [0, 1] (the output
    of a ``Sigmoid``) and targets ``t`` in [0, 1]. ``p`` is clipped to
    ``[eps, 1 - eps]`` (machine epsilon) so the value stays finite; prefer
    ``BCEWithLogitsLoss`` on the raw scores, which needs no clipping.
    """

    def _check_prediction(self, p):
        if p.min() < 0.0 or p.max() > 1.0:
            raise ValueError(
                f"{self!r}: predictions must be probabilities in [0, 1], got values from "
                f"{p.min():g} to {p.max():g}. For raw scores (logits) use BCEWithLogitsLoss, "
                f"or put a Sigmoid() at the end of the model."
            )

    def _target(self, target, pred):
        t = super()._target(target, pred)
        _check_unit_interval(t, where=repr(self))
        return t

    def _value_and_grad(self, p, t):
        eps = np.finfo(np.float64).eps
        q = np.clip(p, eps, 1.0 - eps)
        value = -np.mean(t * np.log(q) + (1.0 - t) * np.log1p(-q))
        grad = (q - t) / (q * (1.0 - q) * p.size)
        return value, grad


class BCEWithLogitsLoss(Loss):
    """Binary cross-entropy on logits (a sigmoid built in), averaged over every element.

    ``L = mean(max(z, 0) - z t + log(1 + exp(-|z|)))``, which is
    ``BCE(sigmoid(z), t)`` computed without overflow for any ``z``;
    ``dL/dz = (sigmoid(z) - t) / (number of elements)``.
    """

    def _target(self, target, pred):
        t = super()._target(target, pred)
        _check_unit_interval(t, where=repr(self))
        return t

    def _value_and_grad(self, z, t):
        value = np.mean(np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z))))
        return value, (F.sigmoid(z) - t) / z.size


class CrossEntropyLoss(Loss):
    """Softmax cross-entropy from logits, averaged over the batch.

    Calling ``loss(pred, target)`` takes:

    pred : array_like, shape (n, k)
        Raw scores (logits) for ``k`` classes; the softmax is applied inside.
    target : array_like, shape (n,) of int, or shape (n, k) of float
        Class labels in ``0..k-1``, or one probability row per example (for
        example one-hot rows from ``nc.one_hot``).

    Notes
    -----
    ``L = mean_i(logsumexp(z_i) - sum_c t_ic z_ic)`` and
    ``dL/dz = (softmax(z) - t) / n``: the gradient of a class score is the
    predicted probability minus the target.
    """

    def _check_prediction(self, z):
        if z.ndim != 2:
            raise ValueError(
                f"{self!r}: expected logits of shape (n, k), got {z.shape}. For one example "
                f"use logits[None, :]; for a single binary output use BCEWithLogitsLoss."
            )
        if z.shape[1] == 1:
            raise ValueError(
                f"{self!r}: got logits of shape {z.shape}, a single class; the softmax of one "
                f"class is always 1, so the loss would be 0 and nothing would be learned. For "
                f"a binary problem use BCEWithLogitsLoss with this one output (targets 0 and "
                f"1), or give the model two outputs, one per class."
            )

    def _value_and_grad(self, z, t):
        n = z.shape[0]
        shifted = z - z.max(axis=1, keepdims=True)  # log-sum-exp trick
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        grad = e / total  # softmax(z)
        if t.ndim == 1:  # integer labels: -log p of each example's own class
            rows = np.arange(n)
            value = (np.log(total[:, 0]) - shifted[rows, t]).sum() / n
            grad[rows, t] -= 1.0
        else:
            value = -np.sum(t * (shifted - np.log(total))) / n
            grad -= t
        grad /= n
        return value, grad

    def _target(self, target, pred):
        n, k = pred.shape
        check_not_masked(target, where=repr(self), name="target")
        raw = np.asarray(target)
        if raw.ndim == 2 and raw.shape == (n, 1) and k > 1 and raw.dtype.kind in "iu":
            raise ValueError(
                f"{self!r}: class labels must have shape ({n},), one label per example, got a "
                f"column of shape {raw.shape}. Flatten it with y.ravel()."
            )
        if raw.ndim == 2:
            t = as_float_array(raw, where=repr(self), name="target", hint=DATA_HINT)
            if t.shape != (n, k):
                raise ValueError(
                    f"{self!r}: probability targets must have the logits' shape {(n, k)}, "
                    f"got {t.shape}."
                )
            _check_unit_interval(t, where=repr(self))
            if not np.allclose(t.sum(axis=1), 1.0):
                raise ValueError(
                    f"{self!r}: each row of probability targets must sum to 1; use "
                    f"nc.one_hot(labels, {k}) for one-hot targets."
                )
            return t
        if raw.ndim != 1 or raw.shape[0] != n:
            raise ValueError(
                f"{self!r}: expected {n} class labels of shape ({n},), one per example in the "
                f"batch, got shape {raw.shape}."
            )
        if raw.dtype.kind not in "iu":
            raise ValueError(
                f"{self!r}: class labels must be integers in 0..{k - 1}, got dtype {raw.dtype}. "
                f"Convert whole-number labels with labels.astype(int)."
            )
        if raw.min() < 0 or raw.max() >= k:
            raise ValueError(
                f"{self!r}: class labels must lie in 0..{k - 1} for {k} classes, got labels "
                f"from {raw.min()} to {raw.max()}. Check the labels, or give the model "
                f"{raw.max() + 1} outputs."
            )
        return raw


def check_not_masked(x: object, *, where: str, name: str) -> None:
    """Refuse a ``numpy.ma.MaskedArray``: ``np.asarray`` would keep its hidden values.

    Parameters
    ----------
    x : object
        Anything; only a masked array is refused.
    where : str
        The component doing the check, named in the message.
    name : str
        What ``x`` is to that component (``"target"``, ``"y_true"``...).
    """
    if isinstance(x, np.ma.MaskedArray):
        raise ValueError(
            f"{where}: got a masked array for the {name}; nncore would silently use the "
            f"hidden values. Drop the masked entries, or fill them with its .filled(value) "
            f"method."
        )


def _check_unit_interval(t: np.ndarray, *, where: str) -> None:
    if t.min() < 0.0 or t.max() > 1.0:
        raise ValueError(
            f"{where}: targets must lie in [0, 1] (class labels 0 and 1, or probabilities), "
            f"got values from {t.min():g} to {t.max():g}."
        )
