"""Tests of nnbook.dead_units_experiments: chapter 3's digit runs and their table cells.

Expected values come from facts fixed by construction, not from the code under test: a
unit whose bias is far below anything its weights can reach on inputs in [0, 1] is off on
every example and never receives a gradient; an all-zero image meets zero biases exactly
at z = 0.0; a format of three known numbers is written out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore as nc
from nnbook.dead_units_experiments import (
    DigitData,
    DigitRun,
    count_correct,
    mean_and_range,
    train_digits,
)


@pytest.fixture(scope="module")
def small_digits() -> DigitData:
    """120 digits to fit (pixels in [0, 1]) and 60 held out."""
    x_train, x_test, y_train, y_test = nc.load_digits(rng=0)
    return DigitData(x_train[:120], y_train[:120], x_test[:60], y_test[:60])


def test_records_before_training_and_after_every_epoch(small_digits):
    run = train_digits(small_digits, 0.1, hidden=(8,), epochs=3, curves=True)
    for series in (run.off, run.exact_zeros, run.n_preact, run.accuracy):
        assert len(series) == 4  # epoch 0 (before training) and three epochs
    assert run.n_preact == [120 * 8] * 4


def test_without_curves_records_only_before_and_after(small_digits):
    run = train_digits(small_digits, 0.1, hidden=(8,), epochs=3)
    assert len(run.off) == 2 and len(run.accuracy) == 2


def test_units_below_every_image_are_off_and_never_move(small_digits):
    # Default weights are at most 1/sqrt(64) = 0.125 in size and pixels at most 1, so
    # w . x <= 64 * 0.125 = 8 < 10: with b = -10 every hidden unit is off on every image.
    bias_init = nc.init.constant(-10.0)
    run = train_digits(small_digits, 0.5, hidden=(6,), bias_init=bias_init, epochs=4, curves=True)
    assert run.off == [1.0] * 5
    np.testing.assert_array_equal(run.model[0].weight.data, run.start["0.weight"])
    np.testing.assert_array_equal(run.model[0].bias.data, run.start["0.bias"])


def test_an_all_zero_image_meets_zero_biases_exactly_at_zero(small_digits):
    x_fit = small_digits.x_fit.copy()
    x_fit[0] = 0.0  # a blank image: z = W @ 0 + 0 = 0.0 exactly for every unit
    data = DigitData(x_fit, small_digits.y_fit, small_digits.x_held, small_digits.y_held)
    run = train_digits(data, 0.1, hidden=(5,), bias_init=nc.init.zeros(), epochs=1)
    assert run.exact_zeros[0] == 5


def test_the_same_seed_gives_the_same_run_and_another_seed_does_not(small_digits):
    a = train_digits(small_digits, 0.5, hidden=(8,), epochs=2, seed=[3, 100])
    b = train_digits(small_digits, 0.5, hidden=(8,), epochs=2, seed=[3, 100])
    c = train_digits(small_digits, 0.5, hidden=(8,), epochs=2, seed=[3, 101])
    np.testing.assert_array_equal(a.model[0].weight.data, b.model[0].weight.data)
    assert not np.array_equal(a.model[0].weight.data, c.model[0].weight.data)


def test_accuracy_is_measured_on_the_held_out_images(small_digits):
    run = train_digits(small_digits, 0.5, hidden=(16,), epochs=5)
    predicted = run.model(small_digits.x_held).argmax(axis=1)
    assert run.accuracy[-1] == np.mean(predicted == small_digits.y_held)
    assert run.n_held == 60


def test_leaky_relu_units_are_counted_as_off():
    # nc.inactive_fraction counts z <= 0 on every example for any activation.
    x = np.array([[1.0, 2.0], [0.5, 0.25]])
    data = DigitData(x, np.array([0, 1]), x, np.array([0, 1]))
    run = train_digits(
        data, 0.1, hidden=(3,), activation=nc.LeakyReLU, bias_init=nc.init.constant(-10.0), epochs=1
    )
    assert run.off == [1.0, 1.0]


def test_mean_and_range_written_out():
    assert mean_and_range([0.1, 0.2, 0.3], ".0%") == "20% (10% to 30%)"
    assert mean_and_range([0.969, 0.969], ".1%") == "96.9% (96.9% to 96.9%)"


def test_count_correct_shows_the_counts():
    model = nc.mlp([2, 1], rng=0)
    runs = [DigitRun(model, {}, accuracy=[0.1, 436 / 450], n_held=450) for _ in range(3)]
    assert count_correct(runs) == "436, 436, 436 of 450"


def test_count_correct_refuses_runs_on_different_held_out_sets():
    model = nc.mlp([2, 1], rng=0)
    runs = [
        DigitRun(model, {}, accuracy=[0.5], n_held=450),
        DigitRun(model, {}, accuracy=[0.5], n_held=269),
    ]
    with raises_with(ValueError, "different sizes", "[269, 450]"):
        count_correct(runs)


def test_empty_inputs_are_refused():
    with raises_with(ValueError, "mean_and_range", "at least one value"):
        mean_and_range([], ".1%")
    with raises_with(ValueError, "count_correct", "at least one run"):
        count_correct([])


def test_bad_data_is_refused_with_the_shapes():
    with raises_with(ValueError, "x_fit", "2-d array", "(64,)"):
        DigitData(np.zeros(64), np.zeros(1), np.zeros((2, 64)), np.zeros(2))
    with raises_with(ValueError, "one label per image", "3 fit images with 2 labels"):
        DigitData(np.zeros((3, 64)), np.zeros(2), np.zeros((2, 64)), np.zeros(2))
    with raises_with(TypeError, "train_digits", "DigitData", "tuple"):
        train_digits((1, 2, 3, 4), 0.1)
