"""Coding exercises with instant feedback: one checker per exercise, chapter by chapter.

In a chapter, the reader fills in a stub function and runs the checker under it::

    from nnbook.exercises import check_relu
    check_relu(relu_forward, relu_backward)

The checker runs the function on several cases (edge cases included), compares it with
nncore or with finite differences, and prints what passed and, for a failure, the input,
the expected value, the value given and a hint naming the likely mistake (a hint teaches
the rule, it does not show the answer's code). It returns a :class:`CheckResult` and never
raises on a wrong answer; ``strict=True`` makes it raise :class:`ExerciseCheckError`,
which the tests use to check every reference solution in
:mod:`nnbook.exercises.solutions` (``tests/bookcode/test_exercises_checkers.py``).

:data:`EXERCISES` lists every exercise: its chapter, the functions the reader writes and
its checker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ._core import NOT_IMPLEMENTED, CaseResult, CheckResult, ExerciseCheckError
from .ch1 import check_one_hot_targets, check_stable_softmax, train_design_b
from .ch2 import check_count_parameters, check_forward_4231
from .ch3 import check_relu, check_unit_gradients
from .ch4 import check_leaky_relu_derivative, check_standardize_train_test
from .ch5 import check_l2_penalty_and_gradient, check_sgd_step_with_decay


class Exercise(NamedTuple):
    """One coding exercise.

    Each parameter is kept as the field of the same name.

    Parameters
    ----------
    chapter : int
        The chapter that sets it.
    functions : tuple of str
        The functions the reader writes, in the order the checker takes them (also their
        names in :mod:`nnbook.exercises.solutions`).
    checker : callable
        Takes those functions and returns a ``CheckResult``.
    """

    chapter: int
    functions: tuple[str, ...]
    checker: Callable[..., CheckResult]


EXERCISES: tuple[Exercise, ...] = (
    Exercise(1, ("one_hot_targets",), check_one_hot_targets),
    Exercise(1, ("stable_softmax",), check_stable_softmax),
    Exercise(2, ("forward_4231",), check_forward_4231),
    Exercise(2, ("count_parameters_by_sizes",), check_count_parameters),
    Exercise(3, ("relu_forward", "relu_backward"), check_relu),
    Exercise(3, ("unit_gradients",), check_unit_gradients),
    Exercise(4, ("leaky_relu_derivative",), check_leaky_relu_derivative),
    Exercise(4, ("standardize_train_test",), check_standardize_train_test),
    Exercise(5, ("sgd_step_with_decay",), check_sgd_step_with_decay),
    Exercise(5, ("l2_penalty_and_gradient",), check_l2_penalty_and_gradient),
)

__all__ = [
    "NOT_IMPLEMENTED",
    "CaseResult",
    "CheckResult",
    "ExerciseCheckError",
    "Exercise",
    "EXERCISES",
    "check_one_hot_targets",
    "check_stable_softmax",
    "train_design_b",
    "check_forward_4231",
    "check_count_parameters",
    "check_relu",
    "check_unit_gradients",
    "check_leaky_relu_derivative",
    "check_standardize_train_test",
    "check_sgd_step_with_decay",
    "check_l2_penalty_and_gradient",
]
