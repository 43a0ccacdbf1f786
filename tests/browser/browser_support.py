"""Helpers of the browser tests (tests/browser/test_browser.py): a local web server for the built
book, local copies of the scripts the pages load from CDNs, the check of text alternatives,
and `js`, which loads the in-page measurements from ``tests/browser/js/*.js``.

Pages of the book load three scripts from CDNs: MathJax 3 (pages with math), require.js
2.3.4 and @jupyter-widgets/html-manager 1.0.6 (pages with widgets). The tests serve them
from the npm packages installed in ``js/node_modules`` (``npm ci --prefix js``)
and abort every other request that leaves 127.0.0.1, so a run never depends on the network
and shows what a page would try to fetch.

Only the standard library is imported at module level; Playwright objects are passed in.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from functools import cache, partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
JS_DIR = HERE.parents[1] / "js"
NODE_MODULES = JS_DIR / "node_modules"
NPM_INSTALL_HINT = "npm ci --prefix js"
BROWSER_JS_DIR = HERE / "js"  # the functions the tests run in the pages
CHROMIUM_INSTALL_HINT = "apt-get install -y chromium"

# Flags for a headless Chromium that reaches nothing by itself (no updates, sync, QUIC...).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> Path | None:
    """Return Debian's chromium (or ``$CHROMIUM``, when set), or None when there is none."""
    candidates = [
        os.environ.get("CHROMIUM", ""),
        "/usr/bin/chromium",
        shutil.which("chromium") or "",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def in_ci() -> bool:
    """True when the environment says CI (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# --------------------------------------------------------------------------- local CDN


@dataclass(frozen=True)
class CdnPackage:
    """A CDN address prefix served from an installed npm package.

    ``url_prefix`` + ``rest`` is answered with ``node_modules/<package>/<path_prefix><rest>``,
    or with ``node_modules/<package>/<single_file>`` for a one-file mapping.
    """

    url_prefix: str
    package: str
    version: str  # what the address asks for: exact ("2.3.4") or a major ("3")
    path_prefix: str = ""
    single_file: str | None = None

    @property
    def directory(self) -> Path:
        return NODE_MODULES / self.package

    def local_path(self, url: str) -> Path | None:
        if self.single_file is not None:
            return (
                self.directory / self.single_file if url.split("?")[0] == self.url_prefix else None
            )
        if not url.startswith(self.url_prefix):
            return None
        rest = url[len(self.url_prefix) :].split("?")[0].split("#")[0]
        path = (self.directory / self.path_prefix / rest).resolve()
        if self.directory.resolve() not in path.parents:
            return None
        return path


# The addresses Sphinx, MyST-NB and the theme write into the pages (checked against the built
# HTML by `cdn_scripts_on_page`). The cdnjs copy of require.js is minified; the npm package
# ships the same release unminified, so the page's SRI hash is removed when it is served.
CDN_PACKAGES = (
    CdnPackage("https://cdn.jsdelivr.net/npm/mathjax@3/", "mathjax", "3"),
    CdnPackage(
        "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js",
        "requirejs",
        "2.3.4",
        single_file="require.js",
    ),
    CdnPackage(
        "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/dist/",
        "@jupyter-widgets/html-manager",
        "1.0.6",
        path_prefix="dist/",
    ),
)


def missing_npm_packages() -> list[str]:
    """Describe each CDN package that is not installed at the version its address names."""
    problems = []
    for spec in CDN_PACKAGES:
        manifest = spec.directory / "package.json"
        if not manifest.is_file():
            problems.append(f"{spec.package} (not in {NODE_MODULES})")
            continue
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version", "")
        if version != spec.version and not version.startswith(spec.version + "."):
            problems.append(f"{spec.package}: installed {version}, the pages load {spec.version}")
    return problems


def local_copy(url: str) -> Path | None:
    """The installed file that answers ``url``, or None when no CDN package covers it."""
    for spec in CDN_PACKAGES:
        path = spec.local_path(url)
        if path is not None:
            return path
    return None


SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
SRC_ATTR = re.compile(r"""\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
INTEGRITY_ATTR = re.compile(r"""\s+integrity\s*=\s*["'][^"']*["']""", re.IGNORECASE)


def cdn_scripts_on_page(html: str) -> list[str]:
    """The external ``<script src>`` addresses of a page."""
    found = []
    for tag in SCRIPT_TAG.findall(html):
        match = SRC_ATTR.search(tag)
        if match and match.group(1).startswith(("http://", "https://", "//")):
            found.append(match.group(1))
    return found


def strip_local_integrity(html: str) -> tuple[str, int]:
    """Remove the SRI ``integrity`` attribute of the script tags served from local copies.

    Returns the new HTML and how many attributes were removed.
    """
    count = 0

    def rewrite(match: re.Match) -> str:
        nonlocal count
        tag = match.group(0)
        src = SRC_ATTR.search(tag)
        if src and local_copy(src.group(1)) is not None and INTEGRITY_ATTR.search(tag):
            count += 1
            return INTEGRITY_ATTR.sub("", tag)
        return tag

    return SCRIPT_TAG.sub(rewrite, html), count


def content_type(path: Path) -> str:
    guessed = mimetypes.guess_type(path.name)[0]
    if path.suffix == ".js":
        return "application/javascript"
    if path.suffix == ".woff2":
        return "font/woff2"
    if path.suffix == ".woff":
        return "font/woff"
    return guessed or "application/octet-stream"


@dataclass
class NetworkLog:
    """What a page asked for beyond the local server."""

    served_locally: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    missing_locally: list[str] = field(default_factory=list)
    integrity_removed: int = 0


def install_routes(
    page: Any, base_url: str, log: NetworkLog, transform: Any = None, cdn: bool = True
) -> None:
    """Route every request of ``page``: the book from ``base_url``, CDN scripts from
    node_modules (CORS-enabled, as their ``crossorigin`` tags need), everything else aborted
    and recorded in ``log``. ``transform(html) -> html``, when given, edits every page
    served (the tests' own checks use it to break a page on purpose). With ``cdn=False``
    the CDN scripts are aborted too (for the offline book, which must not need them)."""

    def handle(route: Any) -> None:
        request = route.request
        url = request.url
        if url.startswith(base_url):
            if request.resource_type == "document":
                response = route.fetch()
                body = response.text()
                if transform is not None:
                    body = transform(body)
                body, removed = strip_local_integrity(body)
                log.integrity_removed += removed
                route.fulfill(response=response, body=body)
            else:
                route.continue_()
            return
        path = local_copy(url) if cdn else None
        if path is not None:
            if path.is_file():
                log.served_locally.append(url)
                route.fulfill(
                    status=200,
                    path=str(path),
                    headers={
                        "Content-Type": content_type(path),
                        "Access-Control-Allow-Origin": "*",
                        "Cache-Control": "no-store",
                    },
                )
            else:
                log.missing_locally.append(url)
                route.fulfill(
                    status=404,
                    body="not in the local copy",
                    headers={"Access-Control-Allow-Origin": "*"},
                )
            return
        log.blocked.append(url)
        route.abort("blockedbyclient")

    page.route("**/*", handle)


# --------------------------------------------------------------------------- web server


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        pass


class BookServer:
    """The built HTML book on ``http://127.0.0.1:<free port>/``, in a background thread."""

    def __init__(self, html_dir: Path) -> None:
        self.html_dir = Path(html_dir)
        handler = partial(_QuietHandler, directory=str(self.html_dir))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="book-server", daemon=True
        )

    def __enter__(self) -> BookServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def url(self, docname: str) -> str:
        return f"{self.base_url}{docname}.html"


# --------------------------------------------------------------------------- page checks

# Text alternatives that say nothing about the picture.
GENERIC_ALT = {
    "alt",
    "alt text",
    "chart",
    "fig",
    "figure",
    "graph",
    "image",
    "image/png",
    "img",
    "none",
    "null",
    "output",
    "output image",
    "photo",
    "picture",
    "plot",
    "png",
    "svg",
    "undefined",
    "untitled",
    "widget",
}
_FILENAME = re.compile(r"^\S+\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)
_HASH = re.compile(r"^[0-9a-f]{16,}$", re.IGNORECASE)
_MPL_REPR = re.compile(r"^<?(Figure|matplotlib)\b.*(size|Axes|\d+x\d+)", re.IGNORECASE)


def alt_text_problem(text: str | None) -> str | None:
    """Why ``text`` is not a meaningful text alternative, or None when it is."""
    if text is None:
        return "no alt attribute"
    stripped = " ".join(text.split())
    if not stripped:
        return "empty alt text"
    normal = stripped.lower().strip(" .:;,-_")
    if normal in GENERIC_ALT or re.fullmatch(
        r"(output|image|figure|fig|img|plot)[\s_-]*\d*", normal
    ):
        return f"generic alt text {text!r}"
    if _FILENAME.match(stripped) or _HASH.match(stripped):
        return f"alt text is a file name {text!r}"
    if _MPL_REPR.match(stripped):
        return f"alt text is matplotlib's repr {text!r}"
    if len(stripped) < 12 or len(stripped.split()) < 2:
        return f"alt text too short to describe a figure {text!r}"
    return None


# --------------------------------------------------------------------------- in-page functions


@cache
def js(name: str) -> str:
    """The JavaScript function in ``tests/browser/js/<name>.js``, for ``page.evaluate``.

    Each file holds one function expression (after a comment saying what it returns);
    Playwright calls it, with the element when given to ``locator.evaluate``.
    """
    path = BROWSER_JS_DIR / f"{name}.js"
    if not path.is_file():
        raise FileNotFoundError(f"no in-page function {name!r}: {path} does not exist")
    return path.read_text(encoding="utf-8")


#: WCAG 2.0 and 2.1, levels A and AA: the rules axe-core checks the pages against.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[dict]:
    """Run axe-core (``js/node_modules/axe-core``) on ``page``: its serious and critical
    violations of :data:`AXE_TAGS`, each with its rule, impact and first offending nodes."""
    script = NODE_MODULES / "axe-core" / "axe.min.js"
    # The page as a reader has it from their first key press: the pages lay out a section
    # below the screen only when it nears (content-visibility: auto), and make the blocks that
    # scroll sideways tab stops once laid out, or at the first Tab (_templates/layout.html).
    # axe reads colours and backgrounds from the rendered page (its contrast check misreads a
    # section not yet drawn) and tab stops from the DOM.
    page.keyboard.press("Tab")
    page.wait_for_function("() => window.nnLaidOut === true", timeout=10_000)
    page.add_script_tag(content=script.read_text(encoding="utf-8"))
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"][:160] for n in v["nodes"][:3]],
            "count": len(v["nodes"]),
        }
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
