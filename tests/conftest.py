"""Shared fixtures and markers: one fresh build of the whole book per test session.

The tests are grouped by what they test: ``engine/`` (nncore's layers, losses, optimisers,
training, docstrings), ``drawing/`` (nncore.plot and nncore.widgets), ``bookcode/`` (nnbook:
claims, exercise checkers, chapter experiments and explorers), ``book/`` (the build, the
notebooks, the tools, the Colab and minimum-version environments) and ``browser/`` (the
built pages in headless Chromium). Markers are given here, by what a test needs:
``book`` (a book build), ``envs`` (the pinned environments), ``browser`` (Chromium).
``make check`` runs the rest.

`built_book` runs ``jupyter-book build`` once, with every notebook executed anew (no
execution cache), into a temporary folder; the build tests, the chapter tests and the
browser tests all read that one build. `run_jupyter_book` builds any other book (the
throwaway books of the error-path tests) the same way; `book_skeleton` gives such a book
everything of the real one but its pages and its toc.

Only the standard library is imported here, so collecting the nncore tests stays fast.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from repo_root import REPO_ROOT

# Every test draws off-screen: matplotlib reads this when it is first imported.
os.environ.setdefault("MPLBACKEND", "Agg")
BUILD_FLAGS = ("-W", "-n", "--keep-going")  # the flags `make book` uses
BUILD_TIMEOUT = 60 * 60  # seconds, for the whole book
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class BookBuild:
    """The result of one ``jupyter-book build``.

    Attributes
    ----------
    source_dir : Path
        The book that was built.
    build_dir : Path
        Its ``_build`` folder.
    html_dir : Path
        ``_build/html``: one ``.html`` page per toc entry.
    executed_dir : Path
        ``_build/jupyter_execute``: the notebooks as executed during the build.
    returncode : int
        Exit status of ``jupyter-book build``.
    log : str
        Everything it printed (stdout and stderr), with terminal colour codes removed.
    """

    source_dir: Path
    build_dir: Path
    html_dir: Path
    executed_dir: Path
    returncode: int
    log: str

    def page(self, docname: str) -> Path:
        """Return the HTML page built from ``docname``, a toc entry such as ``chapters/01_...``."""
        return self.html_dir / f"{docname}.html"

    def executed_notebook(self, docname: str) -> Path:
        """Return the executed copy of the notebook ``docname``."""
        return self.executed_dir / f"{docname}.ipynb"


def jupyter_book_build(
    source_dir: Path, output_dir: Path, config: Path | None = None, parallel: bool = False
) -> BookBuild:
    """Build the book in ``source_dir`` into ``output_dir/_build`` with the book's flags.

    ``config`` replaces ``source_dir/_config.yml`` when given. With ``parallel``, the
    notebooks are first executed side by side into the build's execution cache, and their
    executed copies written into ``_build/jupyter_execute`` after the build, as `make book`
    does (tools/execute_book.py; its output is part of the log). The log is also written to
    ``output_dir/build.log``.
    """
    # Runs over seeds (nnbook.evidence) cached with this build only, as `make book` does.
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "NNBOOK_RUNS_CACHE": str(output_dir / "_build" / ".runs_cache"),
    }
    # The tests draw with Agg (set above); the book's kernels pick their own backend, which
    # keeps the static figures in the pages.
    env.pop("MPLBACKEND", None)

    def run(command: list[str]) -> subprocess.CompletedProcess:
        """Run one step of the build in the book's folder; its output and errors as one log."""
        return subprocess.run(
            command,
            cwd=source_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=BUILD_TIMEOUT,
        )

    log = ""
    if parallel:
        command_first = [
            sys.executable, str(REPO_ROOT / "tools" / "execute_book.py"),
            "--source", str(source_dir),
            "--config", str(config or source_dir / "_config.yml"),
            "--build-dir", str(output_dir / "_build"),
        ]  # fmt: skip
        log = run(command_first).stdout
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [
        str(jupyter_book),
        "build",
        str(source_dir),
        "--path-output",
        str(output_dir),
        *BUILD_FLAGS,
    ]
    if config is not None:
        command += ["--config", str(config)]
    result = run(command)
    log += result.stdout
    if parallel:  # the executed notebooks from the cache into _build/jupyter_execute
        log += run([*command_first, "--after-build"]).stdout
    log = ANSI_ESCAPE.sub("", log)
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "build.log").write_text(log, encoding="utf-8")
    build_dir = output_dir / "_build"
    return BookBuild(
        source_dir=source_dir,
        build_dir=build_dir,
        html_dir=build_dir / "html",
        executed_dir=build_dir / "jupyter_execute",
        returncode=result.returncode,
        log=log,
    )


#: Entries of the book's root that are its output or its own table of contents, not copied.
NOT_SKELETON = ("_build", "_toc.yml")


def book_skeleton(dest: Path, source: Path = REPO_ROOT) -> Path:
    """Copy into ``dest`` everything a build of ``source`` needs but its pages and its toc.

    A throwaway book built with the real ``_config.yml`` needs the files that configuration
    names or that Jupyter Book looks for beside it: ``_ext/`` (the local Sphinx
    extensions), ``_static/`` (the favicon and the book's CSS) and ``_templates/`` (the
    theme override). Without one of them its build warns, and under ``-W`` fails, or it
    quietly builds pages unlike the book's. So every entry of ``source``'s root whose name
    starts with ``_`` is copied, one rule for all the throwaway books, and a folder added
    there later is copied too; left out are the build output (``_build``) and ``_toc.yml``,
    which each throwaway book writes for its own pages. Python caches and notebook
    checkpoints are not copied.

    Parameters
    ----------
    dest : Path
        The throwaway book's folder; created if missing, and its copies must not exist yet.
    source : Path, default REPO_ROOT
        The book whose configuration and support folders are copied.

    Returns
    -------
    Path
        ``dest``, to which the caller adds a ``_toc.yml`` and the pages it lists.

    Raises
    ------
    FileNotFoundError
        If a path that ``_config.yml`` names (a local extension's folder, a template folder,
        the favicon or the logo, unless a URL) is not in the copy: a support folder whose name
        does not start with ``_`` needs adding here.
    """
    import yaml

    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for entry in sorted(source.glob("_*")):
        if entry.name in NOT_SKELETON:
            continue
        if entry.is_dir():
            shutil.copytree(entry, dest / entry.name, ignore=ignore)
        else:
            shutil.copy(entry, dest / entry.name)
    config = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config.get("sphinx") or {}
    html = config.get("html") or {}
    named = [
        *(sphinx.get("local_extensions") or {}).values(),
        *((sphinx.get("config") or {}).get("templates_path") or []),
        *(path for path in (html.get("favicon"), config.get("logo")) if path and "://" not in path),
    ]
    missing = [name for name in named if not (dest / name).exists()]
    if missing:
        raise FileNotFoundError(
            f"_config.yml names {missing}, which book_skeleton did not copy from {source}"
        )
    return dest


def force_execution_config(config_path: Path, destination: Path) -> Path:
    """Write a copy of ``config_path`` with ``execute_notebooks: force`` to ``destination``."""
    import yaml

    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "force"
    destination.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return destination


def fresh_cache_config(config_path: Path, destination: Path, cache_dir: Path) -> Path:
    """Write a copy of ``config_path`` caching executions in a new ``cache_dir`` (all run)."""
    import yaml

    if cache_dir.exists():
        raise FileExistsError(
            f"{cache_dir} exists: a fresh build needs an execution cache that starts empty"
        )
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config.setdefault("execute", {}).update(execute_notebooks="cache", cache=str(cache_dir))
    # Local Sphinx extensions are found relative to the config file: point them at the book's.
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in local.items():
        local[name] = str((config_path.parent / folder).resolve())
    destination.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return destination


def toc_docnames(toc_path: Path = REPO_ROOT / "_toc.yml") -> list[str]:
    """Return every document named in a jb-book ``_toc.yml``, root first, in reading order."""
    import importlib.util

    # One reader of the toc for the build step and the tests: tools/execute_book.py's.
    spec = importlib.util.spec_from_file_location(
        "execute_book", REPO_ROOT / "tools" / "execute_book.py"
    )
    execute_book = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(execute_book)
    return [
        str(Path(name).with_suffix("")) if name.endswith((".md", ".ipynb")) else name
        for name in execute_book.toc_entries(toc_path.parent)
    ]


def toc_notebooks(toc_path: Path = REPO_ROOT / "_toc.yml") -> list[str]:
    """Return the toc entries whose source is a notebook."""
    root = toc_path.parent
    return [name for name in toc_docnames(toc_path) if (root / f"{name}.ipynb").is_file()]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test once per toc entry (``toc_docname``) or per notebook (``toc_notebook``)."""
    if "toc_docname" in metafunc.fixturenames:
        metafunc.parametrize("toc_docname", toc_docnames())
    if "toc_notebook" in metafunc.fixturenames:
        metafunc.parametrize("toc_notebook", toc_notebooks())


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository (and book) root."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def book_notebooks() -> list[str]:
    """The toc entries whose source is a notebook, e.g. ``chapters/03_dead_relu``."""
    return toc_notebooks()


@pytest.fixture(scope="session")
def run_jupyter_book():
    """The function that builds a book the way `make book` does (see `jupyter_book_build`)."""
    return jupyter_book_build


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> BookBuild:
    """The whole book, built once per session with every notebook executed afresh.

    As `make book` builds it: the notebooks run side by side into an execution cache that
    starts empty, and the build reads them from there. A notebook that fails is not cached,
    so the build executes it again and fails, naming it.
    """
    output_dir = tmp_path_factory.mktemp("book")
    cache = output_dir / "_build" / ".jupyter_cache"
    config = fresh_cache_config(REPO_ROOT / "_config.yml", output_dir / "_config.yml", cache)
    return jupyter_book_build(REPO_ROOT, output_dir, config=config, parallel=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by what it needs, so that `make check` can leave the slow ones out."""
    for item in items:
        path = Path(str(item.path))
        if "browser" in path.parts:
            item.add_marker(pytest.mark.browser)
        if path.name == "test_environments.py":
            item.add_marker(pytest.mark.envs)
        if {"built_book", "run_jupyter_book"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.book)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _skipped(config: pytest.Config) -> list:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return reporter.stats.get("skipped", []) if reporter is not None else []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test is a failure: nothing may pass by not running."""
    if _in_ci() and _skipped(session.config) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    skipped = _skipped(config)
    if _in_ci() and skipped:
        terminalreporter.write_sep(
            "=",
            f"CI=true: {len(skipped)} skipped test(s) count as failures; "
            "install what they need in .ci/run",
            red=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def close_figures():
    """Close every matplotlib figure a test opened (without importing matplotlib otherwise)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture
def net4231():
    """Problem 2's network: every weight 1, every bias 0, ReLU hidden units."""
    from nncore_fixtures import network_4231

    return network_4231()


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir():
    """Keep ``test-results/``: pytest-playwright's own fixture would empty it at every start."""
    yield
