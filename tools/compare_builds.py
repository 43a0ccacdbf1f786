"""Compare two builds of the book: the numbers each page shows and its explorers' frames.

Usage::

    python tools/compare_builds.py OLD_HTML_DIR NEW_HTML_DIR [--page chapters/03_dead_relu]

For every page built in both folders it compares

- the numbers the page shows, in its prose and in its cell outputs (every token such as
  ``93.4%``, ``-0.25``, ``1,347`` or ``24``), as multisets: a number shown in one build and
  not the other is listed with the sentence around it;
- the interactive figures: for each explorer (a ``Stack`` of precomputed frames in the
  page's embedded widget state) the number of frames.

It only reads the two folders. Exit status 0 when every page matches, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

NUMBER = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?")
WIDGET_STATE = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.S
)


def page_text(html: str) -> str:
    """Return the visible text of a page's article (prose and outputs), one line per block."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("article") or soup
    for hidden in article.find_all(["script", "style"]):
        hidden.decompose()
    # Code a reader sees is source, not a result: compare prose and outputs only.
    for source in article.select("div.cell_input, div.highlight-ipython3, div.highlight-python"):
        source.decompose()
    return article.get_text("\n")


def numbers(text: str) -> Counter[str]:
    """Count every number token in ``text`` (minus signs and thousands commas normalised)."""
    found = (m.group(0).replace("−", "-").replace(",", "") for m in NUMBER.finditer(text))
    return Counter(token.rstrip(".") for token in found)


def frame_counts(html: str) -> int:
    """Return the number of precomputed frames (image models) in a page's widget state."""
    return sum(
        model["model_name"] == "ImageModel"
        for block in WIDGET_STATE.findall(html)
        for model in json.loads(block)["state"].values()
    )


def context(text: str, token: str) -> str:
    """Return the first line of ``text`` that shows ``token``, shortened."""
    for line in text.splitlines():
        if token in line.replace("−", "-").replace(",", ""):
            line = " ".join(line.split())
            return line if len(line) <= 120 else line[:117] + "..."
    return ""


def compare_page(old: Path, new: Path) -> list[str]:
    """Return the differences between two builds of one page, one message each."""
    old_html, new_html = old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
    old_text, new_text = page_text(old_html), page_text(new_html)
    old_numbers, new_numbers = numbers(old_text), numbers(new_text)
    problems = []
    for token, count in sorted((old_numbers - new_numbers).items()):
        problems.append(f"  only in old ({count}x): {token}   e.g. {context(old_text, token)!r}")
    for token, count in sorted((new_numbers - old_numbers).items()):
        problems.append(f"  only in new ({count}x): {token}   e.g. {context(new_text, token)!r}")
    old_frames, new_frames = frame_counts(old_html), frame_counts(new_html)
    if old_frames != new_frames:
        problems.append(f"  explorer frames: old {old_frames}, new {new_frames}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="the first build's html folder")
    parser.add_argument("new", type=Path, help="the second build's html folder")
    parser.add_argument("--page", action="append", help="compare only this page (docname)")
    args = parser.parse_args(argv)
    for folder in (args.old, args.new):
        if not (folder / "index.html").is_file():
            parser.error(f"{folder} is not a built book (no index.html); give _build/html folders")
    pages = args.page or sorted(
        str(p.relative_to(args.old).with_suffix(""))
        for p in args.old.rglob("*.html")
        if p.parent.name in ("chapters", "appendix")
    )
    mismatched = 0
    for docname in pages:
        old, new = args.old / f"{docname}.html", args.new / f"{docname}.html"
        if not new.is_file():
            print(f"{docname}: missing from the new build")
            mismatched += 1
            continue
        problems = compare_page(old, new)
        old_frames = frame_counts(old.read_text(encoding="utf-8"))
        if problems:
            mismatched += 1
            print(f"{docname}: {len(problems)} difference(s)")
            print("\n".join(problems))
        else:
            total = sum(numbers(page_text(old.read_text(encoding="utf-8"))).values())
            print(f"{docname}: same {total} numbers, same frames {old_frames}")
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
