"""``network_explorer``: the network diagram under the reader's hands."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..containers import Sequential
from ..layers import Identity, Linear, Module, ReLU, Sigmoid, Tanh
from ..plot import draw_network
from ..plot.style import activation_name, format_number
from .controls import Choice, Slider, as_control
from .explorer import Explorer
from .layers import Layer

__all__ = ["ACTIVATIONS", "NetworkView", "network_explorer"]

#: Activations the explorer can switch between, as name -> (label, layer class).
ACTIVATIONS: dict[str, tuple[str, type[Module]]] = {
    "relu": ("ReLU", ReLU),
    "sigmoid": ("logistic sigmoid", Sigmoid),
    "tanh": ("tanh", Tanh),
    "identity": ("identity", Identity),
}

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
    control = as_control(name, values, where="network_explorer")
    if not isinstance(control, Slider):
        raise TypeError(
            f"network_explorer: {name} must be a sequence of numbers ({what}), got {values!r}."
        )
    return control.values


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
    diagram : NetworkDiagram
        The drawing; its ``value_texts`` and ``dead`` describe the last update.
    models : dict of str to Sequential
        The model drawn with each activation of the selector (key ``None`` without one).
    values : dict
        The control values of the last update.
    """

    def __init__(
        self,
        diagram: Any,
        models: dict[Any, Sequential],
        x0: np.ndarray,
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
        # Two layers (Layer): the edges change only with the weight sliders and go below;
        # the units, numbers, headings, title and legend change with every control.
        weight_controls = tuple(n for n in labels if n.startswith(("scale", "w_")))
        self.layers = [Layer(None, controls=weight_controls), Layer(self._changing)]

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
    """An explorer of a network diagram: inputs, weights and activation on controls.

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
    where = "network_explorer"
    if not isinstance(model, Sequential):
        raise TypeError(
            f"{where}: expected an nncore Sequential model, got {type(model).__name__}; "
            f"for example nc.mlp([4, 2, 3, 1])."
        )
    work = copy.deepcopy(model)
    linears = {i: layer for i, layer in enumerate(work.layers) if isinstance(layer, Linear)}
    if not linears:
        raise ValueError(f"{where}: the model has no Linear layer: {model!r}.")
    first = linears[min(linears)]
    x0 = np.asarray(x, dtype=float).reshape(-1)
    if x0.shape != (first.in_features,):
        raise ValueError(
            f"{where}: expected one input x of shape ({first.in_features},) for {first!r}, got "
            f"shape {np.shape(x)}."
        )
    if input_names is None:
        names = [f"x{j + 1}".translate(_SUB) for j in range(first.in_features)]
        drawn_names = [f"$x_{{{j + 1}}}$" for j in range(first.in_features)]
    elif len(input_names) != first.in_features:
        raise ValueError(
            f"{where}: expected {first.in_features} input_names, one per input, got "
            f"{len(input_names)}."
        )
    else:
        names = drawn_names = [str(n) for n in input_names]
    linear_no = {pos: k + 1 for k, pos in enumerate(sorted(linears))}
    layer_name = {
        pos: "output" if pos == max(linears) else f"hidden {linear_no[pos]}" for pos in linears
    }

    input_values = {0: (-2, -1, 0, 1, 2)} if input_values is None else dict(input_values)
    for j in input_values:
        if not isinstance(j, (int, np.integer)) or not 0 <= j < first.in_features:
            raise ValueError(
                f"{where}: input_values has key {j!r}; input indices run from 0 to "
                f"{first.in_features - 1}."
            )
    if scale_values is None:
        scale_values = {min(linears): (-1, 0, 0.5, 1, 2)}
    scale_values = dict(scale_values)
    for pos in scale_values:
        if pos not in linears:
            raise ValueError(
                f"{where}: scale_values has key {pos!r}, which is not the position of a Linear "
                f"layer; Linear layers sit at positions {sorted(linears)}."
            )
    weight_values = {} if weight_values is None else dict(weight_values)
    for key in weight_values:
        ok = isinstance(key, tuple) and len(key) == 3 and key[0] in linears
        if not ok or not (
            0 <= key[1] < linears[key[0]].out_features and 0 <= key[2] < linears[key[0]].in_features
        ):
            raise ValueError(
                f"{where}: weight_values has key {key!r}; expected (linear_position, unit, input) "
                f"with a Linear position in {sorted(linears)} and unit/input indices inside its "
                f"weight shape."
            )
    if activations is not None:
        activations = list(activations)
        bad = [a for a in activations if a not in ACTIVATIONS]
        if bad or not activations:
            raise ValueError(
                f"{where}: unknown activation(s) {bad or activations!r}; choose from "
                f"{list(ACTIVATIONS)}."
            )

    controls: dict[str, Slider | Choice] = {}
    for j, grid in input_values.items():
        grid = _grid(grid, f"input_values[{j}]", "input values")
        start = min(grid, key=lambda v: abs(v - x0[j]))
        controls[f"x{j + 1}"] = Slider(grid, label=names[j], initial=start)
    for pos, grid in scale_values.items():
        grid = _grid(grid, f"scale_values[{pos}]", "weight factors")
        controls[f"scale{pos}"] = Slider(
            grid,
            label=f"scale of weights into {layer_name[pos]}",
            initial=1.0 if 1.0 in grid else None,
        )
    for (pos, i, j), grid in weight_values.items():
        grid = _grid(grid, f"weight_values[{(pos, i, j)}]", "weight values")
        current = linears[pos].weight.data[i, j]
        start = min(grid, key=lambda v: abs(v - current))
        previous = {linear_no[p] + 1: layer_name[p] for p in linears}
        source = names[j] if pos == min(linears) else f"{previous[linear_no[pos]]} unit {j + 1}"
        controls[f"w_{pos}_{i}_{j}"] = Slider(
            grid,
            label=f"weight {source} \N{RIGHTWARDS ARROW} {layer_name[pos]} unit {i + 1}",
            initial=start,
        )
    if activations is not None:
        current = activation_name(work.blocks()[0].activation)
        labels = [ACTIVATIONS[a][0] for a in activations]
        controls["activation"] = Choice(
            tuple(activations),
            labels=tuple(labels),
            label="hidden activation",
            initial=activations[labels.index(current)] if current in labels else None,
        )
    if not controls:
        raise ValueError(
            f"{where}: nothing to explore: give input_values, scale_values, weight_values or "
            f"activations."
        )

    variants = _variants(work, activations) if activations is not None else {None: work}
    widest = max(
        float(np.max(np.abs(lin.weight.data)))
        * max([abs(s) for s in scale_values.get(pos, ())] + [1.0])
        for pos, lin in linears.items()
    )
    widest = max([widest] + [abs(v) for g in weight_values.values() for v in g]) or 1.0
    start_model = work
    if activations is not None:
        start_model = variants[controls["activation"].initial or activations[0]]
    diagram = draw_network(
        start_model,
        x0,
        input_names=drawn_names,
        data=data,
        weight_scale=widest,
    )
    view = NetworkView(
        diagram,
        variants,
        x0,
        linears,
        {name: spec.label for name, spec in controls.items()},
        inputs=list(input_values),
        weights=list(weight_values),
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
