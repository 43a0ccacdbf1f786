"""Chapter 3's coding exercises: ReLU forward and backward, and a dead unit's gradients.

Each exercise is a table (:mod:`nnbook.exercises.table`): its cases, and the typical wrong
answers with the hint each one gets. Expected values come from nncore (``nc.ReLU``, and
``nc.Linear`` followed by ``nc.ReLU``) and from centred finite differences in float64
(``nc.numerical_gradient``).
"""

from __future__ import annotations

import numpy as np

import nncore as nc

from .table import Case, ExerciseTable, Function, GradientCheck, Mistake, Output

__all__ = ["check_relu", "check_unit_gradients"]

# --- relu_forward and relu_backward ----------------------------------------------------

_AT_ZERO = (
    "at z = 0 ReLU's derivative is taken as 0, as in PyTorch and nncore: use (z > 0), not (z >= 0)."
)
_MASK_ONLY = (
    "chain rule: dL/dz is the incoming gradient dL/dh times ReLU's derivative, not the "
    "derivative alone."
)
_REVERSED = "the gradient passes where z > 0 (the unit is active), not where z < 0."
_VALUE_NOT_SLOPE = (
    "ReLU's derivative is its slope, 0 or 1, not its value max(0, z): multiply the "
    "incoming gradient by the slope."
)
_ALL_PASS = "where z < 0 ReLU is flat, so nothing passes back: the gradient there is 0."
_MIN = (
    "ReLU keeps the positive values of z and replaces the negative ones by 0, not the "
    "other way round."
)
_MASK_FORWARD = "return the values max(0, z), not the mask (z > 0)."
TOLERANCE = 1e-7  # largest relative error of a correct backward pass (CS231n's threshold)


def _relu_backward(grad_output: np.ndarray, z: np.ndarray) -> np.ndarray:
    layer = nc.ReLU()
    layer(z)
    return layer.backward(grad_output)


_rng = np.random.default_rng(30)
_BATCH = _rng.normal(size=(3, 4))
_NEGATIVE = -_rng.uniform(0.1, 3.0, size=(2, 3))
_G_NEGATIVE = _rng.normal(size=(2, 3))
_rng = np.random.default_rng(3)  # points at least 0.1 away from the kink
_Z_AWAY = _rng.uniform(0.1, 2.0, size=(4, 3)) * _rng.choice([-1.0, 1.0], size=(4, 3))
_G_AWAY = _rng.normal(size=(4, 3))

RELU = ExerciseTable(
    title="relu_forward and relu_backward",
    summary="Check ``relu_forward(z)`` and ``relu_backward(grad_output, z)`` against ``nc.ReLU``.",
    functions=[
        Function(
            "relu_forward",
            "``z`` (float array, any shape) -> ``max(0, z)``, same shape.",
            reference=lambda z: nc.ReLU()(z),
            returns=Output(
                "h",
                "relu_forward(z)",
                hint="max(0, z) elementwise, the same shape as z.",
                exact=True,
            ),
        ),
        Function(
            "relu_backward",
            "``grad_output`` (dL/dh), ``z`` (same shape) -> dL/dz, same shape.",
            reference=_relu_backward,
            returns=Output(
                "grad_z",
                "relu_backward(grad_output, z)",
                hint="dL/dz = grad_output where z > 0, and 0 where z <= 0.",
                exact=True,
            ),
        ),
    ],
    cases=[
        Case(
            "forward: negative, zero and positive z",
            {"z": np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])},
            function="relu_forward",
        ),
        Case(
            "forward: a batch of 3 examples keeps its shape", {"z": _BATCH}, function="relu_forward"
        ),
        Case(
            "backward: the gradient passes where z > 0",
            {
                "grad_output": np.array([[0.5, -1.0, 2.0, 3.0]]),
                "z": np.array([[-1.5, 2.0, 0.3, -0.2]]),
            },
            function="relu_backward",
        ),
        Case(
            "backward: z exactly 0",
            {
                "grad_output": np.array([[1.0, 2.0, 3.0, 4.0]]),
                "z": np.array([[0.0, 0.0, 1.0, -1.0]]),
            },
            function="relu_backward",
        ),
        Case(
            "backward: negative inputs only (nothing passes)",
            {"grad_output": _G_NEGATIVE, "z": _NEGATIVE},
            function="relu_backward",
        ),
        Case(
            "backward: a batch of one example with one unit",
            {"grad_output": np.array([[2.5]]), "z": np.array([[0.7]])},
            function="relu_backward",
        ),
        GradientCheck(
            "gradient check against finite differences (float64)",
            {"grad_output": _G_AWAY, "z": _Z_AWAY},
            wrt="z",
            loss=lambda answer, grad_output, z: np.sum(grad_output * answer("relu_forward", z)),
            gradient=lambda answer, grad_output, z: answer("relu_backward", grad_output, z),
            hint="relu_backward disagrees with the finite-difference slope of relu_forward "
            "(largest relative error {error:.1e}, should be below {tolerance:.0e}): check "
            "both against the cases above.",
            tolerance=TOLERANCE,
        ),
    ],
    mistakes=[
        Mistake(
            "the negative values kept (np.minimum)",
            lambda z: np.minimum(z, 0.0),
            _MIN,
            function="relu_forward",
        ),
        Mistake("the mask, bool", lambda z: z > 0, _MASK_FORWARD, function="relu_forward"),
        Mistake("the mask, float", lambda z: (z > 0) * 1.0, _MASK_FORWARD, function="relu_forward"),
        Mistake("z >= 0", lambda g, z: g * (z >= 0), _AT_ZERO, function="relu_backward"),
        Mistake(
            "the derivative without the incoming gradient",
            lambda g, z: (z > 0) * 1.0,
            _MASK_ONLY,
            function="relu_backward",
        ),
        Mistake(
            "the derivative as a bool mask",
            lambda g, z: z > 0,
            _MASK_ONLY,
            function="relu_backward",
        ),
        Mistake(
            "the derivative alone, with z >= 0",
            lambda g, z: (z >= 0) * 1.0,
            _AT_ZERO,
            function="relu_backward",
        ),
        Mistake(
            "the gradient passed where z < 0",
            lambda g, z: g * (z < 0),
            _REVERSED,
            function="relu_backward",
        ),
        Mistake(
            "the gradient passed everywhere", lambda g, z: g, _ALL_PASS, function="relu_backward"
        ),
        Mistake(
            "max(0, z) as the derivative",
            lambda g, z: g * np.maximum(z, 0.0),
            _VALUE_NOT_SLOPE,
            function="relu_backward",
        ),
    ],
    notes="Besides nncore's values, a case compares relu_backward with finite differences of "
    "relu_forward (float64, points at least 0.1 away from the kink; relative error below 1e-7).",
)
check_relu = RELU.checker("check_relu")

# --- unit_gradients --------------------------------------------------------------------

_NO_SLOPE = (
    "multiply grad_h by ReLU's derivative f'(z) (1 where z > 0, else 0) before "
    "summing: only the examples on which the unit is active send gradient."
)
_MEAN = (
    "sum over the examples, do not average: grad_h already holds dL/dh of each example "
    "(with the 1/n of a mean loss inside it)."
)
_NO_TRANSPOSE = (
    "dL/dw_j sums x_ij * dL/dz_i over the examples i, one entry per feature (shape (d,)): "
    "the matrix product must run over the examples, the rows of x, not over the features."
)
_ONE_EXAMPLE = (
    "add up the contributions of every active example: a loop must accumulate each "
    "example's term into the total, not overwrite it, and no example may be left out."
)


def _unit_reference(x, w, b, grad_h) -> tuple[np.ndarray, float]:
    layer = nc.Linear(x.shape[1], 1, rng=0)
    layer.weight.data[0] = w
    layer.bias.data[0] = b
    model = nc.Sequential(layer, nc.ReLU())
    model.zero_grad()
    model(x)
    model.backward(grad_h[:, None])
    return layer.weight.grad[0].copy(), float(layer.bias.grad[0])


def _unit_with(slope, *, mean=False, over_features=False):
    """Wrong ``unit_gradients``: ``slope(z)`` for ReLU's derivative, a mean, a product over x."""

    def unit_gradients(x, w, b, grad_h):
        grad_z = grad_h * slope(x @ w + b)
        n = len(grad_h) if mean else 1
        return (x @ grad_z if over_features else x.T @ grad_z) / n, np.sum(grad_z) / n

    return unit_gradients


def _one_example(pick):
    """Wrong ``unit_gradients``: only the active example ``pick(z)`` counts (None: none)."""

    def unit_gradients(x, w, b, grad_h):
        z = x @ w + b
        i = pick(z)
        if i is None or z[i] <= 0:
            return np.zeros(x.shape[1]), 0.0
        return grad_h[i] * x[i], grad_h[i]

    return unit_gradients


def _last_active(z):
    """The example a loop that overwrites (``=`` instead of ``+=``) keeps."""
    active = np.flatnonzero(z > 0)
    return int(active[-1]) if active.size else None


UNIT_GRADIENTS = ExerciseTable(
    title="unit_gradients",
    summary="Check ``unit_gradients(x, w, b, grad_h)`` against nncore's ``Linear`` + ``ReLU``.",
    functions=[
        Function(
            "unit_gradients",
            "``x`` (n, d), ``w`` (d,), ``b`` (float), ``grad_h`` (n,) -> ``(grad_w, grad_b)`` "
            "of shapes (d,) and () for the unit ``h = max(0, x @ w + b)``.",
            reference=_unit_reference,
            returns=[
                Output(
                    "grad_w",
                    hint="dL/dw adds up, over the examples i, the input x_i times dL/dz_i, "
                    "where dL/dz_i is grad_h_i times ReLU's derivative at z_i = x_i . w + b.",
                ),
                Output(
                    "grad_b",
                    hint="dL/db adds up dL/dz_i over the examples: the bias enters every "
                    "example's z with slope 1.",
                    number=True,  # a number, or an array holding one: both are fine
                ),
            ],
        )
    ],
    cases=[
        Case(
            "three examples, the unit active on one of them",
            {
                "x": np.array([[1.0, 2.0], [3.0, 0.5], [0.5, 0.5]]),
                "w": np.array([-1.0, 0.5]),
                "b": 0.2,
                "grad_h": np.array([1.0, -2.0, 0.5]),
            },
        ),
        Case(
            "five examples, the unit active on several of them (z = 1.85, 1.35, 1.6)",
            {
                "x": np.array(
                    [
                        [1.0, 0.5, -1.0],
                        [2.0, -1.0, 0.5],
                        [-1.0, 1.0, 1.0],
                        [0.5, 2.0, 0.0],
                        [-2.0, -0.5, 1.5],
                    ]
                ),
                "w": np.array([1.0, 0.5, -0.5]),
                "b": 0.1,
                "grad_h": np.array([0.5, -1.0, 2.0, 1.5, -0.3]),
            },
        ),
        Case(
            "a dead unit on positive features: exactly zero gradient",
            {
                "x": nc.make_positive_features(20, rng=3)[0],
                "w": np.array([-1.0, -1.0]),
                "b": 0.5,
                "grad_h": np.random.default_rng(31).normal(size=20),
            },
            exact=True,  # bit for bit
            note="exactly 0 for the dead unit",
        ),
        Case(
            "an example with z exactly 0 (z = 0, 1.5, -1)",
            {
                "x": np.array([[1.0, 1.0], [2.0, 0.5], [0.0, 1.0]]),
                "w": np.array([1.0, -1.0]),
                "b": 0.0,
                "grad_h": np.array([3.0, 2.0, 1.0]),
            },
        ),
        Case(
            "a batch of one",
            {
                "x": np.array([[0.5, -1.5, 2.0]]),
                "w": np.array([1.0, 0.2, 0.3]),
                "b": -0.1,
                "grad_h": np.array([2.0]),
            },
        ),
    ],
    mistakes=[
        Mistake("z >= 0", _unit_with(lambda z: z >= 0), _AT_ZERO),
        Mistake("no ReLU derivative", _unit_with(lambda z: 1.0), _NO_SLOPE),
        Mistake("a mean instead of a sum", _unit_with(lambda z: z > 0, mean=True), _MEAN),
        Mistake(
            "a product over the features instead of the examples",
            _unit_with(lambda z: z > 0, over_features=True),
            _NO_TRANSPOSE,
        ),
        Mistake(
            "a loop that overwrites instead of adding up", _one_example(_last_active), _ONE_EXAMPLE
        ),
        Mistake(
            "the example with the largest z only",
            _one_example(lambda z: int(np.argmax(z))),
            _ONE_EXAMPLE,
        ),
    ],
    error_hints={"matmul": _NO_TRANSPOSE},
    notes="For the dead unit the gradients must be exactly 0, bit for bit.",
)
check_unit_gradients = UNIT_GRADIENTS.checker("check_unit_gradients")
