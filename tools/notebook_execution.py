"""Executing notebooks, shared by the book's two notebook runners.

nbclient alone executes one notebook with the options it is given, and papermill adds
parameters and output notebooks on top of it; neither takes a notebook's timeout and
``allow_errors`` from its own ``execution`` metadata as myst-nb does, nor runs several
notebooks side by side, so this thin layer over nbclient does both.

``tools/execute_book.py`` executes the book's notebooks side by side into the build's
execution cache; ``tools/run_notebooks.py`` executes them in the Colab-pinned and
minimum-version environments. Both execute a notebook the same way, here: with nbclient, in
a kernel whose working directory is the notebook's folder (or a given one), with the
timeout and ``allow_errors`` of the notebook's own ``execution`` metadata when it has them,
as myst-nb does; and both run several notebooks at a time with :func:`side_by_side`.

Only the standard library is imported at the top: nbformat and nbclient are imported when a
notebook is executed, so each environment needs them only where notebooks run.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
DEFAULT_JOBS = os.cpu_count() or 1

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass
class Execution:
    """One notebook, executed: the notebook with its outputs, the time, the error if any."""

    notebook: Any  # nbformat.NotebookNode
    seconds: float
    error: str = ""  # the failing cell's error (nbclient's message), empty when all ran


def execute_notebook(
    path: Path,
    *,
    timeout: int,
    allow_errors: bool = False,
    cwd: Path | None = None,
    store_widget_state: bool = True,
    kernel_name: str = "",
) -> Execution:
    """Execute the notebook at ``path`` in a new kernel and return it with its outputs.

    Parameters
    ----------
    path : Path
        The notebook; it is read, not written.
    timeout : int
        Seconds a cell may run; the notebook's ``metadata.execution.timeout`` wins.
    allow_errors : bool
        Go on after a cell raises; the notebook's ``metadata.execution.allow_errors`` wins.
    cwd : Path, optional
        The kernel's working directory (default: the notebook's folder).
    store_widget_state : bool
        Keep the widgets' state in the notebook's metadata.
    kernel_name : str
        The kernel to start (default: the one the notebook names).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    notebook = nbformat.read(path, as_version=4)
    settings = notebook.metadata.get("execution", {})
    client = NotebookClient(
        notebook,
        timeout=settings.get("timeout", timeout),
        allow_errors=settings.get("allow_errors", allow_errors),
        record_timing=False,
        store_widget_state=store_widget_state,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(cwd or path.parent)}},
    )
    started = time.perf_counter()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        return Execution(notebook, time.perf_counter() - started, str(error) or repr(error))
    return Execution(notebook, time.perf_counter() - started)


def error_tail(text: str, lines: int) -> str:
    """The last ``lines`` non-blank lines of an error, without terminal colours."""
    kept = [line for line in ANSI_ESCAPE.sub("", text).strip().splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def side_by_side(
    function: Callable[[Item], Result],
    items: Iterable[Item],
    jobs: int,
    *,
    processes: bool,
) -> Iterator[tuple[Item, Result | BaseException]]:
    """Call ``function`` on every item, ``jobs`` at a time; yield each result as it comes.

    With ``processes``, each call runs in a worker process (``function`` and the items must
    be picklable); otherwise in a thread (for calls that wait on a process of their own). A
    call that raises yields its exception instead of a result.
    """
    items = list(items)
    workers = max(1, min(jobs, len(items)))
    pool_type = (
        concurrent.futures.ProcessPoolExecutor
        if processes
        else concurrent.futures.ThreadPoolExecutor
    )
    with pool_type(max_workers=workers) as pool:
        futures = {pool.submit(function, item): item for item in items}
        for future in concurrent.futures.as_completed(futures):
            try:
                yield futures[future], future.result()
            except Exception as error:  # the call failed: its caller says what that means
                yield futures[future], error
