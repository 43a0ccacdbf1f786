"""Exercises as tables: every declared mistake is caught with its own hint, a new exercise
needs nothing but its table and hints, and the tables stay as they were written.
"""

from __future__ import annotations

import copy
import inspect

import numpy as np
import pytest

import nnbook.exercises as package
from nnbook.exercises import EXERCISES, NOT_IMPLEMENTED, ExerciseCheckError, solutions
from nnbook.exercises.table import (
    Case,
    ExerciseTable,
    Function,
    GradientCheck,
    Mistake,
    Output,
    run_exercise,
)

MISTAKES = [(ex, mistake) for ex in EXERCISES for mistake in ex.table.mistakes]


def _hints(result) -> list[str]:
    """The hint of each failed case, as the report words it."""
    return [c.message.rsplit("\nhint:", 1)[-1].strip() for c in result.failures]


@pytest.mark.parametrize(
    ("ex", "mistake"),
    MISTAKES,
    ids=[f"{ex.checker.__name__}-{m.name}" for ex, m in MISTAKES],
)
def test_every_declared_mistake_is_caught_with_its_own_hint(ex, mistake):
    # Each mistake of a table is a wrong answer: given as the reader's function, at least one
    # case must reject it with that mistake's hint (not one listed before it, nor the general one).
    table = ex.table
    functions = [getattr(solutions, name) for name in ex.functions]
    functions[table.names.index(table.function(mistake.function).name)] = mistake.answer
    result = ex.checker(*functions, verbose=False)
    assert result.implemented and not result.passed, result.report
    assert mistake.hint in _hints(result), result.report


def test_every_exercise_declares_several_mistakes_each_with_a_name():
    for ex in EXERCISES:
        assert len(ex.table.mistakes) >= 2, ex.checker.__name__
        assert all(m.name and m.hint for m in ex.table.mistakes)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.checker.__name__)
def test_the_registry_runs_each_table_through_its_own_checker(ex):
    assert ex.checker.__module__ == f"nnbook.exercises.ch{ex.chapter}"
    assert ex.checker.__name__ in vars(package)
    result = ex.checker(*[getattr(solutions, n) for n in ex.functions], verbose=False)
    assert [c.name for c in result.cases] == [c.name for c in ex.table.cases]
    assert list(inspect.signature(ex.checker).parameters) == [*ex.functions, "strict", "verbose"]
    for case in ex.table.cases:  # the docstring lists the table, so it cannot drift from it
        assert case.name in " ".join(ex.checker.__doc__.split())


def _changes_everything(*args):
    """A wrong answer that changes every argument it can in place and returns nothing."""
    for a in args:
        if isinstance(a, np.ndarray):
            a += 1
        elif isinstance(a, list):
            for item in a:
                if isinstance(item, np.ndarray):
                    item += 1
            a.clear()


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.checker.__name__)
def test_a_check_leaves_the_table_as_it_was_written(ex):
    before = copy.deepcopy([dict(case.inputs) for case in ex.table.cases])
    result = ex.checker(*[_changes_everything] * len(ex.functions), verbose=False)
    assert not result.passed
    assert "in place" in result.failures[0].message
    after = [dict(case.inputs) for case in ex.table.cases]
    for old, new in zip(before, after, strict=True):
        assert old.keys() == new.keys()
        for key in old:
            np.testing.assert_equal(new[key], old[key])


# --- a new exercise: nothing but its table and its hints --------------------------------

_SLOPE_HINT = "that is the slope of x ** 2; square(x) is the square itself."
_VALUE_HINT = "the slope of x ** 2 grows twice as fast as x itself."

SQUARE = ExerciseTable(
    title="square and square_slope",
    summary="Check ``square(x)`` and ``square_slope(x)``.",
    functions=[
        Function(
            "square",
            "``x`` (float array, any shape) -> ``x ** 2``, same shape.",
            reference=lambda x: x * x,
            returns=Output("y", "square(x)", hint="multiply each element by itself."),
        ),
        Function(
            "square_slope",
            "``x`` (float array) -> ``(slopes, total)``, the slope of each square and their sum.",
            reference=lambda x: (2 * x, float(np.sum(2 * x))),
            returns=[
                Output("slopes", hint="differentiate x ** 2."),
                Output("total", "the sum of the slopes", hint="add the slopes.", number=True),
            ],
        ),
    ],
    cases=[
        Case("a vector", {"x": np.array([1.0, -2.0, 3.0])}, function="square"),
        Case(
            "zeros: exactly 0",
            {"x": np.zeros(2)},
            function="square_slope",
            exact=True,
            note="exactly 0",
        ),
        Case("a vector", {"x": np.array([1.0, -2.0])}, function="square_slope"),
        GradientCheck(
            "finite differences",
            {"x": np.array([0.5, -1.5])},
            wrt="x",
            loss=lambda answer, x: np.sum(answer("square", x)),
            gradient=lambda answer, x: answer("square_slope", x)[0],
            hint="square_slope is not the slope of square (relative error {error:.1e}).",
        ),
    ],
    mistakes=[
        Mistake("the slope for the value", lambda x: 2 * x, _SLOPE_HINT, function="square"),
        Mistake(
            "x for the slope", lambda x: (x, float(np.sum(x))), _VALUE_HINT, function="square_slope"
        ),
    ],
    error_hints={"no attribute": "numpy arrays have no method for this: use an operator."},
)
check_square = SQUARE.checker("check_square")


def square(x):
    return x**2


def square_slope(x):
    return 2.0 * x, np.sum(2.0 * x)


def test_a_new_exercise_accepts_right_answers_with_its_notes(capsys):
    result = check_square(square, square_slope, strict=True)
    assert result.passed and [c.name for c in result.cases] == [c.name for c in SQUARE.cases]
    out = capsys.readouterr().out
    assert "square and square_slope: all passed." in out
    assert "✓ zeros: exactly 0 (exactly 0)" in out
    assert "✓ finite differences (largest relative error" in out


def test_a_new_exercise_names_each_declared_mistake():
    result = check_square(lambda x: 2 * x, square_slope, verbose=False)
    assert _hints(result)[0] == _SLOPE_HINT
    assert "square_slope is not the slope of square" in result.failures[-1].message
    result = check_square(square, lambda x: (x, np.sum(x)), verbose=False)
    assert _VALUE_HINT in _hints(result)


def test_a_new_exercise_gives_the_outputs_own_hint_and_unpacks_its_values():
    result = check_square(square, lambda x: (3 * x, np.sum(3 * x)), verbose=False)
    assert "differentiate x ** 2." in _hints(result)
    result = check_square(square, lambda x: 2 * x, verbose=False)
    assert "square_slope should return 2 values, `return slopes, total`" in _hints(result)[0]
    result = check_square(square, lambda x: (2 * x, np.sum(x)), verbose=False)
    assert _hints(result) == [_VALUE_HINT]  # the total of the mistake "x for the slope"
    result = check_square(square, lambda x: (2 * x, np.sum(2 * x) + 1), verbose=False)
    assert "add the slopes." in _hints(result)
    result = check_square(square, lambda x: (2 * x, np.array([np.sum(2 * x)])), verbose=False)
    assert result.passed, result.report  # one number in an array is a number
    result = check_square(square, lambda x: (2 * x + 1e-300, np.sum(2 * x)), verbose=False)
    assert [c.name for c in result.failures] == ["zeros: exactly 0"]


def test_a_new_exercise_uses_its_own_error_hints_and_reports_stubs(capsys):
    result = check_square(lambda x: x.squared(), square_slope, verbose=False)
    assert "numpy arrays have no method for this: use an operator." in _hints(result)

    def square_slope_stub(x):
        raise NotImplementedError

    result = check_square(square, square_slope_stub)
    assert not result.implemented
    out = capsys.readouterr().out
    assert f"square and square_slope: {NOT_IMPLEMENTED}. Write the body of square_slope" in out
    with pytest.raises(ExerciseCheckError, match="the checker rejected square, square_slope"):
        check_square(square, square_slope_stub, strict=True, verbose=False)


def test_a_new_exercise_gets_a_checker_with_its_signature_and_docstring():
    assert check_square.__name__ == "check_square"
    assert check_square.__module__ == __name__
    assert str(inspect.signature(check_square)).startswith(
        "(square: 'Callable', square_slope: 'Callable', *, strict: 'bool' = False"
    )
    doc = check_square.__doc__
    assert doc.startswith("Check ``square(x)`` and ``square_slope(x)``.")
    assert "- square: the slope for the value" in doc and "- finite differences" in doc
    assert check_square(square_slope=square_slope, square=square, verbose=False).passed
    with pytest.raises(TypeError):
        check_square(square)
    with pytest.raises(TypeError, match="checks 2 function"):
        run_exercise(SQUARE, [square])


def test_a_table_that_names_no_function_or_an_unknown_one_is_refused():
    one = SQUARE.functions[0]
    with pytest.raises(ValueError, match="no function 'cube'"):
        ExerciseTable("t", "Check.", [one], [Case("c", {"x": 1.0}, function="cube")])
    with pytest.raises(ValueError, match="no function ''"):
        ExerciseTable("t", "Check.", SQUARE.functions, [Case("c", {"x": 1.0})])
    with pytest.raises(ValueError, match="no function 'cube'"):
        ExerciseTable(
            "t", "Check.", [one], [Case("c", {"x": 1.0})], [Mistake("m", abs, "h", "cube")]
        )
    with pytest.raises(ValueError, match="wrt 'y' is no input"):
        check = GradientCheck("g", {"x": np.ones(2)}, "y", np.sum, np.sum, "h")
        ExerciseTable("t", "Check.", [one], [check])
    with pytest.raises(ValueError, match="at least one case"):
        ExerciseTable("t", "Check.", [one], [])


def test_a_mistake_that_raises_on_a_case_explains_nothing_there():
    table = ExerciseTable(
        "inverse",
        "Check ``inverse(x)``.",
        [Function("inverse", "x -> 1 / x.", lambda x: 1 / x, Output("y", hint="one over x."))],
        [Case("two", {"x": 2.0})],
        [Mistake("a loop over a number", lambda x: [1 / v for v in x], "no loop.")],
    )
    result = run_exercise(table, [lambda x: -x], verbose=False)
    assert _hints(result) == ["one over x."]
