"""The mechanics of nncore.widgets.Explorer, tested once for every explorer built on it.

Precomputed frames in nested stacks with browser-side links (ipywidgets 8), the live
re-render with a kernel, the kernel-only mode that ipywidgets 7 front ends (Colab) can show,
control values that keep their type, and the one page budget of embedded widget state.
The chapter explorers in ``nnbook`` are views on this class; their own tests check only
what their views compute.
"""

from __future__ import annotations

import json

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from nncore_fixtures import raises_with

from nncore.widgets import Choice, Explorer, PageBudget, Slider, default_mode

FRAMES = hasattr(ipywidgets, "Stack")  # ipywidgets 8; the kernel mode works with both
needs_stack = pytest.mark.skipif(not FRAMES, reason="precomputed frames need ipywidgets 8")
PNG = b"\x89PNG\r\n\x1a\n"


def is_webp(image: bytes) -> bool:
    return image[:4] == b"RIFF" and image[8:12] == b"WEBP"


class LineView:
    """A line whose slope and colour are controls; records what ``update`` received."""

    def __init__(self, offset: float = 0.0) -> None:
        self.figure = Figure(figsize=(2, 1.5))
        ax = self.figure.add_subplot()
        (self.line,) = ax.plot([0, 1], [0, 0])
        ax.set_ylim(-3, 3)
        self.offset = offset  # a change no control makes, as training would
        self.calls: list[dict] = []

    def update(self, **values):
        self.calls.append(values)
        self.values = values
        self.line.set_ydata([self.offset, self.offset + values.get("slope", 0)])
        self.line.set_color(values.get("colour", "#0072B2"))

    def describe(self) -> str:
        return f"line of slope {self.values.get('slope')} from {self.offset:g}"


CONTROLS = {
    "slope": [-1.0, 0.0, 1.0],
    "colour": Choice(["#0072B2", "#D55E00"], labels=["blue", "red"]),
}


def line_explorer(view=None, controls=CONTROLS, **kwargs) -> Explorer:
    options = dict(
        title="A line", instruction="Tilt the line.", dpi=30, budget=PageBudget(3_000_000)
    )
    options.update(kwargs)
    return Explorer(view or LineView(), controls, **options)


def saved_state() -> dict:
    """What an executed notebook saves (and its page embeds): every live widget's state."""
    return ipywidgets.Widget.get_manager_state()["state"]


# ------------------------------------------------------------------------------ frames


@needs_stack
def test_one_frame_per_grid_point_in_nested_stacks():
    ex = line_explorer(mode="precomputed")
    assert ex.n_frames == 3 * 2 == len(ex.display.images)
    assert [len(level) for level in ex.display.stacks] == [1, 3]
    outer = ex.display.stacks[0][0]
    for i, slope in enumerate([-1.0, 0.0, 1.0]):
        for j, colour in enumerate(["#0072B2", "#D55E00"]):
            image = outer.children[i].children[j]
            assert isinstance(image, ipywidgets.Image)
            assert image.value == ex.frame(slope=slope, colour=colour)
            assert is_webp(image.value)  # the default format
            assert image.tooltip == f"line of slope {slope} from 0"


@needs_stack
def test_each_control_is_jslinked_to_every_stack_of_its_level():
    ex = line_explorer(mode="precomputed")
    by_control = {
        name: [link for link in ex.display.links if link.source[0] is ex.controls[name]]
        for name in ex.names
    }
    assert [len(by_control["slope"]), len(by_control["colour"])] == [1, 3]
    for level, name in enumerate(ex.names):
        assert {id(link.target[0]) for link in by_control[name]} == {
            id(s) for s in ex.display.stacks[level]
        }
        assert {(link.source[1], link.target[1]) for link in by_control[name]} == {
            ("index", "selected_index")
        }


@needs_stack
def test_saved_widget_state_holds_links_stacks_and_images():
    ex = line_explorer(mode="precomputed")
    state = saved_state()
    assert {state[im.model_id]["model_name"] for im in ex.display.images.values()} == {"ImageModel"}
    assert {state[s.model_id]["model_name"] for level in ex.display.stacks for s in level} == {
        "StackModel"
    }
    for link in ex.display.links:
        saved = state[link.model_id]["state"]
        assert saved["source"] == [f"IPY_MODEL_{link.source[0].model_id}", "index"]
        assert saved["target"] == [f"IPY_MODEL_{link.target[0].model_id}", "selected_index"]
    slider = state[ex.controls["slope"].model_id]
    assert slider["model_name"] == "SelectionSliderModel"
    assert list(slider["state"]["_options_labels"]) == ["\N{MINUS SIGN}1", "0", "1"]
    assert state[ex.display.stacks[0][0].model_id]["state"]["selected_index"] == 1


@needs_stack
def test_frame_text_alternative_survives_a_state_saved_without_defaults():
    # The HTML widget manager sets an image's title from its tooltip only when the image
    # also has a description; a missing one stops the image from being drawn at all.
    from ipywidgets.embed import embed_data

    ex = line_explorer(mode="precomputed")
    image = ex.display.images[(0, 0)]
    state = embed_data(views=[ex.widget], drop_defaults=True)["manager_state"]["state"]
    assert state[image.model_id]["state"]["description"] == ""
    assert state[image.model_id]["state"]["tooltip"] == "line of slope -1.0 from 0"


@needs_stack
def test_frames_differ_exactly_where_a_control_changes_the_figure():
    ex = line_explorer(mode="precomputed")
    assert len({ex.frames[(i, 0)] for i in range(3)}) == 3
    assert ex.frames[(2, 0)] != ex.frames[(2, 1)]
    ignored = line_explorer(
        controls={"slope": [0.0, 1.0], "unused": [1.0, 2.0]}, mode="precomputed"
    )
    assert ignored.frames[(1, 0)] == ignored.frames[(1, 1)]
    assert ignored.frames[(0, 0)] != ignored.frames[(1, 0)]


def test_render_returns_the_image_and_what_the_view_says_after_the_update():
    ex = line_explorer(mode="kernel")
    image, alt = ex.render(slope=2.5, colour="#D55E00")  # off the grid: a kernel draws anything
    assert is_webp(image)
    assert alt == "line of slope 2.5 from 0"
    assert ex.view.calls[-1] == {"slope": 2.5, "colour": "#D55E00"}


def test_webp_frames_hold_the_same_pixels_as_png():
    from io import BytesIO

    from PIL import Image

    ex = line_explorer(mode="kernel", image_format="webp", colors=None)
    webp, _ = ex.render(slope=1.0, colour="#0072B2")
    png = line_explorer(mode="kernel", colors=None, image_format="png").render(
        slope=1.0, colour="#0072B2"
    )[0]
    assert is_webp(webp) and png[:8] == PNG
    pixels = [np.asarray(Image.open(BytesIO(b)).convert("RGB")) for b in (webp, png)]
    np.testing.assert_array_equal(*pixels)


# ------------------------------------------------------------------------------ controls


def test_int_and_bool_grids_keep_their_type():
    """An int grid gives update ints and a bool grid bools (they used to arrive as floats)."""
    view = LineView()
    ex = line_explorer(
        view,
        controls={"slope": [0, 1, 2], "on": [False, True], "n": np.array([3, 4])},
        mode="kernel",
    )
    assert isinstance(ex.controls["on"], ipywidgets.ToggleButtons)  # a bool grid is a Choice
    for values in view.calls:
        assert [type(values[k]) for k in ("slope", "on", "n")] == [int, bool, int], values
    ex.set(slope=1, on=True)
    assert view.calls[-1]["slope"] == 1 and type(view.calls[-1]["slope"]) is int
    assert view.calls[-1]["on"] is True


def test_initial_values_and_labels():
    ex = line_explorer(
        controls={
            "w": Slider([-0.5, 0.0, 0.5], label="weight", initial=0.5),
            "mode": Choice(["a", "b"], initial="b", style="dropdown"),
        },
        mode="kernel",
    )
    assert ex.values == {"w": 0.5, "mode": "b"} and ex.index == (2, 1)
    assert isinstance(ex.controls["mode"], ipywidgets.Dropdown)
    assert [label for label, _ in ex.controls["w"].options] == ["\N{MINUS SIGN}0.5", "0", "0.5"]
    assert ex.controls["w"].description == "weight"
    assert ex.view.calls[-1] == {"w": 0.5, "mode": "b"}  # the figure shows the start


def test_title_and_instruction_are_shown_escaped():
    ex = line_explorer(
        title="Slope & colour", instruction="Drag the slope below <0>.", mode="kernel"
    )
    header = ex.widget.children[0].value
    assert "Slope &amp; colour" in header and "Drag the slope below &lt;0&gt;." in header
    assert list(ex.widget.children[1:3]) == [ex.controls["slope"], ex.controls["colour"]]


def test_the_figure_is_taken_out_of_pyplot():
    view = LineView()
    fig = plt.figure(figsize=(1, 1))
    view.figure = fig
    line_explorer(view, mode="kernel")
    assert fig.number not in plt.get_fignums()


# ------------------------------------------------------------------------------ with a kernel


@needs_stack
def test_a_moved_control_renders_the_frame_and_its_text_alternative_again():
    view = LineView()
    ex = line_explorer(view, mode="precomputed")
    before = ex.display.images[(2, 0)].value
    view.offset = -2.0  # the model changed after the explorer was built
    ex.set(slope=1.0, colour="#0072B2")
    shown = ex.display.images[(2, 0)]
    assert shown.value != before
    assert shown.tooltip == "line of slope 1.0 from -2"  # the screen reader hears the new figure
    assert ex.view.calls[-1] == {"slope": 1.0, "colour": "#0072B2"}


@needs_stack
def test_without_live_mode_nothing_is_rendered_again():
    view = LineView()
    ex = line_explorer(view, mode="precomputed", live=False)
    n_calls, frame = len(view.calls), ex.display.images[(0, 0)].value
    view.offset = 1.0
    ex.set(slope=-1.0, colour="#0072B2")
    assert len(view.calls) == n_calls and ex.display.images[(0, 0)].value == frame


@needs_stack
def test_refresh_renders_every_frame_from_the_current_state():
    view = LineView()
    ex = line_explorer(view, mode="precomputed")
    old = dict(ex.frames)
    view.offset = 1.0
    ex.refresh()
    assert all(ex.frames[i] != old[i] for i in old)
    assert ex.display.images[(1, 1)].tooltip == "line of slope 0.0 from 1"


def test_kernel_mode_shows_one_image_redrawn_through_the_kernel():
    """The mode ipywidgets 7 front ends (Colab) can show: no Stack, one image, a caption."""
    view = LineView()
    ex = line_explorer(view, mode="kernel")
    assert ex.n_frames == 0 and ex.overlays == [] and ex.display.saved() == []
    image, caption = ex.widget.children[-2:]
    assert image is ex.display.image
    assert "line of slope 0.0 from 0" in caption.value and 'aria-live="polite"' in caption.value
    first = image.value
    view.offset = 2.0
    ex.set(slope=1.0)
    assert image.value != first
    assert "line of slope 1.0 from 2" in caption.value
    ex.controls["slope"].set_state({"index": 0})  # as the front end sends a moved slider
    assert "line of slope -1.0 from 2" in caption.value
    assert "drawn through the kernel" in ex.size_report()
    with raises_with(ValueError, "Explorer.frame", "kernel", "precomputes no frames"):
        ex.frame(slope=1.0, colour="#0072B2")
    with raises_with(ValueError, "Explorer.check_overlays", "kernel", "stores no overlays"):
        ex.check_overlays()


def img_attributes(markup: str) -> dict[str, str]:
    """The attributes of the one ``<img>`` in ``markup``, unescaped."""
    import html
    import re

    (tag,) = re.findall(r"<img\b[^>]*>", markup)
    return {k: html.unescape(v) for k, v in re.findall(r'(\w[\w-]*)="([^"]*)"', tag)}


def test_a_kernel_picture_keeps_its_natural_size_and_carries_its_text_alternative():
    """ipywidgets 7's Image is stretched to the output's width (2.7x in the appendix) and
    has no alt: the picture is an <img> of its own width, shrunk only to fit, with its alt."""
    from PIL import Image

    view = LineView()
    ex = line_explorer(view, mode="kernel", dpi=50)  # a 2 x 1.5 in figure: 100 x 75 px
    attributes = img_attributes(ex.display.image.value)
    assert (attributes["width"], attributes["height"]) == ("100", "75")
    assert "max-width:100%" in attributes["style"] and "height:auto" in attributes["style"]
    assert attributes["alt"] == attributes["title"] == "line of slope 0.0 from 0"
    assert ex.display.image.layout.width is None  # no stretching width
    assert ex.display.image.layout.max_width == "100%"
    src = attributes["src"]
    assert src.startswith("data:image/webp;base64,")
    import base64
    import io

    with Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))) as picture:
        assert picture.size == (100, 75)
    ex.set(slope=1.0, colour="#D55E00")
    assert img_attributes(ex.display.image.value)["alt"] == "line of slope 1.0 from 0"


def test_every_control_puts_its_label_in_one_right_aligned_column():
    """ipywidgets 8 gives ToggleButtons no inline class: their label took a line of its own,
    flush left, while the sliders' labels sat in a right-aligned column."""
    ex = line_explorer(
        controls={
            "w": Slider([0.0, 1.0], label="a long weight label"),
            "colour": Choice(["r", "g"]),
            "kind": Choice(["x", "y"], style="dropdown"),
        },
        mode="kernel",
    )
    widths = {name: c.style.description_width for name, c in ex.controls.items()}
    assert len(set(widths.values())) == 1 and next(iter(widths.values())).endswith("em"), widths
    assert [c.description for c in ex.controls.values()] == [
        "a long weight label",
        "colour",
        "kind",
    ]
    buttons = ex.controls["colour"]
    assert {"widget-inline-hbox", "jupyter-widget-inline-hbox"} <= set(buttons._dom_classes)
    assert list(ex.widget.children[1:4]) == list(ex.controls.values())


def test_the_default_mode_follows_the_installed_ipywidgets():
    major = int(ipywidgets.__version__.split(".")[0])
    assert default_mode() == ("precomputed" if major >= 8 else "kernel")
    assert line_explorer().mode == default_mode()
    if major < 8:
        with raises_with(
            ValueError, "Explorer", "'precomputed'", "ipywidgets 8", ipywidgets.__version__
        ):
            line_explorer(mode="precomputed")


# ------------------------------------------------------------------------------ page budget


@needs_stack
def test_the_charge_is_the_widget_state_the_page_embeds():
    before, n_before = len(json.dumps(saved_state())), len(saved_state())
    budget = PageBudget(3_000_000)
    ex = line_explorer(mode="precomputed", budget=budget)
    grown = len(json.dumps(saved_state())) - before
    n_models = len(saved_state()) - n_before
    assert budget.charges == {"A line": ex.state_bytes}
    # The saved state grew by this explorer's models; only the ", " between entries differs.
    assert abs(grown - ex.state_bytes) <= 2 * n_models
    # Base64 images: the state is a third larger than the images it holds.
    assert ex.state_bytes > 4 / 3 * ex.picture_bytes


@needs_stack
def test_the_budget_counts_base64_state_not_image_bytes():
    """A page with room for the PNG bytes but not for their base64 state refuses them."""
    probe = line_explorer(mode="precomputed")
    room = int(1.05 * probe.picture_bytes)
    assert probe.picture_bytes < room < probe.state_bytes
    with raises_with(ValueError, "Explorer 'A line'", "widget state", "base64", "page budget"):
        line_explorer(mode="precomputed", budget=PageBudget(room))


@needs_stack
def test_explorers_on_one_page_add_up_and_a_rerun_replaces_its_charge():
    budget = PageBudget(10**7)
    first = line_explorer(mode="precomputed", budget=budget, title="First")
    budget.limit = int(first.state_bytes * 1.6)
    with raises_with(
        ValueError,
        "Explorer 'Second'",
        "'First'",
        f"{first.state_bytes / 1e6:.2f} MB",
        f"{budget.limit / 1e6:.2f} MB",
        "Lower dpi",
    ):
        line_explorer(mode="precomputed", budget=budget, title="Second")
    assert list(budget.charges) == ["First"]  # the refused explorer charged nothing
    again = line_explorer(mode="precomputed", budget=budget, title="First")  # the cell run again
    assert budget.charges == {"First": again.state_bytes}
    again.close()
    assert budget.charges == {} and budget.used == 0
    budget.reset(limit=500)
    assert budget.limit == 500


@needs_stack
def test_an_explorer_over_budget_stops_before_rendering_every_frame():
    view = LineView()
    grid = {"slope": list(np.linspace(-2, 2, 20))}
    with raises_with(ValueError, "Explorer 'A line'", "its 20 frames", "would take about"):
        line_explorer(view, controls=grid, mode="precomputed", budget=PageBudget(6_000))
    assert len(view.calls) < 20


def test_a_budget_reports_the_page_and_without_one_an_explorer_is_limited_by_nothing():
    page = PageBudget(1_500_000)
    ex = line_explorer(budget=page, title="Reported")
    assert page.charges["Reported"] == ex.state_bytes
    assert "'Reported'" in page.report() and "of 1.50 MB" in page.report()
    # Without a budget the explorer measures itself against a budget of its own, no limit.
    alone = line_explorer(budget=None, title="Alone", controls={"slope": list(range(40))})
    assert alone.budget is not page and alone.budget.limit is None
    assert alone.budget.charges == {"Alone": alone.state_bytes}
    assert "of no limit" in alone.budget.report() and "Alone" not in page.report()


# ------------------------------------------------------------------------------ bad input


def test_bad_arguments_raise_clear_errors():
    ok = dict(title="t", instruction="i", mode="kernel")
    with raises_with(TypeError, "Explorer", "view", "describe"):
        Explorer(object(), {"a": [1]}, **ok)
    with raises_with(TypeError, "Explorer", "LineView", "figure"):
        view = LineView()
        view.figure = "not a figure"
        Explorer(view, {"a": [1]}, **ok)
    with raises_with(ValueError, "Explorer", "instruction", "non-empty"):
        Explorer(LineView(), {"a": [1]}, title="t", instruction=" ")
    with raises_with(ValueError, "Explorer", "controls", "non-empty"):
        Explorer(LineView(), {}, **ok)
    with raises_with(ValueError, "Explorer", "identifiers", "'learning rate'"):
        Explorer(LineView(), {"learning rate": [0.1]}, **ok)
    with raises_with(TypeError, "Explorer", "'a'", "Slider", "float"):
        Explorer(LineView(), {"a": 0.5}, **ok)
    with raises_with(ValueError, "Explorer", "repeated"):
        Explorer(LineView(), {"a": [1, 1]}, **ok)
    with raises_with(ValueError, "Explorer", "no values"):
        Explorer(LineView(), {"a": []}, **ok)
    with raises_with(ValueError, "Explorer", "finite", "nan"):
        Explorer(LineView(), {"a": [0.0, float("nan")]}, **ok)
    with raises_with(TypeError, "Explorer", "numbers only", "'x'"):
        Explorer(LineView(), {"a": Slider([0.0, "x"])}, **ok)
    with raises_with(ValueError, "Explorer", "0.3", "not on its grid"):
        Explorer(LineView(), {"a": Slider([0.0, 1.0], initial=0.3)}, **ok)
    with raises_with(ValueError, "Explorer", "style", "'radio'"):
        Explorer(LineView(), {"a": Choice(["x"], style="radio")}, **ok)
    with raises_with(ValueError, "Explorer", "dpi"):
        Explorer(LineView(), {"a": [1]}, dpi=0, **ok)
    with raises_with(ValueError, "Explorer", "image_format", "'gif'"):
        Explorer(LineView(), {"a": [1]}, image_format="gif", **ok)
    with raises_with(ValueError, "Explorer", "mode", "'static'"):
        Explorer(LineView(), {"a": [1]}, title="t", instruction="i", mode="static")
    with raises_with(ValueError, "PageBudget", "positive", "0"):
        PageBudget(0)
    ex = line_explorer(mode="kernel")
    with raises_with(TypeError, "Explorer.render", "missing ['colour']"):
        ex.render(slope=0.0)
    with raises_with(ValueError, "Explorer.set", "0.5", "not on the grid"):
        ex.set(slope=0.5)
    with raises_with(TypeError, "Explorer.set", "no control named 'tilt'"):
        ex.set(tilt=0.0)


@needs_stack
def test_a_grid_over_max_frames_is_refused():
    with raises_with(ValueError, "Explorer", "3 x 2 = 6", "max_frames=5"):
        line_explorer(max_frames=5, mode="precomputed")


def test_importing_nncore_does_not_import_ipywidgets():
    import subprocess
    import sys

    code = "import sys, nncore; print('ipywidgets' in sys.modules, 'nncore.widgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------------------ checked input


class SaysView(LineView):
    """A LineView whose describe() returns ``said`` once ``saying`` is set."""

    def __init__(self, said=None, saying=True) -> None:
        super().__init__()
        self.said, self.saying = said, saying

    def describe(self):
        return self.said if self.saying else super().describe()


MODES_HERE = ["kernel", "precomputed"] if FRAMES else ["kernel"]


@pytest.mark.parametrize("mode", MODES_HERE)
@pytest.mark.parametrize(
    "said, error", [(None, TypeError), (3, TypeError), (b"a line", TypeError), ("", ValueError)]
)
def test_a_text_alternative_that_is_not_a_sentence_is_refused(mode, said, error):
    with raises_with(error, "Explorer 'A line'", "SaysView.describe()", repr(said), "non-empty"):
        line_explorer(SaysView(said), mode=mode)


@pytest.mark.parametrize("mode", MODES_HERE)
def test_a_blank_text_alternative_after_a_move_is_refused_and_nothing_moves(mode):
    view = SaysView(" \n", saying=False)
    ex = line_explorer(view, mode=mode)
    before = ex.values
    view.saying = True
    with raises_with(ValueError, "SaysView.describe()", "' \\n'", "non-empty"):
        ex.set(slope=1.0)
    assert ex.values == before


@pytest.mark.parametrize("dpi", [float("inf"), -float("inf"), float("nan"), 0, -1, np.inf])
def test_a_dpi_that_is_not_a_positive_finite_number_is_refused(dpi):
    with raises_with(ValueError, "Explorer", "dpi", "positive finite number", repr(dpi)):
        line_explorer(dpi=dpi, mode="kernel")


@pytest.mark.parametrize("dpi", ["80", None, True, [80]])
def test_a_dpi_that_is_not_a_number_is_refused(dpi):
    with raises_with(TypeError, "Explorer", "dpi", "number", repr(dpi)):
        line_explorer(dpi=dpi, mode="kernel")


def test_a_numpy_dpi_is_taken():
    assert line_explorer(dpi=np.float32(40), mode="kernel").dpi == 40.0


@pytest.mark.parametrize(
    "grid, words",
    [
        ([[1, 2], [3, 4]], ["[1, 2]", "list", "not hashable", "tuple"]),
        (np.array([[1.0, 2.0], [3.0, 4.0]]), ["2-D", "(2, 2)"]),
        (np.array(3.0), ["0-D"]),
        ([{"a": 1}, {"b": 2}], ["{'a': 1}", "dict", "not hashable"]),
        ([(1, [2]), (3, [4])], ["(1, [2])", "tuple", "not hashable"]),
        ([np.array([1, 2]), np.array([3])], ["ndarray", "not hashable"]),
        (Choice([[1], [2]]), ["[1]", "not hashable"]),
        ([float("nan"), "x"], ["nan", "not equal to itself"]),
    ],
)
def test_a_grid_that_is_not_a_flat_sequence_of_hashable_values_is_refused(grid, words):
    with raises_with(TypeError, "Explorer", "'w'", "1-D sequence of hashable values", *words):
        line_explorer(controls={"w": grid}, mode="kernel")


def shown_pictures(ex: Explorer) -> dict:
    """What each picture widget shows, and the caption of a kernel display."""
    if ex.mode == "kernel":
        return {"image": ex.display.image.value, "caption": ex.display.caption.value}
    return {key: image.value for key, image in ex.display.images.items()}


def shown_stacks(ex: Explorer) -> list:
    """The setting each stack shows (none for a kernel display)."""
    return [[s.selected_index for s in level] for level in getattr(ex.display, "stacks", [])]


class FailingView(LineView):
    """A LineView whose update raises for slope 1.0 once ``failing`` is set."""

    failing = False

    def update(self, **values):
        super().update(**values)
        if self.failing and values.get("slope") == 1.0:
            raise RuntimeError("the model diverged at slope 1")


@pytest.mark.parametrize("mode", MODES_HERE)
def test_set_is_all_or_nothing_when_the_view_fails(mode):
    view = FailingView()
    ex = line_explorer(view, mode=mode)
    ex.set(slope=-1.0, colour="#D55E00")
    before, index = ex.values, ex.index
    shown, stacks = shown_pictures(ex), shown_stacks(ex)
    view.failing = True

    with raises_with(RuntimeError, "the model diverged at slope 1"):
        ex.set(colour="#0072B2", slope=1.0)

    assert ex.values == before and ex.index == index
    assert shown_stacks(ex) == stacks and shown_pictures(ex) == shown
    assert view.values == before  # the view is back at the shown setting
    ex.set(slope=0.0)  # and the explorer goes on working
    assert ex.values == {**before, "slope": 0.0} and view.values == ex.values


@pytest.mark.parametrize("mode", MODES_HERE)
def test_a_control_moved_to_a_failing_setting_moves_back(mode):
    view = FailingView()
    ex = line_explorer(view, mode=mode)
    before = ex.values
    view.failing = True
    with raises_with(RuntimeError, "diverged"):
        ex.controls["slope"].index = 2  # as the front end sends a moved slider
    assert ex.values == before and view.values == before


@needs_stack
def test_refresh_leaves_the_view_at_the_shown_setting():
    view = LineView()
    ex = line_explorer(view, mode="precomputed")
    ex.set(slope=1.0, colour="#D55E00")
    ex.refresh()
    assert view.calls[-1] == ex.values == {"slope": 1.0, "colour": "#D55E00"}


@pytest.mark.parametrize("max_frames", [0, -1, 2.5, "400", None, True])
def test_a_max_frames_that_is_not_a_positive_int_is_refused(max_frames):
    error = (
        ValueError
        if isinstance(max_frames, int) and not isinstance(max_frames, bool)
        else TypeError
    )
    with raises_with(error, "Explorer", "max_frames", "positive int", repr(max_frames)):
        line_explorer(max_frames=max_frames, mode="kernel")


@needs_stack
def test_a_refresh_that_fails_keeps_the_frames_shown():
    view = FailingView()
    ex = line_explorer(view, mode="precomputed")
    frames, links, charge = dict(ex.frames), list(ex.display.links), ex.budget.charges["A line"]
    shown = ex.widget.children[-1]
    view.offset, view.failing = 1.0, True

    with raises_with(RuntimeError, "the model diverged at slope 1"):
        ex.refresh()

    assert ex.frames == frames and ex.widget.children[-1] is shown
    assert ex.display.links == links and all(link.comm is not None for link in links)
    assert ex.budget.charges == {"A line": charge}
    assert view.values == ex.values
    view.failing = False
    ex.refresh()  # once the view draws again, so does the explorer
    assert all(ex.frames[i] != frames[i] for i in frames)


@pytest.mark.parametrize("live", ["no", 0, None])
def test_a_live_that_is_not_a_bool_is_refused(live):
    with raises_with(TypeError, "Explorer", "live", "True or False", repr(live)):
        line_explorer(live=live, mode="kernel")


def test_frame_refuses_a_control_it_does_not_have():
    ex = line_explorer(mode="precomputed" if FRAMES else "kernel")
    with raises_with(TypeError, "Explorer.frame", "no control named 'tilt'"):
        ex.frame(slope=1.0, colour="#0072B2", tilt=3)


@pytest.mark.parametrize(
    "control, error, words",
    [
        (Slider([0, 1], label=["a"]), TypeError, ["label", "['a']", "str"]),
        (Slider([0, 1], label=""), ValueError, ["label", "''", "non-empty"]),
        (Choice(["a", "b"], label=3), TypeError, ["label", "3", "str"]),
        (Slider([0, 1], fmt=3), TypeError, ["fmt", "3", "str"]),
        (Slider([0.5, 1], fmt="{:.3q}"), ValueError, ["fmt", "'{:.3q}'", "0.5"]),
        (Choice(["a", "b"], labels="ab"), TypeError, ["labels", "'ab'", "sequence of str"]),
        (Choice(["a", "b"], labels=[1, 2]), TypeError, ["labels", "[1, 2]", "str"]),
    ],
)
def test_a_control_label_or_format_that_cannot_be_shown_is_refused(control, error, words):
    with raises_with(error, "Explorer", "'w'", *words):
        line_explorer(controls={"w": control}, mode="kernel")


def test_choice_labels_that_are_not_a_sequence_are_refused():
    with raises_with(TypeError, "Explorer", "'w'", "labels", "5", "sequence of str"):
        line_explorer(controls={"w": Choice(["a", "b"], labels=5)}, mode="kernel")
