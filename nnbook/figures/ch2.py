"""Chapter 2's figures: four activations at the worked example, forward and backward passes."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

import nncore as nc
from nncore import plot as ncplot

__all__ = ["activation_curves", "forward_and_backward"]


def activation_curves(activations: Mapping[str, type], traces: Mapping[str, list]) -> Figure:
    """Each activation over ``z``, with the worked example's ``(z, h)`` of hidden layers 1, 2.

    Parameters
    ----------
    activations : mapping of str to activation class
        Name shown in the legend -> ``nc.ReLU``, ``nc.Sigmoid``, ...
    traces : mapping of str to list of LayerTrace
        The forward trace of the 4-2-3-1 network with that activation.

    Returns
    -------
    matplotlib.figure.Figure
        The whole range on the left, the close-up near ``h = 1`` on the right.
    """
    z_grid = np.linspace(-4, 10, 400)
    fig, (whole, close) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    for ax in (whole, close):
        for colour, (name, activation) in zip(ncplot.PALETTE, activations.items()):
            dashed = name == "identity"
            ax.plot(
                z_grid,
                activation()(z_grid),
                "--" if dashed else "-",
                color=colour,
                linewidth=2,
                label=name,
            )
            for trace, marker in zip(traces[name][:2], ["o", "s"]):  # hidden layers 1 and 2
                ax.plot(
                    trace.z[0],
                    trace.h[0],
                    marker,
                    color=colour,
                    markeredgecolor="black",
                    markersize=6 if dashed else 11,
                )
        ax.set_xlabel("pre-activation $z$")
        ax.set_ylabel(r"activation $h = \phi(z)$")
        ax.grid(alpha=0.3)
    whole.set(xlim=(-4, 10), ylim=(-4, 10), title="Whole range")
    close.set(xlim=(0, 6), ylim=(0.8, 1.02), title="Close-up near h = 1: logistic sigmoid and tanh")
    whole.plot([], [], "o", color="grey", markeredgecolor="black", label="hidden layer 1 (z, h)")
    whole.plot([], [], "s", color="grey", markeredgecolor="black", label="hidden layer 2 (z, h)")
    whole.legend(loc="upper left", fontsize=9)
    fig.suptitle("Four hidden activations and where the worked example evaluates them")
    return fig


def forward_and_backward(model: nc.Sequential, x: np.ndarray, case: str) -> Figure:
    """The forward pass of ``model`` on ``x`` beside the gradient of its output on every edge.

    Parameters
    ----------
    model : Sequential
        After a backward pass of ``df = 1``: its parameters' ``.grad`` are drawn.
    x : numpy.ndarray, shape (n_inputs,)
    case : str
        Named in both titles.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 4.9), layout="constrained")
    ncplot.draw_network(
        model, x, ax=left, title=f"{case}: forward pass, z above each unit, h inside"
    )
    ncplot.draw_gradients(
        model, right, of="f", title=f"{case}: ∂f/∂w on each edge, ∂f/∂b above each unit"
    )
    return fig
