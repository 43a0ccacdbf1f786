"""The explorer and plotting code stays readable: no module over 500 lines, no function over 80.

A function's length is counted from its first statement after the docstring to its last
line, so a long docstring costs nothing.
"""

from __future__ import annotations

import ast

import pytest
from repo_root import REPO_ROOT

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
PACKAGES = ("nncore/widgets", "nncore/plot")
MODULES = sorted(path for package in PACKAGES for path in (REPO_ROOT / package).glob("*.py"))


def body_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function after its docstring."""
    body = function.body
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and len(body) > 1:
        first = body[1]
    return function.end_lineno - first.lineno + 1


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_modules_and_functions_stay_short(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES, (
        f"{path.name} has {len(source.splitlines())} lines, more than {MAX_MODULE_LINES}: "
        f"split it by role."
    )
    long = [
        f"{node.name} (line {node.lineno}): {body_lines(node)} lines"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and body_lines(node) > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"
