"""The widgets that show precomputed pictures in a page, switched by the browser.

:func:`build_tree` nests ``ipywidgets.Stack`` widgets, one level per control of an overlay,
over the widgets of its pictures (:func:`picture_widget`); :func:`stacked` puts the
overlays' trees on top of each other (one CSS grid cell), so that the browser shows the
composed figure.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import ipywidgets as widgets

from .pictures import OverlayPictures
from .slim import DecorativeImage, DescribedImage

__all__ = ["build_tree", "picture_html", "picture_widget", "stacked"]


def picture_html(picture: bytes, fmt: str) -> str:
    """Write a decorative ``<img alt="">`` (screen readers skip it) holding a picture.

    Parameters
    ----------
    picture : bytes
        An encoded image.
    fmt : {"webp", "png"}
        Its format.

    Returns
    -------
    str
        The HTML, with the image as a ``data:`` URL.
    """
    data = base64.b64encode(picture).decode("ascii")
    return (
        f'<img alt="" src="data:image/{html.escape(fmt)};base64,{data}" '
        f'style="display:block;max-width:100%;height:auto">'
    )


def picture_widget(
    overlay: OverlayPictures,
    key: Hashable,
    fmt: str,
    layout: widgets.Layout,
    style: Any = None,
) -> widgets.Widget:
    """Make the widget showing one picture of an overlay.

    Parameters
    ----------
    overlay : OverlayPictures
    key : hashable
        The picture's key in ``overlay.pictures``.
    fmt : {"webp", "png"}
    layout : ipywidgets.Layout
        Shared by every picture.
    style : ipywidgets style, optional
        Shared by every decorative picture (each would add a model).

    Returns
    -------
    ipywidgets.Widget
        On the described overlay a :class:`DescribedImage` whose tooltip is the text
        alternative; on the others a :class:`DecorativeImage` (:func:`picture_html`).
    """
    picture = overlay.pictures[key]
    if overlay.described:
        return DescribedImage(value=picture, format=fmt, tooltip=overlay.alt[key], layout=layout)
    extra = {} if style is None else {"style": style}
    return DecorativeImage(value=picture_html(picture, fmt), layout=layout, **extra)


def build_tree(
    overlay: OverlayPictures,
    shape: Sequence[int],
    stack: Callable[[int, list[widgets.Widget]], widgets.Widget],
    make_leaf: Callable[[Hashable], widgets.Widget],
    leaves: dict[Hashable, widgets.Widget],
) -> widgets.Widget:
    """Nest one stack per control of the overlay over its pictures' widgets.

    Parameters
    ----------
    overlay : OverlayPictures
    shape : sequence of int
        Grid size of every control of the explorer.
    stack : callable
        ``stack(level, children)`` makes (and registers) the stack switched by control
        ``level``.
    make_leaf : callable
        ``make_leaf(key)`` makes the widget of a picture (called once per picture).
    leaves : dict of hashable to ipywidgets.Widget
        Filled with the widget of each picture, by key.

    Returns
    -------
    ipywidgets.Widget
        The outermost stack (the picture's widget for an overlay that depends on nothing).
    """

    def build(depth: int, prefix: tuple[int, ...]) -> widgets.Widget:
        if depth == len(overlay.positions):
            key = overlay.key[prefix]
            if key not in leaves:
                leaves[key] = make_leaf(key)
            return leaves[key]
        level = overlay.positions[depth]
        return stack(level, [build(depth + 1, prefix + (i,)) for i in range(shape[level])])

    return build(0, ())


def stacked(trees: Sequence[widgets.Widget]) -> widgets.Widget:
    """Show the overlays' trees on top of each other, the first at the bottom.

    Parameters
    ----------
    trees : sequence of ipywidgets.Widget

    Returns
    -------
    ipywidgets.Widget
        One tree as it is; several in one cell of a CSS grid, in order.
    """
    if len(trees) == 1:
        return trees[0]
    for tree in trees:  # each root its own layout: stacks and pictures share theirs
        tree.layout = widgets.Layout(grid_area="1 / 1", max_width="100%")
    box = widgets.GridBox(
        list(trees),
        layout=widgets.Layout(
            grid_template_columns="minmax(0, 1fr)",
            justify_items="flex-start",
            align_items="flex-start",
            max_width="100%",
        ),
    )
    box.add_class("nncore-explorer-layers")
    return box
