"""Chapter 5's coding exercises: one SGD step with weight decay, and the L2 penalty.

Expected values come from nncore (``nc.SGD`` with ``nc.weight_decay_groups``, and the step
``nc.SGD`` takes on the penalty alone) and from centred finite differences in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import nncore as nc

from ._core import Case, CheckResult, _kind, run_checks

__all__ = ["check_sgd_step_with_decay", "check_l2_penalty_and_gradient"]

_NO_LR = (
    "the learning rate multiplies the decay term too: the step follows the gradient of "
    "the data loss plus the penalty's gradient, and the whole of it is scaled by lr."
)
_GROWS = (
    "weight decay shrinks the weight: the penalty's gradient is subtracted, so the "
    "factor on the old weight is below 1, not above."
)
_HALF = (
    "no factor 1/2 in the step: differentiate (weight_decay / 2) * ||w||^2; the 2 of the "
    "square cancels the 1/2."
)
_NO_DECAY = (
    "the weight is not decayed: the penalty's gradient, weight_decay times the weight, "
    "belongs in the step as well."
)
_DECAY_STEP = (
    "decay the old weight only: the decay factor multiplies the weight, and the data "
    "gradient's step is taken in full. Multiplying the whole step by the factor decays "
    "the gradient as well."
)
_BIAS_DECAYED = (
    "do not decay the bias: nc.weight_decay_groups leaves biases out, as is "
    "usual, since a bias sets where a unit switches on, not how large its "
    "weights are."
)
_BIAS_FROZEN = (
    "the bias still takes its plain gradient step (the learning rate times its "
    "gradient), only without decay."
)


def _sgd_reference(weight, bias, grad_weight, grad_bias, lr, wd):
    layer = nc.Linear(weight.shape[1], weight.shape[0], rng=0)
    layer.weight.data[...] = weight
    layer.bias.data[...] = bias
    layer.weight.grad[...] = grad_weight
    layer.bias.grad[...] = grad_bias
    nc.SGD(nc.weight_decay_groups(layer, wd), lr=lr).step()
    return layer.weight.data.copy(), layer.bias.data.copy()


def check_sgd_step_with_decay(
    sgd_step_with_decay: Callable, *, strict: bool = False, verbose: bool = True
) -> CheckResult:
    """Check ``sgd_step_with_decay(weight, bias, grad_weight, grad_bias, lr, weight_decay)``.

    The expected step is ``nc.SGD(nc.weight_decay_groups(layer, weight_decay), lr).step()``:
    the weight decays, the bias does not.

    Parameters
    ----------
    sgd_step_with_decay : callable
        ``weight`` (out, in), ``bias`` (out,), their gradients of the same shapes, ``lr`` and
        ``weight_decay`` (floats) -> ``(new_weight, new_bias)``; the inputs stay unchanged.
    strict : bool, default False
        Raise ``ExerciseCheckError`` unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult

    Notes
    -----
    Recognised mistakes: ``lr`` missing from the decay factor, ``1 + lr * wd``, a factor 1/2,
    no decay, the gradient step decayed too, a decayed bias, a bias left unchanged,
    changing the inputs in place.
    """

    def case_for(weight, bias, grad_weight, grad_bias, lr, wd) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            case.given(
                weight=weight,
                bias=bias,
                grad_weight=grad_weight,
                grad_bias=grad_bias,
                lr=lr,
                weight_decay=wd,
            )
            exp_w, exp_b = _sgd_reference(weight, bias, grad_weight, grad_bias, lr, wd)
            out = case.call(sgd_step_with_decay, weight, bias, grad_weight, grad_bias, lr, wd)
            new_w, new_b = case.unpack(out, ("new_weight", "new_bias"), what="sgd_step_with_decay")
            step = lr * grad_weight
            case.expect(
                new_w,
                exp_w,
                what="new_weight",
                hint="new_weight takes one step of size lr against the gradient of the data "
                "loss plus the penalty (weight_decay / 2) * ||weight||^2.",
                mistakes=[
                    (_NO_LR, (1 - wd) * weight - step),
                    (_GROWS, (1 + lr * wd) * weight - step),
                    (_HALF, (1 - lr * wd / 2) * weight - step),
                    (_DECAY_STEP, (1 - lr * wd) * (weight - step)),
                    (_NO_DECAY, weight - step),
                ],
            )
            case.expect(
                new_b,
                exp_b,
                what="new_bias",
                mistakes=[
                    (_BIAS_DECAYED, (1 - lr * wd) * bias - lr * grad_bias),
                    (_BIAS_FROZEN, bias),
                ],
                hint="the bias takes a plain SGD step on its own gradient, without decay.",
            )

        return run

    rng = np.random.default_rng(50)
    w, b = rng.normal(size=(2, 3)), rng.normal(size=2)
    gw, gb = rng.normal(size=(2, 3)), rng.normal(size=2)
    neg = -np.abs(rng.normal(size=(3, 2)))
    cases = [
        ("a 2x3 weight, lr 0.1, weight_decay 0.5", case_for(w, b, gw, gb, 0.1, 0.5)),
        ("lr * weight_decay = 1: the old weight is wiped out", case_for(w, b, gw, gb, 0.5, 2.0)),
        ("no decay (weight_decay = 0): plain SGD", case_for(w, b, gw, gb, 0.1, 0.0)),
        (
            "a single weight and bias",
            case_for(
                np.array([[2.0]]), np.array([0.5]), np.array([[0.4]]), np.array([-1.0]), 0.2, 0.1
            ),
        ),
        (
            "negative weights with no data gradient shrink towards 0",
            case_for(neg, np.zeros(3), np.zeros((3, 2)), np.zeros(3), 0.05, 1.0),
        ),
    ]
    return run_checks(
        "sgd_step_with_decay",
        {"sgd_step_with_decay": sgd_step_with_decay},
        cases,
        strict=strict,
        verbose=verbose,
    )


_P_NO_HALF = (
    "keep the 1/2: the penalty is (weight_decay / 2) times the sum of squares, the "
    "penalty whose gradient nc.SGD(..., weight_decay=...) adds."
)
_P_MEAN = (
    "sum the squares, do not average them: a mean divides weight_decay by the number "
    "of weights, so the same weight_decay would mean less in a larger layer."
)
_P_NORM = "square the norm: ||w||^2 is the sum of squares, with no square root."
_P_FIRST = "add the penalty of every weight matrix in the list, not only the first."
_G_DOUBLE = "differentiate (weight_decay / 2) * w^2 once more: the 2 of the square cancels the 1/2."
_G_MEAN = "the gradient of a sum of squares is not divided by the number of weights."
_G_HALF = (
    "differentiate (weight_decay / 2) * w^2 once more: the derivative of w^2 is 2w, "
    "which cancels the 1/2, so no factor 1/2 is left."
)
_GRADS_LIST = "grads should be a list of {n}, one array per weight matrix, shaped like it"


def _decay_of_sgd(w: np.ndarray, wd: float) -> np.ndarray:
    """What nc.SGD adds to a zero data gradient: the penalty's gradient (lr = 1)."""
    weight = nc.Parameter(w)  # any shape, a zero gradient
    nc.SGD([weight], lr=1.0, weight_decay=wd).step()
    return w - weight.data


def _penalty_and_grads(case: Case, out: Any, weights: list[np.ndarray]) -> tuple:
    """The reader's ``(penalty, grads)`` as one number and float64 arrays, or a failed case.

    The penalty must be one number and ``grads`` a list (or tuple) of arrays shaped like
    ``weights``; anything else fails the case with a report saying what was returned.
    """
    penalty, grads = case.unpack(out, ("penalty", "grads"), what="l2_penalty_and_gradient")
    penalty = case.array(penalty, what="the penalty", shape=())
    if not isinstance(grads, (list, tuple)):
        case.fail(f"{_GRADS_LIST.format(n=len(weights))}; it is {_kind(grads)}.", given=grads)
    if len(grads) != len(weights):
        case.fail(f"{_GRADS_LIST.format(n=len(weights))}; it has {len(grads)}.", given=grads)
    grads = [
        case.array(g, what=f"grads[{i}]", shape=w.shape)
        for i, (g, w) in enumerate(zip(grads, weights, strict=True))
    ]
    return penalty, grads


def check_l2_penalty_and_gradient(
    l2_penalty_and_gradient: Callable, *, strict: bool = False, verbose: bool = True
) -> CheckResult:
    """Check ``l2_penalty_and_gradient(weights, weight_decay)``.

    The expected penalty is ``(weight_decay / 2) * sum of every squared weight``; the
    expected gradient is the one ``nc.SGD(..., weight_decay=...)`` adds, and it must also
    match finite differences of the reader's own penalty (the value and its gradient must
    follow the same convention).

    Parameters
    ----------
    l2_penalty_and_gradient : callable
        ``weights`` (list of arrays, any shapes), ``weight_decay`` (float) ->
        ``(penalty, grads)``: a float and a list of arrays shaped like ``weights``; the
        list and its arrays stay unchanged.
    strict : bool, default False
        Raise ``ExerciseCheckError`` unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult

    Notes
    -----
    Recognised mistakes: no 1/2, a mean instead of a sum, the norm without its square, only
    the first matrix; a gradient of 2 * weight_decay * w, divided by the size, or halved;
    a computation that works for matrices only (the cases include 1-D and 3-D weights);
    changing the list or its arrays in place.
    """

    def case_for(weights, wd) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            case.given(weights=weights, weight_decay=wd)
            expected = 0.5 * wd * sum(float(np.sum(w * w)) for w in weights)
            exp_grads = [_decay_of_sgd(w, wd) for w in weights]
            out = case.call(l2_penalty_and_gradient, [w.copy() for w in weights], wd)
            penalty, grads = case.unpack(out, ("penalty", "grads"), what="l2_penalty_and_gradient")
            penalty = case.array(penalty, what="the penalty", shape=())  # one number
            squares = [float(np.sum(w * w)) for w in weights]
            case.expect(
                penalty,
                expected,
                what="the penalty",
                mistakes=[
                    (_P_NO_HALF, wd * sum(squares)),
                    (_P_MEAN, 0.5 * wd * sum(float(np.mean(w * w)) for w in weights)),
                    (_P_MEAN, 0.5 * wd * sum(squares) / sum(w.size for w in weights)),
                    (_P_NORM, 0.5 * wd * sum(np.sqrt(s) for s in squares)),
                    (_P_FIRST, 0.5 * wd * squares[0]),
                ],
                hint="(weight_decay / 2) * (sum of the squares of every weight).",
            )
            _, grads = _penalty_and_grads(case, out, weights)
            for i, (g, w, exp) in enumerate(zip(grads, weights, exp_grads, strict=True)):
                case.expect(
                    g,
                    exp,
                    what=f"grads[{i}]",
                    mistakes=[
                        (_G_DOUBLE, 2 * wd * w),
                        (_G_MEAN, wd * w / w.size),
                        (_G_HALF, wd * w / 2),
                    ],
                    hint="differentiate the penalty with respect to each weight: only that "
                    "weight's own square depends on it.",
                )

        return run

    def consistency(case: Case) -> None:
        rng = np.random.default_rng(51)
        weights = [rng.normal(size=(3, 2)), rng.normal(size=(1, 3))]
        wd = 0.3
        case.given(weights=weights, weight_decay=wd)
        out = case.call(l2_penalty_and_gradient, [w.copy() for w in weights], wd)
        _, grads = _penalty_and_grads(case, out, weights)
        point = [w.copy() for w in weights]
        worst = 0.0
        for i in range(len(point)):

            def f() -> float:
                out = case.call(l2_penalty_and_gradient, point, wd)
                value, _ = _penalty_and_grads(case, out, weights)
                return float(value)

            numerical = nc.numerical_gradient(f, point[i])
            error = nc.relative_error(grads[i], numerical)
            worst = max(worst, error)
            if not error < 1e-7:
                case.fail(
                    f"grads[{i}] is not the derivative of your penalty (largest relative "
                    f"error {error:.1e}): the value and its gradient must use the same "
                    f"convention (both with the 1/2, both sums).",
                    expected=numerical,
                    given=grads[i],
                )
        case.note = f"largest relative error {worst:.1e}"

    rng = np.random.default_rng(52)
    cases = [
        ("one 2x3 matrix, weight_decay 0.1", case_for([rng.normal(size=(2, 3))], 0.1)),
        (
            "two matrices of different sizes",
            case_for([rng.normal(size=(2, 3)), rng.normal(size=(4, 2))], 0.5),
        ),
        ("weight_decay = 0", case_for([rng.normal(size=(2, 2))], 0.0)),
        ("a single weight, w = 3, weight_decay 0.5", case_for([np.array([[3.0]])], 0.5)),
        (
            "a 1-D weight vector and a 3-D weight tensor (any shapes)",
            case_for([rng.normal(size=4), rng.normal(size=(2, 3, 2))], 0.2),
        ),
        ("gradient check of your penalty (float64)", consistency),
    ]
    return run_checks(
        "l2_penalty_and_gradient",
        {"l2_penalty_and_gradient": l2_penalty_and_gradient},
        cases,
        strict=strict,
        verbose=verbose,
    )
