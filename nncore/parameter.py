"""``Parameter``: a trainable array and the gradient that training fills in."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

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
    """

    def __init__(self, data: ArrayLike, name: str = "parameter") -> None:
        self._data = np.array(as_float_array(data, where=f"Parameter {name!r}", name="data"))
        self._grad = np.zeros_like(self._data)
        self.name = name

    @property
    def data(self) -> np.ndarray:
        """The values, float64. Assigning copies new values in, keeping the shape."""
        return self._data

    @data.setter
    def data(self, values: ArrayLike) -> None:
        if values is not self._data:  # ``p.data -= step`` assigns the same array back
            self._data[...] = self._checked(values, "data")

    @property
    def grad(self) -> np.ndarray:
        """``dL/d data``; assigning ``None`` sets it to zeros, as ``zero_grad()`` does."""
        return self._grad

    @grad.setter
    def grad(self, values: ArrayLike | None) -> None:
        if values is None:  # PyTorch's "no gradient yet": here, zeros of the same shape
            self._grad.fill(0.0)
        elif values is not self._grad:  # ``p.grad += g`` assigns the same array back
            self._grad[...] = self._checked(values, "grad")

    def _checked(self, values: ArrayLike, what: str) -> np.ndarray:
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
        """Set ``grad`` to zeros in place."""
        self._grad.fill(0.0)

    def __repr__(self) -> str:
        return f"Parameter(name={self.name!r}, shape={self.data.shape})"
