"""Executing a chapter twice gives the same text outputs: every random draw is seeded."""

from __future__ import annotations

import importlib.util
import re
import sys

import nbformat
from repo_root import REPO_ROOT

# The case study trains small networks from random initial weights, so it is the chapter
# whose story depends most on seeding.
CHAPTER = "chapters/04_case_study_dead_forever"
MEMORY_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]+\b")
CELL_TIMEOUT = 600  # seconds


def _notebook_execution():
    """tools/notebook_execution.py: how the book's runners execute a notebook."""
    path = REPO_ROOT / "tools" / "notebook_execution.py"
    spec = importlib.util.spec_from_file_location("notebook_execution", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


def text_outputs(notebook: nbformat.NotebookNode) -> list[list[str]]:
    """Per code cell, its text: stdout, stderr, text/plain results and errors, addresses masked.

    A stream may reach the notebook in one output or in several, depending on when the
    kernel flushed it, so each stream is joined into one text before comparing.
    """
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        streams = {"stdout": "", "stderr": ""}
        texts = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                streams[output.name] += output.text
            elif output.output_type in ("execute_result", "display_data"):
                if "text/plain" in output.get("data", {}):
                    texts.append(f"{output.output_type}: {output.data['text/plain']}")
            elif output.output_type == "error":
                texts.append(f"error: {output.ename}: {output.evalue}")
        texts = [f"{name}: {text}" for name, text in streams.items() if text] + texts
        cells.append([MEMORY_ADDRESS.sub("0x…", text) for text in texts])
    return cells


def test_text_outputs_repeat_exactly(built_book, repo_root, monkeypatch):
    # The kernel inherits this process's environment: run it as the book build does, with
    # the kernel's own figure backend rather than the tests' Agg (figures are outputs too).
    monkeypatch.delenv("MPLBACKEND", raising=False)
    # Every run over seeds computed again, not read from a cache of the first execution.
    monkeypatch.delenv("NNBOOK_RUNS_CACHE", raising=False)
    # As tools/execute_book.py runs the build's kernels: explorers write their static figure.
    monkeypatch.setenv("NNCORE_EXPLORER_OUTPUT", "figure")

    source = repo_root / f"{CHAPTER}.ipynb"
    executed = built_book.executed_notebook(CHAPTER)
    assert executed.is_file(), f"the book build did not execute {CHAPTER}; see test_book_build.py"
    first = nbformat.read(executed, as_version=4)
    run = _notebook_execution().execute_notebook(
        source, timeout=CELL_TIMEOUT, store_widget_state=False, kernel_name="python3"
    )
    assert not run.error, f"{CHAPTER} failed on its second run:\n{run.error}"
    second = run.notebook

    first_texts, second_texts = text_outputs(first), text_outputs(second)
    assert len(first_texts) == len(second_texts)
    for index, (a, b) in enumerate(zip(first_texts, second_texts)):
        assert a == b, (
            f"{CHAPTER}: code cell {index} (0-based) printed different text on a second run"
        )


def test_the_comparison_ignores_only_addresses_and_stream_chunks():
    def notebook(*chunks: str) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell("...")
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text=text) for text in chunks
        ]
        return nbformat.v4.new_notebook(cells=[cell])

    assert text_outputs(notebook("<obj at 0x7f3a>")) == text_outputs(notebook("<obj at 0x55b1>"))
    assert text_outputs(notebook("loss 0.69", "31\n")) == text_outputs(notebook("loss 0.6931\n"))
    assert text_outputs(notebook("loss 0.6931")) != text_outputs(notebook("loss 0.6932"))
    assert text_outputs(notebook("a\n", "b\n")) != text_outputs(notebook("b\n", "a\n"))
