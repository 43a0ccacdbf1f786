"""The workflows (.github/workflows): valid, a fork publishes its book, pull requests tested.

Every workflow is checked with actionlint (jactionlint, a maintained fork installed from PyPI,
with its pedantic rules, warnings counted as failures and ShellCheck for the shell steps).
book.yml's step that names the repository is run here, as the runner would run it, on a
throwaway copy of the book. tests.yml runs on pull requests with the Python versions the
project names elsewhere, and .ci/run (ShellChecked) installs Chromium as root, through sudo,
or not at all when it is there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from repo_root import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "book.yml"
PULL_REQUESTS = WORKFLOWS / "tests.yml"
CI_RUN = REPO_ROOT / ".ci" / "run"
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


def venv_python(book: Path) -> None:
    """Make ``book/.venv/bin/python`` run this Python (a script: Python 3.10 does not find a
    virtual environment's packages through a symlink to its interpreter)."""
    (book / ".venv" / "bin").mkdir(parents=True)
    wrapper = book / ".venv" / "bin" / "python"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)


def steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return workflow["jobs"]["build"]["steps"]


def step_running(text: str) -> tuple[int, dict]:
    found = [(i, s) for i, s in enumerate(steps()) if text in s.get("run", "")]
    assert len(found) == 1, f"expected one build step running {text!r}, found {len(found)}"
    return found[0]


def test_every_workflow_is_checked():
    names = sorted(p.name for p in WORKFLOWS.iterdir() if p.suffix in (".yml", ".yaml"))
    assert names == ["book.yml", "tests.yml"], f"add the new workflow to these tests: {names}"


@pytest.mark.parametrize("workflow", ["book.yml", "tests.yml"])
def test_the_workflow_passes_actionlint(workflow):
    result = actionlint(WORKFLOWS / workflow)
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
    venv_python(book)
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
    assert 'REF = "refs/heads/main"' in cell.splitlines()


@pytest.mark.parametrize("hostile", ['main"; touch owned; "', "main\nprint('owned')"])
def test_a_hostile_branch_name_from_the_runner_changes_nothing(tmp_path, hostile):
    _, step = step_running("tools/set_repository_url.py")
    book = tmp_path / "fork"
    (book / "tools").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "tools" / "set_repository_url.py", book / "tools")
    shutil.copy(REPO_ROOT / "_config.yml", book)
    venv_python(book)
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


# ------------------------------------------------------------- the pull-request workflow
def pull_request_jobs() -> dict:
    return yaml.safe_load(PULL_REQUESTS.read_text(encoding="utf-8"))["jobs"]


def runs(job: dict) -> list[str]:
    return [s["run"] for s in job["steps"] if "run" in s]


def uses(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").startswith(f"{action}@")]


def test_pull_requests_are_tested_and_the_newest_versions_weekly():
    workflow = yaml.safe_load(PULL_REQUESTS.read_text(encoding="utf-8"))
    events = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(events) == {"pull_request", "workflow_dispatch", "schedule"}
    jobs = pull_request_jobs()
    for name in ("lint", "check", "book"):
        assert "schedule" in jobs[name]["if"], f"{name} runs on pull requests, not weekly"
    assert "pull_request" in jobs["newest"]["if"], "the weekly job does not run on pull requests"


def test_check_runs_on_the_pythons_the_project_names():
    """3.10 from requires-python, 3.11 from runtime.txt, 3.13 from the Colab pins' header."""
    project = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    minimum = re.search(r'requires-python = ">=(3\.\d+)"', project).group(1)
    binder = (REPO_ROOT / "runtime.txt").read_text(encoding="utf-8").strip().removeprefix("python-")
    colab_header = (REPO_ROOT / "envs" / "colab-constraints.txt").read_text(encoding="utf-8")
    colab = re.search(r"Python (3\.\d+)\.\d+", colab_header).group(1)
    jobs = pull_request_jobs()

    assert jobs["check"]["strategy"]["matrix"]["python"] == [minimum, binder, colab]
    assert runs(jobs["check"]) == ["make check"]
    [setup] = uses(jobs["book"], "actions/setup-python")
    # Every environment's Python; the last one (python3, which makes .venv) is Binder's.
    assert setup["with"]["python-version"].split() == [minimum, colab, binder]


def test_lint_runs_ruff_check_and_format():
    lint = runs(pull_request_jobs()["lint"])
    assert any(r.startswith("ruff check") for r in lint)
    assert "ruff format --check ." in lint


def test_the_book_job_builds_with_its_caches_then_runs_every_test():
    book = pull_request_jobs()["book"]
    assert runs(book) == ["make book", ".ci/run"]
    caches = {s["with"]["path"]: s["with"]["key"] for s in uses(book, "actions/cache")}
    assert set(caches) == {"_build/.jupyter_cache", "_build/.runs_cache"}
    for key in caches.values():
        for sources in ("chapters/**", "appendix/**", "nncore/**", "nnbook/**"):
            assert f"'{sources}'" in key, f"{sources} is missing from the cache key {key}"
    for step in uses(book, "actions/setup-python"):
        assert step["with"]["cache"] == "pip"


def test_the_weekly_job_installs_the_newest_versions_and_reports():
    newest = pull_request_jobs()["newest"]
    commands = runs(newest)
    assert "pip install --upgrade -r requirements-dev.txt" in commands[0]
    assert commands[1:3] == ["make check", "make book"]
    assert not uses(newest, "actions/cache"), "a cached execution would hide the new versions"


# ------------------------------------------------------------------------------ .ci/run
def test_ci_run_passes_shellcheck():
    result = subprocess.run([str(SHELLCHECK), str(CI_RUN)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def run_ci_run(tmp_path: Path, uid: int, have: tuple[str, ...]) -> tuple[int, str, list[str]]:
    """Run a copy of .ci/run with stub commands: ``uid`` for ``id -u``, ``have`` among
    chromium and sudo. Return its exit status, its error output and the commands it ran."""
    repo, stubs, log = tmp_path / "repo", tmp_path / "bin", tmp_path / "commands.log"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(CI_RUN, repo / ".ci" / "run")
    stubs.mkdir()
    for tool in ("bash", "dirname"):
        (stubs / tool).symlink_to(shutil.which(tool))
    recorded = ("apt-get", "npm", "make", *have)
    for name in recorded:
        (stubs / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n', encoding="utf-8")
    (stubs / "id").write_text(f"#!/bin/sh\necho {uid}\n", encoding="utf-8")
    for stub in stubs.iterdir():
        if not stub.is_symlink():
            stub.chmod(0o755)
    result = subprocess.run(
        [str(repo / ".ci" / "run")],
        env={"PATH": str(stubs), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    commands = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return result.returncode, result.stderr, commands


NPM_CI = "npm ci --prefix js --omit=dev --no-audit --no-fund --ignore-scripts"
APT = "apt-get install -y --no-install-recommends chromium"


def test_ci_run_as_root_installs_chromium_with_apt(tmp_path):
    status, _, commands = run_ci_run(tmp_path, uid=0, have=())
    assert status == 0
    assert commands == ["apt-get update", APT, NPM_CI, "make test"]


def test_ci_run_as_a_user_installs_chromium_through_sudo(tmp_path):
    status, _, commands = run_ci_run(tmp_path, uid=1001, have=("sudo",))
    assert status == 0
    sudo = "sudo env DEBIAN_FRONTEND=noninteractive "
    assert commands == [f"{sudo}apt-get update", f"{sudo}{APT}", NPM_CI, "make test"]


def test_ci_run_without_root_or_sudo_says_so(tmp_path):
    status, stderr, commands = run_ci_run(tmp_path, uid=1001, have=())
    assert status == 1 and "needs root or sudo" in stderr
    assert commands == []


def test_ci_run_leaves_an_installed_chromium_alone(tmp_path):
    status, _, commands = run_ci_run(tmp_path, uid=1001, have=("chromium",))
    assert status == 0
    assert commands == [NPM_CI, "make test"]
