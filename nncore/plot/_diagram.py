"""What both network figures share: units in columns, one edge per weight, column headers.

:class:`NetworkDrawing` places the artists once; :class:`~nncore.plot.NetworkDiagram`
(weights, activations, dead units) and :class:`~nncore.plot.GradientDiagram` (gradients)
fill them in their ``update`` methods.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ._model import layer_sizes
from .style import DEAD, INK, MUTED, OKABE_ITO, activation_name, figure_of, tint

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.axes import Axes
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from ..containers import Sequential

#: left, bottom, width, height of the axes in a diagram's own figure.
DIAGRAM_AXES = (0.04, 0.17, 0.92, 0.74)
#: Radius of a unit's circle, in data units (units sit one data unit apart in a column).
RADIUS = 0.34


def diagram_layout(
    sizes: Sequence[int], input_names: Sequence[str], column_spacing: float | None = None
) -> dict[str, Any]:
    """Column spacing, limits, font size and figure size for a diagram of ``sizes``.

    Columns are spread so that the drawing is about 1.5 times as wide as high (at least
    2.5 apart) unless ``column_spacing`` is given, and the figure is scaled to at most
    11.5 x 9 inches with equal scales on both axes.

    Returns
    -------
    dict
        ``dx`` (column spacing), ``font`` (points), ``xlim``, ``ylim`` and ``figsize``.
    """
    tallest = max(sizes)
    height = (tallest - 1) + 0.55 + 1.75
    dx = column_spacing or max(2.5, (1.5 * height - 2.0) / max(len(sizes) - 1, 1))
    font = max(6.0, min(11.0, 44.0 / tallest))
    plain = [str(n).translate(str.maketrans("", "", "${}\\_^")) for n in input_names]
    right = (len(sizes) - 1) * dx + 0.85
    width_guess = right + 1.5
    scale = min(0.75, 11.5 * DIAGRAM_AXES[2] / width_guess, 9.0 * DIAGRAM_AXES[3] / height)
    name_width = max(len(n) for n in plain) * 0.6 * (font + 1) / 72 / scale
    left = -(RADIUS + 0.2 + name_width)
    width = right - left
    scale = min(scale, 11.5 * DIAGRAM_AXES[2] / width)
    figsize = (
        max(5.0, width * scale / DIAGRAM_AXES[2]),
        max(3.4, height * scale / DIAGRAM_AXES[3]),
    )
    top = (tallest - 1) / 2
    return {
        "dx": dx,
        "font": font,
        "xlim": (left, right),
        "ylim": (-top - 0.55, top + 1.75),
        "figsize": figsize,
    }


def diagram_axes(
    blocks: list[Any], input_names: Sequence[str] | None, column_spacing: float | None = None
) -> Axes:
    """Axes on a new figure sized for the network of ``blocks``."""
    sizes = layer_sizes(blocks)
    names = input_names if input_names is not None else [f"x{j}" for j in range(sizes[0])]
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=diagram_layout(sizes, names, column_spacing)["figsize"])
    return fig.add_axes(DIAGRAM_AXES)


def _rgb(values: NDArray[np.float64]) -> tuple[float, float, float]:
    """Three RGB values as the tuple of floats matplotlib takes for a colour."""
    red, green, blue = values
    return (float(red), float(green), float(blue))


def check_scale(value: Any, where: str, name: str = "weight_scale") -> float:
    """A positive finite number, or a ValueError naming ``name``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(float(value))
        or value <= 0
    ):
        raise ValueError(
            f"{where}: {name} must be a positive number (the size drawn at full width), "
            f"got {value!r}."
        )
    return float(value)


def largest(values: list[NDArray[np.float64]]) -> float:
    """The largest ``|value|`` over the arrays, or 1.0 when all are 0 (a scale for widths)."""
    top = max(float(np.max(np.abs(v))) for v in values)
    return top if top > 0 else 1.0


class NetworkDrawing:
    """The artists of a drawn network, placed once; subclasses fill them in ``update``.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    model : Sequential
        The model drawn last.
    sizes : list of int
        Units per layer, inputs first: ``[4, 2, 3, 1]`` for the 4-2-3-1 network.
    positions : list of int
        Index in the ``Sequential`` of each ``Linear`` layer (``Block.index``).
    centres : list of list of (float, float)
        ``centres[l][k]``: where unit ``k`` of layer ``l`` sits (layer 0 holds the inputs).
    units : list of list of matplotlib.patches.Circle
        ``units[l][k]`` is unit ``k`` of layer ``l``.
    edges : list of matplotlib.collections.LineCollection
        One collection per ``Linear`` layer with one segment per weight, in the
        order of ``weight.data.ravel()``: segment ``i * in_features + j`` joins
        input ``j`` to unit ``i``.
    value_texts : list of list of matplotlib.text.Text
        The text inside each unit.
    z_texts : list of list of matplotlib.text.Text
        The text above each unit of layers 1 and up (``z_texts[0]`` is empty).
    name_texts, output_texts : list of matplotlib.text.Text
        The input names left of the inputs, and ``ŷ`` right of the outputs.
    header_texts : list of matplotlib.text.Text
        Layer names and activations above the columns.
    weight_scale : float
        The size drawn at ``max_linewidth``; fixed, so that widths compare across updates.
    """

    def __init__(
        self,
        model: Sequential,
        ax: Axes,
        blocks: list[Any],
        *,
        title: str | None,
        input_names: Sequence[str] | None,
        weight_scale: float,
        max_linewidth: float,
        where: str,
        column_spacing: float | None = None,
    ) -> None:
        self.figure: Figure = figure_of(ax)
        self.ax = ax
        self.model = model
        self.sizes = layer_sizes(blocks)
        self.positions = [block.index for block in blocks]
        self.max_linewidth = float(max_linewidth)
        self.weight_scale = weight_scale
        self._auto_title = title is None
        if input_names is None:
            input_names = [f"$x_{{{j + 1}}}$" for j in range(self.sizes[0])]
        elif len(input_names) != self.sizes[0]:
            raise ValueError(
                f"{where}: expected {self.sizes[0]} input_names (one per input of "
                f"{blocks[0].linear!r}), got {len(input_names)}."
            )
        self.input_names = list(input_names)
        layout = diagram_layout(self.sizes, self.input_names, column_spacing)
        self._font = layout["font"]
        self.centres = [
            [(layer * layout["dx"], (n - 1) / 2 - k) for k in range(n)]
            for layer, n in enumerate(self.sizes)
        ]
        self.edges = [self._draw_edges(layer) for layer in range(len(self.sizes) - 1)]
        self._draw_units()
        self.header_texts = self._draw_headers(layout["dx"])
        self._frame(layout, title)

    # ------------------------------------------------------------------ drawing, once

    def _draw_edges(self, layer: int) -> LineCollection:
        """One segment per weight from column ``layer`` to the next, circle edge to circle edge."""
        from matplotlib.collections import LineCollection

        segments = []
        for end in self.centres[layer + 1]:
            for start in self.centres[layer]:
                d = np.subtract(end, start)
                u = RADIUS * d / np.linalg.norm(d)
                segments.append([tuple(start + u), tuple(end - u)])
        coll = LineCollection(segments, zorder=1, capstyle="round", alpha=0.85)
        self.ax.add_collection(coll)
        return coll

    def _draw_units(self) -> None:
        """Circles, and the empty texts in, above and beside them."""
        from matplotlib.patches import Circle

        ax, r, font = self.ax, RADIUS, self._font
        last = len(self.centres) - 1
        self.units, self.value_texts, self.z_texts = [], [], []
        self.name_texts, self.output_texts = [], []
        for layer, column in enumerate(self.centres):
            circles, values, above = [], [], []
            for k, (cx, cy) in enumerate(column):
                circles.append(
                    ax.add_patch(Circle((cx, cy), r, zorder=3, linewidth=1.4, edgecolor=INK))
                )
                values.append(
                    ax.text(
                        cx,
                        cy,
                        "",
                        ha="center",
                        va="center",
                        zorder=4,
                        fontsize=font,
                        color=INK,
                        fontweight="bold",
                    )
                )
                if layer == 0:
                    self.name_texts.append(
                        ax.text(
                            cx - r - 0.12,
                            cy,
                            self.input_names[k],
                            ha="right",
                            va="center",
                            fontsize=font + 1,
                            color=INK,
                        )
                    )
                else:
                    above.append(
                        ax.text(
                            cx,
                            cy + r + 0.09,
                            "",
                            ha="center",
                            va="bottom",
                            zorder=4,
                            fontsize=font - 1.5,
                            color=MUTED,
                            bbox={
                                "boxstyle": "round,pad=0.12",
                                "facecolor": "white",
                                "edgecolor": "none",
                                "alpha": 0.85,
                            },
                        )
                    )
                if layer == last:
                    label = "$\\hat{y}$" if len(column) == 1 else f"$\\hat{{y}}_{{{k + 1}}}$"
                    self.output_texts.append(
                        ax.text(
                            cx + r + 0.12,
                            cy,
                            label,
                            ha="left",
                            va="center",
                            fontsize=font + 1,
                            color=INK,
                        )
                    )
            self.units.append(circles)
            self.value_texts.append(values)
            self.z_texts.append(above)

    def _draw_headers(self, dx: float) -> list[Text]:
        top = (max(self.sizes) - 1) / 2
        return [
            self.ax.text(
                layer * dx,
                top + 0.95,
                "",
                ha="center",
                va="bottom",
                fontsize=self._font,
                color=INK,
                linespacing=1.3,
            )
            for layer in range(len(self.sizes))
        ]

    def _frame(self, layout: dict[str, Any], title: str | None) -> None:
        """Equal scales, no ticks or spines, and the title."""
        ax = self.ax
        ax.set_xlim(*layout["xlim"])
        ax.set_ylim(*layout["ylim"])
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_title(title or "", fontsize=self._font + 2, fontweight="bold", color=INK)

    # ------------------------------------------------------------------ filling in

    def _fill_units(self, dead: dict[int, NDArray[np.bool_]]) -> None:
        """Inputs white, hidden units light blue, outputs light orange; dead units grey,
        hatched and dashed (the hatching takes the outline's colour on every matplotlib)."""
        hidden, output = (
            _rgb(tint(OKABE_ITO["sky_blue"], 0.22)),
            _rgb(tint(OKABE_ITO["orange"], 0.25)),
        )
        fills = ["white"] + [hidden] * (len(self.sizes) - 2) + [output]
        for layer, circles in enumerate(self.units):
            mask = dead.get(self.positions[layer - 1]) if layer else None
            for k, circle in enumerate(circles):
                is_dead = mask is not None and bool(mask[k])
                circle.set_facecolor(DEAD if is_dead else fills[layer])
                # matplotlib takes None (no hatching) though its type stubs say str.
                circle.set_hatch("////" if is_dead else None)  # type: ignore[arg-type]
                circle.set_edgecolor(MUTED if is_dead else INK)
                circle.set_linestyle("--" if is_dead else "-")

    def _update_headers(self, blocks: list[Any]) -> None:
        last = len(self.sizes) - 1
        for layer, text in enumerate(self.header_texts):
            if layer == 0:
                text.set_text(f"input\n{self.sizes[0]} features")
                continue
            name = "output" if layer == last else f"hidden {layer}"
            text.set_text(f"{name}\n{activation_name(blocks[layer - 1].activation)}")

    def _architecture(self, blocks: list[Any]) -> str:
        """``"4-2-3-1 network (ReLU hidden units)"``: what a default title names."""
        arch = "-".join(str(n) for n in self.sizes)
        acts = {activation_name(block.activation) for block in blocks[:-1]}
        act = f" ({acts.pop()} hidden units)" if len(acts) == 1 else ""
        return f"{arch} network{act}"
