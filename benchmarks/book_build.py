"""How long the book takes to build, against the time to execute its notebooks alone.

Measured in one run, on this machine:

1. the floor: every notebook in the toc executed alone with nbclient, one after another;
2. a clean build (empty execution cache, so every notebook executes) into a temp folder;
3. a rebuild with nothing changed (the cache answers, nothing executes);
4. peak memory (the summed RSS of the build and its kernels, sampled every 0.1 s).

Run:  .venv/bin/python benchmarks/book_build.py      (about twice a clean build's time)
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


def toc_notebooks() -> list[Path]:
    toc = (ROOT / "_toc.yml").read_text()
    files = re.findall(r"file:\s*(\S+)", toc)
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def execute_alone(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
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
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs
                                               if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def build(out: Path, config: Path) -> tuple[float, int, str]:
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT),
           "--path-output", str(out), "--config", str(config), "-W", "-n", "--keep-going"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = PeakMemory(proc.pid)
    log, _ = proc.communicate()
    elapsed, peak = time.perf_counter() - start, memory.stop()
    if proc.returncode:
        raise SystemExit(f"build failed ({proc.returncode}):\n{log[-3000:]}")
    return elapsed, peak, log


def main() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    notebooks = toc_notebooks()
    floor = {nb.relative_to(ROOT).as_posix(): execute_alone(nb) for nb in notebooks}
    pure = sum(floor.values())

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "book"
        config = Path(tmp) / "_config.yml"
        cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
        cfg["execute"]["execute_notebooks"] = "cache"
        cfg["execute"]["cache"] = str(Path(tmp) / "jupyter_cache")  # starts empty
        config.write_text(yaml.safe_dump(cfg))
        clean, peak, _ = build(out, config)
        rebuild, _, _ = build(out, config)
        shutil.rmtree(out, ignore_errors=True)

    print(f"Book build on {os.cpu_count()} cores, {len(notebooks)} notebooks")
    print(f"{'notebook, executed alone with nbclient':<48}{'s':>9}")
    for name, t in floor.items():
        print(f"{name:<48}{t:>9.1f}")
    print(f"{'pure execution (sum, the floor)':<48}{pure:>9.1f}")
    print()
    print(f"{'measure':<34}{'value':>10}{'target':>10}")
    print(f"{'clean build (s)':<34}{clean:>10.1f}")
    print(f"{'clean build / pure execution':<34}{clean / pure:>10.2f}{'<= 1.5':>10}")
    print(f"{'no-change rebuild (s)':<34}{rebuild:>10.1f}{'< 5':>10}")
    print(f"{'slowest chapter alone (s)':<34}{max(floor.values()):>10.1f}{'< 30':>10}")
    print(f"{'peak RSS of the clean build (MB)':<34}{peak / 2**20:>10.0f}")


if __name__ == "__main__":
    main()
