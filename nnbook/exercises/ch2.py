"""Chapter 2's coding exercises: the 4-2-3-1 forward pass in numpy, and counting parameters.

Expected values come from nncore: a ``nc.mlp([4, 2, 3, 1])`` model's
:meth:`~nncore.Sequential.forward_trace` and ``nc.count_parameters``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

import nncore as nc

from ._core import Case, CheckResult, run_checks

__all__ = ["check_forward_4231", "check_count_parameters"]

_NAMES = ("z1", "h1", "z2", "h2", "z3")
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
_TRANSPOSED = (
    "W has shape (out, in), one row per unit, as nncore's Linear.weight, and a batch has "
    "shape (n, in): arrange the matrix product so that the inner sizes agree and the "
    "result has shape (n, out), one row per example."
)


def _model(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> nc.Sequential:
    net = nc.mlp([4, 2, 3, 1], rng=0)
    for layer, w, b in zip(net[::2], weights, biases, strict=True):
        layer.weight.data[...] = w
        layer.bias.data[...] = b
    return net


def check_forward_4231(
    forward_4231: Callable, *, strict: bool = False, verbose: bool = True
) -> CheckResult:
    """Check ``forward_4231(x, W1, b1, W2, b2, W3, b3)`` against nncore's forward trace.

    Parameters
    ----------
    forward_4231 : callable
        ``x`` of shape (n, 4), weights ``W1`` (2, 4), ``W2`` (3, 2), ``W3`` (1, 3) and biases
        ``b1`` (2,), ``b2`` (3,), ``b3`` (1,) -> ``(z1, h1, z2, h2, z3)`` of shapes (n, 2),
        (n, 2), (n, 3), (n, 3), (n, 1).
    strict : bool, default False
        Raise ``ExerciseCheckError`` unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult

    Notes
    -----
    Recognised mistakes: a missing bias, the bias added after the ReLU, no ReLU on a hidden
    layer, a layer fed with z instead of h, a ReLU on the output, a transposed product,
    changing the inputs in place.
    """

    def case_for(x, weights, biases) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            args = [x]
            for w, b in zip(weights, biases, strict=True):
                args += [w, b]
            case.given(
                x=x,
                **{
                    f"{k}{i + 1}": a
                    for i, (w, b) in enumerate(zip(weights, biases, strict=True))
                    for k, a in (("W", w), ("b", b))
                },
            )
            net = _model(weights, biases)
            net(x)
            trace = net.forward_trace()
            expected = (trace[0].z, trace[0].h, trace[1].z, trace[1].h, trace[2].z)
            out = case.call(forward_4231, *[a.copy() for a in args])  # named by position
            given = case.unpack(out, _NAMES, what="forward_4231")
            for i, name in enumerate(_NAMES):  # stops at the first wrong array
                w, b = weights[i // 2], biases[i // 2]
                before = expected[i - 1] if i else x  # what this layer receives
                if name.startswith("z"):
                    mistakes = [
                        (_NO_BIAS, before @ w.T),
                        (_TRANSPOSED, w @ before.T + b[:, None]),
                        (_TRANSPOSED, w @ before.T),
                    ]
                    if i:
                        mistakes.append((_FROM_Z, expected[i - 2] @ w.T + b))
                    if name == "z3":
                        mistakes.append((_RELU_OUT, np.maximum(expected[i], 0.0)))
                else:
                    layer_input = expected[i - 2] if i > 1 else x
                    mistakes = [
                        (_NO_RELU, expected[i - 1]),
                        (_BIAS_AFTER, np.maximum(layer_input @ w.T, 0.0) + b),
                    ]
                case.expect(
                    given[i],
                    expected[i],
                    what=f"{name}, the {_ORDINAL[i]} value returned,",
                    mistakes=mistakes,
                    hint=f"compare with {name} computed by hand for the first example: "
                    f"each unit's z is the weighted sum of the previous layer's outputs "
                    f"plus its bias, and each hidden h is ReLU of z.",
                )

        return run

    ones = [np.ones((2, 4)), np.ones((3, 2)), np.ones((1, 3))]
    zeros = [np.zeros(2), np.zeros(3), np.zeros(1)]
    rng = np.random.default_rng(4231)
    rand_w = [rng.normal(0.0, 1.0, size=s) for s in ((2, 4), (3, 2), (1, 3))]
    rand_b = [rng.normal(0.0, 0.5, size=s) for s in (2, 3, 1)]
    x5 = rng.normal(0.0, 1.5, size=(5, 4))
    off_b = [np.array([-20.0, 0.3]), np.array([0.1, -0.2, 0.4]), np.array([-3.0])]
    neg_w = [rand_w[0], np.abs(rand_w[1]), np.array([[1.0, -2.0, 0.5]])]
    cases = [
        (
            "the worked example: x = (1, 1, 1, 1), weights 1, biases 0 (a batch of one)",
            case_for(np.ones((1, 4)), ones, zeros),
        ),
        (
            "random weights and biases, five inputs with negative values",
            case_for(x5, rand_w, rand_b),
        ),
        (
            "a first-layer unit off on every example, and a negative output",
            case_for(np.abs(x5), neg_w, off_b),
        ),
        ("one example with random weights", case_for(x5[:1], rand_w, rand_b)),
    ]
    return run_checks(
        "forward_4231",
        {"forward_4231": forward_4231},
        cases,
        strict=strict,
        verbose=verbose,
        error_hints={"matmul": _TRANSPOSED, "could not be broadcast": _TRANSPOSED},
    )


_ORDINAL = ("first", "second", "third", "fourth", "fifth")

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


def check_count_parameters(
    count_parameters_by_sizes: Callable, *, strict: bool = False, verbose: bool = True
) -> CheckResult:
    """Check ``count_parameters_by_sizes(layer_sizes)`` against ``nc.count_parameters``.

    Parameters
    ----------
    count_parameters_by_sizes : callable
        ``layer_sizes`` (list of int, e.g. ``[4, 2, 3, 1]``) -> int.
    strict : bool, default False
        Raise ``ExerciseCheckError`` unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult

    Notes
    -----
    Recognised mistakes: no biases, one bias per input, a bias for the input units too, one
    bias per layer, counting units instead of parameters, changing (e.g. emptying) the
    list ``layer_sizes``.
    """

    def case_for(sizes: list[int]) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            layer_sizes = list(sizes)  # the reader's function must leave it as it is
            case.given(layer_sizes=layer_sizes)
            out = case.call(count_parameters_by_sizes, layer_sizes)
            expected = nc.count_parameters(nc.mlp(sizes, rng=0))
            pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
            edges = sum(a * b for a, b in pairs)
            mistakes = [
                (_NO_BIASES, edges),
                (_BIAS_PER_INPUT, sum((b + 1) * a for a, b in pairs)),
                (_INPUT_BIAS, edges + sum(sizes)),
                (_ONE_BIAS, edges + len(pairs)),
                (_UNITS, sum(sizes)),
            ]
            case.expect(
                out,
                expected,
                what=f"count_parameters_by_sizes({sizes})",
                mistakes=mistakes,
                exact=True,
                hint="go from layer to layer: between two consecutive layers, count one "
                "weight per pair of connected units and one bias per receiving unit, then "
                "add up over the pairs of layers.",
            )
            if not isinstance(out, (int, np.integer)):
                case.fail(
                    "a count is a whole number: return an int (sum of ints is one).",
                    expected=expected,
                    given=out,
                )

        return run

    cases = [
        (f"layer sizes {s}", case_for(s))
        for s in (
            [4, 2, 3, 1],
            [64, 32, 10],
            [64, 32, 1],
            [784, 128, 64, 10],
            [3, 1],
            [5, 5, 5, 5, 5],
        )
    ]
    return run_checks(
        "count_parameters_by_sizes",
        {"count_parameters_by_sizes": count_parameters_by_sizes},
        cases,
        strict=strict,
        verbose=verbose,
    )
