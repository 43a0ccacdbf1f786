"""The checkers' crash-proof core, run_checks and its Trial: reports, stubs, errors, strict."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.exercises import NOT_IMPLEMENTED, CheckResult, ExerciseCheckError
from nnbook.exercises._core import run_checks


def _double_checker(fn, *, strict=False, verbose=True):
    """A small checker: ``fn(x)`` must return ``2 * x``; ``x + x + 1`` is a known mistake."""

    def case_for(x):
        def run(trial):
            trial.given(x=x)
            out = trial.call(fn, x)
            trial.expect(
                out,
                2 * x,
                what="double(x)",
                hint="multiply by 2.",
                mistakes=[("you added 1 as well.", 2 * x + 1)],
            )

        return run

    cases = [
        ("a vector", case_for(np.array([1.0, -2.0]))),
        ("a batch of one", case_for(np.array([[3.0]]))),
    ]
    return run_checks("double", {"double": fn}, cases, strict=strict, verbose=verbose)


def test_a_right_answer_passes_every_case_and_says_so(capsys):
    result = _double_checker(lambda x: 2 * x)
    assert isinstance(result, CheckResult)
    assert result.passed and result.implemented and bool(result)
    assert [c.name for c in result.cases] == ["a vector", "a batch of one"]
    out = capsys.readouterr().out
    assert "double: all passed." in out
    assert "✓ a vector" in out and "✓ a batch of one" in out


def test_a_known_mistake_gets_its_own_hint_with_input_expected_and_given(capsys):
    result = _double_checker(lambda x: 2 * x + 1)
    assert not result.passed and result.implemented
    assert len(result.failures) == 2
    out = capsys.readouterr().out
    assert "0 of 2 cases passed" in out
    assert "input:    x = [ 1., -2.]" in out
    assert "expected: [ 2., -4.]" in out
    assert "given:    [ 3., -3.]" in out
    assert "hint:     you added 1 as well." in out
    assert "(the same hint as above)" in out  # the second failure is not repeated in full


def test_an_unknown_wrong_answer_gets_the_general_hint():
    result = _double_checker(lambda x: 3 * x, verbose=False)
    assert "hint:     multiply by 2." in result.failures[0].message


@pytest.mark.parametrize("stub_body", ["raise", "none", "ellipsis"])
def test_a_stub_not_yet_filled_in_is_reported_as_not_implemented(stub_body, capsys):
    def stub(x):
        if stub_body == "raise":
            raise NotImplementedError
        if stub_body == "ellipsis":
            return ...
        return None

    result = _double_checker(stub)
    assert not result.passed and not result.implemented and result.cases == ()
    out = capsys.readouterr().out
    assert f"double: {NOT_IMPLEMENTED}." in out
    assert "Traceback" not in out


def test_a_raising_function_is_reported_with_type_message_and_line_not_raised(capsys):
    def double(x):
        y = x * 2
        return y[10]

    result = _double_checker(double)  # must not raise
    assert not result.passed and result.implemented
    message = result.failures[0].message
    assert "double raised IndexError: index 10 is out of bounds" in message
    assert "line 3 of double: return y[10]" in message
    assert "Traceback" not in capsys.readouterr().out


def test_a_function_changing_its_input_in_place_fails_even_if_it_returns_nothing():
    def double(x):
        x *= 2

    result = _double_checker(double, verbose=False)
    assert result.implemented and not result.passed
    message = result.failures[0].message
    assert "changed its input x in place" in message
    assert "input:    x = [ 1., -2.]" in message  # shown as it was before the call


def test_a_wrong_shape_says_so_and_suggests_a_transpose():
    def check(fn):
        def run(trial):
            trial.expect(fn(), np.zeros((2, 3)), what="f()", hint="-")

        return run_checks("f", {"f": fn}, [("shape", run)], verbose=False)

    message = check(lambda: np.zeros((3, 2))).failures[0].message
    assert "f() should have shape (2, 3), not (3, 2). Is it transposed?" in message


def test_nan_in_the_answer_is_named():
    result = _double_checker(lambda x: x * np.nan, verbose=False)
    assert "contains nan or inf" in result.failures[0].message


def test_something_not_callable_is_reported():
    result = _double_checker(np.array([2.0, -4.0]), verbose=False)
    assert not result.passed
    assert "expected a function for double, got ndarray" in result.failures[0].message


@pytest.mark.parametrize("fn", [lambda x: 2 * x + 1, lambda x: None])
def test_strict_mode_raises_with_the_report(fn):
    with pytest.raises(ExerciseCheckError, match="the checker rejected double"):
        _double_checker(fn, strict=True, verbose=False)


def test_strict_mode_returns_quietly_for_a_right_answer(capsys):
    result = _double_checker(lambda x: 2 * x, strict=True, verbose=False)
    assert result.passed
    assert capsys.readouterr().out == ""


def test_the_result_shows_nothing_more_in_a_notebook_and_a_short_repr_elsewhere():
    result = _double_checker(lambda x: 2 * x + 1, verbose=False)
    assert repr(result) == "CheckResult('double': 0 of 2 cases passed)"
    assert str(result) == result.report
    assert result._ipython_display_() is None


def test_sys_exit_in_an_answer_is_reported_not_raised():
    import sys

    def double(x):
        sys.exit("done")

    result = _double_checker(double, verbose=False)  # must not raise SystemExit
    assert result.implemented and not result.passed
    message = result.failures[0].message
    assert "double raised SystemExit: done" in message
    assert "return the value instead" in message


class _Unprintable:
    def __repr__(self):
        raise RuntimeError("no repr for you")

    __str__ = __repr__


class _UnprintableError(Exception):
    def __str__(self):
        raise RuntimeError("no message either")


def test_an_answer_whose_repr_raises_is_reported():
    result = _double_checker(lambda x: _Unprintable(), verbose=False)
    assert result.implemented and not result.passed
    message = result.failures[0].message
    assert "should be a number or a numeric array" in message
    assert "_Unprintable object (its repr raised RuntimeError)" in message


def test_an_exception_whose_message_raises_is_reported():
    def double(x):
        raise _UnprintableError

    message = _double_checker(double, verbose=False).failures[0].message
    assert "double raised _UnprintableError: (its message raised RuntimeError)" in message


def test_an_answer_that_patches_numpy_fails_and_numpy_is_restored():
    real_allclose, real_array_equal = np.allclose, np.array_equal

    def double(x):
        np.allclose = lambda *args, **kwargs: True
        np.array_equal = lambda *args, **kwargs: True
        return 3 * x  # wrong, and the patched comparisons would call it right

    try:
        result = _double_checker(double, verbose=False)
    finally:
        patched = np.allclose is not real_allclose
        np.allclose, np.array_equal = real_allclose, real_array_equal
    assert not patched, "numpy was left patched"
    assert not result.passed and len(result.failures) == 2
    message = result.failures[0].message
    assert "numpy's allclose, array_equal were replaced (by double" in message


def test_numpy_patched_before_the_checker_runs_does_not_fool_it():
    real_allclose = np.allclose
    np.allclose = lambda *args, **kwargs: True
    try:
        result = _double_checker(lambda x: 3 * x, verbose=False)
    finally:
        np.allclose = real_allclose
    assert not result.passed and len(result.failures) == 2


def _list_checker(fn):
    """``fn(sizes)`` must return ``sum(sizes)``."""

    def run(trial):
        sizes = [1, 2, 3]
        trial.given(sizes=sizes)
        out = trial.call(fn, sizes)
        trial.expect(out, 6, what="total(sizes)", hint="add them.", exact=True)

    return run_checks("total", {"total": fn}, [("three sizes", run)], verbose=False)


def test_an_answer_that_empties_a_list_argument_fails():
    def total(sizes):
        n = 0
        while sizes:
            n += sizes.pop(0)
        return n

    result = _list_checker(total)
    assert not result.passed
    message = result.failures[0].message
    assert "total changed its input sizes in place" in message
    assert "input:    sizes = [1, 2, 3]" in message  # as it was before the call
    assert "now:      []" in message


def test_an_answer_that_changes_an_array_inside_a_list_fails():
    def run(trial):
        weights = [np.ones(2), np.zeros(2)]
        trial.given(weights=weights)
        trial.call(lambda ws: ws[0].fill(5.0) or 1.0, weights, name="f")

    result = run_checks("f", {"f": len}, [("list", run)], verbose=False)
    assert "f changed its input weights in place" in result.failures[0].message


def test_a_crash_of_the_checker_on_an_odd_answer_is_a_per_case_report():
    def run(trial):
        out = trial.call(lambda: "a string", name="f")
        float(np.sum(np.asarray(out, dtype=float)))  # checker code that trusts the answer

    result = run_checks("f", {"f": len}, [("odd", run), ("odd again", run)], verbose=False)
    assert [c.passed for c in result.cases] == [False, False]
    message = result.failures[0].message
    assert "the checker could not use what f returned" in message
    assert "ValueError" in message


def test_the_default_broadcast_hint_speaks_of_no_particular_exercise():
    result = _double_checker(lambda x: x + np.ones(3), verbose=False)
    message = result.failures[0].message
    assert "print the .shape of each array" in message
    for word in ("softmax", "z.max", "keepdims", "x @ W.T"):
        assert word not in message


def test_a_float64_promise_refuses_float32_and_float16():
    def check(fn):
        def run(trial):
            out = trial.call(fn, name="f")
            trial.expect(out, np.array([0.5, 0.25]), what="f()", hint="-", dtype=np.float64)

        return run_checks("f", {"f": fn}, [("dtype", run)], verbose=False)

    assert check(lambda: np.array([0.5, 0.25])).passed
    for dtype in (np.float32, np.float16):
        result = check(lambda dtype=dtype: np.array([0.5, 0.25], dtype=dtype))
        assert not result.passed
        message = result.failures[0].message
        assert f"f() has the right values but dtype {np.dtype(dtype).name}" in message
        assert "float64" in message


def test_an_interrupt_stops_the_check_and_leaves_numpy_as_it_was():
    real_exp = np.exp

    def double(x):
        np.exp = None
        raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            _double_checker(double, verbose=False)
    finally:
        restored = np.exp is real_exp
        np.exp = real_exp
    assert restored
