"""Widgets still render after a rebuild that takes a notebook from the execution cache."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
from conftest import book_skeleton

WIDGET_STATE = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.DOTALL
)
WIDGET_VIEW = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-view\+json">(.*?)</script>', re.DOTALL
)


def widget_models(page: Path) -> tuple[list[str], dict]:
    html = page.read_text(encoding="utf-8")
    views = [json.loads(view)["model_id"] for view in WIDGET_VIEW.findall(html)]
    states = WIDGET_STATE.findall(html)
    return views, (json.loads(states[0])["state"] if states else {})


def test_cached_rebuild_keeps_widget_state(tmp_path, run_jupyter_book, repo_root):
    book = tmp_path / "book"
    book.mkdir()
    book_skeleton(book, repo_root)  # the real _config.yml (execute_notebooks: cache) and more
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n  - file: widgets\n", encoding="utf-8"
    )
    (book / "index.md").write_text("# Widgets\n", encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A linked slider"),
        nbformat.v4.new_code_cell(
            "import ipywidgets as widgets\n"
            "slider = widgets.IntSlider(value=3, max=10)\n"
            "box = widgets.IntText()\n"
            "widgets.jslink((slider, 'value'), (box, 'value'))\n"
            "widgets.VBox([slider, box])"
        ),
    ]
    nbformat.write(notebook, book / "widgets.ipynb")
    out = tmp_path / "out"

    first = run_jupyter_book(book, out)
    assert first.returncode == 0, first.log
    assert "widgets.ipynb: Executing notebook" in first.log
    # Keep only the execution cache, so the second build renders the page from it.
    for folder in ("html", ".doctrees", "jupyter_execute"):
        shutil.rmtree(out / "_build" / folder)
    second = run_jupyter_book(book, out)
    assert second.returncode == 0, second.log
    assert "widgets.ipynb: Using cached notebook" in second.log, second.log

    views, state = widget_models(second.page("widgets"))
    assert len(views) == 1, views
    assert views[0] in state, "the cached rebuild lost the widget state"
    models = {model["model_name"] for model in state.values()}
    assert {"IntSliderModel", "IntTextModel", "LinkModel", "VBoxModel"} <= models, models
