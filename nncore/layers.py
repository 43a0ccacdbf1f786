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
from numpy.typing import NDArray

from . import _stamps
from . import functional as F
from . import init as init_
from ._checks import as_rng, check_number, check_size
from ._module import Module
from .parameter import Parameter

Array = NDArray[np.float64]

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
        self._in = check_size(in_features, where=where, name="in_features")
        self._out = check_size(out_features, where=where, name="out_features")
        gen = as_rng(rng, where=where)
        fans = dict(fan_in=self._in, fan_out=self._out, rng=gen)
        weight = _initial(weight_init, "weight_init", (self._out, self._in), fans)
        self._weight = Parameter(weight, name="weight")
        self._bias = Parameter(_initial(bias_init, "bias_init", (self._out,), fans), name="bias")

    # forward: y = x @ W.T + b, keeping x  |  backward: dW += g.T @ x, db += sum(g), dx = g @ W
    def _forward(self, x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if x.ndim not in (1, 2):
            raise ValueError(_input_shape_message(self, x.shape))
        try:  # the product checks the last axis itself, without building x.shape
            out = x @ self._weight._data.T
        except ValueError:
            raise ValueError(_input_shape_message(self, x.shape)) from None
        out += self._bias._data  # in place: one array fewer, the same values
        return out, x

    def _backward(self, g: NDArray[np.float64], x: NDArray[np.float64]) -> NDArray[np.float64]:
        self._grads_only(g, x)
        return g @ self._weight._data

    def _grads_only(self, g: NDArray[np.float64], x: NDArray[np.float64]) -> None:
        if x.ndim == 1:
            self._weight._add(np.outer(g, x))
            self._bias._add(g)
        else:
            self._weight._add_matmul(g.T, x)
            self._bias._add_column_sums(g)

    # ------------------------------------------------------------ parameters and sizes
    @property
    def weight(self) -> Parameter:
        """The weight, shape (out_features, in_features); replace it only by a Parameter."""
        return self._weight

    @weight.setter
    def weight(self, value: Parameter) -> None:
        self._weight = self._replacement(value, "weight", self._weight)

    @property
    def bias(self) -> Parameter:
        """The bias, shape (out_features,); replace it only by a Parameter."""
        return self._bias

    @bias.setter
    def bias(self, value: Parameter) -> None:
        self._bias = self._replacement(value, "bias", self._bias)

    def _replacement(self, value: Any, name: str, old: Parameter) -> Parameter:
        """``value`` checked as the new ``weight`` or ``bias``; a replacement counts as a change."""
        if not isinstance(value, Parameter):
            got = (
                f"a numpy.ndarray of shape {value.shape}"
                if isinstance(value, np.ndarray)
                else f"a {type(value).__name__}"
            )
            raise TypeError(
                f"{self!r}: {name} must be an nc.Parameter, got {got}. To set its values, "
                f"write them in place: layer.{name}.data[...] = values (shape {old.shape}); "
                f"to use a new parameter, wrap the values: layer.{name} = nc.Parameter(values)."
            )
        if value.shape != old.shape:
            n_out, n_in = value.shape if name == "weight" else (*value.shape, self._in)
            raise ValueError(
                f"{self!r}: {name} must have shape {old.shape}, got a Parameter of shape "
                f"{value.shape}. For another size, build a new layer: nc.Linear({n_in}, {n_out})."
                if len(value.shape) == len(old.shape)
                else f"{self!r}: {name} must have shape {old.shape}, got a Parameter of shape "
                f"{value.shape}."
            )
        if value is not old:
            if value.name == "parameter":  # no name of its own: take the one it replaces
                value.name = old.name
            value._written = _stamps.new_write()
        return value

    @property
    def in_features(self) -> int:
        """Size of each input, ``n_in``; fixed when the layer is built."""
        return self._in

    @in_features.setter
    def in_features(self, value: int) -> None:
        self._refuse_resize("in_features", value)

    @property
    def out_features(self) -> int:
        """Number of units, ``n_out``; fixed when the layer is built."""
        return self._out

    @out_features.setter
    def out_features(self, value: int) -> None:
        self._refuse_resize("out_features", value)

    def _refuse_resize(self, name: str, value: Any) -> None:
        sizes = (value, self._out) if name == "in_features" else (self._in, value)
        raise AttributeError(
            f"{self!r}: {name} is fixed by the weight's shape {self._weight.shape}. For "
            f"another size, build a new layer, for example nc.Linear({sizes[0]}, {sizes[1]})."
        )

    def zero_grad(self) -> None:
        """Set the weight's and the bias's ``.grad`` to zeros."""
        self._weight._zero_pending = True  # what Parameter.zero_grad does, one call fewer
        self._bias._zero_pending = True

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Yield ``("weight", weight)`` then ``("bias", bias)``.

        Yields
        ------
        name : str
            ``"weight"`` or ``"bias"``.
        parameter : Parameter
            The weight, shape (out_features, in_features), or the bias, shape (out_features,).
        """
        yield "weight", self._weight
        yield "bias", self._bias

    def __repr__(self) -> str:
        return f"Linear(in_features={self._in}, out_features={self._out})"


def _input_shape_message(layer: Linear, shape: tuple[int, ...]) -> str:
    """What ``layer`` expected, what it got and, where there is one, the likely fix."""
    n = layer.in_features
    if len(shape) == 2 and shape[0] == n:
        hint = f"; did you mean x.T (shape {shape[::-1]})?"
    elif not shape:
        hint = (
            ". A single number has no axis: pass [x] (shape (1,)) for one example with one feature."
            if n == 1
            else f". A single number has no axis: pass the {n} features of an example as a "
            f"list [x1, ..., x{n}] (shape ({n},))."
        )
    else:
        hint = "."
    return (
        f"{layer!r}: expected an input of shape (n, {n}) or ({n},), got {shape}. The last "
        f"axis must hold the {n} features of each example{hint}"
    )


class _Elementwise(Module):
    """An activation applied to each value independently.

    Each subclass is its ``_forward(z) -> (output, saved)`` and
    ``_backward(g, saved) -> dL/dz``, side by side. None keeps its input
    array (only values computed from it), so the input needs no private copy.
    A single number is taken as a 0-d array, as in PyTorch.
    """

    _saves_input = False

    def zero_grad(self) -> None:
        """Do nothing: an activation has no parameters."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(_Elementwise):
    """``max(0, z)``. Its derivative is 1 for z > 0 and 0 for z <= 0.

    At exactly z = 0 the derivative is taken as 0, as in PyTorch.
    Input and output have the same (any) shape.
    """

    def _forward(self, z: Array) -> tuple[Array, Array]:
        # the derivative as 1.0 and 0.0: multiplying by floats is cheaper than by booleans,
        # which numpy converts on every backward pass; the products are the same
        return F.relu(z), (z > 0).astype(np.float64)

    def _backward(self, g: Array, slope: Array) -> Array:
        return g * slope


class LeakyReLU(_Elementwise):
    """``z`` for z > 0 and ``negative_slope * z`` otherwise.

    Parameters
    ----------
    negative_slope : float, default 0.01
        Slope for z <= 0; the gradient never vanishes when it is not 0.
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = negative_slope

    @property
    def negative_slope(self) -> float:
        """Slope for z <= 0, a finite number (checked whenever it is set)."""
        return self._slope

    @negative_slope.setter
    def negative_slope(self, value: float) -> None:
        self._slope = check_number(value, where="LeakyReLU", name="negative_slope")

    def _forward(self, z: Array) -> tuple[Array, Array]:
        slope = np.where(z > 0, 1.0, self._slope)
        return z * slope, slope

    def _backward(self, g: Array, slope: Array) -> Array:
        return g * slope

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope:g})"


class Sigmoid(_Elementwise):
    """The logistic function ``1 / (1 + exp(-z))``, stable for any input size.

    Its derivative is ``s * (1 - s)`` with ``s`` the output.
    """

    _saves_output = True

    def _forward(self, z: Array) -> tuple[Array, Array]:
        s = F.sigmoid(z)
        return s, s

    def _backward(self, g: Array, s: Array) -> Array:
        return g * s * (1.0 - s)


class Tanh(_Elementwise):
    """``tanh(z)``; derivative ``1 - tanh(z)**2``."""

    _saves_output = True

    def _forward(self, z: Array) -> tuple[Array, Array]:
        t = np.tanh(z)
        return t, t

    def _backward(self, g: Array, t: Array) -> Array:
        return g * (1.0 - t * t)


class Identity(_Elementwise):
    """``z`` unchanged (as a new array); derivative 1. A linear output layer."""

    def _forward(self, z: Array) -> tuple[Array, None]:
        return z.copy(), None

    def _backward(self, g: Array, z: None) -> Array:
        return g


class Softmax(_Elementwise):
    """Softmax over the last axis: each row becomes probabilities summing to 1.

    For classification, prefer a linear output with ``CrossEntropyLoss``,
    which applies log-softmax itself in a stabler way.
    """

    _saves_output = True

    def _forward(self, z: Array) -> tuple[Array, Array]:
        if z.ndim and z.shape[-1] == 0:
            raise ValueError(
                f"{self!r}: expected at least one value along the last axis (the scores it "
                f"turns into probabilities), got shape {z.shape}, with no values there. Check "
                f"the layer before it has at least one output."
            )
        s = F.softmax(z, axis=-1)
        return s, s

    def _backward(self, g: Array, s: Array) -> Array:
        if s.ndim == 0:  # the softmax of a single number is 1 whatever the number
            return g * 0.0
        along: Array = np.sum(g * s, axis=-1, keepdims=True)
        return s * (g - along)


def _initial(
    init: Any, name: str, shape: tuple[int, ...], fans: dict[str, Any]
) -> NDArray[np.float64]:
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
