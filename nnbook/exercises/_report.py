"""What a check reports: each case's outcome, the whole check's result and its printed text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._guard import array2string

#: The words a reader sees for a stub not yet filled in.
NOT_IMPLEMENTED = "not implemented yet"

PASS_MARK, FAIL_MARK = "✓", "✗"


class ExerciseCheckError(AssertionError):
    """A checker rejected a function in strict mode (used to check reference solutions)."""


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


def report_text(
    exercise: str, results: Sequence[CaseResult], implemented: bool, missing: str
) -> str:
    """The text a check prints: a verdict, then each case, a failure with its details.

    A failure whose hint was shown already for an earlier case is reported in one line.
    ``missing`` names the function still to write when ``implemented`` is False.
    """
    if not implemented:
        return (
            f"{exercise}: {NOT_IMPLEMENTED}. Write the body of {missing} in place of "
            f"`raise NotImplementedError`, ending with `return ...`, and run the cell "
            f"again."
        )
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
    return "\n".join(lines)


def show(value: Any) -> str:
    """A short, readable text for a value in a report (arrays with their shape).

    Never raises: a value whose ``repr`` raises is named by its type.
    """
    try:
        text = _show(value)
    except Exception as exc:  # a reader's object may break anything, even its repr
        return f"<{type(value).__name__} object (its repr raised {type(exc).__name__})>"
    return text if len(text) <= 2000 else text[:2000] + " ..."


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _show(value.item())
    if isinstance(value, np.ndarray):
        body = array2string(
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


def safe_message(exc: BaseException) -> str:
    """``str(exc)``, or a note when even that raises."""
    try:
        return str(exc)
    except Exception as inner:
        return f"(its message raised {type(inner).__name__})"


def kind(value: Any) -> str:
    """``'a str'``, ``'a generator'``: what a value is, for a report."""
    name = type(value).__name__
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"
