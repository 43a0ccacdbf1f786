"""Run a reader's function on cases and report: the crash-proof core of every exercise check.

A check is a list of *cases*. Each case is run with a :class:`Trial`, which calls the
reader's function through :meth:`Trial.call` (turning ``NotImplementedError``, a ``None``
result and any other exception into a report, never a traceback) and compares the answer
with the expected value through :meth:`Trial.expect`, which knows the typical wrong answers
of that case: when the answer equals one of them, the hint names that mistake.

:func:`run_checks` runs the cases, prints what passed and, for a failure, the input, the
expected value, the value given and a hint, and returns a :class:`CheckResult`. It never
raises on a wrong answer, so the reader's notebook keeps running; with ``strict=True`` (the
tests that run the reference solutions) it raises :class:`ExerciseCheckError` instead, so a
checker that rejects a correct answer fails the tests. The exercises describe their cases
as tables (:mod:`nnbook.exercises.table`), which :func:`~nnbook.exercises.table.run_exercise`
turns into cases for :func:`run_checks`.

Whatever the reader's function does, each case ends in a report: an exception (even
``SystemExit``), an argument changed in place (an array, or a list emptied), numpy's
functions replaced (they are restored, and the harness compares with its own copies, taken
at import), or a value the checker cannot use (a str, a generator, a wrong shape).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ._guard import (
    UNTRACKED,
    allclose,
    array_equal,
    asarray,
    copy_or_same,
    errstate,
    isfinite,
    reader_line,
    restore_numpy,
    same,
    snapshot,
    unchanged,
)
from ._report import (
    NOT_IMPLEMENTED,
    CaseResult,
    CheckResult,
    ExerciseCheckError,
    kind,
    report_text,
    safe_message,
    show,
)

__all__ = [
    "NOT_IMPLEMENTED",
    "CaseResult",
    "CheckResult",
    "ExerciseCheckError",
    "Trial",
    "run_checks",
    "show",
]

#: Hints for errors of any exercise; a checker adds its own through ``error_hints``.
DEFAULT_ERROR_HINTS = {
    "could not be broadcast": (
        "two arrays' shapes do not fit together: print the .shape of each array on the "
        "line the error points to, and compare them with the shapes in the docstring."
    ),
    "truth value of an array": (
        "Python's max, min, `if` and `and` work on single numbers; for arrays use numpy's "
        "elementwise functions and comparisons, which act on every element at once."
    ),
    "matmul": (
        "the inner sizes of a matrix product must agree: print the .shape of both "
        "operands and compare them with the shapes in the docstring."
    ),
}
_GENERAL_ERROR_HINT = (
    "read the error message and the line it points to; try the case above by hand in a new cell."
)
_EXIT_HINT = (
    "sys.exit(), exit() and quit() stop the whole program: end the function with "
    "`return ...` and return the value instead."
)


class _NotImplemented(Exception):
    """The reader's function is still the stub."""


class _Failure(Exception):
    """One case failed; ``lines`` say how."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class Trial:
    """Call the reader's function and compare its answer, for one case.

    Parameters
    ----------
    error_hints : mapping of str to str
        Words of an exception message (e.g. ``"could not be broadcast"``) to the hint shown
        when the reader's function raises an exception with those words.
    """

    def __init__(self, error_hints: Mapping[str, str]) -> None:
        self.error_hints = error_hints
        self.inputs: dict[str, Any] = {}  # copies, shown as they were before the call
        self._objects: dict[str, Any] = {}  # the objects themselves, to name a changed one
        self.note = ""
        self.last_called = ""  # the name of the reader's function called last

    def given(self, **inputs: Any) -> None:
        """Record the inputs of this case, shown in its report if it fails.

        Record them in the order the reader's function takes them: an argument changed in
        place is named by its position when it is a copy of a recorded input.
        """
        self._objects.update(inputs)
        self.inputs.update({k: copy_or_same(v) for k, v in inputs.items()})

    def _input_lines(self) -> list[str]:
        return [f"input:    {name} = {show(v)}" for name, v in self.inputs.items()]

    def fail(self, hint: str, **values: Any) -> None:
        """Fail this case with a hint; ``values`` (e.g. ``expected=..., given=...``) are shown."""
        lines = self._input_lines()
        lines += [f"{name + ':':9} {show(v)}" for name, v in values.items()]
        lines.append(f"hint:     {hint}")
        raise _Failure(lines)

    def unpack(self, out: Any, names: Sequence[str], *, what: str) -> tuple:
        """Check that ``out`` is a tuple or list of ``len(names)`` values and return them."""
        if not isinstance(out, (tuple, list)) or len(out) != len(names):
            got = (
                f"{len(out)} values"
                if isinstance(out, (tuple, list))
                else f"one {type(out).__name__}"
            )
            self.fail(
                f"{what} should return {len(names)} values, "
                f"`return {', '.join(names)}`; it returned {got}.",
                given=out,
            )
        return tuple(out)

    def array(self, given: Any, *, what: str, shape: tuple[int, ...]) -> np.ndarray:
        """Return ``given`` as a float64 array of ``shape``, or fail the case saying why.

        For checker code that computes with an answer (a finite-difference loss, say)
        rather than only comparing it: a str, a ragged list or a wrong shape fails the
        case with a report instead of raising inside the checker. With ``shape == ()``, an
        array holding one number is accepted as that number.
        """
        arr = self._numeric(given, what=what, shape=shape)
        if shape == () and arr.size == 1:
            arr = arr.reshape(())
        if arr.shape != shape:
            self.fail(_shape_hint(what, shape, arr.shape), given=arr)
        return arr.astype(np.float64)

    def _numeric(self, given: Any, *, what: str, shape: tuple[int, ...]) -> np.ndarray:
        try:
            arr = asarray(given)
            numeric = arr.dtype.kind in "biuf"
        except Exception:  # ragged lists, objects whose __array__ raises, and the like
            numeric = False
        if not numeric:
            wanted = (
                "one number" if shape == () else f"a number or a numeric array of shape {shape}"
            )
            self.fail(f"{what} should be {wanted}, but it is {kind(given)}.", given=given)
        return arr

    def call(self, fn: Callable, *args: Any, name: str | None = None) -> Any:
        """Return ``fn(*args)``, or end the case with a report instead of a traceback.

        A ``NotImplementedError`` or a result of ``None`` or ``...`` ends the whole check as
        "not implemented yet"; any other exception (``SystemExit`` and other
        ``BaseException`` subclasses too, all but ``KeyboardInterrupt``) fails the case,
        reporting its type, its message, the line that raised it and a hint. An argument
        changed in place (an array, or a list or dict, at any depth) fails the case too,
        and so does a function of numpy replaced since the harness was imported (it is
        put back).
        """
        name = name or getattr(fn, "__name__", "your function")
        self.last_called = name
        before = [snapshot(a) for a in args]
        try:
            with errstate(all="ignore"):  # overflows are reported through the values
                out = fn(*args)
        except NotImplementedError:
            restore_numpy()
            raise _NotImplemented(name) from None
        except KeyboardInterrupt:  # the reader stops the check
            restore_numpy()
            raise
        except BaseException as exc:  # the reader's code may raise anything, SystemExit too
            restore_numpy()
            lines = self._input_lines()
            message = safe_message(exc)
            lines.append(f"error:    {name} raised {type(exc).__name__}: {message}")
            where = reader_line(exc, fn)
            if where:
                lines.append(f"at:       {where}")
            if isinstance(exc, SystemExit):
                hint = _EXIT_HINT
            else:
                hint = next(
                    (h for words, h in self.error_hints.items() if words in message),
                    _GENERAL_ERROR_HINT,
                )
            lines.append(f"hint:     {hint}")
            raise _Failure(lines) from None
        replaced = restore_numpy()
        if replaced:
            ours = [n for n in replaced if "." not in n]
            named = ([f"numpy's {', '.join(ours)}"] if ours else []) + [
                n for n in replaced if "." in n
            ]
            self.fail(
                f"{' and '.join(named)} {'was' if len(replaced) == 1 else 'were'} replaced "
                f"(by {name} or by code run before the check): a solution computes its "
                f"answer and leaves numpy and nncore as they are. The checker has put "
                f"their own functions back."
            )
        changed = [
            i
            for i, (arg, copy_) in enumerate(zip(args, before, strict=True))
            if copy_ is not UNTRACKED and not unchanged(arg, copy_)
        ]
        if (out is None or out is Ellipsis) and not changed:
            raise _NotImplemented(name)
        for i in changed[:1]:
            self.fail(
                f"{name} changed its input {self._label(args, i)} in place (for example "
                f"with z[z < 0] = 0, w -= ... or a list's pop). Leave the inputs as they "
                f"are: build new arrays or lists from them and return those; the caller "
                f"may still need the originals.",
                now=args[i],
            )  # the input after the call
        return out

    def _label(self, args: Sequence[Any], i: int) -> str:
        """The name of argument ``i``: the recorded input it is, or at its position."""
        label = next((k for k, v in self._objects.items() if v is args[i]), None)
        if label is None and len(self.inputs) == len(args):
            label = list(self.inputs)[i]  # a copy of the input recorded at that position
        return label or f"argument {i + 1}"

    def promised_dtype(
        self, arr: np.ndarray, expected: Any, *, what: str, dtype: Any, explained: bool = False
    ) -> None:
        """Fail the case when ``arr`` does not have the ``dtype`` its docstring promises.

        The dtype is checked before the values, so a float32 answer is told about its dtype
        rather than about values off by float32's rounding. Only when the values are far
        off and ``explained`` (a typical mistake of the table returns them, e.g. a bool
        mask) does this pass, leaving the mistake's hint to the report.
        """
        wanted = np.dtype(dtype)
        if arr.dtype == wanted:
            return
        close = bool(allclose(arr.astype(np.float64), expected, rtol=1e-2, atol=1e-3))
        if explained and not close:
            return
        advice = (
            "make it a float array (np.zeros, np.ones and np.eye give float64 by default)"
            if arr.dtype.kind in "biu"
            else f"keep numpy's {wanted} and do not convert the result (astype, dtype=...)"
        )
        values = "the right values but " if close else ""
        self.fail(
            f"{what} has {values}dtype {arr.dtype}; its docstring promises {wanted}: {advice}.",
            expected=expected,
            given=arr,
        )

    def expect(
        self,
        given: Any,
        expected: Any,
        *,
        what: str,
        hint: str,
        mistakes: Sequence[tuple[str, Any]] = (),
        exact: bool = False,
        rtol: float = 1e-7,
        atol: float = 1e-10,
        dtype: Any = None,
    ) -> None:
        """Fail the case unless ``given`` equals ``expected`` (to ``rtol``/``atol``, or exactly).

        Parameters
        ----------
        given, expected : array_like or number
        what : str
            What the value is, e.g. ``"relu_backward(grad_output, z)"``.
        hint : str
            Shown when the answer is wrong in a way none of ``mistakes`` explains.
        mistakes : sequence of (str, array_like)
            Typical wrong answers for this case and the hint naming each mistake: when
            ``given`` equals one of them, its hint is shown.
        exact : bool
            Require bitwise-equal values (e.g. a gradient that must be exactly 0).
        dtype : numpy dtype, optional
            The dtype the exercise's docstring promises (e.g. ``np.float64``): another
            dtype fails the case, even with values right to that dtype's precision.
        """
        expected = asarray(expected)
        arr = self._numeric(given, what=what, shape=expected.shape)
        matched = next(
            (h for h, wrong in mistakes if same(arr, asarray(wrong), exact, rtol=rtol, atol=atol)),
            None,
        )
        if arr.shape != expected.shape:
            self.fail(
                matched or _shape_hint(what, expected.shape, arr.shape),
                expected=expected,
                given=arr,
            )
        if dtype is not None:
            self.promised_dtype(
                arr, expected, what=what, dtype=dtype, explained=matched is not None
            )
        ok = array_equal(arr, expected) if exact else allclose(arr, expected, rtol=rtol, atol=atol)
        if not ok:
            if matched is None and not np.all(isfinite(arr)) and np.all(isfinite(expected)):
                matched = (
                    f"{what} contains nan or inf where every value should be finite: "
                    f"look for an overflow (exp of a large number) or a division by 0."
                )
            if matched is None and exact and allclose(arr, expected, rtol=rtol, atol=atol):
                matched = (
                    f"{what} is close but not exactly equal to the expected value; "
                    f"here it must be exact (a product with 0 is exactly 0)."
                )
            self.fail(matched or hint, expected=expected, given=arr)


def _shape_hint(what: str, wanted: tuple[int, ...], got: tuple[int, ...]) -> str:
    if wanted == ():
        return f"{what} should be one number, not an array of shape {got}."
    transposed = len(got) == 2 and got == wanted[::-1]
    return f"{what} should have shape {wanted}, not {got}." + (
        " Is it transposed?" if transposed else ""
    )


def _crash_report(trial: Trial, exc: Exception) -> str:
    """The report of a case whose checking code raised on the value the reader returned."""
    whose = f"what {trial.last_called} returned" if trial.last_called else "the answer"
    lines = trial._input_lines()
    lines.append(
        f"error:    the checker could not use {whose}: {type(exc).__name__}: {safe_message(exc)}"
    )
    lines.append(
        "hint:     compare the type and shape of what your function returns with its "
        "docstring (print(type(result)), print(result.shape))."
    )
    return "\n".join(lines)


def run_checks(
    exercise: str,
    functions: Mapping[str, Any],
    cases: Sequence[tuple[str, Callable[[Trial], None]]],
    *,
    strict: bool = False,
    verbose: bool = True,
    error_hints: Mapping[str, str] | None = None,
) -> CheckResult:
    """Run every case, print the report and return the result.

    Parameters
    ----------
    exercise : str
        The exercise's title, printed first.
    functions : mapping of str to callable
        The reader's functions by name, checked to be callable before any case runs.
    cases : sequence of (str, callable)
        Each case's name and a function taking a :class:`Trial`; it raises through the
        trial's methods when the answer is wrong.
    strict : bool, default False
        Raise :class:`ExerciseCheckError` (with the report) unless every case passes.
    verbose : bool, default True
        Print the report.
    error_hints : mapping of str to str, optional
        See :class:`Trial`; they add to (or replace) :data:`DEFAULT_ERROR_HINTS`.

    Returns
    -------
    CheckResult
    """
    hints = {**DEFAULT_ERROR_HINTS, **(error_hints or {})}
    not_callable = [name for name, f in functions.items() if not callable(f)]
    if not_callable:
        name = not_callable[0]
        message = (
            f"hint:     expected a function for {name}, got {type(functions[name]).__name__}. "
            f"Pass the function itself: the name without parentheses."
        )
        results, missing = [CaseResult("a function to check", False, message)], ""
    else:
        results, missing = _run_cases(cases, hints)
    implemented = not missing
    report = report_text(exercise, results, implemented, missing)
    passed = implemented and bool(results) and all(r.passed for r in results)
    result = CheckResult(exercise, passed, implemented, tuple(results), report)
    if verbose:
        print(report)
    if strict and not passed:
        raise ExerciseCheckError(f"the checker rejected {', '.join(functions)}:\n{report}")
    return result


def _run_cases(
    cases: Sequence[tuple[str, Callable[[Trial], None]]], hints: Mapping[str, str]
) -> tuple[list[CaseResult], str]:
    """Each case's result, and the stub still to write ("" once every function is written)."""
    results: list[CaseResult] = []
    for case_name, run in cases:
        trial = Trial(hints)
        restore_numpy()  # expected values from nncore's own functions, even if a cell patched them
        try:
            # the checker's own reference values: a reader's np.seterr(all="raise") must not
            # make them raise and the answer be blamed (the reader's calls ignore it too)
            with errstate(all="ignore"):
                run(trial)
        except _NotImplemented as stub:
            return [], str(stub)
        except _Failure as failure:
            results.append(CaseResult(case_name, False, "\n".join(failure.lines)))
        except Exception as exc:  # the checker's own code, on a value it cannot use
            results.append(CaseResult(case_name, False, _crash_report(trial, exc)))
        else:
            results.append(CaseResult(case_name, True, note=trial.note))
    return results, ""
