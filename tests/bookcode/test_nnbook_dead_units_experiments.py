"""Tests of nnbook.experiments.dead_units_experiments: chapter 3's runs on the digits, over seeds.

Expected values come from facts fixed by construction, not from the code under test: a
unit whose bias is far below anything its weights can reach on inputs in [0, 1] is off on
every example and never receives a gradient; the split of a run is the one
``nncore.load_digits`` draws from the run's seed; a hand-built record has a known largest
fall.
"""

from __future__ import annotations

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore as nc
from nnbook.evidence import Runs
from nnbook.experiments.dead_units_experiments import DyingRun, by_setting, dying_run, dying_runs

SMALL = dict(hidden=6, epochs=2)  # a few hundred milliseconds per run


def test_records_before_training_and_after_every_epoch():
    run = dying_run([3, 0], lr=0.1, **SMALL)
    assert len(run.off) == len(run.accuracy) == 3  # epoch 0 (before training) and two epochs
    assert len(run.loss) == 2
    assert (run.n_train, run.n_val, run.n_hidden) == (1347, 450, 6)
    assert run.n_preact == 3 * 1347 * 6  # every hidden pre-activation, three times
    assert np.all((0 <= run.off) & (run.off <= 1)) and np.all(run.accuracy <= 1)


def test_the_split_is_the_one_load_digits_draws_from_the_seed():
    x_train, _, _, _ = nc.load_digits(rng=np.random.default_rng([5, 2]))
    run = dying_run([5, 2], lr=0.1, **SMALL)
    assert run.always_zero_pixels == int(np.sum(np.all(x_train == 0.0, axis=0)))


def test_units_below_every_image_are_off_and_never_move():
    # Default weights are at most 1/sqrt(64) = 0.125 in size and pixels at most 1, so
    # w . x <= 64 * 0.125 = 8 < 10: with b = -10 every hidden unit is off on every image.
    run = dying_run([3, 1], lr=0.5, bias=-10.0, hidden=6, epochs=3)
    np.testing.assert_array_equal(run.off, np.ones(4))
    assert run.n_dead == 6 and run.off_never_drops and run.matches_dead_fraction
    np.testing.assert_array_equal(run.dead_bias_start, np.full(6, -10.0))
    np.testing.assert_array_equal(run.dead_bias_end, np.full(6, -10.0))  # zero gradient
    assert np.all(run.dead_max_z < -10.0 + 8.0)
    assert run.zero_outputs == 1.0 and len(run.live_bias_end) == 0
    assert run.dead_awake_on_val == 0  # validation pixels lie in [0, 1] as well


def test_leaky_units_below_every_image_are_off_but_output_no_exact_zero():
    run = dying_run([3, 1], lr=0.1, activation="leaky", bias=-10.0, hidden=6, epochs=1)
    np.testing.assert_array_equal(run.off, [1.0, 1.0])
    assert run.zero_outputs == 0.0  # leaky ReLU gives 0.0 only where z is exactly 0


def test_the_same_seed_gives_the_same_run_and_another_seed_does_not():
    a = dying_run([3, 0], lr=0.5, **SMALL)
    b = dying_run([3, 0], lr=0.5, **SMALL)
    c = dying_run([3, 1], lr=0.5, **SMALL)
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.accuracy, b.accuracy)
    assert not np.array_equal(a.loss, c.loss)


def test_settings_change_the_run():
    plain = dying_run([3, 0], lr=0.5, **SMALL)
    for other in (
        dict(weight_init="he"),
        dict(standardise=True),
        dict(activation="leaky"),
        dict(bias=0.1),
    ):
        assert not np.array_equal(dying_run([3, 0], lr=0.5, **SMALL, **other).loss, plain.loss)


def test_dying_runs_runs_each_setting_from_the_same_seed():
    settings = (dict(lr=0.1, **SMALL), dict(lr=0.5, **SMALL))
    first, second = dying_runs([3, 2], settings=settings)
    np.testing.assert_array_equal(first.loss, dying_run([3, 2], **settings[0]).loss)
    np.testing.assert_array_equal(second.loss, dying_run([3, 2], **settings[1]).loss)
    # The same seed gives the same split and the same initial weights: the same start.
    assert first.off[0] == second.off[0] and first.accuracy[0] == second.accuracy[0]


def test_by_setting_splits_the_runs_per_setting():
    runs = Runs(seeds=((1, 0), (1, 1)), results=(("a0", "b0"), ("a1", "b1")))
    split = by_setting(runs, ["a", "b"])
    assert list(split) == ["a", "b"]
    assert split["b"].results == ("b0", "b1") and split["b"].seeds == runs.seeds
    with raises_with(ValueError, "by_setting", "3 names", "[2]"):
        by_setting(runs, ["a", "b", "c"])


def _record(accuracy):
    empty = np.zeros(0)
    return DyingRun(
        off=np.zeros(len(accuracy)),
        accuracy=np.array(accuracy),
        loss=empty,
        exact_zeros=0,
        n_preact=0,
        dead_max_z=np.array([-0.5, -0.1]),
        dead_bias_start=empty,
        dead_bias_end=empty,
        live_bias_end=empty,
        dead_awake_on_val=0,
        off_never_drops=True,
        matches_dead_fraction=True,
        zero_outputs=0.0,
        always_zero_pixels=0,
        n_train=0,
        n_val=0,
        n_hidden=2,
    )


def test_largest_fall_and_dead_count_of_a_hand_built_record():
    record = _record([0.1, 0.5, 0.2, 0.9, 0.85])
    assert record.largest_fall == pytest.approx(0.3)
    assert record.n_dead == 2
    assert _record([0.1, 0.5, 0.9]).largest_fall == 0.0  # never fell


def test_unknown_settings_are_refused():
    with raises_with(ValueError, "activation", "'tanh'", "relu"):
        dying_run([0, 0], lr=0.1, activation="tanh")
    with raises_with(ValueError, "weight_init", "'xavier'", "he"):
        dying_run([0, 0], lr=0.1, weight_init="xavier")
