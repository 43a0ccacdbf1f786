"""Every notebook starts with the same install cell, naming the repository in _config.yml."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
STAMP = REPO_ROOT / "tools" / "set_repository_url.py"
NOTEBOOKS = sorted((REPO_ROOT / "chapters").glob("*.ipynb")) + sorted((REPO_ROOT / "appendix").glob("*.ipynb"))
URL_LINE = re.compile(r'^REPOSITORY_URL = "([^"]*)"$', re.MULTILINE)
FIX = "Run `make book` (or `.venv/bin/python tools/set_repository_url.py`) to copy the address into every notebook."


def first_code_cell(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return next((c.source for c in notebook.cells if c.cell_type == "code"), "")


def configured_url(root: Path = REPO_ROOT) -> str:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_install_cell_names_the_configured_repository(path):
    source = first_code_cell(path)
    urls = URL_LINE.findall(source)
    assert len(urls) == 1, f"{path.relative_to(REPO_ROOT)}: the first code cell is not the install cell (see CONVENTIONS.md)"
    assert urls[0] == configured_url().rstrip("/"), (
        f"{path.relative_to(REPO_ROOT)} installs nncore from {urls[0]}, but _config.yml names "
        f"{configured_url()}. {FIX}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_install_cell_installs_only_when_nncore_is_missing(path):
    source = first_code_cell(path)
    assert "import nncore" in source and "except ImportError:" in source, source
    assert 'f"nncore[chapters] @ git+{REPOSITORY_URL}"' in source, source
    assert "subprocess.run(" in source and "check=True" in source, source
    assert 'if "google.colab" in sys.modules:' in source and "enable_custom_widget_manager()" in source, source
    assert not re.search(r"^\s*[!%]", source, re.MULTILINE), "use subprocess, not shell escapes or magics"


def test_all_install_cells_are_identical():
    sources = {path.relative_to(REPO_ROOT).as_posix(): first_code_cell(path) for path in NOTEBOOKS}
    distinct = set(sources.values())
    assert len(distinct) == 1, "install cells differ:\n" + json.dumps(sources, indent=1)


def make_book_copy(tmp_path: Path, url: str) -> Path:
    root = tmp_path / "book"
    (root / "chapters").mkdir(parents=True)
    (root / "_config.yml").write_text(f"repository:\n  url: {url}\n", encoding="utf-8")
    shutil.copy(NOTEBOOKS[0], root / "chapters" / NOTEBOOKS[0].name)
    return root


def run_stamp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(STAMP), *args], capture_output=True, text=True)


def test_stamping_rewrites_only_the_address_and_is_idempotent(tmp_path):
    new_url = "https://github.com/another-org/a-fork"
    root = make_book_copy(tmp_path, new_url)
    notebook = root / "chapters" / NOTEBOOKS[0].name
    before = notebook.read_text(encoding="utf-8")

    assert run_stamp("--check", str(root)).returncode == 1
    first = run_stamp(str(root))
    assert first.returncode == 0, first.stderr
    after = notebook.read_text(encoding="utf-8")
    assert URL_LINE.findall(first_code_cell(notebook)) == [new_url]
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(changed) == 1 and len(before.splitlines()) == len(after.splitlines()), changed

    second = run_stamp(str(root))
    assert second.returncode == 0 and second.stdout == "", second.stdout
    assert notebook.read_text(encoding="utf-8") == after
    assert run_stamp("--check", str(root)).returncode == 0


def test_stamping_refuses_a_notebook_without_install_cell(tmp_path):
    root = make_book_copy(tmp_path, "https://github.com/another-org/a-fork")
    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import nncore")])
    nbformat.write(bare, root / "chapters" / "bare.ipynb")

    result = run_stamp(str(root))

    assert result.returncode == 1
    assert "bare.ipynb: the first code cell is not the install cell" in result.stderr
    assert "CONVENTIONS.md" in result.stderr
