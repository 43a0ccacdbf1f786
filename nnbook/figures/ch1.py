"""Chapter 1's figures: the three designs, the cost of a wrong answer, mistakes and blends."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import nncore as nc
from nncore import plot as ncplot

__all__ = ["blend_path", "costs_of_a_wrong_answer", "design_schematics", "misread_digits"]


def _schematic(ax: Axes, model: nc.Sequential, image: np.ndarray, title: str, note: str) -> None:
    """A compact diagram of ``model``: a few units per layer and the real sizes beside them."""
    sizes = [model[0].in_features] + [
        layer.out_features for layer in model if isinstance(layer, nc.Linear)
    ]
    shown = [min(n, 6) for n in sizes]
    shown[-1] = sizes[-1]  # draw every output unit
    xs = [1.6, 3.6, 5.6]
    columns = []
    for x, n_shown in zip(xs, shown, strict=True):
        span = 4.2 if n_shown > 1 else 0.0
        columns.append([(x, y) for y in np.linspace(span / 2, -span / 2, n_shown)])
    for left, right in zip(columns[:-1], columns[1:], strict=True):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="#BBBBBB", linewidth=0.6, zorder=1)
    colours = ["white", ncplot.OKABE_ITO["sky_blue"], ncplot.OKABE_ITO["orange"]]
    for column, colour in zip(columns, colours, strict=True):
        for x, y in column:
            ax.add_patch(plt.Circle((x, y), 0.22, facecolor=colour, edgecolor="#333333", zorder=3))
    for x in xs[:2]:
        ax.text(x, -0.05, "⋮", ha="center", va="center", fontsize=14, zorder=4)
    if sizes[-1] > 1:
        for c, (x, y) in enumerate(columns[-1]):
            ax.text(x + 0.35, y, str(c), va="center", fontsize=8)
    labels = [f"{sizes[0]} pixel\ninputs", f"{sizes[1]} hidden\nReLU units", note]
    for x, label in zip(xs, labels, strict=True):
        ax.text(x, -3.0, label, ha="center", va="top", fontsize=9)
    ax.imshow(image.reshape(8, 8), cmap="gray_r", extent=(-0.5, 0.9, -0.7, 0.7), zorder=2)
    ax.annotate("", xy=(1.3, 0), xytext=(0.95, 0), arrowprops=dict(arrowstyle="->"))
    ax.set_xlim(-0.7, 7.2)
    ax.set_ylim(-4.4, 2.9)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    ax.text(3.25, -4.3, f"{nc.count_parameters(model):,} trainable parameters", ha="center")


def design_schematics(models: dict[str, nc.Sequential], example: np.ndarray, m: int) -> Figure:
    """Draw designs A and B (C has B's network) side by side, reading the image ``example``.

    Parameters
    ----------
    models : dict of str to Sequential
        ``"A"`` (64-m-1) and ``"B"`` (64-m-10).
    example : numpy.ndarray, shape (64,)
        The image drawn at the inputs.
    m : int
        Hidden units, for the titles.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(10, 4.4), layout="constrained")
    _schematic(
        ax_a, models["A"], example, f"Design A: 64-{m}-1", "1 linear output\n→ round, clip to 0..9"
    )
    _schematic(ax_b, models["B"], example, f"Designs B and C: 64-{m}-10", "10 outputs\n→ argmax")
    return fig


def costs_of_a_wrong_answer(
    guesses: np.ndarray, cost_a: np.ndarray, p_true: np.ndarray, cost_b: dict[int, np.ndarray]
) -> Figure:
    """Draw A's squared error per guess for a 9 next to B's cross-entropy against ``p_9``.

    Parameters
    ----------
    guesses : numpy.ndarray, shape (10,)
        The digits 0 to 9.
    cost_a : numpy.ndarray, shape (10,)
        A's cost of each guess.
    p_true : numpy.ndarray, shape (k,)
        Probabilities on the true class.
    cost_b : dict of int to numpy.ndarray, shape (k,)
        B's cost at each of ``p_true`` with the rest mostly on class 1 and on class 8.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_sq, ax_ce) = plt.subplots(1, 2, figsize=(10, 3.9), layout="constrained")
    colours = [ncplot.PALETTE[0]] * 10
    colours[1], colours[8] = ncplot.OKABE_ITO["vermillion"], ncplot.OKABE_ITO["orange"]
    ax_sq.bar(guesses, cost_a, color=colours, edgecolor="#333333", linewidth=0.6)
    for g, where in ((1, (3.0, 74)), (8, (6.0, 24))):
        ax_sq.annotate(
            f"predict {g}: cost {cost_a[g]:g}",
            xy=(g, cost_a[g] + 1),
            xytext=where,
            arrowprops=dict(arrowstyle="->", color="#333333"),
            fontsize=9.5,
        )
    ax_sq.set_xticks(guesses)
    ax_sq.set_xlabel("predicted value $\\hat y$ (true digit 9)")
    ax_sq.set_ylabel("squared error $(\\hat y - 9)^2$")
    ax_sq.set_title("A: the cost depends on how far the guess is")
    ax_ce.plot(
        p_true,
        cost_b[8],
        color=ncplot.OKABE_ITO["orange"],
        linewidth=2.5,
        label="rest of the probability mostly on 8",
    )
    ax_ce.plot(
        p_true,
        cost_b[1],
        color=ncplot.OKABE_ITO["vermillion"],
        linestyle="--",
        linewidth=2,
        label="rest of the probability mostly on 1",
    )
    ax_ce.set_xlabel("probability $p_9$ put on the true class")
    ax_ce.set_ylabel("cross-entropy $-\\log p_9$")
    ax_ce.set_title("B: the cost depends only on $p_9$")
    ax_ce.legend(frameon=False)
    ax_ce.grid(alpha=0.3)
    return fig


def misread_digits(run) -> Figure:  # noqa: ANN001 - a run of nnbook.experiments.digit_runs
    """Every test image that the run's design B reads wrongly, with B's answer under it.

    Parameters
    ----------
    run : DesignRun
        One run of :func:`nnbook.experiments.digit_runs.compare_designs` (its ``x_test``,
        ``y_test`` and ``predictions["B"]``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    wrong_b = np.flatnonzero(run.predictions["B"] != run.y_test)
    n_cols = 10
    n_rows = -(-len(wrong_b) // n_cols)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(10, 1.25 * n_rows + 0.5), layout="constrained", squeeze=False
    )
    for ax in axes.flat[len(wrong_b) :]:
        ax.set_visible(False)
    for ax, i in zip(axes.flat, wrong_b, strict=False):
        ax.imshow(run.x_test[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{run.y_test[i]} read as {run.predictions['B'][i]}", fontsize=9)
    fig.suptitle(
        f"The {len(wrong_b)} test images that the first run's B gets wrong (true digit read as "
        "B's answer)"
    )
    return fig


def blend_path(
    s: np.ndarray,
    blends: np.ndarray,
    blend_value: np.ndarray,
    blend_answer: np.ndarray,
    blend_probs: np.ndarray,
) -> Figure:
    """The blended images over ``s``, A's output and answer on them, and B's probabilities.

    Parameters
    ----------
    s : numpy.ndarray, shape (k,)
        The blend weights.
    blends : numpy.ndarray, shape (k, 64)
        The blended images.
    blend_value, blend_answer : numpy.ndarray, shape (k,)
        A's output and its rounded answer on each blend.
    blend_probs : numpy.ndarray, shape (k, 10)
        B's softmax probabilities on each blend.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = plt.figure(figsize=(10, 5.6), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 2.3])
    for ax, image, sk in zip(top.subplots(1, len(s)), blends, s, strict=True):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"s = {sk:.1f}", fontsize=9)
    top.suptitle(
        "Blending a test image of a 1 (s = 0) into a 7 (s = 1), read by the first run's models"
    )
    ax_a, ax_b = bottom.subplots(1, 2)
    ax_a.plot(s, blend_value, "o-", color=ncplot.PALETTE[0], label="A's output")
    ax_a.step(
        s,
        blend_answer,
        where="mid",
        color=ncplot.OKABE_ITO["vermillion"],
        label="A's answer (rounded)",
    )
    for level in (1, 7):
        ax_a.axhline(level, color="#999999", linestyle=":", linewidth=1)
    ax_a.set_yticks(range(10))
    ax_a.set_xlabel("blend weight s")
    ax_a.set_ylabel("digit value")
    ax_a.set_title("A walks through the digits in between")
    ax_a.legend(frameon=False, loc="upper left")
    ax_b.plot(s, blend_probs[:, 1], "o-", color=ncplot.PALETTE[0], label="p(1)")
    ax_b.plot(s, blend_probs[:, 7], "s-", color=ncplot.PALETTE[1], label="p(7)")
    ax_b.plot(
        s,
        1 - blend_probs[:, 1] - blend_probs[:, 7],
        "^--",
        color=ncplot.PALETTE[3],
        label="all other digits",
    )
    ax_b.set_ylim(-0.02, 1.02)
    ax_b.set_xlabel("blend weight s")
    ax_b.set_ylabel("softmax probability")
    ax_b.set_title("B moves its probability from 1 to 7")
    ax_b.legend(frameon=False, loc="center right")
    return fig
