"""The book builds with every notebook executed, and a failing cell or reference fails it.

A page missing from the toc fails it too, and a rebuild with nothing changed writes no page.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import book_skeleton

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # jupyter-book colours Sphinx's output
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


def test_explorer_pages_show_static_figures_without_the_widget_manager(built_book, book_notebooks):
    """Each explorer a notebook displays is on its page as a static figure (its default
    picture, labelled controls, a manifest of every setting's pictures as files), and no page
    carries widget state or loads require.js and the widget manager."""
    shown = {}  # docname -> explorers its executed notebook displays
    for docname in book_notebooks:
        executed = nbformat.read(built_book.executed_notebook(docname), as_version=4)
        shown[docname] = sum(
            'class="nnx-explorer"' in output.get("data", {}).get("text/html", "")
            for cell in executed.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
        )
        assert "widgets" not in executed.metadata, f"{docname}: widget state was stored"
    assert shown.get("appendix/interactive_figures"), "the appendix shows no explorer"
    for docname, count in shown.items():
        page = built_book.page(docname).read_text(encoding="utf-8")
        figures = re.findall(r'<figure class="nnx-explorer".*?</figure>', page, re.S)
        assert len(figures) == count, f"{docname}: {count} explorers, {len(figures)} on the page"
        assert not WIDGET_STATE_SCRIPT.search(page), f"{docname} carries widget state"
        assert "require.js" not in page and "embed-amd" not in page, docname
        for figure in figures:
            assert "data:image" not in figure, f"{docname}: a picture left inside the page"
            pictures = re.findall(r'(?:src="|")((?:\.\./)*_images/explorers/[^"]+)"', figure)
            assert pictures, f"{docname}: an explorer without pictures"
            for picture in pictures:
                assert (built_book.page(docname).parent / picture).is_file(), picture


# A throwaway book with the real _config.yml shows that failures cannot pass silently.


def make_throwaway_book(root: Path, repo_root: Path, page_name: str) -> Path:
    root.mkdir()
    book_skeleton(root, repo_root)  # _config.yml and the folders its build needs
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


def test_a_rebuild_with_nothing_changed_writes_no_page(built_book, repo_root):
    """`make book` again with nothing changed: Sphinx reads nothing and writes no page.

    Builds once more into the session's build folder, with the same configuration; the pages
    there stay as they were, so the tests that read them afterwards see the same book.
    """
    config = built_book.build_dir.parent / "_config.yml"  # the fixture's copy (its cache)
    assert config.is_file(), f"built_book's configuration is not at {config}"
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("MPLBACKEND", None)  # as the fixture's build ran
    result = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-book")), "build", str(repo_root)]
        + ["--path-output", str(built_book.build_dir.parent), "--config", str(config)]
        + ["-W", "-n", "--keep-going"],
        cwd=repo_root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )
    log = ANSI_ESCAPE.sub("", result.stdout)
    assert result.returncode == 0, log_tail(log)
    assert "updating environment: 0 added, 0 changed, 0 removed" in log, (
        "a source of the book changed after the session's build: this test needs the "
        f"working tree left alone while the tests run\n{log_tail(log)}"
    )
    written = re.findall(r"^writing output\.\.\. \[\s*\d+%\] (\S+)$", log, re.M)
    assert written == [], f"a rebuild with nothing changed wrote {written}"


# A page that _toc.yml does not list: under the real _config.yml, one in the book's folders
# fails the build, naming it; files in the repository's other folders are not read at all.

NOT_THE_BOOK = {
    "README.md": "# The repository's README\n",
    "CHANGELOG.md": "# Changelog\n",
    "LICENSE-prose.md": "# Licence of the chapters' text and figures\n",
    "docs/notes.md": "# Notes beside the README's images\n",
    "tests/fixture.ipynb": "{}",
    "js/node_modules/a-package/README.md": "# An npm package\n",
    ".github/PULL_REQUEST_TEMPLATE.md": "# A pull request\n",
}


@pytest.fixture(scope="module")
def stray_page_build(tmp_path_factory, repo_root, run_jupyter_book):
    root = tmp_path_factory.mktemp("stray")
    book = make_throwaway_book(root / "book", repo_root, "page")
    (book / "page.md").write_text("# A page\n\nIt is in the toc.\n", encoding="utf-8")
    (book / "chapters").mkdir()
    (book / "chapters" / "forgotten.md").write_text(
        "# A chapter nobody added to the toc\n", encoding="utf-8"
    )
    for name, text in NOT_THE_BOOK.items():
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        (book / name).write_text(text, encoding="utf-8")
    return run_jupyter_book(book, root / "out")


def test_a_page_missing_from_the_toc_fails_the_build_naming_it(stray_page_build):
    build = stray_page_build
    assert build.returncode != 0, "a page that _toc.yml does not list was built with status 0"
    assert re.search(
        r"chapters/forgotten\.md: WARNING: document isn't included in any toctree", build.log
    ), log_tail(build.log)


def test_files_outside_the_books_folders_are_not_read(stray_page_build):
    build = stray_page_build
    assert "build finished with problems, 1 warning." in build.log, log_tail(build.log)
    for name in NOT_THE_BOOK:
        assert name not in build.log, f"the build read {name}:\n{log_tail(build.log)}"
        page = build.page(str(Path(name).with_suffix("")))
        assert not page.exists(), f"the build made a page of {name}: {page}"


def test_the_build_numbers_no_figures(built_book):
    # Jupyter Book's LaTeX extension turns numfig on for every build; _ext/figure_numbers.py
    # turns it off again, so Sphinx does not reload every page's doctree on each rebuild.
    import pickle

    with open(built_book.build_dir / ".doctrees" / "environment.pickle", "rb") as saved:
        environment = pickle.load(saved)
    assert environment.config.numfig is False
    assert not any(environment.toc_fignumbers.values())
