"""Tests of nncore.widgets.relu_unit: one ReLU unit over 2-D data, under three sliders.

Expected values come from the formulas written here with plain numpy, independent of
nncore's layers and losses: z = x @ w + b, h = max(0, z), logit = v h + c, and the gradient
of the mean binary cross-entropy, dL/dw_i = mean over n of (sigmoid(logit) - y) v 1[z > 0] x_i.
"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from ipywidgets.widgets.widget_link import Link  # noqa: E402
from nncore_fixtures import raises_with  # noqa: E402
from PIL import Image  # noqa: E402

import nncore as nc  # noqa: E402
from nncore.widgets import DEFAULT_MAX_BYTES, Explorer  # noqa: E402
from nncore.widgets.relu_unit import ReluUnitView, relu_unit_explorer, unit_state  # noqa: E402

W1 = (-1.0, 0.0, 1.0)
W2 = (-1.0, 0.5)
B = (-1.0, 0.0, 1.0)
FAST = dict(w1_values=W1, w2_values=W2, b_values=B, initial=(1.0, 0.5, 0.0), dpi=30)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    """Twelve examples with both features positive, labels 0 and 1."""
    return nc.make_positive_features(12, rng=1)


@pytest.fixture(scope="module")
def shared(data) -> Explorer:
    """One explorer for the tests that only read it."""
    return relu_unit_explorer(*data, **FAST)


@pytest.fixture
def explorer(data) -> Explorer:
    """A fresh explorer, for tests that move its sliders."""
    return relu_unit_explorer(*data, **FAST)


def expected(x, y, w1, w2, b, v=1.0, c=0.0):
    """z, active mask and (dL/dw1, dL/dw2, dL/db) by hand."""
    z = x[:, 0] * w1 + x[:, 1] * w2 + b
    h = np.maximum(z, 0.0)
    p = 1.0 / (1.0 + np.exp(-(v * h + c)))
    upstream = (p - y) * v * (z > 0) / len(x)
    return z, z > 0, np.array([np.sum(upstream * x[:, 0]), np.sum(upstream * x[:, 1]), np.sum(upstream)])


def png_size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


# ------------------------------------------------------------------------ frames and links
def test_one_frame_per_grid_point(shared):
    assert shared.shape == (len(W1), len(W2), len(B))
    assert shared.n_frames == len(W1) * len(W2) * len(B) == 18
    assert set(shared.frames) == {(i, j, k) for i in range(3) for j in range(2) for k in range(3)}
    assert all(png[:8] == b"\x89PNG\r\n\x1a\n" for png in shared.frames.values())


def test_each_slider_is_jslinked_to_every_stack_of_its_level(shared):
    assert shared.names == ["w1", "w2", "b"]
    assert [len(level) for level in shared.stacks] == [1, len(W1), len(W1) * len(W2)]
    assert len(shared.links) == 1 + len(W1) + len(W1) * len(W2)
    for level, name in enumerate(shared.names):
        linked = [link for link in shared.links if link.source[0] is shared.controls[name]]
        assert all(isinstance(link, Link) for link in linked)
        assert all(link.source[1] == "index" and link.target[1] == "selected_index" for link in linked)
        assert {id(link.target[0]) for link in linked} == {id(s) for s in shared.stacks[level]}


def test_sliders_start_at_the_initial_weights(shared):
    assert shared.values == {"w1": 1.0, "w2": 0.5, "b": 0.0}
    assert [shared.controls[n].description for n in shared.names] == ["w\u2081", "w\u2082", "b"]


def test_frames_differ_between_a_live_and_a_dead_unit(shared, data):
    x, _ = data
    alive = shared.frame(w1=1.0, w2=0.5, b=0.0)
    dead = shared.frame(w1=-1.0, w2=-1.0, b=0.0)
    assert np.all(x > 0)  # so w = (-1, -1), b = 0 is dead and w = (1, 0.5) is active everywhere
    assert alive != dead
    assert shared.frame(w1=1.0, w2=0.5, b=-1.0) != shared.frame(w1=1.0, w2=0.5, b=1.0)


def test_alt_text_says_dead_only_for_dead_frames(shared, data):
    x, _ = data
    for index, text in shared.alt_texts.items():
        w1, w2, b = W1[index[0]], W2[index[1]], B[index[2]]
        dead = bool(np.all(x @ np.array([w1, w2]) + b <= 0))
        assert ("dead" in text) == dead, (index, text)


# ----------------------------------------------------------------- the update goes through nncore
@pytest.mark.parametrize("w1, w2, b", [(1.0, 0.5, 0.0), (1.0, -1.0, 0.0), (0.3, -0.2, 0.1), (-1.0, 0.5, 1.0)])
def test_render_recomputes_active_examples_and_gradient(explorer, data, w1, w2, b):
    x, y = data
    explorer.render(w1=w1, w2=w2, b=b)  # off-grid values too: a kernel can draw any setting
    view = explorer.view
    np.testing.assert_array_equal(view.model[0].weight.data, [[w1, w2]])
    np.testing.assert_array_equal(view.model[0].bias.data, [b])
    z, active, grad = expected(x, y, w1, w2, b)
    np.testing.assert_allclose(view.state.z, z, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(view.state.active, active)
    assert view.state.n_active == int(active.sum())
    np.testing.assert_allclose(view.state.grad, grad, rtol=1e-10, atol=1e-14)
    assert view.state.dead == (not active.any())
    if active.any():
        assert f"active on {int(active.sum())} of {len(x)}" in view.status.get_text()


def test_dead_unit_gets_exactly_zero_gradient_and_says_dead(explorer, data):
    x, _ = data
    explorer.render(w1=-1.0, w2=-1.0, b=0.0)
    view = explorer.view
    assert view.state.dead and view.state.n_active == 0
    np.testing.assert_array_equal(view.state.grad, np.zeros(3))
    assert "DEAD" in view.status.get_text() and str(len(x)) in view.status.get_text()
    assert "dead" in view.describe()


def test_z_exactly_zero_counts_as_dead(explorer, data):
    """w = 0 and b = 0 give z = 0 on every example; with f'(0) = 0 no gradient passes."""
    explorer.render(w1=0.0, w2=0.0, b=0.0)
    state = explorer.view.state
    np.testing.assert_array_equal(state.z, np.zeros(len(data[0])))
    assert state.dead and state.n_active == 0 and not state.active.any()
    assert "DEAD" in explorer.view.status.get_text()
    np.testing.assert_array_equal(state.grad, np.zeros(3))


def test_shaded_plane_matches_the_sign_of_z(explorer):
    explorer.render(w1=1.0, w2=-1.0, b=0.5)
    view = explorer.view
    grid = view.grid
    np.testing.assert_array_equal(view.active_grid.ravel(), grid[:, 0] - grid[:, 1] + 0.5 > 0)


def test_moving_a_slider_rerenders_through_nncore(explorer, data):
    x, y = data
    explorer.controls["b"].index = B.index(-1.0)
    assert explorer.view.model[0].bias.data[0] == -1.0
    _, active, grad = expected(x, y, 1.0, 0.5, -1.0)
    np.testing.assert_allclose(explorer.view.state.grad, grad, rtol=1e-10, atol=1e-14)
    assert explorer.view.state.n_active == int(active.sum())


def test_output_weight_scales_the_gradient(data):
    x, y = data
    ex = relu_unit_explorer(x, y, **FAST, output_weight=-2.0, output_bias=0.5)
    ex.render(w1=1.0, w2=0.5, b=0.0)
    _, _, grad = expected(x, y, 1.0, 0.5, 0.0, v=-2.0, c=0.5)
    np.testing.assert_allclose(ex.view.state.grad, grad, rtol=1e-10, atol=1e-14)


def test_unit_state_reads_the_first_layer(data):
    x, y = data
    model = nc.Sequential(nc.Linear(2, 1, rng=0), nc.ReLU(), nc.Linear(1, 1, rng=0))
    model[0].weight.data[...] = [[0.7, -0.4]]
    model[0].bias.data[...] = [0.05]
    model[2].weight.data[...] = [[1.5]]
    model[2].bias.data[...] = [-0.2]
    state = unit_state(model, x, y[:, None].astype(float))
    z, active, grad = expected(x, y, 0.7, -0.4, 0.05, v=1.5, c=-0.2)
    np.testing.assert_allclose(state.z, z, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(state.grad, grad, rtol=1e-10, atol=1e-14)
    assert state.dead == (not active.any())


def test_background_is_redrawn_at_a_new_dpi(explorer):
    small = explorer.render(w1=1.0, w2=0.5, b=0.0)
    explorer.figure.set_dpi(60)
    large = explorer.render(w1=1.0, w2=0.5, b=0.0)
    (w_small, h_small), (w_large, h_large) = png_size(small), png_size(large)
    assert math.isclose(w_large / w_small, 2.0, rel_tol=0.02)
    assert math.isclose(h_large / h_small, 2.0, rel_tol=0.02)


def test_default_explorer_fits_the_page_budget():
    ex = relu_unit_explorer()
    assert ex.n_frames == 5 * 5 * 5
    assert len(ex.view.x) == 60 and np.all(ex.view.x > 0)
    assert 0 < ex.frame_bytes <= DEFAULT_MAX_BYTES
    assert "125 precomputed frames" in ex.size_report()


def test_lazy_export():
    import nncore.widgets as widgets
    from nncore.widgets import relu_unit

    assert widgets.relu_unit_explorer is relu_unit.relu_unit_explorer
    assert isinstance(relu_unit.ReluUnitView, type) and ReluUnitView is relu_unit.ReluUnitView


# ------------------------------------------------------------------------------ bad arguments
def test_x_must_have_two_columns(data):
    x, y = data
    with raises_with(ValueError, "relu_unit_explorer", "(n, 2)", "(12, 3)"):
        relu_unit_explorer(np.hstack([x, x[:, :1]]), y, **FAST)


def test_x_must_be_numeric_and_finite(data):
    x, y = data
    with raises_with(TypeError, "relu_unit_explorer", "numbers"):
        relu_unit_explorer(x.astype(str), y, **FAST)
    bad = x.copy()
    bad[0, 0] = np.nan
    with raises_with(ValueError, "relu_unit_explorer", "NaN"):
        relu_unit_explorer(bad, y, **FAST)


def test_y_must_match_x_and_be_binary(data):
    x, y = data
    with raises_with(ValueError, "relu_unit_explorer", "one label per row", "(11,)"):
        relu_unit_explorer(x, y[:-1], **FAST)
    with raises_with(ValueError, "relu_unit_explorer", "binary labels"):
        relu_unit_explorer(x, y + 1, **FAST)


def test_x_and_y_come_together(data):
    x, _ = data
    with raises_with(ValueError, "relu_unit_explorer", "both x and y"):
        relu_unit_explorer(x, **FAST)


def test_grids_must_be_sequences_of_finite_numbers(data):
    with raises_with(TypeError, "relu_unit_explorer", "b_values", "sequence of numbers"):
        relu_unit_explorer(*data, **{**FAST, "b_values": "0 1"})
    with raises_with(ValueError, "relu_unit_explorer", "w1_values", "empty"):
        relu_unit_explorer(*data, **{**FAST, "w1_values": ()})
    with raises_with(TypeError, "relu_unit_explorer", "w2_values", "numbers only"):
        relu_unit_explorer(*data, **{**FAST, "w2_values": (-1.0, "a")})
    with raises_with(ValueError, "relu_unit_explorer", "b_values", "finite"):
        relu_unit_explorer(*data, **{**FAST, "b_values": (0.0, math.inf)})


def test_initial_point_must_lie_on_the_grids(data):
    with raises_with(ValueError, "relu_unit_explorer", "initial b", "not on its grid"):
        relu_unit_explorer(*data, **{**FAST, "initial": (1.0, 0.5, 0.25)})
    with raises_with(TypeError, "relu_unit_explorer", "triple"):
        relu_unit_explorer(*data, **{**FAST, "initial": (1.0, 0.5)})


def test_output_weight_must_be_a_finite_number(data):
    with raises_with(TypeError, "relu_unit_explorer", "output_weight", "finite number"):
        relu_unit_explorer(*data, **FAST, output_weight="1")
    with raises_with(TypeError, "relu_unit_explorer", "output_bias", "finite number"):
        relu_unit_explorer(*data, **FAST, output_bias=math.nan)


def test_frames_over_budget_raise_a_clear_error(data):
    with raises_with(ValueError, "MB", "budget"):
        relu_unit_explorer(*data, **FAST, max_bytes=2_000)
