"""Every notebook starts with the same install cell, which installs the book's code when needed.

It installs the distribution ``nn-executed`` (``nncore`` on PyPI is another project) from the
archive of the ref _config.yml names: ``repository: install_ref:`` (the commit a published
book was built from) or else the branch ``refs/heads/BRANCH``.

The cell is run here as a reader's kernel runs it, with ``sys.executable`` replaced by a
stand-in for Python that records the pip command it is given and answers like pip: so the
tests see what would be installed, from where, and what the reader is shown when it fails,
without installing anything.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml
from repo_root import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "chapters").glob("*.ipynb")) + sorted(
    (REPO_ROOT / "appendix").glob("*.ipynb")
)
FIX = "Run `make book` (or `.venv/bin/python tools/set_repository_url.py`) to copy it."


def first_code_cell(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return next((c.source for c in notebook.cells if c.cell_type == "code"), "")


def configured() -> tuple[str, str]:
    """(url, ref to install) of ``repository:`` in _config.yml."""
    section = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]
    ref = section.get("install_ref") or f"refs/heads/{section.get('branch', 'main')}"
    return section["url"].rstrip("/"), ref


def assigned(source: str) -> dict[str, object]:
    """The constants a cell assigns, as Python evaluates them."""
    return {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_install_cell_names_the_configured_repository_and_ref(path):
    values = assigned(first_code_cell(path))
    url, ref = configured()
    relative = path.relative_to(REPO_ROOT)
    assert "REPOSITORY_URL" in values and "REF" in values, (
        f"{relative}: the first code cell is not the install cell; copy it from another chapter"
    )
    assert (values["REPOSITORY_URL"], values["REF"]) == (url, ref), (
        f"{relative} installs {values['REF']} of {values['REPOSITORY_URL']}, but "
        f"_config.yml names {ref} of {url}. {FIX}"
    )


def test_all_install_cells_are_identical():
    sources = {path.relative_to(REPO_ROOT).as_posix(): first_code_cell(path) for path in NOTEBOOKS}
    assert len(set(sources.values())) == 1, "install cells differ:\n" + json.dumps(
        sources, indent=1
    )


def test_install_cell_uses_no_shell_escapes_or_magics():
    """Plain Python, so the cell runs the same in any kernel (and pip's errors reach the reader)."""
    source = first_code_cell(NOTEBOOKS[0])
    assert not re.search(r"^\s*[!%]", source, re.MULTILINE), source
    assert "--quiet" not in source and "-q" not in source.split(), source


FAKE_PYTHON = """\
#!{python}
import json, sys
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
if {fail!r}:
    print("Collecting nn-executed[chapters] @ ...", flush=True)
    print("ERROR: HTTP error 404 while getting the archive (fake pip)", file=sys.stderr)
    sys.exit(1)
print("Successfully installed nn-executed-0.1.0 (fake pip)")
"""


def run_install_cell(
    tmp_path: Path, *, installed: bool, fail: bool = False
) -> tuple[subprocess.CompletedProcess, list]:
    """Run the install cell in a fresh Python; return the run and the pip commands it issued.

    ``installed=False`` makes ``import nncore`` and ``import nnbook`` fail as in a fresh
    Colab runtime.
    """
    log = tmp_path / "pip-calls.jsonl"
    fake = tmp_path / "python"
    fake.write_text(
        FAKE_PYTHON.format(python=sys.executable, log=str(log), fail=fail), encoding="utf-8"
    )
    fake.chmod(0o755)
    harness = textwrap.dedent(
        f"""
        import sys
        sys.executable = {str(fake)!r}
        if not {installed!r}:
            sys.modules["nncore"] = None  # makes `import nncore` raise ImportError
            sys.modules["nnbook"] = None
        """
    )
    code = harness + first_code_cell(NOTEBOOKS[0])
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    calls = (
        [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        if log.exists()
        else []
    )
    return result, calls


def expected_archive() -> str:
    url, ref = configured()
    return f"{url}/archive/{ref}.zip"


def test_install_cell_does_nothing_where_nncore_and_nnbook_import(tmp_path):
    result, calls = run_install_cell(tmp_path, installed=True)
    assert result.returncode == 0, result.stderr
    assert calls == [] and result.stdout == "" and result.stderr == ""


def test_install_cell_installs_the_configured_ref_without_git(tmp_path):
    result, calls = run_install_cell(tmp_path, installed=False)

    assert result.returncode == 0, result.stderr
    assert calls == [["-m", "pip", "install", f"nn-executed[chapters] @ {expected_archive()}"]]
    assert expected_archive() in result.stdout
    assert "git+" not in json.dumps(calls)


def test_install_cell_shows_pips_error_and_stops(tmp_path):
    result, calls = run_install_cell(tmp_path, installed=False, fail=True)

    assert len(calls) == 1
    assert result.returncode != 0
    assert "ERROR: HTTP error 404 while getting the archive (fake pip)" in result.stderr
    assert "Collecting nn-executed[chapters]" in result.stderr
    assert (
        f"RuntimeError: pip could not install {expected_archive()}: see its output above"
        in result.stderr
    )


def test_install_cell_installs_the_project_by_its_own_distribution_name():
    """``nncore`` on PyPI is an unrelated project: the cell names pyproject.toml's name."""
    project = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    name = re.search(r'^name = "([^"]+)"', project, re.MULTILINE).group(1)
    assert name == "nn-executed"
    assert f'f"{name}[chapters] @ {{archive}}"' in first_code_cell(NOTEBOOKS[0])
