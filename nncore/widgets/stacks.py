"""The precomputed pictures of an explorer, per layer, and the stacks that switch them.

:class:`LayerFrames` holds one layer's pictures: one per setting of the controls the layer
depends on, each stored once however many settings show it. :func:`resolve_layers` checks a
view's ``layers`` against the controls; :func:`build_tree` nests ``ipywidgets.Stack`` widgets,
one level per control of a layer, and :func:`stacked` puts the layers' trees on top of each
other in the page (one CSS grid cell), so that the browser shows the composed figure.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from .frames import Frame, Picture
from .layers import Layer, placed

__all__ = ["LayerFrames", "build_tree", "resolve_layers", "stacked"]


@dataclass
class LayerFrames:
    """One layer's pictures.

    Attributes
    ----------
    layer : Layer
    positions : tuple of int
        Indices (in the explorer's control order) of the controls its picture depends on.
    described : bool
        Its pictures carry the text alternative, one per grid point: the first layer from
        the bottom that depends on every control (the top layer when none does).
    key : dict of tuple of int to hashable
        The picture shown at each setting of ``positions``.
    digests : dict of tuple of int to bytes
        Fingerprint of the pixels drawn at each setting.
    pictures : dict of hashable to bytes
        Each distinct encoded picture.
    alt : dict of hashable to str
        The text alternative of each picture (described layer only).
    leaves : dict of hashable to ipywidgets widget
        The widget showing each picture.
    showing : dict of hashable to hashable
        The picture each leaf shows now (a live explorer redraws what it shows).
    """

    layer: Layer
    positions: tuple[int, ...]
    described: bool
    key: dict[tuple[int, ...], Hashable] = field(default_factory=dict)
    digests: dict[tuple[int, ...], bytes] = field(default_factory=dict)
    pictures: dict[Hashable, bytes] = field(default_factory=dict)
    alt: dict[Hashable, str] = field(default_factory=dict)
    leaves: dict[Hashable, widgets.Widget] = field(default_factory=dict)
    showing: dict[Hashable, Hashable] = field(default_factory=dict)

    def sub(self, index: Sequence[int]) -> tuple[int, ...]:
        """The setting of this layer's controls within a grid point ``index``."""
        return tuple(index[p] for p in self.positions)

    def clear(self) -> None:
        """Forget every picture (before rendering again)."""
        for store in (self.key, self.digests, self.pictures, self.alt, self.leaves, self.showing):
            store.clear()


def resolve_layers(view: Any, names: Sequence[str]) -> list[LayerFrames]:
    """Check ``view.layers`` (if any) against the control names; one :class:`LayerFrames` each.

    Parameters
    ----------
    view : object
        Its optional ``layers`` attribute is a sequence of :class:`Layer`, bottom first.
    names : sequence of str
        The explorer's controls, in order.

    Returns
    -------
    list of LayerFrames
        One per layer; a view without layers gets one layer holding the whole figure.
    """
    layers = getattr(view, "layers", None)
    where = f"Explorer: the view's layers ({type(view).__name__}.layers)"
    if layers is None:
        layers = [Layer(None, None)]
    if isinstance(layers, (Layer, str)) or not isinstance(layers, Sequence) or not layers:
        raise TypeError(
            f"{where} must be a non-empty list of nncore.widgets.Layer, bottom first; "
            f"got {layers!r}."
        )
    bad = [i for i, layer in enumerate(layers) if not isinstance(layer, Layer)]
    if bad:
        raise TypeError(
            f"{where}: item {bad[0]} is a {type(layers[bad[0]]).__name__}, not a Layer; "
            f"wrap the artists as Layer(artists, controls=(...))."
        )
    rest = [i for i, layer in enumerate(layers) if layer.members() is None]
    if len(rest) != 1:
        raise ValueError(
            f"{where}: exactly one layer must have artists=None (it draws every artist no "
            f"other layer lists); layers {rest or 'none'} have it."
        )
    owner: dict[int, int] = {}
    children = placed(view.figure)
    for i, layer in enumerate(layers):
        for artist in layer.members() or ():
            if id(artist) not in children:
                raise ValueError(
                    f"{where}: layer {i} lists {artist!r}, which is not a child of the figure "
                    f"or of one of its axes; list the artist that holds it (the whole legend, "
                    f"axis or container)."
                )
            if id(artist) in owner and owner[id(artist)] != i:
                raise ValueError(
                    f"{where}: {artist!r} is listed in layers {owner[id(artist)]} and {i}; "
                    f"an artist belongs to one layer."
                )
            owner[id(artist)] = i
    resolved = []
    for i, layer in enumerate(layers):
        controls = list(names) if layer.controls is None else list(layer.controls)
        unknown = [c for c in controls if c not in names]
        if isinstance(layer.controls, str) or unknown:
            raise ValueError(
                f"{where}: layer {i} depends on controls {layer.controls!r}, but the controls "
                f"are {list(names)}; give a tuple of their names, () for a layer that never "
                f"changes, or None for all."
            )
        positions = tuple(k for k, c in enumerate(names) if c in controls)
        resolved.append(LayerFrames(layer, positions, False))
    full = [f for f in resolved if len(f.positions) == len(names)]
    described = full[0] if full else resolved[-1]
    described.described, described.positions = True, tuple(range(len(names)))
    return resolved


def picture_html(picture: bytes, fmt: str) -> str:
    """A decorative ``<img alt="">`` (screen readers skip it) holding an encoded picture."""
    data = base64.b64encode(picture).decode("ascii")
    return (
        f'<img alt="" src="data:image/{html.escape(fmt)};base64,{data}" '
        f'style="display:block;max-width:100%;height:auto">'
    )


def leaf(
    frames: LayerFrames,
    key: Hashable,
    fmt: str,
    layout: widgets.Layout,
    style: Any = None,
) -> widgets.Widget:
    """The widget showing one picture of a layer.

    On the described layer, a :class:`Frame` whose tooltip is the frame's text alternative;
    on the others, a :class:`~nncore.widgets.frames.Picture` with a decorative image
    (:func:`picture_html`); pass one ``style`` for all of them (each would add a model).
    """
    frames.showing[key] = key
    picture = frames.pictures[key]
    if frames.described:
        return Frame(value=picture, format=fmt, tooltip=frames.alt[key], layout=layout)
    extra = {} if style is None else {"style": style}
    return Picture(value=picture_html(picture, fmt), layout=layout, **extra)


def build_tree(
    frames: LayerFrames,
    shape: Sequence[int],
    stack: Callable[[int, list[widgets.Widget]], widgets.Widget],
    make_leaf: Callable[[Hashable], widgets.Widget],
) -> widgets.Widget:
    """Nest one stack per control of the layer over its pictures' widgets.

    Parameters
    ----------
    frames : LayerFrames
    shape : sequence of int
        Grid size of every control of the explorer.
    stack : callable
        ``stack(level, children)`` makes (and registers) the stack switched by control
        ``level``.
    make_leaf : callable
        ``make_leaf(key)`` makes the widget of a picture (called once per picture).
    """

    def build(depth: int, prefix: tuple[int, ...]) -> widgets.Widget:
        if depth == len(frames.positions):
            key = frames.key[prefix]
            if key not in frames.leaves:
                frames.leaves[key] = make_leaf(key)
            return frames.leaves[key]
        level = frames.positions[depth]
        return stack(level, [build(depth + 1, prefix + (i,)) for i in range(shape[level])])

    return build(0, ())


def stacked(trees: Sequence[widgets.Widget]) -> widgets.Widget:
    """Show the layers' trees on top of each other, the first at the bottom.

    One tree is returned as it is; several share one cell of a CSS grid, in order.
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
