"""The book builds with every notebook executed, and a failing cell or reference fails it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_SCRIPT = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.DOTALL
)


def log_tail(log: str, lines: int = 60) -> str:
    return "\n".join(log.splitlines()[-lines:])


def test_book_builds_without_errors_or_warnings(built_book):
    assert built_book.returncode == 0, (
        f"`jupyter-book build . -W -n --keep-going` exited with {built_book.returncode}; "
        f"full log in {built_book.build_dir.parent / 'build.log'}. "
        f"Its end:\n{log_tail(built_book.log)}"
    )


def test_every_toc_entry_has_a_page(built_book, toc_docname):
    page = built_book.page(toc_docname)
    assert page.is_file(), f"{toc_docname} is in _toc.yml but the build made no {page.name}"
    assert "<h1" in page.read_text(encoding="utf-8"), f"{page} has no title (no <h1>)"


def test_every_notebook_was_executed_afresh(built_book, repo_root, toc_notebook):
    source = repo_root / f"{toc_notebook}.ipynb"
    # Executed by tools/execute_book.py into the build's new, empty cache, or by the build.
    executed_first = f"executed {toc_notebook}.ipynb in " in built_book.log
    assert executed_first or f"{source}: Executing notebook" in built_book.log, (
        f"the build log does not show {source} being executed"
    )

    executed_path = built_book.executed_notebook(toc_notebook)
    assert executed_path.is_file(), f"no executed copy of {toc_notebook}.ipynb at {executed_path}"
    executed = nbformat.read(executed_path, as_version=4)
    stored = nbformat.read(source, as_version=4)
    executed_code = [c for c in executed.cells if c.cell_type == "code"]
    stored_code = [c for c in stored.cells if c.cell_type == "code"]
    assert [c.source for c in executed_code] == [c.source for c in stored_code]
    not_run = [
        i for i, c in enumerate(executed_code) if not isinstance(c.get("execution_count"), int)
    ]
    assert not not_run, f"{toc_notebook}: code cells {not_run} (0-based) were not executed"


def test_widget_pages_carry_the_widget_state(built_book, book_notebooks):
    """A widget output renders on the static page only if its state is embedded there."""
    shown = {}  # docname -> model ids of the widgets its notebook displays
    for docname in book_notebooks:
        executed = nbformat.read(built_book.executed_notebook(docname), as_version=4)
        ids = [
            output["data"][WIDGET_VIEW]["model_id"]
            for cell in executed.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
            if WIDGET_VIEW in output.get("data", {})
        ]
        if ids:
            shown[docname] = ids
    assert "appendix/interactive_figures" in shown, (
        "the interactive-figures appendix shows no widget"
    )

    for docname, model_ids in shown.items():
        states = WIDGET_STATE_SCRIPT.findall(built_book.page(docname).read_text(encoding="utf-8"))
        assert len(states) == 1, f"{docname}: expected one widget-state script, found {len(states)}"
        embedded = json.loads(states[0])["state"]
        missing = [m for m in model_ids if m not in embedded]
        assert not missing, f"{docname}: widgets {missing} have no state on the page"


# A throwaway book with the real _config.yml shows that failures cannot pass silently.


def make_throwaway_book(root: Path, repo_root: Path, page_name: str) -> Path:
    root.mkdir()
    shutil.copy(repo_root / "_config.yml", root / "_config.yml")
    shutil.copytree(repo_root / "_ext", root / "_ext")  # the local Sphinx extensions it names
    (root / "_toc.yml").write_text(
        f"format: jb-book\nroot: index\nchapters:\n  - file: {page_name}\n", encoding="utf-8"
    )
    (root / "index.md").write_text("# A throwaway book\n\nIt holds one page.\n", encoding="utf-8")
    return root


def test_a_failing_cell_fails_the_build_and_names_the_notebook(
    tmp_path, repo_root, run_jupyter_book
):
    book = make_throwaway_book(tmp_path / "book", repo_root, "broken")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A broken page"),
        nbformat.v4.new_code_cell("x = 1\nraise RuntimeError('this cell fails on purpose')"),
        nbformat.v4.new_code_cell("print('never reached')"),
    ]
    nbformat.write(notebook, book / "broken.ipynb")

    build = run_jupyter_book(book, tmp_path / "out")

    assert build.returncode != 0, "a notebook whose cell raises was built with exit status 0"
    assert f"{book / 'broken.ipynb'}" in build.log, "the log does not name the failing notebook"
    assert "RuntimeError: this cell fails on purpose" in build.log, (
        "the log does not show the cell's error"
    )


def test_a_broken_cross_reference_fails_the_build(tmp_path, repo_root, run_jupyter_book):
    book = make_throwaway_book(tmp_path / "book", repo_root, "page")
    (book / "page.md").write_text(
        "# A page\n\nSee {ref}`a-label-nobody-defined` and {py:func}`nncore.no_such_function`.\n",
        encoding="utf-8",
    )

    build = run_jupyter_book(book, tmp_path / "out")

    assert build.returncode != 0, "a page with broken references was built with exit status 0"
    assert re.search(r"page\.md:3: WARNING: .*a-label-nobody-defined", build.log), build.log
    assert re.search(r"page\.md:3: WARNING: .*nncore\.no_such_function", build.log), build.log
