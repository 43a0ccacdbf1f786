"""Compare two builds of the book by what a reader gets: numbers, figures and explorer pictures.

No existing tool does this: a recursive diff of two ``_build/html`` folders reports every
renamed asset, element id and cell source, while the question after a refactoring is only
whether each page still shows the same numbers and the same pictures, byte for byte.

Usage::

    python tools/compare_builds.py OLD_HTML_DIR NEW_HTML_DIR [--page chapters/03_dead_relu]

For every page built in both folders it compares

- the numbers the page shows, in its prose, its math (MathML read by its TeX annotation) and
  its cell outputs (every token such as ``93.4%``, ``-0.25``, ``1,347`` or ``24``), as
  multisets: a number shown in one build and not the other is listed with the sentence
  around it;
- the figures (``<img>`` elements outside the explorers, in page order): the bytes of each
  picture file;
- the explorers (``<figure class="nnx-explorer">``, each with its JSON manifest
  ``script.nnx-manifest``): their controls and the values they offer, the number of settings
  (frames), and for every setting the bytes of the pictures shown and the text alternative.
  Pictures are read from the files the manifest names (``_images/explorers/...``), or from
  ``data:`` URLs where a build left them in the page.

It only reads the two folders. Exit status 0 when every page matches, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import itertools
import json
import re
import sys
from collections import Counter
from pathlib import Path

NUMBER = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?")
DATA_URL = re.compile(r"data:[\w/+.-]+;base64,(.*)", re.S)


def article_of(html: str):  # noqa: ANN201 - bs4 is imported lazily
    """Parse a page with BeautifulSoup (installed with the book's requirements): its article."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    return soup.find("article") or soup


def page_text(article) -> str:  # noqa: ANN001
    """Return the visible text of a page's article (prose and outputs), one line per block."""
    for hidden in article.find_all(["script", "style"]):
        hidden.decompose()
    # Math typeset as MathML when the book is built keeps its TeX as an annotation: compare
    # that, as a build that leaves the TeX to MathJax shows it.
    for math in article.find_all("math"):
        annotation = math.find("annotation", encoding="application/x-tex")
        math.replace_with(annotation.get_text() if annotation else math.get_text(" "))
    # Code a reader sees is source, not a result: compare prose and outputs only.
    for source in article.select("div.cell_input, div.highlight-ipython3, div.highlight-python"):
        source.decompose()
    return article.get_text("\n")


def numbers(text: str) -> Counter[str]:
    """Count every number token in ``text`` (minus signs and thousands commas normalised)."""
    found = (m.group(0).replace("−", "-").replace(",", "") for m in NUMBER.finditer(text))
    return Counter(token.rstrip(".") for token in found)


@functools.cache
def picture_digest(src: str, page: Path) -> str:
    """Return the SHA-256 of the picture at ``src`` (a ``data:`` URL or a path from ``page``)."""
    inline = DATA_URL.match(src)
    if inline:
        return hashlib.sha256(base64.b64decode(inline.group(1))).hexdigest()
    path = (page.parent / src.split("#")[0].split("?")[0]).resolve()
    if not path.is_file():
        return f"missing file {src}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def figure_digests(article, page: Path) -> list[str]:  # noqa: ANN001
    """Digest of every figure of the article outside the explorers, in page order."""
    return [
        picture_digest(img["src"], page)
        for img in article.find_all("img", src=True)
        if img.find_parent("figure", class_="nnx-explorer") is None
    ]


def explorers(article, page: Path) -> list[dict]:  # noqa: ANN001
    """Each explorer of a page: its controls and, per setting, its pictures' digests and alt.

    Returns
    -------
    list of dict
        ``title``, ``controls`` (name and value labels of each control) and ``settings``,
        mapping each setting (the grid indices of all controls, as a tuple) to the digests of
        the pictures shown there, overlay by overlay, and its text alternative.
    """
    found = []
    for figure in article.select("figure.nnx-explorer"):
        title = figure.select_one("p.nnx-title")
        manifest = json.loads(figure.select_one("script.nnx-manifest").string)
        controls = [(c["name"], tuple(c["labels"])) for c in manifest["controls"]]
        names = [name for name, _ in controls]
        settings = {}
        for index in itertools.product(*(range(len(labels)) for _, labels in controls)):
            shown, alt = [], None
            for overlay in manifest["overlays"]:
                key = ",".join(str(index[names.index(name)]) for name in overlay["controls"])
                k = overlay["shown"].get(key)
                shown.append(None if k is None else picture_digest(overlay["pictures"][k], page))
                if overlay.get("alts") is not None and k is not None:
                    alt = overlay["alts"][k]
            settings[index] = (tuple(shown), alt)
        found.append(
            {
                "title": title.get_text() if title else "",
                "controls": controls,
                "settings": settings,
            }
        )
    return found


def context(text: str, token: str) -> str:
    """Return the first line of ``text`` that shows ``token``, shortened."""
    for line in text.splitlines():
        if token in line.replace("−", "-").replace(",", ""):
            line = " ".join(line.split())
            return line if len(line) <= 120 else line[:117] + "..."
    return ""


def compare_explorers(old: list[dict], new: list[dict]) -> list[str]:
    """Return the differences between the explorers of two builds of one page."""
    if len(old) != len(new):
        return [f"  explorers: old {len(old)}, new {len(new)}"]
    problems = []
    for k, (a, b) in enumerate(zip(old, new, strict=True), start=1):
        name = f"explorer {k} ({a['title'][:50]!r})"
        if a["title"] != b["title"]:
            problems.append(f"  {name}: title now {b['title']!r}")
        if a["controls"] != b["controls"]:
            problems.append(f"  {name}: controls old {a['controls']}, new {b['controls']}")
            continue
        pictures = [s for s in a["settings"] if a["settings"][s][0] != b["settings"][s][0]]
        alts = [s for s in a["settings"] if a["settings"][s][1] != b["settings"][s][1]]
        if pictures:
            problems.append(
                f"  {name}: pictures differ at {len(pictures)} of {len(a['settings'])} "
                f"settings, e.g. {pictures[0]}"
            )
        if alts:
            s = alts[0]
            problems.append(
                f"  {name}: text alternative differs at {len(alts)} settings, e.g. {s}: "
                f"{a['settings'][s][1]!r} -> {b['settings'][s][1]!r}"
            )
    return problems


def compare_page(old: Path, new: Path) -> tuple[list[str], str]:
    """Compare two builds of one page: the differences (one message each) and a summary."""
    old_page, new_page = (article_of(p.read_text(encoding="utf-8")) for p in (old, new))
    # Pictures first: reading the text takes the scripts and the code out of the article.
    old_figures, new_figures = figure_digests(old_page, old), figure_digests(new_page, new)
    old_explorers, new_explorers = explorers(old_page, old), explorers(new_page, new)
    old_text, new_text = page_text(old_page), page_text(new_page)
    old_numbers, new_numbers = numbers(old_text), numbers(new_text)
    problems = []
    for token, count in sorted((old_numbers - new_numbers).items()):
        problems.append(f"  only in old ({count}x): {token}   e.g. {context(old_text, token)!r}")
    for token, count in sorted((new_numbers - old_numbers).items()):
        problems.append(f"  only in new ({count}x): {token}   e.g. {context(new_text, token)!r}")
    if len(old_figures) != len(new_figures):
        problems.append(f"  figures: old {len(old_figures)}, new {len(new_figures)}")
    else:
        changed = [i for i, (a, b) in enumerate(zip(old_figures, new_figures), 1) if a != b]
        if changed:
            problems.append(f"  figures whose bytes differ: {changed} of {len(old_figures)}")
    problems += compare_explorers(old_explorers, new_explorers)
    frames = sum(len(e["settings"]) for e in old_explorers)
    pictures = len({d for e in old_explorers for s in e["settings"].values() for d in s[0]})
    summary = (
        f"same {sum(old_numbers.values())} numbers; same bytes of its {len(old_figures)} "
        f"figure(s) and of its {len(old_explorers)} explorer(s): {frames} settings, "
        f"{pictures} distinct pictures"
    )
    return problems, summary


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
        problems, summary = compare_page(old, new)
        if problems:
            mismatched += 1
            print(f"{docname}: {len(problems)} difference(s)")
            print("\n".join(problems))
        else:
            print(f"{docname}: {summary}")
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
