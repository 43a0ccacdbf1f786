"""Chapter 5's coding exercises: one SGD step with weight decay, and the L2 penalty.

Expected values come from nncore (``nc.SGD`` with ``nc.weight_decay_groups``, and the step
``nc.SGD`` takes on the penalty alone) and from centred finite differences in float64.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import nncore as nc

from ._core import Case, CheckResult, run_checks

__all__ = ["check_sgd_step_with_decay", "check_l2_penalty_and_gradient"]

_NO_LR = (
    "the decay factor is 1 - lr * weight_decay: the learning rate multiplies the decay "
    "term too, w - lr * (g + weight_decay * w)."
)
_GROWS = "weight decay shrinks the weight: multiply by 1 - lr * weight_decay, not 1 + ..."
_HALF = (
    "no factor 1/2 in the step: the gradient of (weight_decay / 2) * ||w||^2 is weight_decay * w."
)
_NO_DECAY = "the weight is not decayed: multiply it by (1 - lr * weight_decay) first."
_DECAY_STEP = (
    "decay the old weight only: (1 - lr * weight_decay) * w - lr * g. Multiplying "
    "the whole gradient step by the factor decays the gradient as well."
)
_BIAS_DECAYED = (
    "do not decay the bias: nc.weight_decay_groups leaves biases out, as is "
    "usual, since a bias sets where a unit switches on, not how large its "
    "weights are."
)
_BIAS_FROZEN = "the bias still takes its gradient step: bias - lr * grad_bias."


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
                hint=("new_weight = (1 - lr * weight_decay) * weight - lr * grad_weight."),
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
                hint="new_bias = bias - lr * grad_bias (no decay).",
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
    "keep the 1/2: the penalty is (weight_decay / 2) * sum of squares, whose gradient "
    "weight_decay * w is what nc.SGD(..., weight_decay=...) adds."
)
_P_MEAN = (
    "sum the squares, do not average them: a mean divides weight_decay by the number "
    "of weights, so the same weight_decay would mean less in a larger layer."
)
_P_NORM = "square the norm: ||w||^2 is the sum of squares, with no square root."
_P_FIRST = "add the penalty of every weight matrix in the list, not only the first."
_G_DOUBLE = (
    "the gradient of (weight_decay / 2) * w^2 is weight_decay * w: the 2 of the "
    "square cancels the 1/2."
)
_G_MEAN = "the gradient of a sum of squares is not divided by the number of weights."
_G_HALF = "the gradient of (weight_decay / 2) * w^2 is weight_decay * w, not half of it."


def _decay_of_sgd(w: np.ndarray, wd: float) -> np.ndarray:
    """What nc.SGD adds to a zero data gradient: the penalty's gradient (lr = 1)."""
    layer = nc.Linear(w.shape[1], w.shape[0], rng=0)
    layer.weight.data[...] = w
    layer.zero_grad()
    nc.SGD([layer.weight], lr=1.0, weight_decay=wd).step()
    return w - layer.weight.data


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
        ``weights`` (list of 2-D arrays), ``weight_decay`` (float) -> ``(penalty, grads)``:
        a float and a list of arrays shaped like ``weights``.
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
    the first matrix; a gradient of 2 * weight_decay * w, divided by the size, or halved.
    """

    def case_for(weights, wd) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            case.given(weights=weights, weight_decay=wd)
            expected = 0.5 * wd * sum(float(np.sum(w * w)) for w in weights)
            exp_grads = [_decay_of_sgd(w, wd) for w in weights]
            out = case.call(l2_penalty_and_gradient, [w.copy() for w in weights], wd)
            penalty, grads = case.unpack(out, ("penalty", "grads"), what="l2_penalty_and_gradient")
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
            if not isinstance(grads, (list, tuple)) or len(grads) != len(weights):
                case.fail(
                    f"grads should be a list of {len(weights)} arrays, one per weight matrix.",
                    given=grads,
                )
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
                    hint="the gradient of the penalty with respect to each weight matrix is "
                    "weight_decay * w.",
                )

        return run

    def consistency(case: Case) -> None:
        rng = np.random.default_rng(51)
        weights = [rng.normal(size=(3, 2)), rng.normal(size=(1, 3))]
        wd = 0.3
        case.given(weights=weights, weight_decay=wd)
        out = case.call(l2_penalty_and_gradient, [w.copy() for w in weights], wd)
        _, grads = case.unpack(out, ("penalty", "grads"), what="l2_penalty_and_gradient")
        point = [w.copy() for w in weights]
        worst = 0.0
        for i in range(len(point)):

            def f() -> float:
                value, _ = case.unpack(
                    case.call(l2_penalty_and_gradient, point, wd),
                    ("penalty", "grads"),
                    what="l2_penalty_and_gradient",
                )
                return float(value)

            numerical = nc.numerical_gradient(f, point[i])
            error = nc.relative_error(np.asarray(grads[i], dtype=float), numerical)
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
        ("gradient check of your penalty (float64)", consistency),
    ]
    return run_checks(
        "l2_penalty_and_gradient",
        {"l2_penalty_and_gradient": l2_penalty_and_gradient},
        cases,
        strict=strict,
        verbose=verbose,
    )
