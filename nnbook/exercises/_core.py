"""The shared machinery of the coding exercises: run a reader's function on cases, report.

A checker is a list of *cases*. Each case calls the reader's function through
:meth:`Case.call` (which turns ``NotImplementedError``, a ``None`` result and any other
exception into a report, never a traceback) and compares the answer with the expected
value through :meth:`Case.expect`, which knows the typical wrong answers of that exercise:
when the answer equals one of them, the hint names that mistake.

:func:`run_checks` runs the cases, prints what passed and, for a failure, the input, the
expected value, the value given and a hint, and returns a :class:`CheckResult`. It never
raises on a wrong answer, so the reader's notebook keeps running; with ``strict=True`` (the
tests that run the reference solutions) it raises :class:`ExerciseCheckError` instead, so a
checker that rejects a correct answer fails the tests.

Whatever the reader's function does, each case ends in a report: an exception (even
``SystemExit``), an argument changed in place (an array, or a list emptied), numpy's
functions replaced (they are restored, and the harness compares with its own copies, taken
at import), or a value the checker cannot use (a str, a generator, a wrong shape).
"""

from __future__ import annotations

import copy
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

# Private copies of the numpy functions the harness judges with, taken at import: an answer
# (or a notebook cell) that replaces np.allclose, say, does not change how answers are judged.
_allclose = np.allclose
_array_equal = np.array_equal
_asarray = np.asarray
_isfinite = np.isfinite
_errstate = np.errstate
_array2string = np.array2string
# numpy's namespace at import: an attribute replaced since then is put back after each call.
_NUMPY_AT_IMPORT = dict(vars(np))

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
    """A short, readable text for a value in a report (arrays with their shape).

    Never raises: a value whose ``repr`` raises is named by its type.
    """
    try:
        text = _show(value)
    except Exception as exc:  # a reader's object may break anything, even its repr
        return f"<{type(value).__name__} object (its repr raised {type(exc).__name__})>"
    return text if len(text) <= 2000 else text[:2000] + " ..."


def _safe_message(exc: BaseException) -> str:
    """``str(exc)``, or a note when even that raises."""
    try:
        return str(exc)
    except Exception as inner:
        return f"(its message raised {type(inner).__name__})"


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _show(value.item())
    if isinstance(value, np.ndarray):
        body = _array2string(
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
        inner = ", ".join(_show(v) for v in value)
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
        self.last_called = ""  # the name of the reader's function called last

    def given(self, **inputs: Any) -> None:
        """Record the inputs of this case, shown in its report if it fails.

        Record them in the order the reader's function takes them: an argument changed in
        place is named by its position when it is a copy of a recorded input.
        """
        self._objects.update(inputs)
        self.inputs.update({k: _copy_or_same(v) for k, v in inputs.items()})

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
            arr = _asarray(given)
            numeric = arr.dtype.kind in "biuf"
        except Exception:  # ragged lists, objects whose __array__ raises, and the like
            numeric = False
        if not numeric:
            wanted = (
                "one number" if shape == () else f"a number or a numeric array of shape {shape}"
            )
            self.fail(f"{what} should be {wanted}, but it is {_kind(given)}.", given=given)
        return arr

    def call(self, fn: Callable, *args: Any, name: str | None = None) -> Any:
        """Return ``fn(*args)``, or end the case with a report instead of a traceback.

        A ``NotImplementedError`` or a result of ``None`` or ``...`` ends the whole check as
        "not implemented yet"; any other exception (``SystemExit`` too) fails the case,
        reporting its type, its message, the line that raised it and a hint. An argument
        changed in place (an array, or a list or dict, at any depth) fails the case too,
        and so does a function of numpy replaced since the harness was imported (it is
        put back).
        """
        name = name or getattr(fn, "__name__", "your function")
        self.last_called = name
        before = [_snapshot(a) for a in args]
        try:
            with _errstate(all="ignore"):  # overflows are reported through the values
                out = fn(*args)
        except NotImplementedError:
            _restore_numpy()
            raise _NotImplemented(name) from None
        except (Exception, SystemExit) as exc:  # the reader's code may raise anything
            _restore_numpy()
            lines = self._input_lines()
            message = _safe_message(exc)
            lines.append(f"error:    {name} raised {type(exc).__name__}: {message}")
            where = _reader_line(exc, fn)
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
        except BaseException:  # KeyboardInterrupt: the reader stops the check
            _restore_numpy()
            raise
        replaced = _restore_numpy()
        if replaced:
            self.fail(
                f"numpy's {', '.join(replaced)} "
                f"{'was' if len(replaced) == 1 else 'were'} replaced (by {name} or by "
                f"code run before the check): a solution computes its answer and leaves "
                f"numpy as it is. The checker has put numpy's own functions back."
            )
        changed = [
            i
            for i, (arg, copy_) in enumerate(zip(args, before, strict=True))
            if copy_ is not _UNTRACKED and not _unchanged(arg, copy_)
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
        expected = _asarray(expected)
        arr = self._numeric(given, what=what, shape=expected.shape)
        matched = next((h for h, wrong in mistakes if _same(arr, _asarray(wrong), exact)), None)
        if arr.shape != expected.shape:
            self.fail(
                matched or _shape_hint(what, expected.shape, arr.shape),
                expected=expected,
                given=arr,
            )
        wanted = None if dtype is None else np.dtype(dtype)
        if (
            wanted is not None
            and arr.dtype != wanted
            and _allclose(arr.astype(np.float64), expected, rtol=1e-2, atol=1e-3)
        ):
            advice = (
                "make it a float array (np.zeros, np.ones and np.eye give float64 by default)"
                if arr.dtype.kind in "biu"
                else f"keep numpy's {wanted} and do not convert the result (astype, dtype=...)"
            )
            self.fail(
                f"{what} has the right values but dtype {arr.dtype}; its docstring promises "
                f"{wanted}: {advice}.",
                expected=expected,
                given=arr,
            )
        ok = (
            _array_equal(arr, expected) if exact else _allclose(arr, expected, rtol=rtol, atol=atol)
        )
        if not ok:
            if matched is None and not np.all(_isfinite(arr)) and np.all(_isfinite(expected)):
                matched = (
                    f"{what} contains nan or inf where every value should be finite: "
                    f"look for an overflow (exp of a large number) or a division by 0."
                )
            if matched is None and exact and _allclose(arr, expected, rtol=rtol, atol=atol):
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


def _kind(value: Any) -> str:
    """``'a str'``, ``'a generator'``: what a value is, for a report."""
    name = type(value).__name__
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


_UNTRACKED = object()  # an argument the harness cannot copy and compare


def _copy_or_same(value: Any) -> Any:
    """A deep copy of ``value`` (to show it as it was), or ``value`` if it cannot be copied."""
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def _snapshot(value: Any) -> Any:
    """A deep copy of an argument, to see afterwards whether the call changed it."""
    try:
        return copy.deepcopy(value)
    except Exception:
        return _UNTRACKED


def _unchanged(now: Any, before: Any) -> bool:
    """Whether ``now`` still equals its snapshot ``before``, at any depth.

    Arrays, lists, tuples, dicts and sets are compared item by item, numbers and strings by
    value (nan equals nan); any other object is taken as unchanged.
    """
    if isinstance(before, np.ndarray):
        if not isinstance(now, np.ndarray) or now.shape != before.shape:
            return False
        if now.dtype != before.dtype:
            return False
        try:
            return bool(_array_equal(now, before, equal_nan=before.dtype.kind in "fc"))
        except Exception:
            return False
    if isinstance(before, (list, tuple)):
        return (
            type(now) is type(before)
            and len(now) == len(before)
            and all(_unchanged(a, b) for a, b in zip(now, before, strict=True))
        )
    if isinstance(before, dict):
        return (
            type(now) is type(before)
            and now.keys() == before.keys()
            and all(_unchanged(now[k], before[k]) for k in before)
        )
    if isinstance(before, (set, frozenset, bool, int, float, complex, str, bytes, np.generic)):
        try:
            same = bool(now == before)
            both_nan = bool(now != now) and bool(before != before)
        except Exception:
            return False
        return type(now) is type(before) and (same or both_nan)
    return True


def _restore_numpy() -> list[str]:
    """Put back numpy's functions replaced since import; return their names."""
    current = vars(np)
    replaced = [
        k
        for k, v in _NUMPY_AT_IMPORT.items()
        if (callable(v) or isinstance(v, type(np))) and current.get(k, _UNTRACKED) is not v
    ]
    for k in replaced:
        setattr(np, k, _NUMPY_AT_IMPORT[k])
    return replaced


def _same(a: np.ndarray, b: np.ndarray, exact: bool) -> bool:
    if a.shape != b.shape or a.dtype.kind not in "biuf":
        return False
    if exact:
        return bool(_array_equal(a, b, equal_nan=True))
    return bool(_allclose(a, b, rtol=1e-7, atol=1e-10, equal_nan=True))


def _reader_line(exc: BaseException, fn: Callable) -> str:
    """The last line of the reader's own function in the exception's traceback, if any."""
    code = getattr(fn, "__code__", None)
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if code is not None and f.filename == code.co_filename]
    if not mine:
        return ""
    frame = mine[-1]
    return f"line {frame.lineno - code.co_firstlineno + 1} of {fn.__name__}: {frame.line}"


def _crash_report(case: Case, exc: Exception) -> str:
    """The report of a case whose checking code raised on the value the reader returned."""
    whose = f"what {case.last_called} returned" if case.last_called else "the answer"
    lines = case._input_lines()
    lines.append(
        f"error:    the checker could not use {whose}: {type(exc).__name__}: {_safe_message(exc)}"
    )
    lines.append(
        "hint:     compare the type and shape of what your function returns with its "
        "docstring (print(type(result)), print(result.shape))."
    )
    return "\n".join(lines)


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
        See :class:`Case`; they add to (or replace) :data:`DEFAULT_ERROR_HINTS`.

    Returns
    -------
    CheckResult
    """
    hints = {**DEFAULT_ERROR_HINTS, **(error_hints or {})}
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
            except Exception as exc:  # the checker's own code, on a value it cannot use
                results.append(CaseResult(case_name, False, _crash_report(case, exc)))
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
