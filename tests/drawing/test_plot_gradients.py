"""Tests of nncore.plot.draw_gradients: dL/dw of the last backward pass on each edge.

Expected gradients are worked out by hand in the comments (every weight 1, input 1).
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_hex
from nncore_fixtures import raises_with
from plot_support import PARTIAL, legend_labels

from nncore import plot


def _edge_labels(ax) -> list[str]:
    texts = [t.get_text() for t in ax.texts if t.get_bbox_patch() is not None]
    return [t for t in texts if t and not t.startswith(PARTIAL)]


def _bias_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_text().startswith(PARTIAL)]


def _backward(net, x):
    """d(output)/d(every parameter) at ``x``: the chapter's model.backward(np.ones(1))."""
    net.zero_grad()
    net(np.asarray(x, dtype=float))
    net.backward(np.ones(1))


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
        + ["\N{PARTIAL DIFFERENTIAL}f/\N{PARTIAL DIFFERENTIAL}b = 1"] * 4
    )
    assert "f/" in diagram.ax.get_xlabel() and diagram.ax.get_title() == "gradients"
    assert [t.get_text() for t in diagram.ax.get_legend().get_texts()] == [
        "positive gradient",
        "negative gradient",
        "zero gradient",
    ]


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


def test_draw_gradients_before_any_backward_says_to_run_it(net4231):
    with raises_with(
        ValueError,
        "draw_gradients",
        "every gradient",
        "0",
        "before any backward",
        "model.backward",
        "first",
    ):
        plot.draw_gradients(net4231)
    net4231(np.ones(4))  # a forward pass alone fills no gradient
    with raises_with(ValueError, "draw_gradients", "before any backward"):
        plot.draw_gradients(net4231)


def test_update_redraws_the_new_gradients_not_the_weights(net4231):
    _backward(net4231, np.ones(4))
    diagram = plot.draw_gradients(net4231, of="f")
    widths = np.asarray(diagram.edges[2].get_linewidths()).copy()
    # Input 2 instead of 1: h1 = 8, h2 = 16, so df/dW1 = 3 * 2 = 6, df/dW2 = 8, df/dW3 = 16.
    _backward(net4231, 2 * np.ones(4))
    assert diagram.update() is diagram
    assert sorted(_edge_labels(diagram.ax)) == sorted(["6"] * 8 + ["8"] * 6 + ["16"] * 3)
    assert len(_edge_labels(diagram.ax)) == 17  # the labels were rewritten, not added
    # widths follow |df/dw| at the scale of the first drawing (full width at 8): doubled
    np.testing.assert_allclose(diagram.edges[2].get_linewidths(), 2 * widths)
    assert legend_labels(diagram.ax) == ["positive gradient", "negative gradient", "zero gradient"]


def test_gradient_edges_take_the_colour_of_the_gradients_sign(net4231):
    net4231[4].weight.data[0, 1] = -1.0  # f falls with hidden-2 unit 2
    _backward(net4231, np.ones(4))
    diagram = plot.draw_gradients(net4231)
    colours = [to_hex(c) for c in diagram.edges[1].get_colors()]  # W2, row by row (3 x 2)
    # df/dW2[i, j] = w3[i] * h1[j]: row 1 (unit 2 of hidden 2) negative, the others positive
    assert (
        colours
        == [to_hex(plot.POSITIVE)] * 2 + [to_hex(plot.NEGATIVE)] * 2 + [to_hex(plot.POSITIVE)] * 2
    )


def test_draw_gradients_refuses_nan_gradients(net4231):
    _backward(net4231, np.ones(4))
    net4231[2].weight.grad[0, 0] = np.nan
    with raises_with(ValueError, "draw_gradients", "'2.weight'", "NaN"):
        plot.draw_gradients(net4231)
