"""Chapter 4's coding exercises: leaky ReLU's derivative, and standardising train and test.

Expected values come from nncore (``nc.LeakyReLU``'s backward pass, ``nc.Standardizer``)
and from centred finite differences of ``nc.LeakyReLU``'s forward pass.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import nncore as nc

from ._core import Case, CheckResult, run_checks

__all__ = ["check_leaky_relu_derivative", "check_standardize_train_test"]

_RELU_SLOPE = (
    "for z <= 0 the derivative is the negative slope, not 0: that small slope is "
    "what lets a unit with z < 0 on every example still learn."
)
_VALUE = (
    "that is the leaky ReLU's value (z or slope * z); its derivative is 1 for z > 0 "
    "and the slope for z <= 0."
)
_AT_ZERO = (
    "at z = 0 use the negative slope, as nc.LeakyReLU and PyTorch do: the slope 1 "
    "belongs to z > 0 only."
)
_FIXED = "use the negative_slope argument, not a fixed 0.01."


def _leaky_reference(z: np.ndarray, slope: float) -> np.ndarray:
    layer = nc.LeakyReLU(slope)
    layer(z)
    return layer.backward(np.ones_like(z))


def check_leaky_relu_derivative(
    leaky_relu_derivative: Callable, *, strict: bool = False, verbose: bool = True
) -> CheckResult:
    """Check ``leaky_relu_derivative(z, negative_slope)`` against ``nc.LeakyReLU``.

    Parameters
    ----------
    leaky_relu_derivative : callable
        ``z`` (float64 array, any shape), ``negative_slope`` (float) -> the derivative
        f'(z), a float64 array of the shape of ``z``.
    strict : bool, default False
        Raise ``ExerciseCheckError`` unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult

    Notes
    -----
    Recognised mistakes: plain ReLU's derivative (0 for z < 0), the function's value instead
    of its derivative, slope 1 at z = 0, a hard-coded slope of 0.01, a dtype other than the
    float64 the notebook's docstring promises.
    """

    def case_for(z, slope) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            case.given(z=z, negative_slope=slope)
            expected = _leaky_reference(z, slope)
            out = case.call(leaky_relu_derivative, z, slope)
            mistakes = [
                (_AT_ZERO, np.where(z >= 0, 1.0, slope)),
                (_RELU_SLOPE, (z > 0) * 1.0),
                (_RELU_SLOPE, z > 0),
                (_VALUE, np.where(z > 0, z, slope * z)),
            ]
            if slope != 0.01:
                mistakes.append((_FIXED, np.where(z > 0, 1.0, 0.01)))
            case.expect(
                out,
                expected,
                what="leaky_relu_derivative(z, negative_slope)",
                mistakes=mistakes,
                hint="1 where z > 0 and negative_slope where z <= 0, the shape of z.",
                dtype=np.float64,
            )

        return run

    def finite_differences(case: Case) -> None:
        rng = np.random.default_rng(40)
        z = rng.uniform(0.1, 3.0, size=(3, 4)) * rng.choice([-1.0, 1.0], size=(3, 4))
        slope = 0.1
        case.given(z=z, negative_slope=slope)
        layer = nc.LeakyReLU(slope)
        point = z.copy()
        # The derivative of each value's own output: the gradient of sum(leaky(z)).
        numerical = nc.numerical_gradient(lambda: float(np.sum(layer(point))), point)
        out = case.call(leaky_relu_derivative, z, slope)
        case.expect(
            out,
            numerical,
            what="leaky_relu_derivative(z, negative_slope)",
            rtol=1e-7,
            atol=1e-9,
            dtype=np.float64,
            hint="your derivative disagrees with the slope measured by finite "
            "differences, (f(z + h) - f(z - h)) / 2h.",
        )
        error = nc.relative_error(np.asarray(out, dtype=float), numerical)
        case.note = f"largest relative error {error:.1e}"

    rng = np.random.default_rng(41)
    cases = [
        ("mixed signs, slope 0.01", case_for(np.array([[-2.0, -0.5, 0.5, 3.0]]), 0.01)),
        ("z exactly 0", case_for(np.array([[0.0, 0.0, 1.0]]), 0.01)),
        ("another slope, 0.3, on a batch", case_for(rng.normal(size=(3, 4)), 0.3)),
        ("a batch of one: z = -4", case_for(np.array([[-4.0]]), 0.01)),
        (
            "negative inputs only, from -1000 to -1e-8",
            case_for(np.array([[-1000.0, -1.0, -1e-8]]), 0.05),
        ),
        ("finite differences of nc.LeakyReLU(0.1), float64", finite_differences),
    ]
    return run_checks(
        "leaky_relu_derivative",
        {"leaky_relu_derivative": leaky_relu_derivative},
        cases,
        strict=strict,
        verbose=verbose,
    )


_TEST_OWN = (
    "standardise the test set with the training set's mean and standard deviation: "
    "the test data must not shape the preprocessing (and a single test example has "
    "no spread of its own)."
)
_COMBINED = (
    "compute the mean and standard deviation on the training set only, not on train "
    "and test together: that lets the test set leak into training."
)
_GLOBAL = (
    "compute one mean and one standard deviation per feature (column): axis=0. One "
    "number for the whole array leaves the features on different scales."
)
_PER_ROW = (
    "compute the statistics down each column (axis=0, over the examples), not along "
    "each row (one example's features)."
)
_DDOF = (
    "use the population standard deviation, np.std's default ddof=0, as "
    "nc.Standardizer and scikit-learn's StandardScaler do."
)
_NO_SHIFT = "subtract the mean as well: standardised features have mean 0 and take both signs."
_CONSTANT = (
    "a constant feature has standard deviation 0: divide by 1 there instead, as "
    "nc.Standardizer does, rather than make 0 / 0."
)
_NEAR_CONSTANT = (
    "a feature constant in the training set can have a tiny standard deviation that is "
    "only rounding (about 1e-17 for a column of 0.1s, since 0.1 is not exact in binary): "
    "dividing by it gives +-1 instead of 0. Treat a standard deviation within rounding of "
    "0, relative to the size of the feature's mean, as 0."
)


def _scaled(x, mean, std, guard=True):
    """``(x - mean) / std``; with ``guard``, a std of exactly 0 taken as 1."""
    with np.errstate(all="ignore"):
        if guard:
            std = np.where(std > 0, std, 1.0)
        return (x - mean) / std


def check_standardize_train_test(
    standardize_train_test: Callable, *, strict: bool = False, verbose: bool = True
) -> CheckResult:
    """Check ``standardize_train_test(x_train, x_test)`` against ``nc.Standardizer``.

    Parameters
    ----------
    standardize_train_test : callable
        ``x_train`` (n, d), ``x_test`` (m, d) -> ``(train, test)`` of the same shapes, both
        standardised with the training set's statistics.
    strict : bool, default False
        Raise ``ExerciseCheckError`` unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult

    Notes
    -----
    Recognised mistakes: the test set standardised with its own statistics, statistics of
    train and test together, one mean for the whole array, statistics along the rows,
    ``ddof=1``, no mean subtracted, 0 / 0 on a constant feature, dividing by the rounding
    error of a constant feature's standard deviation (a column of 0.1s or of 1234.567s
    becomes +-1 instead of 0), changing the inputs in place.
    """

    def case_for(x_train, x_test) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            case.given(x_train=x_train, x_test=x_test)
            scaler = nc.Standardizer().fit(x_train)
            exp_train, exp_test = scaler.transform(x_train), scaler.transform(x_test)
            out = case.call(standardize_train_test, x_train, x_test)
            train, test = case.unpack(
                out, ("x_train_std", "x_test_std"), what="standardize_train_test"
            )
            mean, std = x_train.mean(axis=0), x_train.std(axis=0)
            both = np.vstack([x_train, x_test])
            row_m = x_train.mean(axis=1, keepdims=True)
            row_s = x_train.std(axis=1, keepdims=True)
            wrong_train = [
                (_COMBINED, _scaled(x_train, both.mean(axis=0), both.std(axis=0))),
                (_GLOBAL, _scaled(x_train, x_train.mean(), x_train.std())),
                (_PER_ROW, _scaled(x_train, row_m, row_s)),
                (_DDOF, _scaled(x_train, mean, x_train.std(axis=0, ddof=1))),
                (_NO_SHIFT, _scaled(x_train, 0.0, std)),
                (_NEAR_CONSTANT, _scaled(x_train, mean, std)),  # before: both give +-1 there
                (_CONSTANT, _scaled(x_train, mean, std, guard=False)),
            ]
            case.expect(
                train,
                exp_train,
                what="the standardised training set",
                mistakes=wrong_train,
                hint="subtract each column's mean over x_train and divide by that column's "
                "standard deviation over x_train.",
            )
            wrong_test = [
                (_TEST_OWN, _scaled(x_test, x_test.mean(axis=0), x_test.std(axis=0))),
                (_TEST_OWN, _scaled(x_test, x_test.mean(axis=0), x_test.std(axis=0), guard=False)),
                (_COMBINED, _scaled(x_test, both.mean(axis=0), both.std(axis=0))),
                (_NEAR_CONSTANT, _scaled(x_test, mean, std)),  # before: both give +-1 there
                (_CONSTANT, _scaled(x_test, mean, std, guard=False)),
            ]
            case.expect(
                test,
                exp_test,
                what="the standardised test set",
                mistakes=wrong_test,
                hint="shift and scale x_test with the training set's column means and "
                "standard deviations.",
            )

        return run

    x, _ = nc.make_positive_features(60, scale=1000.0, rng=4)
    x_small, _ = nc.make_positive_features(30, scale=0.01, rng=5)
    constant = np.column_stack([x_small[:20, 0], np.full(20, 5.0)])
    constant_test = np.column_stack([x_small[20:, 0], np.full(10, 6.0)])

    def with_constant(value: float) -> Callable[[Case], None]:
        # a constant column whose computed std is rounding, not 0 (1e-17 for 0.1s)
        train = np.column_stack([x[:20, 0], np.full(20, value)])
        test = np.column_stack([x[20:25, 0], np.full(5, value)])
        return case_for(train, test)

    cases = [
        (
            "the case study's positive features, scale 1000 (40 train, 20 test)",
            case_for(x[:40], x[40:]),
        ),
        ("a test set of one example", case_for(x[:40], x[40:41])),
        ("a constant feature in the training set", case_for(constant, constant_test)),
        ("a constant feature of 0.1s, a number not exact in binary", with_constant(0.1)),
        ("a constant feature of 1234.567s", with_constant(1234.567)),
        ("tiny features, scale 0.01", case_for(x_small[:20], x_small[20:])),
    ]
    return run_checks(
        "standardize_train_test",
        {"standardize_train_test": standardize_train_test},
        cases,
        strict=strict,
        verbose=verbose,
    )
