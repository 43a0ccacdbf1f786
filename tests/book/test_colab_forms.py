"""Colab folds the same cells as JupyterLab and the book.

JupyterLab folds a cell by ``jupyter.source_hidden``; Colab ignores that and folds a code cell
shown as a form: ``"cellView": "form"`` in the cell's metadata, with a first line
``# @title <title>`` naming the folded cell. Every folded code cell of a notebook carries both,
and no open cell carries either; the install cell (the first code cell) is folded like any other
(its two address lines are written by ``tools/set_repository_url.py``).
"""

from __future__ import annotations

import nbformat
import pytest
from repo_root import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "chapters").glob("*.ipynb")) + sorted(
    (REPO_ROOT / "appendix").glob("*.ipynb")
)
TITLE = "# @title "


def folded_in_jupyter(cell: dict) -> bool:
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden"))


def folded_in_colab(cell: dict) -> bool:
    first = cell.source.split("\n", 1)[0]
    return cell.metadata.get("cellView") == "form" and first.startswith(TITLE)


def form_problems(notebook: nbformat.NotebookNode) -> list[str]:
    """One message per code cell that Colab and Jupyter fold apart."""
    code = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    problems = []
    for i, cell in code:
        first = cell.source.split("\n", 1)[0]
        form = cell.metadata.get("cellView") == "form"
        titled = first.startswith(TITLE) and first[len(TITLE) :].strip() != ""
        if folded_in_jupyter(cell) and not (form and titled):
            missing = [
                text
                for text, there in (
                    ('"cellView": "form"', form),
                    ("a first line '# @title ...'", titled),
                )
                if not there
            ]
            problems.append(
                f"cell {i} ({cell.get('id')}) is folded but lacks {' and '.join(missing)}"
            )
        if not folded_in_jupyter(cell) and (form or first.startswith("# @title")):
            problems.append(
                f"cell {i} ({cell.get('id')}) is open in JupyterLab but a form in Colab; fold it "
                'with "jupyter": {"source_hidden": true} or drop its form'
            )
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_folded_cell_is_a_titled_form_in_colab_and_no_open_cell_is(path):
    notebook = nbformat.read(path, as_version=4)
    problems = form_problems(notebook)
    assert not problems, f"{path.relative_to(REPO_ROOT)}:\n" + "\n".join(problems)


def test_the_check_finds_a_folded_cell_without_a_form_and_an_open_cell_with_one():
    cells = [
        nbformat.v4.new_code_cell(
            "# @title Setup\nimport sys",
            metadata={"jupyter": {"source_hidden": True}, "cellView": "form"},
        ),
        nbformat.v4.new_code_cell("x = 1", metadata={"jupyter": {"source_hidden": True}}),
        nbformat.v4.new_code_cell(
            "# @title Checks\nassert x == 1",
            metadata={"jupyter": {"source_hidden": True}, "cellView": "form"},
        ),
        nbformat.v4.new_code_cell("# @title \ny = 2", metadata={"cellView": "form"}),
        nbformat.v4.new_code_cell(
            "# @title\nz = 3", metadata={"jupyter": {"source_hidden": True}, "cellView": "form"}
        ),
    ]
    problems = form_problems(nbformat.v4.new_notebook(cells=cells))
    assert len(problems) == 3, problems
    assert (
        problems[0].startswith("cell 1 ")
        and 'lacks "cellView": "form" and a first' in (problems[0])
    )
    assert problems[1].startswith("cell 3 ") and "open in JupyterLab" in problems[1]
    assert problems[2].startswith("cell 4 ") and "lacks a first line '# @title ...'" in problems[2]
