"""Lighthouse's mobile profile on every page of a built book, served as GitHub Pages serves it.

The book is copied with its CDN scripts made local (tools/make_offline_book.py) and served
from 127.0.0.1 with gzip, as GitHub Pages compresses text. Lighthouse 12 (``js/``'s
development dependency: ``npm ci --prefix js``) runs in Debian's headless Chromium with its
default mobile profile: a mid-range phone, a simulated slow 4G network and a 4x CPU slowdown.
Each page is measured ``--runs`` times and the median of each figure is reported, with the
intro page (text only) as the reference measured in the same run.

Lighthouse's CPU figures (total blocking time, and the score through it) scale with how
busy the machine is: measure on an idle machine (the script prints the load average).

Usage::

    .venv/bin/python benchmarks/lighthouse.py [BUILT_HTML] [--runs 3] [--pages intro ...]
    (default BUILT_HTML: _build/html)
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "js" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
COMPRESSED = ("text/", "application/javascript", "application/json", "image/svg+xml")
FIGURES = {
    "score": ("performance score", None),
    "first-contentful-paint": ("first contentful paint (s)", 1000),
    "largest-contentful-paint": ("largest contentful paint (s)", 1000),
    "total-blocking-time": ("total blocking time (ms)", 1),
    "cumulative-layout-shift": ("cumulative layout shift", None),
    "speed-index": ("speed index (s)", 1000),
}


class GzipHandler(SimpleHTTPRequestHandler):
    """Serves files, gzip-compressed for text types when the client accepts it."""

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()
        kind = self.guess_type(str(path))
        data = path.read_bytes()
        compress = "gzip" in self.headers.get("Accept-Encoding", "") and kind.startswith(COMPRESSED)
        if compress:
            data = gzip.compress(data, 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)


class QuietServer(ThreadingHTTPServer):
    """A threading server that says nothing when a browser closes a download it no longer needs."""

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``folder`` on a free port of 127.0.0.1; return the server and its address."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def measure(url: str) -> dict[str, float]:
    """One Lighthouse run (performance only) on ``url``: the figures of :data:`FIGURES`."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--only-categories=performance",
                f"--chrome-flags={CHROMIUM_FLAGS}",
                "--output=json",
                f"--output-path={report}",
            ],
            env={**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"},
            check=True,
            timeout=300,
        )
        data = json.loads(report.read_text(encoding="utf-8"))
    figures = {"score": data["categories"]["performance"]["score"]}
    for key in FIGURES:
        if key != "score":
            figures[key] = data["audits"][key]["numericValue"]
    return figures


def pages_of(html: Path) -> list[str]:
    """The book's reading pages (not the index, search or module-source pages)."""
    return sorted(
        p.relative_to(html).with_suffix("").as_posix()
        for p in html.rglob("*.html")
        if not p.relative_to(html).parts[0].startswith("_")
        and p.name not in ("index.html", "search.html", "genindex.html", "py-modindex.html")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--pages", nargs="*", help="docnames, e.g. intro chapters/02_a_4231_network"
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.is_file():
        print(f"Lighthouse is missing: npm ci --prefix js (expected {LIGHTHOUSE})", file=sys.stderr)
        return 2
    if not (args.html / "index.html").is_file():
        print(f"No built book in {args.html}: run make book first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        offline = Path(tmp) / "book"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "tools" / "make_offline_book.py"),
                str(args.html),
                str(offline),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        server, base = serve(offline)
        pages = args.pages or pages_of(offline)
        print(f"load average before: {os.getloadavg()[0]:.1f}; {args.runs} runs a page, medians")
        header = ["page", *(name for name, _ in FIGURES.values())]
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        try:
            for page in pages:
                runs = [measure(base + page + ".html") for _ in range(args.runs)]
                cells = [page]
                for key, (_, scale) in FIGURES.items():
                    value = statistics.median(r[key] for r in runs)
                    if scale == 1000:
                        cells.append(f"{value / 1000:.1f}")
                    elif scale == 1:
                        cells.append(f"{value:.0f}")
                    else:
                        cells.append(f"{value:.2f}")
                print("| " + " | ".join(cells) + " |", flush=True)
        finally:
            server.shutdown()
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
