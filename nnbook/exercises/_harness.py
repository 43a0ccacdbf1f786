"""How one row of an exercise's table is run: call, unpack, compare with mistakes, report.

:func:`run_case` runs a :class:`~nnbook.exercises.table.Case` and
:func:`run_gradient_check` a :class:`~nnbook.exercises.table.GradientCheck`, each through
a :class:`~nnbook.exercises._core.Trial` (which makes every crash of the reader's
function a report). The tables' own module, :mod:`nnbook.exercises.table`, puts them
together in :func:`~nnbook.exercises.table.run_exercise`.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

import nncore as nc

from ._guard import asarray, errstate
from ._report import kind

if TYPE_CHECKING:
    from ._core import Trial
    from .table import Case, ExerciseTable, Function, GradientCheck, Mistake, Output

#: For each mistake, its hint and the values it returns on a case's inputs.
Wrong = list[tuple[str, Sequence[Any]]]


def run_case(
    exercise: ExerciseTable, given: Mapping[str, Callable], case: Case, trial: Trial
) -> None:
    """Call the reader's function on the case's inputs and compare each value it returns.

    The comparison stops at the first wrong value; its hint is that of the first mistake
    of the table whose wrong answer returns the same value, else the output's own hint.
    """
    function = exercise.function(case.function)
    trial.given(**case.inputs)
    expected = _values(function, function.reference(*_copies(case.inputs)))
    out = trial.call(given[function.name], *_copies(case.inputs))
    answers = _unpack(trial, function, out)
    wrong = _wrong_values(exercise.mistakes_of(function.name), function, case.inputs)
    for k, output in enumerate(function.returns):
        exact = output.exact if case.exact is None else case.exact
        mistakes = [(hint, values[k]) for hint, values in wrong]
        _compare(trial, output, answers[k], expected[k], mistakes, exact)
    trial.note = case.note


def run_gradient_check(
    exercise: ExerciseTable, given: Mapping[str, Callable], check: GradientCheck, trial: Trial
) -> None:
    """Compare the reader's gradient with centred finite differences of the check's loss."""
    trial.given(**check.inputs)
    inputs = dict(zip(check.inputs, _copies(check.inputs), strict=True))

    def answer(name: str, *args: Any) -> Any:
        """The reader's ``name(*args)``, its values checked against the reference's."""
        function = exercise.function(name)
        expected = _values(function, function.reference(*copy.deepcopy(args)))
        out = trial.call(given[name], *copy.deepcopy(args))
        values = [
            _checked(trial, output, value, exp)
            for output, value, exp in zip(
                function.returns, _unpack(trial, function, out), expected, strict=True
            )
        ]
        return values[0] if len(values) == 1 else tuple(values)

    analytic = check.gradient(answer, **inputs)
    point = inputs[check.wrt]  # changed in place, and restored, by the finite differences
    points, gradients = (point, analytic) if isinstance(point, list) else ([point], [analytic])
    worst = 0.0
    for i, (p, gradient) in enumerate(zip(points, gradients, strict=True)):
        numerical = nc.numerical_gradient(lambda: float(check.loss(answer, **inputs)), p)
        error = nc.relative_error(gradient, numerical)
        worst = max(worst, error)
        if not error < check.tolerance:
            hint = check.hint.format(i=i, error=error, tolerance=check.tolerance)
            trial.fail(hint, expected=numerical, given=gradient)
    trial.note = f"largest relative error {worst:.1e}"


def _copies(inputs: Mapping[str, Any]) -> list[Any]:
    """Deep copies of the inputs, in order: nothing a function does changes the table."""
    return [copy.deepcopy(v) for v in inputs.values()]


def _values(function: Function, out: Any) -> list[Any]:
    """What ``function`` returned, as a list with one item per output."""
    if len(function.returns) == 1:
        return [out]
    values = list(out)
    if len(values) != len(function.returns):
        raise ValueError(f"{function.name}: {len(values)} values, not {len(function.returns)}")
    return values


def _unpack(trial: Trial, function: Function, out: Any) -> list[Any]:
    """The reader's values, one per output, or a failed case when their number is wrong."""
    if len(function.returns) == 1:
        return [out]
    names = [output.name for output in function.returns]
    return list(trial.unpack(out, names, what=function.name))


def _wrong_values(mistakes: Sequence[Mistake], function: Function, inputs: Mapping) -> Wrong:
    """Each mistake's hint and what its wrong answer returns on ``inputs``.

    A wrong answer that raises on these inputs, or returns the wrong number of values,
    explains nothing here and is left out.
    """
    found: Wrong = []
    for mistake in mistakes:
        try:
            with errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found.append((mistake.hint, _values(function, mistake.answer(*_copies(inputs)))))
        except Exception:
            continue
    return found


def _numeric(mistakes: Sequence[tuple[str, Any]]) -> list[tuple[str, np.ndarray]]:
    """The mistakes whose value is a numeric array (or number), as arrays."""
    kept = []
    for hint, value in mistakes:
        try:
            arr = asarray(value)
        except Exception:  # a ragged list, say
            continue
        if arr.dtype.kind in "biuf":
            kept.append((hint, arr))
    return kept


def _compare(
    trial: Trial,
    output: Output,
    value: Any,
    expected: Any,
    mistakes: Sequence[tuple[str, Any]],
    exact: bool,
) -> None:
    """Fail the trial unless ``value`` is the expected value of ``output``."""
    what = output.what or output.name
    if output.number:
        value = trial.array(value, what=what, shape=())
    if output.items:
        items = _items(trial, output, value, expected)
        for i, (item, exp) in enumerate(zip(items, expected, strict=True)):
            _promised_array(trial, value[i], exp, what=f"{output.name}[{i}]")
            wrong = [
                (hint, w[i])
                for hint, w in mistakes
                if isinstance(w, (list, tuple)) and len(w) == len(expected)
            ]
            trial.expect(
                item,
                exp,
                what=f"{output.name}[{i}]",
                hint=output.hint,
                mistakes=_numeric(wrong),
                exact=exact,
                rtol=output.rtol,
                atol=output.atol,
                dtype=_promised_dtype(output, exp),
            )
        return
    if not output.number:
        _promised_array(trial, value, expected, what=what)
    trial.expect(
        value,
        expected,
        what=what,
        hint=output.hint,
        mistakes=_numeric(mistakes),
        exact=exact,
        rtol=output.rtol,
        atol=output.atol,
        dtype=_promised_dtype(output, expected),
    )
    if output.whole and not isinstance(value, (int, np.integer)):
        trial.fail(
            f"{what} is a whole number, a count: return an int (a sum of ints is one), "
            f"not {kind(value)}.",
            expected=expected,
            given=value,
        )


def _items(trial: Trial, output: Output, value: Any, expected: Sequence[Any]) -> list[np.ndarray]:
    """The list ``value`` as float64 arrays shaped like ``expected``'s, or a failed case."""
    wanted = f"{output.name} should be a list of {len(expected)}, {output.items}"
    if not isinstance(value, (list, tuple)):
        trial.fail(f"{wanted}; it is {kind(value)}.", given=value)
    if len(value) != len(expected):
        trial.fail(f"{wanted}; it has {len(value)}.", given=value)
    return [
        trial.array(item, what=f"{output.name}[{i}]", shape=np.shape(exp))
        for i, (item, exp) in enumerate(zip(value, expected, strict=True))
    ]


def _checked(trial: Trial, output: Output, value: Any, expected: Any) -> Any:
    """``value`` as float64 array(s) of the expected shape(s) and dtype, or a failed case."""
    if output.items:
        items = _items(trial, output, value, expected)
        for i, exp in enumerate(expected):
            what = f"{output.name}[{i}]"
            _promised_array(trial, value[i], exp, what=what)
            dtype = _promised_dtype(output, exp)
            if dtype is not None:
                trial.promised_dtype(asarray(value[i]), exp, what=what, dtype=dtype)
        return items
    what = output.what or output.name
    if not output.number:
        _promised_array(trial, value, expected, what=what)
    arr = trial.array(value, what=what, shape=np.shape(expected))
    dtype = _promised_dtype(output, expected)
    if dtype is not None:  # value is numeric: trial.array has checked it
        trial.promised_dtype(asarray(value), expected, what=what, dtype=dtype)
    return arr


def _promised_dtype(output: Output, expected: Any) -> Any:
    """The dtype ``output`` promises: its own, else float64 for a float64 array expected.

    A number (``output.number``) may be a Python float, so promises no dtype of its own.
    """
    if output.dtype is not None:
        return output.dtype
    if not output.number and isinstance(expected, np.ndarray) and expected.dtype == np.float64:
        return np.float64
    return None


def _promised_array(trial: Trial, value: Any, expected: Any, *, what: str) -> None:
    """Fail the trial when an array is expected and ``value`` is a list, tuple or subclass.

    The docstrings promise a ``numpy.ndarray``: a list has no ``.shape`` and adds up
    differently (``+`` joins lists), and a subclass such as ``np.matrix`` multiplies with
    ``*`` and indexes rows differently, so neither is accepted even with the right values.
    """
    if not isinstance(expected, np.ndarray) or type(value) is np.ndarray:
        return
    if isinstance(value, (list, tuple)):
        trial.fail(
            f"{what} is a Python {type(value).__name__}: return a numpy array "
            f"(np.asarray(...)), not a {type(value).__name__}; its docstring promises a "
            f"numpy.ndarray.",
            expected=expected,
            given=value,
        )
    if isinstance(value, np.ndarray):
        trial.fail(
            f"{what} is a {type(value).__module__}.{type(value).__name__}, a subclass of "
            f"numpy.ndarray whose *, indexing and shapes behave differently: return a plain "
            f"numpy array (np.asarray(...)), as its docstring promises.",
            expected=expected,
            given=asarray(value),
        )
