"""Every page of the built book is at most 1.5 MB: its HTML plus the images it shows from
``_build/html/_images``, every picture of its explorers included (what a reader who tries
every setting downloads; the page itself shows only each explorer's default picture).

Style sheets, scripts and fonts are shared by all pages and cached after the first, so they
are not counted. ``benchmarks/page_weight.py`` prints the same weights, split into HTML,
widget state and images.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

BUDGET_BYTES = 1_500_000
IMAGE_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
# An explorer's manifest names the picture of every setting (nncore/widgets/static_html.py).
EXPLORER_PICTURE = re.compile(r'"((?:\.\./)*_images/explorers/[^"]+)"')


def page_weight(html_file: Path) -> tuple[int, list[Path]]:
    """Bytes of ``html_file`` plus the local images it references (each once), and those images."""
    html = html_file.read_text(encoding="utf-8")
    images = set()
    for src in IMAGE_SRC.findall(html) + EXPLORER_PICTURE.findall(html):
        address = unquote(src).split("#")[0].split("?")[0]
        if address.startswith(("data:", "http://", "https://", "//")):
            continue
        path = (html_file.parent / address).resolve()
        if path.is_file():
            images.add(path)
    return html_file.stat().st_size + sum(p.stat().st_size for p in images), sorted(images)


def over_budget(html_dir: Path, budget: int = BUDGET_BYTES) -> list[str]:
    """One line per page of ``html_dir`` heavier than ``budget`` bytes, naming it and its size."""
    problems = []
    for html_file in sorted(html_dir.rglob("*.html")):
        if "_static" in html_file.relative_to(html_dir).parts:
            continue
        page = html_file.relative_to(html_dir).with_suffix("").as_posix()
        total, images = page_weight(html_file)
        if total > budget:
            problems.append(
                f"{page}: {total / 1e6:.2f} MB (HTML {html_file.stat().st_size / 1e6:.2f} MB "
                f"+ {len(images)} images), over the {budget / 1e6:.2f} MB budget"
            )
    return problems


def test_every_page_of_the_book_is_within_the_weight_budget(built_book):
    pages = [p for p in built_book.html_dir.rglob("*.html") if "_static" not in p.parts]
    assert pages, f"no HTML pages in {built_book.html_dir}"
    problems = over_budget(built_book.html_dir)
    assert not problems, (
        "pages heavier than a reader on a slow connection should wait for (split an "
        "explorer's figure into nncore.widgets.Overlay objects, or lower its dpi, palette or "
        "grid):\n  " + "\n  ".join(problems)
    )


def test_the_weight_check_counts_images_and_names_the_heavy_page(tmp_path):
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "a.png").write_bytes(b"x" * 700)
    (tmp_path / "_images" / "b%20c.png").write_bytes(b"x" * 100)
    (tmp_path / "chapters").mkdir()
    heavy = tmp_path / "chapters" / "heavy.html"
    # Two references to one image count it once; an escaped name is found; remote is skipped.
    heavy.write_text(
        '<img src="../_images/a.png"><img alt="x" src="../_images/a.png">'
        '<img src="../_images/b%2520c.png"><img src="https://example.org/big.png">',
        encoding="utf-8",
    )
    (tmp_path / "light.html").write_text("<p>text</p>", encoding="utf-8")
    html_size = heavy.stat().st_size
    total, images = page_weight(heavy)
    assert [p.name for p in images] == ["a.png", "b%20c.png"]
    assert total == html_size + 800

    problems = over_budget(tmp_path, budget=html_size + 799)
    assert len(problems) == 1
    assert problems[0].startswith("chapters/heavy: ")
    assert "2 images" in problems[0] and "over the" in problems[0]
    assert over_budget(tmp_path, budget=html_size + 800) == []
