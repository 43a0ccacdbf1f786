"""``dead_start_explorer``: where the case study's hidden unit starts, and what training makes of it.

The network is the one of the question-and-answer thread: two positive
features, one ReLU unit ``z = w1 * x1 + w2 * x2 + b``, ``h = max(0, z)``, and
one output unit whose logit ``v * h + c`` goes into a binary cross-entropy
(``BCEWithLogitsLoss``). Sliders choose the hidden unit's starting weights and
bias and the scale of the features; each frame shows the data, the region
where the unit is active at the start and after training, and the outcome:
how many examples the unit is active on, whether it lived, and the accuracy.

Every grid point is trained ahead of time through nncore, with full-batch
gradient descent (:func:`nncore.fit` and :class:`nncore.SGD`). To keep that
fast, :func:`train_starts` trains many starts in one call: the ``G`` hidden
units form one ``Linear(2, G)`` layer and the ``G`` output units one
``Linear(G, G)`` layer kept diagonal, so that each hidden unit feeds only its
own output. The loss then averages over ``n * G`` values, so each network's
gradient is ``1 / G`` of its own, and the learning rate is multiplied by ``G``
to give each network exactly the step it would take alone (the tests check
this against separate one-network runs).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .. import init
from ..containers import Sequential
from ..diagnostics import dead_units
from ..layers import Linear, ReLU
from ..losses import BCEWithLogitsLoss
from ..metrics import accuracy
from ..optim import SGD
from ..plot import OKABE_ITO, PALETTE, _fmt
from ..training import fit
from .explorer import DEFAULT_MAX_BYTES, Explorer, Slider, grid_values

__all__ = ["StartOutcome", "train_starts", "DeadStartView", "dead_start_explorer"]

_WHERE = "dead_start_explorer"
_INK = "#333333"
_MUTED = "#6B6B6B"
_LEQ = "\N{LESS-THAN OR EQUAL TO}"
_MARKERS = ("o", "s")
_START_FILL = OKABE_ITO["sky_blue"]
_END_FILL = OKABE_ITO["bluish_green"]
_VERDICT_COLOURS = {
    "lived": OKABE_ITO["bluish_green"],
    "died during training": OKABE_ITO["orange"],
    "was dead from the start": OKABE_ITO["vermillion"],
}


@dataclass(frozen=True)
class StartOutcome:
    """One start of the hidden unit and what full-batch training made of it.

    Attributes
    ----------
    weight_start, weight_end : numpy.ndarray, shape (2,)
        The hidden unit's weights ``(w1, w2)`` before and after training.
    bias_start, bias_end : float
        Its bias before and after training.
    active_start, active_end : numpy.ndarray of bool, shape (n,)
        Examples on which the unit is active (``z > 0``) before and after training.
    dead_start, dead_end : bool
        What :func:`nncore.dead_units` says before and after training.
    accuracy : float
        Training accuracy after training (logit > 0 means class 1).
    output_bias : float
        The output unit's bias after training.
    """

    weight_start: np.ndarray
    bias_start: float
    weight_end: np.ndarray
    bias_end: float
    active_start: np.ndarray
    active_end: np.ndarray
    dead_start: bool
    dead_end: bool
    accuracy: float
    output_bias: float

    @property
    def lived(self) -> bool:
        """True when the unit is active on at least one example after training."""
        return not self.dead_end

    @property
    def verdict(self) -> str:
        """``"lived"``, ``"was dead from the start"`` or ``"died during training"``."""
        if self.lived:
            return "lived"
        return "was dead from the start" if self.dead_start else "died during training"


def _as_features(x: ArrayLike, where: str) -> np.ndarray:
    xa = np.asarray(x)
    if xa.dtype.kind not in "biuf":
        raise TypeError(f"{where}: x must hold numbers, got dtype {xa.dtype}.")
    xa = xa.astype(np.float64)
    if xa.ndim != 2 or xa.shape[1] != 2 or xa.shape[0] == 0:
        raise ValueError(
            f"{where}: x must have shape (n, 2), two features per example, got {xa.shape}."
        )
    if not np.isfinite(xa).all():
        raise ValueError(f"{where}: x contains NaN or infinite values; remove those examples.")
    return xa


def _as_labels(y: ArrayLike, n: int, where: str) -> np.ndarray:
    ya = np.asarray(y)
    if ya.shape != (n,):
        raise ValueError(
            f"{where}: y must have shape ({n},), one label per row of x, got {ya.shape}."
        )
    if ya.dtype.kind not in "biuf" or not np.isin(ya, (0, 1)).all():
        raise ValueError(
            f"{where}: y must hold binary labels 0 and 1, got values {np.unique(ya)[:5]!r}."
        )
    return ya.astype(np.int64)


def _number(value: Any, name: str, where: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{where}: {name} must be a finite number, got {value!r}.")
    if positive and value <= 0:
        raise ValueError(f"{where}: {name} must be positive, got {value!r}.")
    return float(value)


def _count(value: Any, name: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive whole number, got {value!r}.")
    return int(value)


def train_starts(
    x: ArrayLike,
    y: ArrayLike,
    starts: ArrayLike,
    *,
    output_weight: float = 0.03,
    output_bias: float = 0.0,
    lr: float = 0.5,
    epochs: int = 300,
) -> list[StartOutcome]:
    """Train the 2-1-1 network from several starts of its hidden unit, all in one call.

    Network ``g`` is ``Linear(2, 1)`` (weights ``starts[g, :2]``, bias
    ``starts[g, 2]``), ``ReLU``, ``Linear(1, 1)`` (weight ``output_weight``, bias
    ``output_bias``), trained on the logit with ``BCEWithLogitsLoss`` by
    full-batch gradient descent (``SGD``, learning rate ``lr``) for ``epochs``
    steps. All networks are trained together as one wide network whose output
    layer is kept diagonal (see the module docstring); each takes the same steps
    as it would alone.

    Parameters
    ----------
    x : array_like, shape (n, 2)
        The training examples.
    y : array_like of int, shape (n,)
        Labels 0 and 1.
    starts : array_like, shape (G, 3)
        One row ``(w1, w2, b)`` per start of the hidden unit.
    output_weight, output_bias : float
        Starting weight and bias of the output unit, the same for every start.
    lr : float, default 0.5
        Learning rate of each network.
    epochs : int, default 300
        Gradient steps (one per epoch: full batch).

    Returns
    -------
    list of StartOutcome
        One per row of ``starts``, in order.
    """
    where = "train_starts"
    xa = _as_features(x, where)
    ya = _as_labels(y, len(xa), where)
    s = np.asarray(starts, dtype=np.float64) if np.asarray(starts).dtype.kind in "biuf" else None
    if s is None or s.ndim != 2 or s.shape[1] != 3 or s.shape[0] == 0 or not np.isfinite(s).all():
        raise ValueError(
            f"{where}: starts must be a finite array of shape (G, 3), one row (w1, w2, b) per "
            f"start, got {np.shape(starts)}."
        )
    output_weight = _number(output_weight, "output_weight", where)
    output_bias = _number(output_bias, "output_bias", where)
    lr = _number(lr, "lr", where, positive=True)
    epochs = _count(epochs, "epochs", where)

    g = s.shape[0]
    hidden = Linear(2, g, weight_init=init.zeros(), bias_init=init.zeros())
    hidden.weight.data[...] = s[:, :2]
    hidden.bias.data[...] = s[:, 2]
    diagonal = np.eye(g)
    output = Linear(g, g, weight_init=init.zeros(), bias_init=init.zeros())
    output.weight.data[...] = output_weight * diagonal
    output.bias.data[...] = output_bias
    model = Sequential(hidden, ReLU(), output)

    z_start = hidden(xa)
    dead_start = dead_units(model, xa)[0].copy()

    def keep_diagonal(epoch: int, net: Sequential) -> None:
        # Full batch: one step per epoch. Zeroing the off-diagonal weights after every
        # step keeps output g connected to hidden unit g only.
        net[2].weight.data *= diagonal

    targets = np.repeat(ya[:, None].astype(np.float64), g, axis=1)
    fit(model, BCEWithLogitsLoss(), SGD(model.parameters(), lr=lr * g), xa, targets,
        epochs=epochs, batch_size=None, shuffle=False, callback=keep_diagonal)

    z_end = hidden(xa)
    dead_end = dead_units(model, xa)[0]
    predicted = (model(xa) > 0).astype(np.int64)
    return [
        StartOutcome(
            weight_start=s[k, :2].copy(),
            bias_start=float(s[k, 2]),
            weight_end=hidden.weight.data[k].copy(),
            bias_end=float(hidden.bias.data[k]),
            active_start=z_start[:, k] > 0,
            active_end=z_end[:, k] > 0,
            dead_start=bool(dead_start[k]),
            dead_end=bool(dead_end[k]),
            accuracy=accuracy(predicted[:, k], ya),
            output_bias=float(output.bias.data[k]),
        )
        for k in range(g)
    ]


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

    Everything that does not change between frames of one feature scale (axes,
    ticks, labels, legend, headings) is drawn once per scale into a background
    picture; a frame then draws only the regions, boundaries, points and numbers
    on top of it, which keeps hundreds of frames quick to render.

    Parameters
    ----------
    x : numpy.ndarray, shape (n, 2)
        Examples at feature scale 1; a frame at scale ``s`` draws ``s * x``.
    y : numpy.ndarray of int, shape (n,)
    epochs : int
        Training steps, written in the figure.

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
    outcome : StartOutcome or None
        The last outcome drawn.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, *, epochs: int) -> None:
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch, Polygon

        self.x, self.y = x, y
        self.epochs = epochs
        self.extent = 1.08 * float(x.max())
        self.outcome: StartOutcome | None = None
        self.scale = 1.0
        self._backgrounds: dict[tuple[float, str, float], np.ndarray] = {}

        self.figure = Figure(figsize=(6.6, 3.5))
        fig = self.figure
        ax = fig.add_axes((0.1, 0.14, 0.45, 0.76))
        self.ax = ax
        self.start_region = Polygon(np.zeros((3, 2)), closed=True, facecolor=_START_FILL,
                                    alpha=0.35, edgecolor="none", zorder=0)
        self.end_region = Polygon(np.zeros((3, 2)), closed=True, facecolor=_END_FILL,
                                  alpha=0.30, edgecolor="none", zorder=0)
        ax.add_patch(self.start_region)
        ax.add_patch(self.end_region)
        (self.start_line,) = ax.plot([], [], color=_INK, linestyle="--", linewidth=1.4, zorder=2)
        (self.end_line,) = ax.plot([], [], color=_END_FILL, linestyle="-", linewidth=2.0, zorder=2)
        self.points = [
            ax.scatter(x[y == c, 0], x[y == c, 1], s=12, marker=_MARKERS[c], color=PALETTE[c],
                       linewidths=0, zorder=3)
            for c in (0, 1)
        ]
        ax.set_xlabel("feature 1 ($x_1$)")
        ax.set_ylabel("feature 2 ($x_2$)")
        ax.set_title("The hidden unit's active region ($z > 0$)", fontsize=10)
        ax.locator_params(nbins=5)
        self.legend = fig.legend(
            handles=[
                Patch(facecolor=_START_FILL, alpha=0.5, edgecolor=_INK, linestyle="--",
                      label="active at the start"),
                Patch(facecolor=_END_FILL, alpha=0.45, edgecolor=_END_FILL,
                      label="active after training"),
                Line2D([], [], marker=_MARKERS[0], color=PALETTE[0], linestyle="none",
                       label="class 0"),
                Line2D([], [], marker=_MARKERS[1], color=PALETTE[1], linestyle="none",
                       label="class 1"),
            ],
            loc="lower left", bbox_to_anchor=(0.585, 0.02), ncol=2, fontsize=8, frameon=False,
            handlelength=1.5, columnspacing=1.0,
        )
        left, text = 0.585, dict(ha="left", va="top", color=_INK, fontsize=9.5)
        majority = max(float(np.mean(y)), 1.0 - float(np.mean(y)))
        n = len(x)
        self.headings = [
            fig.text(left, 0.88, f"Examples with z > 0 (of {n})", fontweight="bold", **text),
            fig.text(left + 0.02, 0.79, "at the start", **text),
            fig.text(left + 0.02, 0.71, f"after {epochs} steps", **text),
            fig.text(left, 0.6, "Training accuracy", fontweight="bold", **text),
            fig.text(left + 0.02, 0.51, f"a constant answer gets {majority:.2f}",
                     **{**text, "color": _MUTED, "fontsize": 8.5}),
        ]
        number = {**text, "ha": "right", "fontweight": "bold"}
        self.start_text = fig.text(0.975, 0.79, "", **number)
        self.end_text = fig.text(0.975, 0.71, "", **number)
        self.accuracy_text = fig.text(0.975, 0.6, "", **number)
        self.verdict = fig.text(
            left, 0.27, "", va="bottom", ha="left", fontsize=10, fontweight="bold",
            bbox=dict(boxstyle="round,pad=0.4", facecolor="white", edgecolor=_MUTED, linewidth=2),
        )
        self._dynamic = [self.start_region, self.end_region, self.start_line, self.end_line,
                         *self.points, self.start_text, self.end_text, self.accuracy_text]
        self._static = [self.legend, ax.title, self.verdict, *self.headings]
        self._picture = fig.figimage(np.ones((1, 1, 4)), xo=0, yo=0, origin="upper", zorder=-10)

    def _background(self, hi: float, verdict: str) -> np.ndarray:
        """The figure without the per-frame artists, as RGBA pixels.

        One picture per axes limit ``[0, hi]``, verdict and resolution, drawn on first use.
        """
        key = (hi, verdict, float(self.figure.dpi))
        if key not in self._backgrounds:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            canvas = self.figure.canvas
            if not isinstance(canvas, FigureCanvasAgg):
                canvas = FigureCanvasAgg(self.figure)
            self.verdict.set_text(f"the unit {verdict}")
            self.verdict.get_bbox_patch().set_edgecolor(_VERDICT_COLOURS[verdict])
            self._show(static=True)
            canvas.draw()
            self._backgrounds[key] = np.asarray(canvas.buffer_rgba()).copy()
            self._show(static=False)
        return self._backgrounds[key]

    def _show(self, *, static: bool) -> None:
        self.ax.set_axis_on() if static else self.ax.set_axis_off()
        self._picture.set_visible(not static)
        for artist in self._static:
            artist.set_visible(static)
        for artist in self._dynamic:
            artist.set_visible(not static)

    def update(self, outcome: StartOutcome, scale: float) -> None:
        """Draw ``outcome`` for features multiplied by ``scale``, changing artists in place.

        Parameters
        ----------
        outcome : StartOutcome
        scale : float
        """
        self.outcome, self.scale = outcome, scale
        hi = self.extent * scale
        for c, points in enumerate(self.points):
            points.set_offsets(scale * self.x[self.y == c])
        self.ax.set_xlim(0.0, hi)
        self.ax.set_ylim(0.0, hi)
        self._picture.set_data(self._background(hi, outcome.verdict))
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

    @staticmethod
    def _activity(active: np.ndarray, n: int) -> str:
        k = int(active.sum())
        return f"dead: z {_LEQ} 0 on all {n} examples" if k == 0 else f"active on {k} of {n} examples"

    def describe(self) -> str:
        """One sentence on the last frame drawn, for screen readers."""
        o = self.outcome
        if o is None:
            return "No start drawn yet."
        n = len(self.x)
        return (
            f"Hidden ReLU unit starting at w = ({_fmt(o.weight_start[0])}, {_fmt(o.weight_start[1])}), "
            f"b = {_fmt(o.bias_start)}, features times {_fmt(self.scale)}: "
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
    dpi: float = 64,
    colors: int | None = 32,
    max_bytes: int = DEFAULT_MAX_BYTES,
    live: bool = True,
) -> Explorer:
    """Sliders for the hidden unit's starting ``w1, w2, b`` and the feature scale.

    Each frame shows the data multiplied by the scale, where the unit is active
    at the start and after training (shaded, with the boundary ``z = 0``), how
    many examples it is active on, the training accuracy and a verdict: the unit
    lived, was dead from the start, or died during training. Every grid point is
    trained beforehand with :func:`train_starts`; with a kernel, settings off the
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
    dpi : float, default 64
        Resolution of the frames.
    colors : int or None, default 32
        Palette size of the PNG frames.
    max_bytes : int, default 3_000_000
        Budget of the frames' PNG bytes.
    live : bool, default True
        With a kernel, redraw through nncore when a slider moves.

    Returns
    -------
    Explorer
        ``explorer.view`` is the :class:`DeadStartView`; ``explorer.outcomes`` maps
        ``(w1, w2, b, scale)`` to the :class:`StartOutcome` of that frame.
    """
    xa = _as_features(x, _WHERE)
    if (xa <= 0).any():
        raise ValueError(
            f"{_WHERE}: x must hold positive features (the case study's setting), got a smallest "
            f"value of {xa.min():g}; use nc.make_positive_features."
        )
    ya = _as_labels(y, len(xa), _WHERE)
    ws = grid_values(weight_values, "weight_values", where=_WHERE, example="(-0.04, 0.0, 0.04)")
    bs = grid_values(bias_values, "bias_values", where=_WHERE, example="(-0.04, 0.0, 0.04)")
    scales = grid_values(scale_values, "scale_values", where=_WHERE, example="(0.3, 1.0, 3.0)",
                         positive=True)
    if not (isinstance(initial, (tuple, list)) and len(initial) == 4):
        raise ValueError(f"{_WHERE}: initial must be (w1, w2, b, scale), got {initial!r}.")
    for value, grid, name in zip(initial, (ws, ws, bs, scales), ("w1", "w2", "b", "scale")):
        if value not in grid:
            raise ValueError(
                f"{_WHERE}: initial {name} = {value!r} is not on its grid {list(grid)!r}; "
                f"pick one of the grid values."
            )
    output_weight = _number(output_weight, "output_weight", _WHERE)
    output_bias = _number(output_bias, "output_bias", _WHERE)
    lr = _number(lr, "lr", _WHERE, positive=True)
    epochs = _count(epochs, "epochs", _WHERE)
    settings = dict(output_weight=output_weight, output_bias=output_bias, lr=lr, epochs=epochs)

    # Train every grid point beforehand: one wide network per (b, scale).
    outcomes: dict[tuple[float, float, float, float], StartOutcome] = {}
    pairs = [(w1, w2) for w1 in ws for w2 in ws]
    for scale in scales:
        for b in bs:
            starts = np.array([(w1, w2, b) for w1, w2 in pairs])
            for (w1, w2), outcome in zip(pairs, train_starts(scale * xa, ya, starts, **settings)):
                outcomes[(w1, w2, b, scale)] = outcome

    view = DeadStartView(xa, ya, epochs=epochs)

    def update(w1: float, w2: float, b: float, scale: float) -> None:
        key = (w1, w2, b, scale)
        if key not in outcomes:  # off the grid (live kernel): train it now
            outcomes[key] = train_starts(scale * xa, ya, [[w1, w2, b]], **settings)[0]
        view.update(outcomes[key], scale)

    def alt(**values: Any) -> str:
        return view.describe()

    w1_0, w2_0, b_0, s_0 = initial
    weight_fmt = "{:+.2f}"
    explorer = Explorer(
        view.figure, update,
        {
            "w1": Slider(ws, label="start w\N{SUBSCRIPT ONE}", initial=w1_0, fmt=weight_fmt),
            "w2": Slider(ws, label="start w\N{SUBSCRIPT TWO}", initial=w2_0, fmt=weight_fmt),
            "b": Slider(bs, label="start b", initial=b_0, fmt=weight_fmt),
            "scale": Slider(scales, label="feature scale", initial=s_0, fmt="{:g}"),
        },
        title=title, instruction=instruction, alt=alt, dpi=dpi, colors=colors,
        max_bytes=max_bytes, live=live, view=view,
    )
    explorer.outcomes = outcomes
    return explorer
