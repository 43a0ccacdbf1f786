"""Chapter 3's coding exercises: ReLU forward and backward, and a dead unit's gradients.

Expected values come from nncore (``nc.ReLU``, and ``nc.Linear`` followed by ``nc.ReLU``)
and from centred finite differences in float64 (``nc.numerical_gradient``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import nncore as nc

from ._core import Case, CheckResult, run_checks

__all__ = ["check_relu", "check_unit_gradients"]

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


def _relu_reference(z: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    layer = nc.ReLU()
    out = layer(z)
    return out, layer.backward(g)


def check_relu(
    relu_forward: Callable, relu_backward: Callable, *, strict: bool = False, verbose: bool = True
) -> CheckResult:
    """Check ``relu_forward(z)`` and ``relu_backward(grad_output, z)`` against ``nc.ReLU``.

    Parameters
    ----------
    relu_forward : callable
        ``z`` (float array, any shape) -> ``max(0, z)``, same shape.
    relu_backward : callable
        ``grad_output`` (dL/dh), ``z`` (same shape) -> dL/dz, same shape.
    strict : bool, default False
        Raise ``ExerciseCheckError`` unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult

    Notes
    -----
    Besides nncore's values, a case compares ``relu_backward`` with finite differences of
    ``relu_forward`` (float64, points at least 0.1 away from the kink; relative error below
    1e-7). Recognised mistakes: ``z >= 0``, the derivative without the incoming gradient, the
    gradient passed where z < 0 or everywhere, ``max(0, z)`` as the derivative, ``np.minimum``,
    the mask as the forward value, changing ``z`` in place.
    """

    def forward_case(z) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            case.given(z=z)
            expected, _ = _relu_reference(z, np.ones_like(z))
            out = case.call(relu_forward, z)
            case.expect(
                out,
                expected,
                what="relu_forward(z)",
                exact=True,
                mistakes=[
                    (_MIN, np.minimum(z, 0.0)),
                    (_MASK_FORWARD, z > 0),
                    (_MASK_FORWARD, (z > 0).astype(float)),
                ],
                hint="max(0, z) elementwise, the same shape as z.",
            )

        return run

    def backward_case(g, z) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            case.given(grad_output=g, z=z)
            _, expected = _relu_reference(z, g)
            out = case.call(relu_backward, g, z)
            case.expect(
                out,
                expected,
                what="relu_backward(grad_output, z)",
                exact=True,
                mistakes=[
                    (_AT_ZERO, g * (z >= 0)),
                    (_MASK_ONLY, (z > 0) * 1.0),
                    (_MASK_ONLY, z > 0),
                    (_AT_ZERO, (z >= 0) * 1.0),
                    (_REVERSED, g * (z < 0)),
                    (_ALL_PASS, g),
                    (_VALUE_NOT_SLOPE, g * np.maximum(z, 0.0)),
                ],
                hint="dL/dz = grad_output where z > 0, and 0 where z <= 0.",
            )

        return run

    def gradient_check(case: Case) -> None:
        rng = np.random.default_rng(3)
        z = rng.uniform(0.1, 2.0, size=(4, 3)) * rng.choice([-1.0, 1.0], size=(4, 3))
        g = rng.normal(size=(4, 3))
        case.given(grad_output=g, z=z)
        analytic = case.array(
            case.call(relu_backward, g, z.copy()),
            what="relu_backward(grad_output, z)",
            shape=z.shape,
        )
        point = z.copy()

        def loss() -> float:
            h = case.array(case.call(relu_forward, point), what="relu_forward(z)", shape=z.shape)
            return float(np.sum(g * h))

        numerical = nc.numerical_gradient(loss, point)
        error = nc.relative_error(analytic, numerical)
        if not error < TOLERANCE:
            case.fail(
                "relu_backward disagrees with the finite-difference slope of "
                f"relu_forward (largest relative error {error:.1e}, should be below "
                f"{TOLERANCE:.0e}): check both against the cases above.",
                expected=numerical,
                given=analytic,
            )
        case.note = f"largest relative error {error:.1e}"

    rng = np.random.default_rng(30)
    batch = rng.normal(size=(3, 4))
    negative = -rng.uniform(0.1, 3.0, size=(2, 3))
    cases = [
        (
            "forward: negative, zero and positive z",
            forward_case(np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])),
        ),
        ("forward: a batch of 3 examples keeps its shape", forward_case(batch)),
        (
            "backward: the gradient passes where z > 0",
            backward_case(np.array([[0.5, -1.0, 2.0, 3.0]]), np.array([[-1.5, 2.0, 0.3, -0.2]])),
        ),
        (
            "backward: z exactly 0",
            backward_case(np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[0.0, 0.0, 1.0, -1.0]])),
        ),
        (
            "backward: negative inputs only (nothing passes)",
            backward_case(rng.normal(size=(2, 3)), negative),
        ),
        (
            "backward: a batch of one example with one unit",
            backward_case(np.array([[2.5]]), np.array([[0.7]])),
        ),
        ("gradient check against finite differences (float64)", gradient_check),
    ]
    return run_checks(
        "relu_forward and relu_backward",
        {"relu_forward": relu_forward, "relu_backward": relu_backward},
        cases,
        strict=strict,
        verbose=verbose,
    )


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


def check_unit_gradients(
    unit_gradients: Callable, *, strict: bool = False, verbose: bool = True
) -> CheckResult:
    """Check ``unit_gradients(x, w, b, grad_h)`` against nncore's ``Linear`` + ``ReLU``.

    Parameters
    ----------
    unit_gradients : callable
        ``x`` (n, d), ``w`` (d,), ``b`` (float), ``grad_h`` (n,) -> ``(grad_w, grad_b)``
        of shapes (d,) and () for the unit ``h = max(0, x @ w + b)``.
    strict : bool, default False
        Raise ``ExerciseCheckError`` unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult

    Notes
    -----
    For the dead unit the gradients must be exactly 0, bit for bit. Recognised mistakes: no
    ReLU derivative, a mean instead of a sum, ``z >= 0``, a product over the features
    instead of the examples, one example's term only (a loop that overwrites instead of
    adding up, or keeps the example with the largest z).
    """

    def case_for(x, w, b, grad_h) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            case.given(x=x, w=w, b=b, grad_h=grad_h)
            exp_w, exp_b = _unit_reference(x, w, b, grad_h)
            out = case.call(unit_gradients, x, w, b, grad_h)
            grad_w, grad_b = case.unpack(out, ("grad_w", "grad_b"), what="unit_gradients")
            z = x @ w + b
            slope = (z > 0) * 1.0
            ge = (z >= 0) * 1.0
            n = x.shape[0]
            wrong_w = [
                (_AT_ZERO, x.T @ (grad_h * ge)),
                (_NO_SLOPE, x.T @ grad_h),
                (_MEAN, x.T @ (grad_h * slope) / n),
            ]
            if x.shape[0] == x.shape[1]:
                wrong_w.append((_NO_TRANSPOSE, x @ (grad_h * slope)))
            active = np.flatnonzero(z > 0)
            alone = {int(active[-1]), int(np.argmax(z))} if active.size > 1 else set()
            wrong_w += [(_ONE_EXAMPLE, grad_h[i] * x[i]) for i in sorted(alone)]
            dead = not np.any(z > 0)
            case.expect(
                grad_w,
                exp_w,
                what="grad_w",
                mistakes=wrong_w,
                exact=dead,
                hint="dL/dw adds up, over the examples i, the input x_i times dL/dz_i, "
                "where dL/dz_i is grad_h_i times ReLU's derivative at z_i = x_i . w + b.",
            )
            # a number, or an array holding one: both are fine
            grad_b = case.array(grad_b, what="grad_b", shape=())
            case.expect(
                grad_b,
                exp_b,
                what="grad_b",
                mistakes=[
                    (_AT_ZERO, np.sum(grad_h * ge)),
                    (_NO_SLOPE, np.sum(grad_h)),
                    (_MEAN, np.sum(grad_h * slope) / n),
                    *[(_ONE_EXAMPLE, grad_h[i]) for i in sorted(alone)],
                ],
                exact=dead,
                hint="dL/db adds up dL/dz_i over the examples: the bias enters every "
                "example's z with slope 1.",
            )
            if dead:
                case.note = "exactly 0 for the dead unit"

        return run

    x3 = np.array([[1.0, 2.0], [3.0, 0.5], [0.5, 0.5]])
    x_pos, _ = nc.make_positive_features(20, rng=3)
    x5 = np.array(
        [
            [1.0, 0.5, -1.0],
            [2.0, -1.0, 0.5],
            [-1.0, 1.0, 1.0],
            [0.5, 2.0, 0.0],
            [-2.0, -0.5, 1.5],
        ]
    )
    cases = [
        (
            "three examples, the unit active on one of them",
            case_for(x3, np.array([-1.0, 0.5]), 0.2, np.array([1.0, -2.0, 0.5])),
        ),
        (
            "five examples, the unit active on several of them (z = 1.85, 1.35, 1.6)",
            case_for(x5, np.array([1.0, 0.5, -0.5]), 0.1, np.array([0.5, -1.0, 2.0, 1.5, -0.3])),
        ),
        (
            "a dead unit on positive features: exactly zero gradient",
            case_for(x_pos, np.array([-1.0, -1.0]), 0.5, np.random.default_rng(31).normal(size=20)),
        ),
        (
            "an example with z exactly 0",
            case_for(
                np.array([[1.0, 1.0], [2.0, 0.5]]), np.array([1.0, -1.0]), 0.0, np.array([3.0, 2.0])
            ),
        ),
        (
            "a batch of one",
            case_for(
                np.array([[0.5, -1.5, 2.0]]), np.array([1.0, 0.2, 0.3]), -0.1, np.array([2.0])
            ),
        ),
    ]
    return run_checks(
        "unit_gradients",
        {"unit_gradients": unit_gradients},
        cases,
        strict=strict,
        verbose=verbose,
        error_hints={"matmul": _NO_TRANSPOSE},
    )
