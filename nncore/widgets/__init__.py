"""Interactive figures that respond in a live notebook and in the static HTML book.

:class:`Explorer` puts a *view* (an object with a matplotlib ``figure``, an
``update(**values)`` method and a ``describe()`` method) under controls. In the HTML book
every grid point is rendered ahead of time and the controls switch between the images in
the browser, with no kernel; with a kernel, moving a control renders through nncore again.
Where only ipywidgets 7 is available (Colab's front end), the explorer draws through the
kernel instead. :class:`Explorer` explains the mechanism; :class:`PageBudget` keeps the
widget state a page embeds within bounds. A view may split its figure into :class:`Layer`
objects, each drawn once per setting of the controls it depends on, which keeps the pages
light (``nncore.widgets.layers``).

:func:`network_explorer` puts the network diagram of :func:`nncore.plot.draw_network`
under sliders. The book's own explorers are built the same way, in the ``nnbook`` package.

A view and its explorer::

    import nncore as nc
    from nncore.plot import decision_regions
    from nncore.widgets import Explorer

    class OneUnit:
        def __init__(self, x, y):
            self.model = nc.Sequential(nc.Linear(2, 1), nc.ReLU(), nc.Linear(1, 1), nc.Sigmoid())
            self.regions = decision_regions(self.model, x, y, unit=(0, 0))
            self.figure = self.regions.figure

        def update(self, w1, w2):
            self.model[0].weight.data[0] = [w1, w2]
            self.regions.update(self.model)

        def describe(self):
            return f"The unit is active on {int(self.regions.active.sum())} grid points."

    Explorer(OneUnit(x, y), {"w1": [-1, 0, 1], "w2": [-1, 0, 1]},
             title="Where one ReLU unit is active",
             instruction="Drag w1 below zero and watch the active region shrink.")

Importing this package imports ipywidgets (and matplotlib once an explorer is
built); ``import nncore`` does not import it.
"""

from __future__ import annotations

from .budget import DEFAULT_PAGE_BYTES, PageBudget, page_budget
from .controls import Choice, Slider
from .explorer import Explorer, default_mode
from .frames import figure_image
from .layers import Layer
from .network import NetworkView, network_explorer

__all__ = [
    "Explorer",
    "Layer",
    "Slider",
    "Choice",
    "PageBudget",
    "page_budget",
    "DEFAULT_PAGE_BYTES",
    "default_mode",
    "figure_image",
    "NetworkView",
    "network_explorer",
]
