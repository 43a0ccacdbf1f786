"""The appendix's guide to writing an explorer matches the code it teaches.

The guide (appendix/interactive_figures.ipynb, "How an explorer works") names the five
things an explorer needs, ``describe()`` among them, and the picture format the explorer
uses by default; its example view describes what the figure shows from the view's own
state, whatever the unit's weight.
"""

from __future__ import annotations

import ast
import inspect
import json

import pytest
from repo_root import REPO_ROOT

from nncore.widgets import Explorer, View

NOTEBOOK = REPO_ROOT / "appendix" / "interactive_figures.ipynb"


def cells() -> list[dict]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def guide() -> str:
    """The markdown of the section "How an explorer works"."""
    texts = ["".join(c["source"]) for c in cells() if c["cell_type"] == "markdown"]
    return next(t for t in texts if t.startswith("## How an explorer works"))


@pytest.fixture
def kink_view():
    """A fresh instance of the guide's example view, defined as the notebook defines it."""
    source = next("".join(c["source"]) for c in cells() if "class KinkView" in "".join(c["source"]))
    definition = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef) and node.name == "KinkView"
    )
    namespace: dict = {}
    exec(  # the class alone: the cell's explorer needs the page's other cells
        "import numpy as np\nimport nncore as nc\nfrom matplotlib.figure import Figure\n"
        + ast.unparse(definition),
        namespace,
    )
    return namespace["KinkView"]()


def test_the_guide_names_the_five_things_an_explorer_needs():
    text = guide()
    for needed in ("figure", "update(**values)", "describe()", "controls", "title"):
        assert needed in text, needed
    assert [line[:3] for line in text.splitlines() if line[:1].isdigit()] == [
        "1. ",
        "2. ",
        "3. ",
        "4. ",
        "5. ",
    ]


def test_the_guide_names_the_default_picture_format():
    default = inspect.signature(Explorer).parameters["image_format"].default
    assert default == "webp"
    assert "WebP" in guide() and "PNG" not in guide()


def test_the_example_view_describes_what_its_figure_shows_whatever_the_weight(kink_view):
    assert isinstance(kink_view, View)
    assert kink_view.update(b=-1.0) is None
    assert kink_view.describe() == (
        "Graph of h = max(0, w x + b) with w = 1 and b = -1: zero up to x = 1, then rising "
        "with slope 1."
    )
    kink_view.unit[0].weight.data[:] = 2.0  # a unit trained further: the sentence follows
    kink_view.update(b=-1.0)
    assert kink_view.describe().endswith("zero up to x = 0.5, then rising with slope 2.")
    kink_view.unit[0].weight.data[:] = -1.0
    kink_view.update(b=-1.0)
    assert kink_view.describe().endswith("falling with slope -1 down to zero at x = -1.")
    kink_view.unit[0].weight.data[:] = 0.0
    kink_view.update(b=2.0)
    assert kink_view.describe().endswith("flat at h = 2.")
    # What it says is what the curve shows: h at x = 0 is max(0, b).
    assert kink_view.curve.get_ydata()[60] == 2.0
