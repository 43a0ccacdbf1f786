"""Layers: ``Linear`` and the activation functions, each a ``Module``.

Every layer has ``forward(x)`` (also ``layer(x)``), which keeps what its
backward pass needs, and ``backward(grad_output)``, which takes ``dL/d output``
and returns ``dL/d input``, adding ``dL/d parameter`` to each parameter's
``.grad``. The forward and backward rules of each layer sit side by side.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
from numpy.typing import ArrayLike

from . import functional as F
from . import init as init_
from ._checks import as_float_array, as_rng, check_number, check_size
from .parameter import Parameter

__all__ = [
    "Module",
    "Linear",
    "ReLU",
    "LeakyReLU",
    "Sigmoid",
    "Tanh",
    "Identity",
    "Softmax",
]


class Module:
    """Base class of layers and containers, as ``torch.nn.Module``."""

    def __call__(self, x: ArrayLike) -> np.ndarray:
        return self.forward(x)

    def forward(self, x: ArrayLike) -> np.ndarray:  # pragma: no cover - abstract
        """Compute the output for input ``x`` and keep what backward needs.

        Parameters
        ----------
        x : array_like, shape (n, in_features) or (in_features,)
            Activation layers accept any shape.

        Returns
        -------
        numpy.ndarray
            Shape (n, out_features) or (out_features,); an activation keeps the shape of ``x``.
        """
        raise NotImplementedError

    def _forward_checked(self, x: np.ndarray) -> np.ndarray:
        """``forward`` for an input already known to be a finite float64 array.

        ``Sequential`` calls it for every layer after the first, whose input was
        made inside the model; layers skip the checks of their input it allows.
        """
        return self.forward(x)

    def backward(self, grad_output: ArrayLike) -> np.ndarray:  # pragma: no cover - abstract
        """Return ``dL/d input`` given ``dL/d output``; accumulate parameter gradients.

        Parameters
        ----------
        grad_output : array_like, shape of the last forward output

        Returns
        -------
        numpy.ndarray
            ``dL/d input``, the shape of the last forward input.
        """
        raise NotImplementedError

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(name, parameter)`` pairs; layers without parameters yield none."""
        return iter(())

    def parameters(self) -> list[Parameter]:
        """The trainable parameters, weight before bias."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to zeros."""
        for p in self.parameters():
            p.zero_grad()

    def _saved(self, value):
        if value is None:
            raise RuntimeError(
                f"{self!r}: backward() was called before forward(). Run a forward pass "
                f"(layer(x)) first; backward uses what that pass kept."
            )
        return value

    def _grad(self, grad_output: ArrayLike, shape: tuple[int, ...]) -> np.ndarray:
        if isinstance(grad_output, np.ndarray) and grad_output.dtype == np.float64:
            g = grad_output  # passed on between layers: already checked where it began
        else:
            g = as_float_array(grad_output, where=f"{self!r}.backward", name="gradient")
        if g.shape != shape:
            raise ValueError(
                f"{self!r}.backward: expected a gradient of shape {shape} (the shape of the "
                f"last forward output), got {g.shape}."
            )
        return g


class Linear(Module):
    """A fully connected layer: ``y = x @ W.T + b``.

    Parameters
    ----------
    in_features : int
        Size of each input, ``n_in``.
    out_features : int
        Number of units, ``n_out``.
    weight_init, bias_init : nncore.init.Initializer, optional
        How to fill the weight and the bias. Both default to
        ``init.fan_in_uniform()``, PyTorch's default.
    rng : numpy.random.Generator or int, optional
        Source of randomness for the initialisers (a seed is accepted). Pass
        one for reproducible weights; ``None`` draws a fresh, unseeded one.

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_features, in_features)``: row ``i`` holds the weights of
        unit ``i``, so the assignment's ``W^(1)`` in R^{2x4} is ``Linear(4, 2).weight``.
    bias : Parameter
        Shape ``(out_features,)``.

    Notes
    -----
    ``forward`` takes a batch of shape ``(n, in_features)`` and returns
    ``(n, out_features)``; a single example of shape ``(in_features,)`` gives
    ``(out_features,)``, as in PyTorch.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        weight_init: init_.Initializer | None = None,
        bias_init: init_.Initializer | None = None,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        where = "Linear"
        self.in_features = check_size(in_features, where=where, name="in_features")
        self.out_features = check_size(out_features, where=where, name="out_features")
        gen = as_rng(rng, where=where)
        weight_init = weight_init or init_.fan_in_uniform()
        bias_init = bias_init or init_.fan_in_uniform()
        fans = dict(fan_in=self.in_features, fan_out=self.out_features, rng=gen)
        self.weight = Parameter(
            weight_init((self.out_features, self.in_features), **fans), name="weight"
        )
        self.bias = Parameter(bias_init((self.out_features,), **fans), name="bias")
        self._x: np.ndarray | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Return ``x @ W.T + b``.

        Parameters
        ----------
        x : array_like, shape (n, in_features) or (in_features,)

        Returns
        -------
        numpy.ndarray, shape (n, out_features) or (out_features,)
        """
        return self._forward_checked(as_float_array(x, where=repr(self)))

    def _forward_checked(self, x: np.ndarray) -> np.ndarray:
        if x.ndim not in (1, 2) or x.shape[-1] != self.in_features:
            raise ValueError(
                f"{self!r}: expected an input of shape (n, {self.in_features}) or "
                f"({self.in_features},), got {x.shape}. The last axis must hold the "
                f"{self.in_features} features of each example"
                + (
                    f"; did you mean x.T (shape {x.T.shape})?"
                    if x.ndim == 2 and x.shape[0] == self.in_features
                    else "."
                )
            )
        self._x = x
        return x @ self.weight.data.T + self.bias.data

    def backward(self, grad_output: ArrayLike) -> np.ndarray:
        """Accumulate ``dL/dW = g.T @ x`` and ``dL/db = sum(g)``; return ``g @ W``.

        Parameters
        ----------
        grad_output : array_like, shape (n, out_features) or (out_features,)
            ``dL/dy`` for the last forward pass.

        Returns
        -------
        numpy.ndarray, shape (n, in_features) or (in_features,)
            ``dL/dx``.
        """
        x = self._saved(self._x)
        g = self._grad(grad_output, x.shape[:-1] + (self.out_features,))
        if x.ndim == 1:
            self.weight.grad += np.outer(g, x)
            self.bias.grad += g
        else:
            self.weight.grad += g.T @ x
            self.bias.grad += g.sum(axis=0)
        return g @ self.weight.data

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        yield "weight", self.weight
        yield "bias", self.bias

    def __repr__(self) -> str:
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"


class _Elementwise(Module):
    """An activation applied to each value independently."""

    def __init__(self) -> None:
        self._saved_value: np.ndarray | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        return self._forward_checked(as_float_array(x, where=repr(self)))

    def _forward_checked(self, x: np.ndarray) -> np.ndarray:
        out, self._saved_value = self._forward(x)
        return out

    def backward(self, grad_output: ArrayLike) -> np.ndarray:
        saved = self._saved(self._saved_value)
        return self._backward(self._grad(grad_output, saved.shape), saved)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(_Elementwise):
    """``max(0, z)``. Its derivative is 1 for z > 0 and 0 for z <= 0.

    At exactly z = 0 the derivative is taken as 0, as in PyTorch.
    Input and output have the same (any) shape.
    """

    def _forward(self, z):
        return F.relu(z), z > 0

    def _backward(self, g, active):
        return g * active


class LeakyReLU(_Elementwise):
    """``z`` for z > 0 and ``negative_slope * z`` otherwise.

    Parameters
    ----------
    negative_slope : float, default 0.01
        Slope for z <= 0; the gradient never vanishes when it is not 0.
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = check_number(
            negative_slope, where="LeakyReLU", name="negative_slope"
        )

    def _forward(self, z):
        slope = np.where(z > 0, 1.0, self.negative_slope)
        return z * slope, slope

    def _backward(self, g, slope):
        return g * slope

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope:g})"


class Sigmoid(_Elementwise):
    """The logistic function ``1 / (1 + exp(-z))``, stable for any input size.

    Its derivative is ``s * (1 - s)`` with ``s`` the output.
    """

    def _forward(self, z):
        s = F.sigmoid(z)
        return s, s

    def _backward(self, g, s):
        return g * s * (1.0 - s)


class Tanh(_Elementwise):
    """``tanh(z)``; derivative ``1 - tanh(z)**2``."""

    def _forward(self, z):
        t = np.tanh(z)
        return t, t

    def _backward(self, g, t):
        return g * (1.0 - t * t)


class Identity(_Elementwise):
    """``z`` unchanged; derivative 1. A linear output layer."""

    def _forward(self, z):
        return z, z

    def _backward(self, g, z):
        return g


class Softmax(_Elementwise):
    """Softmax over the last axis: each row becomes probabilities summing to 1.

    For classification, prefer a linear output with ``CrossEntropyLoss``,
    which applies log-softmax itself in a stabler way.
    """

    def _forward(self, z):
        s = F.softmax(z, axis=-1)
        return s, s

    def _backward(self, g, s):
        return s * (g - np.sum(g * s, axis=-1, keepdims=True))
