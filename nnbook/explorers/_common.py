"""What the chapters' explorer views share: class markers, a boxed label, the explorer itself.

Each view module draws its own figure; these helpers hold the pieces several of them draw
the same way, so that a view's constructor reads as the list of its parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.text import Text

from nncore.plot import INK, MUTED, PALETTE
from nncore.widgets import Choice, Explorer, Slider

__all__ = ["LEQ", "MARKERS", "boxed_text", "class_handles", "class_points", "make_explorer"]

#: "<=" as one character, for labels and text alternatives.
LEQ = "\N{LESS-THAN OR EQUAL TO}"
#: Marker of class 0 and of class 1 in every scatter of two classes.
MARKERS = ("o", "s")


def class_points(
    ax: Axes,
    x: np.ndarray,
    y: np.ndarray,
    *,
    colour_keys: tuple[str, ...] = ("color",),
    **style: Any,
) -> list[PathCollection]:
    """Scatter the examples of class 0 and of class 1, each in its marker and colour.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray of int, shape (n,)
        Labels 0 and 1.
    colour_keys : tuple of str, default ("color",)
        The keywords of ``ax.scatter`` that get the class's colour, ``PALETTE[c]``.
    **style
        Passed on to ``ax.scatter`` for both classes.

    Returns
    -------
    list of matplotlib.collections.PathCollection
        The points of class 0, then of class 1.
    """
    return [
        ax.scatter(
            x[y == c, 0],
            x[y == c, 1],
            marker=MARKERS[c],
            **{key: PALETTE[c] for key in colour_keys},
            **style,
        )
        for c in (0, 1)
    ]


def class_handles() -> list[Line2D]:
    """Legend entries "class 0" and "class 1" in the markers of :func:`class_points`.

    Returns
    -------
    list of matplotlib.lines.Line2D
    """
    return [
        Line2D([], [], marker=MARKERS[c], color=PALETTE[c], linestyle="none", label=f"class {c}")
        for c in (0, 1)
    ]


def boxed_text(ax: Axes, x: float, y: float, *, pad: float = 0.35, **style: Any) -> Text:
    """An empty text in a white box with a grey edge, placed in the axes' coordinates.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, y : float
        Position in axes coordinates (0 to 1).
    pad : float, default 0.35
        Padding of the box, in units of the font size.
    **style
        Passed on to ``ax.text`` (``fontsize`` 9, ``color`` INK and ``zorder`` 5 unless given).

    Returns
    -------
    matplotlib.text.Text
        The view sets its text at each update.
    """
    return ax.text(
        x,
        y,
        "",
        transform=ax.transAxes,
        **{"fontsize": 9, "color": INK, "zorder": 5, **style},
        bbox=dict(boxstyle=f"round,pad={pad}", facecolor="white", edgecolor=MUTED),
    )


def make_explorer(
    view: Any,
    controls: Mapping[str, Slider | Choice],
    *,
    title: str,
    instruction: str,
    dpi: float,
    options: Mapping[str, Any],
    colors: int | None = None,
) -> Explorer:
    """Show ``view`` under ``controls``: the explorer every chapter's factory returns.

    Parameters
    ----------
    view : object
        A view: ``figure``, ``update(**values)``, ``describe()``.
    controls : mapping of str to Slider or Choice
        One control per argument of ``view.update``, in the order shown.
    title, instruction : str
        Shown above the controls.
    dpi : float
        Resolution of the pictures.
    options : mapping
        The factory's other keywords, passed on to :class:`nncore.widgets.Explorer`.
    colors : int, optional
        The palette size of the pictures unless ``options`` names one.

    Returns
    -------
    Explorer
    """
    defaults = {} if colors is None else {"colors": colors}
    return Explorer(
        view,
        dict(controls),
        title=title,
        instruction=instruction,
        dpi=dpi,
        **{**defaults, **options},
    )
