"""Every explorer of the book is legible at the book's column width, and on a phone.

A frame is shown at its own size, or shrunk to the column when wider. Its smallest text,
in pixels on the page, must be at least ``SMALLEST_PX``: the size of the book's
smallest body text in its figures. The dpi each explorer is built with is read from the
notebooks, so a chapter that lowers it to save page weight is held to the same floor.

On a 390-px wide phone the column is ``PHONE_COLUMN_PX`` wide and the picture is shown as
its panels one under another (``nncore.widgets.panels``), each at its own size or shrunk to
the column: there its smallest text must be at least ``PHONE_SMALLEST_PX``.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from repo_root import REPO_ROOT

import nncore as nc
from nnbook.explorers.dead_start import dead_start_explorer
from nnbook.explorers.digit_morph import digit_morph_explorer
from nnbook.explorers.relu_unit import relu_unit_explorer
from nnbook.explorers.weight_decay import weight_decay_explorer
from nncore.widgets import PageBudget, network_explorer
from nncore.widgets.panels import figure_panels

#: The book's text column at a 390-px wide viewport, in CSS pixels, as measured in Chromium
#: (``figure.nnx-explorer`` is 358 px wide there, its picture 342 px).
PHONE_COLUMN_PX = 342
#: The smallest text a figure may show on that phone, in pixels on the page.
PHONE_SMALLEST_PX = 8.0

#: Width in CSS pixels of the book's text column on a desktop screen (sphinx-book-theme).
COLUMN_PX = 720
#: The smallest text a frame may show, in pixels on the page.
SMALLEST_PX = 8.5

CALL = re.compile(r"(\w+_explorer)\(")
DPI = re.compile(r"\bdpi=(\d+(?:\.\d+)?)")


def arguments(source: str, start: int) -> str:
    """The text between the parenthesis opened before ``start`` and the one closing it."""
    depth = 1
    for end in range(start, len(source)):
        depth += {"(": 1, ")": -1}.get(source[end], 0)
        if depth == 0:
            return source[start:end]
    raise AssertionError(f"unbalanced call in {source[:start]!r}")


def chapter_dpis() -> dict[str, set[float | None]]:
    """For each explorer factory the chapters call, the dpi of each call (None: its default)."""
    found: dict[str, set[float | None]] = {}
    for path in sorted([*REPO_ROOT.glob("chapters/*.ipynb"), *REPO_ROOT.glob("appendix/*.ipynb")]):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            for call in CALL.finditer(source):
                dpi = DPI.search(arguments(source, call.end()))
                found.setdefault(call.group(1), set()).add(float(dpi.group(1)) if dpi else None)
    return found


def smallest_text_px(figure, column_px: float = COLUMN_PX) -> tuple[float, str]:
    FigureCanvasAgg(figure)
    figure.canvas.draw()
    shrink = min(1.0, column_px / figure.bbox.width)
    sizes = [
        (t.get_fontsize() * figure.dpi / 72 * shrink, t.get_text())
        for t in figure.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]
    return min(sizes)


def build(name: str, dpi: float | None):
    x, y = nc.make_positive_features(60, rng=0)
    options = dict(mode="kernel", budget=PageBudget())
    if dpi is not None:
        options["dpi"] = dpi
    if name == "relu_unit_explorer":
        return relu_unit_explorer(x, y, **options)
    if name == "dead_start_explorer":
        one = dict(weight_values=(0.0,), bias_values=(0.0,), scale_values=(1.0,))
        return dead_start_explorer(x, y, **one, initial=(0.0, 0.0, 0.0, 1.0), **options)
    if name == "weight_decay_explorer":
        return weight_decay_explorer(**options)
    if name == "digit_morph_explorer":
        images = np.zeros((2, 64))
        images[1, ::3] = 16
        models = [nc.mlp([64, 8, k], rng=0) for k in (1, 10)]
        return digit_morph_explorer(*models, images[0], images[1], **options)
    if name == "network_explorer":
        net = nc.mlp([4, 2, 3, 1], rng=0)
        inputs = {i: (0, 1, 2) for i in range(4)}
        return network_explorer(net, np.ones(4), input_values=inputs, activations=None, **options)
    raise AssertionError(f"no recipe for {name}: add one to this test")


CALLS = sorted(
    ((name, dpi) for name, dpis in chapter_dpis().items() for dpi in dpis),
    key=lambda call: (call[0], call[1] or 0.0),
)


def test_the_book_calls_every_explorer_factory():
    assert {name for name, _ in CALLS} == {
        "relu_unit_explorer",
        "dead_start_explorer",
        "weight_decay_explorer",
        "digit_morph_explorer",
        "network_explorer",
    }


@pytest.mark.parametrize(("name", "dpi"), CALLS, ids=[f"{n}-dpi{d}" for n, d in CALLS])
def test_explorer_text_is_legible_at_the_column_width(name, dpi):
    explorer = build(name, dpi)
    size, text = smallest_text_px(explorer.figure)
    assert size >= SMALLEST_PX, (
        f"{name} at dpi {explorer.dpi:g}: its smallest text {text!r} is {size:.1f} px on the "
        f"page (frame {explorer.figure.bbox.width:.0f} px wide, column {COLUMN_PX} px); at "
        f"least {SMALLEST_PX} px is legible: raise the dpi."
    )


def phone_text_sizes(figure) -> list[tuple[float, str]]:
    """Each text's size in CSS pixels at 390 px: in its panel, shrunk if the panel is wider
    than the phone's column; a text cut by a panel's edge fails the test."""
    panels = figure_panels(figure)  # draws the figure as it is
    assert panels[0].x0 == 0 and panels[-1].x1 == round(figure.bbox.width)
    assert all(a.x1 == b.x0 for a, b in zip(panels, panels[1:])), panels
    renderer = figure.canvas.get_renderer()
    sizes = []
    for text in figure.findobj(Text):
        if not (text.get_visible() and text.get_text().strip()):
            continue
        box = text.get_window_extent(renderer)
        if box.x1 <= 0 or box.x0 >= figure.bbox.width:
            continue  # outside the picture: not shown at all
        inside = [p for p in panels if p.x0 <= (box.x0 + box.x1) / 2 < p.x1]
        assert len(inside) == 1, (text.get_text(), box)
        panel = inside[0]
        cut = [p.x0 for p in panels[1:] if box.x0 + 1 < p.x0 < box.x1 - 1]
        assert not cut, f"the text {text.get_text()!r} is cut at x = {cut} px by a panel edge"
        shrink = min(1.0, PHONE_COLUMN_PX / (panel.x1 - panel.x0))
        sizes.append((text.get_fontsize() * figure.dpi / 72 * shrink, text.get_text()))
    return sizes


@pytest.mark.parametrize(("name", "dpi"), CALLS, ids=[f"{n}-dpi{d}" for n, d in CALLS])
def test_explorer_text_is_legible_on_a_phone(name, dpi):
    explorer = build(name, dpi)
    size, text = min(phone_text_sizes(explorer.figure))
    assert size >= PHONE_SMALLEST_PX, (
        f"{name} at dpi {explorer.dpi:g}: its smallest text {text!r} is {size:.2f} px on a "
        f"390-px phone (panels {[(p.x0, p.x1) for p in figure_panels(explorer.figure)]}, "
        f"column {PHONE_COLUMN_PX} px); at least {PHONE_SMALLEST_PX} px is legible."
    )
