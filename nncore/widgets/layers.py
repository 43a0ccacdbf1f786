"""Layers: an explorer's figure split into pictures that depend on fewer controls.

Most of an explorer's figure does not change with every control: the axes, labels and
legend never change; the data points may move with one slider only. A view can say so by
giving itself a ``layers`` attribute, a list of :class:`Layer` from the bottom up, each
naming its matplotlib artists and the controls its picture depends on. The explorer then
draws each layer once per setting of *its* controls (and keeps one copy of pictures that
come out identical), and the page shows the layers stacked, so that a setting of the
controls shows exactly the figure drawn whole:

* the bottom layer is opaque: it carries the figure's and the axes' backgrounds;
* every layer above it is transparent where it draws nothing;
* the first layer from the bottom that depends on every control carries the frame's text
  alternative (the top layer if none does), so it has one picture per grid point
  (identical pictures with the same text are still stored once).

:class:`LayerPainter` draws one layer of a figure by hiding, for that draw, every artist that
belongs to another layer; :func:`compose` puts the pictures back together.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.figure import Figure

__all__ = ["Layer", "LayerPainter", "compose", "digest"]


@dataclass(frozen=True)
class Layer:
    """One picture of a figure: some of its artists, drawn once per setting of some controls.

    Parameters
    ----------
    artists : sequence of matplotlib artists, callable, or None
        What this layer draws: children of the figure or of its axes, each with all its
        own children (an ``Axis`` with its ticks and labels, a ``Legend``...); a callable
        returning them when the view replaces artists as it updates (a legend drawn anew,
        for one). ``None``: every artist that
        no other layer lists; one layer of a view has ``None``.
    controls : sequence of str, or None
        The controls whose values change this layer's picture; ``()`` for a layer that never
        changes, ``None`` (the default) for all of them. The explorer checks the claim at a
        sample of grid points while it builds and at every point with
        :meth:`~nncore.widgets.Explorer.check_layers`.

    Examples
    --------
    A view whose points move with ``scale`` only, under regions that change with every
    control, and the axes' decorations drawn once::

        self.layers = [
            Layer(None),  # backgrounds, regions, verdict: every control; the text alternative
            Layer([*self.points, ax.xaxis, ax.yaxis], controls=("scale",)),
        ]
    """

    artists: Sequence[Any] | Callable[[], Sequence[Any]] | None = None
    controls: Sequence[str] | None = None

    def members(self) -> list[Any] | None:
        """The artists this layer lists now (``None`` for the layer of the rest).

        Returns
        -------
        list or None
            Entries that are ``None`` (an artist not drawn yet) are left out.
        """
        if self.artists is None:
            return None
        listed = self.artists() if callable(self.artists) else self.artists
        return [a for a in listed if a is not None]


def digest(rgba: np.ndarray) -> bytes:
    """A short fingerprint of a drawn picture's pixels (equal pixels, equal digests).

    Parameters
    ----------
    rgba : numpy.ndarray, shape (height, width, 4)

    Returns
    -------
    bytes
    """
    return hashlib.blake2b(np.ascontiguousarray(rgba).data, digest_size=16).digest()


def _children(artist: Any) -> list[Any]:
    return list(artist.get_children())


def _is_container(artist: Any) -> bool:
    """A figure, subfigure or axes: what a layer's artists are children of."""
    from matplotlib.axes import Axes
    from matplotlib.figure import FigureBase

    return isinstance(artist, (FigureBase, Axes))


def _hide_outside(artist: Any, keep: set[int], hidden: list[Any]) -> bool:
    """Hide every child of ``artist`` that neither is in ``keep`` nor holds one.

    Only figures and axes are searched for kept artists (a layer lists their children), so
    an axis with its ticks or a legend is kept or hidden whole. Returns whether ``artist`` is
    in ``keep`` or holds an artist that is.
    """
    if id(artist) in keep:
        return True
    if not _is_container(artist):
        return False
    children = _children(artist)
    holds = [_hide_outside(child, keep, hidden) for child in children]
    if any(holds):
        hidden.extend(child for child, h in zip(children, holds, strict=True) if not h)
        return True
    return False


def placed(figure: Figure) -> set[int]:
    """The ids of the artists a layer can list: the children of the figure and its axes."""
    found: set[int] = set()
    todo = [figure]
    while todo:
        container = todo.pop()
        for child in _children(container):
            found.add(id(child))
            if _is_container(child):
                todo.append(child)
    return found


class LayerPainter:
    """Draw the layers of a figure one at a time.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        On an Agg canvas.
    layers : sequence of Layer
        Bottom first; exactly one has ``artists=None``.
    """

    def __init__(self, figure: Figure, layers: Sequence[Layer]) -> None:
        self.figure = figure
        self.layers = list(layers)

    def _backgrounds(self) -> list[Any]:
        return [self.figure.patch, *(ax.patch for ax in self.figure.axes)]

    def _hidden_for(self, k: int) -> list[Any]:
        """The artists to hide so that a draw shows layer ``k`` only."""
        members = [layer.members() for layer in self.layers]
        others = [a for j, m in enumerate(members) if j != k for a in (m or ())]
        listed = None if members[k] is None else {id(a) for a in members[k]}
        backgrounds = self._backgrounds()
        if listed is None:
            hidden = others
        else:
            keep = set(listed) | ({id(a) for a in backgrounds} if k == 0 else set())
            hidden = []
            if not _hide_outside(self.figure, keep, hidden):
                hidden = _children(self.figure)
            hidden += others  # also when inside an artist this layer lists
        if k == 0:  # the bottom layer is opaque: it always paints the backgrounds
            hidden = [a for a in hidden if all(a is not b for b in backgrounds)]
        else:  # the layers above are transparent unless they list a background themselves
            hidden += [b for b in backgrounds if listed is None or id(b) not in listed]
        return hidden

    def draw(self, k: int) -> np.ndarray:
        """Draw layer ``k`` alone and return its pixels.

        The other layers' artists are silenced for this draw (their ``draw`` does nothing),
        not hidden: everything keeps the place it has in the whole figure (matplotlib places
        a title, for one, by the extent of the artists around it, and a hidden artist has
        none).

        Parameters
        ----------
        k : int
            Index of the layer, 0 for the bottom.

        Returns
        -------
        numpy.ndarray of uint8, shape (height, width, 4)
            RGBA; transparent where the layer draws nothing (layers above the bottom).
        """
        silenced = {id(a): a for a in self._hidden_for(k)}.values()
        try:
            for artist in silenced:
                artist.draw = _draw_nothing
            canvas = self.figure.canvas
            canvas.draw()
            return np.asarray(canvas.buffer_rgba()).copy()
        finally:
            for artist in silenced:
                del artist.draw


def _draw_nothing(*args: Any, **kwargs: Any) -> None:
    """Stands in for the ``draw`` method of an artist of another layer."""


def compose(pictures: Sequence[bytes], fmt: str = "png") -> bytes:
    """Stack encoded layer pictures, bottom first, into one opaque image.

    Parameters
    ----------
    pictures : sequence of bytes
        Encoded images of one size (PNG or WebP); the first is the bottom.
    fmt : {"png", "webp"}, default "png"
        Encoding of the result (lossless).

    Returns
    -------
    bytes
    """
    from PIL import Image

    layers = [Image.open(io.BytesIO(p)).convert("RGBA") for p in pictures]
    sizes = {layer.size for layer in layers}
    if len(sizes) != 1:
        raise ValueError(f"compose: the pictures must share one size, got {sorted(sizes)}.")
    image = layers[0]
    for layer in layers[1:]:
        image = Image.alpha_composite(image, layer)
    buffer = io.BytesIO()
    if fmt == "webp":
        image.convert("RGB").save(buffer, format="WEBP", lossless=True, quality=50, method=4)
    else:
        image.convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()
