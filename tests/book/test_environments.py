"""Every notebook runs in Colab's versions and at the oldest versions pyproject.toml allows.

``tools/run_notebooks.py`` builds (once, then reuses) ``.venv-colab`` -- Python 3.13 pinned to
Colab's runtime -- and ``.venv-minimum`` -- Python 3.10 with every dependency at its declared
floor --, installs ``nn-executed[chapters]`` in each as the notebooks' install cell does, and
executes every notebook there. Building an environment the first time takes a few minutes;
``pytest -k "not in_env"`` leaves these tests out.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from repo_root import REPO_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, the same parser, which pytest requires there
    import tomli as tomllib

RUNNER = REPO_ROOT / "tools" / "run_notebooks.py"
COMMITTED_COLAB = REPO_ROOT / "envs" / "colab-constraints.txt"
MINIMUM = REPO_ROOT / "envs" / "minimum-constraints.txt"
NOTEBOOKS = sorted((REPO_ROOT / "chapters").glob("*.ipynb")) + sorted(
    (REPO_ROOT / "appendix").glob("*.ipynb")
)
ENV_TIMEOUT = 40 * 60  # seconds: building an environment and running every notebook in it


def _load_runner():
    spec = importlib.util.spec_from_file_location("run_notebooks", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


runner = _load_runner()


@pytest.fixture(scope="module", params=["colab", "minimum"])
def env_run(request, tmp_path_factory):
    """Run every notebook in one environment; return the runner's JSON report and its log."""
    report = tmp_path_factory.mktemp(f"in_env_{request.param}") / "report.json"
    result = subprocess.run(
        [sys.executable, str(RUNNER), "--env", request.param, "--report", str(report)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=ENV_TIMEOUT,
        cwd=REPO_ROOT,
    )
    assert result.returncode in (0, 1) and report.exists(), (
        f"tools/run_notebooks.py --env {request.param} could not set up the environment "
        f"(exit {result.returncode}):\n{result.stdout[-5000:]}"
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    data["log"] = result.stdout
    return data


@pytest.mark.parametrize("notebook", [p.relative_to(REPO_ROOT).as_posix() for p in NOTEBOOKS])
def test_notebook_runs_in_env(env_run, notebook):
    results = {r["notebook"]: r for r in env_run["results"]}
    assert notebook in results, (
        f"{notebook} was not executed; the runner printed:\n{env_run['log'][-3000:]}"
    )
    result = results[notebook]
    assert result["passed"], (
        f"{notebook} fails in the {env_run['environment']} environment ({env_run['versions']}):\n"
        f"{result['error']}"
    )


def test_install_cell_changes_nothing_in_env(env_run):
    # nncore is installed, so each notebook's install cell must not run pip.
    assert env_run["changed_packages"] == [], env_run["changed_packages"]


def test_versions_are_pinned_in_env(env_run):
    constraints = Path(env_run["constraints"]).read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", constraints, re.MULTILINE))
    checked = 0
    for name, version in re.findall(r"([a-z-]+) (\S+?)(?:,|$)", env_run["versions"]):
        pinned = next((v for k, v in pins.items() if k.lower() == name), None)
        if pinned is not None:
            assert version == pinned, f"{name} {version} installed, {pinned} pinned"
            checked += 1
    assert checked >= 3, env_run["versions"]


# ------------------------------------------------------------------ the constraint files
def _floors() -> dict[str, str]:
    """Every ``name>=version`` in pyproject's dependencies and extras, name lower-cased."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"]) + [
        s for extra in project["optional-dependencies"].values() for s in extra
    ]
    floors: dict[str, str] = {}
    for spec in specs:
        match = re.match(r"\s*([A-Za-z0-9_.-]+)[^>]*>=\s*([0-9][^,;\s]*)", spec)
        assert match, f"{spec!r} in pyproject.toml declares no minimum version (name>=X.Y)"
        name, floor = match.group(1).lower(), match.group(2)
        assert floors.setdefault(name, floor) == floor, (
            f"{name} has two different floors in pyproject.toml"
        )
        floors[name] = floor
    return floors


def test_minimum_constraints_pin_every_declared_floor():
    pins = {
        name.lower(): version
        for name, version in re.findall(
            r"^([A-Za-z0-9_.-]+)==(\S+)", MINIMUM.read_text(encoding="utf-8"), re.MULTILINE
        )
    }
    floors = _floors()

    def same(a: str, b: str) -> bool:  # 1.24 == 1.24.0
        pad = lambda v: [int(x) for x in v.split(".")] + [0] * (3 - len(v.split(".")))  # noqa: E731
        return pad(a) == pad(b)

    assert set(pins) == set(floors), (
        f"envs/minimum-constraints.txt pins {sorted(pins)}, "
        f"pyproject.toml declares {sorted(floors)}"
    )
    wrong = {
        name: (pins[name], floors[name]) for name in floors if not same(pins[name], floors[name])
    }
    assert not wrong, f"pinned vs declared floor: {wrong}"


# ------------------------------------------------------------------ the runner's own errors
def test_runner_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    foreign = tmp_path / "somebody-elses-venv"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", encoding="utf-8")
    env = runner.ENVIRONMENTS["minimum"]

    with pytest.raises(
        runner.SetupError, match="exists but was not made by tools/run_notebooks.py"
    ) as error:
        runner.ensure_environment(env, python=Path(sys.executable), folder=foreign)

    assert "does not delete what it did not make" in str(error.value)
    assert (foreign / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_runner_names_the_missing_python(tmp_path, monkeypatch):
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(runner.SetupError, match=r"no Python 3\.99 found") as error:
        runner.find_python("3.99")

    assert "pyenv install 3.99" in str(error.value) and "--python" in str(error.value)


def test_runner_picks_the_newest_patch_release(tmp_path, monkeypatch):
    for patch in ("3.13.2", "3.13.10", "3.13.9", "3.130.1"):
        (tmp_path / "versions" / patch / "bin").mkdir(parents=True)
        (tmp_path / "versions" / patch / "bin" / "python").touch()
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))

    assert runner.find_python("3.13") == tmp_path / "versions" / "3.13.10" / "bin" / "python"


def test_runner_reports_a_failing_cell(tmp_path):
    import nbformat

    broken = tmp_path / "broken.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("raise LookupError('no such table: widgets')"),
            ]
        ),
        broken,
    )
    report = tmp_path / "report.json"

    result = subprocess.run(
        [sys.executable, str(RUNNER), "--execute-here", str(broken), "--report", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    [entry] = json.loads(report.read_text(encoding="utf-8"))
    assert entry["passed"] is False
    assert "LookupError: no such table: widgets" in entry["error"]
