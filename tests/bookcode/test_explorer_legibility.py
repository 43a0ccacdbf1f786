"""Every explorer of the book is legible at the book's column width.

A frame is shown at its own size, or shrunk to the column when wider. Its smallest text,
in pixels on the page, must be at least ``SMALLEST_PX``: the size of the book's
smallest body text in its figures. The dpi each explorer is built with is read from the
notebooks, so a chapter that lowers it to save page weight is held to the same floor.
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
