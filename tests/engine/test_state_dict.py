"""Saving and restoring training: copies, pickles and state dicts keep each parameter's state.

An optimiser's state (momentum buffers, Adam's moments and step count) belongs to
parameters, so a copy of a model with its optimiser, a pickle of both, or their state
dicts loaded into a freshly built pair must continue training exactly as the original
does, bit for bit, as a ``state_dict`` round trip does in PyTorch.
"""

import copy
import gc
import pickle

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore as nc

OPTIMISERS = {
    "SGD+momentum": lambda params: nc.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.01),
    "Adam": lambda params: nc.Adam(params, lr=0.01, betas=(0.8, 0.99), weight_decay=0.001),
    "AdamW": lambda params: nc.AdamW(params, lr=0.01),
}


def batches(seed: int, steps: int):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(6, 3)), rng.integers(0, 2, size=6)) for _ in range(steps)]


def train(model, opt, data):
    loss_fn = nc.CrossEntropyLoss()
    for x, y in data:
        model.zero_grad()
        loss_fn(model(x), y)
        model.backward(loss_fn.backward())
        opt.step()
    return [p.data.copy() for p in model.parameters()]


def trained_pair(name: str):
    """A model and its optimiser after a few steps, so the optimiser has state to lose."""
    model = nc.mlp([3, 4, 2], rng=0)
    opt = OPTIMISERS[name](model.parameters())
    train(model, opt, batches(1, 3))
    return model, opt


def assert_same_training(original, restored):
    """Both pairs take the same next steps and reach bit-identical weights."""
    data = batches(2, 4)
    expected = train(*original, data)
    got = train(*restored, data)
    for a, b in zip(expected, got, strict=True):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ copies and pickles
@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_a_deep_copy_of_model_and_optimiser_continues_like_the_original(name):
    original = trained_pair(name)
    assert_same_training(original, copy.deepcopy(original))


@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_a_pickled_model_and_optimiser_continue_like_the_original(name):
    original = trained_pair(name)
    assert_same_training(original, pickle.loads(pickle.dumps(original)))


def test_restored_state_belongs_to_the_restored_parameters_after_the_original_is_freed():
    model, opt = pickle.loads(pickle.dumps(trained_pair("Adam")))
    gc.collect()
    newcomers = [nc.Parameter(np.zeros(4)) for _ in range(50)]  # may reuse freed addresses
    held = model.parameters()
    assert len(opt.state) == len(held)
    for key in opt.state:
        assert any(key is p for p in held)
        assert not any(key is p for p in newcomers)


def test_a_copy_steps_only_its_own_parameters():
    model, opt = trained_pair("SGD+momentum")
    before = [p.data.copy() for p in model.parameters()]
    model_copy, opt_copy = copy.deepcopy((model, opt))
    train(model_copy, opt_copy, batches(3, 2))
    for a, p in zip(before, model.parameters(), strict=True):
        np.testing.assert_array_equal(a, p.data)


# ------------------------------------------------------------------------ state dicts
def test_model_state_dict_names_parameters_as_pytorch_does():
    model = nc.Sequential(nc.Linear(3, 4, rng=0), nc.ReLU(), nc.Sequential(nc.Linear(4, 2, rng=1)))
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.0.weight", "2.0.bias"]
    assert state["2.0.weight"].shape == (2, 4)
    np.testing.assert_array_equal(state["0.bias"], model[0].bias.data)
    assert list(nc.Linear(2, 1, rng=0).state_dict()) == ["weight", "bias"]
    assert nc.ReLU().state_dict() == {}


def test_a_saved_model_state_does_not_follow_later_training():
    model, opt = trained_pair("SGD+momentum")
    state = model.state_dict()
    saved = {k: v.copy() for k, v in state.items()}
    train(model, opt, batches(4, 2))
    for key, values in saved.items():
        np.testing.assert_array_equal(state[key], values)


@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_state_dicts_loaded_into_a_fresh_pair_continue_bit_for_bit(name):
    model, opt = trained_pair(name)
    fresh_model = nc.mlp([3, 4, 2], rng=99)
    fresh_opt = OPTIMISERS[name](fresh_model.parameters())
    fresh_model.load_state_dict(model.state_dict())
    fresh_opt.load_state_dict(opt.state_dict())
    assert_same_training((model, opt), (fresh_model, fresh_opt))


def test_optimiser_state_dict_refers_to_parameters_by_index():
    model = nc.mlp([3, 4, 2], rng=0)
    groups = nc.weight_decay_groups(model, 0.1)
    opt = nc.SGD(groups, lr=0.1, momentum=0.9)
    train(model, opt, batches(1, 1))
    state = opt.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0, 1], [2, 3]]
    assert [g["weight_decay"] for g in state["param_groups"]] == [0.1, 0.0]
    assert sorted(state["state"]) == [0, 1, 2, 3]
    # index 1 is the second parameter of the first group: the output layer's weight
    np.testing.assert_array_equal(
        state["state"][1]["momentum_buffer"], opt.state[model[2].weight]["momentum_buffer"]
    )


def test_a_loaded_optimiser_takes_the_saved_hyperparameters():
    model, opt = trained_pair("Adam")
    opt.param_groups[0]["lr"] = 0.005
    fresh = nc.Adam(nc.mlp([3, 4, 2], rng=0).parameters(), lr=0.1)
    fresh.load_state_dict(opt.state_dict())
    group = fresh.param_groups[0]
    assert (group["lr"], group["betas"], group["weight_decay"]) == (0.005, (0.8, 0.99), 0.001)


def test_a_saved_optimiser_state_does_not_follow_later_training():
    model, opt = trained_pair("Adam")
    state = opt.state_dict()
    before = state["state"][0]["m"].copy()
    train(model, opt, batches(4, 1))
    np.testing.assert_array_equal(state["state"][0]["m"], before)


# ------------------------------------------------------------------- refused states
def test_a_model_state_with_other_names_is_refused_naming_them():
    state = nc.mlp([3, 4, 2], rng=0).state_dict()
    state["4.weight"] = state.pop("2.weight")
    model = nc.mlp([3, 4, 2], rng=1)
    before = [p.data.copy() for p in model.parameters()]
    with raises_with(
        ValueError, "load_state_dict", "missing", "'2.weight'", "unexpected", "'4.weight'"
    ):
        model.load_state_dict(state)
    for a, p in zip(before, model.parameters(), strict=True):
        np.testing.assert_array_equal(a, p.data)  # nothing loaded


def test_a_model_state_of_other_sizes_is_refused_naming_the_shapes():
    state = nc.mlp([3, 5, 2], rng=0).state_dict()
    with raises_with(ValueError, "load_state_dict", "'0.weight'", "(4, 3)", "(5, 3)"):
        nc.mlp([3, 4, 2], rng=1).load_state_dict(state)


def test_a_model_state_with_nan_is_refused():
    state = nc.mlp([3, 4, 2], rng=0).state_dict()
    state["0.bias"][1] = np.nan
    with raises_with(ValueError, "load_state_dict", "'0.bias'", "NaN"):
        nc.mlp([3, 4, 2], rng=1).load_state_dict(state)


def test_a_model_state_that_is_not_a_dict_is_refused():
    model = nc.mlp([3, 4, 2], rng=0)
    with raises_with(TypeError, "load_state_dict", "dict", "state_dict()"):
        model.load_state_dict(model.parameters())


def test_an_optimiser_state_for_other_groups_is_refused():
    model = nc.mlp([3, 4, 2], rng=0)
    saved = nc.SGD(nc.weight_decay_groups(model, 0.1), lr=0.1).state_dict()
    with raises_with(ValueError, "SGD.load_state_dict", "2 parameter group", "1"):
        nc.SGD(model.parameters(), lr=0.1).load_state_dict(saved)
    saved = nc.SGD(model[0].parameters(), lr=0.1).state_dict()
    with raises_with(ValueError, "SGD.load_state_dict", "group 0", "2 parameters", "4"):
        nc.SGD(model.parameters(), lr=0.1).load_state_dict(saved)


def test_an_optimiser_state_of_other_shapes_is_refused():
    _, opt = trained_pair("Adam")
    other = nc.mlp([3, 5, 2], rng=0)
    with raises_with(ValueError, "Adam.load_state_dict", "parameter 0", "(5, 3)", "(4, 3)"):
        nc.Adam(other.parameters()).load_state_dict(opt.state_dict())


def test_an_optimiser_state_of_another_kind_is_refused():
    _, opt = trained_pair("Adam")
    model = nc.mlp([3, 4, 2], rng=0)
    with raises_with(ValueError, "SGD.load_state_dict", "betas", "another kind of optimiser"):
        nc.SGD(model.parameters(), lr=0.1).load_state_dict(opt.state_dict())


def test_an_optimiser_state_with_a_bad_setting_is_refused():
    model, opt = trained_pair("SGD+momentum")
    state = opt.state_dict()
    state["param_groups"][0]["lr"] = -1.0
    with raises_with(ValueError, "SGD", "lr", "greater than 0", "-1"):
        nc.SGD(model.parameters(), lr=0.1).load_state_dict(state)
