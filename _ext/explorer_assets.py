"""Sphinx extension: the explorers' pictures as files beside the page, not inside it.

A notebook's explorer output carries its pictures as ``data:`` URLs (the output must stand
alone in a notebook), in its ``<img>`` elements and in its manifest of every setting. Left
in the page, they make every page with an explorer weigh a megabyte of HTML that must
arrive before anything below it is drawn. At each page's ``html-page-context`` this
extension writes each such picture once to ``_images/explorers/<digest>.<ext>`` (the same
picture on several pages or settings is one file) and points the page at it, so the page
is a few kilobytes of HTML plus the one picture it shows first; the others are fetched
when a reader moves a control (``explorer_static/explorer.js``, which this extension ships
with the book together with its styles).

The book shows each explorer's static figure only, so notebooks the build executes make no
widget of any picture: setting this extension up sets ``NNCORE_EXPLORER_OUTPUT=figure``
(unless set already) for the kernels the build starts, and ``tools/execute_book.py`` sets it
for those it starts (``nncore.widgets.display.explorer_output``).

To use it, list it under ``local_extensions`` and let the HTML builder prefer an output's
``text/html`` (the static figure) to its widget view::

    sphinx:
      local_extensions: {explorer_assets: _ext}
      config:
        nb_mime_priority_overrides: [["html", "text/html", 5]]
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

FOLDER = "_images/explorers"
#: What the build's kernels put in an explorer's output: the static figure alone.
OUTPUT_ENV, OUTPUT = "NNCORE_EXPLORER_OUTPUT", "figure"
#: The player script and its styles, copied into the book's _static folder.
STATIC = Path(__file__).resolve().parent / "explorer_static"
_FIGURE = re.compile(r'<figure class="nnx-explorer".*?</figure>', re.S)
_DATA_URL = re.compile(r"data:image/(webp|png);base64,([A-Za-z0-9+/=]+)")


def externalise(html: str, outdir: Path, url_of: Any) -> tuple[str, int]:
    """Move every picture of the explorer figures in ``html`` into files under ``outdir``.

    Parameters
    ----------
    html : str
        A page's body.
    outdir : Path
        The built book's root; pictures go to ``outdir / FOLDER``.
    url_of : callable
        Maps a path relative to ``outdir`` to the URL the page uses for it.

    Returns
    -------
    tuple (str, int)
        The body with each ``data:`` picture of an explorer replaced by its file's URL, and
        the number of pictures replaced.
    """
    replaced = 0

    def file_for(match: re.Match) -> str:
        nonlocal replaced
        extension, data = match.group(1), match.group(2)
        picture = base64.b64decode(data)
        name = f"{FOLDER}/{hashlib.sha256(picture).hexdigest()[:20]}.{extension}"
        target = outdir / name
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(target.suffix + ".part")
            partial.write_bytes(picture)
            partial.replace(target)
        replaced += 1
        return url_of(name)

    def figure(match: re.Match) -> str:
        return _DATA_URL.sub(file_for, match.group(0))

    return _FIGURE.sub(figure, html), replaced


def move_pictures(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """At html-page-context: the page's explorer pictures as files (see the module)."""
    body = context.get("body")
    if not isinstance(body, str) or "nnx-explorer" not in body:
        return
    pathto = context["pathto"]
    context["body"], _ = externalise(body, Path(app.outdir), lambda name: pathto(name, 1))


def add_static(app: Sphinx) -> None:
    """At builder-inited: ship the player and its styles (``explorer_static/``) with the book."""
    app.config.html_static_path.append(str(STATIC))
    app.add_js_file("explorer.js", loading_method="defer")
    app.add_css_file("explorer.css")


def setup(app: Sphinx) -> dict[str, Any]:
    os.environ.setdefault(OUTPUT_ENV, OUTPUT)  # inherited by the kernels the build starts
    app.connect("builder-inited", add_static)
    app.connect("html-page-context", move_pictures, priority=800)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
