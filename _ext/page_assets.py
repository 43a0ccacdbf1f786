"""Sphinx extension: a page's text and figures paint before any script of the theme runs.

The book's theme (sphinx-book-theme on pydata-sphinx-theme) puts a dozen scripts in every
page's head, most of them loaded synchronously, so nothing is drawn until each has been
fetched; Font Awesome's 1.5 MB script draws the header's icons; Live Code (Thebe) and
sphinx-design add their files although no page uses them. This extension, at each page's
``html-page-context``:

1. drops the assets of features the book does not use (:data:`UNUSED`): sphinx-thebe's
   loader (Live Code is off, and it was included twice), sphinx-design's tabs, and the widget
   manager with require.js and the widgets' state, which myst-nb adds to a page whose notebook
   was saved with widget state (the book shows each explorer as a static figure);
2. drops inline scripts that repeat an earlier one word for word;
3. defers every script that is neither ``async`` nor ``defer``, so the page is parsed and
   painted first; the inline scripts that use ``DOCUMENTATION_OPTIONS`` (defined by a
   script now deferred) run at ``DOMContentLoaded``, after every deferred script;
4. swaps Font Awesome's script for ``_static/icons.css``: CSS masks of the icons the theme
   draws (:data:`ICONS`), cut out of the theme's own copy of Font Awesome at build time.

The theme's search scripts (its 0.3 MB search index on every page) leave every page but the
search page through the template override ``_templates/layout.html``; the search box
submits to that page, which loads them.

The book's math is typeset when the book is built, as MathML (:func:`tex_to_mathml`, the
``mathml`` math renderer that ``_config.yml`` selects with ``html_math_renderer``): browsers
draw MathML themselves (Chromium, Firefox, Safari) and screen readers read it, so no page loads
a math script, and nothing waits for one to typeset the page. Each formula keeps its TeX as
an ``application/x-tex`` annotation. The claims' lines, which notebook outputs write with
``\\(...\\)`` for MathJax in JupyterLab, are typeset the same way (:func:`mend_body`).

It also mends two pieces of markup for assistive technology (:func:`mend_body`): a
signature too long for one line lists its parameters as ``<dd>`` items of a ``<dl>`` with
no ``<dt>`` (an empty term list, which screen readers announce as a definition list), which
:func:`signature_lines` makes plain blocks; and myst-nb names each folded cell's
"Show code cell source" summary "Toggle hidden content", a name that differs from its
visible label (WCAG 2.5.3), so the label becomes its name.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
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
#: The widget manager and the widgets' state (up to a megabyte a page), which myst-nb adds
#: to a page whose notebook was saved with widget state: kept only on a page that shows a
#: widget (a ``widget-view`` output); an explorer is a static figure and needs neither.
WIDGET_MANAGER = ("require.min.js", "embed-amd.js")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
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
        shows_widgets = WIDGET_VIEW in str(context.get("body", ""))
        kept, seen = [], set()
        for script in scripts:
            body = _body(script)
            if _name(script) in UNUSED or any(word in body for word in UNUSED_INLINE):
                continue
            widgets = _name(script) in WIDGET_MANAGER
            widgets |= getattr(script, "attributes", {}).get("type") == WIDGET_STATE
            if widgets and not shows_widgets:
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
    if "metatags" in context:
        context["metatags"] = without_viewport(context["metatags"])


_VIEWPORT = re.compile(r'\s*<meta name="viewport"[^>]*>')


def without_viewport(metatags: str) -> str:
    """A page's meta tags without docutils' viewport tag: Sphinx's layout states it already.

    The viewport (the page as wide as the device, unscaled) is stated once in the head; a
    second tag saying the same is noise a validator reports.
    """
    return _VIEWPORT.sub("", metatags)


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
    if "mathjax_process" in body:
        body = typeset_marked_math(body, where=pagename)
    body = without_repeated_anchors(body)
    if "_images/" in body:
        images = app.builder.images.items()
        copied = {target: Path(app.srcdir) / source for source, target in images}
        body = sized_images(body, lambda src: _picture_size(copied, src))
    body = lazy_images(body)
    context["body"] = body.replace(_UNLABELLED_SUMMARY, "<summary>")


_EMPTY_ANCHOR = re.compile(r'(?:<p>)?<a id="([^"]+)"></a>(?:</p>\n?)?')


def without_repeated_anchors(body: str) -> str:
    """The body without the notebooks' empty ``<a id>`` anchors whose id a heading also has.

    A notebook names a heading's anchor with ``<a id="...">`` before it, so that links to
    the heading work in JupyterLab and Colab too; the book gives the heading's section the
    same id. Two elements with one id are invalid HTML (and the empty paragraph holding the
    anchor took a line's space): the section keeps the id, and links land on its heading.
    """

    def drop(match: re.Match) -> str:
        repeated = body.count(f'id="{match.group(1)}"') > 1
        return "" if repeated else match.group(0)

    return _EMPTY_ANCHOR.sub(drop, body)


_IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r'\bsrc="([^"]+)"')
_SIZED = re.compile(r"\b(?:width|height)=", re.I)


def sized_images(body: str, size_of: Callable[[str], tuple[int, int] | None]) -> str:
    """Each ``<img>`` that states no size gets its picture's size in pixels.

    A browser then keeps the picture's place (at the width the page's styles give it, with
    the picture's proportions) before the picture arrives. Without it, a picture loaded late
    (:func:`lazy_images`) was 0 px high until it came, and the page grew under the reader: by
    225 to 506 px a picture, so that going back to a heading, or End, landed short.

    Parameters
    ----------
    body : str
        A page's rendered body.
    size_of : callable
        ``size_of(src)``: the (width, height) in pixels of the picture at ``src`` as the page
        names it, or None where it is not known (the tag is then left as it is).

    Returns
    -------
    str
        The body with ``width`` and ``height`` on each such ``<img>``.
    """

    def size(match: re.Match) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        if _SIZED.search(tag) or src is None:
            return tag
        found = size_of(html.unescape(src.group(1)))
        if found is None:
            return tag
        return f'<img width="{found[0]}" height="{found[1]}"{tag[len("<img") :]}'

    return _IMG_TAG.sub(size, body)


def _picture_size(copied: dict[str, Path], src: str) -> tuple[int, int] | None:
    """The pixel size of a picture the build copies to ``_images/`` (None for any other).

    ``copied`` maps each name in ``_images/`` to the picture it is copied from.
    """
    if "_images/" not in src or src.startswith(("http:", "https:", "data:")):
        return None
    source = copied.get(src.rsplit("_images/", 1)[1])
    if source is None:
        return None
    from PIL import Image, UnidentifiedImageError  # installed with matplotlib

    try:
        with Image.open(source) as picture:
            return picture.size
    except (OSError, UnidentifiedImageError):
        return None


_IMG = re.compile(r"<img\b(?![^>]*\bloading=)", re.I)


def lazy_images(body: str, eager: int = 1) -> str:
    """Every image of the body but the first ``eager`` ones loads when it nears the screen.

    Parameters
    ----------
    body : str
        A page's rendered body.
    eager : int, default 1
        How many images, from the top, load with the page as before.

    Returns
    -------
    str
        The body with ``loading="lazy"`` on each later ``<img>`` that does not say how it
        loads: the figures further down no longer share the phone's bandwidth with the text
        and the first figure while the page is first drawn.
    """
    count = 0

    def mark(match: re.Match) -> str:
        nonlocal count
        count += 1
        return match.group(0) if count <= eager else '<img loading="lazy"'

    return _IMG.sub(mark, body)


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
        short = _PACK[style]  # the theme writes some icons as "fab fa-github"
        rules.append(
            f".fa-{style}.fa-{name},.{short}.fa-{name}{{width:{width / height:.4g}em;"
            f"-webkit-mask-image:{url};mask-image:{url}}}"
        )
    return "\n".join(rules)


_BASE_RULES = """\
/* Font Awesome Free icons (CC BY 4.0, https://fontawesome.com/license/free), drawn with CSS
   masks in the current text colour; made by _ext/page_assets.py from the theme's copy. */
.fa-solid,.fa-brands,.fa-regular,.fas,.fab,.far{display:inline-block;height:1em;
vertical-align:-0.125em;background-color:currentColor;-webkit-mask-repeat:no-repeat;
mask-repeat:no-repeat;-webkit-mask-position:center;mask-position:center;
-webkit-mask-size:contain;mask-size:contain}
.fa-lg{font-size:1.25em;line-height:.05em;vertical-align:-0.075em}
/* The theme's style sheet would draw each icon's glyph too, which fetches Font Awesome's
   fonts (270 KB) and shifts the header when they arrive: the masks alone draw the icons. */
.fa-solid::before,.fa-brands::before,.fa-regular::before,.fas::before,.fab::before,
.far::before{content:none}
"""


def fontawesome_script(theme_static: Path | None = None) -> Path:
    """The theme's copy of Font Awesome's script, where its version keeps it.

    Parameters
    ----------
    theme_static : Path, optional
        pydata-sphinx-theme's ``static`` folder (default: the installed theme's).

    Returns
    -------
    Path
        ``scripts/fontawesome.js`` (pydata-sphinx-theme 0.16 and later) or
        ``vendor/fontawesome/VERSION/js/all.min.js`` (0.15, which pip installs on Python
        3.10), the newest version when there are several.

    Raises
    ------
    FileNotFoundError
        If the theme has neither: the message names both places looked in.
    """
    if theme_static is None:
        import pydata_sphinx_theme

        theme_static = (
            Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
        )
    bundled = theme_static / "scripts" / "fontawesome.js"
    if bundled.is_file():
        return bundled

    def version(path: Path) -> tuple[int, ...]:
        parts = path.parents[1].name.split(".")
        return tuple(int(part) if part.isdigit() else -1 for part in parts)

    vendored = sorted(theme_static.glob("vendor/fontawesome/*/js/all.min.js"), key=version)
    if vendored:
        return vendored[-1]
    raise FileNotFoundError(
        f"page_assets: the theme has no Font Awesome script to cut the icons out of (looked "
        f"for {bundled} and {theme_static}/vendor/fontawesome/*/js/all.min.js); install the "
        "pydata-sphinx-theme that requirements-book.txt's jupyter-book brings"
    )


def write_icons(app: Sphinx, exception: Exception | None) -> None:
    """At build-finished: write ``_static/icons.css`` from the theme's Font Awesome."""
    if exception is not None or app.builder.format != "html":
        return
    css = _BASE_RULES + icon_rules(fontawesome_script().read_text(encoding="utf-8")) + "\n"
    target = Path(app.outdir) / "_static" / ICONS_CSS
    if not target.is_file() or target.read_text(encoding="utf-8") != css:
        target.write_text(css, encoding="utf-8")


#: pydata-sphinx-theme 0.17 makes every scrollable code block and output a tab stop by
#: measuring all of them when the page loads, and again after any change to the article. On a
#: page whose sections are laid out as the reader nears them (_templates/layout.html), that
#: measuring lays out the whole page at once: one long task (about 0.5 s with a phone's CPU,
#: chapter 5 in Lighthouse). The measuring is handed to the page, which runs it once its
#: sections are laid out (``window.nnLaidOut``; ``window.nnOnLaidOut`` is called then), or at
#: the reader's first Tab, before focus moves. (The page measures its display formulas then
#: too, by their width alone: their height is clipped, not scrolled.)
THEME_SCRIPT = Path("scripts") / "pydata-sphinx-theme.js"
_TAB_STOPS_AT_LOAD = (  # as 0.17 has it
    'window.addEventListener("resize",t),new MutationObserver(t).observe('
    'document.getElementById("main-content"),{subtree:!0,childList:!0}),e()}'
)
_TAB_STOPS_WHEN_LAID_OUT = (  # as the book serves it
    'window.addEventListener("resize",t),new MutationObserver(function(){window.nnLaidOut&&t()})'
    '.observe(document.getElementById("main-content"),{subtree:!0,childList:!0}),'
    "window.nnLaidOut?e():window.nnOnLaidOut=e}"
)


def defer_tab_stops(script: str) -> str:
    """The theme's script with its tab stops measured once the page is laid out.

    Raises
    ------
    ValueError
        If the script holds the theme's code neither as 0.17 has it nor as this function leaves
        it (another version of the theme): the message says where to look.
    """
    if script.count(_TAB_STOPS_WHEN_LAID_OUT) == 1:
        return script
    if script.count(_TAB_STOPS_AT_LOAD) != 1:
        raise ValueError(
            "page_assets: pydata-sphinx-theme's script no longer measures its tab stops as 0.17 "
            "did (addTabStopsToScrollableElements, called once at load); update "
            "_TAB_STOPS_AT_LOAD in _ext/page_assets.py for the installed theme, or drop "
            "defer_tab_stops"
        )
    return script.replace(_TAB_STOPS_AT_LOAD, _TAB_STOPS_WHEN_LAID_OUT)


def write_deferred_tab_stops(app: Sphinx, exception: Exception | None) -> None:
    """At build-finished: the theme's script in the build, with :func:`defer_tab_stops`."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / THEME_SCRIPT
    script = target.read_text(encoding="utf-8")
    try:
        deferred = defer_tab_stops(script)
    except ValueError as error:
        logger.warning(str(error))
        return
    if deferred != script:
        target.write_text(deferred, encoding="utf-8")


MATHML_NS = "http://www.w3.org/1998/Math/MathML"
#: TeX commands latex2mathml does not know, as TeX it knows.
_TEX_SYNONYMS = {r"\arg": r"\operatorname{arg}", r"\lvert": "|", r"\rvert": "|"}
_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
_ALIGNED = re.compile(r"\\begin\{aligned\}(.*?)\\end\{aligned\}", re.S)
_ROW_END = re.compile(r"\\\\(?:\[[^\]]*\])?")
_MTD = re.compile(r'<mtd columnalign="(left|right|center)">')
_WORD_OPERATOR = re.compile(r"<mo>([A-Za-z]{2,})</mo>")
_UNKNOWN = re.compile(r"<m(?:i|o|text)>(\\[A-Za-z]+)</m(?:i|o|text)>")
#: A prime written as a superscript (f' is f^{\prime}): the prime character is already raised, so
#: set as a script it came out twice raised and small; it follows its base as an operator.
_SCRIPT_PRIME = re.compile(r"<msup>(<mi>[^<]+</mi>)<mi>(&#x0203[23];)</mi></msup>")
#: A function name (log, exp, max, ReLU) in a row, not the base of a script: TeX sets a thin
#: space between it and an operand (log p) and between an operand and it (t log p), none
#: before a bracket (log(x)) or a prime; MathML leaves none.
#: A minus after a relation, an opening bracket, a comma or another operator (z = -2, (-1, 1))
#: is a sign, not a subtraction: TeX sets it against its number, MathML spaced it as binary.
_SIGN_MINUS = re.compile(
    r"(<mo[^>]*>(?:&#x0003[CDE];|&#x0002[8BC];|&#x0005B;|&#x0007B;|&#x0226[45];|&#x02248;"
    r"|&#x02192;|&#x02212;|&#x000B1;|&#x000D7;|&#x022C5;)</mo>)<mo>&#x02212;</mo>"
)
#: A slash between two terms (1/n, df/dw) is an ordinary symbol in TeX, with no space around.
_SLASH = re.compile(r"<mo>&#x0002F;</mo>")
_AFTER_OPERAND = re.compile(
    r"(?:(?<=</mi>)|(?<=</mn>)|(?<=</msub>)|(?<=</msup>)|(?<=</msubsup>)|(?<=</mfrac>))"
    r"(?=<mi>[A-Za-z]{2,}</mi>)"
)
_FUNCTION_NAME = re.compile(
    r"(?<!<msub>)(?<!<msup>)(?<!<msubsup>)(?<!<munder>)(?<!<mover>)(?<!<munderover>)"
    r"(<mi>(?:[A-Za-z]{2,})</mi>)(?=<(?!/|mo[^>]*>(?:\(|\[|&#x0002[89];|&#x0005B;|&#x0203[23];)))"
)


class MathError(ValueError):
    """A formula that cannot be written as MathML."""


def _aligned_as_array(match: re.Match) -> str:
    """``aligned`` as an ``array`` of right- and left-aligned columns, as amsmath sets it."""
    body = match.group(1)
    rows = [row for row in _ROW_END.split(body) if row.strip()]
    columns = max(len(re.findall(r"(?<!\\)&", row)) + 1 for row in rows) if rows else 1
    spec = ("rl" * columns)[:columns]
    return r"\begin{array}{" + spec + "}" + body + r"\end{array}"


#: Operators whose limits a display formula sets under and over them, as TeX does.
_LIMIT_OPERATORS = {"\u2211", "\u220f", "\u22c3", "\u22c2", "max", "min", "lim", "sup", "inf"}
_SCRIPTS_AS_LIMITS = {"msub": "munder", "msup": "mover", "msubsup": "munderover"}


def _limits_under_and_over(inner: str) -> str:
    """MathML of a display formula with the limits of sums and maxima under and over them."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(f"<mrow>{inner}</mrow>")
    changed = False
    for element in root.iter():
        base = element[0] if len(element) else None
        if (
            element.tag in _SCRIPTS_AS_LIMITS
            and base is not None
            and base.tag in ("mo", "mi")
            and (base.text or "").strip() in _LIMIT_OPERATORS
        ):
            element.tag = _SCRIPTS_AS_LIMITS[element.tag]
            changed = True
    if not changed:
        return inner
    text = ET.tostring(root, encoding="unicode")
    return text[len("<mrow>") : -len("</mrow>")]


def tex_to_mathml(tex: str, display: bool = False) -> tuple[str, str | None]:
    """A TeX formula as a MathML ``<math>`` element with the TeX as its annotation.

    Parameters
    ----------
    tex : str
        The formula's TeX, without delimiters (``$``, ``\\(``, ``$$``), as myst's
        ``dollarmath`` and ``amsmath`` read it.
    display : bool, default False
        A display formula (``<math display="block">``) rather than one in a line of text.

    Returns
    -------
    mathml : str
        ``<math>`` holding the formula in ``<semantics>``, with the TeX as
        ``<annotation encoding="application/x-tex">``. An ``aligned`` environment becomes
        a table of right- and left-aligned columns (class ``tex-aligned``).
    tag : str or None
        The text of the formula's ``\\tag{...}``, which the formula no longer holds (a
        display formula shows it as its number), or None.

    Raises
    ------
    MathError
        If latex2mathml cannot read the TeX, or leaves a command it does not know in the
        MathML: the message names the formula and the command.
    """
    from latex2mathml.converter import convert

    found = _TAG.search(tex)
    tag = found.group(1) if found else None
    source = _TAG.sub("", tex).strip()
    for command, known in _TEX_SYNONYMS.items():
        source = re.sub(re.escape(command) + r"(?![A-Za-z])", known.replace("\\", "\\\\"), source)
    aligned = bool(_ALIGNED.search(source))
    source = _ALIGNED.sub(_aligned_as_array, source)
    try:
        converted = convert(source, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises several kinds of its own
        raise MathError(
            f"page_assets: latex2mathml cannot read the formula {tex!r} "
            f"({type(error).__name__}: {error}); write it in the TeX that latex2mathml "
            "supports (https://github.com/roniemartinez/latex2mathml)"
        ) from None
    inner = converted[converted.index(">") + 1 : converted.rindex("</math>")]
    unknown = _UNKNOWN.search(inner)
    if unknown:
        raise MathError(
            f"page_assets: latex2mathml does not know {unknown.group(1)} in the formula "
            f"{tex!r}; add it to _TEX_SYNONYMS in _ext/page_assets.py as TeX it knows, "
            "or write the formula without it"
        )
    # MathML Core (Chromium) reads column alignment from CSS, not from the attribute.
    inner = _MTD.sub(r'<mtd columnalign="\1" style="text-align:\1">', inner)
    # An operator name (\operatorname, \max) reads as an upright identifier, as in TeX.
    inner = _WORD_OPERATOR.sub(r"<mi>\1</mi>", inner)
    inner = _SCRIPT_PRIME.sub(r'\1<mo form="postfix" lspace="0" rspace="0">\2</mo>', inner)
    inner = _FUNCTION_NAME.sub(r'\1<mspace width="0.1667em"></mspace>', inner)
    inner = _AFTER_OPERAND.sub('<mspace width="0.1667em"></mspace>', inner)
    inner = _SIGN_MINUS.sub(r'\1<mo form="prefix" lspace="0" rspace="0">&#x02212;</mo>', inner)
    inner = _SLASH.sub('<mo lspace="0" rspace="0">&#x0002F;</mo>', inner)
    if display:
        inner = _limits_under_and_over(inner)
    kind = ' display="block"' if display else ""
    css = ' class="tex-aligned"' if aligned else ""
    mathml = (
        f'<math xmlns="{MATHML_NS}"{kind}{css}><semantics><mrow>{inner}</mrow>'
        f'<annotation encoding="application/x-tex">{html.escape(tex.strip(), quote=False)}'
        "</annotation></semantics></math>"
    )
    return mathml, tag


def _typeset(
    translator: Any, node: nodes.Element, tex: str, display: bool
) -> tuple[str, str | None]:
    try:
        return tex_to_mathml(tex, display=display)
    except MathError as error:
        logger.warning(str(error), location=node)
        return f"<code>{html.escape(tex)}</code>", None


def visit_math(translator: Any, node: nodes.Element) -> None:
    """An inline formula as MathML, in the ``span.math`` the theme styles."""
    mathml, _ = _typeset(translator, node, node.astext(), display=False)
    translator.body.append(
        translator.starttag(node, "span", "", CLASS="math notranslate nohighlight")
        + mathml
        + "</span>"
    )
    raise nodes.SkipNode


def visit_displaymath(translator: Any, node: nodes.Element) -> None:
    """A display formula as MathML; its number (Sphinx's or a ``\\tag``) beside it."""
    from sphinx.util.math import get_node_equation_number

    # tabindex: a formula wider than the column scrolls in its box, which a keyboard must reach
    translator.body.append(
        translator.starttag(node, "div", CLASS="math notranslate nohighlight", tabindex="0")
    )
    parts = [part for part in node.astext().split("\n\n") if part.strip()]
    if node.get("nowrap"):
        parts = [node.astext()]
    typeset = [_typeset(translator, node, part, display=True) for part in parts]
    number = get_node_equation_number(translator, node) if node.get("number") else None
    tag = number or next((t for _, t in typeset if t), None)
    if tag:
        translator.body.append(f'<span class="eqno">({html.escape(tag)})')
        if number:
            translator.add_permalink_ref(node, "Link to this equation")
        translator.body.append("</span>")
    translator.body.append("".join(mathml for mathml, _ in typeset) + "</div>\n")
    raise nodes.SkipNode


_MARKED = re.compile(r'(<p class="[^"]*\bmathjax_process\b[^"]*"[^>]*>)(.*?)(</p>)', re.S)
_INLINE_TEX = re.compile(r"\\\((.+?)\\\)", re.S)


def typeset_marked_math(body: str, where: str = "") -> str:
    """Typeset the ``\\(...\\)`` math of paragraphs of class ``mathjax_process`` as MathML.

    Parameters
    ----------
    body : str
        A page's rendered body; notebook outputs mark the paragraphs whose math MathJax
        typesets in JupyterLab with the class ``mathjax_process`` (nnbook's claim lines).
    where : str, default ""
        The page's name, for the warning about a formula that cannot be typeset.

    Returns
    -------
    str
        The body with each such formula as :func:`tex_to_mathml` writes it, in
        ``<span class="math">``; a formula that cannot be typeset stays as it was, with
        a warning.
    """

    def formula(match: re.Match) -> str:
        try:
            mathml, _ = tex_to_mathml(html.unescape(match.group(1)))
        except MathError as error:
            logger.warning(f"{where}: {error}")
            return match.group(0)
        return f'<span class="math notranslate nohighlight">{mathml}</span>'

    def paragraph(match: re.Match) -> str:
        return match.group(1) + _INLINE_TEX.sub(formula, match.group(2)) + match.group(3)

    return _MARKED.sub(paragraph, body)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.connect("html-page-context", adjust_assets, priority=900)
    app.connect("html-page-context", mend_body, priority=900)
    app.connect("build-finished", write_icons)
    app.connect("build-finished", write_deferred_tab_stops)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
