"""Sphinx extension: a page's text and figures paint before any script of the theme runs.

The book's theme (sphinx-book-theme on pydata-sphinx-theme) puts a dozen scripts in every
page's head, most of them loaded synchronously, so nothing is drawn until each has been
fetched; Font Awesome's 1.5 MB script draws the header's icons; Live Code (Thebe) and
sphinx-design add their files although no page uses them. This extension, at each page's
``html-page-context``:

1. drops the assets of features the book does not use (:data:`UNUSED`): sphinx-thebe's
   loader (Live Code is off, and it was included twice) and sphinx-design's tabs;
2. drops inline scripts that repeat an earlier one word for word;
3. defers every script that is neither ``async`` nor ``defer``, so the page is parsed and
   painted first; the inline scripts that use ``DOCUMENTATION_OPTIONS`` (defined by a
   script now deferred) run at ``DOMContentLoaded``, after every deferred script;
4. swaps Font Awesome's script for ``_static/icons.css``: CSS masks of the icons the theme
   draws (:data:`ICONS`), cut out of the theme's own copy of Font Awesome at build time.

The theme's search scripts (its 0.3 MB search index on every page) leave every page but the
search page through the template override ``_templates/layout.html``; the search box
submits to that page, which loads them.

It also mends two pieces of markup for assistive technology (:func:`mend_body`): a
signature too long for one line lists its parameters as ``<dd>`` items of a ``<dl>`` with
no ``<dt>`` (an empty term list, which screen readers announce as a definition list), which
:func:`signature_lines` makes plain blocks; and myst-nb names each folded cell's
"Show code cell source" summary "Toggle hidden content", a name that differs from its
visible label (WCAG 2.5.3), so the label becomes its name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Script and style files of features the book does not use, by file name.
UNUSED = (
    "sphinx-thebe.js",
    "sphinx-thebe.css",
    "design-tabs.js",
    "sphinx-design.min.css",
)
#: Inline script bodies of those features.
UNUSED_INLINE = ("THEBE_JS_URL",)

#: The Font Awesome icons the theme's pages use, as (style, name): the header's buttons, the
#: sidebar toggles, the colour-mode switch, the launch and download menus, page navigation.
ICONS = (
    ("solid", "magnifying-glass"),
    ("brands", "github"),
    ("solid", "bars"),
    ("solid", "sun"),
    ("solid", "moon"),
    ("solid", "lightbulb"),
    ("solid", "expand"),
    ("solid", "circle-half-stroke"),
    ("solid", "arrow-up"),
    ("solid", "list"),
    ("solid", "file-pdf"),
    ("solid", "file"),
    ("solid", "download"),
    ("solid", "outdent"),
    ("solid", "angle-right"),
    ("solid", "angle-left"),
    ("solid", "rocket"),
    ("solid", "xmark"),
    ("solid", "copy"),
    ("solid", "check"),
)
ICONS_CSS = "icons.css"
_PACK = {"brands": "fab", "regular": "far", "solid": "fas"}


def _name(asset: Any) -> str:
    return Path(str(getattr(asset, "filename", asset) or "").split("?")[0]).name


def _body(asset: Any) -> str:
    return str(getattr(asset, "attributes", {}).get("body", "") or "")


def adjust_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Drop unused assets and repeated inline scripts, defer the others (see the module)."""
    scripts = context.get("script_files")
    if scripts is not None:
        kept, seen = [], set()
        for script in scripts:
            body = _body(script)
            if _name(script) in UNUSED or any(word in body for word in UNUSED_INLINE):
                continue
            if body:
                if body in seen:
                    continue
                seen.add(body)
                if "DOCUMENTATION_OPTIONS" in body and "const DOCUMENTATION_OPTIONS" not in body:
                    script.attributes["body"] = (
                        f"document.addEventListener('DOMContentLoaded', () => {{ {body} }});"
                    )
            elif getattr(script, "filename", None):
                attributes = script.attributes
                if not attributes.get("async") and not attributes.get("defer"):
                    attributes["defer"] = "defer"
            kept.append(script)
        scripts[:] = kept
    styles = context.get("css_files")
    if styles is not None:
        styles[:] = [style for style in styles if _name(style) not in UNUSED]


_SIGNATURE_LIST = re.compile(r"<dl>(\s*<dd><em class=\"sig-param\">.*?)</dl>", re.S)
_SIGNATURE_ITEM = re.compile(r"<dd>(.*?)</dd>", re.S)


def signature_lines(body: str) -> str:
    """Signatures' one-parameter-per-line lists as ``<div>`` blocks instead of term-less ``<dl>``.

    Parameters
    ----------
    body : str
        A page's rendered body.

    Returns
    -------
    str
        The body with each such list as ``<div class="sig-param-lines">`` holding one
        ``<div class="sig-param-line">`` per parameter.
    """

    def lines(match: re.Match) -> str:
        items = _SIGNATURE_ITEM.sub(r'<div class="sig-param-line">\1</div>', match.group(1))
        return f'<div class="sig-param-lines">{items}</div>'

    return _SIGNATURE_LIST.sub(lines, body)


def mend_body(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """At html-page-context: parameter lists as blocks, folded cells named by their label."""
    body = context.get("body")
    if not isinstance(body, str):
        return
    if "sig-param" in body:
        body = signature_lines(body)
    context["body"] = body.replace(_UNLABELLED_SUMMARY, "<summary>")


_UNLABELLED_SUMMARY = '<summary aria-label="Toggle hidden content">'


def icon_rules(source: str, icons: tuple[tuple[str, str], ...] = ICONS) -> str:
    """CSS that draws each icon of ``icons`` as a mask, cut out of Font Awesome's script.

    Parameters
    ----------
    source : str
        The text of Font Awesome's ``all.js`` as the theme ships it (icon tables of the
        brands, regular and solid styles, each followed by its ``d("fab", ...)`` call).
    icons : tuple of (str, str)
        ``(style, name)`` of each icon wanted.

    Returns
    -------
    str
        One rule per icon, for ``<i class="fa-solid fa-NAME">`` (and the brands style).

    Raises
    ------
    ValueError
        If an icon is not in ``source``: the list names icons the theme no longer has.
    """
    ends = {pack: source.find(f'd("{pack}",') for pack in _PACK.values()}
    rules = []
    for style, name in icons:
        end = ends.get(_PACK.get(style, ""), -1)
        starts = [e for e in ends.values() if -1 < e < end]
        start = max(starts) if starts else 0
        pattern = re.compile(
            r'[{,]"?' + re.escape(name) + r'"?:\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]'
        )
        found = pattern.search(source, start, end) if end > -1 else None
        if found is None:
            raise ValueError(
                f"page_assets: the icon {style} {name!r} is not in the theme's Font Awesome "
                "script; remove it from ICONS or pick the icon the theme now uses"
            )
        width, height, path = int(found.group(1)), int(found.group(2)), found.group(3)
        svg = (
            f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>"
            f"<path d='{path}'/></svg>"
        )
        url = 'url("data:image/svg+xml;utf8,' + svg.replace("#", "%23") + '")'
        rules.append(
            f".fa-{style}.fa-{name}{{width:{width / height:.4g}em;"
            f"-webkit-mask-image:{url};mask-image:{url}}}"
        )
    return "\n".join(rules)


_BASE_RULES = """\
/* Font Awesome Free icons (CC BY 4.0, https://fontawesome.com/license/free), drawn with CSS
   masks in the current text colour; made by _ext/page_assets.py from the theme's copy. */
.fa-solid,.fa-brands,.fa-regular{display:inline-block;height:1em;vertical-align:-0.125em;
background-color:currentColor;-webkit-mask-repeat:no-repeat;mask-repeat:no-repeat;
-webkit-mask-position:center;mask-position:center;-webkit-mask-size:contain;mask-size:contain}
.fa-lg{font-size:1.25em;line-height:.05em;vertical-align:-0.075em}
"""


def write_icons(app: Sphinx, exception: Exception | None) -> None:
    """At build-finished: write ``_static/icons.css`` from the theme's Font Awesome."""
    if exception is not None or app.builder.format != "html":
        return
    import pydata_sphinx_theme

    script = (
        Path(pydata_sphinx_theme.__file__).parent
        / "theme/pydata_sphinx_theme/static/scripts/fontawesome.js"
    )
    css = _BASE_RULES + icon_rules(script.read_text(encoding="utf-8")) + "\n"
    target = Path(app.outdir) / "_static" / ICONS_CSS
    if not target.is_file() or target.read_text(encoding="utf-8") != css:
        target.write_text(css, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", adjust_assets, priority=900)
    app.connect("html-page-context", mend_body, priority=900)
    app.connect("build-finished", write_icons)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
