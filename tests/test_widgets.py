"""Tests of nncore.widgets: precomputed frames, browser-side links, live updates through nncore."""

from __future__ import annotations

import math
import sys
import types

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from ipywidgets.embed import embed_data  # noqa: E402
from ipywidgets.widgets.widget_link import Link  # noqa: E402
from nncore_fixtures import raises_with  # noqa: E402

import nncore as nc  # noqa: E402
import nncore.widgets as ncw  # noqa: E402
from nncore.plot import draw_network  # noqa: E402
from nncore.widgets import (  # noqa: E402
    Choice,
    Explorer,
    Slider,
    network_explorer,
    widget_state_bytes,
)


def line_explorer(**kwargs) -> Explorer:
    """A tiny explorer: a line whose slope is a slider and whose colour is a choice."""
    fig, ax = plt.subplots(figsize=(2, 1.5))
    (line,) = ax.plot([0, 1], [0, 0])
    ax.set_ylim(-2, 2)

    def update(slope, colour):
        line.set_ydata([0, slope])
        line.set_color(colour)

    controls = {
        "slope": [-1.0, 0.0, 1.0],
        "colour": Choice(["#0072B2", "#D55E00"], labels=["blue", "red"]),
    }
    options = dict(title="A line", instruction="Tilt the line.", dpi=40)
    options.update(kwargs)
    return Explorer(fig, update, controls, **options)


def links_of(explorer: Explorer, name: str) -> list[Link]:
    return [link for link in explorer.links if link.source[0] is explorer.controls[name]]


# ------------------------------------------------------------------------------ Explorer


def test_one_frame_per_grid_point_in_nested_stacks():
    ex = line_explorer()
    assert ex.n_frames == 3 * 2 == len(ex.frames) == len(ex.images)
    assert [len(level) for level in ex.stacks] == [1, 3]
    outer = ex.stacks[0][0]
    assert len(outer.children) == 3 and all(len(inner.children) == 2 for inner in outer.children)
    for i in range(3):
        for j in range(2):
            image = outer.children[i].children[j]
            assert isinstance(image, ipywidgets.Image)
            assert image.value == ex.frames[(i, j)] == ex.frame(slope=ex.grid["slope"][i],
                                                                colour=ex.grid["colour"][j])
            assert image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert ex.frame_bytes == sum(len(png) for png in ex.frames.values())
    assert ex.state_bytes == sum(4 * math.ceil(len(png) / 3) for png in ex.frames.values())


def test_each_control_is_jslinked_to_every_stack_of_its_level():
    ex = line_explorer()
    assert all(isinstance(link, Link) for link in ex.links)
    outer, inner = links_of(ex, "slope"), links_of(ex, "colour")
    assert len(ex.links) == len(outer) + len(inner) == 1 + 3
    assert {link.source[1] for link in ex.links} == {"index"}
    assert {link.target[1] for link in ex.links} == {"selected_index"}
    assert [link.target[0] for link in outer] == ex.stacks[0]
    assert {id(link.target[0]) for link in inner} == {id(s) for s in ex.stacks[1]}
    assert isinstance(ex.controls["slope"], ipywidgets.SelectionSlider)
    assert isinstance(ex.controls["colour"], ipywidgets.ToggleButtons)


def test_saved_widget_state_holds_links_stacks_and_images():
    ex = line_explorer()
    # What a notebook saves (and the HTML page embeds): the state of every live widget.
    state = embed_data(views=[ex.widget])["manager_state"]["state"]
    assert {state[im.model_id]["model_name"] for im in ex.images.values()} == {"ImageModel"}
    assert {state[s.model_id]["model_name"] for level in ex.stacks for s in level} == {"StackModel"}
    for link in ex.links:
        saved = state[link.model_id]
        assert saved["model_name"] == "LinkModel"
        assert saved["state"]["source"] == [f"IPY_MODEL_{link.source[0].model_id}", "index"]
        target = [f"IPY_MODEL_{link.target[0].model_id}", "selected_index"]
        assert saved["state"]["target"] == target
    slider = state[ex.controls["slope"].model_id]
    assert slider["model_name"] == "SelectionSliderModel"
    assert list(slider["state"]["_options_labels"]) == ["\N{MINUS SIGN}1", "0", "1"]
    assert state[ex.stacks[0][0].model_id]["state"]["selected_index"] == 1


def test_frame_text_alternative_survives_a_state_saved_without_defaults():
    # The HTML widget manager sets an image's title from its tooltip only when the image
    # also has a description; a missing one stops the image from being drawn at all.
    ex = line_explorer()
    image = ex.images[(0, 0)]
    state = embed_data(views=[ex.widget], drop_defaults=True)["manager_state"]["state"]
    saved = state[image.model_id]["state"]
    assert saved["description"] == ""
    assert saved["tooltip"] == ex.alt_texts[(0, 0)] == "A line: slope = -1, colour = blue"


def test_frames_differ_exactly_where_a_control_changes_the_figure():
    ex = line_explorer()
    # The slope changes the picture, so does the colour.
    assert len({ex.frames[(i, 0)] for i in range(3)}) == 3
    assert ex.frames[(2, 0)] != ex.frames[(2, 1)]
    fig, ax = plt.subplots(figsize=(2, 1.5))
    (line,) = ax.plot([0, 1], [0, 1])
    ignored = Explorer(fig, lambda a, b: line.set_ydata([0, a]), {"a": [0.0, 1.0], "b": [1.0, 2.0]},
                       title="t", instruction="i", dpi=40)
    assert ignored.frames[(1, 0)] == ignored.frames[(1, 1)]  # b is ignored by update
    assert ignored.frames[(0, 0)] != ignored.frames[(1, 0)]


def test_initial_values_and_slider_labels():
    fig = plt.figure(figsize=(1, 1))
    ex = Explorer(fig, lambda w, mode: None,
                  {"w": Slider([-0.5, 0.0, 0.5], label="weight", initial=0.5),
                   "mode": Choice(["a", "b"], initial="b", style="dropdown")},
                  title="t", instruction="i", dpi=20)
    assert ex.values == {"w": 0.5, "mode": "b"} and ex.index == (2, 1)
    assert ex.stacks[0][0].selected_index == 2
    assert all(s.selected_index == 1 for s in ex.stacks[1])
    assert isinstance(ex.controls["mode"], ipywidgets.Dropdown)
    assert [label for label, _ in ex.controls["w"].options] == ["\N{MINUS SIGN}0.5", "0", "0.5"]
    assert ex.controls["w"].description == "weight"


def test_title_instruction_and_alt_text_are_shown():
    ex = line_explorer(title="Slope & colour", instruction="Drag the slope below zero.")
    header = ex.widget.children[0].value
    assert "Slope &amp; colour" in header and "Drag the slope below zero." in header
    assert list(ex.widget.children[1:3]) == [ex.controls["slope"], ex.controls["colour"]]
    assert ex.images[(0, 1)].tooltip == "Slope & colour: slope = -1, colour = red"
    custom = line_explorer(alt=lambda slope, colour: f"slope {slope}")
    assert custom.images[(2, 0)].tooltip == "slope 1.0"


def test_widget_state_bytes_grows_by_at_least_the_encoded_frames():
    before = widget_state_bytes()
    ex = line_explorer()
    grown = widget_state_bytes() - before
    assert grown >= ex.state_bytes > ex.frame_bytes
    assert grown < ex.state_bytes + 60_000  # the rest is a few dozen small models


def test_figure_factory_is_called_once_and_removed_from_pyplot():
    calls = []

    def make():
        calls.append(1)
        return plt.figure(figsize=(1, 1))

    ex = Explorer(make, lambda a: None, {"a": [1, 2]}, title="t", instruction="i", dpi=20)
    assert calls == [1]
    assert ex.figure.number not in plt.get_fignums()


def test_budget_and_frame_limit_raise_clear_errors():
    with raises_with(ValueError, "Explorer", "MB", "budget", "Lower dpi"):
        line_explorer(max_bytes=100)
    with raises_with(ValueError, "Explorer", "3 x 2 = 6", "max_frames=5"):
        line_explorer(max_frames=5)


def test_bad_arguments_raise_clear_errors():
    fig = plt.figure(figsize=(1, 1))
    ok = dict(title="t", instruction="i")
    with raises_with(TypeError, "Explorer", "Figure", "str"):
        Explorer("figure", lambda a: None, {"a": [1]}, **ok)
    with raises_with(TypeError, "Explorer", "update", "int"):
        Explorer(fig, 3, {"a": [1]}, **ok)
    with raises_with(ValueError, "Explorer", "instruction", "non-empty"):
        Explorer(fig, lambda a: None, {"a": [1]}, title="t", instruction=" ")
    with raises_with(ValueError, "Explorer", "controls", "non-empty"):
        Explorer(fig, lambda: None, {}, **ok)
    with raises_with(ValueError, "Explorer", "identifiers", "'learning rate'"):
        Explorer(fig, lambda **v: None, {"learning rate": [0.1]}, **ok)
    with raises_with(TypeError, "Explorer", "'a'", "Slider", "float"):
        Explorer(fig, lambda a: None, {"a": 0.5}, **ok)
    with raises_with(ValueError, "Explorer", "repeated"):
        Explorer(fig, lambda a: None, {"a": [1, 1]}, **ok)
    with raises_with(ValueError, "Explorer", "0.3", "not on its grid"):
        Explorer(fig, lambda a: None, {"a": Slider([0.0, 1.0], initial=0.3)}, **ok)
    with raises_with(ValueError, "Explorer", "style", "'radio'"):
        Explorer(fig, lambda a: None, {"a": Choice(["x"], style="radio")}, **ok)
    with raises_with(ValueError, "Explorer", "dpi"):
        Explorer(fig, lambda a: None, {"a": [1]}, dpi=0, **ok)
    ex = line_explorer()
    with raises_with(TypeError, "Explorer.render", "missing ['colour']"):
        ex.render(slope=0.0)
    with raises_with(ValueError, "Explorer.frame", "0.5", "not on the grid"):
        ex.frame(slope=0.5, colour="#0072B2")
    with raises_with(ValueError, "Explorer.set", "0.5", "not on the grid"):
        ex.set(slope=0.5)


# ------------------------------------------------------------------------------ live updates


def test_live_update_recomputes_through_the_model(net4231):
    x = np.ones(4)
    diagram = draw_network(net4231, x)

    def update(w):
        net4231[0].weight.data[0, 0] = w
        diagram.update(net4231, x)

    ex = Explorer(diagram.figure, update, {"w": [-4.0, 1.0, 2.0]}, title="t", instruction="i",
                  dpi=40)
    precomputed = ex.frames[(2,)]
    net4231[4].weight.data[...] = -1.0  # a change no control makes
    ex.set(w=2.0)  # as a reader moving the slider with a kernel
    assert ex.images[(2,)].value != precomputed
    assert diagram.value_texts[-1][0].get_text() == "\N{MINUS SIGN}27"  # (5 + 4) * 3 units * -1
    # Without live mode nothing is recomputed.
    still = Explorer(diagram.figure, update, {"w": [-4.0, 1.0, 2.0]}, title="t", instruction="i",
                     dpi=40, live=False)
    frame = still.images[(0,)].value
    net4231[4].weight.data[...] = 1.0
    still.set(w=-4.0)
    assert still.images[(0,)].value == frame


def test_live_update_calls_the_model_forward(net4231, monkeypatch):
    ex = network_explorer(net4231, np.ones(4), input_values={0: (0.0, 1.0)}, scale_values={},
                          activations=None, dpi=30)
    calls = []
    original = nc.Sequential.forward

    def spy(self, x):
        calls.append(np.array(x, copy=True))
        return original(self, x)

    monkeypatch.setattr(nc.Sequential, "forward", spy)
    ex.set(x1=0.0)
    assert any(c.reshape(-1, 4)[0].tolist() == [0.0, 1.0, 1.0, 1.0] for c in calls)
    assert ex.view.value_texts[-1][0].get_text() == "18"  # hidden 1 = [3, 3] -> [6, 6, 6] -> 18


# ------------------------------------------------------------------------------ network_explorer


def test_network_explorer_frames_and_values(net4231):
    ex = network_explorer(net4231, [1, 1, 1, 1], input_values={0: (-4.0, 1.0)},
                          weight_values={(0, 0, 0): (-1.0, 1.0)}, scale_values={}, dpi=30)
    assert ex.names == ["x1", "w_0_0_0", "activation"]
    assert ex.n_frames == 2 * 2 * 4
    assert [len(level) for level in ex.stacks] == [1, 2, 4]
    assert len(ex.links) == 1 + 2 + 4
    assert ex.values == {"x1": 1.0, "w_0_0_0": 1.0, "activation": "relu"}
    # ReLU on [1, 1, 1, 1]: the assignment's 24. Sigmoid: 3 * sigma(2 * sigma(4)).
    ex.render(x1=1.0, w_0_0_0=1.0, activation="relu")
    assert ex.view.value_texts[-1][0].get_text() == "24"
    ex.render(x1=1.0, w_0_0_0=1.0, activation="sigmoid")
    s = 1 / (1 + math.exp(-4))
    assert ex.view.value_texts[-1][0].get_text() == f"{3 / (1 + math.exp(-2 * s)):.3g}"
    # x1 = -4 silences both hidden-1 ReLU units (z = -1); w = -1 revives unit 1 (z = 7).
    ex.render(x1=-4.0, w_0_0_0=1.0, activation="relu")
    assert ex.view.dead[0].tolist() == [True, True]
    assert ex.view.value_texts[-1][0].get_text() == "0"
    ex.render(x1=-4.0, w_0_0_0=-1.0, activation="relu")
    assert ex.view.dead[0].tolist() == [False, True]
    assert ex.view.value_texts[-1][0].get_text() == "21"
    # Every setting gives its own picture.
    assert len(set(ex.frames.values())) == ex.n_frames
    assert "output 24" in ex.images[(1, 1, 0)].tooltip


def test_network_explorer_leaves_the_model_alone(net4231):
    before = [p.data.copy() for p in net4231.parameters()]
    ex = network_explorer(net4231, [1, 1, 1, 1], input_values={}, scale_values={0: (-1.0, 2.0)},
                          activations=["tanh", "identity"], dpi=30)
    ex.render(scale0=-1.0, activation="tanh")
    assert all(np.array_equal(a, p.data) for a, p in zip(before, net4231.parameters()))
    assert isinstance(net4231[1], nc.ReLU)
    assert set(ex.models) == {"tanh", "identity"}
    assert isinstance(ex.models["tanh"][1], nc.Tanh)


def test_network_explorer_rejects_bad_arguments(net4231):
    x = np.ones(4)
    with raises_with(TypeError, "network_explorer", "Sequential"):
        network_explorer(nc.Linear(4, 2), x)
    with raises_with(ValueError, "network_explorer", "(4,)", "(3,)"):
        network_explorer(net4231, np.ones(3))
    with raises_with(ValueError, "network_explorer", "softplus", "relu", "sigmoid"):
        network_explorer(net4231, x, activations=["relu", "softplus"])
    with raises_with(ValueError, "network_explorer", "input_values", "0 to 3"):
        network_explorer(net4231, x, input_values={4: (0.0, 1.0)})
    with raises_with(ValueError, "network_explorer", "scale_values", "[0, 2, 4]"):
        network_explorer(net4231, x, scale_values={1: (1.0,)})
    with raises_with(ValueError, "network_explorer", "weight_values", "(0, 2, 0)"):
        network_explorer(net4231, x, weight_values={(0, 2, 0): (1.0,)})
    with raises_with(ValueError, "network_explorer", "nothing to explore"):
        network_explorer(net4231, x, input_values={}, scale_values={}, activations=None)
    with raises_with(ValueError, "Explorer", "budget"):
        network_explorer(net4231, x, dpi=60, max_bytes=20_000)


# ------------------------------------------------------------------------------ package


def test_chapter_explorers_are_imported_lazily(monkeypatch):
    module = types.ModuleType("nncore.widgets.fake_chapter")
    module.fake_explorer = lambda: "built"
    monkeypatch.setitem(sys.modules, "nncore.widgets.fake_chapter", module)
    monkeypatch.setitem(ncw._LAZY, "fake_explorer", "fake_chapter")
    monkeypatch.delitem(vars(ncw), "fake_explorer", raising=False)
    assert ncw.fake_explorer() == "built"
    monkeypatch.delitem(vars(ncw), "fake_explorer")
    monkeypatch.setitem(ncw._LAZY, "missing_explorer", "missing_chapter")
    with raises_with(AttributeError, "missing_explorer", "nncore/widgets/missing_chapter.py"):
        ncw.missing_explorer  # noqa: B018
    with raises_with(AttributeError, "no attribute", "nope"):
        ncw.nope  # noqa: B018
    chapters = ("relu_unit_explorer", "dead_start_explorer", "weight_decay_explorer",
                "digit_morph_explorer")
    for name in chapters:
        assert name in dir(ncw)


def test_importing_nncore_does_not_import_ipywidgets():
    import subprocess

    code = "import sys, nncore; print('ipywidgets' in sys.modules, 'nncore.widgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
