"""Execute every notebook in a virtual environment pinned to a constraints file.

Kept because nox and tox make environments but neither checks that a notebook's install cell
changes nothing in one (``pip freeze`` before and after) nor installs nncore from a copy of
the sources as the install cell does, and nbmake would put pytest and itself into the
environment whose package set is what is tested; the notebook itself is executed by
``tools/notebook_execution.py``, shared with ``tools/execute_book.py``.

Two environments, each kept in its own folder at the repository root:

``colab``    Python 3.13 with the versions Google Colab ships, ``envs/colab-constraints.txt``
             (its header names the published runtime it copies); folder ``.venv-colab``.
``minimum``  Python 3.10 (the oldest ``requires-python`` allows) with every dependency at the
             floor ``pyproject.toml`` declares, ``envs/minimum-constraints.txt``; folder
             ``.venv-minimum``.

nncore and nnbook are installed the way a notebook's install cell installs them, ``pip install
"nn-executed[chapters] @ <source>"`` (a regular, not editable, install), under the constraints.
An environment is rebuilt when its constraints, ``pyproject.toml`` or its Python change, and
nncore alone is reinstalled when its sources change. Each notebook then runs in a kernel of
that environment (nbclient, the notebook's folder as working directory), as many at a time as
there are cores. The install cell must find nncore and change nothing: ``pip freeze`` is
compared before and after.

Usage (from the repository root, with any Python >= 3.10)::

    python tools/run_notebooks.py --env colab                 # chapters/ and appendix/
    python tools/run_notebooks.py --env minimum chapters/03_dead_relu.ipynb
    python tools/run_notebooks.py --env colab --report /tmp/colab.json

Exit status: 0 when every notebook ran without an error, 1 when one failed, 2 when the
environment could not be set up.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# The shared notebook execution, beside this file (found when a test loads this file too).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_execution import DEFAULT_JOBS, error_tail, execute_notebook, side_by_side  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
RECIPE = 1  # bump when the way an environment is built changes: every cached one is rebuilt
MARKER = "nncore-env.json"  # written into each environment this tool makes
CELL_TIMEOUT = 300  # seconds, as in _config.yml
# What the project's own install needs beside nn-executed[chapters]: the kernel and its runner.
HARNESS = ("ipykernel", "nbclient")
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE")
PROJECT_PACKAGES = ("nncore", "nnbook")


class SetupError(RuntimeError):
    """An environment could not be found, made or installed."""


@dataclass(frozen=True)
class Environment:
    name: str
    python: str  # "3.13": the newest installed patch release of it is used
    constraints: tuple[Path, ...]  # the first that exists is used
    folder: Path

    def constraints_file(self) -> Path:
        for path in self.constraints:
            if path.is_file():
                return path
        raise SetupError(
            f"no constraints file for the {self.name!r} environment: expected one of "
            + ", ".join(str(p) for p in self.constraints)
        )


ENVIRONMENTS = {
    "colab": Environment(
        "colab",
        "3.13",
        (REPO_ROOT / "envs" / "colab-constraints.txt",),
        REPO_ROOT / ".venv-colab",
    ),
    "minimum": Environment(
        "minimum",
        "3.10",
        (REPO_ROOT / "envs" / "minimum-constraints.txt",),
        REPO_ROOT / ".venv-minimum",
    ),
}


@dataclass
class NotebookResult:
    notebook: str
    passed: bool
    seconds: float
    error: str = ""  # the failing cell's error, last lines of its traceback


# ------------------------------------------------------------------------- environments
def find_python(version: str) -> Path:
    """Return the newest installed Python ``version`` (e.g. "3.13"): pyenv's, else on PATH."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [
        p
        for p in (pyenv_root / "versions").glob(f"{version}.*")
        if re.fullmatch(rf"{re.escape(version)}\.\d+", p.name) and (p / "bin" / "python").exists()
    ]
    if candidates:
        newest = max(candidates, key=lambda p: int(p.name.rsplit(".", 1)[1]))
        return newest / "bin" / "python"
    on_path = shutil.which(f"python{version}")
    if on_path:
        return Path(on_path)
    raise SetupError(
        f"no Python {version} found: looked for {pyenv_root}/versions/{version}.* and for "
        f"python{version} on PATH. Install it (for example `pyenv install {version}`) or pass "
        f"--python /path/to/python{version}."
    )


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def sources_digest(root: Path = REPO_ROOT) -> str:
    """A digest of the files a regular install of the project copies (packages + metadata)."""
    files = [root / name for name in PROJECT_FILES if (root / name).is_file()]
    for package in PROJECT_PACKAGES:
        files += sorted(
            p
            for p in (root / package).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        )
    return _sha256(*(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() for p in files))


def environment_stamp(env: Environment, python: Path) -> dict:
    """What an environment was built from; a change in any entry rebuilds it."""
    version = subprocess.run(
        [str(python), "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    constraints = env.constraints_file()
    return {
        "recipe": RECIPE,
        "python": version,
        "constraints": str(constraints),
        "constraints_sha256": _sha256(constraints.read_bytes()),
        "pyproject_sha256": _sha256((REPO_ROOT / "pyproject.toml").read_bytes()),
    }


def _read_marker(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _run(command: list[str], what: str, **kwargs) -> str:
    print("$", " ".join(command), flush=True)
    result = subprocess.run(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs
    )
    if result.returncode:
        raise SetupError(f"{what} failed (exit {result.returncode}):\n{result.stdout[-4000:]}")
    return result.stdout


def _project_copy(destination: Path) -> Path:
    """Copy what a regular install of the project reads: building leaves nothing in the repo."""
    for name in PROJECT_FILES:
        if (REPO_ROOT / name).is_file():
            shutil.copy2(REPO_ROOT / name, destination / name)
    for package in PROJECT_PACKAGES:
        shutil.copytree(
            REPO_ROOT / package,
            destination / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
        )
    return destination


def ensure_environment(
    env: Environment, python: Path | None = None, folder: Path | None = None
) -> Path:
    """Make (or reuse) the environment and return its Python."""
    folder = folder or env.folder
    python = python or find_python(env.python)
    stamp = environment_stamp(env, python)
    marker = _read_marker(folder)
    if folder.exists() and marker is None:
        raise SetupError(
            f"{folder} exists but was not made by tools/run_notebooks.py (it has no {MARKER}); "
            "this tool does not delete what it did not make: move or remove it yourself, or "
            "pass --venv with another folder."
        )
    venv_python = folder / "bin" / "python"
    fresh = marker is None or marker.get("stamp") != stamp or not venv_python.exists()
    constraints = env.constraints_file()
    sources = sources_digest()
    with tempfile.TemporaryDirectory(prefix="nncore-src-") as tmp:
        source_url = _project_copy(Path(tmp)).as_uri()
        if fresh:
            if folder.exists():
                print(
                    f"{folder.name}: {MARKER} differs from what it would be built from now: "
                    "rebuilding it"
                )
                shutil.rmtree(folder)
            started = time.perf_counter()
            _run([str(python), "-m", "venv", str(folder)], "creating the virtual environment")
            (folder / MARKER).write_text(
                json.dumps({"stamp": None}), encoding="utf-8"
            )  # ours from now on
            _run(
                [
                    str(venv_python),
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "-c",
                    str(constraints),
                    f"nn-executed[chapters] @ {source_url}",
                    *HARNESS,
                ],
                "installing nn-executed[chapters]",
            )
            print(f"{folder.name}: built in {time.perf_counter() - started:.0f} s")
        elif marker.get("sources") != sources:
            _run(
                [
                    str(venv_python),
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--no-deps",
                    "--force-reinstall",
                    f"nn-executed @ {source_url}",
                ],
                "reinstalling nncore",
            )
    (folder / MARKER).write_text(
        json.dumps({"stamp": stamp, "sources": sources}, indent=1), encoding="utf-8"
    )
    return venv_python


def describe(venv_python: Path) -> str:
    """One line with the versions a chapter depends on."""
    code = (
        "import sys, importlib.metadata as m\n"
        "names = ['numpy', 'matplotlib', 'ipywidgets', 'scikit-learn', 'pillow', 'ipython',\n"
        "         'ipykernel']\n"
        "found = [n for n in names if list(m.distributions(name=n))]\n"
        "versions = ', '.join(n + ' ' + m.version(n) for n in found)\n"
        "print('Python ' + sys.version.split()[0] + ', ' + versions)"
    )
    result = subprocess.run([str(venv_python), "-c", code], capture_output=True, text=True)
    if result.returncode:
        raise SetupError(f"{venv_python} cannot report its versions:\n{result.stderr[-2000:]}")
    return result.stdout.strip()


def freeze(venv_python: Path) -> list[str]:
    return _run(
        [str(venv_python), "-m", "pip", "freeze", "--disable-pip-version-check"],
        "pip freeze",
        cwd=tempfile.gettempdir(),
    ).splitlines()


# ------------------------------------------------------------------------- execution
def _clean_env(venv_python: Path) -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH")
    }
    env["PATH"] = f"{venv_python.parent}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv_python.parent.parent)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")  # as `make book` does
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def execute_here(path: Path) -> NotebookResult:
    """Execute one notebook with a kernel of the running interpreter (inside the environment)."""
    with tempfile.TemporaryDirectory() as jupyter_path:
        # A kernel spec of this interpreter first on JUPYTER_PATH: no user-wide "python3"
        # spec can send the notebook to another Python.
        spec = Path(jupyter_path) / "kernels" / "python3"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "Python 3",
                    "language": "python",
                }
            ),
            encoding="utf-8",
        )
        os.environ["JUPYTER_PATH"] = jupyter_path
        result = execute_notebook(path, timeout=CELL_TIMEOUT, kernel_name="python3")
    return NotebookResult(str(path), not result.error, result.seconds, error_tail(result.error, 12))


def execute_in(venv_python: Path, notebooks: list[Path], jobs: int) -> list[NotebookResult]:
    """Execute ``notebooks`` in the environment, ``jobs`` at a time, one process each."""

    def one(path: Path) -> NotebookResult:
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            result = subprocess.run(
                [
                    str(venv_python),
                    str(Path(__file__).resolve()),
                    "--execute-here",
                    str(path),
                    "--report",
                    report.name,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=_clean_env(venv_python),
                cwd=tempfile.gettempdir(),
            )
            try:
                data = json.loads(Path(report.name).read_text(encoding="utf-8"))[0]
            except (OSError, ValueError, IndexError):
                return NotebookResult(
                    str(path),
                    False,
                    0.0,
                    f"the runner itself failed (exit {result.returncode}):\n"
                    + result.stdout[-3000:],
                )
        return NotebookResult(**data)

    done = dict(side_by_side(one, notebooks, jobs, processes=False))
    return [
        result
        if isinstance(result, NotebookResult)
        else NotebookResult(str(path), False, 0.0, f"{type(result).__name__}: {result}")
        for path, result in ((path, done[path]) for path in notebooks)
    ]


def default_notebooks() -> list[Path]:
    return sorted((REPO_ROOT / "chapters").glob("*.ipynb")) + sorted(
        (REPO_ROOT / "appendix").glob("*.ipynb")
    )


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="default: chapters/*.ipynb and appendix/*.ipynb"
    )
    parser.add_argument("--env", choices=sorted(ENVIRONMENTS), help="the environment to run in")
    parser.add_argument(
        "--python", type=Path, help="the interpreter to build it with (default: found by version)"
    )
    parser.add_argument(
        "--venv", type=Path, help="where the environment lives (default: .venv-<env>)"
    )
    parser.add_argument(
        "--jobs", type=int, default=DEFAULT_JOBS, help="notebooks at a time (default: cores)"
    )
    parser.add_argument("--report", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--execute-here", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in args.notebooks] or default_notebooks()
    missing = [str(p) for p in notebooks if not p.is_file()]
    if missing:
        parser.error("no such notebook: " + ", ".join(missing))

    if args.execute_here:  # inside the environment: one notebook, in this interpreter's kernel
        results = [execute_here(path) for path in notebooks]
        args.report.write_text(json.dumps([asdict(r) for r in results]), encoding="utf-8")
        return 0 if all(r.passed for r in results) else 1

    if args.env is None:
        parser.error("choose an environment: --env colab or --env minimum")
    env = ENVIRONMENTS[args.env]
    try:
        venv_python = ensure_environment(
            env, args.python, args.venv.resolve() if args.venv else None
        )
        versions = describe(venv_python)
        before = freeze(venv_python)
        started = time.perf_counter()
        results = execute_in(venv_python, notebooks, args.jobs)
        elapsed = time.perf_counter() - started
        after = freeze(venv_python)
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    changed = sorted(set(before) ^ set(after))
    summary = {
        "environment": env.name,
        "versions": versions,
        "constraints": str(env.constraints_file()),
        "changed_packages": changed,
        "seconds": elapsed,
        "results": [asdict(r) | {"notebook": _relative(r.notebook)} for r in results],
    }
    print_summary(summary, args.jobs)
    if args.report:
        args.report.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    failed = sum(not r.passed for r in results)
    return 1 if failed or changed else 0


def print_summary(summary: dict, jobs: int) -> None:
    """Each notebook's outcome and time, the errors, and what changed in the environment."""
    results = summary["results"]
    print(
        f"\n{summary['environment']} environment ({summary['constraints']}): {summary['versions']}"
    )
    for result in results:
        print(
            f"{'PASS' if result['passed'] else 'FAIL'}  {result['notebook']:<48}"
            f"{result['seconds']:7.1f} s"
        )
    for result in results:
        if not result["passed"]:
            print(f"\n--- {result['notebook']} failed:\n{result['error']}")
    if summary["changed_packages"]:
        print(
            "\nThe notebooks changed the environment (an install cell ran pip?): "
            + ", ".join(summary["changed_packages"])
        )
    failed = sum(not r["passed"] for r in results)
    print(
        f"\n{len(results) - failed} passed, {failed} failed in {summary['seconds']:.1f} s "
        f"({jobs} at a time)"
    )


if __name__ == "__main__":
    sys.exit(main())
