"""The built pages paint before their scripts run, draw their icons and their math (MathML)
without a script."""

from __future__ import annotations

import html
import re

STYLES = ("fa-solid", "fa-brands", "fa-regular", "fas", "fab", "far")
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
ICON_CLASSES = re.compile(r'class="([^"]*\b(?:fa-solid|fa-brands|fa-regular|fas|fab|far)\b[^"]*)"')


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
        # explorers are static figures: no widget manager, no widgets' state
        assert "require.min.js" not in text and "embed-amd.js" not in text, page
        assert "application/vnd.jupyter.widget-state+json" not in text, page
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
            style = next(n for n in names if n in STYLES)
            for name in names:
                if name.startswith("fa-") and name not in (*STYLES, "fa-lg", "fa-fw"):
                    used.add(f".{style}.{name}")
    assert used, "no page uses an icon: the test reads the wrong pages"
    missing = sorted(rule for rule in used if not re.search(re.escape(rule) + r"[,{]", css))
    assert missing == [], f"icons used but not drawn by icons.css (add them to ICONS): {missing}"


# --------------------------------------------------------------------------- math as MathML

MATH_TOKENS = ("math_inline", "math_inline_double", "math_block", "math_block_label", "amsmath")
ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.S)
MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.S)


def formulas_in_sources(root) -> dict[str, list[str]]:
    """Each page's formulas (TeX), as myst's own parser reads its Markdown."""
    import json

    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    md = create_md_parser(MdParserConfig(enable_extensions={"dollarmath", "amsmath"}), RendererHTML)

    def tex_of(text: str) -> list[str]:
        found = []
        for token in md.parse(text):
            for t in [token, *(token.children or [])]:
                if t.type in MATH_TOKENS:
                    found.append(t.content.strip())
        return found

    sources = {}
    for path in sorted([*root.glob("chapters/*.ipynb"), *root.glob("appendix/*.ipynb")]):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        sources[path.relative_to(root).with_suffix(".html").as_posix()] = tex_of(text)
    for path in sorted([*root.glob("*.md"), *root.glob("appendix/*.md")]):
        sources[path.relative_to(root).with_suffix(".html").as_posix()] = tex_of(
            path.read_text(encoding="utf-8")
        )
    return {page: tex for page, tex in sources.items() if tex}


def test_no_page_loads_a_math_script(built_book):
    loading = {}
    for page in pages(built_book):
        text = page.read_text(encoding="utf-8")
        found = [a for a in SCRIPT_TAG.findall(text) if re.search(r"mathjax|katex", a, re.I)]
        if found or "window.MathJax" in text:
            loading[page.name] = found or ["window.MathJax = ..."]
    assert loading == {}, f"pages that load a math script: {loading}"


def test_every_formula_of_the_sources_is_on_its_page_as_mathml_with_its_tex(built_book):
    from repo_root import REPO_ROOT

    sources = formulas_in_sources(REPO_ROOT)
    assert sum(len(tex) for tex in sources.values()) > 500, "the sources' math was not found"
    missing = {}
    for relative, formulas in sources.items():
        text = (built_book.html_dir / relative).read_text(encoding="utf-8")
        annotations = [html.unescape(a).strip() for a in ANNOTATION.findall(text)]
        elements = MATH_ELEMENT.findall(text)
        assert len(elements) == len(annotations), f"{relative}: a <math> without its TeX"
        lost = [tex for tex in formulas if tex not in annotations]
        if lost:
            missing[relative] = lost[:5]
    assert missing == {}, f"formulas not on their page as MathML: {missing}"


def test_no_tex_is_left_for_a_script_to_typeset(built_book):
    left = {}
    for page in pages(built_book):
        text = page.read_text(encoding="utf-8")
        body = text[text.find("<article") : text.rfind("</article>")]
        body = re.sub(r"<(pre|code|script|annotation)\b.*?</\1>", "", body, flags=re.S)
        found = re.findall(r"\\\(.{0,40}|\\\[.{0,40}|\$\$.{0,40}", body)
        if found:
            left[page.name] = found[:3]
    assert left == {}, f"TeX left in the pages: {left}"


ICON_LINK = re.compile(r'<link\b[^>]*\brel="(?:shortcut )?icon"[^>]*\bhref="([^"?]+)', re.I)


def test_every_page_names_an_icon_the_book_ships(built_book):
    """Without a named icon a browser asks every page's server for /favicon.ico (a 404)."""
    missing = {}
    for page in pages(built_book):
        if 'http-equiv="Refresh"' in head(page):  # the root's redirect to the first page
            continue
        found = ICON_LINK.findall(head(page))
        if not found or not (page.parent / found[0]).is_file():
            missing[str(page.relative_to(built_book.html_dir))] = found
    assert missing == {}, f"pages whose icon is not named or not in the build: {missing}"


def test_every_page_states_its_viewport_once(built_book):
    """Sphinx's layout and docutils' meta tags each said the page is as wide as the device."""
    counts = {
        str(page.relative_to(built_book.html_dir)): head(page).count('name="viewport"')
        for page in pages(built_book)
        if 'http-equiv="Refresh"' not in head(page)
    }
    assert counts and set(counts.values()) == {1}, {p: n for p, n in counts.items() if n != 1}


def test_every_figure_of_a_page_states_its_size(built_book):
    """A figure that states its width and height keeps its place before it loads; one that
    did not was 0 px high until it came, and the page grew under the reader."""
    unsized = {}
    for page in pages(built_book):
        tags = re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8"))
        figures = [tag for tag in tags if "_images/" in tag]
        missing = [t[:120] for t in figures if "width=" not in t or "height=" not in t]
        if missing:
            unsized[str(page.relative_to(built_book.html_dir))] = missing[:2]
    assert unsized == {}, f"figures with no size: {unsized}"


def test_no_page_gives_two_elements_one_id(built_book):
    """An id names one element: a link to it, and a screen reader's jump, must find one."""
    repeated = {}
    for page in pages(built_book):
        ids = re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8"))
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            repeated[str(page.relative_to(built_book.html_dir))] = twice[:4]
    assert repeated == {}, f"ids given to more than one element: {repeated}"
