"""Chapter 1's coding exercises: one-hot targets for design B, and a stable softmax.

Each exercise is a table (:mod:`nnbook.exercises.table`): its cases, and the typical wrong
answers with the hint each one gets. Expected values come from nncore (``nc.one_hot``,
``nncore.functional.softmax``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import nncore as nc
from nncore.functional import softmax as _softmax

from .table import Case, ExerciseTable, Function, Mistake, Output

__all__ = ["check_one_hot_targets", "check_stable_softmax", "train_design_b"]

# --- one_hot_targets -------------------------------------------------------------------

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


def _one_hot(labels, n_classes: int) -> np.ndarray:
    return nc.one_hot(np.asarray(labels), n_classes)


ONE_HOT_TARGETS = ExerciseTable(
    title="one_hot_targets",
    summary="Check ``one_hot_targets(labels, n_classes)`` against ``nc.one_hot``.",
    functions=[
        Function(
            "one_hot_targets",
            "``labels`` (int array of shape (n,)), ``n_classes`` -> float64 array (n, n_classes).",
            reference=_one_hot,
            returns=Output(
                "targets",
                "one_hot_targets(labels, n_classes)",
                hint="each row must hold a single 1.0, in the column of its label.",
                exact=True,
                dtype=np.float64,
            ),
        )
    ],
    cases=[
        Case("three labels, ten classes", {"labels": np.array([3, 0, 9]), "n_classes": 10}),
        Case(
            "forty random digits",
            {"labels": np.random.default_rng(1).integers(0, 10, size=40), "n_classes": 10},
        ),
        Case("a batch of one", {"labels": np.array([7]), "n_classes": 10}),
        Case("a batch without the digit 9", {"labels": np.array([1, 2, 1]), "n_classes": 10}),
        Case("labels as a Python list, five classes", {"labels": [0, 4], "n_classes": 5}),
    ],
    mistakes=[
        Mistake("a transposed result", lambda labels, n: _one_hot(labels, n).T, _TRANSPOSED),
        Mistake(
            "label d in column d + 1",
            lambda labels, n: np.roll(_one_hot(labels, n), -1, axis=1),
            _OFF_BY_ONE,
        ),
        Mistake(
            "label d in column d - 1",
            lambda labels, n: np.roll(_one_hot(labels, n), 1, axis=1),
            _OFF_BY_ONE,
        ),
        Mistake(
            "a flat row for a batch of one", lambda labels, n: _one_hot(labels, n).squeeze(), _FLAT
        ),
        Mistake(
            "as many columns as labels.max() + 1",
            lambda labels, n: _one_hot(labels, n)[:, : np.max(labels) + 1],
            _FROM_MAX,
        ),
    ],
    notes="The result must be float64, as the notebook's docstring promises: an integer or "
    "float32 array is refused.",
)
check_one_hot_targets = ONE_HOT_TARGETS.checker("check_one_hot_targets")

# --- stable_softmax --------------------------------------------------------------------

_NAIVE = (
    "np.exp overflows for large scores (exp(1000) is inf, and inf / inf is nan) or "
    "underflows for very negative ones (0 / 0): subtract each row's maximum before "
    "np.exp; the softmax does not change."
)
_OVERFLOW = (
    "exp of a large score overflows to inf: clipping the scores, replacing nan or inf "
    "afterwards (np.nan_to_num) or taking the log of an unshifted sum of exp only hides "
    "it and changes the probabilities. Shift each row by its maximum before exp; the "
    "softmax does not change."
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


def _shifted_by(z: np.ndarray, shift) -> np.ndarray:
    """Softmax of each row, ``shift`` subtracted first (only the row's maximum is safe)."""
    e = np.exp(z - shift)
    return e / e.sum(axis=1, keepdims=True)


def _wrong_axis(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _no_keepdims(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1)  # subtracted along the columns for a square batch
    e = np.exp(shifted - shifted.max())
    return e / e.sum(axis=1, keepdims=True)


def _no_keepdims_in_the_sum(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


STABLE_SOFTMAX = ExerciseTable(
    title="stable_softmax",
    summary="Check ``stable_softmax(z)`` against ``nncore.functional.softmax``.",
    functions=[
        Function(
            "stable_softmax",
            "``z`` (float64 array of shape (n, k), one row of scores per example) -> float64 "
            "array (n, k).",
            reference=lambda z: _softmax(z, axis=1),
            returns=Output(
                "probabilities",
                "stable_softmax(z)",
                hint="each row should be exp(z) of that row divided by its sum.",
                dtype=np.float64,
                # relative to each probability, however small: a floor on the exponents
                # (exp(-25) = 1e-11 where exp(-2000) is 0) is wrong
                rtol=1e-12,
                atol=1e-300,
            ),
        )
    ],
    cases=[
        Case("two examples, small scores", {"z": np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])}),
        Case("a batch of one", {"z": np.array([[2.0, -1.0, 0.5, 0.0]])}),
        Case(
            "scores of 1000 and more", {"z": np.array([[1000.0, 1001.0, 1002.0], [-5.0, 0.0, 5.0]])}
        ),
        Case("very negative scores", {"z": np.array([[-1000.0, -1001.0, -1003.0]])}),
        Case(
            "rows of very different sizes",
            {"z": np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]])},
        ),
        Case(
            "rows [0, 1000] and [-1000, 1000]", {"z": np.array([[0.0, 1000.0], [-1000.0, 1000.0]])}
        ),
        Case(
            "scores spread widely within each row",
            {"z": np.array([[0.0, 500.0, 1000.0], [-1000.0, 0.0, 1000.0]])},
        ),
        Case(
            "a square batch (3 examples, 3 classes)",
            {"z": np.random.default_rng(2).normal(0.0, 3.0, size=(3, 3))},
        ),
    ],
    mistakes=[
        Mistake("no shift (overflow to nan)", lambda z: _shifted_by(z, 0.0), _NAIVE),
        Mistake(
            "no shift, nan replaced afterwards",
            lambda z: np.nan_to_num(_shifted_by(z, 0.0)),
            _OVERFLOW,
        ),
        Mistake(
            "scores clipped to +-500 instead of shifted",
            lambda z: _shifted_by(np.clip(z, -500.0, 500.0), 0.0),
            _OVERFLOW,
        ),
        Mistake(
            "exp(z - log(sum(exp(z)))) without a shift",
            lambda z: np.exp(z - np.log(np.exp(z).sum(axis=1, keepdims=True))),
            _OVERFLOW,
        ),
        Mistake(
            "a shift by the row's minimum",
            lambda z: _shifted_by(z, z.min(axis=1, keepdims=True)),
            _SHIFT_NOT_MAX,
        ),
        Mistake(
            "a shift by the row's mean",
            lambda z: _shifted_by(z, z.mean(axis=1, keepdims=True)),
            _SHIFT_NOT_MAX,
        ),
        Mistake(
            "a shift by the row's first score", lambda z: _shifted_by(z, z[:, :1]), _SHIFT_NOT_MAX
        ),
        Mistake("one maximum for the whole batch", lambda z: _shifted_by(z, z.max()), _GLOBAL_MAX),
        Mistake("normalising over the wrong axis", _wrong_axis, _AXIS),
        Mistake("a flat batch of one", lambda z: _softmax(z, axis=1).squeeze(), _FLAT_ROW),
        Mistake("no keepdims=True on the maximum", _no_keepdims, _KEEPDIMS),
        Mistake("no keepdims=True on the sum", _no_keepdims_in_the_sum, _KEEPDIMS),
    ],
    error_hints={"could not be broadcast": _BROADCAST},
    notes="The result must be float64, as the notebook's docstring promises: float32 is refused.",
)
check_stable_softmax = STABLE_SOFTMAX.checker("check_stable_softmax")


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
