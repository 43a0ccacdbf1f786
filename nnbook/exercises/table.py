"""Exercises as tables: the cases a checker tries, and the typical mistakes it recognises.

An exercise is data, read top to bottom: the functions the reader writes (:class:`Function`,
with a reference that computes the expected values and the :class:`Output` values they
return), the cases to try (:class:`Case`: inputs; :class:`GradientCheck`: a comparison with
finite differences) and the typical wrong answers (:class:`Mistake`: a wrong version of the
function, as a student might write it, and the hint that names the mistake).
:func:`run_exercise` runs any table; :meth:`ExerciseTable.checker` makes the function a
notebook calls, with its signature and its docstring.

When an answer is wrong, each mistake's function is run on the same inputs: if the answer
equals what one of them returns, its hint is shown, otherwise the output's own hint.

Examples
--------
A new exercise is its table and its hints:

>>> import numpy as np
>>> DOUBLE = ExerciseTable(
...     title="double",
...     summary="Check ``double(x)``, twice ``x``.",
...     functions=[
...         Function(
...             "double",
...             "``x`` (float array, any shape) -> ``2 * x``, same shape.",
...             reference=lambda x: 2 * x,
...             returns=Output("y", "double(x)", hint="multiply every element by 2."),
...         )
...     ],
...     cases=[Case("a vector", {"x": np.array([1.0, -2.0])})],
...     mistakes=[Mistake("one added", lambda x: 2 * x + 1, "you added 1 as well.")],
... )
>>> check_double = DOUBLE.checker("check_double")
>>> result = check_double(lambda x: 2 * x + 1)
double: 0 of 1 cases passed.
  ✗ a vector
      input:    x = [ 1., -2.]  (shape (2,), dtype float64)
      expected: [ 2., -4.]  (shape (2,), dtype float64)
      given:    [ 3., -3.]  (shape (2,), dtype float64)
      hint:     you added 1 as well.
>>> check_double(lambda x: x + x).passed
double: all passed.
  ✓ a vector
True
"""

from __future__ import annotations

import inspect
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from . import _harness
from ._core import run_checks
from ._report import CheckResult

__all__ = [
    "Case",
    "ExerciseTable",
    "Function",
    "GradientCheck",
    "Mistake",
    "Output",
    "run_exercise",
]


@dataclass(frozen=True)
class Output:
    """One value a function returns, and how an answer is compared with the expected one.

    Parameters
    ----------
    name : str
        Its name in the function's ``return`` line, e.g. ``"grad_w"``.
    what : str, default ""
        How a report names it, e.g. ``"relu_backward(grad_output, z)"``; "" for ``name``.
    hint : str, default ""
        Shown when the answer is wrong in a way none of the exercise's mistakes explains.
    exact : bool, default False
        Require bitwise-equal values (e.g. a product with 0 that must be exactly 0) rather
        than values equal to ``rtol=1e-7``.
    dtype : numpy dtype, optional
        The dtype the function's docstring promises (e.g. ``np.float64``).
    number : bool, default False
        One number: an array holding one number is accepted as that number.
    whole : bool, default False
        A whole number, e.g. a count: a float is refused even when its value is right.
    items : str, default ""
        For a list of arrays, one per array of an input (e.g. a gradient per weight
        matrix): what each item is, e.g. ``"one array per weight matrix, shaped like it"``.
        Each item is compared on its own, as ``name[i]``.
    rtol, atol : float, default 1e-7 and 1e-10
        How close values must be when not ``exact``: probabilities as small as 1e-11 need
        a smaller ``atol`` (and a smaller ``rtol``) to tell a wrong one from a right one.
    """

    name: str
    what: str = ""
    hint: str = ""
    exact: bool = False
    dtype: Any = None
    number: bool = False
    whole: bool = False
    items: str = ""
    rtol: float = 1e-7
    atol: float = 1e-10


@dataclass(frozen=True)
class Function:
    """A function the reader writes: its name, its reference and the values it returns.

    Parameters
    ----------
    name : str
        The function's name, as in the chapter's stub and in the reference solutions.
    doc : str
        Its arguments and results with their shapes, for the checker's docstring, e.g.
        ``"``z`` (float array, any shape) -> ``max(0, z)``, same shape."``.
    reference : callable
        Takes the same arguments and returns the expected value (a tuple of them when
        the function returns several), computed with nncore.
    returns : Output or sequence of Output
        What the function returns; with several, the reader returns a tuple of them.
    """

    name: str
    doc: str
    reference: Callable[..., Any]
    returns: Output | Sequence[Output]

    def __post_init__(self) -> None:
        returns = (self.returns,) if isinstance(self.returns, Output) else tuple(self.returns)
        object.__setattr__(self, "returns", returns)


@dataclass(frozen=True)
class Case:
    """One row of an exercise's table: the inputs of one call of the reader's function.

    Parameters
    ----------
    name : str
        What the case tries, e.g. ``"z exactly 0"``, shown in the report.
    inputs : mapping of str to object
        The arguments by name, in the order the function takes them. They are never
        changed: every call gets copies.
    function : str, default ""
        The function called; "" for the exercise's only function.
    exact : bool, optional
        Overrides the outputs' ``exact`` for this case (e.g. a dead unit's gradient,
        exactly 0).
    note : str, default ""
        Shown beside the case's name when it passes.
    """

    name: str
    inputs: Mapping[str, Any]
    function: str = ""
    exact: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class GradientCheck:
    """A case that compares a gradient with centred finite differences of a loss, in float64.

    ``loss`` and ``gradient`` take ``answer`` and the inputs by name; ``answer(name, *args)``
    calls the reader's function ``name`` and returns its values, checked to have the
    types and shapes of the reference's. ``loss`` may also ignore ``answer`` and compute
    with nncore, to compare a derivative with the slope of the reference.

    Parameters
    ----------
    name : str
        What the case tries, shown in the report.
    inputs : mapping of str to object
        The inputs by name (copied, never changed).
    wrt : str
        The input the gradient is taken with respect to: a float64 array, or a list of
        them (each compared with its own gradient).
    loss : callable
        ``loss(answer, **inputs)`` -> float.
    gradient : callable
        ``gradient(answer, **inputs)`` -> an array shaped like ``inputs[wrt]``, or a list
        of them for a list.
    hint : str
        Shown when the largest relative error is not below ``tolerance``; ``{error}``,
        ``{tolerance}`` and ``{i}`` (the list item) are filled in.
    tolerance : float, default 1e-7
        The largest relative error of a correct gradient (CS231n's threshold).
    """

    name: str
    inputs: Mapping[str, Any]
    wrt: str
    loss: Callable[..., Any]
    gradient: Callable[..., Any]
    hint: str
    tolerance: float = 1e-7


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer, written as a student might, and the hint that names it.

    Parameters
    ----------
    name : str
        A few words for the mistake, listed in the checker's docstring.
    answer : callable
        The wrong answer: a function taking the same arguments as the reader's. Where it
        raises on a case's inputs, it explains nothing there.
    hint : str
        Shown when the reader's answer equals what ``answer`` returns; it teaches the rule,
        without the code of the right answer.
    function : str, default ""
        The function it is a wrong version of; "" for the exercise's only function.
    """

    name: str
    answer: Callable[..., Any]
    hint: str
    function: str = ""


@dataclass(frozen=True)
class ExerciseTable:
    """An exercise as data: its functions, its cases and the mistakes it recognises.

    Parameters
    ----------
    title : str
        The exercise's title, first in its report.
    summary : str
        The first line of the checker's docstring, e.g.
        ``"Check ``relu_forward(z)`` and ``relu_backward(grad_output, z)`` against nc.ReLU."``.
    functions : sequence of Function
        The functions the reader writes, in the order the checker takes them.
    cases : sequence of Case or GradientCheck
        The cases, in the order they are tried and reported.
    mistakes : sequence of Mistake, default ()
        The typical wrong answers; the first one the answer equals gives its hint.
    error_hints : mapping of str to str, default {}
        Words of an error message (e.g. ``"matmul"``) to the hint shown when the reader's
        function raises an error with those words; they replace the general hints.
    notes : str, default ""
        More for the checker's docstring, e.g. how a gradient check measures.
    """

    title: str
    summary: str
    functions: Sequence[Function]
    cases: Sequence[Case | GradientCheck]
    mistakes: Sequence[Mistake] = ()
    error_hints: Mapping[str, str] = field(default_factory=dict)
    notes: str = ""

    def __post_init__(self) -> None:
        for name in ("functions", "cases", "mistakes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        names = self.names
        if not names or len(set(names)) != len(names):
            raise ValueError(f"{self.title}: the functions need distinct names, got {names}.")
        if not self.cases:
            raise ValueError(f"{self.title}: an exercise needs at least one case.")
        for row in (*self.cases, *self.mistakes):
            if isinstance(row, GradientCheck):
                if row.wrt not in row.inputs:
                    raise ValueError(f"{self.title}, {row.name!r}: wrt {row.wrt!r} is no input.")
            else:
                self.function(row.function)  # raises for an unknown function

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the functions the reader writes, in the checker's order."""
        return tuple(f.name for f in self.functions)

    def function(self, name: str = "") -> Function:
        """Return the function called ``name`` ("" for the only one).

        Parameters
        ----------
        name : str, default ""
            A function's name; "" when the exercise has one function.

        Returns
        -------
        Function
        """
        if not name and len(self.functions) == 1:
            return self.functions[0]
        found = [f for f in self.functions if f.name == name]
        if not found:
            raise ValueError(
                f"{self.title}: no function {name!r}; name one of {self.names} "
                f"(a case or mistake of an exercise with several functions names its own)."
            )
        return found[0]

    def mistakes_of(self, name: str) -> list[Mistake]:
        """Return the mistakes that are wrong versions of the function ``name``.

        Parameters
        ----------
        name : str
            A function's name.

        Returns
        -------
        list of Mistake
            In the table's order.
        """
        return [m for m in self.mistakes if self.function(m.function).name == name]

    def checker(self, name: str, *, module: str | None = None) -> Callable[..., CheckResult]:
        """Make the checker a notebook calls, e.g. ``check_relu(relu_forward, relu_backward)``.

        Parameters
        ----------
        name : str
            The checker's name.
        module : str, optional
            The module it belongs to; by default the module that calls this method.

        Returns
        -------
        callable
            ``checker(*functions, strict=False, verbose=True) -> CheckResult``, with
            the functions by name as its parameters and a docstring made from the table.
        """
        parameters = [
            inspect.Parameter(
                f.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation="Callable"
            )
            for f in self.functions
        ] + [
            inspect.Parameter(
                option, inspect.Parameter.KEYWORD_ONLY, default=value, annotation="bool"
            )
            for option, value in (("strict", False), ("verbose", True))
        ]
        signature = inspect.Signature(parameters, return_annotation="CheckResult")
        table = self

        def check(*args: Any, **kwargs: Any) -> CheckResult:
            bound = signature.bind(*args, **kwargs)  # a TypeError for a wrong call
            bound.apply_defaults()
            given = bound.arguments
            functions = [given[n] for n in table.names]
            return run_exercise(table, functions, strict=given["strict"], verbose=given["verbose"])

        check.__name__ = check.__qualname__ = name
        check.__module__ = module or sys._getframe(1).f_globals.get("__name__", __name__)
        check.__doc__ = _checker_doc(self)
        check.__signature__ = signature  # type: ignore[attr-defined]
        return check


def run_exercise(
    exercise: ExerciseTable,
    functions: Sequence[Callable[..., Any]],
    *,
    strict: bool = False,
    verbose: bool = True,
) -> CheckResult:
    """Run every case of ``exercise`` on the reader's functions, print the report, return it.

    Parameters
    ----------
    exercise : ExerciseTable
        The exercise's table.
    functions : sequence of callable
        The reader's functions, in the order of ``exercise.functions``.
    strict : bool, default False
        Raise ``ExerciseCheckError`` (with the report) unless every case passes.
    verbose : bool, default True
        Print the report.

    Returns
    -------
    CheckResult
        What passed and, for each failure, the input, the expected value, the value given
        and a hint.
    """
    if len(functions) != len(exercise.functions):
        raise TypeError(
            f"{exercise.title} checks {len(exercise.functions)} function(s), "
            f"{', '.join(exercise.names)}; got {len(functions)}."
        )
    given = dict(zip(exercise.names, functions, strict=True))

    def runner(case: Case | GradientCheck) -> Callable[..., None]:
        if isinstance(case, GradientCheck):
            return partial(_harness.run_gradient_check, exercise, given, case)
        return partial(_harness.run_case, exercise, given, case)

    cases = [(case.name, runner(case)) for case in exercise.cases]
    return run_checks(
        exercise.title,
        given,
        cases,
        strict=strict,
        verbose=verbose,
        error_hints=exercise.error_hints,
    )


def _checker_doc(table: ExerciseTable) -> str:
    """The numpydoc docstring of the checker made from ``table``."""
    lines = [table.summary, "", "Parameters", "----------"]
    for f in table.functions:
        lines += [f"{f.name} : callable", *_wrapped(f.doc, "    ")]
    lines += [
        "strict : bool, default False",
        "    Raise ``ExerciseCheckError`` unless every case passes.",
        "verbose : bool, default True",
        "    Print the report.",
        "",
        "Returns",
        "-------",
        "CheckResult",
        *_wrapped(
            "What passed and, for each failure, the input, the expected value, the value "
            "given and a hint.",
            "    ",
        ),
        "",
        "Notes",
        "-----",
    ]
    if table.notes:
        lines += [*_wrapped(table.notes, ""), ""]
    lines += ["The cases:", ""] + [f"- {c.name}" for c in table.cases]
    if table.mistakes:
        several = len(table.functions) > 1  # then each mistake says whose it is
        lines += ["", "The mistakes it recognises:", ""] + [
            f"- {table.function(m.function).name + ': ' if several else ''}{m.name}"
            for m in table.mistakes
        ]
    lines += [
        "",
        *_wrapped(
            "Besides, an answer that raises, changes its inputs in place or returns a value "
            "of another type or shape fails its case with a report, never a traceback.",
            "",
        ),
    ]
    return "\n".join(lines) + "\n"


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=88, initial_indent=indent, subsequent_indent=indent)
