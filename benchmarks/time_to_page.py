"""Time to a working page: from navigation to the first explorer answering a key press.

Each page of a built book that has an explorer is opened in headless Chromium, in a fresh
browser context (empty cache), from a local web server; the scripts the pages load from CDNs
are served from the npm packages in ``js/node_modules`` and every other request that leaves
127.0.0.1 is refused (the browser tests' set-up: ``tests/browser/browser_support.py``). The
clock starts at navigation; the first slider's handle is focused as soon as it is drawn,
ArrowRight (ArrowLeft at the slider's end) is pressed, and the clock stops when the figure
beside it shows a different image. The table gives, per page, the median over the rounds of

* ``slider``: navigation until the first slider is drawn (the widget state parsed and shown),
* ``response``: navigation until the figure changed after the key press,

set against a reference measured in the same run: navigation to the ``load`` event of the
book's first page (``intro``, no widgets). With ``--mbps`` the pages are also loaded through
a throttled connection (Chromium's network emulation, with 40 ms latency), where the page
weight shows. Several builds (before and after a change) are measured in the same run,
interleaved, so every build sees the same machine load.

Run:  .venv/bin/python benchmarks/time_to_page.py [BUILD_DIR ...] [--rounds 3] [--mbps 10]

``BUILD_DIR`` is a ``--path-output`` folder of ``jupyter-book build`` (default: this
repository's ``_build``). Needs Playwright (installed with the test requirements), the system's
Chromium (``apt-get install -y chromium``) and ``npm ci --prefix js``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support import (  # noqa: E402
    CHROMIUM_ARGS,
    BookServer,
    NetworkLog,
    find_chromium,
    install_routes,
    js,
    missing_npm_packages,
)
from page_weight import html_dir_of, page_weights  # noqa: E402

TIMEOUT_S = 60.0
LATENCY_MS = 40
VIEWPORT = {"width": 1280, "height": 900}


def open_page(browser, server: BookServer, docname: str, mbps: float | None):
    """A fresh context and page routed as the browser tests route it, throttled when asked."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    log = NetworkLog()
    install_routes(page, server.base_url, log)
    if mbps:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": LATENCY_MS,
                "downloadThroughput": mbps * 1e6 / 8,
                "uploadThroughput": mbps * 1e6 / 8,
            },
        )
    return context, page, log


def reference_load(browser, server: BookServer, mbps: float | None) -> float:
    """Seconds from navigation to the ``load`` event of the book's first page."""
    context, page, _ = open_page(browser, server, "intro", mbps)
    try:
        start = time.perf_counter()
        page.goto(server.url("intro"), wait_until="load", timeout=TIMEOUT_S * 1000)
        return time.perf_counter() - start
    finally:
        context.close()


def first_response(browser, server: BookServer, docname: str, mbps: float | None):
    """Seconds to the first slider drawn and to the figure's change after a key press."""
    context, page, log = open_page(browser, server, docname, mbps)
    try:
        start = time.perf_counter()
        page.goto(server.url(docname), wait_until="commit", timeout=TIMEOUT_S * 1000)
        handle = page.locator(".widget-subarea .widget-slider .noUi-handle").first
        handle.wait_for(state="visible", timeout=TIMEOUT_S * 1000)
        slider_s = time.perf_counter() - start
        control = page.locator(".widget-subarea .widget-slider").first
        if not control.evaluate(js("mark_figure"), "timed"):
            raise RuntimeError(f"{docname}: no figure beside the first slider")
        figure = page.locator('[data-figure-of="timed"]')
        before = figure.evaluate(js("shown_frame"))
        while not before:
            if time.perf_counter() - start > TIMEOUT_S:
                raise RuntimeError(f"{docname}: the first slider's figure shows no image")
            page.wait_for_timeout(10)
            before = figure.evaluate(js("shown_frame"))
        at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        handle.focus()
        handle.press("ArrowLeft" if at_end else "ArrowRight")
        while figure.evaluate(js("shown_frame")) in (before, []):
            if time.perf_counter() - start > TIMEOUT_S:
                raise RuntimeError(f"{docname}: the figure did not change after the key press")
            page.wait_for_timeout(5)
        response_s = time.perf_counter() - start
        if log.blocked or log.missing_locally:
            raise RuntimeError(f"{docname}: requests left the machine: {log.blocked[:3]}")
        return slider_s, response_s
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builds", nargs="*", type=Path, help="build folders (default: _build)")
    parser.add_argument("--rounds", type=int, default=3, help="loads of each page per build")
    parser.add_argument(
        "--mbps", type=float, default=None, help="also load through a throttled connection"
    )
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("time_to_page: no Chromium; `apt-get install -y chromium`")
    if missing := missing_npm_packages():
        raise SystemExit(f"time_to_page: `npm ci --prefix js` first; missing {missing}")
    from playwright.sync_api import sync_playwright

    html_dirs = [html_dir_of(folder) for folder in (args.builds or [REPO_ROOT / "_build"])]
    pages = [w.page for w in page_weights(html_dirs[0]) if w.widget_state]
    weights = [{w.page: w.total for w in page_weights(d)} for d in html_dirs]
    networks = [None] + ([args.mbps] if args.mbps else [])
    times: dict[tuple, list[tuple[float, float]]] = {}
    references: dict[tuple, list[float]] = {}
    servers = [BookServer(d) for d in html_dirs]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        for server in servers:
            server.__enter__()
        try:
            for _ in range(args.rounds):
                for mbps in networks:
                    for b, server in enumerate(servers):
                        references.setdefault((b, mbps), []).append(
                            reference_load(browser, server, mbps)
                        )
                        for docname in pages:
                            times.setdefault((b, mbps, docname), []).append(
                                first_response(browser, server, docname, mbps)
                            )
        finally:
            for server in servers:
                server.__exit__(None, None, None)
            browser.close()

    for mbps in networks:
        network = f"{mbps:g} Mbit/s, {LATENCY_MS} ms latency" if mbps else "local, unthrottled"
        print(f"\n### {network} (medians of {args.rounds} rounds)\n")
        for b, html_dir in enumerate(html_dirs):
            reference = statistics.median(references[(b, mbps)])
            print(f"{html_dir}: reference (intro, navigation to load) {1000 * reference:.0f} ms\n")
            print("| page | page MB | slider drawn ms | response ms | × reference |")
            print("|---|---|---|---|---|")
            for docname in pages:
                slider = statistics.median(t[0] for t in times[(b, mbps, docname)])
                response = statistics.median(t[1] for t in times[(b, mbps, docname)])
                print(
                    f"| {docname} | {weights[b].get(docname, 0) / 1e6:.2f} | {1000 * slider:.0f} "
                    f"| {1000 * response:.0f} | {response / reference:.1f} |"
                )
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
