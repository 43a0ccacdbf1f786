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
        (for example in a figure) see every update.
    grad : numpy.ndarray
        ``dL/d data``, same shape as ``data``; zeros until the first backward
        pass. Backward passes *add* to it, as in PyTorch: call ``zero_grad()``
        (or the optimiser's) before each new backward pass.
    """

    def __init__(self, data: ArrayLike, name: str = "parameter") -> None:
        self.data = np.array(as_float_array(data, where=f"Parameter {name!r}", name="data"))
        self.grad = np.zeros_like(self.data)
        self.name = name

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
        self.grad.fill(0.0)

    def __repr__(self) -> str:
        return f"Parameter(name={self.name!r}, shape={self.data.shape})"
