"""What the drawing tests share: the Agg backend and readers of what a figure shows.

Importing it selects Agg (matplotlib switches to it even when pyplot came first), so the
tests draw without a display.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

PARTIAL = "\N{PARTIAL DIFFERENTIAL}"


def texts(rows) -> list[list[str]]:
    """The strings of a list of lists of Text artists."""
    return [[t.get_text() for t in row] for row in rows]


def n_segments(diagram) -> list[int]:
    """Edges drawn per Linear layer."""
    return [len(coll.get_segments()) for coll in diagram.edges]


def legend_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def drawn_hatch_colour(patch):
    """The colour matplotlib draws ``patch``'s hatching in, as RGBA.

    matplotlib 3.11 has ``get_hatchcolor``; before it, the hatching took the edge
    colour set last, which ``get_edgecolor`` returns.
    """
    getter = getattr(patch, "get_hatchcolor", None)
    return tuple(getter() if getter is not None else patch.get_edgecolor())
