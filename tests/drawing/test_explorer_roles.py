"""The explorer by role: it checks its view and controls, a display shows the figure.

A view is held to its protocol (``update`` returns None, ``describe`` says what is shown);
the explorer never branches on its display, so a new display plugs in without changing it;
the precomputed display gives its pictures as plain data that rebuild every frame, computed
without ipywidgets; and the names of the earlier release still work, with a warning.
"""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
import textwrap
from dataclasses import fields, is_dataclass

import ipywidgets
import pytest
from matplotlib.figure import Figure
from nncore_fixtures import raises_with
from repo_root import REPO_ROOT

import nncore.widgets as W
from nncore.widgets import Choice, Explorer, Overlay, PageBudget, Slider, View
from nncore.widgets.controls import ControlInfo
from nncore.widgets.display import DISPLAYS
from nncore.widgets.images import compose
from nncore.widgets.manifest import Manifest, OverlayManifest

FRAMES = hasattr(ipywidgets, "Stack")
needs_stack = pytest.mark.skipif(not FRAMES, reason="precomputed pictures need ipywidgets 8")
MODES = ["kernel", "precomputed"] if FRAMES else ["kernel"]


class DotView:
    """A dot whose height and colour are controls, under a title that never changes."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=(2, 1.5))
        ax = self.figure.add_subplot()
        (self.dot,) = ax.plot([0.5], [0.0], "o", markersize=12)
        ax.set(xlim=(0, 1), ylim=(-2, 2), title="A dot")
        self.overlays = [Overlay(None), Overlay([ax.title, ax.xaxis, ax.yaxis], controls=())]

    def update(self, height: float, colour: str) -> None:
        self.dot.set_ydata([height])
        self.dot.set_color(colour)

    def describe(self) -> str:
        return f"A {self.dot.get_color()} dot at height {self.dot.get_ydata()[0]:g}."


CONTROLS = {
    "height": Slider([-1.0, 0.0, 1.0], label="dot height", fmt="{:.1f}"),
    "colour": Choice(["red", "blue"], labels=["warm", "cool"], initial="blue"),
}


def dot_explorer(view=None, **options) -> Explorer:
    settings = dict(title="A dot", instruction="Raise it.", dpi=30, budget=PageBudget())
    return Explorer(view or DotView(), CONTROLS, **{**settings, **options})


# ------------------------------------------------------------------------------ the view


def test_a_view_is_anything_with_a_figure_update_and_describe():
    assert isinstance(DotView(), View)
    assert not isinstance(object(), View)


class ReturnsItself(DotView):
    def update(self, height, colour):
        super().update(height, colour)
        return self


@pytest.mark.parametrize("mode", MODES)
def test_an_update_that_returns_something_is_refused(mode):
    with raises_with(
        TypeError, "Explorer 'A dot'", "ReturnsItself.update() must return None", "attributes"
    ):
        dot_explorer(ReturnsItself(), mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_each_picture_is_described_from_the_views_state_after_its_update(mode):
    ex = dot_explorer(mode=mode)
    ex.set(height=1.0, colour="red")
    assert ex.render(height=-1.0, colour="blue")[1] == "A blue dot at height -1."
    if mode == "precomputed":
        assert ex.alt_texts[(2, 0)] == "A red dot at height 1."


# ------------------------------------------------------------------------------ the seam


def test_the_explorer_never_branches_on_its_display():
    tree = ast.parse((REPO_ROOT / "nncore" / "widgets" / "explorer.py").read_text())
    strings = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert not strings & {"kernel", "precomputed", "frames"}
    compared = [
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare) and "mode" in ast.unparse(node)
    ]
    assert compared == []


class RecordingDisplay:
    """A third display: it shows one HTML line naming the setting, and records each move."""

    mode = "recording"
    redraws = True
    deferred_bytes = 0

    def __init__(self, scene, *, live, max_frames):
        self.scene, self.shown = scene, []
        self.overlays, self.alt_texts = [], {}
        self.line = ipywidgets.HTML()
        self.widgets = [self.line]

    def build(self, controls):
        self.show(tuple(controls[name].index for name in self.scene.names))

    def saved(self):
        return []

    def select(self, level, i):
        pass

    def show(self, index):
        self.shown.append(index)
        self.line.value = self.scene.render(self.scene.values_at(index))[1]

    def refresh(self, index):
        self.show(index)
        return []

    def frame(self, index):
        raise ValueError("no frames")

    def check_overlays(self):
        pass

    def size_report(self, state_bytes):
        return f"recorded {len(self.shown)} settings"

    def mimebundle(self, box, **kwargs):
        return {"text/plain": self.line.value}

    def close(self):
        self.line.close()


def test_a_new_display_plugs_in_without_changing_the_explorer(monkeypatch):
    monkeypatch.setitem(DISPLAYS, "recording", RecordingDisplay)
    ex = dot_explorer(mode="recording")
    assert ex.mode == "recording" and ex.display.shown == [(1, 1)]
    ex.set(height=1.0)
    ex.controls["colour"].index = 0  # as the front end sends a moved control
    assert ex.display.shown == [(1, 1), (2, 1), (2, 0)]
    assert ex.display.line.value == "A red dot at height 1."
    assert ex._repr_mimebundle_() == {"text/plain": "A red dot at height 1."}
    assert ex.size_report() == "recorded 3 settings"


# ------------------------------------------------------------------------------ plain data


def plain(value) -> bool:
    """Whether ``value`` holds only str, bytes, numbers, None, tuples, dicts and dataclasses."""
    if value is None or isinstance(value, (str, bytes, int, float)):
        return True
    if isinstance(value, tuple):
        return all(plain(v) for v in value)
    if isinstance(value, dict):
        return all(plain(k) and plain(v) for k, v in value.items())
    if is_dataclass(value):
        return all(plain(getattr(value, f.name)) for f in fields(value))
    return False


@needs_stack
def test_the_manifest_is_plain_data_that_rebuilds_every_frame():
    ex = dot_explorer(mode="precomputed")
    manifest = ex.display.manifest()
    assert isinstance(manifest, Manifest) and plain(manifest)
    assert manifest.image_format == "webp"
    assert manifest.controls == (
        ControlInfo(
            "height",
            "dot height",
            "slider",
            (-1.0, 0.0, 1.0),
            ("\N{MINUS SIGN}1.0", "0.0", "1.0"),
            1,
        ),
        ControlInfo("colour", "colour", "buttons", ("red", "blue"), ("warm", "cool"), 1),
    )
    described, title = manifest.overlays
    assert isinstance(title, OverlayManifest)
    assert described.controls == ("height", "colour") and len(described.pictures) == 6
    assert title.controls == () and len(title.pictures) == 1 and title.alts is None
    for index in itertools.product(range(3), range(2)):
        assert compose(manifest.pictures_at(index), "webp") == ex.frames[index]
        assert manifest.alt_at(index) == ex.alt_texts[index]


def test_the_pictures_are_computed_without_ipywidgets():
    code = textwrap.dedent(
        """
        import sys
        sys.modules["ipywidgets"] = None  # any import of it fails
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib.figure import Figure
        from nncore.widgets import Overlay, Slider
        from nncore.widgets.controls import control_info
        from nncore.widgets.pictures import OverlayRenderer

        class Dot:
            def __init__(self):
                self.figure = Figure(figsize=(1, 1), dpi=20)
                (self.dot,) = self.figure.add_subplot().plot([0], [0], "o")
                self.overlays = [Overlay(None)]

            def update(self, y):
                self.dot.set_ydata([y])

            def describe(self):
                return f"dot at {self.dot.get_ydata()[0]}"

        renderer = OverlayRenderer(Dot(), {"y": [0, 1]}, title="t", colors=16, fmt="png")
        for index in [(0,), (1,)]:
            renderer.draw(index)
        manifest = renderer.manifest([control_info("y", Slider([0, 1]))])
        print(len(manifest.overlays[0].pictures), manifest.alt_at([1]))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[0] == "2 dot at 1"


# ------------------------------------------------------------------------------ earlier names


def test_the_names_of_the_earlier_release_work_with_a_warning():
    with pytest.warns(DeprecationWarning, match="nncore.widgets.Overlay"):
        from nncore.widgets import Layer
    assert Layer is Overlay
    with pytest.warns(DeprecationWarning, match="PageBudget"):
        assert W.page_budget.limit == 1_500_000
    with pytest.warns(DeprecationWarning, match="PageBudget"):
        assert W.DEFAULT_PAGE_BYTES == 1_500_000
    with raises_with(AttributeError, "no attribute 'Lair'"):
        W.Lair  # noqa: B018


class LayeredDotView(DotView):
    """A view of the earlier release: its overlays are called ``layers``."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = self.overlays
        del self.overlays


@needs_stack
def test_an_explorer_of_the_earlier_release_runs_with_warnings():
    with pytest.warns(DeprecationWarning) as warned:
        old = dot_explorer(LayeredDotView(), mode="frames")
    said = [str(w.message) for w in warned]
    assert any("mode 'frames' is now called 'precomputed'" in m for m in said)
    assert any("LayeredDotView.layers is deprecated" in m for m in said)
    new = dot_explorer(mode="precomputed")
    assert old.mode == "precomputed" and old.frames == new.frames
    with pytest.warns(DeprecationWarning, match="Explorer.overlays"):
        assert old.layers is old.overlays and len(old.overlays) == 2
    with pytest.warns(DeprecationWarning, match="Explorer.picture_bytes"):
        assert old.frame_bytes == old.picture_bytes == new.picture_bytes
    with pytest.warns(DeprecationWarning, match="Explorer.check_overlays"):
        old.check_layers()
    with raises_with(AttributeError, "'Explorer' object has no attribute 'stacks'"):
        old.stacks  # noqa: B018
