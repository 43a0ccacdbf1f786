"""Every notebook's markdown is plain CommonMark + $...$ math + HTML, readable everywhere.

JupyterLab without extensions, Colab, GitHub's preview and VS Code show book-only MyST syntax
raw: a `{glue:text}` placeholder instead of a number, an exercise as a code fence with its
solution in plain view, `(label)=` and `{ref}` as literal text. This test scans the markdown
cells of every notebook of the book and names the file, cell and line of each such construct.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from repo_root import REPO_ROOT

NOTEBOOKS = sorted(
    p.relative_to(REPO_ROOT).as_posix()
    for folder in ("chapters", "appendix")
    for p in (REPO_ROOT / folder).glob("*.ipynb")
)

# (what it is, pattern over one line of markdown with code spans and math removed)
BOOK_ONLY = [
    (
        "a MyST role such as {glue:text}`...`, {ref}`...` or {py:func}`...`",
        re.compile(r"\{[\w.:+-]+\}`"),
    ),
    ("a directive fence such as ```{exercise}", re.compile(r"^\s*(`{3,}|~{3,})\s*\{")),
    ("a colon fence (:::)", re.compile(r"^\s*:{3,}")),
    ("a target label (label)=", re.compile(r"^\s*\([\w.:-]+\)=\s*$")),
    ("a {{ substitution }}", re.compile(r"\{\{.*?\}\}")),
    ("a directive option line such as :label: or :class:", re.compile(r"^:(label|class|name):\s")),
]

MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
FENCED_CODE = re.compile(r"^(`{3,}|~{3,})(?!\s*\{)[^\n]*\n.*?^\1\s*$", re.S | re.M)


def _blank(match: re.Match) -> str:
    # keep the line structure so that reported line numbers stay right
    return re.sub(r"[^\n]", " ", match.group(0))


def book_only_syntax(source: str) -> list[tuple[int, str, str]]:
    """Return ``(line number, what, line)`` for each book-only construct in ``source``."""
    text = FENCED_CODE.sub(_blank, source)
    text = MATH.sub(_blank, text)
    found = []
    for number, (line, original) in enumerate(
        zip(text.split("\n"), source.split("\n"), strict=True), start=1
    ):
        for what, pattern in BOOK_ONLY:
            if pattern.search(line):
                found.append((number, what, original.strip()))
    return found


def problems_in(notebook: nbformat.NotebookNode, name: str) -> list[str]:
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for line, what, text in book_only_syntax(cell.source):
            problems.append(
                f"{name}, cell {index} (id {cell.get('id')}), line {line}: {what}: {text!r}"
            )
    return problems


def test_the_book_has_notebooks_to_scan():
    assert len(NOTEBOOKS) >= 6, NOTEBOOKS


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_markdown_has_no_book_only_syntax(notebook):
    problems = problems_in(nbformat.read(REPO_ROOT / notebook, as_version=4), notebook)
    assert not problems, (
        "markdown that only the book build understands (write plain CommonMark: numbers as "
        "text checked with nnbook.claims.claim, exercises as headings with the solution in "
        "<details>, links to .ipynb files and #heading-anchors, API names as `code`):\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize(
    "markdown, what",
    [
        ("A reaches {glue:text}`acc_a:.1%` on the test set.", "a MyST role"),
        ("See {ref}`the section <sec-x>`.", "a MyST role"),
        ("Uses {py:func}`nncore.fit`.", "a MyST role"),
        ("```{exercise}\n:label: ex1\nWhat is 1 + 1?\n```", "a directive fence"),
        (":::{note}\nA note.\n:::", "a colon fence"),
        ("(sec-x)=\n## A section", "a target label"),
        ("The value is {{ value }}.", "a {{ substitution }}"),
    ],
)
def test_the_scan_finds_each_kind_of_book_only_syntax(markdown, what):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_markdown_cell(markdown)]
    )
    problems = problems_in(notebook, "example.ipynb")
    assert problems, f"the scan missed {what} in {markdown!r}"
    assert problems[0].startswith("example.ipynb, cell 1 (id "), problems[0]
    assert what in problems[0], problems


def test_the_scan_reports_the_line_within_the_cell():
    found = book_only_syntax("First line.\n\nThird line has {doc}`03_dead_relu`.")
    assert [(line, text) for line, _, text in found] == [(3, "Third line has {doc}`03_dead_relu`.")]


@pytest.mark.parametrize(
    "markdown",
    [
        "Plain prose with 54.2% and $x^{(1)}_{i}$ and $$\\frac{{a}}{b}$$.",
        "### Exercise 3.2\n\n<details>\n<summary>Solution</summary>\n\nIt is $4$.\n\n</details>",
        "[chapter 3](03_dead_relu.ipynb#the-chain-rule-for-one-unit) and `nc.dead_fraction`",
        "```python\nd = {'a': 1}\nprint(f'{{d}}')\n```",
    ],
)
def test_portable_markdown_passes_the_scan(markdown):
    assert book_only_syntax(markdown) == []


# Heading links. The book (myst) resolves `#slug` to a heading by GitHub's rule; JupyterLab
# names a heading after its exact text ("Exercise-2.1") and so does not scroll to `#exercise-21`.
# A raw anchor `<a id="slug"></a>` on its own line, a blank line, then the heading, serves both.
HEADING_LINK = re.compile(r"\]\(([^)\s#]*)#([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*)$")


def heading_slug(text: str) -> str:
    """The anchor myst gives a heading (GitHub's rule; math is not part of the text)."""
    from myst_parser.mdit_to_docutils.base import default_slugify

    return default_slugify(re.sub(r"\$[^$]*\$", "", text))


def anchored_headings(notebook: nbformat.NotebookNode) -> set[str]:
    """The slugs of headings preceded by `<a id="slug"></a>` and a blank line."""
    found = set()
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.split("\n")
        for above, blank, line in zip(lines, lines[1:], lines[2:]):
            heading = HEADING.match(line)
            if heading and blank.strip() == "":
                slug = heading_slug(heading.group(1))
                if above.strip() == f'<a id="{slug}"></a>':
                    found.add(slug)
    return found


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_heading_link_has_an_anchor_that_jupyterlab_follows(name):
    notebook = REPO_ROOT / name
    source = nbformat.read(notebook, as_version=4)
    missing = []
    for cell in source.cells:
        if cell.cell_type != "markdown":
            continue
        for match in HEADING_LINK.finditer(cell.source):
            target = notebook.parent / match.group(1) if match.group(1) else notebook
            slug = match.group(2)
            if slug not in anchored_headings(nbformat.read(target, as_version=4)):
                missing.append(f"#{slug} in {target.name}")
    assert not missing, (
        f"{notebook.name} links to headings without an anchor that JupyterLab follows: "
        f'{missing}. Put `<a id="SLUG"></a>` and a blank line right above each heading.'
    )
