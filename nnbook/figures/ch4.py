"""Chapter 4's figures: a dead and a live start, dead starts by scale, training a dead unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

import nncore as nc
from nncore import plot as ncplot

__all__ = [
    "dead_start_probability",
    "output_bias_and_accuracy",
    "revival_steps",
    "same_weights_two_biases",
    "second_layer_units",
]

BLUE, ORANGE, GREEN, VERMILLION, PURPLE = ncplot.PALETTE[:5]


def same_weights_two_biases(
    units: Mapping[float, nc.Sequential], x: np.ndarray, y: np.ndarray
) -> Figure:
    """Where the hidden unit is active with bias -0.01 (dead) and 0.04 (alive), same weights.

    Parameters
    ----------
    units : mapping of float to Sequential
        Bias -> the case study's network with that hidden bias.
    x : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray of int, shape (n,)

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), layout="constrained")
    for ax, b in zip(axes, (-0.01, 0.04)):
        ncplot.decision_regions(
            units[b],
            x,
            y,
            unit=(0, 0),
            ax=ax,
            resolution=150,
            title=f"w = (−0.02, −0.03), b = {b:+.2f}: ".replace("-", "−")
            + ("dead" if b < 0 else "alive"),
        )
        if b < 0:  # no active region and no boundary in view: no legend entries for them
            legend = ax.get_legend()
            kept = [
                (h, t.get_text())
                for h, t in zip(legend.legend_handles, legend.get_texts())
                if "active" not in t.get_text() and t.get_text() != "z = 0"
            ]
            legend.remove()
            ax.legend(*zip(*kept), loc="upper right", fontsize=8, framealpha=0.92)
    fig.suptitle("Same negative weights, different bias (feature scale 1)")
    return fig


def dead_start_probability(
    scales: np.ndarray,
    p_dead: np.ndarray,
    share: Mapping[str, np.ndarray],
    p_inf_formula: float,
) -> Figure:
    """The probability of a dead start against the feature scale, and its three parts.

    Parameters
    ----------
    scales : numpy.ndarray, shape (k,)
        Feature scales (log axis).
    p_dead : numpy.ndarray, shape (k,)
        Share of the draws dead at each scale.
    share : mapping of str to numpy.ndarray, shape (k,)
        The same, split by the signs of the weights (three entries).
    p_inf_formula : float
        The large-scale limit.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(10.5, 4.6), layout="constrained")
    ax.plot(scales, p_dead, "o-", color="black", linewidth=2.5, label="dead start, all draws")
    for (name, part), colour in zip(share.items(), (VERMILLION, ORANGE, BLUE)):
        ax.plot(scales, part, "s--", color=colour, markersize=4, label=f"… of which {name}")
    ax.axhline(0.5, color=PURPLE, linestyle=":", label="tiny-scale limit 1/2 (b ≤ 0)")
    ax.axhline(
        p_inf_formula, color=GREEN, linestyle=":", label=f"large-scale limit {p_inf_formula:.3f}"
    )
    ax.axhline(0.25, color="grey", linestyle="-.", label="first guess 1/4")
    ax.set_xscale("log")
    ax.set(
        title="Probability that the hidden unit starts dead, by feature scale",
        xlabel="feature scale s (typical size of a feature)",
        ylabel="probability over 10,000 initialisations",
        ylim=(0, 0.55),
    )
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(alpha=0.3)
    return fig


def output_bias_and_accuracy(run: Any, log_odds: float) -> Figure:
    """A dead network's output bias over the steps (left) and its training accuracy (right).

    Parameters
    ----------
    run : DeadStartRun
        One run of :func:`nnbook.experiments.case_study.dead_start_run` (``output_bias``,
        ``accuracy`` and ``prior`` per step).
    log_odds : float
        ``log(prior / (1 - prior))``, where the output bias ends.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_c, ax_a) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
    steps = np.arange(len(run.output_bias))
    ax_c.plot(steps, run.output_bias, color=BLUE, linewidth=2.5, label="output bias c")
    ax_c.axhline(log_odds, color=ORANGE, linestyle="--", label="log(ȳ / (1 − ȳ))")
    ax_c.axhline(0.0, color="grey", linewidth=0.8)
    ax_c.set(
        title="The output bias learns the log-odds of the prior",
        xlabel="gradient step (run 0)",
        ylabel="output bias c",
        xscale="symlog",
        xlim=(0, steps[-1]),
    )
    ax_c.legend()
    ax_a.plot(
        steps,
        run.accuracy,
        color=BLUE,
        linewidth=2.5,
        drawstyle="steps-post",
        label="training accuracy",
    )
    ax_a.axhline(run.prior, color=ORANGE, linestyle="--", label="ȳ (all class 1)")
    ax_a.axhline(1 - run.prior, color=GREEN, linestyle=":", label="1 − ȳ (all class 0)")
    ax_a.set(
        title="One answer for every input",
        xlabel="gradient step (run 0)",
        ylabel="accuracy",
        xscale="symlog",
        xlim=(0, steps[-1]),
        ylim=(0, 1),
    )
    ax_a.legend(loc="lower right")
    return fig


def revival_steps(slopes: Sequence[float], revived: np.ndarray, products: np.ndarray) -> Figure:
    """Draw the steps until a dead start is active again under leaky ReLU against the slope.

    Parameters
    ----------
    slopes : sequence of float
        The negative slopes tried.
    revived : numpy.ndarray, shape (runs, len(slopes))
        Steps until active again, one row per run.
    products : numpy.ndarray, shape (runs, len(slopes))
        ``revived`` times the slope; its median sets the dashed ``1 / slope`` line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
    a = np.array(slopes)
    for k, row in enumerate(revived):
        ax.loglog(
            a,
            row,
            "o-",
            color=BLUE,
            linewidth=1.5,
            markersize=5,
            alpha=0.7,
            label="one run" if k == 0 else None,
        )
    middle = np.median(products)
    ax.loglog(a, middle / a, "--", color=ORANGE, label="proportional to 1 / slope")
    ax.set(
        title="Leaky ReLU revives the dead starts",
        xlabel="negative slope α of leaky ReLU",
        ylabel="gradient steps until active again",
    )
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    return fig


#: The starts of the second layer's dead units B and C: (weights, bias).
SECOND_LAYER = {"B": ((-0.03, -0.02), -0.01), "C": ((0.04, -0.02), -0.02)}


def second_layer_units(run: Any) -> Figure:
    """Draw the examples on which the second-layer units B and C are active, step by step.

    Parameters
    ----------
    run : SecondLayerRun
        One run of :func:`nnbook.experiments.case_study.second_layer_run` (``n_active`` per
        step and unit, ``c_back``, ``n``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    steps = np.arange(1, len(run.n_active) + 1)
    for k, (name, colour, style) in [(1, ("B", VERMILLION, "--")), (2, ("C", GREEN, "-"))]:
        ax.plot(
            steps,
            run.n_active[:, k],
            color=colour,
            linestyle=style,
            linewidth=2.5,
            label=f"unit {name}: weights {SECOND_LAYER[name][0]}, bias {SECOND_LAYER[name][1]}",
        )
    ax.axvline(run.c_back, color="grey", linestyle=":", label=f"C comes back (step {run.c_back})")
    ax.set(
        title="Two dead second-layer ReLU units during training (one run)",
        xlabel="gradient step",
        ylabel=f"examples with z > 0 (of {run.n})",
    )
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return fig
