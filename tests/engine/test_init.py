"""Initialisers: the right ranges, an explicit generator, never numpy's global state."""

import math

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore as nc


def draw(initializer, shape=(200, 300), fan_in=300, fan_out=200, seed=0):
    return initializer(shape, fan_in=fan_in, fan_out=fan_out, rng=np.random.default_rng(seed))


def test_uniform_range_shape_and_dtype():
    w = draw(nc.init.uniform(-0.05, 0.05))
    assert w.shape == (200, 300) and w.dtype == np.float64
    assert w.min() >= -0.05 and w.max() < 0.05
    # 60,000 draws reach close to both ends and are centred
    assert w.min() < -0.0499 and w.max() > 0.0499
    assert abs(w.mean()) < 1e-3


def test_constant_and_zeros():
    np.testing.assert_array_equal(draw(nc.init.constant(1.0), shape=(2, 4)), np.ones((2, 4)))
    np.testing.assert_array_equal(draw(nc.init.constant(-0.5), shape=(3,)), [-0.5] * 3)
    np.testing.assert_array_equal(draw(nc.init.zeros(), shape=(3,)), np.zeros(3))


@pytest.mark.parametrize(
    "initializer, bound",
    [
        (nc.init.xavier_uniform(), math.sqrt(6 / (300 + 200))),
        (nc.init.xavier_uniform(gain=2.0), 2 * math.sqrt(6 / (300 + 200))),
        (nc.init.he_uniform(), math.sqrt(6 / 300)),
        (nc.init.fan_in_uniform(), 1 / math.sqrt(300)),
    ],
    ids=["xavier", "xavier-gain-2", "he", "fan-in"],
)
def test_scaled_uniform_bounds(initializer, bound):
    w = draw(initializer)
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.999 * bound


def test_same_seed_same_values_other_seed_other_values():
    init = nc.init.he_uniform()
    np.testing.assert_array_equal(draw(init, seed=1), draw(init, seed=1))
    assert not np.array_equal(draw(init, seed=1), draw(init, seed=2))


def test_the_global_numpy_state_is_never_used():
    # The legacy global state on purpose: nncore must leave it alone.
    np.random.seed(123)  # noqa: NPY002
    state = np.random.get_state()  # noqa: NPY002
    draw(nc.init.uniform(-1, 1))
    nc.Linear(5, 3, rng=None)
    nc.mlp([4, 2, 3, 1], rng=7)
    after = np.random.get_state()  # noqa: NPY002
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]


def test_linear_uses_the_initialisers_given():
    layer = nc.Linear(
        2, 1, weight_init=nc.init.uniform(-0.05, 0.05), bias_init=nc.init.constant(0.25), rng=0
    )
    assert np.all(np.abs(layer.weight.data) <= 0.05)
    np.testing.assert_array_equal(layer.bias.data, [0.25])


def test_linear_default_is_fan_in_uniform_for_weight_and_bias():
    layer = nc.Linear(16, 500, rng=0)
    bound = 1 / math.sqrt(16)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.data).max() <= bound
        assert np.abs(p.data).max() > 0.98 * bound


def test_linear_seed_is_reproducible():
    a, b = nc.Linear(4, 3, rng=5), nc.Linear(4, 3, rng=5)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)


def test_unseeded_layers_differ():
    assert not np.array_equal(nc.Linear(4, 3).weight.data, nc.Linear(4, 3).weight.data)


def test_initialiser_reprs():
    assert repr(nc.init.uniform(-0.05, 0.05)) == "uniform(-0.05, 0.05)"
    assert repr(nc.init.constant(1)) == "constant(1)"
    assert repr(nc.init.zeros()) == "zeros()"


def test_uniform_needs_low_below_high():
    with raises_with(ValueError, "init.uniform", "low < high", "0.05"):
        nc.init.uniform(0.05, 0.05)


def test_xavier_gain_must_be_positive():
    with raises_with(ValueError, "xavier_uniform", "gain", "greater than 0"):
        nc.init.xavier_uniform(gain=0.0)


# ------------------------------------------------------------------------ called directly
def test_an_initialiser_takes_a_single_size_and_a_seed():
    w = nc.init.uniform(-1.0, 1.0)(3, fan_in=3, fan_out=1, rng=0)
    assert w.shape == (3,)
    np.testing.assert_array_equal(w, nc.init.uniform(-1.0, 1.0)((3,), fan_in=3, fan_out=1, rng=0))


@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        (dict(shape=(2, -1)), ValueError, ["shape[1]", "positive integer", "-1"]),
        (dict(shape=(2.0, 3)), ValueError, ["shape[0]", "positive integer", "float"]),
        (dict(shape="2x3"), ValueError, ["shape", "tuple", "str"]),
        (dict(fan_in=0), ValueError, ["fan_in", "positive integer"]),
        (dict(rng="seed"), ValueError, ["rng", "Generator", "default_rng"]),
    ],
    ids=["negative size", "float size", "text shape", "zero fan-in", "text rng"],
)
def test_an_initialiser_called_with_bad_arguments_says_which(kwargs, exc, words):
    args = dict(shape=(2, 3), fan_in=3, fan_out=2, rng=np.random.default_rng(0), **{})
    args.update(kwargs)
    shape = args.pop("shape")
    with raises_with(exc, "init.uniform(-1, 1)", *words):
        nc.init.uniform(-1.0, 1.0)(shape, **args)
