"""``network_explorer``: the network diagram under the reader's hands."""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..containers import Sequential
from ..layers import Identity, Linear, Module, ReLU, Sigmoid, Tanh
from ..plot import NetworkDiagram, activation_name, draw_network, format_number
from .controls import Choice, Slider, as_control
from .explorer import Explorer
from .overlays import Overlay

__all__ = ["ACTIVATIONS", "NetworkView", "network_explorer"]

#: Activations the explorer can switch between, as name -> (label, layer class).
ACTIVATIONS: dict[str, tuple[str, type[Module]]] = {
    "relu": ("ReLU", ReLU),
    "sigmoid": ("logistic sigmoid", Sigmoid),
    "tanh": ("tanh", Tanh),
    "identity": ("identity", Identity),
}

_WHERE = "network_explorer"

#: Columns of units this far apart (units in a column sit 1 apart), instead of a diagram's
#: usual 2.5 or more, and the figure at most this many inches wide, the drawing scaled
#: with it: a 4-2-3-1 network is 5 inches wide, so on a 390-px phone, its picture shrunk
#: to the 342-px column, the 8.8-pt numbers in its units stay above 8 px.
_COLUMN_SPACING = 1.8
_WIDTH_INCHES = 5.0
#: Room above the drawing (a title on two lines), below it (the axis label, then the
#: legend), and the axis label's own, in inches.
_HEAD_INCHES, _FOOT_INCHES, _LABEL_INCHES = 0.55, 1.25, 0.28

_SUB = str.maketrans(
    "0123456789",
    "\N{SUBSCRIPT ZERO}\N{SUBSCRIPT ONE}\N{SUBSCRIPT TWO}"
    "\N{SUBSCRIPT THREE}\N{SUBSCRIPT FOUR}\N{SUBSCRIPT FIVE}\N{SUBSCRIPT SIX}"
    "\N{SUBSCRIPT SEVEN}\N{SUBSCRIPT EIGHT}\N{SUBSCRIPT NINE}",
)


def _variants(model: Sequential, activations: Sequence[str]) -> dict[str, Sequential]:
    """One Sequential per activation name, sharing the Linear layers of ``model``.

    Every hidden activation is replaced; the output layer keeps its own (if any).
    """
    blocks = model.blocks()
    variants = {}
    for name in activations:
        layers: list[Module] = []
        for k, block in enumerate(blocks):
            layers.append(block.linear)
            if k < len(blocks) - 1:
                layers.append(ACTIVATIONS[name][1]())
            elif block.activation is not None:
                layers.append(block.activation)
        variants[name] = Sequential(*layers)
    return variants


def _grid(values: Any, name: str, what: str) -> tuple[float, ...]:
    """Check one grid of network_explorer (with the controls' one check); return its values."""
    control = as_control(name, values, where=_WHERE)
    if not isinstance(control, Slider):
        raise TypeError(f"{_WHERE}: {name} must be a sequence of numbers ({what}), got {values!r}.")
    return tuple(control.values)


class NetworkView:
    """The explorer's view: the diagram of :func:`nncore.plot.draw_network` under controls.

    Built by :func:`network_explorer`; :meth:`update` writes the control values into the
    model's copy and redraws the diagram.

    Parameters
    ----------
    diagram : NetworkDiagram
        The drawing to update.
    models : dict of str to Sequential
        The model drawn with each activation of the selector (key ``None`` without one).
    x0 : numpy.ndarray, shape (n_in,)
        The input before any control moves.
    linears : dict of int to Linear
        The ``Linear`` layers the controls change, by their position in the model.
    labels : dict of str to str
        The spoken name of each control, for :meth:`describe`.
    inputs : sequence of int
        The inputs that have a slider (``x<j + 1>``).
    weights : sequence of (int, int, int)
        ``(position, i, j)`` of each weight that has a slider.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    overlays : list of Overlay
        The edges (weight controls only) below everything else.
    diagram : NetworkDiagram
        The drawing; its ``value_texts`` and ``dead`` describe the last update.
    models : dict of str to Sequential
        The model drawn with each activation of the selector (key ``None`` without one).
    values : dict
        The control values of the last update.
    """

    def __init__(
        self,
        diagram: NetworkDiagram,
        models: dict[Any, Sequential],
        x0: NDArray[np.float64],
        linears: dict[int, Linear],
        labels: dict[str, str],
        *,
        inputs: Sequence[int],
        weights: Sequence[tuple[int, int, int]],
    ) -> None:
        self.diagram = diagram
        self.figure = diagram.figure
        self.models = models
        self.x0 = x0
        self.linears = linears
        self.labels = labels
        self.inputs = list(inputs)
        self.weights = list(weights)
        self.base = {pos: lin.weight.data.copy() for pos, lin in linears.items()}
        self.values: dict[str, Any] = {}
        # Two overlays: the edges change only with the weight sliders and go below; the
        # units, numbers, headings, title and legend change with every control.
        weight_controls = tuple(n for n in labels if n.startswith(("scale", "w_")))
        self.overlays = [Overlay(None, controls=weight_controls), Overlay(self._changing)]

    def _changing(self) -> list[Any]:
        d = self.diagram
        texts = [t for group in (d.value_texts, d.z_texts) for column in group for t in column]
        units = [c for column in d.units for c in column]
        return [*units, *texts, *d.header_texts, d.ax.title, d.ax.get_legend()]

    def update(self, **values: Any) -> None:
        """Write the control values into the model's copy, run it forward and redraw.

        Parameters
        ----------
        **values
            ``x<j>`` (input ``j - 1``), ``scale<pos>`` (factor of the weights of the
            ``Linear`` at ``pos``), ``w_<pos>_<i>_<j>`` (one weight) and ``activation``.
        """
        x = self.x0.copy()
        for j in self.inputs:
            x[j] = values[f"x{j + 1}"]
        for pos, lin in self.linears.items():
            lin.weight.data[...] = self.base[pos] * values.get(f"scale{pos}", 1.0)
        for pos, i, j in self.weights:
            self.linears[pos].weight.data[i, j] = values[f"w_{pos}_{i}_{j}"]
        self.values = dict(values)
        self.diagram.update(self.models[values.get("activation")], x)
        _wrap_to_the_width(self.diagram)

    def describe(self) -> str:
        """Describe the network, the settings and the output in one sentence, for screen readers.

        Returns
        -------
        str
            The text alternative of the current figure.
        """
        out = ", ".join(t.get_text() for t in self.diagram.value_texts[-1])
        settings = "; ".join(
            f"{self.labels[n]} {ACTIVATIONS[v][0]}"
            if n == "activation"
            else f"{self.labels[n]} = {format_number(v)}"
            for n, v in self.values.items()
        )
        sizes = "-".join(str(n) for n in self.diagram.sizes)
        return f"Diagram of the {sizes} network with {settings}: output {out}."


def _fit_a_phone(diagram: Any) -> None:
    """Shrink the figure of a diagram drawn with ``_COLUMN_SPACING`` to ``_WIDTH_INCHES``.

    The drawing scales with the figure and its text keeps its size in points. The column
    headers take the size of the ``z`` labels, so that two "logistic sigmoid" fit side by
    side; above the drawing, room for a title on two lines; below it, for the axis label
    and a legend of four lines.
    """
    figure, ax = diagram.figure, diagram.ax
    left, _, width, _ = ax.get_position(original=True).bounds
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    inches = min(float(figure.get_figwidth()), _WIDTH_INCHES)
    drawing = (y1 - y0) * width * inches / (x1 - x0)  # its height, at equal scales
    height = _HEAD_INCHES + drawing + _FOOT_INCHES
    figure.set_size_inches(inches, height)
    ax.set_position((left, _FOOT_INCHES / height, width, drawing / height))
    ax.set_adjustable("datalim")  # the axes keep their place; rounding moves the limits
    small = min(t.get_fontsize() for column in diagram.z_texts for t in column)
    for text in diagram.header_texts:
        text.set_fontsize(small)
    _wrap_to_the_width(diagram)


def _wrap_to_the_width(diagram: Any) -> None:
    """Fit a diagram's title and legend, drawn for a wider figure, to its width.

    The input of the title goes on a line of its own; the legend's list of dead units
    (in the column of "positive weight", "negative weight" beside it) is wrapped at 8
    characters per inch of the figure instead of the diagram's 11, and the legend hangs
    under the axis label.
    """
    title = diagram.ax.title
    title.set_text(title.get_text().replace(" on input [", "\non input ["))
    figure, legend = diagram.figure, diagram.ax.get_legend()
    width = max(30, int(8 * figure.get_figwidth()))
    for text in legend.get_texts():
        if "\n" in text.get_text() or len(text.get_text()) > width:
            text.set_text(textwrap.fill(text.get_text().replace("\n", " "), width=width))
    top = (_FOOT_INCHES - _LABEL_INCHES) / figure.get_figheight()
    legend.set_bbox_to_anchor((0.5, top), transform=figure.transFigure)


class _Network:
    """The ``Linear`` layers of a model, and how the explorer names them.

    Parameters
    ----------
    model : Sequential
        The explorer's own copy.
    x : array_like, shape (n_in,)
        The input.
    input_names : sequence of str, optional
        One label per input.
    """

    def __init__(self, model: Sequential, x: ArrayLike, input_names: Sequence[str] | None):
        self.linears = {i: lay for i, lay in enumerate(model.layers) if isinstance(lay, Linear)}
        if not self.linears:
            raise ValueError(f"{_WHERE}: the model has no Linear layer: {model!r}.")
        first = self.linears[min(self.linears)]
        self.n_in = first.in_features
        self.x0 = np.asarray(x, dtype=float).reshape(-1)
        if self.x0.shape != (self.n_in,):
            raise ValueError(
                f"{_WHERE}: expected one input x of shape ({self.n_in},) for {first!r}, got "
                f"shape {np.shape(x)}."
            )
        if input_names is None:
            self.names = [f"x{j + 1}".translate(_SUB) for j in range(self.n_in)]
            self.drawn_names = [f"$x_{{{j + 1}}}$" for j in range(self.n_in)]
        elif len(input_names) != self.n_in:
            raise ValueError(
                f"{_WHERE}: expected {self.n_in} input_names, one per input, got "
                f"{len(input_names)}."
            )
        else:
            self.names = self.drawn_names = [str(n) for n in input_names]
        number = {pos: k + 1 for k, pos in enumerate(sorted(self.linears))}
        last = max(self.linears)
        self.layer_name = {
            pos: "output" if pos == last else f"hidden {number[pos]}" for pos in self.linears
        }
        # What feeds each Linear: the inputs, or the units of the layer before it.
        before = dict(zip(sorted(self.linears)[1:], sorted(self.linears), strict=False))
        self.source_layer = {pos: self.layer_name.get(before.get(pos, -1)) for pos in self.linears}

    def check_inputs(self, values: Mapping[int, Any] | None) -> dict[int, Any]:
        """The input sliders' grids by input index, checked (default: x1 from -2 to 2)."""
        values = {0: (-2, -1, 0, 1, 2)} if values is None else dict(values)
        for j in values:
            if not isinstance(j, (int, np.integer)) or not 0 <= j < self.n_in:
                raise ValueError(
                    f"{_WHERE}: input_values has key {j!r}; input indices run from 0 to "
                    f"{self.n_in - 1}."
                )
        return values

    def check_scales(self, values: Mapping[int, Any] | None) -> dict[int, Any]:
        """The weight factors' grids by Linear position, checked (default: the first's)."""
        if values is None:
            values = {min(self.linears): (-1, 0, 0.5, 1, 2)}
        values = dict(values)
        for pos in values:
            if pos not in self.linears:
                raise ValueError(
                    f"{_WHERE}: scale_values has key {pos!r}, which is not the position of a "
                    f"Linear layer; Linear layers sit at positions {sorted(self.linears)}."
                )
        return values

    def check_weights(self, values: Mapping[Any, Any] | None) -> dict[tuple[int, int, int], Any]:
        """The single weights' grids by (position, unit, input), checked."""
        values = {} if values is None else dict(values)
        for key in values:
            ok = isinstance(key, tuple) and len(key) == 3 and key[0] in self.linears
            shape = self.linears[key[0]].weight.data.shape if ok else (0, 0)
            if not (ok and 0 <= key[1] < shape[0] and 0 <= key[2] < shape[1]):
                raise ValueError(
                    f"{_WHERE}: weight_values has key {key!r}; expected (linear_position, "
                    f"unit, input) with a Linear position in {sorted(self.linears)} and "
                    f"unit/input indices inside its weight shape."
                )
        return values

    def sliders(
        self,
        inputs: Mapping[int, Any],
        scales: Mapping[int, Any],
        weights: Mapping[tuple[int, int, int], Any],
    ) -> dict[str, Slider | Choice]:
        """One slider per input, weight factor and single weight, starting where the model is."""
        controls: dict[str, Slider | Choice] = {}
        for j, grid in inputs.items():
            grid = _grid(grid, f"input_values[{j}]", "input values")
            start = min(grid, key=lambda v: abs(v - self.x0[j]))
            controls[f"x{j + 1}"] = Slider(grid, label=self.names[j], initial=start)
        for pos, grid in scales.items():
            grid = _grid(grid, f"scale_values[{pos}]", "weight factors")
            controls[f"scale{pos}"] = Slider(
                grid,
                label=f"scale of weights into {self.layer_name[pos]}",
                initial=1.0 if 1.0 in grid else None,
            )
        for (pos, i, j), grid in weights.items():
            grid = _grid(grid, f"weight_values[{(pos, i, j)}]", "weight values")
            current = self.linears[pos].weight.data[i, j]
            source = self.source_layer[pos]
            source = self.names[j] if source is None else f"{source} unit {j + 1}"
            controls[f"w_{pos}_{i}_{j}"] = Slider(
                grid,
                label=f"weight {source} \N{RIGHTWARDS ARROW} {self.layer_name[pos]} unit {i + 1}",
                initial=min(grid, key=lambda v: abs(v - current)),
            )
        return controls

    def weight_scale(
        self, scales: Mapping[int, Any], weights: Mapping[tuple[int, int, int], Any]
    ) -> float:
        """The largest |w| any setting draws: edges keep one width scale over the frames."""
        widest = max(
            float(np.max(np.abs(lin.weight.data)))
            * max([abs(s) for s in scales.get(pos, ())] + [1.0])
            for pos, lin in self.linears.items()
        )
        return max([widest] + [abs(v) for g in weights.values() for v in g]) or 1.0


def _activation_choice(model: Sequential, activations: Sequence[str] | None) -> Choice | None:
    """The activation selector, starting at the model's own hidden activation, or None."""
    if activations is None:
        return None
    activations = list(activations)
    bad = [a for a in activations if a not in ACTIVATIONS]
    if bad or not activations:
        raise ValueError(
            f"{_WHERE}: unknown activation(s) {bad or activations!r}; choose from "
            f"{list(ACTIVATIONS)}."
        )
    current = activation_name(model.blocks()[0].activation)
    labels = [ACTIVATIONS[a][0] for a in activations]
    return Choice(
        tuple(activations),
        labels=tuple(labels),
        label="hidden activation",
        initial=activations[labels.index(current)] if current in labels else None,
    )


def network_explorer(
    model: Sequential,
    x: ArrayLike,
    *,
    input_values: Mapping[int, Sequence[float]] | None = None,
    scale_values: Mapping[int, Sequence[float]] | None = None,
    weight_values: Mapping[tuple[int, int, int], Sequence[float]] | None = None,
    activations: Sequence[str] | None = ("relu", "sigmoid", "tanh", "identity"),
    input_names: Sequence[str] | None = None,
    data: ArrayLike | None = None,
    title: str | None = None,
    instruction: str | None = None,
    dpi: float = 80,
    live: bool = True,
    **options: Any,
) -> Explorer:
    """Explore a network diagram: inputs, weights and activation on controls.

    Every frame runs the model forward through nncore and redraws the diagram
    of :func:`nncore.plot.draw_network` (each unit's ``z`` and ``h``, the
    output, edge widths and colours, dead units). The model passed in is
    copied, never changed.

    Parameters
    ----------
    model : Sequential
        ``Linear`` layers with activations between them, e.g. ``nc.mlp([4, 2, 3, 1])``.
    x : array_like, shape (n_in,)
        The input; entries without a slider keep these values.
    input_values : mapping of int to sequence of float, optional
        Input index (0-based) to the grid of its slider. Default: ``{0: (-2, -1, 0, 1, 2)}``.
    scale_values : mapping of int to sequence of float, optional
        Position of a ``Linear`` layer in the model to a grid of factors that
        multiply all its weights (not its bias). Default: the first layer,
        ``(-1, 0, 0.5, 1, 2)``. Pass ``{}`` for none.
    weight_values : mapping of (int, int, int) to sequence of float, optional
        ``(linear_position, unit, input)`` to a grid of values for that one
        weight, ``weight.data[unit, input]`` (applied after scaling).
    activations : sequence of str or None, default all four
        Names from ``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"identity"`` for a
        selector that replaces every hidden activation; ``None`` for no selector.
        The output layer's own activation (if any) is kept.
    input_names : sequence of str, optional
        Labels of the inputs in the diagram.
    data : array_like, shape (n, n_in), optional
        Examples on which units count as dead; by default the one input shown.
    title, instruction : str, optional
        Above the controls; defaults name the architecture and suggest what to try.
    dpi : float, default 80
        Resolution of the precomputed frames.
    live : bool, default True
        Re-render through nncore when a control moves (with a kernel).
    **options
        Passed on to :class:`Explorer` (``colors``, 32 by default; ``image_format``,
        ``budget``, ``mode``).

    Returns
    -------
    Explorer
        ``explorer.view`` is the :class:`NetworkView`: its ``diagram`` is the
        ``NetworkDiagram`` and its ``models`` map each activation name to the model
        variant drawn with it.

    Raises
    ------
    ValueError
        For an input index, layer position, unit or activation the model does
        not have, or frames that do not fit the page's budget.
    """
    if not isinstance(model, Sequential):
        raise TypeError(
            f"{_WHERE}: expected an nncore Sequential model, got {type(model).__name__}; "
            f"for example nc.mlp([4, 2, 3, 1])."
        )
    work = copy.deepcopy(model)
    net = _Network(work, x, input_names)
    inputs = net.check_inputs(input_values)
    scales = net.check_scales(scale_values)
    weights = net.check_weights(weight_values)
    selector = _activation_choice(work, activations)
    controls = net.sliders(inputs, scales, weights)
    if selector is not None:
        controls["activation"] = selector
    if not controls:
        raise ValueError(
            f"{_WHERE}: nothing to explore: give input_values, scale_values, weight_values or "
            f"activations."
        )
    variants = {None: work} if selector is None else _variants(work, selector.options)
    start = work if selector is None else variants[selector.initial or selector.options[0]]
    diagram = draw_network(
        start,
        net.x0,
        input_names=net.drawn_names,
        data=data,
        weight_scale=net.weight_scale(scales, weights),
        column_spacing=_COLUMN_SPACING,
    )
    _fit_a_phone(diagram)
    labels = {name: spec.label or name for name, spec in controls.items()}
    view = NetworkView(
        diagram, variants, net.x0, net.linears, labels, inputs=list(inputs), weights=list(weights)
    )
    sizes = "-".join(str(n) for n in diagram.sizes)
    return Explorer(
        view,
        controls,
        title=title or f"Explore the {sizes} network",
        instruction=instruction
        or (
            "Move the sliders and watch every unit's z and h change; switch the activation "
            "and compare the output with the ReLU network's."
        ),
        dpi=dpi,
        live=live,
        # Flat fills and a few line colours: 32 colours draw it as 64 do, 7% smaller.
        **{"colors": 32, **options},
    )
