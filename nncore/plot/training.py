"""Figures of training and evaluation: loss curves, confusion matrix, pre-activation histograms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..containers import Sequential
from ._model import as_batch, check_model
from .style import DEAD, INK, PALETTE, new_axes

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.axes import Axes

__all__ = ["confusion_matrix", "preactivation_histogram", "training_curves"]


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
        ax = new_axes((6.4, 4.0))
    for i, key in enumerate(keys):
        values = np.asarray(history[key], dtype=float)
        epochs: NDArray[np.generic] = np.arange(1, len(values) + 1)
        if "epoch" in history and len(history["epoch"]) == len(values):
            epochs = np.asarray(history["epoch"])
        ax.plot(
            epochs,
            values,
            color=PALETTE[i % len(PALETTE)],
            linewidth=2,
            linestyle="--" if key.startswith("val_") else "-",
            marker="o" if len(values) <= 30 else None,
            markersize=3.5,
            label=key.replace("_", " "),
        )
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
        ax = new_axes((side + 0.9, side))
    im = ax.imshow(shown, cmap="cividis", vmin=0)
    ax.figure.colorbar(
        im, ax=ax, label="fraction of true class" if normalize else "examples", shrink=0.85
    )
    top = shown.max() if shown.size else 1.0
    for i in range(k):
        for j in range(k):
            text = f"{shown[i, j]:.2f}" if normalize else f"{int(cm[i, j])}"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=9 if k <= 10 else 7,
                color="white" if shown[i, j] < 0.55 * top else "black",
            )
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
) -> NDArray[np.object_]:
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
    blocks = check_model(model, where)
    by_position = {block.index: block.linear for block in blocks}
    if position not in by_position:
        raise ValueError(
            f"{where}: position {position!r} is not a Linear layer of the model; Linear layers "
            f"sit at positions {sorted(by_position)}."
        )
    x = as_batch(x, blocks[0].linear.in_features, where)
    n_units = by_position[position].out_features
    layer_no = sorted(by_position).index(position) + 1
    z = model.trace(x)[layer_no - 1].z.reshape(len(x), n_units)
    if ax is None:
        ncols = min(n_units, 4)
        nrows = int(np.ceil(n_units / ncols))
        import matplotlib.pyplot as plt

        fig, grid = plt.subplots(
            nrows,
            ncols,
            figsize=(2.6 * ncols + 0.6, 2.2 * nrows + 0.9),
            sharex=True,
            squeeze=False,
            layout="constrained",
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
    for k, a in enumerate(axes):
        a.axvspan(min(edges[0], 0.0) - 1e9, 0.0, color=DEAD, alpha=0.6, zorder=0, linewidth=0)
        a.hist(
            z[:, k], bins=edges, color=PALETTE[k % len(PALETTE)], edgecolor="white", linewidth=0.4
        )
        a.axvline(0.0, color=INK, linewidth=1, linestyle="--")
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
