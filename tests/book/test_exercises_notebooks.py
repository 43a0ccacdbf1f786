"""The chapters' coding exercises: every chapter has them, each with a stub, its checker and a
folded solution that is exactly the reference solution. No cell of a notebook names where the
reference solutions live: tests/bookcode/test_exercises_checkers.py runs each of them through
its checker in strict mode, so a checker that rejects a correct answer fails the tests.

The stub cells are run here as a reader first meets them: each must say "not implemented
yet", never raise.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
from pathlib import Path

import nbformat
import pytest
from repo_root import REPO_ROOT

from nnbook.exercises import EXERCISES, NOT_IMPLEMENTED, solutions

CHAPTERS = {int(p.name[:2]): p for p in sorted((REPO_ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))}
SECTION = "## Coding exercises"
BOOK_ONLY = re.compile(
    r"\{glue|\{(exercise|solution|ref|doc|numref|eq|math)\}|^\(\w[\w-]*\)=|^:::|```\{", re.MULTILINE
)


def _opens_section(source: str) -> bool:
    """Whether a markdown cell starts the section: its heading first, or after its anchor line
    (``<a id="coding-exercises"></a>``, which other chapters' links point at)."""
    lines = [line for line in source.splitlines() if line.strip()]
    if lines and re.fullmatch(r'<a id="[\w-]+"></a>', lines[0].strip()):
        lines = lines[1:]
    return bool(lines) and lines[0].startswith(SECTION)


def _section(path: Path) -> list:
    """The cells of the chapter's "Coding exercises" section, up to the next ``## `` heading."""
    cells = nbformat.read(path, as_version=4).cells
    start = next(
        (i for i, c in enumerate(cells) if c.cell_type == "markdown" and _opens_section(c.source)),
        None,
    )
    assert start is not None, f"{path.name}: no '{SECTION}' section"
    end = next(
        (
            i
            for i in range(start + 1, len(cells))
            if cells[i].cell_type == "markdown"
            and re.search(r"^## ", cells[i].source, re.MULTILINE)
        ),
        len(cells),
    )
    return cells[start:end]


def _defines(cell, name: str) -> bool:
    return (
        cell.cell_type == "code"
        and re.search(rf"^def {name}\(", cell.source, re.MULTILINE) is not None
    )


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_every_chapter_has_at_least_two_coding_exercises(chapter):
    in_chapter = [ex for ex in EXERCISES if ex.chapter == chapter]
    assert len(in_chapter) >= 2
    cells = _section(CHAPTERS[chapter])
    for ex in in_chapter:
        assert any(all(_defines(c, f) for f in ex.functions) for c in cells), (
            f"chapter {chapter}: no stub cell for {ex.functions}"
        )


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.checker.__name__)
def test_the_stub_calls_its_checker_and_leaves_the_body_to_write(ex):
    cells = _section(CHAPTERS[ex.chapter])
    stub = next(c for c in cells if all(_defines(c, f) for f in ex.functions))
    assert stub.source.count("# your code here") == len(ex.functions)
    assert stub.source.count("raise NotImplementedError") == len(ex.functions)
    assert stub.source.count('"""') == 2 * len(ex.functions), "each stub has a docstring"
    call = f"{ex.checker.__name__}({', '.join(ex.functions)})"
    assert stub.source.rstrip().endswith(call)
    assert "tags" not in stub.metadata or "remove-cell" not in stub.metadata.tags


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.checker.__name__)
def test_the_folded_solution_is_exactly_the_reference_solution(ex):
    cells = _section(CHAPTERS[ex.chapter])
    folded = []
    for c in cells:
        if c.cell_type == "markdown" and "<summary>Solution</summary>" in c.source:
            assert c.source.startswith("<details>") and c.source.rstrip().endswith("</details>")
            folded += re.findall(r"```python\n(.*?)\n```", c.source, re.DOTALL)
    expected = "\n\n".join(inspect.getsource(getattr(solutions, f)).strip() for f in ex.functions)
    assert expected in folded, f"the folded solution of {ex.functions} differs from solutions.py"


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_no_code_cell_points_a_student_at_the_reference_solutions(chapter):
    cells = nbformat.read(CHAPTERS[chapter], as_version=4).cells
    module = re.compile(r"\bsolutions\.\w|import solutions|exercises\.solutions")
    named = [c.source for c in cells if c.cell_type == "code" and module.search(c.source)]
    assert named == [], f"chapter {chapter}: a code cell names the solutions module: {named}"


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_every_checker_a_chapter_calls_is_registered_so_its_reference_is_checked(chapter):
    # tests/bookcode/test_exercises_checkers.py runs every registered checker strictly on its
    # reference solution: an exercise missing from EXERCISES would escape that check.
    cells = nbformat.read(CHAPTERS[chapter], as_version=4).cells
    called = {
        name
        for c in cells
        if c.cell_type == "code"
        for name in re.findall(r"^(check_\w+)\(", c.source, re.MULTILINE)
    }
    registered = {ex.checker.__name__ for ex in EXERCISES if ex.chapter == chapter}
    assert called == registered, f"chapter {chapter}: calls {called}, registered {registered}"


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_the_section_runs_with_the_stubs_unfilled_and_says_not_implemented_yet(chapter):
    cells = [
        c
        for c in _section(CHAPTERS[chapter])
        if c.cell_type == "code" and "remove-cell" not in c.metadata.get("tags", [])
    ]  # not another section's answers
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in cells:
            exec(compile(cell.source, f"<chapter {chapter} cell>", "exec"), namespace)
    n_exercises = sum(ex.chapter == chapter for ex in EXERCISES)
    assert out.getvalue().count(f": {NOT_IMPLEMENTED}.") == n_exercises, out.getvalue()
    assert "Traceback" not in out.getvalue()


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_the_section_uses_plain_markdown_only(chapter):
    for cell in _section(CHAPTERS[chapter]):
        if cell.cell_type == "markdown":
            assert not BOOK_ONLY.search(cell.source), cell.source


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_the_section_comes_before_check_yourself_or_the_summary(chapter):
    cells = nbformat.read(CHAPTERS[chapter], as_version=4).cells
    headings = [
        line
        for c in cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("## ")
    ]
    at = headings.index(SECTION)
    later = headings[at + 1 :]
    assert later and later[0] in ("## Check yourself", "## Summary"), headings
