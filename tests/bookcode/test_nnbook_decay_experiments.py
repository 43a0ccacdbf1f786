"""Tests of nnbook.decay_experiments: training with weight decay and choosing lambda.

The expected weights of an always-blank input are worked out from the decay rule alone:
such a weight receives no data gradient, so after T steps it is its initial value times
(1 - eta * lambda)^T, with T = epochs * ceil(n / batch_size).
"""

from __future__ import annotations

import math

import numpy as np
from nncore_fixtures import raises_with

import nncore as nc
from nnbook.decay_experiments import choose_lambda, train_with_decay


def _data():
    gen = np.random.default_rng(7)
    x = gen.random((30, 5))
    x[:, 2] = 0.0  # input 2 is blank in every example
    y = gen.integers(0, 3, size=30)
    return x, y


def test_a_blank_input_weight_decays_by_the_factor_only():
    x, y = _data()
    eta, lam, epochs, batch = 0.2, 0.05, 4, 8
    net = train_with_decay(
        x,
        y,
        lam,
        sizes=(5, 6, 3),
        epochs=epochs,
        batch_size=batch,
        lr=eta,
        init_seed=11,
        shuffle_seed=12,
    )
    start = nc.mlp([5, 6, 3], rng=11)[0].weight.data[:, 2]
    steps = epochs * math.ceil(30 / batch)  # 4 * 4 = 16
    np.testing.assert_allclose(
        net[0].weight.data[:, 2], (1 - eta * lam) ** steps * start, rtol=1e-12
    )


def test_without_decay_the_blank_input_weight_never_moves():
    x, y = _data()
    net = train_with_decay(x, y, 0.0, sizes=(5, 6, 3), epochs=3, init_seed=11, shuffle_seed=12)
    np.testing.assert_array_equal(
        net[0].weight.data[:, 2], nc.mlp([5, 6, 3], rng=11)[0].weight.data[:, 2]
    )


def test_equal_seeds_give_equal_runs():
    x, y = _data()
    a = train_with_decay(x, y, 0.01, sizes=(5, 6, 3), epochs=2, init_seed=1, shuffle_seed=2)
    b = train_with_decay(x, y, 0.01, sizes=(5, 6, 3), epochs=2, init_seed=1, shuffle_seed=2)
    np.testing.assert_array_equal(a[2].weight.data, b[2].weight.data)


def test_choose_lambda_takes_the_best_validation_accuracy():
    assert choose_lambda({0.0: 0.80, 0.01: 0.86, 0.1: 0.84}) == 0.01


def test_choose_lambda_breaks_ties_towards_the_smaller_lambda():
    assert choose_lambda({0.1: 0.9, 0.003: 0.9, 0.0: 0.7}) == 0.003


def test_errors_name_what_was_expected():
    with raises_with(ValueError, "choose_lambda", "at least one"):
        choose_lambda({})
    x, y = _data()
    with raises_with(ValueError, "weight_decay must be >= 0", "-0.1"):
        train_with_decay(x, y, -0.1)
