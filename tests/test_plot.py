"""Tests of nncore.plot: every figure is titled and labelled, and draws what the model computes.

Run with a non-interactive backend (the module sets Agg before pyplot is imported).
Expected numbers come from the assignment's hand computation (Problem 2) or from
numpy written out here, never from the plotting code.
"""

from __future__ import annotations

import math
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402
from nncore_fixtures import raises_with  # noqa: E402

import nncore as nc  # noqa: E402
from nncore import plot  # noqa: E402


def texts(rows) -> list[list[str]]:
    return [[t.get_text() for t in row] for row in rows]


def n_segments(diagram) -> list[int]:
    return [len(coll.get_segments()) for coll in diagram.edges]


# ------------------------------------------------------------------------------ palette and imports


def test_palette_is_okabe_ito_and_distinct():
    expected = {
        "#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7",
    }
    assert {to_hex(c) for c in plot.OKABE_ITO.values()} == expected
    assert {to_hex(c) for c in plot.PALETTE} == expected
    assert to_hex(plot.POSITIVE) != to_hex(plot.NEGATIVE)


def test_importing_nncore_and_nncore_plot_does_not_import_matplotlib():
    code = "import sys, nncore, nncore.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------------------ network diagram


def test_diagram_has_one_circle_per_unit_and_one_edge_per_weight(net4231):
    diagram = plot.draw_network(net4231)
    circles = [p for p in diagram.ax.patches if isinstance(p, Circle)]
    assert len(circles) == 4 + 2 + 3 + 1
    assert [len(layer) for layer in diagram.units] == [4, 2, 3, 1]
    assert n_segments(diagram) == [4 * 2, 2 * 3, 3 * 1]
    assert sum(n_segments(diagram)) == 17


def test_diagram_edges_join_the_right_units(net4231):
    diagram = plot.draw_network(net4231)
    # Segment i * in + j of the second Linear joins hidden-1 unit j to hidden-2 unit i.
    seg = diagram.edges[1].get_segments()[2 * 2 + 1]  # unit i=2 <- input j=1
    start_circle, end_circle = diagram.units[1][1], diagram.units[2][2]
    r = start_circle.get_radius()
    assert math.dist(seg[0], start_circle.center) == pytest.approx(r)
    assert math.dist(seg[1], end_circle.center) == pytest.approx(r)


def test_diagram_writes_problem_2_values(net4231):
    # Assignment, Problem 2(c): hidden 1 = [4, 4], hidden 2 = [8, 8, 8], output 24.
    diagram = plot.draw_network(net4231, [1, 1, 1, 1])
    assert texts(diagram.value_texts) == [["1"] * 4, ["4", "4"], ["8", "8", "8"], ["24"]]
    assert texts(diagram.z_texts) == [[], ["z = 4"] * 2, ["z = 8"] * 3, ["z = 24"]]


def test_diagram_with_sigmoid_hidden_units_writes_logistic_values():
    net = nc.mlp([4, 2, 3, 1], activation=nc.Sigmoid, weight_init=nc.init.constant(1.0),
                 bias_init=nc.init.zeros())
    diagram = plot.draw_network(net, [1, 1, 1, 1])
    s4 = 1 / (1 + math.exp(-4))
    s2 = 1 / (1 + math.exp(-2 * s4))
    assert diagram.value_texts[1][0].get_text() == f"{s4:.3g}" == "0.982"
    assert diagram.value_texts[3][0].get_text() == f"{3 * s2:.3g}"
    assert "sigmoid" in diagram.header_texts[1].get_text()


def test_diagram_has_title_and_labels(net4231):
    diagram = plot.draw_network(net4231, [1, 1, 1, 1])
    assert "4-2-3-1" in diagram.ax.get_title()
    assert diagram.ax.get_xlabel()
    headers = [t.get_text().splitlines()[0] for t in diagram.header_texts]
    assert headers == ["input", "hidden 1", "hidden 2", "output"]
    custom = plot.draw_network(net4231, title="Problem 2")
    assert custom.ax.get_title() == "Problem 2"


def test_edge_width_is_proportional_to_weight_and_colour_gives_sign(net4231):
    w = net4231[0].weight.data
    w[...] = [[0.5, -2.0, 1.0, 0.0], [2.0, 1.5, -0.25, 1.0]]
    diagram = plot.draw_network(net4231, max_linewidth=4.0)
    widths = np.asarray(diagram.edges[0].get_linewidths())
    np.testing.assert_allclose(widths, 4.0 * np.abs(w.ravel()) / 2.0)
    colours = [to_hex(c) for c in diagram.edges[0].get_colors()]
    expected = [to_hex(plot.NEGATIVE) if v < 0 else to_hex(plot.POSITIVE) for v in w.ravel()]
    assert colours == expected


def test_update_changes_existing_artists_in_place(net4231):
    diagram = plot.draw_network(net4231, [1, 1, 1, 1])
    edges, circle, text = diagram.edges[0], diagram.units[1][0], diagram.value_texts[3][0]
    n_figures = len(plt.get_fignums())
    net4231[0].weight.data[0, 0] = -3.0  # hidden-1 unit 1: z = -3 + 3 = 0
    diagram.update(x=[1, 1, 1, 1])
    assert diagram.edges[0] is edges and diagram.units[1][0] is circle
    assert diagram.value_texts[3][0] is text
    assert text.get_text() == "12"  # hidden 1 = [0, 4] -> hidden 2 = [4, 4, 4] -> 12
    assert to_hex(edges.get_colors()[0]) == to_hex(plot.NEGATIVE)
    assert len(plt.get_fignums()) == n_figures


def test_update_with_new_input_and_other_model_of_same_shape(net4231):
    diagram = plot.draw_network(net4231, [1, 1, 1, 1])
    tanh = nc.Sequential(net4231[0], nc.Tanh(), net4231[2], nc.Tanh(), net4231[4])
    diagram.update(tanh, [0.5, 0.0, 0.0, 0.0])
    t1 = math.tanh(0.5)
    assert diagram.value_texts[1][0].get_text() == f"{t1:.3g}"
    assert diagram.value_texts[3][0].get_text() == f"{3 * math.tanh(2 * t1):.3g}"
    assert "[0.5, 0, 0, 0]" in diagram.ax.get_title()


def test_inactive_unit_for_one_input_is_hatched_and_listed(net4231):
    net4231[0].weight.data[1] = -1.0  # hidden-1 unit 2: z = -4 on input [1, 1, 1, 1]
    diagram = plot.draw_network(net4231, [1, 1, 1, 1])
    dead, alive = diagram.units[1][1], diagram.units[1][0]
    assert dead.get_hatch() and not alive.get_hatch()
    assert to_hex(dead.get_facecolor()) == to_hex(plot.DEAD)
    assert diagram.z_texts[1][1].get_text() == "z = \N{MINUS SIGN}4"
    labels = [t.get_text() for t in diagram.ax.get_legend().get_texts()]
    assert any("hidden 1 unit 2" in label and "inactive" in label for label in labels)


def test_dead_units_are_judged_on_the_data_given(net4231):
    rng = np.random.default_rng(0)
    data = rng.uniform(0.1, 1.0, size=(20, 4))  # positive features
    net4231[0].weight.data[1] = -1.0
    diagram = plot.draw_network(net4231, data[0], data=data)
    assert diagram.dead[0].tolist() == [False, True]
    labels = [t.get_text() for t in diagram.ax.get_legend().get_texts()]
    assert any("dead (0 on all 20 inputs)" in label for label in labels)
    net4231[0].weight.data[1] = 1.0
    diagram.update()
    assert not diagram.units[1][1].get_hatch()
    assert len(diagram.ax.get_legend().get_texts()) == 2  # the dead entry is gone


def test_show_dead_false_and_no_input(net4231):
    net4231[0].weight.data[1] = -1.0
    diagram = plot.draw_network(net4231, [1, 1, 1, 1], show_dead=False)
    assert not any(c.get_hatch() for layer in diagram.units for c in layer)
    bare = plot.draw_network(net4231)
    assert all(t.get_text() == "" for row in bare.value_texts for t in row)


def test_draw_network_rejects_bad_arguments(net4231):
    with raises_with(TypeError, "draw_network", "Sequential", "Linear"):
        plot.draw_network(nc.Linear(4, 2))
    with raises_with(ValueError, "draw_network", "(4,)", "(3,)"):
        plot.draw_network(net4231, [1, 1, 1])
    with raises_with(ValueError, "input_names", "4", "2"):
        plot.draw_network(net4231, input_names=["a", "b"])
    with raises_with(ValueError, "weight_scale", "positive"):
        plot.draw_network(net4231, weight_scale=0)
    diagram = plot.draw_network(net4231)
    with raises_with(ValueError, "NetworkDiagram.update", "[4, 2, 3, 1]", "[4, 3, 1]"):
        diagram.update(nc.mlp([4, 3, 1]))
    with raises_with(ValueError, "one input", "data="):
        diagram.update(x=np.ones((3, 4)))


# ------------------------------------------------------------------------------ decision regions


@pytest.fixture
def one_unit() -> nc.Sequential:
    """The case study's network: 2 inputs -> 1 ReLU unit -> 1 sigmoid output."""
    net = nc.Sequential(nc.Linear(2, 1), nc.ReLU(), nc.Linear(1, 1), nc.Sigmoid())
    net[0].weight.data[...] = [[1.0, -1.0]]
    net[0].bias.data[...] = 0.0
    net[2].weight.data[...] = [[2.0]]
    net[2].bias.data[...] = -1.0
    return net


@pytest.fixture
def points():
    rng = np.random.default_rng(1)
    x = rng.uniform(0.1, 2.0, size=(40, 2))
    return x, (x[:, 0] > x[:, 1]).astype(int)


def test_decision_regions_shade_where_the_unit_is_active(one_unit, points):
    x, y = points
    regions = plot.decision_regions(one_unit, x, y, unit=(0, 0), resolution=50)
    gx, gy = regions.grid[:, 0].reshape(50, 50), regions.grid[:, 1].reshape(50, 50)
    np.testing.assert_array_equal(regions.active, gx - gy > 0)
    # Output sigmoid(2 * relu(x1 - x2) - 1) > 0.5  <=>  x1 - x2 > 0.5.
    np.testing.assert_array_equal(regions.predicted, (gx - gy > 0.5).astype(int))
    assert regions._hatch is not None and regions._boundary is not None
    assert regions.ax.get_title() and regions.ax.get_xlabel() and regions.ax.get_ylabel()
    n_class_points = [len(p.get_offsets()) for p in regions.points]
    assert n_class_points == [int(np.sum(y == 0)), int(np.sum(y == 1))]


def test_decision_regions_update_reports_a_dead_unit(one_unit, points):
    x, y = points
    regions = plot.decision_regions(one_unit, x, y, unit=(0, 0), resolution=40)
    image = regions.image
    before = np.array(image.get_array())
    one_unit[0].weight.data[...] = [[-1.0, -1.0]]  # negative weights on positive data
    regions.update()
    assert regions.image is image
    assert not np.array_equal(np.array(image.get_array()), before)
    assert "dead" in regions._note.get_text() and "40" in regions._note.get_text()
    # The plot's range extends a little past the data, where x1 + x2 stays > 0: nothing active.
    assert not regions.active.any()
    assert (regions.predicted == 0).all()  # sigmoid(-1) < 0.5 everywhere


def test_decision_regions_rejects_bad_arguments(one_unit, points):
    x, y = points
    with raises_with(ValueError, "decision_regions", "2 features"):
        plot.decision_regions(nc.mlp([3, 1]), x, y)
    with raises_with(ValueError, "decision_regions", "position 1", "[0, 2]"):
        plot.decision_regions(one_unit, x, y, unit=(1, 0))
    with raises_with(ValueError, "decision_regions", "0..0"):
        plot.decision_regions(one_unit, x, y, unit=(0, 3))
    with raises_with(TypeError, "decision_regions", "pair"):
        plot.decision_regions(one_unit, x, y, unit=0)
    with raises_with(ValueError, "decision_regions", "40 examples", "39"):
        plot.decision_regions(one_unit, x, y[:-1])


# ----------------------------------------------------------------------------- training, evaluation


def test_training_curves_plot_the_history_of_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 2))
    y = x @ np.array([[1.0], [-2.0]])
    model = nc.mlp([2, 1], rng=0)
    history = nc.fit(model, nc.MSELoss(), nc.SGD(model.parameters(), lr=0.1), x, y, epochs=5,
                     rng=0, validation_data=(x, y))
    ax = plot.training_curves(history)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["loss", "val loss"]
    np.testing.assert_allclose(lines[0].get_ydata(), history["loss"])
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3, 4, 5])
    assert ax.get_title() == "Training curves"
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert lines[1].get_linestyle() == "--"


def test_training_curves_other_keys_and_errors():
    history = {"epoch": [1, 2, 3], "loss": [3.0, 2.0, 1.0], "dead_fraction": [0.0, 0.5, 0.5]}
    ax = plot.training_curves(history, keys=["dead_fraction"])
    assert ax.get_ylabel() == "value"
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.0, 0.5, 0.5])
    with raises_with(ValueError, "training_curves", "accuracy", "dead_fraction"):
        plot.training_curves(history, keys=["accuracy"])
    with raises_with(TypeError, "training_curves", "History"):
        plot.training_curves([1.0, 2.0])
    with raises_with(TypeError, "training_curves", "wrap it"):
        plot.training_curves(history, keys="loss")


def test_confusion_matrix_writes_every_count():
    cm = nc.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], 3)
    ax = plot.confusion_matrix(cm, labels=["zero", "one", "two"])
    written = {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
    }
    assert written == {(i, j): str(int(cm[i, j])) for i in range(3) for j in range(3)}
    assert written[(0, 0)] == "1" and written[(2, 2)] == "2" and written[(2, 0)] == "1"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["zero", "one", "two"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert ax.get_title() == "Confusion matrix"


def test_confusion_matrix_normalised_and_errors():
    ax = plot.confusion_matrix([[3, 1], [0, 4]], normalize=True)
    assert sorted(t.get_text() for t in ax.texts) == ["0.00", "0.25", "0.75", "1.00"]
    with raises_with(ValueError, "confusion_matrix", "square", "(2, 3)"):
        plot.confusion_matrix(np.zeros((2, 3)))
    with raises_with(ValueError, "confusion_matrix", "2 labels", "3"):
        plot.confusion_matrix(np.eye(2), labels=["a", "b", "c"])


def test_preactivation_histogram_one_panel_per_unit(net4231):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(50, 4))
    net4231[0].weight.data[1] = 0.0
    net4231[0].bias.data[1] = -1.0  # unit 2: z = -1 for every example
    axes = plot.preactivation_histogram(net4231, x, position=0, bins=10)
    assert len(axes) == 2
    z1 = x.sum(axis=1)
    for ax in axes:
        bars = ax.containers[0]  # the histogram's BarContainer
        assert len(bars) == 10 and sum(bar.get_height() for bar in bars) == 50
        assert ax.get_xlabel() == "pre-activation z" and ax.get_ylabel() == "examples"
    assert axes[0].get_title() == f"unit 1: {np.mean(z1 > 0):.0%} active"
    assert axes[1].get_title() == "unit 2: dead"
    assert axes[0].figure.get_suptitle()


def test_preactivation_histogram_rejects_bad_position(net4231):
    x = np.ones((5, 4))
    with raises_with(ValueError, "preactivation_histogram", "position 1", "[0, 2, 4]"):
        plot.preactivation_histogram(net4231, x, position=1)
    fig, ax = plt.subplots()
    with raises_with(ValueError, "preactivation_histogram", "2 Axes", "got 1"):
        plot.preactivation_histogram(net4231, x, position=0, ax=ax)


# ------------------------------------------------------------------- draw_gradients
def _edge_labels(ax) -> list[str]:
    texts = [t.get_text() for t in ax.texts if t.get_bbox_patch() is not None]
    return [t for t in texts if not t.startswith("\N{PARTIAL DIFFERENTIAL}")]


def _bias_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_text().startswith("\N{PARTIAL DIFFERENTIAL}")]


def test_draw_gradients_writes_each_weights_gradient_on_its_edge(net4231):
    # f = sum_k w3_k relu(sum_i w2_ki relu(sum_j w1_ij x_j)); with every weight 1 and x = 1:
    # df/dW1 = 3 (three paths of weight 1 each), df/dW2 = h1 = 4, df/dW3 = h2 = 8.
    net4231.zero_grad()
    net4231(np.ones(4))
    net4231.backward(np.ones(1))
    diagram = plot.draw_gradients(net4231, of="f", title="gradients")
    labels = _edge_labels(diagram.ax)
    assert sorted(labels) == sorted(["3"] * 8 + ["4"] * 6 + ["8"] * 3)
    # df/db1 = 3, df/db2 = w3 = 1, df/db3 = 1
    assert sorted(_bias_labels(diagram.ax)) == sorted(
        ["\N{PARTIAL DIFFERENTIAL}f/\N{PARTIAL DIFFERENTIAL}b = 3"] * 2
        + ["\N{PARTIAL DIFFERENTIAL}f/\N{PARTIAL DIFFERENTIAL}b = 1"] * 4)
    assert "f/" in diagram.ax.get_xlabel() and diagram.ax.get_title() == "gradients"
    assert [t.get_text() for t in diagram.ax.get_legend().get_texts()] == [
        "positive gradient", "negative gradient", "zero gradient"]


def test_draw_gradients_dashes_the_edges_of_an_inactive_unit(net4231):
    net4231[0].bias.data[0] = -5.0  # z = 4 - 5 < 0: hidden unit 1 passes back nothing
    net4231.zero_grad()
    net4231(np.ones(4))
    net4231.backward(np.ones(1))
    diagram = plot.draw_gradients(net4231)
    first = diagram.edges[0]  # one edge per weight of W1 (2 x 4), row by row
    colours = [to_hex(c) for c in first.get_colors()]
    assert colours[:4] == [to_hex(plot.DEAD)] * 4
    assert to_hex(plot.DEAD) not in colours[4:]
    assert np.array_equal(net4231[0].weight.grad[0], np.zeros(4))  # what the picture shows


def test_draw_gradients_refuses_what_is_not_a_model():
    with raises_with(TypeError, "draw_gradients", "Sequential"):
        plot.draw_gradients([1, 2, 3])
