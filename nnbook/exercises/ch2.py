"""Chapter 2's coding exercises: the 4-2-3-1 forward pass in numpy, and counting parameters.

Each exercise is a table (:mod:`nnbook.exercises.table`): its cases, and the typical wrong
answers with the hint each one gets. Expected values come from nncore: a
``nc.mlp([4, 2, 3, 1])`` model's :meth:`~nncore.Sequential.forward_trace` and
``nc.count_parameters``.
"""

from __future__ import annotations

import numpy as np

import nncore as nc

from .table import Case, ExerciseTable, Function, Mistake, Output

__all__ = ["check_forward_4231", "check_count_parameters"]

# --- forward_4231 ----------------------------------------------------------------------

_NO_BIAS = (
    "add the layer's bias: each unit's pre-activation z is its weighted sum of the "
    "layer's inputs plus its own bias."
)
_BIAS_AFTER = (
    "add the bias before the ReLU: the bias is part of the pre-activation z, and ReLU "
    "applies to the whole of z."
)
_NO_RELU = (
    "apply ReLU to each hidden layer's pre-activations: h keeps the positive values of "
    "z and sets the others to 0."
)
_FROM_Z = (
    "each layer takes the previous layer's activations h (after the ReLU), "
    "not its pre-activations z."
)
_RELU_OUT = (
    "the output layer is linear: no ReLU after the last Linear, so the network can "
    "output negative numbers."
)
_ALIASED = (
    "z1 and h1 (or z2 and h2) are one array that shares its memory: h = z does not copy, "
    "so setting h's negative entries to 0 changed z as well. Build h as a new array "
    "(or start from z.copy())."
)
_TRANSPOSED = (
    "W has shape (out, in), one row per unit, as nncore's Linear.weight, and a batch has "
    "shape (n, in): arrange the matrix product so that the inner sizes agree and the "
    "result has shape (n, out), one row per example."
)


def _trace(x, W1, b1, W2, b2, W3, b3) -> tuple[np.ndarray, ...]:
    """``(z1, h1, z2, h2, z3)`` from a ``nc.mlp([4, 2, 3, 1])`` given these parameters."""
    net = nc.mlp([4, 2, 3, 1], rng=0)
    for layer, w, b in zip(net[::2], (W1, W2, W3), (b1, b2, b3), strict=True):
        layer.weight.data[...] = w
        layer.bias.data[...] = b
    net(x)
    trace = net.forward_trace()
    return trace[0].z, trace[0].h, trace[1].z, trace[1].h, trace[2].z


def _forward(x, W1, b1, W2, b2, W3, b3, *, z_of=None, h_of=None, feed_z=False, relu_out=False):
    """The forward pass with one mistake made in every layer, as a student would repeat it.

    ``z_of(a, W, b)`` and ``h_of(a, W, b, z)`` compute a layer's z and h from its input
    ``a``; ``feed_z`` feeds z instead of h to the next layer; ``relu_out`` adds a ReLU on
    the output. Without any of them it is the right pass.
    """
    z_of = z_of or (lambda a, W, b: a @ W.T + b)
    h_of = h_of or (lambda a, W, b, z: np.maximum(z, 0.0))
    values, a = [], x
    for W, b in ((W1, b1), (W2, b2)):
        z = z_of(a, W, b)
        h = h_of(a, W, b, z)
        values += [z, h]
        a = z if feed_z else h
    z3 = z_of(a, W3, b3)
    return (*values, np.maximum(z3, 0.0) if relu_out else z3)


def _by_hand(name: str) -> str:
    return (
        f"compare with {name} computed by hand for the first example: each unit's z is the "
        f"weighted sum of the previous layer's outputs plus its bias, and each hidden h is "
        f"ReLU of z."
    )


def _network(x, weights, biases) -> dict[str, np.ndarray]:
    """The inputs of one case: ``x``, then ``W1, b1, W2, b2, W3, b3``."""
    inputs = {"x": x}
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        inputs |= {f"W{i + 1}": w, f"b{i + 1}": b}
    return inputs


_rng = np.random.default_rng(4231)
_ONES = [np.ones((2, 4)), np.ones((3, 2)), np.ones((1, 3))]
_ZEROS = [np.zeros(2), np.zeros(3), np.zeros(1)]
_W = [_rng.normal(0.0, 1.0, size=s) for s in ((2, 4), (3, 2), (1, 3))]
_B = [_rng.normal(0.0, 0.5, size=s) for s in (2, 3, 1)]
_X5 = _rng.normal(0.0, 1.5, size=(5, 4))
_OFF_B = [np.array([-20.0, 0.3]), np.array([0.1, -0.2, 0.4]), np.array([-3.0])]
_NEG_W = [_W[0], np.abs(_W[1]), np.array([[1.0, -2.0, 0.5]])]
_ORDINAL = ("first", "second", "third", "fourth", "fifth")

FORWARD_4231 = ExerciseTable(
    title="forward_4231",
    summary="Check ``forward_4231(x, W1, b1, W2, b2, W3, b3)`` against nncore's forward trace.",
    functions=[
        Function(
            "forward_4231",
            "``x`` of shape (n, 4), weights ``W1`` (2, 4), ``W2`` (3, 2), ``W3`` (1, 3) and "
            "biases ``b1`` (2,), ``b2`` (3,), ``b3`` (1,) -> ``(z1, h1, z2, h2, z3)`` of "
            "shapes (n, 2), (n, 2), (n, 3), (n, 3), (n, 1).",
            reference=_trace,
            returns=[
                Output(name, f"{name}, the {ordinal} value returned,", hint=_by_hand(name))
                for name, ordinal in zip(("z1", "h1", "z2", "h2", "z3"), _ORDINAL, strict=True)
            ],
        )
    ],
    cases=[
        Case(
            "the worked example: x = (1, 1, 1, 1), weights 1, biases 0 (a batch of one)",
            _network(np.ones((1, 4)), _ONES, _ZEROS),
        ),
        Case(
            "random weights and biases, five inputs with negative values",
            _network(_X5, _W, _B),
        ),
        Case(
            "a first-layer unit off on every example, and a negative output",
            _network(np.abs(_X5), _NEG_W, _OFF_B),
        ),
        Case("one example with random weights", _network(_X5[:1], _W, _B)),
    ],
    mistakes=[
        Mistake(
            "a missing bias",
            lambda *args: _forward(*args, z_of=lambda a, W, b: a @ W.T),
            _NO_BIAS,
        ),
        Mistake(
            "a transposed product (the batch as columns)",
            lambda *args: tuple(v.T for v in _trace(*args)),
            _TRANSPOSED,
        ),
        Mistake(
            "a transposed product without the bias",
            lambda *args: tuple(v.T for v in _forward(*args, z_of=lambda a, W, b: a @ W.T)),
            _TRANSPOSED,
        ),
        Mistake("a layer fed with z instead of h", lambda *a: _forward(*a, feed_z=True), _FROM_Z),
        Mistake("a ReLU on the output", lambda *a: _forward(*a, relu_out=True), _RELU_OUT),
        Mistake(
            "no ReLU on a hidden layer",
            lambda *args: _forward(*args, h_of=lambda a, W, b, z: z),
            _NO_RELU,
        ),
        Mistake(
            "the bias added after the ReLU",
            lambda *args: _forward(*args, h_of=lambda a, W, b, z: np.maximum(a @ W.T, 0.0) + b),
            _BIAS_AFTER,
        ),
        Mistake(
            "an in-place ReLU on z itself (h = z; h[h < 0] = 0)",
            lambda *args: (lambda t: (t[1], t[1], t[3], t[3], t[4]))(_trace(*args)),
            _ALIASED,
        ),
    ],
    error_hints={"matmul": _TRANSPOSED, "could not be broadcast": _TRANSPOSED},
)
check_forward_4231 = FORWARD_4231.checker("check_forward_4231")

# --- count_parameters_by_sizes ---------------------------------------------------------

_NO_BIASES = (
    "each unit also has a bias: every unit of a receiving layer has one weight per input "
    "and one bias of its own."
)
_BIAS_PER_INPUT = (
    "a bias belongs to each unit that computes something, the n_out units of "
    "the receiving layer, not to each input."
)
_INPUT_BIAS = (
    "the input layer has no bias (and no weights): only the hidden and output units have one each."
)
_UNITS = "that counts the units; count the weights (one per edge) and the biases."
_ONE_BIAS = "every unit has its own bias, not one per layer: n_out biases in a layer."


def _pairs(sizes) -> list[tuple[int, int]]:
    """``(n_in, n_out)`` of each pair of consecutive layers."""
    return list(zip(sizes[:-1], sizes[1:], strict=True))


def _edges(sizes) -> int:
    return sum(a * b for a, b in _pairs(sizes))


COUNT_PARAMETERS = ExerciseTable(
    title="count_parameters_by_sizes",
    summary="Check ``count_parameters_by_sizes(layer_sizes)`` against ``nc.count_parameters``.",
    functions=[
        Function(
            "count_parameters_by_sizes",
            "``layer_sizes`` (list of int, e.g. ``[4, 2, 3, 1]``) -> int.",
            reference=lambda sizes: nc.count_parameters(nc.mlp(list(sizes), rng=0)),
            returns=Output(
                "count",
                "count_parameters_by_sizes(layer_sizes)",
                hint="go from layer to layer: between two consecutive layers, count one "
                "weight per pair of connected units and one bias per receiving unit, then "
                "add up over the pairs of layers.",
                exact=True,
                whole=True,
            ),
        )
    ],
    cases=[
        Case(f"layer sizes {sizes}", {"layer_sizes": sizes})
        for sizes in (
            [4, 2, 3, 1],
            [64, 32, 10],
            [64, 32, 1],
            [784, 128, 64, 10],
            [3, 1],
            [5, 5, 5, 5, 5],
        )
    ],
    mistakes=[
        Mistake("no biases", _edges, _NO_BIASES),
        Mistake(
            "one bias per input",
            lambda sizes: sum((b + 1) * a for a, b in _pairs(sizes)),
            _BIAS_PER_INPUT,
        ),
        Mistake("a bias for the input units too", lambda s: _edges(s) + sum(s), _INPUT_BIAS),
        Mistake("one bias per layer", lambda s: _edges(s) + len(s) - 1, _ONE_BIAS),
        Mistake("counting units instead of parameters", sum, _UNITS),
    ],
)
check_count_parameters = COUNT_PARAMETERS.checker("check_count_parameters")
