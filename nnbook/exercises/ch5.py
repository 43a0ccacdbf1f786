"""Chapter 5's coding exercises: one SGD step with weight decay, and the L2 penalty.

Each exercise is a table (:mod:`nnbook.exercises.table`): its cases, and the typical wrong
answers with the hint each one gets. Expected values come from nncore (``nc.SGD`` with
``nc.weight_decay_groups``, and the step ``nc.SGD`` takes on the penalty alone) and from
centred finite differences in float64.
"""

from __future__ import annotations

import numpy as np

import nncore as nc

from .table import Case, ExerciseTable, Function, GradientCheck, Mistake, Output

__all__ = ["check_sgd_step_with_decay", "check_l2_penalty_and_gradient"]

# --- sgd_step_with_decay ---------------------------------------------------------------

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


def _sgd_reference(weight, bias, grad_weight, grad_bias, lr, weight_decay):
    layer = nc.Linear(weight.shape[1], weight.shape[0], rng=0)
    layer.weight.data[...] = weight
    layer.bias.data[...] = bias
    layer.weight.grad[...] = grad_weight
    layer.bias.grad[...] = grad_bias
    nc.SGD(nc.weight_decay_groups(layer, weight_decay), lr=lr).step()
    return layer.weight.data.copy(), layer.bias.data.copy()


def _weight_step(new_weight):
    """Wrong ``sgd_step_with_decay``: the bias right, the weight ``new_weight(w, gw, lr, wd)``."""

    def sgd_step_with_decay(weight, bias, grad_weight, grad_bias, lr, weight_decay):
        return new_weight(weight, grad_weight, lr, weight_decay), bias - lr * grad_bias

    return sgd_step_with_decay


def _bias_step(new_bias):
    """Wrong ``sgd_step_with_decay``: the weight right, the bias ``new_bias(b, gb, lr, wd)``."""

    def sgd_step_with_decay(weight, bias, grad_weight, grad_bias, lr, weight_decay):
        new_weight, _ = _sgd_reference(weight, bias, grad_weight, grad_bias, lr, weight_decay)
        return new_weight, new_bias(bias, grad_bias, lr, weight_decay)

    return sgd_step_with_decay


def _sgd_case(weight, bias, grad_weight, grad_bias, lr, weight_decay) -> dict:
    return {
        "weight": weight,
        "bias": bias,
        "grad_weight": grad_weight,
        "grad_bias": grad_bias,
        "lr": lr,
        "weight_decay": weight_decay,
    }


_rng = np.random.default_rng(50)
_W, _B = _rng.normal(size=(2, 3)), _rng.normal(size=2)
_GW, _GB = _rng.normal(size=(2, 3)), _rng.normal(size=2)
_NEG = -np.abs(_rng.normal(size=(3, 2)))

SGD_STEP_WITH_DECAY = ExerciseTable(
    title="sgd_step_with_decay",
    summary="Check ``sgd_step_with_decay(weight, bias, grad_weight, grad_bias, lr, "
    "weight_decay)`` against ``nc.SGD``.",
    functions=[
        Function(
            "sgd_step_with_decay",
            "``weight`` (out, in), ``bias`` (out,), their gradients of the same shapes, "
            "``lr`` and ``weight_decay`` (floats) -> ``(new_weight, new_bias)``; the inputs "
            "stay unchanged.",
            reference=_sgd_reference,
            returns=[
                Output(
                    "new_weight",
                    hint="new_weight takes one step of size lr against the gradient of the "
                    "data loss plus the penalty (weight_decay / 2) * ||weight||^2.",
                ),
                Output(
                    "new_bias",
                    hint="the bias takes a plain SGD step on its own gradient, without decay.",
                ),
            ],
        )
    ],
    cases=[
        Case("a 2x3 weight, lr 0.1, weight_decay 0.5", _sgd_case(_W, _B, _GW, _GB, 0.1, 0.5)),
        Case(
            "lr * weight_decay = 1: the old weight is wiped out",
            _sgd_case(_W, _B, _GW, _GB, 0.5, 2.0),
        ),
        Case("no decay (weight_decay = 0): plain SGD", _sgd_case(_W, _B, _GW, _GB, 0.1, 0.0)),
        Case(
            "a single weight and bias",
            _sgd_case(
                np.array([[2.0]]), np.array([0.5]), np.array([[0.4]]), np.array([-1.0]), 0.2, 0.1
            ),
        ),
        Case(
            "negative weights with no data gradient shrink towards 0",
            _sgd_case(_NEG, np.zeros(3), np.zeros((3, 2)), np.zeros(3), 0.05, 1.0),
        ),
    ],
    mistakes=[
        Mistake(
            "lr missing from the decay factor",
            _weight_step(lambda w, gw, lr, wd: (1 - wd) * w - lr * gw),
            _NO_LR,
        ),
        Mistake(
            "1 + lr * weight_decay",
            _weight_step(lambda w, gw, lr, wd: (1 + lr * wd) * w - lr * gw),
            _GROWS,
        ),
        Mistake(
            "a factor 1/2",
            _weight_step(lambda w, gw, lr, wd: (1 - lr * wd / 2) * w - lr * gw),
            _HALF,
        ),
        Mistake(
            "the gradient step decayed too",
            _weight_step(lambda w, gw, lr, wd: (1 - lr * wd) * (w - lr * gw)),
            _DECAY_STEP,
        ),
        Mistake("no decay", _weight_step(lambda w, gw, lr, wd: w - lr * gw), _NO_DECAY),
        Mistake(
            "a decayed bias",
            _bias_step(lambda b, gb, lr, wd: (1 - lr * wd) * b - lr * gb),
            _BIAS_DECAYED,
        ),
        Mistake("a bias left unchanged", _bias_step(lambda b, gb, lr, wd: b), _BIAS_FROZEN),
    ],
    notes="The expected step is ``nc.SGD(nc.weight_decay_groups(layer, weight_decay), "
    "lr).step()``: the weight decays, the bias does not.",
)
check_sgd_step_with_decay = SGD_STEP_WITH_DECAY.checker("check_sgd_step_with_decay")

# --- l2_penalty_and_gradient -----------------------------------------------------------

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


def _decay_of_sgd(w: np.ndarray, weight_decay: float) -> np.ndarray:
    """What nc.SGD adds to a zero data gradient: the penalty's gradient (lr = 1)."""
    weight = nc.Parameter(w)  # any shape, a zero gradient
    nc.SGD([weight], lr=1.0, weight_decay=weight_decay).step()
    return w - weight.data


def _l2_reference(weights, weight_decay) -> tuple[float, list[np.ndarray]]:
    penalty = 0.5 * weight_decay * sum(float(np.sum(w * w)) for w in weights)
    return penalty, [_decay_of_sgd(w, weight_decay) for w in weights]


def _penalty(wrong):
    """Wrong ``l2_penalty_and_gradient``: the gradients right, the penalty ``wrong(ws, wd)``."""

    def l2_penalty_and_gradient(weights, weight_decay):
        return wrong(weights, weight_decay), _l2_reference(weights, weight_decay)[1]

    return l2_penalty_and_gradient


def _gradient(wrong):
    """Wrong ``l2_penalty_and_gradient``: the penalty right, each gradient ``wrong(w, wd)``."""

    def l2_penalty_and_gradient(weights, weight_decay):
        penalty, _ = _l2_reference(weights, weight_decay)
        return penalty, [wrong(w, weight_decay) for w in weights]

    return l2_penalty_and_gradient


def _squares(weights) -> list[float]:
    return [float(np.sum(w * w)) for w in weights]


_rng = np.random.default_rng(52)
_rng_fd = np.random.default_rng(51)

L2_PENALTY_AND_GRADIENT = ExerciseTable(
    title="l2_penalty_and_gradient",
    summary="Check ``l2_penalty_and_gradient(weights, weight_decay)``.",
    functions=[
        Function(
            "l2_penalty_and_gradient",
            "``weights`` (list of arrays, any shapes), ``weight_decay`` (float) -> "
            "``(penalty, grads)``: a float and a list of arrays shaped like ``weights``; the "
            "list and its arrays stay unchanged.",
            reference=_l2_reference,
            returns=[
                Output(
                    "penalty",
                    "the penalty",
                    hint="(weight_decay / 2) * (sum of the squares of every weight).",
                    number=True,
                ),
                Output(
                    "grads",
                    hint="differentiate the penalty with respect to each weight: only that "
                    "weight's own square depends on it.",
                    items="one array per weight matrix, shaped like it",
                ),
            ],
        )
    ],
    cases=[
        Case(
            "one 2x3 matrix, weight_decay 0.1",
            {"weights": [_rng.normal(size=(2, 3))], "weight_decay": 0.1},
        ),
        Case(
            "two matrices of different sizes",
            {"weights": [_rng.normal(size=(2, 3)), _rng.normal(size=(4, 2))], "weight_decay": 0.5},
        ),
        Case("weight_decay = 0", {"weights": [_rng.normal(size=(2, 2))], "weight_decay": 0.0}),
        Case(
            "a single weight, w = 3, weight_decay 0.5",
            {"weights": [np.array([[3.0]])], "weight_decay": 0.5},
        ),
        Case(
            "a 1-D weight vector and a 3-D weight tensor (any shapes)",
            {"weights": [_rng.normal(size=4), _rng.normal(size=(2, 3, 2))], "weight_decay": 0.2},
        ),
        GradientCheck(
            "gradient check of your penalty (float64)",
            {
                "weights": [_rng_fd.normal(size=(3, 2)), _rng_fd.normal(size=(1, 3))],
                "weight_decay": 0.3,
            },
            wrt="weights",
            loss=lambda answer, weights, weight_decay: answer(
                "l2_penalty_and_gradient", weights, weight_decay
            )[0],
            gradient=lambda answer, weights, weight_decay: answer(
                "l2_penalty_and_gradient", weights, weight_decay
            )[1],
            hint="grads[{i}] is not the derivative of your penalty (largest relative error "
            "{error:.1e}): the value and its gradient must use the same convention (both "
            "with the 1/2, both sums).",
        ),
    ],
    mistakes=[
        Mistake("no 1/2", _penalty(lambda ws, wd: wd * sum(_squares(ws))), _P_NO_HALF),
        Mistake(
            "a mean of each matrix's squares",
            _penalty(lambda ws, wd: 0.5 * wd * sum(float(np.mean(w * w)) for w in ws)),
            _P_MEAN,
        ),
        Mistake(
            "a mean over every weight",
            _penalty(lambda ws, wd: 0.5 * wd * sum(_squares(ws)) / sum(w.size for w in ws)),
            _P_MEAN,
        ),
        Mistake(
            "the norm without its square",
            _penalty(lambda ws, wd: 0.5 * wd * sum(np.sqrt(s) for s in _squares(ws))),
            _P_NORM,
        ),
        Mistake(
            "only the first matrix", _penalty(lambda ws, wd: 0.5 * wd * _squares(ws)[0]), _P_FIRST
        ),
        Mistake(
            "a gradient of 2 * weight_decay * w", _gradient(lambda w, wd: 2 * wd * w), _G_DOUBLE
        ),
        Mistake(
            "a gradient divided by the number of weights",
            _gradient(lambda w, wd: wd * w / w.size),
            _G_MEAN,
        ),
        Mistake("a halved gradient", _gradient(lambda w, wd: wd * w / 2), _G_HALF),
    ],
    notes="The expected penalty is (weight_decay / 2) times the sum of every squared weight; "
    "the expected gradient is the one ``nc.SGD(..., weight_decay=...)`` adds, and it must "
    "also match finite differences of the reader's own penalty (the value and its gradient "
    "follow the same convention). The cases include 1-D and 3-D weights, so a computation "
    "that works for matrices only fails.",
)
check_l2_penalty_and_gradient = L2_PENALTY_AND_GRADIENT.checker("check_l2_penalty_and_gradient")
