"""An explorer as a static HTML figure: pictures and labelled controls, no widget library.

:func:`explorer_html` writes what a web page needs to show an explorer whose pictures were
all drawn in advance (a :class:`~nncore.widgets.manifest.Manifest`):

- the header (title and what to try);
- one native form control per control, labelled with the control's label: a slider
  (``<input type="range">`` whose ``aria-valuetext`` is the value shown beside it, in an
  ``<output>``) or a group of radio buttons; all ``disabled`` until a script enables them;
- the default picture, one ``<img>`` per overlay stacked in one grid cell, with its width
  and height (no layout shift) and its text alternative on the described overlay (the
  others are decorative, ``alt=""``), shown whole on a wide page and cut into the
  manifest's panels (:mod:`nncore.widgets.panels`), stacked at their natural size, on a
  narrow one (the same picture files: nothing more to download);
- a JSON manifest of every overlay's pictures (``data:`` URLs, each stored once) and text
  alternatives, keyed by the grid indices of the controls the overlay depends on.

The figure is complete with scripts off and on paper. A small script reads the manifest,
enables the controls and swaps pictures as they move, and a page's build can move the
``data:`` pictures into files beside the page; the page supplies the script that makes
the controls live.
"""

from __future__ import annotations

import html
import itertools
import json
import re

from .controls import ControlInfo
from .images import data_url, picture_size
from .manifest import Manifest
from .panels import Panel

__all__ = ["explorer_html", "FIGURE_CLASS", "MANIFEST_CLASS"]

#: Class of the figure element, and of the script element holding its manifest.
FIGURE_CLASS, MANIFEST_CLASS = "nnx-explorer", "nnx-manifest"

_counter = itertools.count(1)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "control"


def _control_html(uid: str, control: ControlInfo) -> str:
    ident = f"{uid}-{_slug(control.name)}"
    label = html.escape(control.label)
    name = html.escape(control.name, quote=True)
    shown = html.escape(control.value_labels[control.initial], quote=True)
    if control.kind == "slider":
        return (
            f'<div class="nnx-control"><label for="{ident}">{label}</label>'
            f'<input type="range" id="{ident}" data-control="{name}" min="0" '
            f'max="{len(control.values) - 1}" step="1" value="{control.initial}" '
            f'aria-valuetext="{shown}" disabled>'
            # The slider's value text says the value, and the description what the picture
            # shows: the output is not a third announcement of a move (aria-live off).
            f'<output for="{ident}" data-control="{name}" aria-live="off">{shown}</output></div>'
        )
    buttons = "".join(
        f'<label><input type="radio" name="{ident}" value="{k}" data-control="{name}"'
        f"{' checked' if k == control.initial else ''} disabled> {html.escape(text)}</label>"
        for k, text in enumerate(control.value_labels)
    )
    return (
        f'<div class="nnx-control"><span class="nnx-legend" id="{ident}-label">{label}</span>'
        f'<fieldset class="nnx-choices" aria-labelledby="{ident}-label">{buttons}</fieldset></div>'
    )


def _manifest_json(manifest: Manifest) -> str:
    overlays = []
    for overlay in manifest.overlays:
        entry: dict[str, object] = {
            "controls": list(overlay.controls),
            "pictures": [data_url(p, manifest.image_format) for p in overlay.pictures],
            "shown": {",".join(map(str, key)): k for key, k in overlay.shown.items()},
        }
        if overlay.alts is not None:
            entry["alts"] = list(overlay.alts)
        overlays.append(entry)
    data = {
        "controls": [{"name": c.name, "labels": list(c.value_labels)} for c in manifest.controls],
        "overlays": overlays,
    }
    # In a <script> element, "</" would end it early.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def _picture_html(manifest: Manifest, start: tuple[int, ...], alt: str) -> str:
    """The default picture, one strip per panel (a narrow page stacks them), each strip the
    overlays' pictures stacked; the first strip's described picture carries the text
    alternative, the others are hidden from screen readers (the same picture again)."""
    pictures = manifest.pictures_at(start)
    width, height = picture_size(pictures[0])
    panels = manifest.panels or (Panel(0, width, float("inf")),)
    strips = []
    for n, panel in enumerate(panels):
        images = []
        for k, (overlay, shown) in enumerate(zip(manifest.overlays, pictures, strict=True)):
            described = n == 0 and overlay.alts is not None
            text = html.escape(alt, quote=True) if described else ""
            images.append(
                f'<img class="nnx-overlay" data-overlay="{k}"{" data-described" * described} '
                f'src="{data_url(shown, manifest.image_format)}" alt="{text}" width="{width}" '
                f'height="{height}">'
            )
        smallest = panel.smallest_text_px
        attributes = "" if n == 0 else ' aria-hidden="true"'
        if smallest != float("inf"):
            attributes += f' data-smallest-text="{smallest:.2f}"'
        strips.append(
            f'<div class="nnx-panel" style="--nnx-x0:{panel.x0};--nnx-pw:{panel.width}"'
            f'{attributes}><div class="nnx-layers">{"".join(images)}</div></div>'
        )
    return f'<div class="nnx-picture" style="--nnx-w:{width}">{"".join(strips)}</div>'


def explorer_html(manifest: Manifest, *, title: str, instruction: str = "") -> str:
    """Write an explorer as a static HTML figure (see the module).

    Parameters
    ----------
    manifest : Manifest
        The explorer's controls and precomputed pictures.
    title : str
        Shown above the controls.
    instruction : str, optional
        What to try, shown after "Try this:".

    Returns
    -------
    str
        One ``<figure class="nnx-explorer">`` element.
    """
    uid = f"nnx-{next(_counter)}"
    start = tuple(c.initial for c in manifest.controls)
    alt = manifest.alt_at(start)
    picture = _picture_html(manifest, start, alt)
    # The title is the figure's caption, and so its accessible name.
    header = f'<figcaption class="nnx-title">{html.escape(title)}</figcaption>'
    if instruction:
        header += f'<p class="nnx-try"><em>Try this:</em> {html.escape(instruction)}</p>'
    controls = "".join(_control_html(uid, c) for c in manifest.controls)
    return (
        f'<figure class="{FIGURE_CLASS}" id="{uid}">{header}'
        f'<div class="nnx-controls">{controls}</div>'
        f"{picture}"
        f'<p class="nnx-description" aria-live="polite">{html.escape(alt)}</p>'
        f'<script type="application/json" class="{MANIFEST_CLASS}">'
        f"{_manifest_json(manifest)}</script></figure>"
    )
