"""Chapter 4's coding exercises: leaky ReLU's derivative, and standardising train and test.

Each exercise is a table (:mod:`nnbook.exercises.table`): its cases, and the typical wrong
answers with the hint each one gets. Expected values come from nncore (``nc.LeakyReLU``'s
backward pass, ``nc.Standardizer``) and from centred finite differences of
``nc.LeakyReLU``'s forward pass.
"""

from __future__ import annotations

import numpy as np

import nncore as nc

from .table import Case, ExerciseTable, Function, GradientCheck, Mistake, Output

__all__ = ["check_leaky_relu_derivative", "check_standardize_train_test"]

# --- leaky_relu_derivative -------------------------------------------------------------

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
_NO_DEFAULT = (
    "called without negative_slope, the function uses the docstring's default, 0.01: "
    "keep that default in its signature."
)


def _leaky_reference(z: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    layer = nc.LeakyReLU(negative_slope)
    layer(z)
    return layer.backward(np.ones_like(z))


_rng = np.random.default_rng(40)
_Z_AWAY = _rng.uniform(0.1, 3.0, size=(3, 4)) * _rng.choice([-1.0, 1.0], size=(3, 4))

LEAKY_RELU_DERIVATIVE = ExerciseTable(
    title="leaky_relu_derivative",
    summary="Check ``leaky_relu_derivative(z, negative_slope)`` against ``nc.LeakyReLU``.",
    functions=[
        Function(
            "leaky_relu_derivative",
            "``z`` (float64 array, any shape), ``negative_slope`` (float, default 0.01) -> "
            "the derivative f'(z), a float64 array of the shape of ``z``.",
            reference=_leaky_reference,
            returns=Output(
                "derivative",
                "leaky_relu_derivative(z, negative_slope)",
                hint="1 where z > 0 and negative_slope where z <= 0, the shape of z.",
                dtype=np.float64,
            ),
        )
    ],
    cases=[
        Case(
            "mixed signs, slope 0.01",
            {"z": np.array([[-2.0, -0.5, 0.5, 3.0]]), "negative_slope": 0.01},
        ),
        Case("z exactly 0", {"z": np.array([[0.0, 0.0, 1.0]]), "negative_slope": 0.01}),
        Case(
            "no negative_slope given: the default, 0.01",
            {"z": np.array([[-3.0, 0.0, 2.0]])},
            note="called as leaky_relu_derivative(z)",
        ),
        Case(
            "another slope, 0.3, on a batch",
            {"z": np.random.default_rng(41).normal(size=(3, 4)), "negative_slope": 0.3},
        ),
        Case("a batch of one: z = -4", {"z": np.array([[-4.0]]), "negative_slope": 0.01}),
        Case(
            "negative inputs only, from -1000 to -1e-8",
            {"z": np.array([[-1000.0, -1.0, -1e-8]]), "negative_slope": 0.05},
        ),
        GradientCheck(
            "finite differences of nc.LeakyReLU(0.1), float64",
            {"z": _Z_AWAY, "negative_slope": 0.1},
            wrt="z",
            # each value's derivative is the gradient of the sum of the outputs
            loss=lambda answer, z, negative_slope: np.sum(nc.LeakyReLU(negative_slope)(z)),
            gradient=lambda answer, z, negative_slope: answer(
                "leaky_relu_derivative", z, negative_slope
            ),
            hint="your derivative disagrees with the slope measured by finite differences, "
            "(f(z + h) - f(z - h)) / 2h (largest relative error {error:.1e}).",
        ),
    ],
    mistakes=[
        Mistake("slope 1 at z = 0", lambda z, s: np.where(z >= 0, 1.0, s), _AT_ZERO),
        Mistake("plain ReLU's derivative", lambda z, s: (z > 0) * 1.0, _RELU_SLOPE),
        Mistake("plain ReLU's derivative as a bool mask", lambda z, s: z > 0, _RELU_SLOPE),
        Mistake("the function's value", lambda z, s: np.where(z > 0, z, s * z), _VALUE),
        Mistake("a hard-coded slope of 0.01", lambda z, s: np.where(z > 0, 1.0, 0.01), _FIXED),
    ],
    error_hints={"argument: 'negative_slope'": _NO_DEFAULT},
    notes="The result must be float64, as the notebook's docstring promises.",
)
check_leaky_relu_derivative = LEAKY_RELU_DERIVATIVE.checker("check_leaky_relu_derivative")

# --- standardize_train_test ------------------------------------------------------------

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


def _standardized(x_train: np.ndarray, x_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scaler = nc.Standardizer().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_test)


def _scaled(x, mean, std, guard=True):
    """``(x - mean) / std``; with ``guard``, a std of exactly 0 taken as 1."""
    if guard:
        std = np.where(std > 0, std, 1.0)
    return (x - mean) / std


def _both_with(stats, guard=True):
    """Wrong ``standardize_train_test``: both sets scaled with ``stats(x_train, x_test)``."""

    def standardize_train_test(x_train, x_test):
        mean, std = stats(x_train, x_test)
        return _scaled(x_train, mean, std, guard), _scaled(x_test, mean, std, guard)

    return standardize_train_test


def _test_own(guard):
    """Wrong ``standardize_train_test``: the test set scaled with its own statistics."""

    def standardize_train_test(x_train, x_test):
        train, _ = _standardized(x_train, x_test)
        return train, _scaled(x_test, x_test.mean(axis=0), x_test.std(axis=0), guard)

    return standardize_train_test


def _per_row(x_train, x_test):
    """Wrong ``standardize_train_test``: each example scaled with its own statistics."""
    return tuple(
        _scaled(x, x.mean(axis=1, keepdims=True), x.std(axis=1, keepdims=True))
        for x in (x_train, x_test)
    )


def _columns(x):
    return x.mean(axis=0), x.std(axis=0)


_X, _ = nc.make_positive_features(60, scale=1000.0, rng=4)
_X_SMALL, _ = nc.make_positive_features(30, scale=0.01, rng=5)


def _with_constant(value: float) -> dict[str, np.ndarray]:
    """A case with a constant column whose computed std is rounding, not 0 (1e-17 for 0.1s)."""
    return {
        "x_train": np.column_stack([_X[:20, 0], np.full(20, value)]),
        "x_test": np.column_stack([_X[20:25, 0], np.full(5, value)]),
    }


STANDARDIZE_TRAIN_TEST = ExerciseTable(
    title="standardize_train_test",
    summary="Check ``standardize_train_test(x_train, x_test)`` against ``nc.Standardizer``.",
    functions=[
        Function(
            "standardize_train_test",
            "``x_train`` (n, d), ``x_test`` (m, d) -> ``(train, test)`` of the same shapes, "
            "both standardised with the training set's statistics.",
            reference=_standardized,
            returns=[
                Output(
                    "x_train_std",
                    "the standardised training set",
                    hint="subtract each column's mean over x_train and divide by that "
                    "column's standard deviation over x_train.",
                ),
                Output(
                    "x_test_std",
                    "the standardised test set",
                    hint="shift and scale x_test with the training set's column means and "
                    "standard deviations.",
                ),
            ],
        )
    ],
    cases=[
        Case(
            "the case study's positive features, scale 1000 (40 train, 20 test)",
            {"x_train": _X[:40], "x_test": _X[40:]},
        ),
        Case("a test set of one example", {"x_train": _X[:40], "x_test": _X[40:41]}),
        Case(
            "a constant feature in the training set",
            {
                "x_train": np.column_stack([_X_SMALL[:20, 0], np.full(20, 5.0)]),
                "x_test": np.column_stack([_X_SMALL[20:, 0], np.full(10, 6.0)]),
            },
        ),
        Case("a constant feature of 0.1s, a number not exact in binary", _with_constant(0.1)),
        Case("a constant feature of 1234.567s", _with_constant(1234.567)),
        Case("tiny features, scale 0.01", {"x_train": _X_SMALL[:20], "x_test": _X_SMALL[20:]}),
    ],
    mistakes=[
        Mistake("the test set with its own statistics", _test_own(guard=True), _TEST_OWN),
        Mistake(
            "the test set with its own statistics, 0 / 0 for one example",
            _test_own(guard=False),
            _TEST_OWN,
        ),
        Mistake(
            "statistics of train and test together",
            _both_with(lambda train, test: _columns(np.vstack([train, test]))),
            _COMBINED,
        ),
        Mistake(
            "one mean for the whole array",
            _both_with(lambda train, test: (train.mean(), train.std())),
            _GLOBAL,
        ),
        Mistake("statistics along the rows", _per_row, _PER_ROW),
        Mistake(
            "ddof=1",
            _both_with(lambda train, test: (train.mean(axis=0), train.std(axis=0, ddof=1))),
            _DDOF,
        ),
        Mistake(
            "no mean subtracted",
            _both_with(lambda train, test: (0.0, train.std(axis=0))),
            _NO_SHIFT,
        ),
        Mistake(
            "dividing by the rounding error of a constant feature's standard deviation",
            _both_with(lambda train, test: _columns(train)),
            _NEAR_CONSTANT,
        ),
        Mistake(
            "0 / 0 on a constant feature",
            _both_with(lambda train, test: _columns(train), guard=False),
            _CONSTANT,
        ),
    ],
    notes="A column of 0.1s or of 1234.567s is constant, though its computed standard "
    "deviation is rounding rather than 0: it must become 0, not +-1.",
)
check_standardize_train_test = STANDARDIZE_TRAIN_TEST.checker("check_standardize_train_test")
