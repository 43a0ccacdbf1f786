"""Optimiser settings: checked when given, and again at each step if changed since.

A learning-rate schedule edits ``optimizer.param_groups[i]["lr"]`` between steps, so a
setting changed after construction is used by the next step, which refuses a value the
constructor would have refused, before it updates anything.
"""

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore as nc

OPTIMISERS = {"SGD": nc.SGD, "Adam": nc.Adam, "AdamW": nc.AdamW}


STEP_SETTINGS = [
    ("SGD", "lr", -0.1, ["lr", "greater than 0", "-0.1"]),
    ("SGD", "lr", "0.1", ["lr", "real number", "'0.1'"]),
    ("SGD", "lr", np.nan, ["lr", "finite"]),
    ("SGD", "lr", 0, ["lr", "greater than 0"]),
    ("SGD", "weight_decay", -1.0, ["weight_decay", "at least 0"]),
    ("SGD", "momentum", 1.0, ["momentum", "below 1"]),
    ("Adam", "lr", -0.1, ["lr", "greater than 0"]),
    ("Adam", "betas", (0.9, 1.0), ["betas[1]", "below 1"]),
    ("Adam", "betas", {0: 0.9, 1: 0.99}, ["betas", "pair", "dict"]),
    ("Adam", "eps", 0.0, ["eps", "greater than 0"]),
    ("AdamW", "weight_decay", "0.01", ["weight_decay", "real number"]),
]


@pytest.mark.parametrize("name, key, value, words", STEP_SETTINGS)
def test_a_bad_setting_made_after_construction_is_refused_at_the_next_step(name, key, value, words):
    model = nc.mlp([2, 1], rng=0)
    opt = OPTIMISERS[name](model.parameters(), lr=0.1)
    before = [p.data.copy() for p in model.parameters()]
    opt.param_groups[0][key] = value
    with raises_with(ValueError, f"{name}.step", "param_groups[0]", *words):
        opt.step()
    for a, p in zip(before, model.parameters(), strict=True):
        np.testing.assert_array_equal(a, p.data)  # nothing was updated


def test_a_good_setting_made_after_construction_is_used():
    p = nc.Parameter([1.0])
    p.grad[...] = 1.0
    opt = nc.SGD([p], lr=0.1)
    opt.param_groups[0]["lr"] = np.float64(0.5)
    opt.step()
    opt.param_groups[0]["lr"] = 1  # an integer is a number too
    opt.step()
    assert p.data[0] == pytest.approx(1.0 - 0.5 - 1.0, rel=1e-15)


@pytest.mark.parametrize(
    "betas, words",
    [
        ({0: 0.9, 1: 0.99}, ["pair", "dict"]),
        ({0.9, 0.99}, ["pair", "set"]),
        ((0.9, 0.99, 0.5), ["pair", "3"]),
        ((0.9, "0.99"), ["betas[1]", "real number"]),
        ((1.0, 0.99), ["betas[0]", "below 1"]),
        ((0.9, -0.1), ["betas[1]", "at least 0"]),
        ("ab", ["pair", "str"]),
    ],
    ids=["dict", "set", "three", "string", "one", "negative", "text"],
)
def test_betas_must_be_a_pair_of_numbers_in_zero_one(betas, words):
    with raises_with(ValueError, "Adam", "betas", *words):
        nc.Adam(nc.mlp([2, 1], rng=0).parameters(), betas=betas)


def test_betas_as_a_list_are_taken():
    opt = nc.Adam(nc.mlp([2, 1], rng=0).parameters(), betas=[0.5, 0.9])
    assert opt.param_groups[0]["betas"] == (0.5, 0.9)


def test_an_unknown_setting_in_a_parameter_group_is_refused():
    params = nc.mlp([2, 1], rng=0).parameters()
    with raises_with(ValueError, "SGD", "'momentun'", "group 0", "did you mean 'momentum'"):
        nc.SGD([{"params": params, "momentun": 0.9}], lr=0.1)
