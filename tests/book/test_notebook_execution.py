"""tools/notebook_execution.py: how both notebook runners execute a notebook."""

from __future__ import annotations

import importlib.util
import sys

import nbformat
import pytest
from repo_root import REPO_ROOT

SHARED = REPO_ROOT / "tools" / "notebook_execution.py"


@pytest.fixture(scope="module")
def shared():
    spec = importlib.util.spec_from_file_location("notebook_execution", SHARED)
    module = importlib.util.module_from_spec(spec)
    sys.modules["notebook_execution"] = module
    spec.loader.exec_module(module)
    return module


def write(path, *cells, metadata=None):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata.update(metadata or {})
    nbformat.write(notebook, path)
    return path


def test_the_kernel_runs_in_the_notebook_folder(shared, tmp_path):
    (tmp_path / "data.txt").write_text("beside the notebook", encoding="utf-8")
    path = write(tmp_path / "reads.ipynb", "print(open('data.txt').read())")

    result = shared.execute_notebook(path, timeout=60)

    assert result.error == ""
    assert result.notebook.cells[0].outputs[0]["text"] == "beside the notebook\n"


def test_a_failing_cell_is_reported_and_stops_the_notebook(shared, tmp_path):
    path = write(tmp_path / "fails.ipynb", "raise LookupError('no such row')", "print('after')")

    result = shared.execute_notebook(path, timeout=60)

    assert "LookupError: no such row" in shared.error_tail(result.error, 3)
    assert result.notebook.cells[1].outputs == []


def test_the_notebook_metadata_may_allow_errors_as_myst_nb_reads_it(shared, tmp_path):
    path = write(
        tmp_path / "allowed.ipynb",
        "raise LookupError('expected')",
        "print('after')",
        metadata={"execution": {"allow_errors": True}},
    )

    result = shared.execute_notebook(path, timeout=60, allow_errors=False)

    assert result.error == ""
    assert result.notebook.cells[1].outputs[0]["text"] == "after\n"


def test_side_by_side_yields_every_result_and_each_failure_in_place(shared):
    def invert(x):
        return 1 / x

    results = dict(shared.side_by_side(invert, [1, 0, 4], 2, processes=False))

    assert results[1] == 1.0 and results[4] == 0.25
    assert isinstance(results[0], ZeroDivisionError)


def test_error_tail_drops_colours_and_blank_lines(shared):
    text = "\x1b[0;31mKeyError\x1b[0m\n\n  first\n\nsecond\n"
    assert shared.error_tail(text, 2) == "  first\nsecond"
