"""The publishing workflow (.github/workflows/book.yml): valid, and a fork publishes its own book.

The workflow is checked with actionlint (jactionlint, a maintained fork installed from PyPI,
with its pedantic rules, warnings counted as failures and ShellCheck for the shell steps), and
its step that names the repository is run here, as the runner would
run it, on a throwaway copy of the book.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from repo_root import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "book.yml"
BIN = Path(sys.executable).parent
ACTIONLINT = BIN / "jactionlint"
SHELLCHECK = BIN / "shellcheck"
INSTALL = "Install the test tools: `.venv/bin/python -m pip install -r requirements-dev.txt`."


def actionlint(path: Path) -> subprocess.CompletedProcess:
    for tool in (ACTIONLINT, SHELLCHECK):
        assert tool.is_file(), f"{tool.name} is missing. {INSTALL}"
    command = [str(ACTIONLINT), "--no-color", "--strict-exit", "--profile", "pedantic"]
    command += ["--shellcheck", str(SHELLCHECK), str(path)]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT)


def steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return workflow["jobs"]["build"]["steps"]


def step_running(text: str) -> tuple[int, dict]:
    found = [(i, s) for i, s in enumerate(steps()) if text in s.get("run", "")]
    assert len(found) == 1, f"expected one build step running {text!r}, found {len(found)}"
    return found[0]


def test_the_workflow_passes_actionlint():
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "shellcheck was not found" not in result.stderr


def test_actionlint_finds_what_the_workflow_must_not_do(tmp_path):
    """A control: the same workflow with an injectable expression and an unpinned action fails."""
    broken = tmp_path / ".github" / "workflows" / "book.yml"
    broken.parent.mkdir(parents=True)
    text = WORKFLOW.read_text(encoding="utf-8")
    text = text.replace('--branch "$GITHUB_REF_NAME"', '--branch "${{ github.head_ref }}"')
    text = text.replace(
        text[text.index("actions/checkout@") :].split("\n", 1)[0], "actions/checkout@main"
    )
    broken.write_text(text, encoding="utf-8")

    result = actionlint(broken)

    assert result.returncode == 1
    assert "github.head_ref" in result.stdout and "potentially untrusted" in result.stdout
    assert "actions/checkout@main" in result.stdout and "unpinned-uses" in result.stdout


def test_the_book_is_named_for_the_repository_and_branch_it_runs_for(tmp_path):
    """Run the workflow's step as the runner does: the fork's address ends up everywhere."""
    _, step = step_running("tools/set_repository_url.py")
    book = tmp_path / "fork"
    (book / "tools").mkdir(parents=True)
    (book / "chapters").mkdir()
    shutil.copy(REPO_ROOT / "tools" / "set_repository_url.py", book / "tools")
    shutil.copy(REPO_ROOT / "_config.yml", book)
    notebook = REPO_ROOT / "chapters" / "01_regression_or_classification.ipynb"
    shutil.copy(notebook, book / "chapters")
    (book / ".venv" / "bin").mkdir(parents=True)
    (book / ".venv" / "bin" / "python").symlink_to(sys.executable)
    env = {
        **os.environ,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "a-student/nn-course-companion",
        "GITHUB_REF_NAME": "main",
    }

    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=book, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))["repository"]
    assert (config["url"], config["branch"]) == (
        "https://github.com/a-student/nn-course-companion",
        "main",
    )
    cell = next(
        c.source
        for c in nbformat.read(book / "chapters" / notebook.name, 4).cells
        if c.cell_type == "code"
    )
    assert (
        'REPOSITORY_URL = "https://github.com/a-student/nn-course-companion"' in cell.splitlines()
    )
    assert 'BRANCH = "main"' in cell.splitlines()


@pytest.mark.parametrize("hostile", ['main"; touch owned; "', "main\nprint('owned')"])
def test_a_hostile_branch_name_from_the_runner_changes_nothing(tmp_path, hostile):
    _, step = step_running("tools/set_repository_url.py")
    book = tmp_path / "fork"
    (book / "tools").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "tools" / "set_repository_url.py", book / "tools")
    shutil.copy(REPO_ROOT / "_config.yml", book)
    (book / ".venv" / "bin").mkdir(parents=True)
    (book / ".venv" / "bin" / "python").symlink_to(sys.executable)
    before = (book / "_config.yml").read_bytes()
    env = {
        **os.environ,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "a/b",
        "GITHUB_REF_NAME": hostile,
    }

    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=book, env=env, capture_output=True, text=True
    )

    assert result.returncode == 2 and "--branch: expected a git branch name" in result.stderr
    assert (book / "_config.yml").read_bytes() == before and not (book / "owned").exists()


def test_the_book_is_built_after_naming_and_its_output_uploaded():
    name, _ = step_running("tools/set_repository_url.py")
    build, _ = step_running("make book")
    assert name < build, "the repository must be named before `make book` builds the pages"
    uploads = [s for s in steps() if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert [s["with"]["path"] for s in uploads] == ["_build/html"]  # where `make book` writes
