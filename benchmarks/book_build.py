"""How long the book takes to build, against the time to execute its notebooks alone.

Measured in one run, on this machine:

1. the floor: every notebook in the toc executed alone with nbclient, one after another;
2. a clean build the old way (empty execution cache, ``jupyter-book build`` executes every
   notebook itself, one after another) into a temp folder: the reference;
3. a clean build the way ``make book`` does it: ``tools/execute_book.py`` executes the notebooks
   side by side into an empty execution cache, ``jupyter-book build`` reads them from it, and
   ``tools/execute_book.py --after-build`` copies the executed notebooks into the build;
4. a rebuild with nothing changed, as ``make book`` runs it (all three steps; nothing executes);
5. peak memory (the summed RSS of each clean build and its kernels, sampled every 0.1 s).

The floor is the work itself on one core: each notebook alone, its runs over seeds
(nnbook.evidence) one after another in its own process (``NNBOOK_JOBS=1``) and none read
from a cache. The clean builds start with empty caches, the runs' cache included, and may
use both cores (notebooks side by side, runs in worker processes).

Run:  .venv/bin/python benchmarks/book_build.py      (about three times a clean build's time)
      add --allow-warnings to time a build whose pages warn (it then exits 0)
      add --skip-serial-build to leave out the old way (2.), which only serves as a reference
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
# `make book`'s flags; `--allow-warnings` drops -W, to time a book whose pages still warn.
BUILD_FLAGS = ["-n", "--keep-going"] + ([] if "--allow-warnings" in sys.argv else ["-W"])


def toc_notebooks() -> list[Path]:
    toc = (ROOT / "_toc.yml").read_text()
    files = re.findall(r"file:\s*(\S+)", toc)
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def execute_alone(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return time.perf_counter() - start


class PeakMemory:
    """Samples the summed resident memory of a process and all its descendants."""

    def __init__(self, pid: int) -> None:
        self.proc, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
                self.peak = max(
                    self.peak, sum(p.memory_info().rss for p in procs if p.is_running())
                )
            except psutil.Error:
                pass
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run(cmd: list[str]) -> tuple[float, int, str]:
    """Run ``cmd``; return its wall time, peak memory and output (exit on failure)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = PeakMemory(proc.pid)
    log, _ = proc.communicate()
    elapsed, peak = time.perf_counter() - start, memory.stop()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{log[-3000:]}")
    return elapsed, peak, log


def build(out: Path, config: Path, parallel: bool) -> tuple[float, int, str]:
    """A build into ``out``; with ``parallel``, first the notebooks side by side (``make book``)."""
    bin_dir = Path(sys.executable).parent
    elapsed, peak, log = 0.0, 0, ""
    if parallel:
        elapsed, peak, log = run(
            [
                sys.executable,
                str(ROOT / "tools" / "execute_book.py"),
                "--config",
                str(config),
                "--build-dir",
                str(out / "_build"),
            ]
        )
    seconds, memory, build_log = run(
        [
            str(bin_dir / "jupyter-book"),
            "build",
            str(ROOT),
            "--path-output",
            str(out),
            "--config",
            str(config),
            *BUILD_FLAGS,
        ]
    )
    elapsed, peak, log = elapsed + seconds, max(peak, memory), log + build_log
    if parallel:  # the executed copies into _build/jupyter_execute, as `make book` ends
        seconds, memory, after_log = run(
            [
                sys.executable,
                str(ROOT / "tools" / "execute_book.py"),
                "--config",
                str(config),
                "--build-dir",
                str(out / "_build"),
                "--after-build",
            ]
        )
        elapsed, peak, log = elapsed + seconds, max(peak, memory), log + after_log
    return elapsed, peak, log


def executed_by_build(log: str) -> int:
    """How many notebooks ``jupyter-book build`` executed itself (not from the cache)."""
    return len(re.findall(r"\.ipynb: Executing notebook", log))


def main() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    load = os.getloadavg()[0]  # other work on the machine skews every figure
    notebooks = toc_notebooks()
    os.environ.pop("NNBOOK_RUNS_CACHE", None)
    os.environ["NNBOOK_JOBS"] = "1"  # the floor: one core, every run computed
    floor = {nb.relative_to(ROOT).as_posix(): execute_alone(nb) for nb in notebooks}
    del os.environ["NNBOOK_JOBS"]
    pure = sum(floor.values())

    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "_config.yml"
        cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
        cfg["execute"]["execute_notebooks"] = "cache"
        cfg["execute"]["cache"] = ""  # beside each build's html: starts empty
        local = cfg.get("sphinx", {}).get("local_extensions") or {}
        for name, folder in local.items():  # found relative to the config file
            local[name] = str((ROOT / folder).resolve())
        config.write_text(yaml.safe_dump(cfg))
        serial = serial_peak = float("nan")
        if "--skip-serial-build" not in sys.argv:
            os.environ["NNBOOK_RUNS_CACHE"] = str(Path(tmp) / "serial" / ".runs_cache")
            serial, serial_peak, _ = build(Path(tmp) / "serial", config, parallel=False)
            shutil.rmtree(Path(tmp) / "serial", ignore_errors=True)
        os.environ["NNBOOK_RUNS_CACHE"] = str(Path(tmp) / "book" / ".runs_cache")  # as make book
        clean, peak, clean_log = build(Path(tmp) / "book", config, parallel=True)
        rebuild, _, rebuild_log = build(Path(tmp) / "book", config, parallel=True)
        shutil.rmtree(Path(tmp) / "book", ignore_errors=True)

    print(
        f"Book build on {os.cpu_count()} cores, {len(notebooks)} notebooks, "
        f"1-minute load average at the start {load:.1f}"
    )
    print(f"{'notebook, executed alone with nbclient':<48}{'s':>9}")
    for name, t in floor.items():
        print(f"{name:<48}{t:>9.1f}")
    print(f"{'pure execution (sum, the floor)':<48}{pure:>9.1f}")
    print()
    print(f"{'measure':<44}{'value':>10}{'target':>10}")
    print(f"{'clean build, serial execution (s)':<44}{serial:>10.1f}")
    print(f"{'clean build, serial / pure execution':<44}{serial / pure:>10.2f}")
    print(f"{'clean build, parallel execution (s)':<44}{clean:>10.1f}")
    print(f"{'clean build, parallel / pure execution':<44}{clean / pure:>10.2f}{'<= 0.8':>10}")
    print(f"{'clean build, parallel / serial':<44}{clean / serial:>10.2f}")
    print(
        f"{'notebooks the parallel build executed itself':<44}"
        f"{executed_by_build(clean_log):>10}{'0':>10}"
    )
    print(f"{'no-change rebuild, all steps (s)':<44}{rebuild:>10.1f}{'< 3':>10}")
    print(f"{'notebooks the rebuild executed':<44}{executed_by_build(rebuild_log):>10}{'0':>10}")
    print(f"{'slowest notebook alone, one core (s)':<44}{max(floor.values()):>10.1f}{'<= 180':>10}")
    print(f"{'peak RSS, serial clean build (MB)':<44}{serial_peak / 2**20:>10.0f}")
    print(f"{'peak RSS, parallel clean build (MB)':<44}{peak / 2**20:>10.0f}")


if __name__ == "__main__":
    main()
