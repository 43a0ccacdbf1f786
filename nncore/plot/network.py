"""The network diagram: a drawn model whose edges, units and numbers follow it on ``update``."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..containers import Block, LayerTrace, Sequential
from ..layers import ReLU
from ._diagram import DIAGRAM_AXES, NetworkDrawing, check_scale, diagram_axes, largest
from ._model import as_batch, check_model, layer_sizes
from .style import DEAD, MUTED, NEGATIVE, POSITIVE, format_number

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend
    from matplotlib.transforms import Transform

__all__ = ["NetworkDiagram", "draw_network"]

# Numbers of 4, 5 and more characters are written smaller, to fit their circle.
_SHRINK = {4: 0.9, 5: 0.8}


class NetworkDiagram(NetworkDrawing):
    """A drawn network whose artists follow the model: call :meth:`update` to redraw.

    Built by :func:`draw_network`; see there for the picture's conventions. The
    artists (``units``, ``edges``, ``value_texts``, ``z_texts``, ``header_texts``...)
    are those of its base class ``NetworkDrawing`` (``nncore/plot/_diagram.py``); here
    ``value_texts[l][k]`` is the activation ``h`` of unit ``k`` of layer ``l`` (the
    input value for layer 0) and ``z_texts[l][k]`` its pre-activation ``z``.

    Parameters
    ----------
    model : Sequential
        ``Linear`` layers, each optionally followed by an activation.
    ax : matplotlib.axes.Axes
        Where to draw.
    title : str or None
        The title; ``None`` names the architecture.
    annotate : bool
        Write ``z`` and ``h`` of every unit.
    show_dead : bool
        Mark dead ReLU units.
    input_names : sequence of str or None
        Labels of the inputs.
    weight_scale : float or None
        The ``|w|`` drawn at ``max_linewidth``; ``None`` takes the largest ``|w|``.
    max_linewidth : float
        Line width in points of an edge with ``|w| = weight_scale``.
    column_spacing : float or None, default None
        Distance between the columns of units (see :func:`draw_network`).

    Attributes
    ----------
    weight_scale : float
        ``|w|`` drawn at ``max_linewidth``; kept fixed by :meth:`update` so widths compare.
    x : numpy.ndarray, shape (1, n_in), or None
        The input written into the units.
    data : numpy.ndarray, shape (n, n_in), or None
        The examples on which dead units are judged.
    dead : dict of int to numpy.ndarray of bool
        Dead (or, for a single input, inactive) units from the last update, by the
        position of their ``Linear`` layer.
    """

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
        column_spacing: float | None = None,
    ) -> None:
        blocks = check_model(model, "draw_network")
        if weight_scale is None:
            weight_scale = largest([block.linear.weight.data for block in blocks])
        weight_scale = check_scale(weight_scale, "draw_network")
        super().__init__(
            model,
            ax,
            blocks,
            title=title,
            input_names=input_names,
            weight_scale=weight_scale,
            max_linewidth=max_linewidth,
            where="draw_network",
            column_spacing=column_spacing,
        )
        self.annotate = annotate
        self.show_dead = show_dead
        self.dead: dict[int, NDArray[np.bool_]] = {}
        self.x: NDArray[np.float64] | None = None
        self.data: NDArray[np.float64] | None = None
        self._legend: Legend | None = None
        ax.set_xlabel(
            f"edge width \N{PROPORTIONAL TO} |weight| "
            f"(full width at |w| = {format_number(self.weight_scale)})",
            fontsize=max(8.0, self._font - 1),
            color=MUTED,
        )

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
        where = "NetworkDiagram.update"
        blocks = check_model(self.model if model is None else model, where)
        if layer_sizes(blocks) != self.sizes:
            raise ValueError(
                f"{where}: the diagram shows layer sizes {self.sizes}, the new model has "
                f"{layer_sizes(blocks)}. Draw a new diagram with draw_network for another "
                f"architecture."
            )
        if model is not None:
            self.model = model
        if x is not None:
            self.x = _one_input(x, self.sizes[0], where)
        if data is not None:
            self.data = as_batch(data, self.sizes[0], where, "data")

        judge = self.data if self.data is not None else self.x
        self.dead = {}
        if self.show_dead and judge is not None:
            self.dead = _dead_units(blocks, self.model.trace(judge))
        traces = self.model.trace(self.x) if self.x is not None else None
        self._update_edges(blocks)
        self._update_headers(blocks)
        self._fill_units(self.dead)
        self._write_values(traces)
        self._update_legend(judge)
        if self._auto_title:
            self.ax.set_title(self._default_title(blocks))
        return self

    # ------------------------------------------------------------------ the parts of update

    def _update_edges(self, blocks: list[Block]) -> None:
        from matplotlib.colors import to_rgba

        pos, neg = to_rgba(POSITIVE), to_rgba(NEGATIVE)
        for coll, block in zip(self.edges, blocks, strict=True):
            w = block.linear.weight.data.ravel()
            coll.set_linewidth((self.max_linewidth * np.abs(w) / self.weight_scale).tolist())
            coll.set_colors([pos if v >= 0 else neg for v in w])

    def _is_dead(self, layer: int, k: int) -> bool:
        mask = self.dead.get(self.positions[layer - 1]) if layer else None
        return mask is not None and bool(mask[k])

    def _write_values(self, traces: list[LayerTrace] | None) -> None:
        """``h`` inside each unit (the input value for layer 0) and ``z = ...`` above it."""
        shown = traces if self.annotate else None
        x = self.x  # not None when there are traces: they are the model's run on x
        for layer, texts in enumerate(self.value_texts):
            for k, text in enumerate(texts):
                if shown is None or x is None:
                    text.set_text("")
                else:
                    value = x[0, k] if layer == 0 else shown[layer - 1].h[0, k]
                    text.set_text(format_number(value))
                n_chars = len(text.get_text())
                text.set_fontsize(self._font * _SHRINK.get(n_chars, 1.0 if n_chars <= 3 else 0.68))
                text.set(  # set_bbox(None), which the type stubs of matplotlib < 3.11 refuse
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": DEAD, "edgecolor": "none"}
                    if self._is_dead(layer, k) and text.get_text()
                    else None
                )
        for layer, texts in enumerate(self.z_texts):
            for k, text in enumerate(texts):
                text.set_text(
                    f"z = {format_number(shown[layer - 1].z[0, k])}" if shown is not None else ""
                )

    def _dead_listed(self) -> list[str]:
        """``"hidden 1 unit 2"`` for every dead unit, in order."""
        listed = []
        for layer in range(1, len(self.sizes)):
            mask = self.dead.get(self.positions[layer - 1])
            if mask is not None:
                name = "output" if layer == len(self.sizes) - 1 else f"hidden {layer}"
                listed += [f"{name} unit {k + 1}" for k in np.flatnonzero(mask)]
        return listed

    def _update_legend(self, judge: NDArray[np.float64] | None) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        handles: list[Artist] = [
            Line2D([], [], color=POSITIVE, linewidth=2.5, label="positive weight")
        ]
        listed = self._dead_listed()
        if listed:
            n = 0 if judge is None else judge.shape[0]
            what = "inactive (ReLU output 0)" if n == 1 else f"dead (0 on all {n} inputs)"
            more = f" and {len(listed) - 6} more" if len(listed) > 6 else ""
            width = max(30, int(11 * self.figure.get_figwidth()))
            label = textwrap.fill(f"{what}: {', '.join(listed[:6])}{more}", width=width)
            handles.append(
                Patch(facecolor=DEAD, edgecolor=MUTED, hatch="////", linestyle="--", label=label)
            )
        # Edge colours on the first row, the dead units (if any) on a row of their own.
        handles.append(Line2D([], [], color=NEGATIVE, linewidth=2.5, label="negative weight"))
        if self._legend is not None:
            self._legend.remove()
        loc: Literal["upper center", "lower center"] = "upper center"
        anchor = (0.5, -0.06)
        transform: Transform | None = None
        if tuple(self.ax.get_position().bounds) == DIAGRAM_AXES:  # a figure of our own
            loc, anchor = "lower center", (0.5, 0.01)
            transform = self.figure.transFigure
        self._legend = self.ax.legend(
            handles=handles,
            ncol=2,
            frameon=False,
            fontsize=max(8.0, self._font - 1.5),
            handlelength=1.8,
            columnspacing=1.6,
            loc=loc,
            bbox_to_anchor=anchor,
            bbox_transform=transform,
        )

    def _default_title(self, blocks: list[Block]) -> str:
        start = f"The {self._architecture(blocks)}"
        if self.x is None:
            return start
        values = [format_number(v) for v in self.x[0]]
        if len(values) > 6:
            values = values[:4] + ["\N{HORIZONTAL ELLIPSIS}"]
        return f"{start} on input [{', '.join(values)}]"


def _dead_units(blocks: list[Block], traces: list[LayerTrace]) -> dict[int, NDArray[np.bool_]]:
    """ReLU units with ``z <= 0`` on every example, by layer index: the rule of
    :func:`nncore.dead_units`, read from ``model.trace``, which (unlike ``dead_units``)
    leaves what a pending backward pass needs untouched."""
    return {
        block.index: np.all(t.z <= 0.0, axis=0)
        for block, t in zip(blocks, traces, strict=True)
        if isinstance(block.activation, ReLU)
    }


def _one_input(x: ArrayLike, n_in: int, where: str) -> NDArray[np.float64]:
    """``x`` as a batch of exactly one example, shape (1, n_in)."""
    batch = as_batch(x, n_in, where)
    if batch.shape[0] != 1:
        raise ValueError(
            f"{where}: x is the one input written into the units, expected shape ({n_in},), "
            f"got {np.shape(x)}. Pass a batch as data= to judge dead units."
        )
    return batch


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
    column_spacing: float | None = None,
) -> NetworkDiagram:
    """Draw a fully connected network from an actual model.

    Units are circles in columns (inputs on the left); every weight is an edge
    whose width is proportional to ``|w|`` and whose colour gives its sign
    (:data:`~nncore.plot.style.POSITIVE` blue, :data:`~nncore.plot.style.NEGATIVE`
    vermillion). Given an input, each unit shows its activation ``h`` inside and its
    pre-activation ``z`` above.
    ReLU units that are 0 on every example are drawn grey, hatched and dashed,
    and listed in the legend. Drawing runs the model on ``x`` and ``data``
    without disturbing a backward pass still to come.

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
    column_spacing : float, optional
        Distance between the columns of units, in the units' pitch within a column (1);
        by default the drawing is spread to about 1.5 times as wide as high, columns at
        least 2.5 apart. A narrower drawing (e.g. 1.8) keeps its text larger when the
        picture is shrunk to a phone's width.

    Returns
    -------
    NetworkDiagram
        Holds the figure and its artists; ``diagram.update(model, x)`` redraws in place.

    Raises
    ------
    TypeError
        ``model`` is not a ``Sequential``.
    ValueError
        Layers that do not chain, NaN or infinite weights (naming the parameter),
        ``x`` or ``data`` of the wrong shape or with NaN values, a ``column_spacing``
        that is not a positive number.

    Examples
    --------
    >>> import nncore as nc
    >>> net = nc.mlp([4, 2, 3, 1], weight_init=nc.init.constant(1.0), bias_init=nc.init.zeros())
    >>> diagram = draw_network(net, [1, 1, 1, 1])
    >>> [[t.get_text() for t in column] for column in diagram.value_texts[1:]]
    [['4', '4'], ['8', '8', '8'], ['24']]
    """
    blocks = check_model(model, "draw_network")
    n_in = blocks[0].linear.in_features
    if x is not None:
        _one_input(x, n_in, "draw_network")
    if data is not None:
        as_batch(data, n_in, "draw_network", "data")
    if column_spacing is not None and not (
        isinstance(column_spacing, (int, float))
        and not isinstance(column_spacing, bool)
        and 0 < column_spacing < np.inf
    ):
        raise ValueError(
            f"draw_network: column_spacing must be a positive number (units in a column sit "
            f"1 apart), got {column_spacing!r}; leave it out for the default spacing."
        )
    if ax is None:
        ax = diagram_axes(blocks, input_names, column_spacing)
    diagram = NetworkDiagram(
        model,
        ax,
        title=title,
        annotate=annotate,
        show_dead=show_dead,
        input_names=input_names,
        weight_scale=weight_scale,
        max_linewidth=max_linewidth,
        column_spacing=column_spacing,
    )
    return diagram.update(x=x, data=data)
