"""Time to a working explorer: from navigation to the first explorer answering a key press.

Each page of a built book that shows an explorer (``<figure class="nnx-explorer">``, made
interactive by ``_ext/explorer_static/explorer.js``) is opened in headless Chromium with
the mobile profile Lighthouse uses (``lighthouse.py``): a 412 x 823 phone screen, a 4x CPU
slowdown (``Emulation.setCPUThrottlingRate``) and its slow 4G network as DevTools applies it
per request (``Network.emulateNetworkConditions``: 562.5 ms latency, 1.47 Mbit/s down,
0.675 Mbit/s up). The book is served as ``lighthouse.py`` serves it: copied with its CDN
scripts made local (``tools/make_offline_book.py``), from 127.0.0.1, gzip-compressed.
Every load has a fresh browser context (empty cache).

The clock is the page's own (``performance.now()``, zero at navigation start). As soon as the
first explorer with a slider is enabled, the slider is focused and ArrowRight is pressed
(ArrowLeft at its end); the clock stops when the figure shows a different picture, loaded
and decoded. Per page, the median over the rounds of

* ``enabled``: navigation until the first explorer's controls are enabled,
* ``answered``: navigation until its picture changed after the key press,

against a reference measured in the same run: navigation to the ``load`` event of the book's
first page (``intro``, text only). Several builds (before and after a change) are measured in
the same run, interleaved, so that every build sees the same machine load.

Run:  .venv/bin/python benchmarks/time_to_page.py [BUILD_DIR ...] [--rounds 3]

``BUILD_DIR`` is a built book (``_build/html``) or a folder holding one (default: this
repository's ``_build``). Needs Playwright (installed with the test requirements) and the
system's Chromium (``apt-get install -y chromium``); a book whose pages load MathJax from a
CDN also needs ``npm ci --prefix js --omit=dev``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

from browser_support import CHROMIUM_ARGS, find_chromium  # noqa: E402
from lighthouse import serve  # noqa: E402
from page_weight import html_dir_of  # noqa: E402

TIMEOUT_MS = 120_000
#: Lighthouse 12's mobile profile: its phone's screen and CPU slowdown, and its slow 4G
#: network with the factors Lighthouse applies when DevTools throttles each request.
VIEWPORT = {"width": 412, "height": 823}
DEVICE_SCALE = 1.75
CPU_SLOWDOWN = 4
NETWORK = {
    "offline": False,
    "latency": 150 * 3.75,
    "downloadThroughput": 1.6 * 1024 * 0.9 * 1024 / 8,
    "uploadThroughput": 750 * 0.9 * 1024 / 8,
}

#: In the page: the first explorer with a slider, once enabled, and its pictures' sources.
FIRST_SLIDER = "figure.nnx-explorer.nnx-ready input[type=range]:not([disabled])"
PICTURES = """(slider) => Array.from(slider.closest('figure.nnx-explorer')
    .querySelectorAll('img.nnx-overlay')).map((image) => image.currentSrc || image.src)"""
CHANGED = """([slider, before]) => {
    const images = Array.from(slider.closest('figure.nnx-explorer')
        .querySelectorAll('img.nnx-overlay'));
    const now = images.map((image) => image.currentSrc || image.src);
    const changed = now.some((src, k) => src !== before[k]);
    const drawn = images.every((image) => image.complete && image.naturalWidth > 0);
    return changed && drawn ? performance.now() : false;
}"""


def pages_with_explorers(html: Path) -> list[str]:
    """Docnames of the built pages that show an explorer, in name order."""
    return sorted(
        page.relative_to(html).with_suffix("").as_posix()
        for page in html.rglob("*.html")
        if "_static" not in page.parts
        and '<figure class="nnx-explorer' in page.read_text(encoding="utf-8")
    )


def open_phone(browser):
    """A fresh context and page with the mobile profile's screen, CPU and network."""
    context = browser.new_context(
        viewport=VIEWPORT, device_scale_factor=DEVICE_SCALE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return context, page


def reference_load(browser, base: str) -> float:
    """Milliseconds from navigation to the ``load`` event of the book's first page."""
    context, page = open_phone(browser)
    try:
        page.goto(base + "intro.html", wait_until="load", timeout=TIMEOUT_MS)
        return page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventStart")
    finally:
        context.close()


def first_answer(browser, base: str, docname: str) -> tuple[float, float]:
    """Milliseconds to the first explorer enabled and to its picture changed by a key press."""
    context, page = open_phone(browser)
    try:
        page.goto(base + docname + ".html", wait_until="commit", timeout=TIMEOUT_MS)
        slider = page.locator(FIRST_SLIDER).first
        slider.wait_for(state="attached", timeout=TIMEOUT_MS)
        enabled = page.evaluate("() => performance.now()")
        before = slider.evaluate(PICTURES)
        at_end = slider.evaluate("(s) => Number(s.value) >= Number(s.max)")
        slider.focus()
        page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
        handle = page.wait_for_function(
            CHANGED, arg=[slider.element_handle(), before], timeout=TIMEOUT_MS, polling="raf"
        )
        return enabled, float(handle.json_value())
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builds", nargs="*", type=Path, help="built books (default: _build)")
    parser.add_argument("--rounds", type=int, default=3, help="loads of each page per build")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("time_to_page: no Chromium; `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    html_dirs = [html_dir_of(folder) for folder in (args.builds or [REPO_ROOT / "_build"])]
    with tempfile.TemporaryDirectory() as tmp:
        servers, bases = [], []
        for k, html in enumerate(html_dirs):
            offline = Path(tmp) / f"book{k}"
            subprocess.run(
                [sys.executable, str(REPO_ROOT / "tools" / "make_offline_book.py")]
                + [str(html), str(offline)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            server, base = serve(offline)
            servers.append(server)
            bases.append(base)
        pages = pages_with_explorers(html_dirs[0])
        times: dict[tuple[int, str], list[tuple[float, float]]] = {}
        references: dict[int, list[float]] = {}
        print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
            try:
                for _ in range(args.rounds):
                    for b, base in enumerate(bases):
                        references.setdefault(b, []).append(reference_load(browser, base))
                        for docname in pages:
                            times.setdefault((b, docname), []).append(
                                first_answer(browser, base, docname)
                            )
            finally:
                browser.close()
                for server in servers:
                    server.shutdown()
        print(f"load average after: {os.getloadavg()[0]:.1f}")

    print(f"\nMobile profile (4x CPU slowdown, slow 4G), medians of {args.rounds} rounds\n")
    for b, html in enumerate(html_dirs):
        reference = statistics.median(references[b])
        print(f"{html}: reference (intro, navigation to load) {reference:.0f} ms\n")
        print("| page | explorer enabled ms | key press answered ms | × reference |")
        print("|---|---|---|---|")
        for docname in pages:
            enabled = statistics.median(t[0] for t in times[(b, docname)])
            answered = statistics.median(t[1] for t in times[(b, docname)])
            print(f"| {docname} | {enabled:.0f} | {answered:.0f} | {answered / reference:.2f} |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
