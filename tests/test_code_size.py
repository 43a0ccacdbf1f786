"""The code stays readable: no module over 500 lines, no function over 80 (docstrings aside).

Every module of ``nncore`` and ``nnbook`` and every command in ``tools/`` is measured. A
function's length runs from its first statement after the docstring to its last line, so a
long docstring costs nothing; a nested function counts within its parent and on its own.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from repo_root import REPO_ROOT

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
MEASURED = ("nncore", "nnbook", "tools")
MODULES = sorted(path for folder in MEASURED for path in (REPO_ROOT / folder).rglob("*.py"))


def code_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of ``function`` from its first statement after the docstring to its end."""
    body = function.body
    first = body[0]
    is_docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    if is_docstring and isinstance(first.value.value, str) and len(body) > 1:
        first = body[1]
    return function.end_lineno - first.lineno + 1


def long_functions(source: str) -> list[str]:
    """``"name (line n): k lines"`` for every function of ``source`` over the limit."""
    return [
        f"{node.name} (line {node.lineno}): {code_lines(node)} lines"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and code_lines(node) > MAX_FUNCTION_LINES
    ]


def test_every_package_is_measured():
    names = {path.relative_to(REPO_ROOT).as_posix() for path in MODULES}
    assert {
        "nncore/layers.py",
        "nncore/plot/network.py",
        "nncore/widgets/explorer.py",
        "nnbook/claims.py",
        "nnbook/experiments/case_study.py",
        "nnbook/explorers/relu_unit.py",
        "nnbook/exercises/ch1.py",
        "tools/execute_book.py",
    } <= names


def test_the_measure_leaves_out_the_docstring_and_counts_the_body():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    docstring = '    """' + "\n" * 30 + '    """\n'
    at_limit = f"def f():\n{docstring}{body}\n"
    over = f"def g():\n{body}\n    return x0\n"
    assert long_functions(at_limit) == []
    assert long_functions(over) == [f"g (line 1): {MAX_FUNCTION_LINES + 1} lines"]


def test_a_nested_function_counts_within_its_parent():
    inner = textwrap.indent("\n".join(f"y{i} = {i}" for i in range(50)), "        ")
    outer = textwrap.indent("\n".join(f"x{i} = {i}" for i in range(40)), "    ")
    source = f"def outer():\n    def inner():\n{inner}\n{outer}\n"
    assert long_functions(source) == ["outer (line 1): 91 lines"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_modules_and_functions_stay_short(path: Path):
    source = path.read_text(encoding="utf-8")
    n_lines = len(source.splitlines())
    assert n_lines <= MAX_MODULE_LINES, (
        f"{path.name} has {n_lines} lines, more than {MAX_MODULE_LINES}: split it along its "
        f"ideas into modules whose names say what each holds."
    )
    long = long_functions(source)
    assert not long, (
        f"{path.name}: functions over {MAX_FUNCTION_LINES} lines (docstrings aside): {long}; "
        f"split each into steps with names."
    )
