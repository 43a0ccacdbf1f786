"""Notebooks are stored clean: no outputs, no execution counts, no saved widget state."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO_ROOT / "chapters").glob("*.ipynb")) + sorted((REPO_ROOT / "appendix").glob("*.ipynb"))
HOW_TO_FIX = "Clear it before committing: `.venv/bin/python tools/clear_outputs.py {path}`."


def test_the_book_has_notebooks():
    assert NOTEBOOKS, "no notebooks found in chapters/ or appendix/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    relative = path.relative_to(REPO_ROOT)
    dirty = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{relative}: cells {dirty} (0-based) have outputs or execution counts. "
        + HOW_TO_FIX.format(path=relative)
    )
    assert "widgets" not in notebook.metadata, (
        f"{relative} stores widget state in its metadata. " + HOW_TO_FIX.format(path=relative)
    )
