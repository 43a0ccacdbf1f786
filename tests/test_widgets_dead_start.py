"""Tests of nncore.widgets.dead_start: batched training, the drawn regions, the explorer."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from ipywidgets.widgets.widget_link import Link  # noqa: E402
from nncore_fixtures import raises_with  # noqa: E402

import nncore as nc  # noqa: E402
import nncore.widgets.dead_start as dead_start  # noqa: E402
from nncore.widgets import dead_start_explorer  # noqa: E402
from nncore.widgets.dead_start import _half_plane, train_starts  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SMALL_GRID = dict(weight_values=(-0.02, 0.03), bias_values=(-0.02, 0.02), scale_values=(0.3, 3.0),
                  initial=(-0.02, -0.02, 0.02, 0.3), epochs=40, dpi=30)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    return nc.make_positive_features(40, positive_fraction=0.7, rng=11)


@pytest.fixture(scope="module")
def small_explorer(data):
    x, y = data
    return dead_start_explorer(x, y, **SMALL_GRID)


def separate_run(x, y, w1, w2, b, *, output_weight=0.03, output_bias=0.0, lr=0.5, epochs=40):
    """The same training done the plain way: one 2-1-1 network, its own nc.fit call."""
    model = nc.Sequential(nc.Linear(2, 1, rng=0), nc.ReLU(), nc.Linear(1, 1, rng=0))
    model[0].weight.data[...] = [[w1, w2]]
    model[0].bias.data[...] = [b]
    model[2].weight.data[...] = [[output_weight]]
    model[2].bias.data[...] = [output_bias]
    nc.fit(model, nc.BCEWithLogitsLoss(), nc.SGD(model.parameters(), lr=lr), x,
           y[:, None].astype(float), epochs=epochs, batch_size=None, shuffle=False)
    return model


# ------------------------------------------------------------------------------ train_starts


def test_batched_training_equals_separate_runs(data):
    x, y = data
    starts = [(0.04, -0.02, -0.02), (-0.03, 0.01, 0.03), (0.02, 0.05, 0.0), (-0.02, -0.02, -0.01)]
    outcomes = train_starts(x, y, starts, epochs=60)
    for (w1, w2, b), outcome in zip(starts, outcomes):
        model = separate_run(x, y, w1, w2, b, epochs=60)
        np.testing.assert_allclose(outcome.weight_end, model[0].weight.data[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(outcome.bias_end, model[0].bias.data[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(outcome.output_bias, model[2].bias.data[0], rtol=1e-9, atol=1e-12)
        z = x @ model[0].weight.data[0] + model[0].bias.data[0]
        np.testing.assert_array_equal(outcome.active_end, z > 0)
        predicted = (model(x)[:, 0] > 0).astype(int)
        assert outcome.accuracy == np.mean(predicted == y)
        np.testing.assert_array_equal(outcome.active_start, x @ [w1, w2] + b > 0)


def test_a_dead_start_never_changes_and_learns_the_prior(data):
    x, y = data
    (outcome,) = train_starts(x, y, [(-0.02, -0.01, -0.01)], epochs=400)
    assert outcome.dead_start and outcome.dead_end and not outcome.lived
    assert outcome.verdict == "was dead from the start"
    assert np.array_equal(outcome.weight_end, [-0.02, -0.01]) and outcome.bias_end == -0.01
    assert not outcome.active_start.any() and not outcome.active_end.any()
    p = 28 / 40  # make_positive_features puts exactly round(0.7 * 40) examples in class 1
    assert y.sum() == 28
    np.testing.assert_allclose(outcome.output_bias, np.log(p / (1 - p)), rtol=1e-8)
    assert outcome.accuracy == p


def test_verdicts_name_what_happened(data):
    x, y = data
    alive = train_starts(x, y, [(0.04, -0.02, -0.02)], epochs=40)[0]
    assert not alive.dead_start and alive.lived and alive.verdict == "lived"
    # This start is active on some examples, and 300 steps push its boundary past all of them.
    died = train_starts(x, y, [(-0.04, 0.02, 0.02)], epochs=300)[0]
    assert died.active_start.sum() > 0 and not died.dead_start
    assert died.dead_end and died.verdict == "died during training"
    model = separate_run(x, y, -0.04, 0.02, 0.02, epochs=300)
    assert np.all(x @ model[0].weight.data[0] + model[0].bias.data[0] <= 0)


def test_train_starts_rejects_bad_input(data):
    x, y = data
    with raises_with(ValueError, "train_starts", "shape (G, 3)", "(3, 2)"):
        train_starts(x, y, np.zeros((3, 2)))
    with raises_with(ValueError, "train_starts", "(n, 2)", "(40, 3)"):
        train_starts(np.ones((40, 3)), y, [(0, 0, 0)])
    with raises_with(ValueError, "train_starts", "binary labels"):
        train_starts(x, y + 1, [(0, 0, 0)])
    with raises_with(ValueError, "train_starts", "epochs", "positive whole number"):
        train_starts(x, y, [(0, 0, 0)], epochs=0)
    with raises_with(ValueError, "train_starts", "lr", "positive"):
        train_starts(x, y, [(0, 0, 0)], lr=-0.1)


# ------------------------------------------------------------------------------ geometry


def polygon_area(points: np.ndarray) -> float:
    px, py = points[:, 0], points[:, 1]
    return 0.5 * abs(np.dot(px, np.roll(py, -1)) - np.dot(py, np.roll(px, -1)))


def test_half_plane_clips_the_square_by_hand():
    polygon, segment = _half_plane(np.array([1.0, 0.0]), -1.0, 2.0)  # x1 > 1 in [0, 2]^2
    assert polygon_area(polygon) == pytest.approx(2.0)
    assert sorted(map(tuple, segment)) == [(1.0, 0.0), (1.0, 2.0)]
    polygon, segment = _half_plane(np.array([-1.0, -1.0]), 1.0, 2.0)  # x1 + x2 < 1
    assert polygon_area(polygon) == pytest.approx(0.5)
    assert sorted(map(tuple, segment)) == [(0.0, 1.0), (1.0, 0.0)]
    polygon, segment = _half_plane(np.array([-1.0, -1.0]), -0.1, 2.0)  # nowhere
    assert polygon.shape == (0, 2) and segment.shape == (0, 2)
    polygon, segment = _half_plane(np.array([0.0, 0.0]), 0.5, 2.0)  # everywhere
    assert polygon_area(polygon) == pytest.approx(4.0) and segment.shape == (0, 2)


# ------------------------------------------------------------------------------ explorer


def test_one_frame_per_grid_point(small_explorer):
    ex = small_explorer
    assert ex.names == ["w1", "w2", "b", "scale"]
    assert ex.n_frames == 2 * 2 * 2 * 2 == len(ex.frames) == len(ex.images)
    assert all(png[:8] == PNG_SIGNATURE for png in ex.frames.values())
    grid = itertools.product(*(ex.grid[n] for n in ex.names))
    assert set(grid) <= set(ex.outcomes)
    assert str(ex.n_frames) in ex.size_report()


def test_sliders_are_jslinked_to_every_stack_of_their_level(small_explorer):
    ex = small_explorer
    assert [len(level) for level in ex.stacks] == [1, 2, 4, 8]
    assert len(ex.links) == 1 + 2 + 4 + 8 and all(isinstance(link, Link) for link in ex.links)
    for level, name in enumerate(ex.names):
        targets = [link.target[0] for link in ex.links if link.source[0] is ex.controls[name]]
        assert {id(t) for t in targets} == {id(s) for s in ex.stacks[level]}
    assert {link.source[1] for link in ex.links} == {"index"}
    assert {link.target[1] for link in ex.links} == {"selected_index"}
    assert ex.values == {"w1": -0.02, "w2": -0.02, "b": 0.02, "scale": 0.3}


def test_frames_differ_exactly_where_the_drawing_differs(small_explorer):
    ex = small_explorer

    def frame(w1, w2, b, scale):
        return ex.frame(w1=w1, w2=w2, b=b, scale=scale)

    # Alive and dead starts at the same scale, and one start at two scales (other axes):
    assert frame(-0.02, -0.02, 0.02, 0.3) != frame(-0.02, -0.02, -0.02, 0.3)
    assert frame(0.03, -0.02, 0.02, 0.3) != frame(0.03, -0.02, 0.02, 3.0)
    assert frame(0.03, -0.02, 0.02, 3.0) != frame(0.03, 0.03, 0.02, 3.0)
    # Two starts that are inactive on the whole drawn square (negative weights, b <= 0) draw
    # nothing of their own and end with the same output bias: identical pictures.
    first = ex.render(w1=-0.02, w2=-0.02, b=-0.02, scale=3.0)
    second = ex.render(w1=-0.01, w2=-0.03, b=-0.01, scale=3.0)
    a, b = ex.outcomes[(-0.02, -0.02, -0.02, 3.0)], ex.outcomes[(-0.01, -0.03, -0.01, 3.0)]
    assert a.dead_start and b.dead_start and a.output_bias == b.output_bias
    assert first == second == frame(-0.02, -0.02, -0.02, 3.0)
    # A positive bias with the same weights is active near the origin, off the data.
    assert frame(-0.02, -0.02, 0.02, 3.0) != first


def test_frames_report_the_outcome(small_explorer, data):
    x, y = data
    ex = small_explorer
    # Both weights negative and a negative bias: dead at every scale, from the start.
    for scale in ex.grid["scale"]:
        outcome = ex.outcomes[(-0.02, -0.02, -0.02, scale)]
        assert outcome.verdict == "was dead from the start"
    # With b > 0 the same weights are alive on the small-scale features (z > 0 near the origin)
    # and dead on the large-scale ones.
    small, large = (ex.outcomes[(-0.02, -0.02, 0.02, s)] for s in (0.3, 3.0))
    expected_small = 0.3 * x @ [-0.02, -0.02] + 0.02 > 0
    np.testing.assert_array_equal(small.active_start, expected_small)
    assert expected_small.any() and not small.dead_start and large.dead_start
    alt = ex.alt_texts[(0, 0, 0, 0)]
    assert "was dead from the start" in alt and "b = \N{MINUS SIGN}0.02" in alt


def test_update_recomputes_off_the_grid_through_nncore(small_explorer, data, monkeypatch):
    x, y = data
    ex = small_explorer
    calls = []
    real_fit = dead_start.fit
    monkeypatch.setattr(dead_start, "fit", lambda *a, **k: calls.append(1) or real_fit(*a, **k))
    ex.render(w1=-0.02, w2=0.03, b=0.02, scale=0.3)  # on the grid: trained already
    assert calls == []
    png = ex.render(w1=0.01, w2=-0.01, b=0.01, scale=1.0)  # off the grid: trained now
    assert calls == [1] and png[:8] == PNG_SIGNATURE
    outcome = ex.outcomes[(0.01, -0.01, 0.01, 1.0)]
    model = separate_run(x, y, 0.01, -0.01, 0.01, epochs=40)
    np.testing.assert_allclose(outcome.weight_end, model[0].weight.data[0], rtol=1e-9)
    assert ex.view.outcome is outcome


def test_explorer_rejects_bad_arguments(data):
    x, y = data
    with raises_with(ValueError, "dead_start_explorer", "(n, 2)", "(40,)"):
        dead_start_explorer(x[:, 0], y)
    negative = x.copy()
    negative[0, 0] = -1.0
    with raises_with(ValueError, "dead_start_explorer", "positive features", "-1"):
        dead_start_explorer(negative, y)
    with raises_with(ValueError, "dead_start_explorer", "binary labels"):
        dead_start_explorer(x, np.full(len(y), 2))
    with raises_with(TypeError, "dead_start_explorer", "weight_values", "sequence of numbers"):
        dead_start_explorer(x, y, weight_values="-0.04")
    with raises_with(ValueError, "dead_start_explorer", "scale_values", "positive"):
        dead_start_explorer(x, y, scale_values=(0.0, 1.0))
    with raises_with(ValueError, "dead_start_explorer", "initial b", "not on its grid"):
        dead_start_explorer(x, y, initial=(-0.02, -0.02, 0.03, 1.0))
    with raises_with(ValueError, "dead_start_explorer", "epochs", "positive whole number"):
        dead_start_explorer(x, y, epochs=2.5)
