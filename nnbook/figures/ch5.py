"""Chapter 5's figures: accuracy against the weight decay, and the first layer's weights."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from nncore import plot as ncplot

__all__ = ["accuracy_against_lambda", "first_layer_histograms"]

BLUE, ORANGE, GREEN, VERMILLION, PURPLE = ncplot.PALETTE[:5]
GREY = "#8C8C8C"


def accuracy_against_lambda(
    lambdas: Sequence[float], per_lambda: Callable[[str, str], np.ndarray], n_runs: int
) -> Figure:
    """Training and validation accuracy against ``lambda``: median line, range of the runs.

    Parameters
    ----------
    lambdas : sequence of float
        The weight decays tried, one tick each.
    per_lambda : callable
        ``per_lambda(labels, measure)`` gives the measure (``"train"`` or ``"val"``) of every
        run for every lambda, shape (len(lambdas), n_runs), on the labels ``"clean"`` or
        ``"noisy"``.
    n_runs : int
        Named in the axis label.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained", sharey=True)
    positions = np.arange(len(lambdas))
    for ax, name, title in (
        (axes[0], "clean", "correct labels"),
        (axes[1], "noisy", "a quarter of the labels wrong"),
    ):
        for split, colour, marker in (("train", BLUE, "o"), ("val", ORANGE, "s")):
            values = per_lambda(name, split)  # (lambdas, runs)
            label = {"train": "training accuracy", "val": "validation accuracy"}[split]
            ax.fill_between(
                positions, values.min(axis=1), values.max(axis=1), color=colour, alpha=0.2
            )
            ax.plot(positions, np.median(values, axis=1), marker=marker, color=colour, label=label)
        ax.set_xticks(positions, [f"{lam:g}" for lam in lambdas])
        ax.set(title=title, xlabel=r"weight decay $\lambda$")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(f"accuracy (median and range of {n_runs} runs)")
    axes[0].legend(loc="lower left")
    fig.suptitle("A 64-256-10 ReLU network trained on 150 digits: accuracy against $\\lambda$")
    return fig


def first_layer_histograms(run: Any) -> Figure:
    """Draw histograms of a run's first-layer weights after training, for four lambdas.

    Parameters
    ----------
    run : DecayRun
        One run of :func:`nnbook.experiments.decay_experiments.decay_run` (its
        ``first_layer`` weights per lambda, correct labels).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(8, 3.8), layout="constrained")
    bins = np.linspace(-0.6, 0.6, 121)
    for lam, colour in zip((0.0, 1e-3, 1e-2, 1e-1), (GREY, BLUE, ORANGE, VERMILLION)):
        ax.hist(
            run.first_layer[lam].ravel(),
            bins=bins,
            histtype="step",
            linewidth=1.6,
            color=colour,
            label=rf"$\lambda$ = {lam:g}",
        )
    ax.set_yscale("log")
    ax.set(
        title=(
            "First-layer weights of the 64-256-10 network after training (first run, correct "
            "labels)"
        ),
        xlabel="weight value",
        ylabel="number of weights (log scale)",
    )
    ax.legend()
    return fig
