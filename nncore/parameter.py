"""``Parameter``: a trainable array and the gradient that training fills in."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _stamps
from ._checks import as_float_array


class Parameter:
    """A trainable array with its gradient, as ``torch.nn.Parameter``.

    Parameters
    ----------
    data : array_like
        Initial values, any shape. Copied into a new float64 array.
    name : str, optional
        A readable name used in ``repr`` and messages, such as ``"0.weight"``.

    Attributes
    ----------
    data : numpy.ndarray
        The values, float64. Optimisers edit it in place, so references to it
        (for example in a figure) see every update; ``p.data = values`` copies
        new values of the same shape in (a list or integers are converted).
    grad : numpy.ndarray
        ``dL/d data``, same shape as ``data``; zeros until the first backward
        pass. Backward passes *add* to it, as in PyTorch: call ``zero_grad()``
        (or the optimiser's) before each new backward pass. ``p.grad = None``
        does the same.

    Notes
    -----
    **Changes between a forward and its backward pass.** As PyTorch's version
    counter does, a backward pass refuses a parameter whose values changed
    after the forward pass it belongs to, since the saved activations belong
    to the old values. These changes are detected: assigning ``p.data = v``;
    augmented assignment ``p.data += v`` (also ``-=``, ``*=``, ``/=``...,
    which Python ends with an assignment to ``p.data``); an optimiser's
    ``step()``; ``load_state_dict``; replacing the parameter
    (``layer.weight = nc.Parameter(...)``). These are *not* detected, because
    numpy reports no write to an array: element or slice writes
    (``p.data[0] = 1``, ``p.data[...] = v``, ``np.copyto(p.data, v)``) and
    writes through another reference (``w = p.data; w += 1``). Changes to
    ``grad`` are never refused.

    **Zeroing is lazy.** ``zero_grad()`` only marks the gradient as zero; the
    zeros are written when ``p.grad`` is next read, or a backward pass writes
    its gradient over the old values instead of adding to zeros. Read
    ``p.grad`` again after ``zero_grad()`` rather than keeping an older
    reference, as in PyTorch, where ``zero_grad()`` sets ``grad`` to ``None``.
    """

    def __init__(self, data: ArrayLike, name: str = "parameter") -> None:
        self._data = np.array(as_float_array(data, where=f"Parameter {name!r}", name="data"))
        self._grad = np.zeros_like(self._data)
        self._zero_pending = False  # True: ``_grad`` stands for zeros, whatever it holds
        self._written = 0  # when the values last changed through the API (see ``_stamps``)
        self.name = name

    @property
    def data(self) -> NDArray[np.float64]:
        """The values, float64. Assigning copies new values in, keeping the shape."""
        return self._data

    @data.setter
    def data(self, values: ArrayLike) -> None:
        if values is not self._data:  # ``p.data -= step`` assigns the same array back
            self._data[...] = self._checked(values, "data")
        self._written = _stamps.new_write()

    @property
    def grad(self) -> NDArray[np.float64]:
        """``dL/d data``; assigning ``None`` sets it to zeros, as ``zero_grad()`` does."""
        if self._zero_pending:
            self._grad.fill(0.0)
            self._zero_pending = False
        return self._grad

    @grad.setter
    def grad(self, values: ArrayLike | None) -> None:
        if values is None:  # PyTorch's "no gradient yet": here, zeros of the same shape
            self._zero_pending = True
        elif values is not self._grad:  # ``p.grad += g`` assigns the same array back
            self._grad[...] = self._checked(values, "grad")
            self._zero_pending = False

    def _checked(self, values: ArrayLike, what: str) -> NDArray[np.float64]:
        arr = as_float_array(values, where=f"Parameter {self.name!r}", name=what)
        if arr.shape != self._data.shape:
            raise ValueError(
                f"Parameter {self.name!r}: {what} must keep the shape {self._data.shape}, got "
                f"{arr.shape}. Assign values of that shape (p.{what} = new_values), or build a "
                f"new layer for a different size."
            )
        return arr

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of ``data``."""
        return self.data.shape

    @property
    def size(self) -> int:
        """Number of scalar values in ``data``."""
        return self.data.size

    def zero_grad(self) -> None:
        """Set ``grad`` to zeros (in place, when it is next read or written)."""
        self._zero_pending = True

    # Backward passes add their gradients through these: after ``zero_grad()`` they
    # write the gradient directly, which saves filling zeros and adding to them.
    def _add(self, g: NDArray[np.floating[Any]]) -> None:
        """``grad += g``."""
        if self._zero_pending:
            self._grad[...] = g
            self._zero_pending = False
        else:
            self._grad += g

    def _add_matmul(self, a: NDArray[np.float64], b: NDArray[np.float64]) -> None:
        """``grad += a @ b``."""
        if self._zero_pending:
            np.matmul(a, b, out=self._grad)
            self._zero_pending = False
        else:
            self._grad += a @ b

    def _add_column_sums(self, g: NDArray[np.float64]) -> None:
        """``grad += g.sum(axis=0)``."""
        if self._zero_pending:
            np.add.reduce(g, axis=0, out=self._grad)
            self._zero_pending = False
        else:
            self._grad += np.add.reduce(g, axis=0)

    def __getstate__(self) -> dict[str, object]:
        # A copy or an unpickled parameter has had no change since any forward pass of the
        # process it lands in: its write number from another process would mean nothing.
        return {**self.__dict__, "_written": 0}

    def __repr__(self) -> str:
        return f"Parameter(name={self.name!r}, shape={self.data.shape})"
