"""The shared machinery of the coding exercises: run a reader's function on cases, report.

A checker is a list of *cases*. Each case calls the reader's function through
:meth:`Case.call` (which turns ``NotImplementedError``, a ``None`` result and any other
exception into a report, never a traceback) and compares the answer with the expected
value through :meth:`Case.expect`, which knows the typical wrong answers of that exercise:
when the answer equals one of them, the hint names that mistake.

:func:`run_checks` runs the cases, prints what passed and, for a failure, the input, the
expected value, the value given and a hint, and returns a :class:`CheckResult`. It never
raises on a wrong answer, so the reader's notebook keeps running; with ``strict=True`` (the
book's hidden cells, which run the reference solutions) it raises
:class:`ExerciseCheckError` instead, so a checker that rejects a correct answer fails the
build.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "NOT_IMPLEMENTED",
    "Case",
    "CaseResult",
    "CheckResult",
    "ExerciseCheckError",
    "run_checks",
    "show",
]

#: The words a reader sees for a stub not yet filled in.
NOT_IMPLEMENTED = "not implemented yet"

PASS_MARK, FAIL_MARK = "✓", "✗"


class ExerciseCheckError(AssertionError):
    """A checker rejected a function in strict mode (used to check reference solutions)."""


class _NotImplemented(Exception):
    """The reader's function is still the stub."""


class _Failure(Exception):
    """One case failed; ``lines`` say how."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case.

    Attributes
    ----------
    name : str
        What the case tries, e.g. ``"z exactly 0"``.
    passed : bool
    message : str
        For a failure: the input, the expected value, the value given and a hint.
    note : str
        For a pass: an optional measured figure, e.g. a gradient check's relative error.
    """

    name: str
    passed: bool
    message: str = ""
    note: str = ""


@dataclass(frozen=True)
class CheckResult:
    """What a checker found.

    Attributes
    ----------
    exercise : str
        The exercise's title.
    passed : bool
        True when every case passed.
    implemented : bool
        False while the function is still the stub (then ``cases`` is empty).
    cases : tuple of CaseResult
    report : str
        The text the checker printed.
    """

    exercise: str
    passed: bool
    implemented: bool
    cases: tuple[CaseResult, ...]
    report: str

    def __bool__(self) -> bool:
        return self.passed

    @property
    def failures(self) -> list[CaseResult]:
        """The cases that failed."""
        return [c for c in self.cases if not c.passed]

    def __str__(self) -> str:
        return self.report

    def __repr__(self) -> str:
        state = (
            NOT_IMPLEMENTED
            if not self.implemented
            else (f"{sum(c.passed for c in self.cases)} of {len(self.cases)} cases passed")
        )
        return f"CheckResult({self.exercise!r}: {state})"

    def _ipython_display_(self) -> None:
        """Show nothing more in a notebook: the checker has printed the report already."""


def show(value: Any) -> str:
    """A short, readable text for a value in a report (arrays with their shape)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return show(value.item())
    if isinstance(value, np.ndarray):
        body = np.array2string(
            value,
            precision=4,
            threshold=60,
            edgeitems=3,
            max_line_width=90,
            suppress_small=True,
            separator=", ",
        )
        body = body.replace("\n", "\n" + " " * 10)  # under the first row, after "expected: "
        return f"{body}  (shape {value.shape}, dtype {value.dtype})"
    if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
        inner = ", ".join(show(v) for v in value)
        return f"{type(value).__name__} of {len(value)}: {inner}"
    if isinstance(value, (float, np.floating)):
        text = repr(float(value))
        return text if len(text) <= 12 else f"{float(value):.8g}"
    return repr(value)


class Case:
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

    def given(self, **inputs: Any) -> None:
        """Record the inputs of this case, shown in its report if it fails."""
        self._objects.update(inputs)
        self.inputs.update(
            {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in inputs.items()}
        )

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

    def call(self, fn: Callable, *args: Any, name: str | None = None) -> Any:
        """Return ``fn(*args)``, or end the case with a report instead of a traceback.

        A ``NotImplementedError`` or a result of ``None`` or ``...`` ends the whole check as
        "not implemented yet"; any other exception fails the case, reporting its type, its
        message, the line that raised it and a hint. An input array changed in place fails
        the case too.
        """
        name = name or getattr(fn, "__name__", "your function")
        before = [a.copy() if isinstance(a, np.ndarray) else None for a in args]
        try:
            with np.errstate(all="ignore"):  # overflows are reported through the values
                out = fn(*args)
        except NotImplementedError:
            raise _NotImplemented(name) from None
        except Exception as exc:  # the reader's code may raise anything: report it
            lines = self._input_lines()
            lines.append(f"error:    {name} raised {type(exc).__name__}: {exc}")
            where = _reader_line(exc, fn)
            if where:
                lines.append(f"at:       {where}")
            hint = next(
                (h for words, h in self.error_hints.items() if words in str(exc)),
                "read the error message and the line it points to; try the case "
                "above by hand in a new cell.",
            )
            lines.append(f"hint:     {hint}")
            raise _Failure(lines) from None
        changed = [
            i
            for i, (arg, copy) in enumerate(zip(args, before, strict=True))
            if copy is not None and not np.array_equal(arg, copy, equal_nan=True)
        ]
        if (out is None or out is Ellipsis) and not changed:
            raise _NotImplemented(name)
        for i in changed[:1]:
            arg = args[i]
            label = next((k for k, v in self._objects.items() if v is arg), f"argument {i + 1}")
            self.fail(
                f"{name} changed its input {label} in place (for example with "
                f"z[z < 0] = 0 or w -= ...). Leave the inputs as they are, compute "
                f"new arrays (np.maximum, np.where, w - ...) and return them.",
                now=arg,
            )  # the input after the call
        return out

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
        float_dtype: bool = False,
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
        float_dtype : bool
            Require a floating-point array (e.g. one-hot targets for a loss).
        """
        expected = np.asarray(expected)
        try:
            arr = np.asarray(given)
            numeric = arr.dtype.kind in "biuf"
        except Exception:  # ragged lists and the like
            numeric = False
        if not numeric:
            self.fail(
                f"{what} should be a number or a numeric array of shape {expected.shape}, "
                f"but it is {type(given).__name__}.",
                expected=expected,
                given=given,
            )
        matched = next((h for h, wrong in mistakes if _same(arr, np.asarray(wrong), exact)), None)
        if arr.shape != expected.shape:
            if matched is None:
                matched = f"{what} should have shape {expected.shape}, not {arr.shape}." + (
                    " Is it transposed?"
                    if arr.shape == expected.shape[::-1] and arr.ndim == 2
                    else ""
                )
            self.fail(matched, expected=expected, given=arr)
        ok = (
            np.array_equal(arr, expected)
            if exact
            else np.allclose(arr, expected, rtol=rtol, atol=atol)
        )
        if not ok:
            if matched is None and not np.all(np.isfinite(arr)) and np.all(np.isfinite(expected)):
                matched = (
                    f"{what} contains nan or inf where every value should be finite: "
                    f"look for an overflow (exp of a large number) or a division by 0."
                )
            if matched is None and exact and np.allclose(arr, expected, rtol=rtol, atol=atol):
                matched = (
                    f"{what} is close but not exactly equal to the expected value; "
                    f"here it must be exact (a product with 0 is exactly 0)."
                )
            self.fail(matched or hint, expected=expected, given=arr)
        if float_dtype and arr.dtype.kind != "f":
            self.fail(
                f"{what} has the right values but dtype {arr.dtype}; make it a float "
                f"array (np.zeros((n, k)) is float64), as a loss expects.",
                expected=expected,
                given=arr,
            )


def _same(a: np.ndarray, b: np.ndarray, exact: bool) -> bool:
    if a.shape != b.shape or a.dtype.kind not in "biuf":
        return False
    if exact:
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.allclose(a, b, rtol=1e-7, atol=1e-10, equal_nan=True))


def _reader_line(exc: BaseException, fn: Callable) -> str:
    """The last line of the reader's own function in the exception's traceback, if any."""
    code = getattr(fn, "__code__", None)
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if code is not None and f.filename == code.co_filename]
    if not mine:
        return ""
    frame = mine[-1]
    return f"line {frame.lineno - code.co_firstlineno + 1} of {fn.__name__}: {frame.line}"


def run_checks(
    exercise: str,
    functions: Mapping[str, Any],
    cases: Sequence[tuple[str, Callable[[Case], None]]],
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
        Each case's name and a function taking a :class:`Case`; it raises through the case's
        methods when the answer is wrong.
    strict : bool, default False
        Raise :class:`ExerciseCheckError` (with the report) unless every case passes.
    verbose : bool, default True
        Print the report.
    error_hints : mapping of str to str, optional
        See :class:`Case`.

    Returns
    -------
    CheckResult
    """
    hints = dict(error_hints or {})
    hints.setdefault(
        "could not be broadcast",
        "two arrays' shapes do not fit together: print their .shape; a row "
        "statistic needs keepdims=True (e.g. z.max(axis=1, keepdims=True)).",
    )
    hints.setdefault(
        "truth value of an array",
        "Python's max, min, `if` and `and` work on single numbers; for arrays "
        "use np.maximum, np.where or a comparison such as (z > 0).",
    )
    hints.setdefault(
        "matmul",
        "the inner sizes of a matrix product must agree: print the "
        "shapes; a weight of shape (out, in) multiplies a batch as x @ W.T.",
    )
    results: list[CaseResult] = []
    implemented, missing = True, ""
    not_callable = [name for name, f in functions.items() if not callable(f)]
    if not_callable:
        name = not_callable[0]
        results.append(
            CaseResult(
                "a function to check",
                False,
                f"hint:     expected a function for {name}, got "
                f"{type(functions[name]).__name__}. Pass the function itself: "
                f"the name without parentheses.",
            )
        )
    else:
        for case_name, run in cases:
            case = Case(hints)
            try:
                run(case)
            except _NotImplemented as stub:
                implemented, missing = False, str(stub)
                results = []
                break
            except _Failure as failure:
                results.append(CaseResult(case_name, False, "\n".join(failure.lines)))
            else:
                results.append(CaseResult(case_name, True, note=case.note))
    names = ", ".join(functions)
    if not implemented:
        report = (
            f"{exercise}: {NOT_IMPLEMENTED}. Write the body of {missing} in place of "
            f"`raise NotImplementedError`, ending with `return ...`, and run the cell "
            f"again."
        )
    else:
        n_ok = sum(r.passed for r in results)
        verdict = "all passed" if n_ok == len(results) else f"{n_ok} of {len(results)} cases passed"
        lines = [f"{exercise}: {verdict}."]
        hints_shown: set[str] = set()
        for r in results:
            note = f" ({r.note})" if r.note else ""
            lines.append(f"  {PASS_MARK if r.passed else FAIL_MARK} {r.name}{note}")
            if not r.passed:
                hint = r.message.rsplit("\nhint:", 1)[-1]
                if hint in hints_shown:  # the same mistake again: say so in one line
                    lines.append("      (the same hint as above)")
                    continue
                hints_shown.add(hint)
                lines += ["      " + line for line in r.message.split("\n")]
        report = "\n".join(lines)
    passed = implemented and bool(results) and all(r.passed for r in results)
    result = CheckResult(exercise, passed, implemented, tuple(results), report)
    if verbose:
        print(report)
    if strict and not passed:
        raise ExerciseCheckError(f"the checker rejected {names}:\n{report}")
    return result
