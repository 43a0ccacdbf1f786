"""Make a copy of the built HTML book that needs no network at all.

The pages of the book load three scripts from CDNs: MathJax 3 (pages with math), require.js
2.3.4 and @jupyter-widgets/html-manager 1.0.6 (pages with interactive figures). This script
copies the book, puts those scripts (from the npm packages of ``tests/js``, installed with
``npm ci --prefix tests/js``) into its ``_vendor/`` folder, and points every page at them.
``_vendor/`` sits next to ``_static/`` rather than inside it, because Sphinx links every
file of ``_static`` into every page.

Serve the result from a local web server (``python -m http.server --directory
_build/html-offline``): browsers refuse to load MathJax's fonts from ``file://`` pages.

Usage: python tools/make_offline_book.py [BUILT_HTML] [OUTPUT]
(defaults: _build/html and _build/html-offline)
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "tests" / "js" / "node_modules"
VENDOR = "_vendor"

# (CDN address prefix, package folder in node_modules, files of it to copy, local replacement
# of the prefix relative to _vendor/)
SCRIPTS = (
    (
        "https://cdn.jsdelivr.net/npm/mathjax@3/es5/",
        "mathjax",
        ("es5",),
        "mathjax/es5/",
    ),
    (
        "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js",
        "requirejs",
        ("require.js",),
        "requirejs/require.js",
    ),
    (
        "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/dist/",
        "@jupyter-widgets/html-manager",
        ("dist/embed-amd.js",),
        "@jupyter-widgets/html-manager/dist/",
    ),
)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
INTEGRITY = re.compile(r"""\s+(integrity|crossorigin)\s*=\s*["'][^"']*["']""", re.IGNORECASE)


def vendor_scripts(output: Path) -> None:
    """Copy the needed files of each npm package into ``output/_vendor``."""
    for _, package, patterns, _ in SCRIPTS:
        source = NODE_MODULES / package
        if not (source / "package.json").is_file():
            raise SystemExit(
                f"make_offline_book: the npm package {package} is not in {NODE_MODULES}; "
                f"install the packages with `npm ci --prefix tests/js` and run this again."
            )
        for pattern in patterns:
            matches = sorted(source.glob(pattern))
            if not matches:
                raise SystemExit(f"make_offline_book: {package} has no {pattern}; is it the right version?")
            for path in matches:
                target = output / VENDOR / package / path.relative_to(source)
                if path.is_dir():
                    shutil.copytree(path, target, dirs_exist_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)


def localise(html: str, to_root: str) -> str:
    """Point a page's CDN script tags at ``_vendor`` (``to_root`` is the page's path to the book root)."""

    def rewrite(match: re.Match) -> str:
        tag = match.group(0)
        changed = tag
        for prefix, _, _, local in SCRIPTS:
            changed = changed.replace(prefix, f"{to_root}{VENDOR}/{local}")
        if changed == tag:
            return tag
        return INTEGRITY.sub("", changed)

    return SCRIPT_TAG.sub(rewrite, html)


def make_offline_book(built: Path, output: Path) -> int:
    """Copy ``built`` to ``output`` with local scripts; return how many pages were changed."""
    if not (built / "index.html").is_file():
        raise SystemExit(f"make_offline_book: no built book at {built}; run `make book` first.")
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(built, output)
    vendor_scripts(output)
    changed = 0
    for page in output.rglob("*.html"):
        if VENDOR in page.relative_to(output).parts:
            continue
        html = page.read_text(encoding="utf-8")
        depth = len(page.relative_to(output).parts) - 1
        new = localise(html, "../" * depth)
        if new != html:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("built", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("output", nargs="?", type=Path, default=ROOT / "_build" / "html-offline")
    args = parser.parse_args(argv)
    changed = make_offline_book(args.built.resolve(), args.output.resolve())
    print(f"{changed} pages now load their scripts from {args.output / VENDOR}")
    print(f"Serve it with: python3 -m http.server --bind 127.0.0.1 --directory {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
