"""Notebooks are stored clean: no outputs, no execution counts, no saved widget state.

The cleaning is nbstripout's, run by the pre-commit hook in .pre-commit-config.yaml with the
arguments below; these tests check the stored notebooks directly, check that the hook would
leave each of them unchanged, and check that it cleans what it must while keeping the cell
tags and ids the book relies on.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from repo_root import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "chapters").glob("*.ipynb")) + sorted(
    (REPO_ROOT / "appendix").glob("*.ipynb")
)
NBSTRIPOUT = Path(sys.executable).with_name("nbstripout")
HOW_TO_FIX = (
    "Clear it before committing: `.venv/bin/nbstripout --keep-id {path}` "
    "(`.venv/bin/pre-commit install` does it on every commit)."
)


def hook_arguments() -> list[str]:
    """The arguments the pre-commit hook gives nbstripout."""
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [
        hook for repo in config["repos"] for hook in repo["hooks"] if hook["id"] == "nbstripout"
    ]
    assert len(hooks) == 1, "expected one nbstripout hook in .pre-commit-config.yaml"
    return hooks[0].get("args", [])


def nbstripout(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(NBSTRIPOUT), *args], capture_output=True, text=True)


def test_the_book_has_notebooks():
    assert NOTEBOOKS, "no notebooks found in chapters/ or appendix/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    relative = path.relative_to(REPO_ROOT)
    dirty = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{relative}: cells {dirty} (0-based) have outputs or execution counts. "
        + HOW_TO_FIX.format(path=relative)
    )
    assert "widgets" not in notebook.metadata, (
        f"{relative} stores widget state in its metadata. " + HOW_TO_FIX.format(path=relative)
    )


@pytest.fixture(scope="module")
def would_strip() -> set[Path]:
    """The stored notebooks the hook would change (one nbstripout --verify run for all)."""
    result = nbstripout(*hook_arguments(), "--verify", *map(str, NOTEBOOKS))
    marker = "would have stripped "
    named = {
        Path(line.split(marker, 1)[1]) for line in result.stdout.splitlines() if marker in line
    }
    assert result.returncode == (1 if named else 0), result.stdout + result.stderr
    return named


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_hook_would_leave_the_notebook_unchanged(path, would_strip):
    relative = path.relative_to(REPO_ROOT)
    assert path not in would_strip, (
        f"{relative} is not stored as nbstripout writes it. " + HOW_TO_FIX.format(path=relative)
    )


def test_the_hook_clears_outputs_and_widget_state_but_keeps_tags_and_ids(tmp_path):
    code = nbformat.v4.new_code_cell("print(1)", metadata={"tags": ["hide-input"]}, id="ch9-01")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    code.execution_count = 7
    notebook = nbformat.v4.new_notebook(cells=[code])
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    path = tmp_path / "dirty.ipynb"
    nbformat.write(notebook, path)

    assert nbstripout(*hook_arguments(), "--verify", str(path)).returncode == 1
    result = nbstripout(*hook_arguments(), str(path))

    assert result.returncode == 0, result.stderr
    cleaned = nbformat.read(path, as_version=4)
    cell = cleaned.cells[0]
    assert (cell.outputs, cell.execution_count) == ([], None)
    assert "widgets" not in cleaned.metadata
    assert cell.metadata["tags"] == ["hide-input"] and cell.id == "ch9-01"


def test_the_cleaner_names_a_missing_file_or_a_file_that_is_not_a_notebook(tmp_path):
    missing = nbstripout(str(tmp_path / "missing.ipynb"))
    assert missing.returncode == 1 and "file not found" in missing.stderr
    (tmp_path / "notes.ipynb").write_text("plain text", encoding="utf-8")
    text = nbstripout(str(tmp_path / "notes.ipynb"))
    assert text.returncode == 1 and "No valid notebook detected" in text.stderr
    assert "Traceback" not in missing.stderr + text.stderr


FOLDED_IN_THE_BOOK = {"hide-input", "remove-input", "remove-cell"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cells_folded_in_the_book_are_folded_in_jupyterlab_too(path):
    # The book hides these cells' code by their tags; JupyterLab and Jupyter Notebook read
    # `jupyter.source_hidden` instead. Without it a reader of the notebook sees bookkeeping,
    # and the hidden checks of the exercises' reference solutions give the answers away.
    notebook = nbformat.read(path, as_version=4)
    open_cells = [
        cell.get("id", i)
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        and FOLDED_IN_THE_BOOK & set(cell.metadata.get("tags", []))
        and not cell.metadata.get("jupyter", {}).get("source_hidden")
    ]
    assert not open_cells, (
        f"{path.relative_to(REPO_ROOT)}: cells {open_cells} are folded in the book (tags "
        f"{sorted(FOLDED_IN_THE_BOOK)}) but open in JupyterLab; add "
        '"jupyter": {"source_hidden": true} to their metadata'
    )
