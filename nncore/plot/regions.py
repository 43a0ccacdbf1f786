"""Decision regions of a two-feature model, with where one hidden unit is active."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..containers import Block, LayerTrace, Sequential
from ..layers import Sigmoid
from ._model import as_batch, check_model
from .style import INK, MARKERS, MUTED, PALETTE, figure_of, new_axes, tint

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.contour import ContourSet
    from matplotlib.figure import Figure

__all__ = ["DecisionRegions", "decision_regions"]


def _labels_of(y: ArrayLike, n: int, where: str) -> NDArray[np.int_]:
    """Integer class labels from labels or one-hot rows, one per example."""
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
    labels: NDArray[np.int_] = np.round(arr).astype(int)
    return labels


def _predicted_classes(traces: list[LayerTrace], n: int) -> NDArray[np.int_]:
    """The class of each example from the last layer's output: the largest of several
    outputs; one output thresholded at 0.5 after a Sigmoid, else at 0 (a logit)."""
    out: NDArray[np.float64] = traces[-1].h.reshape(n, -1)
    classes: NDArray[np.int_]
    if out.shape[1] > 1:
        classes = out.argmax(axis=1)
    else:
        threshold = 0.5 if isinstance(traces[-1].activation, Sigmoid) else 0.0
        classes = (out[:, 0] > threshold).astype(int)
    return classes


def _unit_z(traces: list[LayerTrace], n: int, block: int, k: int) -> NDArray[np.float64]:
    """Pre-activation ``z`` of unit ``k`` of the ``block``-th Linear layer, per example."""
    return traces[block].z.reshape(n, -1)[:, k]


def _set_edges(contours: ContourSet, colour: str, width: float) -> None:
    """Edge colour (the hatching's too) and width of filled contours on any matplotlib:
    from 3.8 a ContourSet is one Collection, before it held one per level."""
    from matplotlib.collections import Collection

    if isinstance(contours, Collection):
        parts = [contours]
    else:  # matplotlib < 3.8
        parts = contours.collections
    for part in parts:
        part.set_edgecolor(colour)
        part.set_linewidth(width)


class DecisionRegions:
    """A decision-region plot whose artists follow the model: call :meth:`update`.

    Built by :func:`decision_regions`, which checks the arguments and documents them in full.

    Parameters
    ----------
    model : Sequential
        A model taking 2 features.
    x : numpy.ndarray, shape (n, 2)
        The data points.
    y : numpy.ndarray of int, shape (n,)
        Their class labels.
    ax : matplotlib.axes.Axes
        Where to draw.
    unit : (int, int) or None
        ``(linear_position, unit_index)`` of the unit whose active region is hatched.
    resolution : int
        Grid points per axis.
    title : str or None
        The figure's title.
    feature_names : (str, str) or None
        Axis labels.
    class_names : sequence of str or None
        Legend names of the classes.

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
    points : list of matplotlib.collections.PathCollection
        The data points of each class.
    hatch : matplotlib.contour.QuadContourSet or None
        The hatching where the chosen unit is active (None when it is nowhere).
    boundary : matplotlib.contour.QuadContourSet or None
        The dashed line ``z = 0`` of the chosen unit (None when it does not cross the plot).
    note : matplotlib.text.Text
        The box saying whether the chosen unit is dead on the data.
    """

    def __init__(
        self,
        model: Sequential,
        x: NDArray[np.float64],
        y: NDArray[np.int_],
        ax: Axes,
        *,
        unit: tuple[int, int] | None,
        resolution: int,
        title: str | None,
        feature_names: Sequence[str] | None,
        class_names: Sequence[str] | None,
    ) -> None:
        self.figure: Figure = figure_of(ax)
        self.ax = ax
        self.model = model
        self.x, self.y = x, y
        self.unit = unit
        self._auto_title = title is None
        self.n_classes = max(int(y.max()) + 1 if y.size else 2, 2)
        self.class_names = (
            list(class_names)
            if class_names is not None
            else [f"class {c}" for c in range(self.n_classes)]
        )
        if len(self.class_names) < self.n_classes:
            raise ValueError(
                f"decision_regions: expected {self.n_classes} class_names, got "
                f"{len(self.class_names)}."
            )
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = np.where(hi - lo > 0, 0.08 * (hi - lo), 0.5)
        lo, hi = lo - pad, hi + pad
        g0, g1 = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
        self.grid = np.stack(np.meshgrid(g0, g1), axis=-1).reshape(-1, 2)
        self._shape = (resolution, resolution)
        self._colours = np.array(
            [tint(PALETTE[c % len(PALETTE)], 0.3) for c in range(self.n_classes)]
        )
        self.image = ax.imshow(
            np.ones(self._shape + (3,)),
            origin="lower",
            extent=(lo[0], hi[0], lo[1], hi[1]),
            interpolation="nearest",
            aspect="auto",
            zorder=0,
        )
        self.points = [
            ax.scatter(
                x[y == c, 0],
                x[y == c, 1],
                s=28,
                marker=MARKERS[c % len(MARKERS)],
                color=PALETTE[c % len(PALETTE)],
                edgecolors=INK,
                linewidths=0.6,
                zorder=3,
                label=self.class_names[c],
            )
            for c in range(self.n_classes)
        ]
        names = feature_names or ("feature 1 ($x_1$)", "feature 2 ($x_2$)")
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        if title is not None:
            ax.set_title(title)
        self.hatch: ContourSet | None = None
        self.boundary: ContourSet | None = None
        self.note = ax.text(
            0.02,
            0.02,
            "",
            transform=ax.transAxes,
            fontsize=9,
            color=INK,
            zorder=5,
            bbox={
                "boxstyle": "round,pad=0.3",
                "facecolor": "white",
                "edgecolor": MUTED,
                "alpha": 0.9,
            },
        )
        self.note.set_visible(False)
        self.active: NDArray[np.bool_] | None = None
        self.predicted: NDArray[np.int_] = np.zeros(self._shape, dtype=int)

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
        from matplotlib.patches import Patch

        check_model(self.model if model is None else model, "DecisionRegions.update")
        if model is not None:
            self.model = model
        traces = self.model.trace(self.grid)
        self.predicted = _predicted_classes(traces, len(self.grid)).reshape(self._shape)
        self.image.set_data(self._colours[np.clip(self.predicted, 0, self.n_classes - 1)])
        for artist in (self.hatch, self.boundary):
            if artist is not None:
                artist.remove()
        self.hatch = self.boundary = None
        handles: list[Artist] = [
            Patch(
                facecolor=self._colours[c],
                edgecolor=MUTED,
                label=f"predicted {self.class_names[c]}",
            )
            for c in range(self.n_classes)
        ] + list(self.points)
        if self.unit is not None:
            handles += self._draw_unit(traces, self.unit)
        ax = self.ax
        legend = ax.get_legend()
        if legend is not None:
            legend.remove()
        ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.92)
        if self._auto_title:
            unit = ""
            if self.unit is not None:
                unit = f", hidden unit {self.unit[1] + 1} active where hatched"
            ax.set_title(f"Predicted classes{unit}")
        return self

    def _draw_unit(self, traces: list[LayerTrace], unit: tuple[int, int]) -> list[Artist]:
        """Hatch where ``unit`` is active, dash ``z = 0``, say whether it is dead;
        return the legend entries of both."""
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        ax, (position, k) = self.ax, unit
        block = [b.index for b in self.model.blocks()].index(position)
        z_grid = _unit_z(traces, len(self.grid), block, k).reshape(self._shape)
        self.active = z_grid > 0
        xs = self.grid[:, 0].reshape(self._shape)
        ys = self.grid[:, 1].reshape(self._shape)
        if self.active.any():
            self.hatch = ax.contourf(
                xs,
                ys,
                self.active.astype(float),
                levels=[0.5, 1.5],
                colors="none",
                hatches=["///"],
                zorder=1,
            )
            _set_edges(self.hatch, MUTED, 0)
        if self.active.any() and not self.active.all():
            self.boundary = ax.contour(
                xs,
                ys,
                z_grid,
                levels=[0.0],
                colors=[INK],
                linewidths=1.6,
                linestyles="--",
                zorder=2,
            )
        z_data = _unit_z(self.model.trace(self.x), len(self.x), block, k)
        n = len(self.x)
        self.note.set_text(
            f"unit {k + 1} is dead: z \N{LESS-THAN OR EQUAL TO} 0 on all {n} points"
            if np.all(z_data <= 0)
            else f"unit {k + 1} active on {int(np.sum(z_data > 0))} of {n} points"
        )
        self.note.set_visible(True)
        return [
            Patch(
                facecolor="none", edgecolor=MUTED, hatch="///", label=f"unit {k + 1} active (z > 0)"
            ),
            Line2D([], [], color=INK, linestyle="--", label="z = 0"),
        ]


def _check_unit(unit: object, blocks: list[Block], where: str) -> None:
    if not (isinstance(unit, tuple) and len(unit) == 2):
        raise TypeError(
            f"{where}: unit must be a pair (linear_position, unit_index), got {unit!r}."
        )
    by_position = {block.index: block.linear for block in blocks}
    position, k = unit
    if position not in by_position:
        raise ValueError(
            f"{where}: unit={unit!r} names position {position}, which is not a Linear layer; "
            f"Linear layers sit at positions {sorted(by_position)}."
        )
    n_units = by_position[position].out_features
    if not 0 <= k < n_units:
        raise ValueError(
            f"{where}: unit={unit!r}: layer {position} has {n_units} units, so the unit index "
            f"must be in 0..{n_units - 1}."
        )


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
        The data points, drawn with one colour and marker per class; finite.
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

    Raises
    ------
    ValueError
        A model that does not take 2 features or has NaN weights, NaN or infinite
        values in ``x``, labels that do not match ``x``, a ``unit`` that does not exist.
    """
    where = "decision_regions"
    blocks = check_model(model, where)
    if blocks[0].linear.in_features != 2:
        raise ValueError(
            f"{where}: the model must take 2 features to draw regions in the plane, its first "
            f"layer is {blocks[0].linear!r}."
        )
    x = as_batch(x, 2, where)
    y = _labels_of(y, len(x), where)
    if unit is not None:
        _check_unit(unit, blocks, where)
    if not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"{where}: resolution must be an int >= 2, got {resolution!r}.")
    if ax is None:
        ax = new_axes((6.2, 5.0))
    regions = DecisionRegions(
        model,
        x,
        y,
        ax,
        unit=unit,
        resolution=int(resolution),
        title=title,
        feature_names=feature_names,
        class_names=class_names,
    )
    return regions.update()
