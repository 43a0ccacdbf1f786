"""Interactive figures that respond in a live notebook and on a static HTML page.

:class:`Explorer` puts a *view* under controls. A view (:class:`View`) has a matplotlib
``figure``, an ``update(**values)`` method that recomputes through nncore and changes the
figure in place, and a ``describe()`` method that says what the figure now shows. The
controls are :class:`Slider` and :class:`Choice` objects, or plain lists of values. On a
static HTML page every setting of the controls is drawn ahead of time and the browser
switches the pictures with no kernel; with a kernel, a moved control draws through nncore
again; where only ipywidgets 7 is available (Colab's front end), the explorer draws through
the kernel alone (``nncore.widgets.display``). Two more things, both optional: a view may split its
figure into :class:`Overlay` objects, each drawn once per setting of the controls it depends
on, which keeps the pages light; and the explorers of one page may share a
:class:`PageBudget`, which refuses pictures that would make the page too heavy.

:func:`network_explorer` puts the network diagram of :func:`nncore.plot.draw_network`
under sliders.

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
            w1, w2 = self.model[0].weight.data[0]
            active = int(self.regions.active.sum())
            return f"With w1 = {w1:g} and w2 = {w2:g} the unit is active on {active} points."

    Explorer(OneUnit(x, y), {"w1": [-1, 0, 1], "w2": [-1, 0, 1]},
             title="Where one ReLU unit is active",
             instruction="Drag w1 below zero and watch the active region shrink.")

The names load on first use: ``Explorer``, ``network_explorer`` and ``PageBudget``'s
explorers import ipywidgets (and matplotlib once an explorer is built), while a view's
module can import :class:`View`, :class:`Overlay`, :class:`Slider` and :class:`Choice`
without either; ``import nncore`` imports none of this package.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - what the names below load, for type checkers
    from .budget import PageBudget
    from .controls import Choice, Slider
    from .display import default_mode
    from .explorer import Explorer
    from .images import figure_image
    from .network import NetworkView, network_explorer
    from .overlays import Overlay
    from .view import View

__all__ = [
    "Explorer",
    "View",
    "Slider",
    "Choice",
    "Overlay",
    "PageBudget",
    "default_mode",
    "figure_image",
    "NetworkView",
    "network_explorer",
]

#: The module that defines each name of ``__all__``.
_HOME = {
    "Explorer": "explorer",
    "View": "view",
    "Slider": "controls",
    "Choice": "controls",
    "Overlay": "overlays",
    "PageBudget": "budget",
    "default_mode": "display",
    "figure_image": "images",
    "NetworkView": "network",
    "network_explorer": "network",
}

#: Names of earlier releases, kept for one release: what each became.
_DEPRECATED = {
    "Layer": "nncore.widgets.Overlay",
    "page_budget": "a PageBudget of your own, passed to each explorer as budget=",
    "DEFAULT_PAGE_BYTES": "a limit of your own, PageBudget(limit)",
}
_old_page_budget: list[Any] = []


def __getattr__(name: str) -> Any:
    """Load a name of ``__all__`` from its module; give a deprecated name with a warning."""
    if name in _HOME:
        value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    if name not in _DEPRECATED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"nncore.widgets.{name} is deprecated and goes in the next release: use "
        f"{_DEPRECATED[name]}.",
        DeprecationWarning,
        stacklevel=2,
    )
    if name == "Layer":
        return __getattr__("Overlay")
    if name == "DEFAULT_PAGE_BYTES":
        return 1_500_000
    if not _old_page_budget:
        _old_page_budget.append(__getattr__("PageBudget")(1_500_000))
    return _old_page_budget[0]


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
