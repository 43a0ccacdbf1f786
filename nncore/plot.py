"""Figures of networks and training, drawn with matplotlib.

Every function imports matplotlib when it is called, so ``import nncore``
needs numpy only. All figures share one colour-blind-safe palette
(Okabe and Ito), carry a title and labelled axes, and come at a size that
reads well on a book page.

The two figures that explorers animate, :func:`draw_network` and
:func:`decision_regions`, return an object with an ``update`` method that
changes the existing artists (edge widths and colours, texts, images) for a
new model state or input, instead of drawing a new figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .containers import LayerTrace, Sequential
from .layers import Identity, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "POSITIVE",
    "NEGATIVE",
    "DEAD",
    "NetworkDiagram",
    "DecisionRegions",
    "draw_network",
    "draw_gradients",
    "decision_regions",
    "training_curves",
    "confusion_matrix",
    "preactivation_histogram",
]

#: Okabe-Ito palette, eight colours that stay distinct under the common
#: forms of colour-vision deficiency.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Order in which series (curves, classes) take their colours.
PALETTE: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)

#: Colour of positive weights in network diagrams.
POSITIVE: str = OKABE_ITO["blue"]
#: Colour of negative weights in network diagrams.
NEGATIVE: str = OKABE_ITO["vermillion"]
#: Fill of dead units (drawn hatched as well, so colour is not the only cue).
DEAD: str = "#D9D9D9"

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_INK = "#333333"
_MUTED = "#6B6B6B"
_MINUS = "\N{MINUS SIGN}"


# ----------------------------------------------------------------------------- helpers


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _new_axes(figsize: tuple[float, float]) -> Axes:
    fig, ax = _pyplot().subplots(figsize=figsize, layout="constrained")
    return ax


def _fmt(value: float) -> str:
    """A short, readable number: 3 significant digits and a true minus sign."""
    value = float(value)
    if abs(value) < 5e-13:
        return "0"
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", _MINUS)


def _tint(colour: str, amount: float) -> np.ndarray:
    """``colour`` mixed with white: ``amount`` 1 is the colour, 0 is white (RGB floats)."""
    from matplotlib.colors import to_rgb

    rgb = np.array(to_rgb(colour))
    return 1.0 - amount * (1.0 - rgb)


def _activation_name(layer: Any) -> str:
    if layer is None:
        return "linear"
    if isinstance(layer, LeakyReLU):
        return f"leaky ReLU ({layer.negative_slope:g})"
    names = {
        ReLU: "ReLU", Sigmoid: "logistic sigmoid", Tanh: "tanh", Identity: "identity", Softmax: "softmax",
    }
    return names.get(type(layer), type(layer).__name__)


def _check_model(model: Any, where: str) -> list[Linear]:
    if not isinstance(model, Sequential):
        raise TypeError(
            f"{where}: expected an nncore Sequential model, got {type(model).__name__}. "
            f"Build one with nc.Sequential(nc.Linear(4, 2), nc.ReLU(), ...) or "
            f"nc.mlp([4, 2, 3, 1])."
        )
    linears = [layer for layer in model.layers if isinstance(layer, Linear)]
    if not linears:
        raise ValueError(
            f"{where}: the model has no Linear layer, so there is nothing to draw; "
            f"got {model!r}."
        )
    for prev, nxt in zip(linears[:-1], linears[1:]):
        if prev.out_features != nxt.in_features:
            raise ValueError(
                f"{where}: consecutive Linear layers do not chain: {prev!r} is followed by "
                f"{nxt!r}. Each layer's in_features must equal the previous out_features."
            )
    return linears


def _as_batch(x: ArrayLike, n_features: int, where: str, name: str = "x") -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != n_features or arr.shape[0] == 0:
        raise ValueError(
            f"{where}: expected {name} of shape ({n_features},) or (n, {n_features}) to match "
            f"the model's first Linear layer, got shape {np.shape(x)}."
        )
    return arr


def _trace(model: Sequential, x: np.ndarray) -> list[LayerTrace]:
    model(x)
    return model.forward_trace()


# ----------------------------------------------------------------------------- network diagram


class NetworkDiagram:
    """A drawn network whose artists follow the model: call :meth:`update` to redraw.

    Built by :func:`draw_network`; see there for the picture's conventions.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    sizes : list of int
        Units per layer, inputs first: ``[4, 2, 3, 1]`` for the 4-2-3-1 network.
    positions : list of int
        Index in the ``Sequential`` of each ``Linear`` layer.
    units : list of list of matplotlib.patches.Circle
        ``units[l][k]`` is unit ``k`` of layer ``l`` (layer 0 holds the inputs).
    edges : list of matplotlib.collections.LineCollection
        One collection per ``Linear`` layer with one segment per weight, in the
        order of ``weight.data.ravel()``: segment ``i * in_features + j`` joins
        input ``j`` to unit ``i``.
    value_texts : list of list of matplotlib.text.Text
        The number written in each unit (its activation ``h``; the input value for layer 0).
    z_texts : list of list of matplotlib.text.Text
        The pre-activation ``z`` above each unit of layers 1 and up (``z_texts[0]`` is empty).
    header_texts : list of matplotlib.text.Text
        Layer names and activations above the columns.
    weight_scale : float
        ``|w|`` drawn at ``max_linewidth``; kept fixed by :meth:`update` so widths compare.
    dead : dict of int to numpy.ndarray of bool
        Dead (or, for a single input, inactive) ReLU units from the last update.
    """

    _RADIUS = 0.34

    def __init__(
        self,
        model: Sequential,
        ax: Axes,
        *,
        title: str | None,
        annotate: bool,
        show_dead: bool,
        input_names: Sequence[str] | None,
        weight_scale: float | None,
        max_linewidth: float,
    ) -> None:
        from matplotlib.collections import LineCollection
        from matplotlib.patches import Circle

        linears = _check_model(model, "draw_network")
        self.figure: Figure = ax.figure
        self.ax = ax
        self.model = model
        self.sizes = [linears[0].in_features] + [lin.out_features for lin in linears]
        self.positions = [i for i, layer in enumerate(model.layers) if isinstance(layer, Linear)]
        self.annotate = annotate
        self.show_dead = show_dead
        self.max_linewidth = float(max_linewidth)
        self._auto_title = title is None
        if input_names is None:
            input_names = [f"$x_{{{j + 1}}}$" for j in range(self.sizes[0])]
        elif len(input_names) != self.sizes[0]:
            raise ValueError(
                f"draw_network: expected {self.sizes[0]} input_names (one per input of "
                f"{linears[0]!r}), got {len(input_names)}."
            )
        self.input_names = list(input_names)
        if weight_scale is None:
            weight_scale = max(float(np.max(np.abs(lin.weight.data))) for lin in linears)
        elif not np.isfinite(weight_scale) or weight_scale <= 0:
            raise ValueError(
                f"draw_network: weight_scale must be a positive number (the |w| drawn at "
                f"full width), got {weight_scale!r}."
            )
        self.weight_scale = float(weight_scale) if weight_scale > 0 else 1.0
        self.dead: dict[int, np.ndarray] = {}
        self.x: np.ndarray | None = None
        self.data: np.ndarray | None = None

        r = self._RADIUS
        layout = _diagram_layout(self.sizes, self.input_names)
        self._dx = dx = layout["dx"]
        self.centres = [
            [(layer * dx, (n - 1) / 2 - k) for k in range(n)]
            for layer, n in enumerate(self.sizes)
        ]
        font = layout["font"]
        self._font = font

        self.edges = []
        for layer, lin in enumerate(linears):
            segments = []
            for i in range(lin.out_features):
                for j in range(lin.in_features):
                    (x0, y0), (x1, y1) = self.centres[layer][j], self.centres[layer + 1][i]
                    d = np.array([x1 - x0, y1 - y0])
                    u = d / np.linalg.norm(d)
                    segments.append(
                        [(x0 + r * u[0], y0 + r * u[1]), (x1 - r * u[0], y1 - r * u[1])]
                    )
            coll = LineCollection(segments, zorder=1, capstyle="round", alpha=0.85)
            ax.add_collection(coll)
            self.edges.append(coll)

        self.units, self.value_texts, self.z_texts = [], [], []
        self.name_texts, self.output_texts = [], []
        for layer, column in enumerate(self.centres):
            circles, values, zs = [], [], []
            for k, (cx, cy) in enumerate(column):
                circle = Circle((cx, cy), r, zorder=3, linewidth=1.4, edgecolor=_INK)
                ax.add_patch(circle)
                circles.append(circle)
                values.append(
                    ax.text(cx, cy, "", ha="center", va="center", zorder=4,
                            fontsize=font, color=_INK, fontweight="bold")
                )
                if layer == 0:
                    self.name_texts.append(
                        ax.text(cx - r - 0.12, cy, self.input_names[k], ha="right",
                                va="center", fontsize=font + 1, color=_INK)
                    )
                else:
                    zs.append(
                        ax.text(cx, cy + r + 0.09, "", ha="center", va="bottom", zorder=4,
                                fontsize=font - 1.5, color=_MUTED,
                                bbox=dict(boxstyle="round,pad=0.12", facecolor="white",
                                          edgecolor="none", alpha=0.85))
                    )
                if layer == len(self.centres) - 1:
                    label = "$\\hat{y}$" if len(column) == 1 else f"$\\hat{{y}}_{{{k + 1}}}$"
                    self.output_texts.append(
                        ax.text(cx + r + 0.12, cy, label, ha="left", va="center",
                                fontsize=font + 1, color=_INK)
                    )
            self.units.append(circles)
            self.value_texts.append(values)
            self.z_texts.append(zs)

        top = (max(self.sizes) - 1) / 2
        self.header_texts = [
            ax.text(layer * dx, top + 0.95, "", ha="center", va="bottom",
                    fontsize=font, color=_INK, linespacing=1.3)
            for layer in range(len(self.sizes))
        ]
        ax.set_xlim(*layout["xlim"])
        ax.set_ylim(*layout["ylim"])
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel(
            f"edge width \N{PROPORTIONAL TO} |weight| "
            f"(full width at |w| = {_fmt(self.weight_scale)})",
            fontsize=max(8.0, font - 1), color=_MUTED,
        )
        ax.set_title(title or "", fontsize=font + 2, fontweight="bold", color=_INK)
        self._legend = None

    # ------------------------------------------------------------------ update

    def update(
        self,
        model: Sequential | None = None,
        x: ArrayLike | None = None,
        *,
        data: ArrayLike | None = None,
    ) -> NetworkDiagram:
        """Redraw for a model state and input by changing the existing artists.

        Parameters
        ----------
        model : Sequential, optional
            A model with the same layer sizes; defaults to the one drawn last.
            Its weights are read afresh, so after training or editing
            ``weight.data`` in place, ``update()`` alone shows the change.
        x : array_like, shape (n_in,) or (1, n_in), optional
            The input whose pre-activations and activations are written in the
            units; defaults to the last one.
        data : array_like, shape (n, n_in), optional
            Examples over which a ReLU unit counts as dead (0 on all of them);
            defaults to ``x``, in which case "dead" means inactive for that input.

        Returns
        -------
        NetworkDiagram
            ``self``, so calls can be chained.
        """
        if model is not None:
            linears = _check_model(model, "NetworkDiagram.update")
            sizes = [linears[0].in_features] + [lin.out_features for lin in linears]
            if sizes != self.sizes:
                raise ValueError(
                    f"NetworkDiagram.update: the diagram shows layer sizes {self.sizes}, the new "
                    f"model has {sizes}. Draw a new diagram with draw_network for another "
                    f"architecture."
                )
            self.model = model
        model = self.model
        if x is not None:
            x = _as_batch(x, self.sizes[0], "NetworkDiagram.update")
            if x.shape[0] != 1:
                raise ValueError(
                    f"NetworkDiagram.update: x is the one input written into the units, expected "
                    f"shape ({self.sizes[0]},), got {x.shape}. Pass a batch as data= to judge "
                    f"dead units."
                )
            self.x = x
        if data is not None:
            self.data = _as_batch(data, self.sizes[0], "NetworkDiagram.update", "data")

        self._update_edges(model)
        self._update_headers(model)
        judge = self.data if self.data is not None else self.x
        self.dead = {}
        if self.show_dead and judge is not None:
            from .diagnostics import dead_units

            self.dead = dead_units(model, judge)
        traces = _trace(model, self.x) if self.x is not None else None
        self._update_units(traces)
        self._update_legend(judge)
        if self._auto_title:
            self.ax.set_title(self._default_title(model))
        return self

    def _update_edges(self, model: Sequential) -> None:
        from matplotlib.colors import to_rgba

        linears = [layer for layer in model.layers if isinstance(layer, Linear)]
        pos, neg = to_rgba(POSITIVE), to_rgba(NEGATIVE)
        for coll, lin in zip(self.edges, linears):
            w = lin.weight.data.ravel()
            coll.set_linewidths(self.max_linewidth * np.abs(w) / self.weight_scale)
            coll.set_colors([pos if v >= 0 else neg for v in w])

    def _update_headers(self, model: Sequential) -> None:
        acts = _static_trace(model)
        n_layers = len(self.sizes)
        for layer, text in enumerate(self.header_texts):
            if layer == 0:
                text.set_text(f"input\n{self.sizes[0]} features")
                continue
            act = _activation_name(acts[layer - 1])
            name = "output" if layer == n_layers - 1 else f"hidden {layer}"
            text.set_text(f"{name}\n{act}")

    def _update_units(self, traces: list[LayerTrace] | None) -> None:
        from matplotlib.colors import to_rgb

        fills = [to_rgb("#FFFFFF")] + [tuple(_tint(OKABE_ITO["sky_blue"], 0.22))] * (
            len(self.sizes) - 2
        ) + [tuple(_tint(OKABE_ITO["orange"], 0.25))]
        for layer, circles in enumerate(self.units):
            mask = None
            if layer > 0:
                mask = self.dead.get(self.positions[layer - 1])
            for k, circle in enumerate(circles):
                is_dead = mask is not None and bool(mask[k])
                circle.set_facecolor(DEAD if is_dead else fills[layer])
                circle.set_hatch("////" if is_dead else None)
                circle.set_edgecolor(_MUTED if is_dead else _INK)
                circle.set_hatchcolor("#A6A6A6")
                circle.set_linestyle("--" if is_dead else "-")
        for layer, texts in enumerate(self.value_texts):
            for k, text in enumerate(texts):
                if traces is None or not self.annotate:
                    text.set_text("")
                elif layer == 0:
                    text.set_text(_fmt(self.x[0, k]))
                else:
                    text.set_text(_fmt(traces[layer - 1].h[0, k]))
                n_chars = len(text.get_text())  # longer numbers in smaller type, to fit the circle
                shrink = {4: 0.9, 5: 0.8}.get(n_chars, 1.0 if n_chars <= 3 else 0.68)
                text.set_fontsize(self._font * shrink)
                mask = self.dead.get(self.positions[layer - 1]) if layer else None
                dead = mask is not None and bool(mask[k])
                text.set_bbox(
                    dict(boxstyle="round,pad=0.1", facecolor=DEAD, edgecolor="none")
                    if dead and text.get_text() else None
                )
        for layer, texts in enumerate(self.z_texts):
            for k, text in enumerate(texts):
                if traces is None or not self.annotate:
                    text.set_text("")
                else:
                    text.set_text(f"z = {_fmt(traces[layer - 1].z[0, k])}")
        if traces is not None and self.annotate:
            for text in self.name_texts:
                text.set_visible(True)

    def _update_legend(self, judge: np.ndarray | None) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        handles = [
            Line2D([], [], color=POSITIVE, linewidth=2.5, label="positive weight"),
            Line2D([], [], color=NEGATIVE, linewidth=2.5, label="negative weight"),
        ]
        listed = []
        for layer in range(1, len(self.sizes)):
            mask = self.dead.get(self.positions[layer - 1])
            if mask is None:
                continue
            name = "output" if layer == len(self.sizes) - 1 else f"hidden {layer}"
            listed += [f"{name} unit {k + 1}" for k in np.flatnonzero(mask)]
        if listed:
            import textwrap

            n = 0 if judge is None else judge.shape[0]
            what = "inactive (ReLU output 0)" if n == 1 else f"dead (0 on all {n} inputs)"
            more = f" and {len(listed) - 6} more" if len(listed) > 6 else ""
            shown = ", ".join(listed[:6]) + more
            width = max(30, int(11 * self.figure.get_figwidth()))
            shown = textwrap.fill(f"{what}: {shown}", width=width)
            handles.append(
                Patch(facecolor=DEAD, edgecolor=_MUTED, hatch="////", linestyle="--",
                      hatchcolor="#A6A6A6", label=shown)
            )
        if self._legend is not None:
            self._legend.remove()
        # Edge colours on the first row, the dead units (if any) on a row of their own.
        handles = handles[:1] + handles[2:] + handles[1:2]
        where = dict(loc="upper center", bbox_to_anchor=(0.5, -0.06))
        if tuple(self.ax.get_position().bounds) == _DIAGRAM_AXES:  # a figure of our own
            where = dict(loc="lower center", bbox_to_anchor=(0.5, 0.01),
                         bbox_transform=self.figure.transFigure)
        self._legend = self.ax.legend(
            handles=handles, ncol=2, frameon=False, fontsize=max(8.0, self._font - 1.5),
            handlelength=1.8, columnspacing=1.6, **where,
        )

    def _default_title(self, model: Sequential) -> str:
        arch = "-".join(str(n) for n in self.sizes)
        acts = {_activation_name(t) for t in _static_trace(model)[:-1]}
        act = f" ({acts.pop()} hidden units)" if len(acts) == 1 else ""
        if self.x is None:
            return f"The {arch} network{act}"
        values = [_fmt(v) for v in self.x[0]]
        if len(values) > 6:
            values = values[:4] + ["\N{HORIZONTAL ELLIPSIS}"]
        xs = ", ".join(values)
        return f"The {arch} network{act} on input [{xs}]"


_DIAGRAM_AXES = (0.04, 0.17, 0.92, 0.74)  # left, bottom, width, height of a new diagram's axes


def _diagram_layout(sizes: Sequence[int], input_names: Sequence[str]) -> dict[str, Any]:
    """Column spacing, limits, font size and figure size for a diagram of ``sizes``.

    Units sit one data unit apart in a column; columns are spread so that the
    drawing is about 1.5 times as wide as high, and the figure is scaled to at
    most 11.5 x 9 inches with equal scales on both axes.
    """
    tallest = max(sizes)
    height = (tallest - 1) + 0.55 + 1.75
    dx = max(2.5, (1.5 * height - 2.0) / max(len(sizes) - 1, 1))
    font = max(6.0, min(11.0, 44.0 / tallest))
    plain = [str(n).translate(str.maketrans("", "", "${}\\_^")) for n in input_names]
    right = (len(sizes) - 1) * dx + 0.85
    width_guess = right + 1.5
    scale = min(0.75, 11.5 * _DIAGRAM_AXES[2] / width_guess, 9.0 * _DIAGRAM_AXES[3] / height)
    name_width = max(len(n) for n in plain) * 0.6 * (font + 1) / 72 / scale
    left = -(NetworkDiagram._RADIUS + 0.2 + name_width)
    width = right - left
    scale = min(scale, 11.5 * _DIAGRAM_AXES[2] / width)
    figsize = (
        max(5.0, width * scale / _DIAGRAM_AXES[2]),
        max(3.4, height * scale / _DIAGRAM_AXES[3]),
    )
    top = (tallest - 1) / 2
    return {"dx": dx, "font": font, "xlim": (left, right), "ylim": (-top - 0.55, top + 1.75),
            "figsize": figsize}


def _static_trace(model: Sequential) -> list[Any]:
    """The activation module after each Linear layer, without running the model."""
    acts = []
    layers = model.layers
    for i, layer in enumerate(layers):
        if isinstance(layer, Linear):
            nxt = layers[i + 1] if i + 1 < len(layers) else None
            acts.append(None if nxt is None or isinstance(nxt, (Linear, Sequential)) else nxt)
    return acts


def draw_network(
    model: Sequential,
    x: ArrayLike | None = None,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    annotate: bool = True,
    show_dead: bool = True,
    input_names: Sequence[str] | None = None,
    data: ArrayLike | None = None,
    weight_scale: float | None = None,
    max_linewidth: float = 3.5,
) -> NetworkDiagram:
    """Draw a fully connected network from an actual model.

    Units are circles in columns (inputs on the left); every weight is an edge
    whose width is proportional to ``|w|`` and whose colour gives its sign
    (:data:`POSITIVE` blue, :data:`NEGATIVE` vermillion). Given an input, each
    unit shows its activation ``h`` inside and its pre-activation ``z`` above.
    ReLU units that are 0 on every example are drawn grey, hatched and dashed,
    and listed in the legend.

    Parameters
    ----------
    model : Sequential
        ``Linear`` layers, each optionally followed by an activation.
    x : array_like, shape (n_in,), optional
        One input to run through the model and write into the units.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure of a size fitting the network by default.
    title : str, optional
        Defaults to the architecture, e.g. "The 4-2-3-1 network (ReLU hidden units)
        on input [1, 1, 1, 1]", kept up to date by ``update``.
    annotate : bool, default True
        Write ``z`` and ``h`` of every unit (needs ``x``).
    show_dead : bool, default True
        Mark dead ReLU units (judged on ``data``, or on ``x`` alone).
    input_names : sequence of str, optional
        Labels of the inputs; ``$x_1$, $x_2$, ...`` by default.
    data : array_like, shape (n, n_in), optional
        Examples on which a unit counts as dead: its ReLU output is 0 on all of them.
    weight_scale : float, optional
        The ``|w|`` drawn at ``max_linewidth``; the largest ``|w|`` of the model by
        default. Explorers fix it so that widths compare across frames.
    max_linewidth : float, default 3.5
        Line width in points of an edge with ``|w| = weight_scale``.

    Returns
    -------
    NetworkDiagram
        Holds the figure and its artists; ``diagram.update(model, x)`` redraws in place.

    Examples
    --------
    >>> import nncore as nc
    >>> net = nc.mlp([4, 2, 3, 1], weight_init=nc.init.constant(1.0), bias_init=nc.init.zeros())
    >>> diagram = draw_network(net, [1, 1, 1, 1])       # doctest: +SKIP
    >>> diagram.value_texts[-1][0].get_text()            # doctest: +SKIP
    '24'
    """
    linears = _check_model(model, "draw_network")
    n_in = linears[0].in_features
    if x is not None and _as_batch(x, n_in, "draw_network").shape[0] != 1:
        raise ValueError(
            f"draw_network: x is the one input written into the units, expected shape ({n_in},), "
            f"got {np.shape(x)}. Pass a batch as data= to judge dead units."
        )
    if data is not None:
        _as_batch(data, n_in, "draw_network", "data")
    if ax is None:
        sizes = [n_in] + [lin.out_features for lin in linears]
        names = input_names if input_names is not None else [f"x{j}" for j in range(n_in)]
        fig = _pyplot().figure(figsize=_diagram_layout(sizes, names)["figsize"])
        ax = fig.add_axes(_DIAGRAM_AXES)
    diagram = NetworkDiagram(
        model, ax, title=title, annotate=annotate, show_dead=show_dead,
        input_names=input_names, weight_scale=weight_scale, max_linewidth=max_linewidth,
    )
    return diagram.update(x=x, data=data)


# ----------------------------------------------------------------------------- decision regions


def _labels_of(y: ArrayLike, n: int, where: str) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] > 1:
        arr = arr.argmax(axis=1)
    arr = arr.reshape(-1)
    if arr.shape[0] != n:
        raise ValueError(
            f"{where}: x has {n} examples but y has {arr.shape[0]} labels; they must match."
        )
    if arr.size and not np.allclose(arr, np.round(arr)):
        raise ValueError(
            f"{where}: y must hold class labels 0, 1, ... (or one-hot rows), got values such as "
            f"{arr[~np.isclose(arr, np.round(arr))][:3]}."
        )
    return np.round(arr).astype(int)


def _predict_classes(model: Sequential, x: np.ndarray) -> np.ndarray:
    out = model(x)
    out = out.reshape(len(x), -1)
    if out.shape[1] > 1:
        return out.argmax(axis=1)
    last = _static_trace(model)[-1]
    threshold = 0.5 if isinstance(last, Sigmoid) else 0.0
    return (out[:, 0] > threshold).astype(int)


def draw_gradients(
    model: Sequential, ax: Axes | None = None, *, title: str | None = None, of: str = "L"
) -> NetworkDiagram:
    """Draw the gradient of the last backward pass on the network's edges.

    Each edge shows ``dL/dw`` for its weight: width proportional to its size,
    colour by sign, the value written on it, and a dashed grey line where it is
    exactly 0 (for example into and out of a unit whose ReLU was inactive).
    Above each unit stands ``dL/db`` for its bias.

    Parameters
    ----------
    model : Sequential
        After ``model.backward(...)``: every parameter's ``.grad`` is drawn.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    title : str, optional
    of : str, default "L"
        Name of what was differentiated, for the labels: ``"f"`` for the
        network's output after ``model.backward(np.ones(1))``.

    Returns
    -------
    NetworkDiagram
        The diagram of a copy of ``model`` whose weights are its gradients.
    """
    import copy

    import matplotlib.pyplot as plt

    _check_model(model, "draw_gradients")
    shown = copy.deepcopy(model)
    for (_, target), (_, p) in zip(shown.named_parameters(), model.named_parameters()):
        target.data[...] = p.grad
    diagram = draw_network(shown, ax=ax, annotate=False, show_dead=False, title=title)
    ax, d = diagram.ax, "\N{PARTIAL DIFFERENTIAL}"
    linears = [layer for layer in shown if isinstance(layer, Linear)]
    for edges, lin, bias_texts in zip(diagram.edges, linears, diagram.z_texts[1:]):
        grad = lin.weight.data.ravel()
        zero = grad == 0
        edges.set_linewidths(np.where(zero, 1.0, edges.get_linewidths()))
        edges.set_linestyles([(0, (3, 3)) if z else "solid" for z in zero])
        edges.set_colors([DEAD if z else POSITIVE if g > 0 else NEGATIVE
                          for z, g in zip(zero, grad)])
        where = 0.3 if lin.in_features > lin.out_features else 0.75  # keep labels apart
        for (start, end), g in zip(edges.get_segments(), grad):
            px, py = start + where * (end - start)
            ax.text(px, py, _fmt(g), fontsize=8, ha="center", va="center", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none"))
        for text, g in zip(bias_texts, lin.bias.data):
            text.set_text(f"{d}{of}/{d}b = {_fmt(g)}")
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.legend(handles=[
        plt.Line2D([], [], color=POSITIVE, linewidth=2.5, label="positive gradient"),
        plt.Line2D([], [], color=NEGATIVE, linewidth=2.5, label="negative gradient"),
        plt.Line2D([], [], color=DEAD, linewidth=1.5, linestyle=(0, (3, 3)),
                   label="zero gradient")],
        loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=3, frameon=False, fontsize=8)
    ax.set_xlabel(f"edge width \N{PROPORTIONAL TO} |{d}{of}/{d}w| (full width at "
                  f"{_fmt(diagram.weight_scale)}); the number on each edge is {d}{of}/{d}w",
                  fontsize=8)
    return diagram


class DecisionRegions:
    """A decision-region plot whose artists follow the model: call :meth:`update`.

    Built by :func:`decision_regions`.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    image : matplotlib.image.AxesImage
        The predicted-class regions; ``update`` replaces its pixels.
    grid : numpy.ndarray, shape (resolution * resolution, 2)
        The points where the model is evaluated.
    active : numpy.ndarray of bool, shape (resolution, resolution) or None
        Where the chosen unit's pre-activation is positive, after the last update.
    predicted : numpy.ndarray of int, shape (resolution, resolution)
        Predicted class at each grid point.
    """

    def __init__(self, model, x, y, ax, *, unit, resolution, title, feature_names, class_names):
        self.figure: Figure = ax.figure
        self.ax = ax
        self.model = model
        self.x, self.y = x, y
        self.unit = unit
        self._auto_title = title is None
        self.n_classes = max(int(y.max()) + 1 if y.size else 2, 2)
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = np.where(hi - lo > 0, 0.08 * (hi - lo), 0.5)
        lo, hi = lo - pad, hi + pad
        g0, g1 = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
        self.grid = np.stack(np.meshgrid(g0, g1), axis=-1).reshape(-1, 2)
        self._shape = (resolution, resolution)
        self._colours = np.array(
            [_tint(PALETTE[c % len(PALETTE)], 0.3) for c in range(self.n_classes)]
        )
        self.image = ax.imshow(
            np.ones(self._shape + (3,)), origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]),
            interpolation="nearest", aspect="auto", zorder=0,
        )
        self.class_names = list(class_names) if class_names is not None else [
            f"class {c}" for c in range(self.n_classes)
        ]
        if len(self.class_names) < self.n_classes:
            raise ValueError(
                f"decision_regions: expected {self.n_classes} class_names, got "
                f"{len(self.class_names)}."
            )
        self.points = []
        for c in range(self.n_classes):
            sel = y == c
            self.points.append(
                ax.scatter(x[sel, 0], x[sel, 1], s=28, marker=_MARKERS[c % len(_MARKERS)],
                           color=PALETTE[c % len(PALETTE)], edgecolors=_INK, linewidths=0.6,
                           zorder=3, label=self.class_names[c])
            )
        names = feature_names or ("feature 1 ($x_1$)", "feature 2 ($x_2$)")
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        if title is not None:
            ax.set_title(title)
        self._hatch = None
        self._boundary = None
        self._note = ax.text(
            0.02, 0.02, "", transform=ax.transAxes, fontsize=9, color=_INK, zorder=5,
            bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor=_MUTED, alpha=0.9),
        )
        self._note.set_visible(False)
        self.active: np.ndarray | None = None
        self.predicted = np.zeros(self._shape, dtype=int)

    def update(self, model: Sequential | None = None) -> DecisionRegions:
        """Recompute the regions for ``model`` (default: the current one) in place.

        Parameters
        ----------
        model : Sequential, optional
            A model with the same input size; its weights are read afresh.

        Returns
        -------
        DecisionRegions
            ``self``.
        """
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        if model is not None:
            _check_model(model, "DecisionRegions.update")
            self.model = model
        model = self.model
        ax = self.ax
        self.predicted = _predict_classes(model, self.grid).reshape(self._shape)
        self.image.set_data(self._colours[np.clip(self.predicted, 0, self.n_classes - 1)])
        for artist in (self._hatch, self._boundary):
            if artist is not None:
                artist.remove()
        self._hatch = self._boundary = None
        handles = [
            Patch(facecolor=self._colours[c], edgecolor=_MUTED,
                  label=f"predicted {self.class_names[c]}")
            for c in range(self.n_classes)
        ] + list(self.points)
        if self.unit is not None:
            position, k = self.unit
            z_grid = _unit_z(model, self.grid, position, k).reshape(self._shape)
            self.active = z_grid > 0
            xs = self.grid[:, 0].reshape(self._shape)
            ys = self.grid[:, 1].reshape(self._shape)
            if self.active.any():
                self._hatch = ax.contourf(
                    xs, ys, self.active.astype(float), levels=[0.5, 1.5], colors="none",
                    hatches=["///"], zorder=1,
                )
                self._hatch.set_edgecolor(_MUTED)
                self._hatch.set_linewidth(0)
            if self.active.any() and not self.active.all():
                self._boundary = ax.contour(
                    xs, ys, z_grid, levels=[0.0], colors=[_INK], linewidths=1.6,
                    linestyles="--", zorder=2,
                )
            handles += [
                Patch(facecolor="none", edgecolor=_MUTED, hatch="///",
                      label=f"unit {k + 1} active (z > 0)"),
                Line2D([], [], color=_INK, linestyle="--", label="z = 0"),
            ]
            z_data = _unit_z(model, self.x, position, k)
            dead = bool(np.all(z_data <= 0))
            self._note.set_text(
                f"unit {k + 1} is dead: z \N{LESS-THAN OR EQUAL TO} 0 on all {len(self.x)} points"
                if dead
                else f"unit {k + 1} active on {int(np.sum(z_data > 0))} of {len(self.x)} points"
            )
            self._note.set_visible(True)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.92)
        if self._auto_title:
            unit = ""
            if self.unit is not None:
                unit = f", hidden unit {self.unit[1] + 1} active where hatched"
            ax.set_title(f"Predicted classes{unit}")
        return self


def _unit_z(model: Sequential, x: np.ndarray, position: int, k: int) -> np.ndarray:
    for t in _trace(model, x):
        if t.position == position:
            return t.z.reshape(len(x), -1)[:, k]
    raise ValueError(f"no Linear layer at position {position}")  # pragma: no cover - checked before


def decision_regions(
    model: Sequential,
    x: ArrayLike,
    y: ArrayLike,
    *,
    unit: tuple[int, int] | None = None,
    ax: Axes | None = None,
    resolution: int = 200,
    title: str | None = None,
    feature_names: Sequence[str] | None = None,
    class_names: Sequence[str] | None = None,
) -> DecisionRegions:
    """Shade a two-feature model's predicted classes and where one ReLU unit is active.

    Parameters
    ----------
    model : Sequential
        Takes 2 features. With one output, a final ``Sigmoid`` output is
        thresholded at 0.5, any other (a logit) at 0; with several outputs the
        largest wins.
    x : array_like, shape (n, 2)
        The data points, drawn with one colour and marker per class.
    y : array_like, shape (n,) of int, or (n, k) one-hot
        Class labels.
    unit : (int, int), optional
        ``(linear_position, unit_index)``: the ``Linear`` layer (its index in the
        ``Sequential``) and the unit whose active region ``z > 0`` is hatched,
        with its boundary ``z = 0`` dashed. A box says whether it is dead on ``x``.
    ax : matplotlib.axes.Axes, optional
    resolution : int, default 200
        Grid points per axis.
    title : str, optional
    feature_names : (str, str), optional
        Axis labels.
    class_names : sequence of str, optional
        Legend names of the classes.

    Returns
    -------
    DecisionRegions
        Holds the figure; ``regions.update(model)`` redraws after the weights change.
    """
    where = "decision_regions"
    linears = _check_model(model, where)
    if linears[0].in_features != 2:
        raise ValueError(
            f"{where}: the model must take 2 features to draw regions in the plane, its first "
            f"layer is {linears[0]!r}."
        )
    x = _as_batch(x, 2, where)
    y = _labels_of(y, len(x), where)
    if unit is not None:
        if not (isinstance(unit, tuple) and len(unit) == 2):
            raise TypeError(
                f"{where}: unit must be a pair (linear_position, unit_index), got {unit!r}."
            )
        by_position = {
            i: layer for i, layer in enumerate(model.layers) if isinstance(layer, Linear)
        }
        position, k = unit
        if position not in by_position:
            raise ValueError(
                f"{where}: unit={unit!r} names position {position}, which is not a Linear layer; "
                f"Linear layers sit at positions {sorted(by_position)}."
            )
        if not 0 <= k < by_position[position].out_features:
            raise ValueError(
                f"{where}: unit={unit!r}: layer {position} has "
                f"{by_position[position].out_features} units, so the unit index must be in "
                f"0..{by_position[position].out_features - 1}."
            )
    if not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"{where}: resolution must be an int >= 2, got {resolution!r}.")
    if ax is None:
        ax = _new_axes((6.2, 5.0))
    regions = DecisionRegions(
        model, x, y, ax, unit=unit, resolution=int(resolution), title=title,
        feature_names=feature_names, class_names=class_names,
    )
    return regions.update()


# ----------------------------------------------------------------------------- training, evaluation


def training_curves(
    history: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    keys: Sequence[str] | None = None,
    title: str = "Training curves",
    ylabel: str | None = None,
    logy: bool = False,
) -> Axes:
    """Plot per-epoch values recorded by :func:`nncore.fit`.

    Parameters
    ----------
    history : History or mapping of str to sequence of float
        ``history[key][e]`` is the value after epoch ``e + 1``; ``history["epoch"]``,
        if present, gives the x values.
    ax : matplotlib.axes.Axes, optional
    keys : sequence of str, optional
        Series to draw; by default ``"loss"`` and ``"val_loss"`` when present.
        Keys starting with ``val_`` are dashed.
    title : str, default "Training curves"
    ylabel : str, optional
        Defaults to "loss" when every key is a loss, else "value".
    logy : bool, default False
        Logarithmic y axis.

    Returns
    -------
    matplotlib.axes.Axes
    """
    where = "training_curves"
    if not isinstance(history, Mapping):
        raise TypeError(
            f"{where}: expected the History returned by nncore.fit (a dict of lists), got "
            f"{type(history).__name__}."
        )
    if keys is None:
        keys = [k for k in ("loss", "val_loss") if k in history]
        if not keys:
            raise ValueError(
                f"{where}: the history has no 'loss' or 'val_loss'; its keys are "
                f"{sorted(history)}. Pass keys=[...] to choose series."
            )
    elif isinstance(keys, str):
        raise TypeError(
            f"{where}: keys must be a sequence of names, got the string {keys!r}; "
            f"wrap it: [{keys!r}]."
        )
    missing = [k for k in keys if k not in history]
    if missing:
        raise ValueError(
            f"{where}: keys {missing} are not in the history; available keys are {sorted(history)}."
        )
    if ax is None:
        ax = _new_axes((6.4, 4.0))
    for i, key in enumerate(keys):
        values = np.asarray(history[key], dtype=float)
        epochs = np.arange(1, len(values) + 1)
        if "epoch" in history and len(history["epoch"]) == len(values):
            epochs = np.asarray(history["epoch"])
        ax.plot(epochs, values, color=PALETTE[i % len(PALETTE)], linewidth=2,
                linestyle="--" if key.startswith("val_") else "-",
                marker="o" if len(values) <= 30 else None, markersize=3.5,
                label=key.replace("_", " "))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel or ("loss" if all("loss" in k for k in keys) else "value"))
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return ax


def confusion_matrix(
    cm: ArrayLike,
    ax: Axes | None = None,
    *,
    labels: Sequence[str] | None = None,
    title: str = "Confusion matrix",
    normalize: bool = False,
) -> Axes:
    """Draw a confusion matrix with the count written in every cell.

    Parameters
    ----------
    cm : array_like of int, shape (k, k)
        ``cm[i, j]`` counts examples of true class ``i`` predicted as ``j``, as
        :func:`nncore.confusion_matrix` returns.
    ax : matplotlib.axes.Axes, optional
    labels : sequence of str, optional
        Class names, ``0 .. k-1`` by default.
    title : str, default "Confusion matrix"
    normalize : bool, default False
        Colour and write each row as fractions of that true class.

    Returns
    -------
    matplotlib.axes.Axes
    """
    where = "confusion_matrix"
    cm = np.asarray(cm, dtype=float)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(
            f"{where}: expected a square (k, k) matrix of counts, got shape {cm.shape}. "
            f"nncore.confusion_matrix(y_true, y_pred, k) builds one."
        )
    k = cm.shape[0]
    labels = [str(c) for c in range(k)] if labels is None else [str(c) for c in labels]
    if len(labels) != k:
        raise ValueError(f"{where}: expected {k} labels, one per class, got {len(labels)}.")
    shown = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1) if normalize else cm
    if ax is None:
        side = min(8.0, max(4.2, 0.5 * k + 2.4))
        ax = _new_axes((side + 0.9, side))
    im = ax.imshow(shown, cmap="cividis", vmin=0)
    ax.figure.colorbar(
        im, ax=ax, label="fraction of true class" if normalize else "examples", shrink=0.85
    )
    top = shown.max() if shown.size else 1.0
    for i in range(k):
        for j in range(k):
            text = f"{shown[i, j]:.2f}" if normalize else f"{int(cm[i, j])}"
            ax.text(j, i, text, ha="center", va="center", fontsize=9 if k <= 10 else 7,
                    color="white" if shown[i, j] < 0.55 * top else "black")
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    return ax


def preactivation_histogram(
    model: Sequential,
    x: ArrayLike,
    position: int,
    ax: Axes | Sequence[Axes] | None = None,
    *,
    bins: int = 30,
    title: str | None = None,
) -> np.ndarray:
    """One histogram per unit of a layer's pre-activations ``z`` over a data set.

    The side ``z <= 0``, where a ReLU outputs 0 and passes back no gradient, is
    shaded grey; each panel says what fraction of the examples makes the unit
    active, and flags the unit "dead" when none does.

    Parameters
    ----------
    model : Sequential
    x : array_like, shape (n, n_in)
    position : int
        Index in the ``Sequential`` of the ``Linear`` layer to inspect.
    ax : Axes or sequence of Axes, optional
        One Axes per unit; a new figure with a grid of panels by default.
    bins : int, default 30
    title : str, optional
        Figure title; by default it names the layer.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes, shape (out_features,)
    """
    where = "preactivation_histogram"
    linears = _check_model(model, where)
    by_position = {i: layer for i, layer in enumerate(model.layers) if isinstance(layer, Linear)}
    if position not in by_position:
        raise ValueError(
            f"{where}: position {position!r} is not a Linear layer of the model; Linear layers "
            f"sit at positions {sorted(by_position)}."
        )
    x = _as_batch(x, linears[0].in_features, where)
    n_units = by_position[position].out_features
    z = next(t.z for t in _trace(model, x) if t.position == position).reshape(len(x), n_units)
    if ax is None:
        ncols = min(n_units, 4)
        nrows = int(np.ceil(n_units / ncols))
        fig, grid = _pyplot().subplots(
            nrows, ncols, figsize=(2.6 * ncols + 0.6, 2.2 * nrows + 0.9), sharex=True,
            squeeze=False, layout="constrained",
        )
        for extra in grid.ravel()[n_units:]:
            extra.set_visible(False)
        axes = grid.ravel()[:n_units]
    else:
        axes = np.atleast_1d(np.asarray(ax, dtype=object)).ravel()
        if len(axes) != n_units:
            raise ValueError(
                f"{where}: layer {position} has {n_units} units, so pass {n_units} Axes (one per "
                f"unit), got {len(axes)}."
            )
    edges = np.histogram_bin_edges(z, bins=bins)
    if edges[0] == edges[-1]:
        edges = np.linspace(edges[0] - 0.5, edges[0] + 0.5, bins + 1)
    layer_no = sorted(by_position).index(position) + 1
    for k, a in enumerate(axes):
        a.axvspan(min(edges[0], 0.0) - 1e9, 0.0, color=DEAD, alpha=0.6, zorder=0, linewidth=0)
        a.hist(z[:, k], bins=edges, color=PALETTE[k % len(PALETTE)], edgecolor="white",
               linewidth=0.4)
        a.axvline(0.0, color=_INK, linewidth=1, linestyle="--")
        a.set_xlim(edges[0], edges[-1])
        active = float(np.mean(z[:, k] > 0))
        state = "dead" if active == 0 else f"{active:.0%} active"
        a.set_title(f"unit {k + 1}: {state}", fontsize=10)
        a.set_xlabel("pre-activation z")
        a.set_ylabel("examples")
        a.grid(alpha=0.3, axis="y")
    fig = axes[0].figure
    fig.suptitle(
        title or f"Pre-activations of layer {layer_no} (position {position}) over {len(x)} examples"
    )
    return axes
