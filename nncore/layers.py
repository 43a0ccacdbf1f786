"""Layers: ``Linear`` and the activation functions, each a ``Module``.

Every layer has ``forward(x)`` (also ``layer(x)``), which keeps what its
backward pass needs, and ``backward(grad_output)``, which takes ``dL/d output``
and returns ``dL/d input``, adding ``dL/d parameter`` to each parameter's
``.grad``. The forward and backward rules of each layer sit side by side.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _stamps
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
    """Base class of layers and containers, as ``torch.nn.Module``.

    A layer writes its rule as two side-by-side methods: ``_forward(x)``
    returns the output and what the backward pass will need, and
    ``_backward(g, saved)`` turns ``dL/d output`` into ``dL/d input``. The
    public ``forward``/``backward`` add what every layer shares: input checks,
    a private copy of the input, and a check that a backward pass belongs to
    the latest forward pass.
    """

    _state: tuple[int, tuple[int, ...], Any] | None = None  # (stamp, output shape, saved)
    _saves_output = False  # True when ``saved`` is the output array itself

    def __call__(self, x: ArrayLike) -> np.ndarray:
        return self.forward(x)

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Compute the output for input ``x`` and keep what backward needs.

        Parameters
        ----------
        x : array_like, shape (n, in_features) or (in_features,)
            Activation layers accept any shape.

        Returns
        -------
        numpy.ndarray
            Shape (n, out_features) or (out_features,); an activation keeps the
            shape of ``x``. A new array: editing it (or ``x``) afterwards does
            not change the gradients of the next backward pass.
        """
        arr = self._check_input(x)
        if arr is x or not arr.flags.owndata:  # the caller's memory: keep a private copy
            arr = arr.copy()
        out, saved = self._forward(arr)
        if self._saves_output:
            out = out.copy()
        stamp = _stamps.new_stamp()
        self._state = (stamp, out.shape, saved)
        _stamps.mark(out, stamp)
        return out

    def backward(self, grad_output: ArrayLike) -> np.ndarray:
        """Return ``dL/d input`` given ``dL/d output``; accumulate parameter gradients.

        Parameters
        ----------
        grad_output : array_like, shape of the last forward output

        Returns
        -------
        numpy.ndarray
            ``dL/d input``, the shape of the last forward input.
        """
        stamp, shape, saved = self._pending(grad_output)
        return self._backward(self._grad(grad_output, shape), saved)

    def _check_input(self, x: ArrayLike) -> np.ndarray:
        return as_float_array(x, where=repr(self))

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, Any]:
        """``(output, saved)`` for a checked float64 input; changes nothing in ``self``."""
        if type(self).forward is Module.forward:  # pragma: no cover - abstract
            raise NotImplementedError(f"{type(self).__name__} must define _forward or forward")
        return self.forward(x), None  # a subclass that overrides forward/backward itself

    def _backward(self, g: np.ndarray, saved: Any) -> np.ndarray:
        """``dL/d input`` from ``dL/d output`` and what ``_forward`` saved."""
        if type(self).backward is Module.backward:  # pragma: no cover - abstract
            raise NotImplementedError(f"{type(self).__name__} must define _backward or backward")
        return self.backward(g)

    def _grads_only(self, g: np.ndarray, saved: Any) -> None:
        """Accumulate the parameter gradients; ``fit`` needs no ``dL/dx`` for the data."""
        self._backward(g, saved)

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Iterate over ``(name, parameter)`` pairs; layers without parameters have none.

        Returns
        -------
        iterator of (str, Parameter)
            ``("weight", w)`` then ``("bias", b)`` for a layer with parameters.
        """
        return iter(())

    def parameters(self) -> list[Parameter]:
        """List the trainable parameters, weight before bias, each once.

        Returns
        -------
        list of Parameter
            Empty for a layer without parameters.
        """
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to zeros."""
        for p in self.parameters():
            p.zero_grad()

    def _pending(self, grad_output: object) -> tuple[int, tuple[int, ...], Any]:
        """The state of the last forward pass, checked against ``grad_output``'s origin."""
        if self._state is None:
            raise RuntimeError(
                f"{self._name()}: backward() was called before forward(). Run a forward pass "
                f"(layer(x)) first; backward uses what that pass kept."
            )
        if isinstance(self._state, str):
            raise RuntimeError(self._state)
        origin = _stamps.stamp_of(grad_output)
        if origin is not None and origin != self._state[0]:
            raise RuntimeError(
                f"{self._name()}.backward: this gradient comes from a loss computed on the output "
                f"of an earlier forward pass, but the model has run forward again since "
                f"then, so the values it saved belong to the newer input and the gradients "
                f"would be wrong. Call model(x) again right before computing the loss and "
                f"calling backward, or use model.trace(x) to look inside without disturbing "
                f"a pending backward pass."
            )
        return self._state

    def _name(self) -> str:
        """How messages name this module: its repr (one line)."""
        return repr(self)

    def _grad(self, grad_output: ArrayLike, shape: tuple[int, ...]) -> np.ndarray:
        g = as_float_array(grad_output, where=f"{self._name()}.backward", name="gradient")
        if g.shape != shape:
            raise ValueError(
                f"{self._name()}.backward: expected a gradient of shape {shape} (the shape of the "
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
        fans = dict(fan_in=self.in_features, fan_out=self.out_features, rng=gen)
        weight = _initial(weight_init, "weight_init", (self.out_features, self.in_features), fans)
        self.weight = Parameter(weight, name="weight")
        self.bias = Parameter(
            _initial(bias_init, "bias_init", (self.out_features,), fans), name="bias"
        )

    # forward: y = x @ W.T + b, keeping x  |  backward: dW += g.T @ x, db += sum(g), dx = g @ W
    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
        return x @ self.weight.data.T + self.bias.data, x

    def _backward(self, g: np.ndarray, x: np.ndarray) -> np.ndarray:
        self._grads_only(g, x)
        return g @ self.weight.data

    def _grads_only(self, g: np.ndarray, x: np.ndarray) -> None:
        if x.ndim == 1:
            self.weight.grad += np.outer(g, x)
            self.bias.grad += g
        else:
            self.weight.grad += g.T @ x
            self.bias.grad += g.sum(axis=0)

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Yield ``("weight", weight)`` then ``("bias", bias)``.

        Yields
        ------
        name : str
            ``"weight"`` or ``"bias"``.
        parameter : Parameter
            The weight, shape (out_features, in_features), or the bias, shape (out_features,).
        """
        yield "weight", self.weight
        yield "bias", self.bias

    def __repr__(self) -> str:
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"


class _Elementwise(Module):
    """An activation applied to each value independently.

    Each subclass is its ``_forward(z) -> (output, saved)`` and
    ``_backward(g, saved) -> dL/dz``, side by side.
    """

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
        self.negative_slope = check_number(negative_slope, where="LeakyReLU", name="negative_slope")

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

    _saves_output = True

    def _forward(self, z):
        s = F.sigmoid(z)
        return s, s

    def _backward(self, g, s):
        return g * s * (1.0 - s)


class Tanh(_Elementwise):
    """``tanh(z)``; derivative ``1 - tanh(z)**2``."""

    _saves_output = True

    def _forward(self, z):
        t = np.tanh(z)
        return t, t

    def _backward(self, g, t):
        return g * (1.0 - t * t)


class Identity(_Elementwise):
    """``z`` unchanged (as a new array); derivative 1. A linear output layer."""

    def _forward(self, z):
        return z.copy(), None

    def _backward(self, g, z):
        return g


class Softmax(_Elementwise):
    """Softmax over the last axis: each row becomes probabilities summing to 1.

    For classification, prefer a linear output with ``CrossEntropyLoss``,
    which applies log-softmax itself in a stabler way.
    """

    _saves_output = True

    def _forward(self, z):
        s = F.softmax(z, axis=-1)
        return s, s

    def _backward(self, g, s):
        return s * (g - np.sum(g * s, axis=-1, keepdims=True))


def _initial(init: Any, name: str, shape: tuple[int, ...], fans: dict) -> np.ndarray:
    """The array ``init`` fills for ``shape``, or a clear error for anything but an initialiser."""
    if init is None:
        init = init_.fan_in_uniform()
    if getattr(init, "__module__", None) == init_.__name__ and not isinstance(
        init, init_.Initializer
    ):
        raise TypeError(
            f"Linear: {name} must be an initialiser, got the function nc.init.{init.__name__} "
            f"itself. Call it: {name}=nc.init.{init.__name__}(...), for example "
            f"nc.init.zeros() or nc.init.uniform(-0.05, 0.05)."
        )
    if not callable(init):
        hint = (
            f" For every value equal to {init!r} use {name}=nc.init.constant({init!r})."
            if isinstance(init, (int, float)) and not isinstance(init, bool)
            else ""
        )
        raise TypeError(
            f"Linear: {name} must be an initialiser such as nc.init.zeros() or "
            f"nc.init.uniform(-0.05, 0.05), got {init!r} of type {type(init).__name__}.{hint}"
        )
    values = np.asarray(init(shape, **fans))
    if values.shape != shape:
        raise ValueError(
            f"Linear: {name} {init!r} returned an array of shape {values.shape}, but the "
            f"parameter needs shape {shape}. An initialiser must return a new array of the "
            f"shape it is given."
        )
    return values
