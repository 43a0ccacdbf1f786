"""The built pages paint before their scripts run, and draw their icons without a script."""

from __future__ import annotations

import re

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
ICON_CLASSES = re.compile(r'class="([^"]*\bfa-(?:solid|brands|regular)\b[^"]*)"')


def pages(built_book):
    """The book's pages (not the theme's template fragments copied into _static)."""
    return sorted(p for p in built_book.html_dir.rglob("*.html") if "_static" not in p.parts)


def head(page) -> str:
    text = page.read_text(encoding="utf-8")
    return text[: text.find("</head>")]


def test_no_script_in_a_pages_head_blocks_its_rendering(built_book):
    blocking = {}
    # The search page (no reading page) needs its index before it can search.
    for page in [p for p in pages(built_book) if p.name != "search.html"]:
        for attributes in SCRIPT_TAG.findall(head(page)):
            if "src=" in attributes and not re.search(r"\b(defer|async)\b", attributes):
                blocking.setdefault(page.name, []).append(attributes.strip())
    assert blocking == {}, f"scripts loaded before the page can paint: {blocking}"


def test_unused_loaders_and_the_search_index_stay_off_the_reading_pages(built_book):
    for page in pages(built_book):
        text = page.read_text(encoding="utf-8")
        assert "THEBE_JS_URL" not in text and "sphinx-thebe" not in text, page
        assert "fontawesome.js" not in text, page
        if page.name != "search.html":
            assert "searchindex.js" not in text, page
    search = (built_book.html_dir / "search.html").read_text(encoding="utf-8")
    assert "searchindex.js" in search, "the search page lost its index"


def test_every_icon_a_page_uses_is_drawn_by_the_icon_styles(built_book):
    css = (built_book.html_dir / "_static" / "icons.css").read_text(encoding="utf-8")
    used = set()
    for page in pages(built_book):
        for classes in ICON_CLASSES.findall(page.read_text(encoding="utf-8")):
            names = classes.split()
            style = next(n for n in names if n in ("fa-solid", "fa-brands", "fa-regular"))
            for name in names:
                if name.startswith("fa-") and name not in (style, "fa-lg", "fa-fw"):
                    used.add(f".{style}.{name}{{")
    assert used, "no page uses an icon: the test reads the wrong pages"
    missing = sorted(rule for rule in used if rule not in css)
    assert missing == [], f"icons used but not drawn by icons.css (add them to ICONS): {missing}"
