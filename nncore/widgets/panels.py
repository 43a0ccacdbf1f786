"""Where an explorer's figure may be cut into panels that a narrow screen stacks.

A figure drawn for a desktop's text column is too wide for a phone's: shrunk to fit, its text
would be about half its size. Many explanatory figures are side-by-side panels (a plot
and its gradient, a plot and its text), so a narrow page can show the same picture cut into
vertical strips, one under the other, each at its natural size: the same files, the same
text size, no sideways scroll. :func:`figure_panels` finds where to cut: the gaps between
the horizontal extents of the figure's axes (with their labels) and texts, grouped greedily
into strips no wider than a phone's column when the content allows. Nothing here imports
ipywidgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.figure import Figure

__all__ = ["PHONE_COLUMN_PX", "Panel", "figure_panels"]

#: Width in CSS pixels of a page's text column (an explorer's picture) on a 390-px wide
#: phone screen: the screen less the page's side margins.
PHONE_COLUMN_PX = 342


@dataclass(frozen=True)
class Panel:
    """One vertical strip of a figure's picture.

    Attributes
    ----------
    x0, x1 : int
        Its left and right edges, in pixels of the picture (``0 <= x0 < x1 <= width``).
    smallest_text_px : float
        The smallest text whose middle lies in the strip, in pixels of the picture
        (font size in points times dpi / 72); ``inf`` for a strip without text.
    """

    x0: int
    x1: int
    smallest_text_px: float

    @property
    def width(self) -> int:
        """Its width in pixels."""
        return self.x1 - self.x0


def _extents(figure: Figure) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """The horizontal extents of what the figure draws, and each text's middle and size."""
    from matplotlib.text import Text

    canvas = figure.canvas
    canvas.draw()
    renderer = canvas.get_renderer()  # type: ignore[attr-defined]  # Agg's canvas has one
    spans: list[tuple[float, float]] = []
    for ax in figure.axes:
        if ax.get_visible():
            box = ax.get_tightbbox(renderer)
            if box is not None:
                spans.append((box.x0, box.x1))
    texts: list[tuple[float, float]] = []
    for text in figure.findobj(Text):
        if isinstance(text, Text) and text.get_visible() and text.get_text().strip():
            box = text.get_window_extent(renderer)
            spans.append((box.x0, box.x1))
            points = float(text.get_fontsize())
            texts.append(((box.x0 + box.x1) / 2, points * figure.dpi / 72))
    for legend in figure.legends:
        box = legend.get_window_extent(renderer)
        spans.append((box.x0, box.x1))
    return spans, texts


def figure_panels(figure: Figure, *, column_px: float = PHONE_COLUMN_PX) -> tuple[Panel, ...]:
    """Cut a figure's picture into vertical strips that a narrow page can stack.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        On an Agg canvas, at the dpi of its pictures; drawn here as it is now.
    column_px : float, default PHONE_COLUMN_PX
        The widest strip wanted. A figure no wider stays whole; a wider one is cut only in
        the gaps between its axes and texts, so a strip may be wider than this where
        nothing separates its content.

    Returns
    -------
    tuple of Panel
        Left to right, edge to edge: the first starts at 0, each starts where the one
        before ends, the last ends at the picture's width.
    """
    width = round(figure.bbox.width)
    spans, texts = _extents(figure)
    clipped = sorted((max(0.0, a), min(float(width), b)) for a, b in spans if b > 0 and a < width)
    merged: list[list[float]] = []
    for a, b in clipped:
        if merged and a <= merged[-1][1] + 2:  # touching (2 px) is one block
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    cuts = [0]
    if width > column_px:
        start = 0.0
        for before, after in zip(merged, merged[1:]):
            if after[1] - start > column_px:  # the next block would make the strip too wide
                cut = round((before[1] + after[0]) / 2)
                cuts.append(cut)
                start = cut
    cuts.append(width)

    def smallest(x0: int, x1: int) -> float:
        sizes = [size for middle, size in texts if x0 <= middle < x1]
        return min(sizes, default=float("inf"))

    return tuple(Panel(a, b, smallest(a, b)) for a, b in zip(cuts, cuts[1:]))
