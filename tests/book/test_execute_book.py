"""tools/execute_book.py fills the build's execution cache; the build then executes nothing.

Each test builds a throwaway one- or two-page book the way `make book` does (the parallel
step, then ``jupyter-book build``) with the real ``_config.yml``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import yaml
from conftest import book_skeleton
from repo_root import REPO_ROOT

EXECUTE_BOOK = REPO_ROOT / "tools" / "execute_book.py"


def make_book(root: Path, cells: dict[str, list[str]]) -> Path:
    """A book with one notebook page per entry of ``cells`` (page name -> code cells)."""
    root.mkdir()
    book_skeleton(root)  # the real _config.yml (execute_notebooks: cache) and what it needs
    toc = "format: jb-book\nroot: index\nchapters:\n" + "".join(
        f"  - file: {name}\n" for name in cells
    )
    (root / "_toc.yml").write_text(toc, encoding="utf-8")
    (root / "index.md").write_text(
        "# A throwaway book\n\nIt holds a few pages.\n", encoding="utf-8"
    )
    for name, sources in cells.items():
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        notebook.cells = [nbformat.v4.new_markdown_cell(f"# Page {name}")]
        notebook.cells += [nbformat.v4.new_code_cell(source) for source in sources]
        nbformat.write(notebook, root / f"{name}.ipynb")
    return root


def execute_book(book: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(EXECUTE_BOOK),
            "--source",
            str(book),
            "--build-dir",
            str(out / "_build"),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_build_reads_every_notebook_from_the_cache(tmp_path, run_jupyter_book):
    book = make_book(
        tmp_path / "book", {"one": ["print(6 * 7)"], "two": ["x = 2", "print(x ** 10)"]}
    )
    out = tmp_path / "out"

    first = execute_book(book, out)
    build = run_jupyter_book(book, out)

    assert first.returncode == 0, first.stdout + first.stderr
    assert "Executing 2 of 2 notebooks" in first.stdout
    assert "executed one.ipynb in " in first.stdout and "executed two.ipynb in " in first.stdout
    assert build.returncode == 0, build.log
    assert f"{book / 'one.ipynb'}: Using cached notebook" in build.log, build.log
    assert f"{book / 'two.ipynb'}: Using cached notebook" in build.log, build.log
    assert "Executing notebook" not in build.log, build.log
    assert "1024" in build.page("two").read_text(encoding="utf-8")
    # myst-nb keeps no outputs in its copy of a notebook taken from the cache; --after-build does.
    after = execute_book(book, out, "--after-build")
    assert after.returncode == 0 and "Wrote 2 executed notebooks from the cache" in after.stdout, (
        after.stdout
    )
    executed = nbformat.read(build.executed_notebook("two"), as_version=4)
    assert [
        c.outputs[0]["text"] for c in executed.cells if c.cell_type == "code" and c.outputs
    ] == ["1024\n"]
    assert [c.execution_count for c in executed.cells if c.cell_type == "code"] == [1, 2]
    assert (
        "Wrote 0 executed notebooks" in execute_book(book, out, "--after-build").stdout
    )  # already there

    again = execute_book(book, out)
    assert (
        again.returncode == 0 and "All 2 notebooks are in the execution cache." in again.stdout
    ), again.stdout


def test_a_changed_notebook_is_executed_again(tmp_path):
    book = make_book(tmp_path / "book", {"one": ["print(1)"], "two": ["print(2)"]})
    out = tmp_path / "out"
    assert execute_book(book, out).returncode == 0

    notebook = nbformat.read(book / "two.ipynb", as_version=4)
    notebook.cells[1].source = "print(3)"
    nbformat.write(notebook, book / "two.ipynb")
    second = execute_book(book, out)

    assert second.returncode == 0, second.stdout + second.stderr
    assert "Executing 1 of 2 notebooks" in second.stdout, second.stdout
    assert "executed two.ipynb in " in second.stdout and "one.ipynb" not in second.stdout


def test_a_failing_cell_still_fails_the_build(tmp_path, run_jupyter_book):
    book = make_book(
        tmp_path / "book",
        {
            "fine": ["print('fine')"],
            "broken": [
                "x = 1\nraise RuntimeError('this cell fails on purpose')",
                "print('never reached')",
            ],
        },
    )

    build = run_jupyter_book(book, tmp_path / "out", parallel=True)

    assert (
        "FAILED   broken.ipynb: the build will execute it again and report the error." in build.log
    )
    assert build.returncode != 0, "a notebook whose cell raises was built with exit status 0"
    assert f"{book / 'broken.ipynb'}: Executing notebook" in build.log, (
        "the build did not run it again"
    )
    assert "RuntimeError: this cell fails on purpose" in build.log
    assert "executed fine.ipynb in " in build.log  # the other notebook ran and was cached


def test_nothing_to_do_unless_the_build_uses_the_cache(tmp_path):
    book = make_book(tmp_path / "book", {"one": ["print(1)"]})
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "force"
    (book / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")

    result = execute_book(book, tmp_path / "out")

    assert result.returncode == 0
    assert (
        "execute_notebooks is 'force', not 'cache': the build executes the notebooks itself"
        in result.stdout
    )
    assert not (tmp_path / "out").exists()
