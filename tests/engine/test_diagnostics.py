"""Dead ReLU units: found on a batch, and frozen by training, bit for bit."""

import numpy as np
import pytest
from nncore_fixtures import raises_with, snapshot

import nncore as nc


@pytest.fixture
def positive_data():
    return nc.make_positive_features(100, rng=0)


def one_dead_one_live() -> nc.Sequential:
    """2 -> 2 ReLU -> 1: unit 0 has negative weights (dead on positive inputs), unit 1 is live."""
    model = nc.mlp([2, 2, 1], rng=1)
    model[0].weight.data[...] = [[-0.5, -0.3], [0.4, 0.2]]
    model[0].bias.data[...] = [-0.01, 0.0]
    return model


def test_dead_unit_is_found(positive_data):
    x, _ = positive_data
    dead = nc.dead_units(one_dead_one_live(), x)
    assert list(dead) == [0]
    assert dead[0].dtype == bool
    np.testing.assert_array_equal(dead[0], [True, False])


def test_dead_fraction_counts_every_relu_unit(positive_data):
    x, _ = positive_data
    assert nc.dead_fraction(one_dead_one_live(), x) == 0.5
    model = nc.mlp([2, 2, 3, 1], rng=0)
    model[0].weight.data[...] = -1.0  # both first-layer units dead...
    model[0].bias.data[...] = 0.0
    model[2].bias.data[...] = [-1.0, 0.5, 1.0]  # ...so layer 2 sees zeros: z = b
    masks = nc.dead_units(model, x)
    np.testing.assert_array_equal(masks[0], [True, True])
    np.testing.assert_array_equal(masks[2], [True, False, False])
    assert nc.dead_fraction(model, x) == pytest.approx(3 / 5)


def test_a_unit_live_on_one_example_is_not_dead():
    model = one_dead_one_live()
    x = np.array([[1.0, 1.0], [-10.0, 0.0]])  # the second example wakes unit 0
    np.testing.assert_array_equal(nc.dead_units(model, x)[0], [False, False])


def test_output_layer_without_relu_is_not_reported(positive_data):
    model = nc.mlp([2, 3, 1], output_activation=nc.Sigmoid, rng=0)
    assert list(nc.dead_units(model, positive_data[0])) == [0]


def test_model_without_relu_has_no_dead_fraction(positive_data):
    model = nc.mlp([2, 3, 1], activation=nc.Tanh, rng=0)
    assert nc.dead_units(model, positive_data[0]) == {}
    assert nc.dead_fraction(model, positive_data[0]) == 0.0


def test_training_leaves_a_dead_unit_bit_for_bit_unchanged(positive_data):
    x, y = positive_data
    model = one_dead_one_live()
    before = snapshot(model)
    history = nc.fit(
        model,
        nc.BCEWithLogitsLoss(),
        nc.SGD(model.parameters(), lr=0.5),
        x,
        y[:, None].astype(float),
        epochs=20,
        batch_size=16,
        rng=0,
    )
    assert history["loss"][-1] < history["loss"][0]  # the network did learn
    W1, b1, W2 = model[0].weight.data, model[0].bias.data, model[2].weight.data
    # everything feeding the dead unit, and its outgoing weight, is frozen
    assert np.array_equal(W1[0], before["0.weight"][0])
    assert np.array_equal(b1[0], before["0.bias"][0])
    assert np.array_equal(W2[:, 0], before["2.weight"][:, 0])
    # the live unit and the output bias moved
    assert not np.array_equal(W1[1], before["0.weight"][1])
    assert not np.array_equal(b1[1], before["0.bias"][1])
    assert not np.array_equal(W2[:, 1], before["2.weight"][:, 1])
    assert not np.array_equal(model[2].bias.data, before["2.bias"])
    np.testing.assert_array_equal(nc.dead_units(model, x)[0], [True, False])


def test_leaky_relu_unit_is_not_frozen(positive_data):
    x, y = positive_data
    model = one_dead_one_live()
    model.layers[1] = nc.LeakyReLU(0.1)
    before = snapshot(model)
    nc.fit(
        model,
        nc.BCEWithLogitsLoss(),
        nc.SGD(model.parameters(), lr=0.5),
        x,
        y[:, None].astype(float),
        epochs=2,
        rng=0,
    )
    assert not np.array_equal(model[0].weight.data[0], before["0.weight"][0])


def test_dead_units_needs_a_sequential():
    with raises_with(TypeError, "dead_units", "Sequential", "ReLU"):
        nc.dead_units(nc.ReLU(), np.ones((2, 2)))


@pytest.mark.parametrize("x", [np.ones(2), np.ones((0, 2))])
def test_dead_units_needs_a_batch(x):
    with raises_with(ValueError, "dead_units", "(n, features)"):
        nc.dead_units(one_dead_one_live(), x)


def test_inactive_units_count_leaky_units_that_dead_units_ignore():
    # Two leaky units over positive inputs: unit 0 has negative weights (z < 0 everywhere),
    # unit 1 positive ones. dead_units sees no ReLU; inactive_units finds unit 0.
    layer = nc.Linear(2, 2, weight_init=nc.init.zeros(), bias_init=nc.init.zeros())
    layer.weight.data[...] = [[-1.0, -1.0], [1.0, 1.0]]
    model = nc.Sequential(layer, nc.LeakyReLU(0.1), nc.Linear(2, 1, rng=0))
    x = np.array([[1.0, 2.0], [0.5, 0.1], [3.0, 0.2]])
    assert nc.dead_units(model, x) == {}
    masks = nc.inactive_units(model, x)
    assert list(masks) == [0] and masks[0].tolist() == [True, False]
    assert nc.inactive_fraction(model, x) == 0.5
    assert nc.dead_fraction(model, x) == 0.0


def test_inactive_units_agree_with_dead_units_on_relu_networks():
    rng = np.random.default_rng(3)
    model = nc.mlp([5, 8, 6, 2], rng=rng, bias_init=nc.init.constant(-0.6))
    x = rng.uniform(0.0, 1.0, size=(20, 5))
    dead, inactive = nc.dead_units(model, x), nc.inactive_units(model, x)
    assert dead.keys() == inactive.keys()
    assert all(np.array_equal(dead[k], inactive[k]) for k in dead)
    assert any(m.any() for m in dead.values())  # the test sees some dead units
    assert nc.inactive_fraction(model, x) == nc.dead_fraction(model, x)


def test_inactive_units_refuses_an_empty_batch():
    with pytest.raises(ValueError, match=r"inactive_units: expected a non-empty batch"):
        nc.inactive_units(nc.mlp([2, 3, 1], rng=0), np.zeros((0, 2)))


def test_dead_units_inside_a_nested_sequential():
    dead = nc.Linear(2, 2, weight_init=nc.init.constant(-1.0), bias_init=nc.init.zeros())
    model = nc.Sequential(nc.Sequential(dead, nc.ReLU()), nc.Linear(2, 1, rng=0))
    masks = nc.dead_units(model, np.ones((3, 2)))
    assert list(masks) == [0]
    np.testing.assert_array_equal(masks[0], [True, True])


def test_a_unit_whose_z_is_exactly_zero_on_every_example_is_dead():
    # ReLU passes back nothing at z = 0, so z == 0 everywhere is as dead as z < 0
    model = nc.mlp([2, 2, 1], weight_init=nc.init.zeros(), bias_init=nc.init.zeros())
    model[0].weight.data[1] = [1.0, 0.0]
    masks = nc.dead_units(model, np.array([[1.0, 2.0], [3.0, -1.0]]))
    np.testing.assert_array_equal(masks[0], [True, False])


def test_dead_units_refuses_a_masked_batch():
    x = np.ma.masked_array(np.ones((3, 2)), mask=[[0, 0], [0, 1], [0, 0]])
    with raises_with(ValueError, "dead_units", "masked", "filled"):
        nc.dead_units(one_dead_one_live(), x)
