"""One ReLU unit over a two-feature data set, under three sliders (chapter 3).

The unit computes ``z = w1 * x1 + w2 * x2 + b`` and ``h = max(0, z)``. The sliders set
``w1``, ``w2`` and ``b``; the figure shades the part of the plane where the unit is active
(``z > 0``), fills the examples it is active on and leaves the others hollow, and shows the
gradient the unit's three parameters receive from a binary cross-entropy loss. When no
example is active the unit is *dead*: the figure says so and all three gradients are 0.

Every frame goes through nncore: the unit is the hidden unit of the case study's 2-1-1
network (:func:`nnbook.experiments.case_study.case_study_network`); one forward and one backward
pass
(:func:`nnbook.experiments.case_study.unit_state`) give the active examples and the gradients, and
:func:`nncore.dead_units` decides "dead".
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from numpy.typing import ArrayLike

import nncore as nc
from nnbook.experiments.case_study import UnitState, case_study_network, unit_state
from nnbook.explorers._common import (
    LEQ,
    boxed_text,
    class_handles,
    class_points,
    make_explorer,
)
from nncore.plot import DEAD, INK, MUTED, OKABE_ITO, PALETTE
from nncore.plot.style import format_number
from nncore.widgets import Explorer, Overlay, Slider

__all__ = ["ReluUnitView", "relu_unit_explorer"]

_ACTIVE_FILL = "#CFE8F7"  # sky blue mixed with white: where z > 0
_INACTIVE_FILL = "#F2F2F2"
_PARAMS = ("w1", "w2", "b")
_PARAM_LABELS = ("$w_1$", "$w_2$", "$b$")
_BAR_COLOURS = (PALETTE[2], PALETTE[4], PALETTE[5])


class ReluUnitView:
    """The explorer's figure: the plane with the unit's active region, and its gradient.

    Built by :func:`relu_unit_explorer`; :meth:`update` redraws it for new weights and
    :meth:`describe` says what it shows.

    Parameters
    ----------
    x : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray of int, shape (n,)
        Labels 0 and 1.
    grad_limit : float
        Half-height of the gradient axis, fixed so frames compare.
    output_weight, output_bias : float
        The output unit of the case-study network.
    resolution : int, default 120
        Grid points per axis of the shaded plane.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    model : Sequential
        :func:`~nnbook.experiments.case_study.case_study_network`; :meth:`update` writes the
        weights into it.
    state : UnitState or None
        What the last update computed.
    active_grid : numpy.ndarray of bool, shape (resolution, resolution)
        Where in the plane ``z > 0``, after the last update.
    status : matplotlib.text.Text
        "active on k of n examples" or the dead message.
    overlays : list of nncore.widgets.Overlay
        The figure's overlays, bottom first (an explorer stores each once per setting of the
        controls it depends on).
    """

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        *,
        grad_limit: float,
        output_weight: float = 1.0,
        output_bias: float = 0.0,
        resolution: int = 120,
    ) -> None:
        self.x, self.y = x, y
        self.targets = y[:, None].astype(np.float64)
        self.output_weight, self.output_bias = output_weight, output_bias
        self.model = case_study_network(
            0.0, 0.0, 0.0, output_weight=output_weight, output_bias=output_bias
        )
        self.state: UnitState | None = None
        self.grad_limit = float(grad_limit)
        self._plane_grid(x, resolution)

        self.figure = Figure(figsize=(7.6, 3.5))
        ax = self.figure.add_axes((0.085, 0.15, 0.43, 0.72))
        axg = self.figure.add_axes((0.80, 0.15, 0.19, 0.72))
        self.axes = (ax, axg)
        zero_lines = self._draw_plane(ax)
        self.legend = self._draw_legend()
        self.status = boxed_text(ax, 0.02, 0.03)
        zero_lines.append(self._draw_gradient_axes(axg))
        # Two overlays (nncore.widgets.Overlay): the axes, labels and legend never change and are
        # stored once; everything else changes with every control and carries the text
        # alternative.
        self.overlays = [
            Overlay(None, controls=()),
            Overlay(
                [
                    self.image,
                    *zero_lines,
                    self.boundary,
                    *self.points,
                    self.status,
                    *self.bars,
                    *self.bar_texts,
                    self.verdict,
                    *(spine for a in self.axes for spine in a.spines.values()),
                ]
            ),
        ]

    def _plane_grid(self, x: np.ndarray, resolution: int) -> None:
        """The plane drawn (the data with a margin, and the origin) and its grid of points."""
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = np.where(hi - lo > 0, 0.1 * (hi - lo), 0.5)
        lo = np.minimum(lo - pad, -pad)  # keep the origin in view: it shows where the data lie
        hi = np.maximum(hi + pad, pad)
        self.extent = (lo[0], hi[0], lo[1], hi[1])
        g0 = np.linspace(lo[0], hi[0], resolution)
        g1 = np.linspace(lo[1], hi[1], resolution)
        self.grid = np.stack(np.meshgrid(g0, g1), axis=-1).reshape(-1, 2)
        self._shape = (resolution, resolution)
        self.active_grid = np.zeros(self._shape, dtype=bool)

    def _draw_plane(self, ax: Axes) -> list[Line2D]:
        """The shaded plane, its axes through 0, the boundary and the examples."""
        self._fills = np.array([to_rgb(_INACTIVE_FILL), to_rgb(_ACTIVE_FILL)])
        self.image = ax.imshow(
            np.ones(self._shape + (3,)),
            origin="lower",
            extent=self.extent,
            interpolation="nearest",
            aspect="auto",
            zorder=0,
        )
        zero_lines = [
            ax.axhline(0.0, color=MUTED, linewidth=0.8, zorder=1),
            ax.axvline(0.0, color=MUTED, linewidth=0.8, zorder=1),
        ]
        (self.boundary,) = ax.plot([], [], color=INK, linestyle="--", linewidth=1.6, zorder=2)
        self.points = class_points(
            ax,
            self.x,
            self.y,
            colour_keys=("facecolors", "edgecolors"),
            s=26,
            linewidths=1.1,
            zorder=3,
        )
        self._sel = [self.y == 0, self.y == 1]
        x0, x1, y0, y1 = self.extent
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("feature 1 ($x_1$)", fontsize=9)
        ax.set_ylabel("feature 2 ($x_2$)", fontsize=9)
        ax.set_title("Where the unit is active: $z = w_1x_1 + w_2x_2 + b > 0$", fontsize=9.5)
        return zero_lines

    def _draw_legend(self) -> Any:
        """The legend between the two panels: regions, boundary, classes, filled and hollow."""

        def example(label: str, **style: Any) -> Line2D:
            return Line2D([], [], marker="o", color=MUTED, linestyle="none", label=label, **style)

        handles = [
            Patch(facecolor=_ACTIVE_FILL, edgecolor=MUTED, label="unit active\n(z > 0)"),
            Patch(facecolor=_INACTIVE_FILL, edgecolor=MUTED, label=f"unit inactive\n(z {LEQ} 0)"),
            Line2D([], [], color=INK, linestyle="--", label="z = 0"),
            *class_handles(),
            example("filled:\nactive example"),
            example("hollow:\ninactive example", markerfacecolor="white"),
        ]
        return self.figure.legend(
            handles=handles,
            loc="center left",
            bbox_to_anchor=(0.525, 0.5),
            fontsize=8,
            frameon=False,
            labelspacing=0.8,
            handlelength=1.5,
            handletextpad=0.5,
        )

    def _draw_gradient_axes(self, axg: Axes) -> Line2D:
        """The bars of the three gradients, their numbers and the verdict; returns the 0 line."""
        self.bars = axg.bar(
            range(3), np.zeros(3), color=list(_BAR_COLOURS), edgecolor=INK, linewidth=0.6, zorder=2
        )
        zero_line = axg.axhline(0.0, color=INK, linewidth=1.0, zorder=3)
        axg.set_xticks(range(3), _PARAM_LABELS)
        axg.set_xlim(-0.6, 2.6)
        axg.set_ylim(-self.grad_limit, self.grad_limit)
        axg.set_ylabel("$\\partial L\\,/\\,\\partial$ parameter", fontsize=9)
        axg.set_xlabel("parameter of the unit", fontsize=9)
        axg.grid(axis="y", alpha=0.3, zorder=0)
        axg.set_title("Gradient it receives", fontsize=9.5)
        self.bar_texts = [
            axg.text(i, 0.0, "", ha="center", va="bottom", fontsize=8, color=INK, zorder=4)
            for i in range(3)
        ]
        self.verdict = axg.text(
            0.5,
            0.97,
            "",
            transform=axg.transAxes,
            ha="center",
            va="top",
            fontsize=8,
            color=INK,
            zorder=5,
        )
        return zero_line

    def _boundary_line(self, w1: float, w2: float, b: float) -> tuple[np.ndarray, np.ndarray]:
        x0, x1, y0, y1 = self.extent
        if w1 == 0.0 and w2 == 0.0:
            return np.array([]), np.array([])
        if abs(w2) >= abs(w1):
            xs = np.array([x0, x1])
            return xs, -(b + w1 * xs) / w2
        ys = np.array([y0, y1])
        return -(b + w2 * ys) / w1, ys

    def update(self, w1: float, w2: float, b: float) -> None:
        """Set the unit's weights, run forward and backward through nncore, redraw in place.

        What the passes computed is kept as :attr:`state`.

        Parameters
        ----------
        w1, w2, b : float
        """
        unit = self.model[0]
        unit.weight.data[...] = [[w1, w2]]
        unit.bias.data[...] = [b]
        state = unit_state(self.model, self.x, self.targets)
        self.state = state

        self.active_grid = (unit(self.grid)[:, 0] > 0).reshape(self._shape)
        self.image.set_data(self._fills[self.active_grid.astype(int)])
        self.boundary.set_data(*self._boundary_line(w1, w2, b))
        for c, points in enumerate(self.points):
            colours = np.where(
                state.active[self._sel[c]][:, None],
                np.array(to_rgba(PALETTE[c]))[None, :],
                np.array([1.0, 1.0, 1.0, 1.0])[None, :],
            )
            points.set_facecolors(colours)

        n = len(self.x)
        if state.dead:
            self.status.set_text(f"DEAD: z {LEQ} 0 on all {n} examples")
            self.status.get_bbox_patch().set_edgecolor(OKABE_ITO["vermillion"])
            self.status.get_bbox_patch().set_linewidth(2.0)
            self.status.set_fontweight("bold")
            self.verdict.set_text("dead: all three\nare exactly 0")
            self.verdict.set_color(OKABE_ITO["vermillion"])
        else:
            self.status.set_text(f"active on {state.n_active} of {n} examples")
            self.status.get_bbox_patch().set_edgecolor(MUTED)
            self.status.get_bbox_patch().set_linewidth(1.0)
            self.status.set_fontweight("normal")
            self.verdict.set_text(f"mean loss {format_number(state.loss)}")
            self.verdict.set_color(INK)

        limit = self.grad_limit
        for i, (bar, text, g) in enumerate(zip(self.bars, self.bar_texts, state.grad, strict=True)):
            shown = float(np.clip(g, -limit, limit))
            bar.set_y(min(shown, 0.0))
            bar.set_height(abs(shown))
            bar.set_facecolor(DEAD if state.dead else _BAR_COLOURS[i])
            text.set_text("0" if g == 0.0 else format_number(g))
            offset = 0.03 * limit
            text.set_y(shown + offset if shown >= 0 else shown - offset)
            text.set_va("bottom" if shown >= 0 else "top")

    def describe(self) -> str:
        """Describe the last state drawn in one sentence, for screen readers.

        Returns
        -------
        str
            The text alternative of the figure.
        """
        state = self.state
        if state is None:
            return "No weights drawn yet."
        w1, w2 = self.model[0].weight.data[0]
        b = self.model[0].bias.data[0]
        head = (
            f"ReLU unit with w1 = {format_number(w1)}, w2 = {format_number(w2)}, "
            f"b = {format_number(b)}: "
        )
        if state.dead:
            return head + f"dead, z {LEQ} 0 on all {len(self.x)} examples, gradient exactly 0."
        grads = ", ".join(
            f"dL/d{p} = {format_number(g)}" for p, g in zip(_PARAMS, state.grad, strict=True)
        )
        return head + f"active on {state.n_active} of {len(self.x)} examples; {grads}."


def relu_unit_explorer(
    x: ArrayLike | None = None,
    y: ArrayLike | None = None,
    *,
    w1_values: Sequence[float] = (-1.0, -0.5, 0.0, 0.5, 1.0),
    w2_values: Sequence[float] = (-1.0, -0.5, 0.0, 0.5, 1.0),
    b_values: Sequence[float] = (-2.0, -1.0, 0.0, 1.0, 2.0),
    initial: tuple[float, float, float] = (0.5, -0.5, 0.0),
    output_weight: float = 1.0,
    output_bias: float = 0.0,
    title: str = "One ReLU unit: where it is active, and the gradient it receives",
    instruction: str = (
        "Set both weights below zero with b \N{LESS-THAN OR EQUAL TO} 0: no example is active, "
        "the unit is dead and its gradient is exactly 0; then raise b until it comes back."
    ),
    dpi: float = 80,
    **options: Any,
) -> Explorer:
    """Build sliders for the weights ``w1, w2`` and bias ``b`` of one ReLU unit over 2-D data.

    Each frame writes the slider values into a ``Sequential(Linear(2, 1), ReLU(),
    Linear(1, 1))``, runs it forward and backward on the data with
    ``BCEWithLogitsLoss`` and draws: the plane shaded where ``z > 0``; the
    examples, filled where the unit is active and hollow where it is not; the
    count of active examples; and ``dL/dw1``, ``dL/dw2``, ``dL/db`` as bars. With
    no active example (``nncore.dead_units`` says dead) the figure says "DEAD"
    and the bars sit at exactly 0.

    Parameters
    ----------
    x : array_like, shape (n, 2), optional
        The examples. Default: 60 examples of ``nc.make_positive_features(rng=0)``,
        whose two features are positive for every example, as in Problem 3's
        case study.
    y : array_like of int, shape (n,), optional
        Labels 0 and 1 (required when ``x`` is given).
    w1_values, w2_values, b_values : sequence of float
        The slider grids; one frame per combination (5 x 5 x 5 = 125 by default).
    initial : (float, float, float), default (0.5, -0.5, 0)
        Starting ``(w1, w2, b)``; each must lie on its grid.
    output_weight, output_bias : float
        The fixed read-out ``logit = output_weight * h + output_bias`` whose
        loss the gradient is taken of.
    title, instruction : str
        Shown above the sliders.
    dpi : float, default 80
        Resolution of the precomputed frames.
    **options
        Passed on to :class:`nncore.widgets.Explorer` (``colors`` 32 by default).

    Returns
    -------
    Explorer
        ``explorer.view`` is the :class:`ReluUnitView` (its ``model`` and ``state``
        hold the last frame's network and :class:`~nnbook.experiments.case_study.UnitState`).
    """
    if x is None:
        x, y = nc.make_positive_features(60, rng=0)
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y).astype(np.int64)
    grids = {"w1": tuple(w1_values), "w2": tuple(w2_values), "b": tuple(b_values)}
    largest = _largest_gradient(x, y, grids, output_weight, output_bias)
    view = ReluUnitView(
        x,
        y,
        grad_limit=1.2 * largest if largest > 0 else 1.0,
        output_weight=output_weight,
        output_bias=output_bias,
    )
    controls = {
        name: Slider(grid, label=label, initial=start, fmt="{:.2g}")
        for (name, grid), label, start in zip(
            grids.items(), ("w\u2081", "w\u2082", "b"), initial, strict=True
        )
    }
    return make_explorer(
        view, controls, title=title, instruction=instruction, dpi=dpi, options=options, colors=32
    )


def _largest_gradient(
    x: np.ndarray,
    y: np.ndarray,
    grids: dict[str, tuple[float, ...]],
    output_weight: float,
    output_bias: float,
) -> float:
    """The largest gradient entry over the grid: it fixes the bars' axis, so frames compare."""
    probe = case_study_network(0.0, 0.0, 0.0, output_weight=output_weight, output_bias=output_bias)
    targets = y[:, None].astype(np.float64)
    largest = 0.0
    for w1, w2, b in itertools.product(*grids.values()):
        probe[0].weight.data[...] = [[w1, w2]]
        probe[0].bias.data[...] = [b]
        largest = max(largest, float(np.max(np.abs(unit_state(probe, x, targets).grad))))
    return largest
