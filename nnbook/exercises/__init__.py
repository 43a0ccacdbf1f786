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

Each exercise is a table (:class:`~nnbook.exercises.table.ExerciseTable`, in the module of
its chapter): the functions the reader writes, the cases, and the typical wrong answers with
the hint each gets; its checker is made from the table. A new exercise is its table, its
hints, a line ``check_... = TABLE.checker("check_...")`` and an entry in :data:`EXERCISES`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from . import ch1, ch2, ch3, ch4, ch5
from ._report import NOT_IMPLEMENTED, CaseResult, CheckResult, ExerciseCheckError
from .ch1 import check_one_hot_targets, check_stable_softmax, train_design_b
from .ch2 import check_count_parameters, check_forward_4231
from .ch3 import check_relu, check_unit_gradients
from .ch4 import check_leaky_relu_derivative, check_standardize_train_test
from .ch5 import check_l2_penalty_and_gradient, check_sgd_step_with_decay
from .table import ExerciseTable


class Exercise(NamedTuple):
    """One coding exercise.

    Each parameter is kept as the field of the same name.

    Parameters
    ----------
    chapter : int
        The chapter that sets it.
    table : ExerciseTable
        Its functions, cases and recognised mistakes.
    checker : callable
        Takes the reader's functions and returns a ``CheckResult``; made from ``table``.
    """

    chapter: int
    table: ExerciseTable
    checker: Callable[..., CheckResult]

    @property
    def functions(self) -> tuple[str, ...]:
        """The functions the reader writes, in the order the checker takes them.

        They are also their names in :mod:`nnbook.exercises.solutions`.
        """
        return self.table.names


EXERCISES: tuple[Exercise, ...] = (
    Exercise(1, ch1.ONE_HOT_TARGETS, check_one_hot_targets),
    Exercise(1, ch1.STABLE_SOFTMAX, check_stable_softmax),
    Exercise(2, ch2.FORWARD_4231, check_forward_4231),
    Exercise(2, ch2.COUNT_PARAMETERS, check_count_parameters),
    Exercise(3, ch3.RELU, check_relu),
    Exercise(3, ch3.UNIT_GRADIENTS, check_unit_gradients),
    Exercise(4, ch4.LEAKY_RELU_DERIVATIVE, check_leaky_relu_derivative),
    Exercise(4, ch4.STANDARDIZE_TRAIN_TEST, check_standardize_train_test),
    Exercise(5, ch5.SGD_STEP_WITH_DECAY, check_sgd_step_with_decay),
    Exercise(5, ch5.L2_PENALTY_AND_GRADIENT, check_l2_penalty_and_gradient),
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
