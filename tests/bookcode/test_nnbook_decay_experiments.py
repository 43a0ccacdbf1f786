"""Tests of nnbook.experiments.decay_experiments: training with weight decay and choosing lambda.

The expected weights of an always-blank input are worked out from the decay rule alone:
such a weight receives no data gradient, so after T steps it is its initial value times
(1 - eta * lambda)^T, with T = epochs * ceil(n / batch_size).
"""

from __future__ import annotations

import math

import numpy as np
from nncore_fixtures import raises_with

import nncore as nc
from nnbook.experiments.decay_experiments import choose_lambda, decay_run, train_with_decay


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


# decay_run: one run of chapter 5's experiment, here with a tiny network and few epochs.
_TINY = dict(sizes=(64, 8, 10), epochs=2, n_train=50, n_more=100, batch_size=25)


def _tiny_run(seed, lambdas=(0.0, 0.1)):
    return decay_run(seed=seed, lambdas=lambdas, **_TINY)


def test_decay_run_is_determined_by_its_seed():
    a, b, c = _tiny_run([3, 0]), _tiny_run([3, 0]), _tiny_run([3, 1])
    np.testing.assert_array_equal(a.first_layer[0.1], b.first_layer[0.1])
    assert a.test_chosen == b.test_chosen
    assert [s.val for s in a.noisy.values()] == [s.val for s in b.noisy.values()]
    # another seed: other initial weights (and another split, labels and batch order)
    assert not np.array_equal(a.first_layer_init, c.first_layer_init)


def test_decay_run_counts_and_steps():
    run = _tiny_run(0)
    assert run.lambdas == (0.0, 0.1)
    assert run.n_train == 50 and run.n_more == 100 and run.n_wrong == 12  # a quarter, rounded down
    assert run.steps == 2 * 2  # 2 epochs of ceil(50 / 25) = 2 batches
    # a stratified fifth of the 1347 training images of load_digits (0.75 of 1797)
    assert 260 <= run.n_val <= 280
    assert run.lr == 0.1


def test_decay_run_chooses_lambda_on_validation_accuracy_only():
    run = _tiny_run(1, lambdas=(0.0, 1e-2, 0.1))
    for name in ("clean", "noisy"):
        scores = getattr(run, name)
        assert run.chosen[name] == choose_lambda({lam: s.val for lam, s in scores.items()})


def test_with_no_decay_only_the_chosen_network_is_the_one_without_decay():
    run = _tiny_run(2, lambdas=(0.0,))
    assert run.chosen == {"clean": 0.0, "noisy": 0.0}
    assert run.test_chosen == run.test_without_decay


def test_decay_run_blank_pixels_decay_by_the_factor_alone():
    run = _tiny_run(4)
    assert len(run.blank) > 0  # the digits' edge columns are blank in many images
    for lam in run.lambdas:
        np.testing.assert_allclose(
            run.first_layer[lam][:, run.blank],
            (1 - 0.1 * lam) ** 4 * run.first_layer_init[:, run.blank],
            rtol=1e-12,
        )
    np.testing.assert_array_equal(
        run.first_layer[0.0][:, run.blank], run.first_layer_init[:, run.blank]
    )


def test_decay_run_scores_the_replaced_labels_only_on_the_noisy_copy():
    run = _tiny_run(5)
    for lam in run.lambdas:
        clean, noisy = run.clean[lam], run.noisy[lam]
        assert np.isnan(clean.taught_wrong) and np.isnan(clean.true_digit)
        # the taught label differs from the true digit, so no image counts for both
        assert 0.0 <= noisy.taught_wrong + noisy.true_digit <= 1.0
        for acc in (clean.train, clean.val, noisy.train, noisy.val):
            assert 0.0 <= acc <= 1.0


def test_decay_run_refuses_settings_it_cannot_compare():
    with raises_with(ValueError, "decay_run", "include 0.0"):
        decay_run(seed=0, lambdas=(0.1,), **_TINY)
    with raises_with(ValueError, "decay_run", "multiple of n_train"):
        decay_run(seed=0, **{**_TINY, "n_more": 120})
