"""Loss functions, as in ``torch.nn``: ``loss(pred, target)`` then ``loss.backward()``.

Calling a loss returns the mean over the batch as a Python float and keeps
what its backward pass needs; ``backward()`` returns ``dL/d pred``, with the
*same* reduction as the value (a gradient check with several outputs would
catch a mismatch, as in scikit-learn's bug #8349).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _stamps
from . import functional as F
from ._checks import (
    DATA_HINT,
    FLOAT64,
    all_finite,
    as_float_array,
    check_not_empty,
    check_same_shape,
)

__all__ = ["Loss", "MSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss"]


class Loss:
    """Base class: ``__call__`` computes the value, ``backward`` its gradient.

    A copy or a pickle of a loss keeps its settings but not the gradient of
    its last call (as a copy of a module keeps no saved forward pass): its
    ``backward`` asks for the loss to be computed again on the copy.
    """

    _grad: NDArray[np.float64] | None = None  # dL/d pred of the last call
    _origin: int | None = None  # the forward pass that made the prediction, if known
    _copied = False  # True: a copy made after a call, which kept no gradient

    def __init__(self) -> None:
        self._grad = None
        self._origin = None

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
        p = pred
        if type(p) is not np.ndarray or p.dtype is not FLOAT64 or not p.size or not all_finite(p):
            p = as_float_array(pred, where=repr(self), name="prediction")
            check_not_empty(p, where=repr(self))
        self._check_prediction(p)
        value, self._grad = self._checked_value_and_grad(p, target)
        self._origin = _stamps.stamp_of(pred)
        self._copied = False
        return float(value)

    def backward(self) -> NDArray[np.float64]:
        """``dL/d pred`` for the last call.

        Returns
        -------
        numpy.ndarray
            Same shape as that prediction; a new array on every call. A model's
            ``backward`` refuses it if the model ran forward again after the
            prediction was made.
        """
        if self._grad is None:
            raise RuntimeError(self._no_gradient_message())
        grad: NDArray[np.float64] = self._grad.copy()
        if self._origin is not None:
            _stamps.mark(grad, self._origin)
        return grad

    def _no_gradient_message(self) -> str:
        if self._copied:
            return (
                f"{self!r}: this loss is a copy (copy.copy, copy.deepcopy or pickle) made after "
                f"it was called; a copy keeps no gradient, since it cannot tell which forward "
                f"pass its prediction came from (in another process the same pass number names "
                f"another pass), and a gradient from other data would be silently wrong. Call "
                f"loss(pred, target) on the copy first, or call backward() on the original."
            )
        return (
            f"{self!r}: backward() was called before the loss was computed. "
            f"Call loss(pred, target) first."
        )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if state.pop("_grad", None) is not None:  # the last call's gradient stays behind
            state["_copied"] = True
        state.pop("_origin", None)
        return state

    # Each loss is three small methods: the checks of its prediction and of its
    # target (``fit`` checks all targets once, then skips them), and the
    # value with its gradient, side by side.
    # Messages name the loss by its repr, built only when a check fails.
    def _check_prediction(self, p: NDArray[np.float64]) -> None:
        """Refuse predictions this loss cannot take (finiteness is checked before)."""

    def _target(self, target: ArrayLike, pred: NDArray[Any]) -> NDArray[Any]:
        """``target`` checked against the prediction, as the array ``_value_and_grad`` takes."""
        t = target
        if type(t) is not np.ndarray or t.dtype is not FLOAT64 or not all_finite(t):
            t = as_float_array(target, where=repr(self), name="target", hint=DATA_HINT)
        if t.shape != pred.shape:
            check_same_shape(pred, t, where=repr(self))
        return t

    def _value_and_grad(
        self, p: NDArray[np.float64], t: NDArray[np.float64]
    ) -> tuple[Any, NDArray[np.float64]]:
        """``(mean loss, dL/d p)`` for a checked prediction and target."""
        raise NotImplementedError  # pragma: no cover - abstract

    def _checked_value_and_grad(
        self, p: NDArray[np.float64], target: ArrayLike
    ) -> tuple[Any, NDArray[np.float64]]:
        """``(mean loss, dL/d p)`` for a checked prediction and a target not yet checked."""
        return self._value_and_grad(p, self._target(target, p))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MSELoss(Loss):
    """Mean squared error, averaged over *every* element (PyTorch's ``reduction="mean"``).

    ``L = mean((pred - target)**2)`` over all ``n * k`` values;
    ``dL/d pred = 2 (pred - target) / (n * k)``.
    Prediction and target must have the same shape, e.g. (n, 1) and (n, 1).
    """

    def _value_and_grad(
        self, p: NDArray[np.float64], t: NDArray[np.float64]
    ) -> tuple[Any, NDArray[np.float64]]:
        diff = p - t
        return np.mean(diff * diff), (2.0 / diff.size) * diff


class BCELoss(Loss):
    """Binary cross-entropy on probabilities, averaged over every element.

    ``L = -mean(t log p + (1 - t) log(1 - p))`` with ``p`` in [0, 1] (the output
    of a ``Sigmoid``) and targets ``t`` in [0, 1]. ``p`` is clipped to
    ``[eps, 1 - eps]`` (machine epsilon) so the value stays finite; prefer
    ``BCEWithLogitsLoss`` on the raw scores, which needs no clipping.
    """

    def _check_prediction(self, p: NDArray[np.float64]) -> None:
        if p.min() < 0.0 or p.max() > 1.0:
            raise ValueError(
                f"{self!r}: predictions must be probabilities in [0, 1], got values from "
                f"{p.min():g} to {p.max():g}. For raw scores (logits) use BCEWithLogitsLoss, "
                f"or put a Sigmoid() at the end of the model."
            )

    def _target(self, target: ArrayLike, pred: NDArray[Any]) -> NDArray[Any]:
        t = super()._target(target, pred)
        _check_unit_interval(t, loss=self)
        return t

    def _value_and_grad(
        self, p: NDArray[np.float64], t: NDArray[np.float64]
    ) -> tuple[Any, NDArray[np.float64]]:
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

    def _target(self, target: ArrayLike, pred: NDArray[Any]) -> NDArray[Any]:
        t = super()._target(target, pred)
        _check_unit_interval(t, loss=self)
        return t

    def _value_and_grad(
        self, z: NDArray[np.float64], t: NDArray[np.float64]
    ) -> tuple[Any, NDArray[np.float64]]:
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

    def _check_prediction(self, z: NDArray[np.float64]) -> None:
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

    def _value_and_grad(
        self, z: NDArray[np.float64], t: NDArray[Any]
    ) -> tuple[Any, NDArray[np.float64]]:
        n, k = z.shape
        if t.ndim == 1:  # integer labels: each example's own score, by its flat index
            own = _row_starts(n, k) + t
            if own.dtype.kind != "i":  # uint64 labels and int64 starts add up to floats
                own = _row_starts(n, k) + t.astype(np.intp)
            return _labels_value_and_grad(z, own)
        shifted = z - np.maximum.reduce(z, axis=1, keepdims=True)  # log-sum-exp trick
        grad = np.exp(shifted)
        total = np.add.reduce(grad, axis=1, keepdims=True)
        value = -np.sum(t * (shifted - np.log(total))) / n
        grad /= total  # softmax(z), in place
        grad -= t
        grad /= n
        return value, grad

    def _checked_value_and_grad(
        self, z: NDArray[np.float64], target: ArrayLike
    ) -> tuple[Any, NDArray[np.float64]]:
        n, k = z.shape
        if (
            type(target) is np.ndarray
            and target.ndim == 1
            and target.shape[0] == n
            and target.dtype.kind in "iu"
        ):
            try:  # the flat index of each example's own score checks that its label is in 0..k-1
                own = _ravel_multi_index((_rows(n), target), (n, k))
            except (ValueError, TypeError):
                pass  # some label is not: ``_target`` says which
            else:
                return _labels_value_and_grad(z, own)
        return self._value_and_grad(z, self._target(target, z))

    def _target(self, target: ArrayLike, pred: NDArray[Any]) -> NDArray[Any]:
        n, k = pred.shape
        if type(target) is np.ndarray and target.ndim == 1 and target.shape[0] == n:
            unsigned = _UNSIGNED.get(target.dtype)
            # One reduction checks both ends: a negative label read as unsigned is huge.
            if unsigned is not None and np.maximum.reduce(target.view(unsigned)) < k:
                return target
        return self._checked_target(target, n, k)

    def _checked_target(self, target: ArrayLike, n: int, k: int) -> NDArray[Any]:
        """Every check of the target, each with its message (raises for any wrong target)."""
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
            _check_unit_interval(t, loss=self)
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
                f"{int(raw.max()) + 1} outputs."
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


# Integer dtypes and the unsigned dtype of the same size, for the one-reduction label check.
_UNSIGNED = {
    np.dtype(signed): np.dtype(unsigned)
    for signed, unsigned in (
        (np.int8, np.uint8),
        (np.int16, np.uint16),
        (np.int32, np.uint32),
        (np.int64, np.uint64),
        (np.uint8, np.uint8),
        (np.uint16, np.uint16),
        (np.uint32, np.uint32),
        (np.uint64, np.uint64),
    )
}


def _labels_value_and_grad(
    z: NDArray[np.float64], own: NDArray[np.intp]
) -> tuple[Any, NDArray[np.float64]]:
    """``(mean loss, dL/dz)`` for logits ``z`` (n, k) and the flat index of each example's class.

    ``own[i]`` is ``i * k + label[i]``: one flat index instead of ``(rows, labels)`` reaches the
    same entries in fewer steps for numpy.
    """
    n = z.shape[0]
    # the ufuncs' own reductions: the same sums as z.max() and e.sum(), one call fewer
    shifted = z - np.maximum.reduce(z, axis=1, keepdims=True)  # log-sum-exp trick
    grad = np.exp(shifted)
    total = np.add.reduce(grad, axis=1, keepdims=True)
    grad /= total  # softmax(z), in place
    value = np.add.reduce(np.log(total.ravel()) - shifted.ravel()[own]) / n  # -log p of its class
    grad.ravel()[own] -= 1.0  # a view: ``grad`` is a new contiguous array
    grad /= n
    return value, grad


# ``np.ravel_multi_index`` without numpy's ``__array_function__`` dispatch (plain arrays only).
_ravel_multi_index = getattr(np.ravel_multi_index, "_implementation", np.ravel_multi_index)

_rows_kept = np.arange(0)


def _rows(n: int) -> NDArray[np.intp]:
    """``np.arange(n)``, read-only, kept from the last call with the same ``n``."""
    global _rows_kept
    if _rows_kept.shape[0] != n:
        rows = np.arange(n)
        rows.flags.writeable = False
        _rows_kept = rows
    return _rows_kept


_starts = (0, 0, np.arange(0))


def _row_starts(n: int, k: int) -> NDArray[np.intp]:
    """``np.arange(n) * k``, read-only, kept from the last call with the same ``n`` and ``k``.

    Where each row of an (n, k) array starts in the flattened array.
    """
    global _starts
    if _starts[0] != n or _starts[1] != k:
        starts = np.arange(n) * k
        starts.flags.writeable = False
        _starts = (n, k, starts)
    return _starts[2]


def _check_unit_interval(t: NDArray[np.float64], *, loss: Loss) -> None:
    if t.min() < 0.0 or t.max() > 1.0:
        raise ValueError(
            f"{loss!r}: targets must lie in [0, 1] (class labels 0 and 1, or probabilities), "
            f"got values from {t.min():g} to {t.max():g}."
        )
