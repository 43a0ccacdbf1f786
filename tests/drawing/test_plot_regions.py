"""Tests of nncore.plot.decision_regions: predicted classes and where a unit is active."""

from __future__ import annotations

import numpy as np
import plot_support  # noqa: F401 - Agg backend
import pytest
from nncore_fixtures import raises_with

import nncore as nc
from nncore import plot


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
    assert regions.hatch is not None and regions.boundary is not None
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
    assert "dead" in regions.note.get_text() and "40" in regions.note.get_text()
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


def test_decision_regions_refuses_nan_points_with_a_clear_message(one_unit, points):
    x, y = points
    x = x.copy()
    x[[3, 17], 1] = np.nan  # before: matplotlib's "Axis limits cannot be NaN or Inf"
    with raises_with(
        ValueError, "decision_regions", "x", "NaN", "2 of its 40 rows", "rows 3, 17", "np.isfinite"
    ):
        plot.decision_regions(one_unit, x, y)


def test_decision_regions_refuses_nan_weights(one_unit, points):
    x, y = points
    regions = plot.decision_regions(one_unit, x, y, unit=(0, 0), resolution=20)
    one_unit[0].weight.data[0, 1] = np.nan
    with raises_with(ValueError, "DecisionRegions.update", "'0.weight'", "NaN"):
        regions.update()
    with raises_with(ValueError, "decision_regions", "'0.weight'", "NaN"):
        plot.decision_regions(one_unit, x, y)


def test_decision_regions_of_a_softmax_free_three_class_model():
    # Three outputs: the largest logit wins. With W = I (and a third row -1, -1), b = 0,
    # a point is class 0 where x1 > x2 and x1 > -x1 - x2, and so on: check three points.
    net = nc.Sequential(nc.Linear(2, 3))
    net[0].weight.data[...] = [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]
    net[0].bias.data[...] = 0.0
    x = np.array([[2.0, 0.5], [0.5, 2.0], [-2.0, -2.0]])
    regions = plot.decision_regions(net, x, [0, 1, 2], resolution=101)
    grid = regions.grid.reshape(101, 101, 2)
    for point, cls in zip(x, [0, 1, 2], strict=True):
        i, j = np.unravel_index(np.argmin(np.linalg.norm(grid - point, axis=-1)), (101, 101))
        assert regions.predicted[i, j] == cls
