"""Tests of nncore.plot.draw_network: the diagram draws what the model computes.

Expected numbers come from the assignment's hand computation (Problem 2) or from
numpy written out here, never from the plotting code.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgba
from matplotlib.patches import Circle
from nncore_fixtures import raises_with
from plot_support import drawn_hatch_colour, legend_labels, n_segments, texts

import nncore as nc
from nncore import plot


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
    net = nc.mlp(
        [4, 2, 3, 1],
        activation=nc.Sigmoid,
        weight_init=nc.init.constant(1.0),
        bias_init=nc.init.zeros(),
    )
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
    labels = legend_labels(diagram.ax)
    assert any("hidden 1 unit 2" in label and "inactive" in label for label in labels)


def test_dead_units_are_judged_on_the_data_given(net4231):
    rng = np.random.default_rng(0)
    data = rng.uniform(0.1, 1.0, size=(20, 4))  # positive features
    net4231[0].weight.data[1] = -1.0
    diagram = plot.draw_network(net4231, data[0], data=data)
    assert diagram.dead[0].tolist() == [False, True]
    labels = legend_labels(diagram.ax)
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


def test_dead_unit_hatching_is_the_muted_grey_of_its_outline(net4231):
    # matplotlib before 3.11 has no separate hatch colour: the hatching follows the edge.
    net4231[0].weight.data[1] = -1.0
    diagram = plot.draw_network(net4231, [1, 1, 1, 1])
    dead = diagram.units[1][1]
    assert to_hex(dead.get_edgecolor()) == to_hex(plot.MUTED)
    assert drawn_hatch_colour(dead) == to_rgba(plot.MUTED)


def test_draw_network_refuses_nan_weights_naming_the_parameter(net4231):
    net4231[2].weight.data[1, 0] = np.nan
    with raises_with(
        ValueError,
        "draw_network",
        "'2.weight'",
        "layer 2",
        "Linear(in_features=2, out_features=3)",
        "NaN",
        "learning rate",
    ):
        plot.draw_network(net4231, [1, 1, 1, 1])
    net4231[2].weight.data[1, 0] = 1.0
    diagram = plot.draw_network(net4231, [1, 1, 1, 1])
    net4231[4].bias.data[0] = np.inf  # an explorer's update sees it too
    with raises_with(ValueError, "NetworkDiagram.update", "'4.bias'", "infinite"):
        diagram.update()


def test_draw_network_refuses_nan_inputs(net4231):
    with raises_with(ValueError, "draw_network", "NaN", "rows 0"):
        plot.draw_network(net4231, [1, np.nan, 1, 1])
    with raises_with(ValueError, "draw_network", "data", "1 of its 3 rows", "rows 2"):
        plot.draw_network(net4231, data=[[1, 1, 1, 1], [0, 0, 0, 0], [1, 1, np.inf, 1]])


def test_drawing_between_a_loss_and_its_backward_keeps_the_gradients_right():
    x, y = np.linspace(-1, 1, 12).reshape(3, 4), np.array([[0.5], [-1.0], [2.0]])
    net, loss = nc.mlp([4, 2, 3, 1], rng=0), nc.MSELoss()
    loss(net(x), y)
    net.backward(loss.backward())
    expected = [p.grad.copy() for p in net.parameters()]
    net.zero_grad()
    loss(net(x), y)
    plot.draw_network(net, [3.0, 1.0, -2.0, 0.5], data=10 * x)  # runs the model twice
    net.backward(loss.backward())
    for p, grad in zip(net.parameters(), expected, strict=True):
        np.testing.assert_allclose(p.grad, grad, rtol=1e-12, err_msg=p.name)


def test_positions_and_dead_units_follow_nested_sequentials():
    # position = index of the Linear among the model's layers, nested containers unrolled
    hidden = nc.Sequential(nc.Linear(2, 2), nc.ReLU())
    net = nc.Sequential(hidden, nc.Linear(2, 1))
    hidden[0].weight.data[...] = [[1.0, 1.0], [-1.0, -1.0]]
    hidden[0].bias.data[...] = 0.0
    diagram = plot.draw_network(net, [1.0, 2.0])
    assert diagram.positions == [0, 2] and diagram.sizes == [2, 2, 1]
    assert diagram.dead[0].tolist() == [False, True]
    assert texts(diagram.value_texts[1:2]) == [["3", "0"]]
