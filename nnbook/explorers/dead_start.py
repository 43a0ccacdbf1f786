"""Where the case study's hidden unit starts, and what training makes of it (chapter 4).

The network is the case study's 2-1-1 network (:mod:`nnbook.experiments.case_study`). Sliders choose
the hidden unit's starting weights and bias and the scale of the features; each frame
shows the data, the region where the unit is active at the start and after training, and
the outcome: how many examples the unit is active on, whether it lived, and the accuracy.
Every grid point is trained ahead of time through nncore, many starts per call
(:func:`nnbook.experiments.case_study.train_starts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon
from numpy.typing import ArrayLike

from nnbook.experiments.case_study import StartOutcome, train_starts
from nnbook.explorers._common import LEQ, class_handles, class_points, make_explorer
from nncore.plot import INK, MUTED, OKABE_ITO
from nncore.plot.style import format_number
from nncore.widgets import Explorer, Overlay, Slider

__all__ = ["DeadStartView", "dead_start_explorer"]

_START_FILL = OKABE_ITO["sky_blue"]
_END_FILL = OKABE_ITO["bluish_green"]
_VERDICT_COLOURS = {
    "lived": OKABE_ITO["bluish_green"],
    "died during training": OKABE_ITO["orange"],
    "was dead from the start": OKABE_ITO["vermillion"],
}


def _half_plane(w: np.ndarray, b: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """The part of the square [0, hi]^2 where ``w . p + b > 0``, and its boundary segment.

    Returns
    -------
    polygon : numpy.ndarray, shape (k, 2)
        Corners of the clipped region (k = 0 when it is empty).
    segment : numpy.ndarray, shape (m, 2)
        The two ends of ``w . p + b = 0`` inside the square (m = 0 when it misses it).
    """
    corners = np.array([[0.0, 0.0], [hi, 0.0], [hi, hi], [0.0, hi]])
    values = corners @ w + b
    polygon, segment = [], []
    for i in range(4):
        p, q = corners[i], corners[(i + 1) % 4]
        fp, fq = values[i], values[(i + 1) % 4]
        if fp > 0:
            polygon.append(p)
        if (fp > 0) != (fq > 0):
            cut = p + (q - p) * (fp / (fp - fq))
            polygon.append(cut)
            segment.append(cut)
    return np.array(polygon).reshape(-1, 2), np.array(segment).reshape(-1, 2)


class DeadStartView:
    """The explorer's figure: data, the unit's active region before and after training, outcome.

    The figure is drawn in two overlays (:attr:`overlays`): the regions, boundaries, numbers
    and verdict; on top, the points, axes, legend and headings, which change with the
    feature scale only, so that an explorer stores them once per scale.

    Parameters
    ----------
    x : numpy.ndarray, shape (n, 2)
        Examples at feature scale 1; a frame at scale ``s`` draws ``s * x``.
    y : numpy.ndarray of int, shape (n,)
    settings : dict
        ``output_weight``, ``output_bias``, ``lr`` and ``epochs`` of
        :func:`~nnbook.experiments.case_study.train_starts`.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    start_region, end_region : matplotlib.patches.Polygon
        Where the unit is active at the start and after training.
    start_line, end_line : matplotlib.lines.Line2D
        The boundary ``z = 0`` at the start (dashed) and after training (solid).
    start_text, end_text, accuracy_text : matplotlib.text.Text
        The numbers right of the plot: active examples before and after training, accuracy.
    verdict : matplotlib.text.Text
        "the unit lived", "... was dead from the start" or "... died during training".
    outcomes : dict of (w1, w2, b, scale) to StartOutcome
        Every start trained so far; :meth:`train_grid` fills it for a whole grid.
    outcome : StartOutcome or None
        The last outcome drawn.
    overlays : list of nncore.widgets.Overlay
        The figure's overlays, bottom first.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, *, settings: dict[str, Any]) -> None:
        self.x, self.y = x, y
        self.settings = settings
        self.epochs = settings["epochs"]
        self.outcomes: dict[tuple[float, float, float, float], StartOutcome] = {}
        self.extent = 1.08 * float(x.max())
        self.outcome: StartOutcome | None = None
        self.scale = 1.0

        self.figure = Figure(figsize=(6.6, 3.5))
        self.ax = ax = self.figure.add_axes((0.1, 0.14, 0.45, 0.76))
        self._draw_plane(ax)
        self.legend = self._draw_legend()
        self._draw_numbers(left=0.585)
        # Two overlays (nncore.widgets.Overlay): the regions, boundaries, numbers and verdict
        # change with every control; the points, axes, legend and headings on top of them
        # only with the feature scale, so an explorer stores them once per scale.
        self.overlays = [
            Overlay(None),
            Overlay(
                [*self.points, ax.xaxis, ax.yaxis, *ax.spines.values(), ax.title, self.legend]
                + self.headings,
                controls=("scale",),
            ),
        ]

    def _draw_plane(self, ax: Axes) -> None:
        """The active regions and boundaries at the start and after training, and the data."""

        def region(colour: str, alpha: float) -> Polygon:
            return Polygon(
                np.zeros((3, 2)),
                closed=True,
                facecolor=colour,
                alpha=alpha,
                edgecolor="none",
                zorder=0,
            )

        self.start_region = region(_START_FILL, 0.35)
        self.end_region = region(_END_FILL, 0.30)
        ax.add_patch(self.start_region)
        ax.add_patch(self.end_region)
        (self.start_line,) = ax.plot([], [], color=INK, linestyle="--", linewidth=1.4, zorder=2)
        (self.end_line,) = ax.plot([], [], color=_END_FILL, linestyle="-", linewidth=2.0, zorder=2)
        self.points = class_points(ax, self.x, self.y, s=12, linewidths=0, zorder=3)
        ax.set_xlabel("feature 1 ($x_1$)")
        ax.set_ylabel("feature 2 ($x_2$)")
        ax.set_title("The hidden unit's active region ($z > 0$)", fontsize=10)
        ax.locator_params(nbins=5)

    def _draw_legend(self) -> Any:
        """The legend right of the plot: the two regions and the two classes."""
        start = Patch(
            facecolor=_START_FILL,
            alpha=0.5,
            edgecolor=INK,
            linestyle="--",
            label="active at the start",
        )
        end = Patch(
            facecolor=_END_FILL, alpha=0.45, edgecolor=_END_FILL, label="active after training"
        )
        return self.figure.legend(
            handles=[start, end, *class_handles()],
            loc="lower left",
            bbox_to_anchor=(0.585, 0.02),
            ncol=2,
            fontsize=9,
            frameon=False,
            handlelength=1.5,
            columnspacing=1.0,
        )

    def _draw_numbers(self, left: float) -> None:
        """The headings right of the plot, the numbers under them, and the verdict's box."""
        fig, y, n = self.figure, self.y, len(self.x)
        text = dict(ha="left", va="top", color=INK, fontsize=9.5)
        majority = max(float(np.mean(y)), 1.0 - float(np.mean(y)))
        self.headings = [
            fig.text(left, 0.88, f"Examples with z > 0 (of {n})", fontweight="bold", **text),
            fig.text(left + 0.02, 0.79, "at the start", **text),
            fig.text(left + 0.02, 0.71, f"after {self.epochs} steps", **text),
            fig.text(left, 0.6, "Training accuracy", fontweight="bold", **text),
            fig.text(
                left + 0.02,
                0.51,
                f"a constant answer gets {majority:.2f}",
                **{**text, "color": MUTED, "fontsize": 9},
            ),
        ]
        number = {**text, "ha": "right", "fontweight": "bold"}
        self.start_text = fig.text(0.975, 0.79, "", **number)
        self.end_text = fig.text(0.975, 0.71, "", **number)
        self.accuracy_text = fig.text(0.975, 0.6, "", **number)
        self.verdict = fig.text(
            left,
            0.27,
            "",
            va="bottom",
            ha="left",
            fontsize=10,
            fontweight="bold",
            bbox=dict(boxstyle="round,pad=0.4", facecolor="white", edgecolor=MUTED, linewidth=2),
        )

    def update(self, w1: float, w2: float, b: float, scale: float) -> None:
        """Draw the outcome of the start ``(w1, w2, b)`` on features times ``scale``.

        A start met before is drawn from :attr:`outcomes`; a new one (a setting off the
        grid, with a kernel) is trained first with
        :func:`~nnbook.experiments.case_study.train_starts`.

        Parameters
        ----------
        w1, w2, b : float
            The hidden unit's starting weights and bias.
        scale : float
            Factor multiplying the features.
        """
        key = (w1, w2, b, scale)
        if key not in self.outcomes:
            self.outcomes[key] = train_starts(
                scale * self.x, self.y, [[w1, w2, b]], **self.settings
            )[0]
        outcome = self.outcomes[key]
        self.outcome, self.scale = outcome, scale
        hi = self.extent * scale
        for c, points in enumerate(self.points):
            points.set_offsets(scale * self.x[self.y == c])
        self.ax.set_xlim(0.0, hi)
        self.ax.set_ylim(0.0, hi)
        self.verdict.set_text(f"the unit {outcome.verdict}")
        self.verdict.get_bbox_patch().set_edgecolor(_VERDICT_COLOURS[outcome.verdict])
        for region, line, w, b in (
            (self.start_region, self.start_line, outcome.weight_start, outcome.bias_start),
            (self.end_region, self.end_line, outcome.weight_end, outcome.bias_end),
        ):
            polygon, segment = _half_plane(w, b, hi)
            region.set_visible(len(polygon) >= 3)
            if len(polygon) >= 3:
                region.set_xy(polygon)
            line.set_data(segment[:, 0], segment[:, 1])
        self.start_text.set_text(str(int(outcome.active_start.sum())))
        self.end_text.set_text(str(int(outcome.active_end.sum())))
        self.accuracy_text.set_text(f"{outcome.accuracy:.2f}")

    def train_grid(
        self, weights: Sequence[float], biases: Sequence[float], scales: Sequence[float]
    ) -> None:
        """Train every start of the grid beforehand: one wide network per (b, scale).

        Parameters
        ----------
        weights : sequence of float
            The grid of ``w1`` and of ``w2``.
        biases : sequence of float
            The grid of ``b``.
        scales : sequence of float
            The factors multiplying the features.
        """
        pairs = [(w1, w2) for w1 in weights for w2 in weights]
        for scale in scales:
            for b in biases:
                starts = np.array([(w1, w2, b) for w1, w2 in pairs])
                trained = train_starts(scale * self.x, self.y, starts, **self.settings)
                for (w1, w2), outcome in zip(pairs, trained, strict=True):
                    self.outcomes[(w1, w2, b, scale)] = outcome

    @staticmethod
    def _activity(active: np.ndarray, n: int) -> str:
        k = int(active.sum())
        return (
            f"dead: z {LEQ} 0 on all {n} examples" if k == 0 else f"active on {k} of {n} examples"
        )

    def describe(self) -> str:
        """Describe the last frame drawn in one sentence, for screen readers.

        Returns
        -------
        str
            The text alternative of the figure.
        """
        o = self.outcome
        if o is None:
            return "No start drawn yet."
        n = len(self.x)
        return (
            f"Hidden ReLU unit starting at w = ({format_number(o.weight_start[0])}, "
            f"{format_number(o.weight_start[1])}), "
            f"b = {format_number(o.bias_start)}, features times {format_number(self.scale)}: "
            f"{self._activity(o.active_start, n)} at the start, "
            f"{self._activity(o.active_end, n)} after {self.epochs} steps; "
            f"the unit {o.verdict}; training accuracy {o.accuracy:.2f}."
        )


def dead_start_explorer(
    x: ArrayLike,
    y: ArrayLike,
    *,
    weight_values: Sequence[float] = (-0.04, -0.02, 0.0, 0.02, 0.04),
    bias_values: Sequence[float] = (-0.04, -0.02, 0.0, 0.02, 0.04),
    scale_values: Sequence[float] = (0.3, 1.0, 3.0),
    initial: tuple[float, float, float, float] = (-0.02, -0.02, 0.02, 1.0),
    output_weight: float = 0.03,
    output_bias: float = 0.0,
    lr: float = 0.5,
    epochs: int = 300,
    title: str = "From which starts does the hidden unit live?",
    instruction: str = (
        "Set both weights negative and move b and the feature scale: with b > 0 the unit "
        "is alive at small scales and dead at large ones; then see what training does."
    ),
    dpi: float = 72,
    **options: Any,
) -> Explorer:
    """Build sliders for the hidden unit's starting ``w1, w2, b`` and the feature scale.

    Each frame shows the data multiplied by the scale, where the unit is active
    at the start and after training (shaded, with the boundary ``z = 0``), how
    many examples it is active on, the training accuracy and a verdict: the unit
    lived, was dead from the start, or died during training. Every grid point is
    trained beforehand with :func:`~nnbook.experiments.case_study.train_starts`; with a kernel,
    settings off the
    grid are trained when drawn.

    Parameters
    ----------
    x : array_like, shape (n, 2)
        Positive features at scale 1, e.g. from ``nc.make_positive_features``.
    y : array_like of int, shape (n,)
        Labels 0 and 1.
    weight_values, bias_values : sequence of float
        Grids of the sliders for ``w1`` and ``w2`` (the same grid), and for ``b``.
    scale_values : sequence of float, default (0.3, 1, 3)
        Factors multiplying the features (> 0).
    initial : (w1, w2, b, scale)
        Starting slider positions, each on its grid.
    output_weight, output_bias : float
        Starting weight and bias of the output unit, the same in every frame.
    lr : float, default 0.5
        Learning rate of full-batch gradient descent.
    epochs : int, default 300
        Gradient steps.
    title, instruction : str
        Shown above the sliders.
    dpi : float, default 72
        Resolution of the frames.
    **options
        Passed on to :class:`nncore.widgets.Explorer` (``colors`` 16 by default).

    Returns
    -------
    Explorer
        ``explorer.view`` is the :class:`DeadStartView`; ``explorer.view.outcomes`` maps
        ``(w1, w2, b, scale)`` to the :class:`~nnbook.experiments.case_study.StartOutcome` of
        that frame.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y).astype(np.int64)
    settings = dict(output_weight=output_weight, output_bias=output_bias, lr=lr, epochs=epochs)
    view = DeadStartView(x, y, settings=settings)
    view.train_grid(weight_values, bias_values, scale_values)
    controls = _start_controls(weight_values, bias_values, scale_values, initial)
    return make_explorer(
        view, controls, title=title, instruction=instruction, dpi=dpi, options=options, colors=16
    )


def _start_controls(
    weight_values: Sequence[float],
    bias_values: Sequence[float],
    scale_values: Sequence[float],
    initial: tuple[float, float, float, float],
) -> dict[str, Slider]:
    """The sliders of ``w1``, ``w2``, ``b`` and the feature scale, at their starting values."""
    w1_0, w2_0, b_0, s_0 = initial
    weight_fmt = "{:+.2f}"
    return {
        "w1": Slider(weight_values, label="start w\N{SUBSCRIPT ONE}", initial=w1_0, fmt=weight_fmt),
        "w2": Slider(weight_values, label="start w\N{SUBSCRIPT TWO}", initial=w2_0, fmt=weight_fmt),
        "b": Slider(bias_values, label="start b", initial=b_0, fmt=weight_fmt),
        "scale": Slider(scale_values, label="feature scale", initial=s_0, fmt="{:g}"),
    }
