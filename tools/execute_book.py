"""Execute the book's notebooks in parallel into the execution cache the build then reads.

Kept because jupyter-cache's own parallel executor (1.0, ``jcache project execute
--executor local-parallel``) passes nbclient only the timeout and ``allow_errors`` (not
``store_widget_state=False``), maps the notebooks over one process per core in toc order
(no job count, no longest first), and myst-nb does not copy cached outputs into
``jupyter_execute`` (``--after-build`` does); the notebook itself is executed by
``tools/notebook_execution.py``, shared with ``tools/run_notebooks.py``.

``jupyter-book build`` in ``execute_notebooks: cache`` mode executes each notebook whose code
is not in the cache, one after another. This step runs first (``make book`` does) and
executes those notebooks side by side, one process per core, exactly as the build would
(same timeout, same ``allow_errors``, the notebook's folder as working directory), storing
each executed notebook in the build's jupyter-cache. The build then finds every notebook in
the cache and executes nothing.

A notebook that fails here is reported and not cached: the build executes it again and stops
with its usual message naming the notebook and the cell, so a failing cell still fails the
build. Notebooks already cached (code unchanged) are not executed.

myst-nb writes a notebook it takes from the cache into ``_build/jupyter_execute`` without
its outputs; ``--after-build``, run once the build is done, writes the executed notebooks
from the cache there instead, as a build that executes them itself leaves them.

Usage::

    python tools/execute_book.py                          # the book here, cache in _build/
    python tools/execute_book.py --build-dir /tmp/b/_build --config /tmp/b/_config.yml
    python tools/execute_book.py --after-build            # executed copies in jupyter_execute
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from pathlib import Path

import yaml

# The shared notebook execution, beside this file (found when a test loads this file too).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_execution import DEFAULT_JOBS, error_tail, execute_notebook, side_by_side  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]


def toc_entries(root: Path) -> list[str]:
    """Every entry the book's ``_toc.yml`` names (jb-book format), root first, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("chapters", []) + entry.get("sections", []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return names


def toc_notebooks(root: Path) -> list[Path]:
    """Every notebook the book's ``_toc.yml`` names, in reading order."""
    names = toc_entries(root)
    paths = [root / (name if name.endswith(".ipynb") else f"{name}.ipynb") for name in names]
    return [p.resolve() for p in paths if p.is_file()]


def execution_settings(config_path: Path) -> dict:
    """The ``execute:`` section of a jupyter-book ``_config.yml``, with jupyter-book's defaults."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    execute = {
        "execute_notebooks": "auto",
        "cache": "",
        "timeout": 30,
        "allow_errors": False,
        "run_in_temp": False,
        "exclude_patterns": [],
    }
    execute.update(config.get("execute") or {})
    if execute["execute_notebooks"] is False:  # YAML reads `off` as False
        execute["execute_notebooks"] = "off"
    return execute


def _execute(path: Path, timeout: int, allow_errors: bool, in_temp: bool):
    """Run in a worker process: execute one notebook as myst-nb's cache mode does."""
    import tempfile
    from contextlib import nullcontext

    with tempfile.TemporaryDirectory() if in_temp else nullcontext(str(path.parent)) as cwd:
        # The pages show each explorer as its static figure (text/html), so the widgets'
        # state, up to a megabyte a page, is not kept in the executed notebooks.
        return execute_notebook(
            path,
            timeout=timeout,
            allow_errors=allow_errors,
            cwd=Path(cwd).resolve(),
            store_widget_state=False,
        )


WRITTEN = ".from-cache.json"  # in jupyter_execute: the copies written here, with their mtimes
UNCHANGED = "execute_book.json"  # in the cache: the notebook files last found all cached


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_executed(cache_path: Path, source: Path, notebooks: list[Path], folder: Path) -> int:
    """Replace the build's copy of each notebook by the executed one from the cache.

    A copy this step wrote before and the build has not rewritten since (same mtime) is left
    alone, so a rebuild with nothing changed costs next to nothing here.
    """
    record = folder / WRITTEN
    done = _read_json(record) or {}
    written, cache = 0, None
    for path in notebooks:
        name = path.relative_to(source).as_posix()
        target = folder / name
        if not target.is_file():  # not built (yet): nothing of the build's to replace
            continue
        if done.get(name) == target.stat().st_mtime_ns:
            continue
        if cache is None:
            import nbformat
            from jupyter_cache import get_cache

            cache = get_cache(cache_path)
        try:
            _, executed = cache.merge_match_into_notebook(nbformat.read(path, as_version=4))
        except KeyError:  # not in the cache: the build executed it and wrote it with outputs
            continue
        nbformat.write(executed, target)
        done[name] = target.stat().st_mtime_ns
        written += 1
    if folder.is_dir():
        record.write_text(json.dumps(done, indent=1), encoding="utf-8")
    print(f"Wrote {written} executed notebooks from the cache into {folder}")
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source", type=Path, default=REPO_ROOT, help="the book (default: this repository)"
    )
    parser.add_argument(
        "--config", type=Path, help="the _config.yml the build uses (default: SOURCE/_config.yml)"
    )
    parser.add_argument(
        "--build-dir", type=Path, help="the build's _build folder (default: SOURCE/_build)"
    )
    parser.add_argument(
        "--jobs", type=int, default=DEFAULT_JOBS, help="notebooks at a time (default: cores)"
    )
    parser.add_argument(
        "--after-build",
        action="store_true",
        help="write the cached executed notebooks into BUILD_DIR/jupyter_execute",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    source = args.source.resolve()
    build_dir = args.build_dir or source / "_build"
    settings = execution_settings(args.config or source / "_config.yml")
    if settings["execute_notebooks"] != "cache":
        print(
            f"execute_notebooks is {settings['execute_notebooks']!r}, not 'cache': the build "
            "executes the notebooks itself; nothing to do here."
        )
        return 0
    if settings["cache"]:
        cache_path = Path(settings["cache"])
        cache_path = cache_path if cache_path.is_absolute() else source / cache_path
    else:  # myst-nb's default: beside the html folder
        cache_path = build_dir / ".jupyter_cache"

    excluded = [p for p in settings["exclude_patterns"] or []]
    notebooks = [
        p
        for p in toc_notebooks(source)
        if not any(p.relative_to(source).match(pattern) for pattern in excluded)
    ]
    if args.after_build:
        return write_executed(cache_path, source, notebooks, build_dir / "jupyter_execute")
    return fill_cache(cache_path, source, notebooks, settings, args.jobs)


def fill_cache(
    cache_path: Path, source: Path, notebooks: list[Path], settings: dict, jobs: int
) -> int:
    """Execute the notebooks not in the cache, ``jobs`` at a time, and cache the ones that ran."""
    # Fast path for a rebuild: every notebook file as it was when this step last found (or
    # put) all of them in this cache. The record lives in the cache, so it goes with it.
    record = cache_path / UNCHANGED
    files = {str(p): [p.stat().st_mtime_ns, p.stat().st_size] for p in notebooks}
    if _read_json(record) == files:
        print(f"All {len(notebooks)} notebooks are in the execution cache.")
        return 0

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(cache_path)
    for path in notebooks:
        cache.add_nb_to_project(str(path))
    pending = {r.uri for r in cache.list_unexecuted(filter_uris=[str(p) for p in notebooks])}
    todo = [p for p in notebooks if str(p) in pending]
    if not todo:
        record.write_text(json.dumps(files), encoding="utf-8")
        print(f"All {len(notebooks)} notebooks are in the execution cache.")
        return 0
    # Longest first (as last measured), so no core waits alone for a long notebook at the end.
    last = {r.uri: r.data.get("execution_seconds", 0.0) for r in cache.list_cache_records()}
    todo.sort(key=lambda p: -last.get(str(p), float("inf")))
    jobs = max(1, min(jobs, len(todo)))
    print(
        f"Executing {len(todo)} of {len(notebooks)} notebooks, {jobs} at a time, into {cache_path}"
    )

    if jobs > 1:  # the cores are taken by notebooks side by side: each runs its seeds in turn
        os.environ.setdefault("NNBOOK_JOBS", "1")
    # The pages show each explorer's static figure: the kernels build no picture widgets.
    os.environ.setdefault("NNCORE_EXPLORER_OUTPUT", "figure")
    started, failed = time.perf_counter(), []
    execute = functools.partial(
        _execute,
        timeout=settings["timeout"],
        allow_errors=settings["allow_errors"],
        in_temp=settings["run_in_temp"],
    )
    for path, result in side_by_side(execute, todo, jobs, processes=True):
        name = path.relative_to(source).as_posix()
        if isinstance(result, BaseException):  # the kernel died, the notebook was unreadable...
            error = f"{type(result).__name__}: {result}"
        else:
            error = result.error
        if error:
            failed.append(name)
            print(
                f"  FAILED   {name}: the build will execute it again and report the error.\n"
                + "\n".join("    " + line for line in error_tail(error, 6).splitlines())
            )
            continue
        cache.cache_notebook_bundle(
            CacheBundleIn(result.notebook, str(path), data={"execution_seconds": result.seconds}),
            check_validity=False,
            overwrite=True,
        )
        print(f"  executed {name} in {result.seconds:.1f} s")
    if not failed:
        record.write_text(json.dumps(files), encoding="utf-8")
    print(
        f"Executed {len(todo) - len(failed)} notebooks in {time.perf_counter() - started:.1f} s"
        + (f"; {len(failed)} failed: {', '.join(failed)}" if failed else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
