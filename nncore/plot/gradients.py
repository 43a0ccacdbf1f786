"""The gradient diagram: ``dL/dw`` of the last backward pass on the network's edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..containers import Block, Sequential
from ._diagram import NetworkDrawing, check_scale, diagram_axes, largest
from ._model import check_model, layer_sizes
from .style import DEAD, NEGATIVE, POSITIVE, format_number

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.axes import Axes
    from matplotlib.text import Text

__all__ = ["GradientDiagram", "draw_gradients"]

_D = "\N{PARTIAL DIFFERENTIAL}"
_ZERO_DASH = (0, (3, 3))


def _check_gradients(blocks: list[Block], where: str) -> None:
    """Refuse gradients that are NaN or infinite, or all exactly 0 (no backward pass yet)."""
    grads = [(p.name, p.grad) for b in blocks for p in b.linear.parameters()]
    for name, grad in grads:
        if not np.isfinite(grad).all():
            raise ValueError(
                f"{where}: the gradient of parameter '{name}' holds NaN or infinite values, "
                f"which cannot be drawn. Check the loss and its inputs for NaN, or train "
                f"with a smaller learning rate."
            )
    if not any(np.any(grad) for _, grad in grads):
        raise ValueError(
            f"{where}: every gradient of the model is 0, which is what .grad holds before any "
            f"backward pass (or right after zero_grad). Run the backward pass first: "
            f"model.zero_grad(); loss = loss_fn(model(x), y); model.backward(loss_fn.backward()) "
            f"(or model.backward(np.ones(n_out)) for the output itself), then "
            f"draw_gradients(model)."
        )


class GradientDiagram(NetworkDrawing):
    """A drawn network whose edges show ``dL/dw``; :meth:`update` redraws the gradients.

    Built by :func:`draw_gradients`; the artists are those of its base
    class ``NetworkDrawing`` (``nncore/plot/_diagram.py``), with ``z_texts[l][k]`` holding
    ``dL/db`` of unit ``k`` of layer ``l``.

    Parameters
    ----------
    model : Sequential
        A model after ``model.backward(...)``: every parameter's ``.grad`` is drawn.
    ax : matplotlib.axes.Axes
        Where to draw.
    title : str or None
        The title; ``None`` names what is differentiated and the architecture.
    of : str
        Name of what was differentiated (``"L"``, ``"f"``), for the labels.
    weight_scale : float, optional
        The ``|dL/dw|`` drawn at ``max_linewidth``; the largest ``|dL/dw|`` by default.
    max_linewidth : float, default 3.5
        Line width in points of an edge with ``|dL/dw| = weight_scale``.

    Attributes
    ----------
    edge_texts : list of list of matplotlib.text.Text
        ``edge_texts[l][i * in_features + j]``: the value of ``dL/dw`` written on the
        edge from input ``j`` to unit ``i`` of ``Linear`` layer ``l``.
    weight_scale : float
        The ``|dL/dw|`` drawn at full width, fixed at the first drawing so that
        widths compare across updates.
    of : str
        Name of what was differentiated (``"L"``, ``"f"``).
    """

    def __init__(
        self,
        model: Sequential,
        ax: Axes,
        *,
        title: str | None,
        of: str,
        weight_scale: float | None = None,
        max_linewidth: float = 3.5,
    ) -> None:
        where = "draw_gradients"
        blocks = check_model(model, where)
        _check_gradients(blocks, where)
        if weight_scale is None:
            weight_scale = largest([block.linear.weight.grad for block in blocks])
        weight_scale = check_scale(weight_scale, where)
        super().__init__(
            model,
            ax,
            blocks,
            title=title,
            input_names=None,
            weight_scale=weight_scale,
            max_linewidth=max_linewidth,
            where=where,
        )
        self.of = str(of)
        self.edge_texts = [self._draw_edge_texts(layer) for layer in range(len(blocks))]
        self._fill_units({})
        self._update_headers(blocks)
        self._draw_legend()
        dw = f"{_D}{self.of}/{_D}w"
        ax.set_xlabel(
            f"edge width \N{PROPORTIONAL TO} |{dw}| (full width at "
            f"{format_number(self.weight_scale)}); the number on each edge is {dw}",
            fontsize=8,
        )

    def _draw_edge_texts(self, layer: int) -> list[Text]:
        """One empty label per edge, nearer the wider end so that labels keep apart."""
        n_in, n_out = self.sizes[layer], self.sizes[layer + 1]
        where = 0.3 if n_in > n_out else 0.75
        texts = []
        for start, end in self.edges[layer].get_segments():
            px, py = start + where * (end - start)
            texts.append(
                self.ax.text(
                    px,
                    py,
                    "",
                    fontsize=8,
                    ha="center",
                    va="center",
                    zorder=5,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
                )
            )
        return texts

    def _draw_legend(self) -> None:
        from matplotlib.lines import Line2D

        self.ax.legend(
            handles=[
                Line2D([], [], color=POSITIVE, linewidth=2.5, label="positive gradient"),
                Line2D([], [], color=NEGATIVE, linewidth=2.5, label="negative gradient"),
                Line2D(
                    [], [], color=DEAD, linewidth=1.5, linestyle=_ZERO_DASH, label="zero gradient"
                ),
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.09),
            ncol=3,
            frameon=False,
            fontsize=8,
        )

    def update(self, model: Sequential | None = None) -> GradientDiagram:
        """Redraw the gradients that ``model`` (default: the one drawn last) holds now.

        Parameters
        ----------
        model : Sequential, optional
            A model with the same layer sizes, after its backward pass.

        Returns
        -------
        GradientDiagram
            ``self``.
        """
        where = "GradientDiagram.update"
        blocks = check_model(self.model if model is None else model, where)
        if layer_sizes(blocks) != self.sizes:
            raise ValueError(
                f"{where}: the diagram shows layer sizes {self.sizes}, the new model has "
                f"{layer_sizes(blocks)}. Draw a new diagram with draw_gradients."
            )
        _check_gradients(blocks, where)
        if model is not None:
            self.model = model
        for edges, texts, block in zip(self.edges, self.edge_texts, blocks, strict=True):
            grad = block.linear.weight.grad.ravel()
            zero = grad == 0
            widths = self.max_linewidth * np.abs(grad) / self.weight_scale
            edges.set_linewidth(np.where(zero, 1.0, widths).tolist())
            edges.set_linestyle([_ZERO_DASH if z else "solid" for z in zero])
            edges.set_colors(
                [
                    DEAD if z else POSITIVE if g > 0 else NEGATIVE
                    for z, g in zip(zero, grad, strict=True)
                ]
            )
            for text, g in zip(texts, grad, strict=True):
                text.set_text(format_number(g))
        for bias_texts, block in zip(self.z_texts[1:], blocks, strict=True):
            for text, g in zip(bias_texts, block.linear.bias.grad, strict=True):
                text.set_text(f"{_D}{self.of}/{_D}b = {format_number(g)}")
        if self._auto_title:
            self.ax.set_title(f"{_D}{self.of}/{_D}w on the {self._architecture(blocks)}")
        return self


def draw_gradients(
    model: Sequential, ax: Axes | None = None, *, title: str | None = None, of: str = "L"
) -> GradientDiagram:
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
        Defaults to "∂L/∂w on the 4-2-3-1 network (ReLU hidden units)".
    of : str, default "L"
        Name of what was differentiated, for the labels: ``"f"`` for the
        network's output after ``model.backward(np.ones(1))``.

    Returns
    -------
    GradientDiagram
        Holds the figure; after another backward pass, ``diagram.update()`` redraws
        the new gradients in place.

    Raises
    ------
    ValueError
        Before any backward pass (every ``.grad`` is 0), or when a weight or a
        gradient is NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> import nncore as nc
    >>> net = nc.mlp([4, 2, 3, 1], weight_init=nc.init.constant(1.0), bias_init=nc.init.zeros())
    >>> _ = net(np.ones(4))
    >>> _ = net.backward(np.ones(1))
    >>> diagram = draw_gradients(net, of="f")
    >>> sorted({t.get_text() for t in diagram.edge_texts[0]})  # df/dW1: three paths of weight 1
    ['3']
    """
    blocks = check_model(model, "draw_gradients")
    if ax is None:
        ax = diagram_axes(blocks, None)
    return GradientDiagram(model, ax, title=title, of=of).update()
