"""``network_explorer``: the network diagram under the reader's hands."""

from __future__ import annotations

import copy
import numbers
from typing import Any, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..containers import Sequential
from ..layers import Identity, Linear, Module, ReLU, Sigmoid, Tanh
from ..plot import _activation_name, _fmt, draw_network
from .explorer import DEFAULT_MAX_BYTES, Choice, Explorer, Slider

__all__ = ["ACTIVATIONS", "network_explorer"]

#: Activations the explorer can switch between, as name -> (label, layer class).
ACTIVATIONS: dict[str, tuple[str, type[Module]]] = {
    "relu": ("ReLU", ReLU),
    "sigmoid": ("logistic sigmoid", Sigmoid),
    "tanh": ("tanh", Tanh),
    "identity": ("identity", Identity),
}

_SUB = str.maketrans("0123456789", "\N{SUBSCRIPT ZERO}\N{SUBSCRIPT ONE}\N{SUBSCRIPT TWO}"
                     "\N{SUBSCRIPT THREE}\N{SUBSCRIPT FOUR}\N{SUBSCRIPT FIVE}\N{SUBSCRIPT SIX}"
                     "\N{SUBSCRIPT SEVEN}\N{SUBSCRIPT EIGHT}\N{SUBSCRIPT NINE}")


def _variants(layers: list[Module], activations: Sequence[str]) -> dict[str, Sequential]:
    """One Sequential per activation, sharing the Linear layers of ``layers``."""
    last = max(i for i, layer in enumerate(layers) if isinstance(layer, Linear))
    variants = {}
    for name in activations:
        new: list[Module] = []
        for i, layer in enumerate(layers):
            if isinstance(layer, Linear):
                new.append(layer)
                hidden = i < last
                nxt = layers[i + 1] if i + 1 < len(layers) else None
                if hidden:
                    new.append(ACTIVATIONS[name][1]())
                elif nxt is not None and not isinstance(nxt, Linear):
                    new.append(nxt)
        variants[name] = Sequential(*new)
    return variants


def _grid(values: Any, where: str, what: str) -> tuple[float, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(
            f"network_explorer: {where} must map to a sequence of numbers ({what}), "
            f"got {values!r}."
        )
    if len(values) == 0 or not all(isinstance(v, numbers.Real) for v in values):
        raise ValueError(
            f"network_explorer: {where} must map to a non-empty sequence of numbers ({what}), "
            f"got {values!r}."
        )
    return tuple(float(v) for v in values)


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
    max_bytes: int = DEFAULT_MAX_BYTES,
    live: bool = True,
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
    max_bytes : int, default 3_000_000
        Budget of the frames' PNG bytes.
    live : bool, default True
        Re-render through nncore when a control moves (with a kernel).

    Returns
    -------
    Explorer
        ``explorer.view`` is the ``NetworkDiagram``; ``explorer.models`` maps each
        activation name to the model variant drawn with it.

    Raises
    ------
    ValueError
        For an input index, layer position, unit or activation the model does
        not have, or a grid of more frames than the budget allows.
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
        if not ok or not (0 <= key[1] < linears[key[0]].out_features
                          and 0 <= key[2] < linears[key[0]].in_features):
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
            grid, label=f"scale of weights into {layer_name[pos]}",
            initial=1.0 if 1.0 in grid else None,
        )
    for (pos, i, j), grid in weight_values.items():
        grid = _grid(grid, f"weight_values[{(pos, i, j)}]", "weight values")
        current = linears[pos].weight.data[i, j]
        start = min(grid, key=lambda v: abs(v - current))
        previous = {linear_no[p] + 1: layer_name[p] for p in linears}
        source = names[j] if pos == min(linears) else f"{previous[linear_no[pos]]} unit {j + 1}"
        controls[f"w_{pos}_{i}_{j}"] = Slider(
            grid, label=f"weight {source} \N{RIGHTWARDS ARROW} {layer_name[pos]} unit {i + 1}",
            initial=start,
        )
    if activations is not None:
        current = _activation_name(_hidden_activation(work))
        labels = [ACTIVATIONS[a][0] for a in activations]
        controls["activation"] = Choice(
            tuple(activations), labels=tuple(labels), label="hidden activation",
            initial=activations[labels.index(current)] if current in labels else None,
        )
    if not controls:
        raise ValueError(
            f"{where}: nothing to explore: give input_values, scale_values, weight_values or "
            f"activations."
        )

    base = {pos: lin.weight.data.copy() for pos, lin in linears.items()}
    variants = _variants(work.layers, activations) if activations is not None else {None: work}
    widest = max(
        float(np.max(np.abs(base[pos]))) * max([abs(s) for s in scale_values.get(pos, ())] + [1.0])
        for pos in linears
    )
    widest = max([widest] + [abs(v) for g in weight_values.values() for v in g]) or 1.0
    start_model = work
    if activations is not None:
        start_model = variants[controls["activation"].initial or activations[0]]
    diagram = draw_network(
        start_model, x0, input_names=drawn_names, data=data, weight_scale=widest,
    )
    sizes = "-".join(str(n) for n in diagram.sizes)

    def update(**values: Any) -> None:
        xx = x0.copy()
        for j in input_values:
            xx[j] = values[f"x{j + 1}"]
        for pos, lin in linears.items():
            lin.weight.data[...] = base[pos] * values.get(f"scale{pos}", 1.0)
        for pos, i, j in weight_values:
            linears[pos].weight.data[i, j] = values[f"w_{pos}_{i}_{j}"]
        diagram.update(variants[values.get("activation")], xx)

    def alt(**values: Any) -> str:
        out = ", ".join(t.get_text() for t in diagram.value_texts[-1])
        settings = "; ".join(
            f"{controls[n].label} = {_fmt(v)}" if isinstance(controls[n], Slider)
            else f"{controls[n].label} {ACTIVATIONS[v][0]}"
            for n, v in values.items()
        )
        return f"Diagram of the {sizes} network with {settings}: output {out}."

    explorer = Explorer(
        diagram.figure, update, controls,
        title=title or f"Explore the {sizes} network",
        instruction=instruction or (
            "Move the sliders and watch every unit's z and h change; switch the activation "
            "and compare the output with the ReLU network's."
        ),
        alt=alt, dpi=dpi, max_bytes=max_bytes, live=live, view=diagram,
    )
    explorer.models = variants
    return explorer


def _hidden_activation(model: Sequential) -> Module | None:
    layers = model.layers
    for i, layer in enumerate(layers[:-1]):
        if isinstance(layer, Linear) and not isinstance(layers[i + 1], Linear):
            return layers[i + 1]
    return None
