"""What a reader downloads per page of a built book, against the 1.5 MB page budget.

For each HTML page of ``_build/html`` the table gives the HTML file (which embeds the
explorers' widget state), the widget state inside it, the images the page references under
``_images`` and their total, the page weight, against the budget. Style sheets, scripts and
fonts are shared by every page (and cached after the first), so they are left out. The same
sum is held to the budget by ``tests/book/test_page_weight.py``.

Run:  .venv/bin/python benchmarks/page_weight.py [BUILD_DIR ...]

``BUILD_DIR`` is a ``--path-output`` folder of ``jupyter-book build`` (the one holding
``_build``) or its ``_build/html``; the default is this repository's ``_build/html``. Several
folders (e.g. a build before and one after a change) are measured side by side.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

BUDGET_BYTES = 1_500_000  # 1.5 MB per page: HTML with its widget state, plus its images
REPO_ROOT = Path(__file__).resolve().parents[1]
WIDGET_STATE = re.compile(
    rb'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.DOTALL
)
IMAGE_SRC = re.compile(rb"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True)
class PageWeight:
    """The bytes of one page: its HTML (widget state included) and its images."""

    page: str
    html: int
    widget_state: int
    images: int

    @property
    def total(self) -> int:
        return self.html + self.images


def html_dir_of(folder: Path) -> Path:
    """The ``_build/html`` folder of a build output folder (or the folder itself)."""
    for candidate in (folder, folder / "html", folder / "_build" / "html"):
        if (candidate / "index.html").is_file() or (candidate / "intro.html").is_file():
            return candidate
    raise SystemExit(
        f"page_weight: no built HTML book in {folder} (looked for index.html in it, in "
        f"html/ and in _build/html/); build one with `jupyter-book build . --path-output DIR`."
    )


def page_images(html_file: Path, html: bytes) -> set[Path]:
    """The local image files a page's ``<img src>`` point to (each counted once)."""
    found = set()
    for src in IMAGE_SRC.findall(html):
        address = unquote(src.decode("utf-8", "replace")).split("#")[0].split("?")[0]
        if address.startswith(("data:", "http://", "https://", "//")):
            continue  # inline images are in the HTML already; remote ones are not the book's
        path = (html_file.parent / address).resolve()
        if path.is_file():
            found.add(path)
    return found


def page_weights(html_dir: Path) -> list[PageWeight]:
    """Weigh every HTML page of a built book, sorted by page name."""
    weights = []
    for html_file in sorted(html_dir.rglob("*.html")):
        if "_static" in html_file.relative_to(html_dir).parts:
            continue
        html = html_file.read_bytes()
        weights.append(
            PageWeight(
                page=html_file.relative_to(html_dir).with_suffix("").as_posix(),
                html=len(html),
                widget_state=sum(len(m) for m in WIDGET_STATE.findall(html)),
                images=sum(p.stat().st_size for p in page_images(html_file, html)),
            )
        )
    return weights


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builds", nargs="*", type=Path, help="build folders (default: _build)")
    parser.add_argument(
        "--all", action="store_true", help="list pages with no widget state or images too"
    )
    args = parser.parse_args()
    builds = args.builds or [REPO_ROOT / "_build"]
    for folder in builds:
        over = 0
        html_dir = html_dir_of(folder)
        print(f"\n{html_dir}  (budget {BUDGET_BYTES / 1e6:.2f} MB per page)\n")
        print("| page | HTML MB | of it widget state MB | images MB | page MB | × budget |")
        print("|---|---|---|---|---|---|")
        for weight in page_weights(html_dir):
            if not (args.all or weight.widget_state or weight.images):
                continue
            ratio = weight.total / BUDGET_BYTES
            over += ratio > 1
            print(
                f"| {weight.page} | {weight.html / 1e6:.2f} | {weight.widget_state / 1e6:.2f} | "
                f"{weight.images / 1e6:.2f} | {weight.total / 1e6:.2f} | "
                f"{'**' if ratio > 1 else ''}{ratio:.2f}{'**' if ratio > 1 else ''} |"
            )
        print(f"\n{over} page(s) over the budget" if over else "\nevery page within the budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
