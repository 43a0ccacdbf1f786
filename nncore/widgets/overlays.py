"""Overlays: an explorer's figure split into pictures that depend on fewer controls.

Most of an explorer's figure does not change with every control: the axes, labels and
legend never change; the data points may move with one slider only. A view can say so by
giving itself an ``overlays`` attribute, a list of :class:`Overlay` from the bottom up, each
naming its matplotlib artists and the controls its picture depends on. The explorer then
draws each overlay once per setting of *its* controls (and keeps one copy of pictures that
come out identical), and the page shows the overlays stacked, so that a setting of the
controls shows exactly the figure drawn whole:

* the bottom overlay is opaque: it carries the figure's and the axes' backgrounds;
* every overlay above it is transparent where it draws nothing;
* the first overlay from the bottom that depends on every control carries the picture's
  text alternative (the top one if none does), so it has one picture per grid point
  (identical pictures with the same text are still stored once).

:class:`OverlayPainter` draws one overlay of a figure by silencing, for that draw, every
artist that belongs to another one; :func:`nncore.widgets.images.compose` puts the pictures
back together. Nothing here imports ipywidgets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .images import agg_canvas

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.figure import Figure

__all__ = ["Overlay", "OverlayPainter", "placed"]


@dataclass(frozen=True)
class Overlay:
    """One picture of a figure: some of its artists, drawn once per setting of some controls.

    Parameters
    ----------
    artists : sequence of matplotlib artists, callable, or None
        What this overlay draws: children of the figure or of its axes, each with all its
        own children (an ``Axis`` with its ticks and labels, a ``Legend``...); a callable
        returning them when the view replaces artists as it updates (a legend drawn anew,
        for one). ``None``: every artist that no other overlay lists; one overlay of a view
        has ``None``.
    controls : sequence of str, or None
        The controls whose values change this overlay's picture; ``()`` for one that never
        changes, ``None`` (the default) for all of them. The explorer checks the claim at a
        sample of grid points while it builds and at every point with
        :meth:`~nncore.widgets.Explorer.check_overlays`.

    Examples
    --------
    A view whose points move with ``scale`` only, over regions that change with every
    control, and the axes' decorations drawn once::

        self.overlays = [
            Overlay(None),  # backgrounds, regions, verdict: every control; the text alternative
            Overlay([*self.points, ax.xaxis, ax.yaxis], controls=("scale",)),
        ]
    """

    artists: Sequence[Any] | Callable[[], Sequence[Any]] | None = None
    controls: Sequence[str] | None = None

    def members(self) -> list[Any] | None:
        """List the artists this overlay draws now (``None`` for the overlay of the rest).

        Returns
        -------
        list or None
            Entries that are ``None`` (an artist not drawn yet) are left out.
        """
        if self.artists is None:
            return None
        listed = self.artists() if callable(self.artists) else self.artists
        return [a for a in listed if a is not None]


def _children(artist: Any) -> list[Any]:
    return list(artist.get_children())


def _is_container(artist: Any) -> bool:
    """A figure, subfigure or axes: what an overlay's artists are children of."""
    from matplotlib.axes import Axes
    from matplotlib.figure import FigureBase

    return isinstance(artist, (FigureBase, Axes))


def _hide_outside(artist: Any, keep: set[int], hidden: list[Any]) -> bool:
    """Hide every child of ``artist`` that neither is in ``keep`` nor holds one.

    Only figures and axes are searched for kept artists (an overlay lists their children),
    so an axis with its ticks or a legend is kept or hidden whole. Returns whether
    ``artist`` is in ``keep`` or holds an artist that is.
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
    """Collect the ids of the artists an overlay can list: children of the figure and its axes.

    Parameters
    ----------
    figure : matplotlib.figure.Figure

    Returns
    -------
    set of int
    """
    found: set[int] = set()
    todo = [figure]
    while todo:
        container = todo.pop()
        for child in _children(container):
            found.add(id(child))
            if _is_container(child):
                todo.append(child)
    return found


class OverlayPainter:
    """Draw the overlays of a figure one at a time.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Put on an Agg canvas if it is on another.
    overlays : sequence of Overlay
        Bottom first; exactly one has ``artists=None``.
    """

    def __init__(self, figure: Figure, overlays: Sequence[Overlay]) -> None:
        agg_canvas(figure)
        self.figure = figure
        self.overlays = list(overlays)

    def _backgrounds(self) -> list[Any]:
        return [self.figure.patch, *(ax.patch for ax in self.figure.axes)]

    def _hidden_for(self, k: int) -> list[Any]:
        """The artists to hide so that a draw shows overlay ``k`` only."""
        members = [overlay.members() for overlay in self.overlays]
        others = [a for j, m in enumerate(members) if j != k for a in (m or ())]
        mine = members[k]
        listed = None if mine is None else {id(a) for a in mine}
        backgrounds = self._backgrounds()
        if listed is None:
            hidden = others
        else:
            keep = set(listed) | ({id(a) for a in backgrounds} if k == 0 else set())
            hidden = []
            if not _hide_outside(self.figure, keep, hidden):
                hidden = _children(self.figure)
            hidden += others  # also when inside an artist this overlay lists
        if k == 0:  # the bottom overlay is opaque: it always paints the backgrounds
            hidden = [a for a in hidden if all(a is not b for b in backgrounds)]
        else:  # those above are transparent unless they list a background themselves
            hidden += [b for b in backgrounds if listed is None or id(b) not in listed]
        return hidden

    def draw(self, k: int) -> NDArray[np.uint8]:
        """Draw overlay ``k`` alone and return its pixels.

        The other overlays' artists are silenced for this draw (their ``draw`` does
        nothing), not hidden: everything keeps the place it has in the whole figure
        (matplotlib places a title, for one, by the extent of the artists around it, and a
        hidden artist has none).

        Parameters
        ----------
        k : int
            Index of the overlay, 0 for the bottom.

        Returns
        -------
        numpy.ndarray of uint8, shape (height, width, 4)
            RGBA; transparent where the overlay draws nothing (overlays above the bottom).
        """
        silenced = {id(a): a for a in self._hidden_for(k)}.values()
        try:
            for artist in silenced:
                artist.draw = _draw_nothing
            canvas = self.figure.canvas
            canvas.draw()
            pixels: NDArray[np.uint8] = np.asarray(agg_canvas(self.figure).buffer_rgba()).copy()
            return pixels
        finally:
            for artist in silenced:
                del artist.draw


def _draw_nothing(*args: Any, **kwargs: Any) -> None:
    """Stands in for the ``draw`` method of an artist of another overlay."""
