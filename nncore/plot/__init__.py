"""Figures of networks and training, drawn with matplotlib.

Every function imports matplotlib when it is called, so ``import nncore.plot``
needs numpy only. All figures share one colour-blind-safe palette (Okabe and
Ito) and the ink, grey and number format of :mod:`nncore.plot.style`, carry a
title and labelled axes, and come at a size that reads well on a book page.

The figures that explorers animate, :func:`draw_network`, :func:`draw_gradients`
and :func:`decision_regions`, return an object with an ``update`` method that
changes the existing artists (edge widths and colours, texts, images) for a new
model state, instead of drawing a new figure.

The shared look is exported here too: the colours (``OKABE_ITO``, ``PALETTE``, ``INK``,
``MUTED``...), the class markers (``MARKERS``), and how numbers and
activations are written (:func:`format_number`, :func:`activation_name`), for figures
drawn outside this package that should match.

Modules: :mod:`~nncore.plot.style` (colours, number format), ``network``
(:func:`draw_network`), ``gradients`` (:func:`draw_gradients`), ``regions``
(:func:`decision_regions`) and ``training`` (curves, confusion matrix,
pre-activation histograms).
"""

from .gradients import GradientDiagram, draw_gradients
from .network import NetworkDiagram, draw_network
from .regions import DecisionRegions, decision_regions
from .style import (
    DEAD,
    INK,
    MARKERS,
    MUTED,
    NEGATIVE,
    OKABE_ITO,
    PALETTE,
    POSITIVE,
    activation_name,
    format_number,
)
from .training import confusion_matrix, preactivation_histogram, training_curves

__all__ = [
    "DEAD",
    "INK",
    "MARKERS",
    "MUTED",
    "NEGATIVE",
    "OKABE_ITO",
    "PALETTE",
    "POSITIVE",
    "activation_name",
    "format_number",
    "DecisionRegions",
    "GradientDiagram",
    "NetworkDiagram",
    "confusion_matrix",
    "decision_regions",
    "draw_gradients",
    "draw_network",
    "preactivation_histogram",
    "training_curves",
]
