"""The workflows (.github/workflows): valid, a fork publishes its book, pull requests tested.

Every workflow is checked with actionlint (jactionlint, a maintained fork installed from PyPI,
with its pedantic rules, warnings counted as failures and ShellCheck for the shell steps).
book.yml's steps that name the repository and push the branch `notebooks` are read from the
YAML and run here with bash, as the runner runs them (GITHUB_REPOSITORY, GITHUB_SHA and
GITHUB_REF_NAME set as Actions sets them), on a copy of this repository made into a fork
(another owner and name, another branch) with a bare repository as its GitHub. What the
launch buttons open is checked in the configuration the build reads (Jupyter Book's own
translation of _config.yml into the theme's settings) and, in a test marked `book`, in the
pages of the fork's book built with execution off (about half a minute). tests.yml runs on
pull requests with the Python versions the project names elsewhere, and .ci/run
(ShellChecked) installs Chromium as root, through sudo, or not at all when it is there.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
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


def steps(job: str = "build") -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return workflow["jobs"][job]["steps"]


def step_running(text: str, job: str = "build") -> tuple[int, dict]:
    found = [(i, s) for i, s in enumerate(steps(job)) if text in s.get("run", "")]
    assert len(found) == 1, f"expected one {job} step running {text!r}, found {len(found)}"
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
    text = text.replace('--ref "$GITHUB_SHA"', '--ref "${{ github.head_ref }}"')
    text = text.replace(
        text[text.index("actions/checkout@") :].split("\n", 1)[0], "actions/checkout@main"
    )
    broken.write_text(text, encoding="utf-8")

    result = actionlint(broken)

    assert result.returncode == 1
    assert "github.head_ref" in result.stdout and "potentially untrusted" in result.stdout
    assert "actions/checkout@main" in result.stdout and "unpinned-uses" in result.stdout


# ------------------------------------------------- a fork, through book.yml's steps
FORK = "a-student/nn-course-2027"
FORK_BRANCH = "spring-2027"
FORK_URL = f"https://github.com/{FORK}"
NOTEBOOK_FOLDERS = ("chapters", "appendix")


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


@dataclass(frozen=True)
class Fork:
    """A copy of this repository as a fork, after book.yml's job `notebooks` ran in it."""

    checkout: Path  # the runner's checkout, after the steps
    github: Path  # the bare repository the steps pushed to
    sha: str  # the commit the book is built from (GITHUB_SHA)
    runs: list[subprocess.CompletedProcess]


def run_step(step: dict, checkout: Path, sha: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": FORK,
        "GITHUB_SHA": sha,
        "GITHUB_REF_NAME": FORK_BRANCH,
        "GITHUB_REF": f"refs/heads/{FORK_BRANCH}",
    }
    # Actions runs `run:` with `bash --noprofile --norc -eo pipefail {0}`.
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )


def test_every_notebook_is_tracked_so_a_fork_has_it():
    """A fork holds what git tracks, and the fork below is made of the tracked files only: a
    new notebook that is not added would be missing from both, silently."""
    tracked = set(git(REPO_ROOT, "ls-files", *NOTEBOOK_FOLDERS).splitlines())
    on_disk = {
        p.relative_to(REPO_ROOT).as_posix()
        for folder in NOTEBOOK_FOLDERS
        for p in (REPO_ROOT / folder).glob("*.ipynb")
    }
    untracked = sorted(on_disk - tracked)
    assert not untracked, (
        f"expected every notebook of {' and '.join(NOTEBOOK_FOLDERS)} tracked by git, got "
        f"{untracked} untracked: git add them (a fork and the fork test copy tracked files only)"
    )


@pytest.fixture(scope="module")
def fork(tmp_path_factory: pytest.TempPathFactory) -> Fork:
    """This repository's files (as they are in the working tree) committed on FORK_BRANCH of a
    fork, and the job `notebooks` of book.yml run in its checkout, step by step."""
    root = tmp_path_factory.mktemp("fork")
    github, checkout = root / "github.git", root / "checkout"
    git(root, "init", "--quiet", "--bare", str(github))
    checkout.mkdir()
    tracked = git(REPO_ROOT, "ls-files", "-z").split("\0")
    for name in filter(None, tracked):
        source = REPO_ROOT / name
        if source.is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, checkout / name)
    git(checkout, "init", "--quiet", "-b", FORK_BRANCH)
    git(checkout, "add", "--all")
    identity = ("-c", "user.name=A Student", "-c", "user.email=student@example.org")
    git(checkout, *identity, "commit", "--quiet", "-m", "The course, forked")
    git(checkout, "remote", "add", "origin", str(github))
    git(checkout, "push", "--quiet", "origin", FORK_BRANCH)
    sha = git(checkout, "rev-parse", "HEAD")
    venv_python(checkout)  # the runner's .venv, which the skipped install step makes
    runs = []
    for step in steps("notebooks"):
        if "run" not in step or "pip install" in step["run"]:
            continue
        runs.append(run_step(step, checkout, sha))
        assert runs[-1].returncode == 0, runs[-1].stdout + runs[-1].stderr
    return Fork(checkout=checkout, github=github, sha=sha, runs=runs)


def test_the_notebooks_job_skipped_here_only_installs_pyyaml():
    """The fork fixture runs every step of the job but its install, which is this one."""
    installs = [s["run"] for s in steps("notebooks") if "pip install" in s.get("run", "")]
    assert len(installs) == 1 and "'^pyyaml==' requirements-lock.txt" in installs[0], installs
    assert len([s for s in steps("notebooks") if "run" in s]) == 3


def test_the_build_and_the_push_name_the_book_alike():
    """The pages are built with the same naming as the notebooks pushed for their buttons."""
    _, built = step_running("tools/set_repository_url.py")
    _, pushed = step_running("tools/set_repository_url.py", job="notebooks")
    assert built["run"] == pushed["run"]
    assert '--ref "$GITHUB_SHA"' in built["run"] and "--branch notebooks" in built["run"]


def notebooks_on(fork: Fork, ref: str) -> list[str]:
    files = git(fork.github, "ls-tree", "-r", "--name-only", ref).splitlines()
    return [f for f in files if f.split("/")[0] in NOTEBOOK_FOLDERS and f.endswith(".ipynb")]


def install_cell(text: str) -> str:
    notebook = nbformat.reads(text, as_version=4)
    return next(c.source for c in notebook.cells if c.cell_type == "code")


def test_the_fork_gets_a_notebooks_branch_on_top_of_the_built_commit(fork):
    assert git(fork.github, "rev-parse", "notebooks^") == fork.sha
    changed = git(fork.github, "diff", "--name-only", fork.sha, "notebooks").splitlines()
    assert set(changed) == {"_config.yml", *notebooks_on(fork, fork.sha)}, changed
    assert git(fork.github, "rev-parse", FORK_BRANCH) == fork.sha  # the fork's branch untouched


def test_every_install_cell_on_the_notebooks_branch_installs_the_fork_at_the_built_commit(fork):
    notebooks = notebooks_on(fork, "notebooks")
    expected = sorted(
        p.relative_to(REPO_ROOT).as_posix()
        for folder in NOTEBOOK_FOLDERS
        for p in (REPO_ROOT / folder).glob("*.ipynb")
    )
    assert notebooks == expected
    for name in notebooks:
        cell = install_cell(git(fork.github, "show", f"notebooks:{name}"))
        values = {
            node.targets[0].id: ast.literal_eval(node.value)
            for node in ast.parse(cell).body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        }
        assert (values["REPOSITORY_URL"], values["REF"]) == (FORK_URL, fork.sha), name
        [line] = [x.strip() for x in cell.splitlines() if x.strip().startswith("archive = ")]
        archive = eval(line.split("=", 1)[1].strip(), values)  # the cell's own expression
        assert archive == f"{FORK_URL}/archive/{fork.sha}.zip", name
        requirement = re.search(r'f"([\w-]+)\[chapters\] @ \{archive\}"', cell)
        assert requirement and requirement.group(1) == "nn-executed", name


def test_the_launch_buttons_of_the_build_open_the_forks_notebooks_branch(fork):
    """The settings sphinx-book-theme builds its Binder and Colab links from, as Jupyter Book
    derives them from the _config.yml the build reads (the checkout's, after the naming step,
    which is also the one on the branch notebooks)."""
    from jupyter_book.config import get_final_config

    config_file = fork.checkout / "_config.yml"
    assert (
        config_file.read_text(encoding="utf-8")
        == git(fork.github, "show", "notebooks:_config.yml") + "\n"
    )
    sphinx_config, *_ = get_final_config(
        user_yaml=config_file, sourcedir=fork.checkout, cli_config={"latex_individualpages": False}
    )
    theme = sphinx_config["html_theme_options"]
    assert (theme["repository_url"], theme["repository_branch"]) == (FORK_URL, "notebooks")
    assert theme.get("path_to_docs", "") == ""  # links name the notebooks at their own paths
    buttons = theme["launch_buttons"]
    assert buttons["colab_url"] and buttons["binderhub_url"], buttons
    # Binder installs requirements.txt from that branch, which holds the whole project.
    on_branch = git(fork.github, "ls-tree", "-r", "--name-only", "notebooks").splitlines()
    assert {"requirements.txt", "runtime.txt", "pyproject.toml"} <= set(on_branch)


LAUNCH_LINK = re.compile(
    r'href="https://(?:mybinder\.org/v2/gh/([^/"]+/[^/"]+)/([^?"]+)\?urlpath=lab/tree/([^"]+)'
    r'|colab\.research\.google\.com/github/([^/"]+/[^/"]+)/blob/([^/"]+)/([^"]+))"'
)


def test_every_launch_link_of_the_forks_built_pages_opens_its_notebooks_branch(
    fork, tmp_path, run_jupyter_book
):
    """The fork's book built from the checkout the workflow named, as the job `build` builds
    it but with execution off (the launch buttons do not depend on outputs, and the book's
    own build test checks execution and warnings): every Binder and Colab link of every page
    opens the fork's branch notebooks at a notebook committed there."""
    config = yaml.safe_load((fork.checkout / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    for name in config["sphinx"]["local_extensions"]:
        config["sphinx"]["local_extensions"][name] = str(fork.checkout / "_ext")
    config_file = tmp_path / "_config.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")

    build = run_jupyter_book(fork.checkout, tmp_path / "out", config=config_file)

    on_branch = set(notebooks_on(fork, "notebooks"))
    pages = {
        p.relative_to(build.html_dir).with_suffix(".ipynb").as_posix()
        for p in build.html_dir.rglob("*.html")
    }
    assert on_branch <= pages, (
        f"pages missing from the build: {on_branch - pages}\n{build.log[-3000:]}"
    )
    links = {}
    for page in sorted(build.html_dir.rglob("*.html")):
        for match in LAUNCH_LINK.finditer(page.read_text(encoding="utf-8")):
            binder, colab = match.group(1, 2, 3), match.group(4, 5, 6)
            for service, target in (("binder", binder), ("colab", colab)):
                if target[0] is not None:
                    links.setdefault(page.relative_to(build.html_dir).as_posix(), []).append(
                        (service, *target)
                    )
    for notebook in sorted(on_branch):
        page = notebook.removesuffix(".ipynb") + ".html"
        assert sorted(links.get(page, [])) == [
            ("binder", FORK, "notebooks", notebook),
            ("colab", FORK, "notebooks", notebook),
        ], page
    assert set(links) == {n.removesuffix(".ipynb") + ".html" for n in on_branch}, links


def test_a_second_publish_replaces_the_notebooks_branch(fork, tmp_path):
    """The next push to the fork's branch publishes again: the branch notebooks moves on."""
    again = tmp_path / "checkout"
    git(tmp_path, "clone", "--quiet", "--branch", FORK_BRANCH, str(fork.github), str(again))
    (again / "NEWS.md").write_text("A new week.\n", encoding="utf-8")
    git(again, "add", "NEWS.md")
    identity = ("-c", "user.name=A Student", "-c", "user.email=student@example.org")
    git(again, *identity, "commit", "--quiet", "-m", "Week 2")
    git(again, "push", "--quiet", "origin", FORK_BRANCH)
    sha = git(again, "rev-parse", "HEAD")
    venv_python(again)

    for step in steps("notebooks"):
        if "run" in step and "pip install" not in step["run"]:
            result = run_step(step, again, sha)
            assert result.returncode == 0, result.stdout + result.stderr

    assert git(fork.github, "rev-parse", "notebooks^") == sha
    cell = install_cell(git(fork.github, "show", "notebooks:chapters/03_dead_relu.ipynb"))
    assert f'REF = "{sha}"' in cell.splitlines()


@pytest.mark.parametrize("hostile", ['abc"; touch owned; "', "0" * 40 + "\nprint('owned')"])
def test_a_hostile_commit_id_from_the_runner_changes_nothing(tmp_path, hostile):
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
        "GITHUB_SHA": hostile,
    }

    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=book, env=env, capture_output=True, text=True
    )

    assert result.returncode == 2 and "--ref: expected a full commit id" in result.stderr
    assert (book / "_config.yml").read_bytes() == before and not (book / "owned").exists()


PAGES_CHECK = "Check that GitHub Pages is enabled and publishes from GitHub Actions"


def test_pages_is_checked_before_the_build_and_the_upload():
    """A fork without Pages enabled fails at the first step after the checkout, not after an
    hour of building, and the job may read the Pages settings."""
    names = [s.get("name") for s in steps()]
    build, _ = step_running("make book")
    upload = next(
        i for i, s in enumerate(steps()) if s.get("uses", "").startswith("actions/upload-pages")
    )
    assert names.index(PAGES_CHECK) == 1 < build < upload
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}


def run_pages_check(tmp_path: Path, gh: str) -> subprocess.CompletedProcess:
    """The Pages check, run with bash as the runner runs it, with ``gh`` the given script."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(f"#!/bin/bash\n{gh}\n", encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    [step] = [s for s in steps() if s.get("name") == PAGES_CHECK]
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GITHUB_REPOSITORY": FORK}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_pages_check_passes_when_actions_publishes(tmp_path):
    result = run_pages_check(
        tmp_path, f'[ "$*" = "api repos/{FORK}/pages --jq .build_type" ] && echo workflow'
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "publishes from GitHub Actions" in result.stdout


def test_the_pages_check_names_the_setting_when_pages_is_off(tmp_path):
    result = run_pages_check(tmp_path, 'echo "gh: Not Found (HTTP 404)" >&2; exit 1')
    assert result.returncode == 1
    assert f"expected GitHub Pages enabled for {FORK}, got none" in result.stdout
    assert "Settings > Pages > Source: GitHub Actions" in result.stdout


def test_the_pages_check_names_the_setting_when_a_branch_publishes(tmp_path):
    result = run_pages_check(tmp_path, "echo legacy")
    assert result.returncode == 1
    assert "got build type 'legacy'" in result.stdout
    assert "Settings > Pages > Source: GitHub Actions" in result.stdout


def test_the_jobs_that_test_the_release_tags_fetch_them():
    """tests/book/test_release_files.py compares CHANGELOG.md with the tags: a shallow
    checkout has none."""
    jobs = pull_request_jobs()
    for name in ("check", "book", "newest"):
        [checkout] = uses(jobs[name], "actions/checkout")
        assert checkout["with"]["fetch-depth"] == 0, name


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
    assert set(events) == {"pull_request", "push", "workflow_dispatch", "schedule"}
    assert events["push"] == {"branches": ["main"]}, "a push to main is tested as a pull request"
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
    assert "requirements-lock.txt" not in commands[0] and " -c " not in commands[0]
    assert commands[1:4] == ["make check", "make book", "make notebooks-colab"]
    for outcome in ("CHECK", "BOOK", "COLAB"):
        assert f'"${outcome}" != success' in commands[4], f"{outcome} is not reported"
    assert not uses(newest, "actions/cache"), "a cached execution would hide the new versions"
    [setup] = uses(newest, "actions/setup-python")
    assert setup["with"]["python-version"].split() == ["3.13", "3.11"]  # Colab's, then .venv's


def test_every_pip_cache_is_keyed_by_the_lock():
    """A new lock installs new versions: the downloads cached for the old one are not reused."""
    workflows = {"book.yml": WORKFLOW, "tests.yml": PULL_REQUESTS}
    for name, path in workflows.items():
        for job_name, job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].items():
            for step in uses(job, "actions/setup-python"):
                if step["with"].get("cache") == "pip":
                    paths = step["with"]["cache-dependency-path"].split()
                    assert "requirements-lock.txt" in paths, f"{name} {job_name}: {paths}"


def test_lint_installs_the_locked_ruff():
    [install] = [r for r in runs(pull_request_jobs()["lint"]) if "pip install" in r and "ruff" in r]
    assert "'^ruff==' requirements-lock.txt" in install


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
