"""Interactive figures that respond in a live notebook and in the static HTML book.

:class:`Explorer` turns a matplotlib figure, an ``update(**values)`` function
and a grid of control values into a widget. Every grid point is rendered
ahead of time to a small PNG and the controls switch between them in the
browser, so the figure responds with no kernel; with a kernel, moving a
control also recomputes through nncore. :class:`Explorer` explains the mechanism.

:func:`network_explorer` puts the network diagram of
:func:`nncore.plot.draw_network` under sliders. The chapters' own explorers
live in modules of this package and are imported on first use:
``relu_unit_explorer`` (``relu_unit.py``), ``dead_start_explorer``
(``dead_start.py``), ``weight_decay_explorer`` (``weight_decay.py``) and
``digit_morph_explorer`` (``digit_morph.py``).

To write a chapter explorer, build the figure with nncore.plot, write an
``update`` that changes the model and calls the figure's ``update``, and hand
both to :class:`Explorer`::

    import nncore as nc
    from nncore.plot import decision_regions
    from nncore.widgets import Explorer

    def relu_unit_explorer(x, y, *, w_values=(-1, -0.5, 0, 0.5, 1)):
        model = nc.Sequential(nc.Linear(2, 1), nc.ReLU(), nc.Linear(1, 1), nc.Sigmoid())
        regions = decision_regions(model, x, y, unit=(0, 0))

        def update(w1, w2):
            model[0].weight.data[0] = [w1, w2]
            regions.update(model)

        return Explorer(
            regions.figure, update, {"w1": w_values, "w2": w_values},
            title="Where one ReLU unit is active",
            instruction="Drag w1 below zero and watch the active region shrink.",
        )

Importing this package imports ipywidgets (and matplotlib once an explorer is
built); ``import nncore`` does not import it.
"""

from __future__ import annotations

import importlib
from typing import Any

from .explorer import DEFAULT_MAX_BYTES, Choice, Explorer, Slider, png_bytes, widget_state_bytes
from .network import network_explorer

__all__ = [
    "Explorer",
    "Slider",
    "Choice",
    "DEFAULT_MAX_BYTES",
    "png_bytes",
    "widget_state_bytes",
    "network_explorer",
]

#: Chapter explorers, imported from their module on first access.
_LAZY = {
    "relu_unit_explorer": "relu_unit",
    "dead_start_explorer": "dead_start",
    "weight_decay_explorer": "weight_decay",
    "digit_morph_explorer": "digit_morph",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'nncore.widgets' has no attribute {name!r}")
    module_name = f"{__name__}.{_LAZY[name]}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name != module_name:
            raise
        raise AttributeError(
            f"nncore.widgets.{name} lives in {module_name.replace('.', '/')}.py, which is not "
            f"installed; update nncore or define the explorer with nncore.widgets.Explorer."
        ) from err
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
