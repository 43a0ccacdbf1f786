"""Chapter 1's coding exercises: one-hot targets for design B, and a stable softmax.

Expected values come from nncore (``nc.one_hot``, ``nncore.functional.softmax``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import nncore as nc
from nncore.functional import softmax as _softmax

from ._core import Case, CheckResult, run_checks

__all__ = ["check_one_hot_targets", "check_stable_softmax", "train_design_b"]

_TRANSPOSED = (
    "one row per label: the result has shape (number of labels, n_classes); yours is transposed."
)
_OFF_BY_ONE = (
    "label d belongs in column d, counting from 0: label 0 in column 0 and label 9 in column 9."
)
_FROM_MAX = (
    "the number of columns is n_classes, not labels.max() + 1: a batch need not "
    "contain the largest digit, and every batch must have the same ten columns."
)
_FLAT = (
    "a batch of one is still a batch: return shape (1, n_classes), not (n_classes,) "
    "(avoid .squeeze() and indexing with a single label)."
)


def check_one_hot_targets(
    one_hot_targets: Callable, *, strict: bool = False, verbose: bool = True
) -> CheckResult:
    """Check ``one_hot_targets(labels, n_classes)`` against ``nc.one_hot``.

    Parameters
    ----------
    one_hot_targets : callable
        ``labels`` (int array of shape (n,)), ``n_classes`` -> float64 array (n, n_classes).
    strict : bool, default False
        Raise ``ExerciseCheckError`` unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult

    Notes
    -----
    Recognised mistakes: a transposed result, labels shifted by one column, as many
    columns as ``labels.max() + 1``, a flat row for a batch of one, an integer or float32
    array (the notebook's docstring promises float64).
    """

    def case_for(labels, n_classes: int, extra=()) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            case.given(labels=labels, n_classes=n_classes)
            out = case.call(one_hot_targets, labels, n_classes)
            expected = nc.one_hot(np.asarray(labels), n_classes)
            mistakes = [
                (_TRANSPOSED, expected.T),
                (_OFF_BY_ONE, np.roll(expected, -1, axis=1)),
                (_OFF_BY_ONE, np.roll(expected, 1, axis=1)),
                *extra,
            ]
            case.expect(
                out,
                expected,
                what="one_hot_targets(labels, n_classes)",
                hint="each row must hold a single 1.0, in the column of its label.",
                mistakes=mistakes,
                exact=True,
                dtype=np.float64,
            )

        return run

    many = np.random.default_rng(1).integers(0, 10, size=40)
    few = np.array([1, 2, 1])
    cases = [
        ("three labels, ten classes", case_for(np.array([3, 0, 9]), 10)),
        ("forty random digits", case_for(many, 10)),
        (
            "a batch of one",
            case_for(np.array([7]), 10, [(_FLAT, nc.one_hot(np.array([7]), 10)[0])]),
        ),
        (
            "a batch without the digit 9",
            case_for(few, 10, [(_FROM_MAX, nc.one_hot(few, 10)[:, :3])]),
        ),
        ("labels as a Python list, five classes", case_for([0, 4], 5)),
    ]
    return run_checks(
        "one_hot_targets",
        {"one_hot_targets": one_hot_targets},
        cases,
        strict=strict,
        verbose=verbose,
    )


_NAIVE = (
    "np.exp overflows for large scores (exp(1000) is inf, and inf / inf is nan) or "
    "underflows for very negative ones (0 / 0): subtract each row's maximum before "
    "np.exp; the softmax does not change."
)
_SHIFT_NOT_MAX = (
    "subtract each row's largest score: then every exponent is at most 0 and nothing "
    "overflows. The smallest score, the mean or the first score leaves large positive "
    "exponents in a row whose scores spread widely, and exp of those is inf."
)
_GLOBAL_MAX = (
    "subtract each row's own maximum, not the largest score of the whole batch: a row "
    "far below it underflows to 0 / 0."
)
_AXIS = (
    "normalise along each row (axis=1): a row holds one example's scores, and its "
    "probabilities must sum to 1."
)
_FLAT_ROW = "a batch of one is still a batch: keep the shape (1, k)."
_KEEPDIMS = (
    "a statistic of each row must keep its axis, keepdims=True (shape (n, 1)): with "
    "shape (n,) it is subtracted along the columns, which for a square batch runs "
    "without an error but mixes up the examples."
)
_BROADCAST = (
    "two arrays' shapes do not fit together: print their .shape. A statistic of each row "
    "(its maximum, its sum) must keep its axis, keepdims=True, to line up with the rows."
)


def _naive(z):
    with np.errstate(all="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def _global_max(z):
    with np.errstate(all="ignore"):
        e = np.exp(z - z.max())
        return e / e.sum(axis=1, keepdims=True)


def _shifted_by(z, shift):
    with np.errstate(all="ignore"):
        e = np.exp(z - shift)
        return e / e.sum(axis=1, keepdims=True)


def _wrong_axis(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _no_keepdims(z):
    shifted = z - z.max(axis=1)  # subtracted along the columns for a square batch
    e = np.exp(shifted - shifted.max())
    return e / e.sum(axis=1, keepdims=True)


def _no_keepdims_sum(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


def check_stable_softmax(
    stable_softmax: Callable, *, strict: bool = False, verbose: bool = True
) -> CheckResult:
    """Check ``stable_softmax(z)`` against ``nncore.functional.softmax``.

    Parameters
    ----------
    stable_softmax : callable
        ``z`` (float64 array of shape (n, k), one row of scores per example) -> float64
        array (n, k).
    strict : bool, default False
        Raise ``ExerciseCheckError`` unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult

    Notes
    -----
    Recognised mistakes: no shift (overflow to nan), a shift by the row's minimum, mean or
    first score (overflow in a row whose scores spread widely), one maximum for the whole
    batch, normalising over the wrong axis, a missing ``keepdims=True``, a flat batch of
    one, a float32 result.
    """

    def case_for(z, extra=()) -> Callable[[Case], None]:
        def run(case: Case) -> None:
            case.given(z=z)
            expected = _softmax(z, axis=1)
            out = case.call(stable_softmax, z)
            mistakes = [
                (_NAIVE, _naive(z)),
                (_SHIFT_NOT_MAX, _shifted_by(z, z.min(axis=1, keepdims=True))),
                (_SHIFT_NOT_MAX, _shifted_by(z, z.mean(axis=1, keepdims=True))),
                (_SHIFT_NOT_MAX, _shifted_by(z, z[:, :1])),
                (_GLOBAL_MAX, _global_max(z)),
                (_AXIS, _wrong_axis(z)),
                *extra,
            ]
            case.expect(
                out,
                expected,
                what="stable_softmax(z)",
                mistakes=mistakes,
                hint="each row should be exp(z) of that row divided by its sum.",
                dtype=np.float64,
            )

        return run

    square = np.random.default_rng(2).normal(0.0, 3.0, size=(3, 3))
    one = np.array([[2.0, -1.0, 0.5, 0.0]])
    cases = [
        ("two examples, small scores", case_for(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))),
        (
            "a batch of one",
            case_for(one, [(_AXIS, np.ones_like(one)), (_FLAT_ROW, _softmax(one, axis=1)[0])]),
        ),
        (
            "scores of 1000 and more",
            case_for(np.array([[1000.0, 1001.0, 1002.0], [-5.0, 0.0, 5.0]])),
        ),
        ("very negative scores", case_for(np.array([[-1000.0, -1001.0, -1003.0]]))),
        (
            "rows of very different sizes",
            case_for(np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]])),
        ),
        (
            "rows [0, 1000] and [-1000, 1000]",
            case_for(np.array([[0.0, 1000.0], [-1000.0, 1000.0]])),
        ),
        (
            "scores spread widely within each row",
            case_for(np.array([[0.0, 500.0, 1000.0], [-1000.0, 0.0, 1000.0]])),
        ),
        (
            "a square batch (3 examples, 3 classes)",
            case_for(
                square, [(_KEEPDIMS, _no_keepdims(square)), (_KEEPDIMS, _no_keepdims_sum(square))]
            ),
        ),
    ]
    return run_checks(
        "stable_softmax",
        {"stable_softmax": stable_softmax},
        cases,
        strict=strict,
        verbose=verbose,
        error_hints={"could not be broadcast": _BROADCAST},
    )


def train_design_b(
    one_hot_targets: Callable, *, hidden: int = 32, epochs: int = 10, seed: int = 0
) -> float | None:
    """Train design B (64-hidden-10, cross-entropy) on the digits with your one-hot targets.

    Parameters
    ----------
    one_hot_targets : callable
        Your function; it is checked first (quietly), and training starts only if it passes.
    hidden : int, default 32
        Hidden ReLU units.
    epochs : int, default 10
    seed : int, default 0
        Seed of the initial weights and of the order of the mini-batches.

    Returns
    -------
    float or None
        The test accuracy, or None when ``one_hot_targets`` does not pass its check yet.
    """
    result = check_one_hot_targets(one_hot_targets, verbose=False)
    if not result.passed:
        print(
            "Design B is not trained yet: one_hot_targets does not pass its check "
            f"({'not implemented yet' if not result.implemented else 'see above'})."
        )
        return None
    digits = nc.load_digits(rng=0)
    targets = one_hot_targets(digits.y_train, 10)
    model = nc.mlp([64, hidden, 10], rng=seed)
    nc.fit(
        model,
        nc.CrossEntropyLoss(),
        nc.Adam(model.parameters(), lr=0.005),
        digits.x_train,
        targets,
        epochs=epochs,
        batch_size=32,
        rng=seed,
    )
    acc = nc.accuracy(model(digits.x_test).argmax(axis=1), digits.y_test)
    print(
        f"Design B trained on your one-hot targets for {epochs} epochs: "
        f"test accuracy {acc:.1%} on {len(digits.y_test)} images."
    )
    return float(acc)
