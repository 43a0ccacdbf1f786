"""Chapter 3's figures and tables: ReLU and its derivative, a dead unit, the sweeps' runs."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import nncore as nc
from nncore import plot as ncplot
from nncore.plot import INK, MUTED

__all__ = ["relu_and_derivative", "remedy_dots", "show_table", "sweep_curves", "trained_units"]

BLUE, ORANGE = ncplot.PALETTE[:2]


def show_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Display a small table of already formatted values (strings) as HTML.

    Parameters
    ----------
    header : sequence of str
        The column headings.
    rows : sequence of sequence of str
        One row per line of the table.
    """

    def cells(tag: str, values: Sequence[str]) -> str:
        return "".join(f"<{tag}>{html.escape(str(v))}</{tag}>" for v in values)

    body = "".join(f"<tr>{cells('td', r)}</tr>" for r in rows)
    display(
        HTML(f"<table><thead><tr>{cells('th', header)}</tr></thead><tbody>{body}</tbody></table>")
    )


def relu_and_derivative(
    z: np.ndarray,
    f_relu: np.ndarray,
    f_leaky: np.ndarray,
    d_relu: np.ndarray,
    d_leaky: np.ndarray,
) -> Figure:
    """ReLU and leaky ReLU over ``z`` (left) and their derivatives, with the value at 0 (right).

    Parameters
    ----------
    z : numpy.ndarray, shape (k,)
        Pre-activations, containing 0.0 exactly.
    f_relu, f_leaky, d_relu, d_leaky : numpy.ndarray, shape (k,)
        The two activations and their derivatives at ``z``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    ax_f.plot(z, f_relu, color=BLUE, linewidth=2.5, label="ReLU")
    ax_f.plot(z, f_leaky, color=ORANGE, linewidth=2, linestyle="--", label="leaky ReLU, α = 0.1")
    ax_f.set(title="ReLU and leaky ReLU", xlabel="pre-activation z", ylabel="activation φ(z)")
    curves = [(d_relu, BLUE, "-", "ReLU′"), (d_leaky, ORANGE, "--", "leaky ReLU′")]
    for d, colour, style, name in curves:
        for side in (z < 0, z > 0):  # two pieces: no vertical line at the jump
            ax_d.plot(z[side], d[side], color=colour, linestyle=style, linewidth=2.5)
        ax_d.plot([0.0], d[z == 0], "o", color=colour, markersize=8)  # the value used at z = 0
        ax_d.plot(
            [],
            [],
            color=colour,
            linestyle=style,
            linewidth=2.5,
            marker="o",
            label=f"{name} (dot: value used at z = 0)",
        )
    ax_d.set(
        title="Their derivatives",
        xlabel="pre-activation z",
        ylabel="derivative φ′(z)",
        ylim=(-0.15, 1.2),
    )
    ax_f.legend(frameon=False, loc="upper left")
    ax_d.legend(frameon=False, loc="center left")
    for ax in (ax_f, ax_d):
        ax.grid(alpha=0.3)
    return fig


def trained_units(net: nc.Sequential, x: np.ndarray, y: np.ndarray) -> Figure:
    """Hidden units 1 and 2 of a trained network: where each is active, and whether it is dead.

    Parameters
    ----------
    net : Sequential
        A network whose first layer has at least two units.
    x : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray of int, shape (n,)

    Returns
    -------
    matplotlib.figure.Figure
    """
    dead_after = nc.dead_units(net, x)[0]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.3), layout="constrained")
    for k, ax in enumerate(axes):
        state = "dead" if dead_after[k] else "alive"
        ncplot.decision_regions(
            net,
            x,
            y,
            unit=(0, k),
            ax=ax,
            resolution=150,
            title=f"After training: hidden unit {k + 1} ({state})",
        )
        if dead_after[k]:  # no active region and no boundary in view: no legend entries
            legend = ax.get_legend()
            kept = [
                (h, t.get_text())
                for h, t in zip(legend.legend_handles, legend.get_texts())
                if "active" not in t.get_text() and t.get_text() != "z = 0"
            ]
            legend.remove()
            ax.legend(*zip(*kept), loc="upper right", fontsize=8, framealpha=0.92)
    return fig


def sweep_curves(sweep: Mapping[float, Any]) -> Figure:
    """Dead units and validation accuracy over the epochs, per learning rate: runs and median.

    Parameters
    ----------
    sweep : mapping of float to Runs
        Learning rate -> its runs of :func:`nnbook.experiments.dead_units_experiments.dying_runs`
        (``off`` and ``accuracy`` per epoch).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_dead, ax_acc) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    for i, (lr, runs) in enumerate(sweep.items()):
        colour = ncplot.PALETTE[i]
        epochs = np.arange(len(runs[0].off))
        for ax, series in [
            (ax_dead, runs.values(lambda r: r.off)),
            (ax_acc, runs.values(lambda r: r.accuracy)),
        ]:
            for s in series:
                ax.plot(epochs, s, color=colour, linewidth=0.9, alpha=0.45)
            ax.plot(
                epochs, np.median(series, axis=0), color=colour, linewidth=2.4, label=f"η = {lr:g}"
            )
    ax_dead.set(
        title="Dead hidden units (of 100) on the training set",
        xlabel="epoch (0 = before training)",
        ylabel="fraction dead",
        ylim=(-0.03, 1.03),
    )
    ax_acc.set(
        title="Validation accuracy",
        xlabel="epoch (0 = before training)",
        ylabel="accuracy",
        ylim=(0, 1.02),
    )
    ax_acc.axhline(0.1, color=MUTED, linestyle=":", linewidth=1.2)
    ax_acc.text(15, 0.12, "chance (10 classes)", ha="right", va="bottom", fontsize=9, color=MUTED)
    fig.legend(
        *ax_dead.get_legend_handles_labels(),
        title="learning rate (thick line: median of 5 runs; thin lines: the runs)",
        loc="outside lower center",
        ncol=4,
        frameon=False,
    )
    for ax in (ax_dead, ax_acc):
        ax.grid(alpha=0.3)
    return fig


def remedy_dots(remedy: Mapping[str, Any], measures: Sequence[Callable]) -> Figure:
    """One row per setting, one dot per run and the median: units off, accuracy, largest fall.

    Parameters
    ----------
    remedy : mapping of str to Runs
        Setting -> its runs.
    measures : sequence of three callables
        A run's share of units off, its validation accuracy and its largest fall of the
        accuracy, in that order.

    Returns
    -------
    matplotlib.figure.Figure
    """
    off_end, acc_end, largest_fall = measures
    names = list(remedy)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), sharey=True, layout="constrained")
    ypos = np.arange(len(names))[::-1]
    panels = [
        (
            axes[0],
            off_end,
            "share of hidden units off on every image",
            "Units off after 15 epochs",
            (-0.02, 1.02),
        ),
        (
            axes[1],
            acc_end,
            "validation accuracy",
            "Validation accuracy after 15 epochs",
            (0.6, 1.0),
        ),
        (
            axes[2],
            largest_fall,
            "largest drop from one epoch to the next",
            "Largest fall of the accuracy",
            (-0.02, 0.72),
        ),
    ]
    for ax, measure, label, title, limits in panels:
        for i, (y, n) in enumerate(zip(ypos, names)):
            values = remedy[n].values(measure)
            ax.plot(
                values,
                np.full(len(values), y),
                "o",
                color=ncplot.PALETTE[i],
                markersize=5,
                alpha=0.8,
            )
            ax.plot([np.median(values)] * 2, [y - 0.32, y + 0.32], color=INK, linewidth=2)
        ax.set(xlabel=label, xlim=limits, title=title)
        ax.grid(alpha=0.3, axis="x")
    axes[0].set_yticks(ypos, names)
    fig.legend(
        handles=[
            Line2D([], [], marker="o", color=MUTED, linestyle="none", label="one run"),
            Line2D([], [], color=INK, linewidth=2, label="median of 5 runs"),
        ],
        loc="outside lower center",
        ncol=2,
        frameon=False,
    )
    return fig
