"""Tests of nnbook.experiments.case_study: the 2-1-1 network, one pass's unit state, batched
training.

Expected values come from formulas written here with plain numpy, independent of nncore's
layers and losses: z = x @ w + b, h = max(0, z), logit = v h + c, and the gradient of the
mean binary cross-entropy, dL/dw_i = mean over n of (sigmoid(logit) - y) v 1[z > 0] x_i.
Batched training is compared with separate runs of one network each, the plain way. The
repeated experiments (a dead start trained with ReLU and leaky ReLU; units A, B, C of a
second layer) are checked against gradient descent written out in numpy and against what
holds by construction: a unit whose weights and bias are non-positive behind ReLU outputs
is never active.
"""

from __future__ import annotations

import numpy as np
import pytest

import nncore as nc
from nnbook.experiments.case_study import (
    SECOND_LAYER,
    case_data,
    case_study_network,
    dead_start_run,
    second_layer_run,
    thread_network,
    train_starts,
    unit_state,
)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    """Forty examples with both features positive, 28 of them in class 1."""
    return nc.make_positive_features(40, positive_fraction=0.7, rng=11)


def by_hand(x, y, w1, w2, b, v=1.0, c=0.0):
    """z, the active mask and (dL/dw1, dL/dw2, dL/db) from the formulas."""
    z = x[:, 0] * w1 + x[:, 1] * w2 + b
    p = 1.0 / (1.0 + np.exp(-(v * np.maximum(z, 0.0) + c)))
    upstream = (p - y) * v * (z > 0) / len(x)
    return z, z > 0, np.array([upstream @ x[:, 0], upstream @ x[:, 1], upstream.sum()])


def separate_run(x, y, w1, w2, b, *, epochs, lr=0.5, output_weight=0.03):
    """One 2-1-1 network trained by its own nc.fit call, built layer by layer here."""
    model = nc.Sequential(nc.Linear(2, 1, rng=0), nc.ReLU(), nc.Linear(1, 1, rng=0))
    model[0].weight.data[...] = [[w1, w2]]
    model[0].bias.data[...] = [b]
    model[2].weight.data[...] = [[output_weight]]
    model[2].bias.data[...] = [0.0]
    nc.fit(
        model,
        nc.BCEWithLogitsLoss(),
        nc.SGD(model.parameters(), lr=lr),
        x,
        y[:, None].astype(float),
        epochs=epochs,
        batch_size=None,
        shuffle=False,
    )
    return model


def test_the_network_computes_the_case_study_logit(data):
    x, _ = data
    model = case_study_network(0.7, -0.4, 0.05, output_weight=1.5, output_bias=-0.2)
    expected = 1.5 * np.maximum(x @ [0.7, -0.4] + 0.05, 0.0) - 0.2
    np.testing.assert_allclose(model(x)[:, 0], expected, rtol=1e-13)


@pytest.mark.parametrize(
    "w1, w2, b, v, c",
    [
        (1.0, 0.5, 0.0, 1.0, 0.0),
        (0.3, -0.2, 0.1, 1.0, 0.0),
        (0.7, -0.4, 0.05, 1.5, -0.2),
        (1.0, 0.5, 0.0, -2.0, 0.5),
    ],
)
def test_unit_state_gives_the_active_examples_and_the_gradient(data, w1, w2, b, v, c):
    x, y = data
    state = unit_state(
        case_study_network(w1, w2, b, output_weight=v, output_bias=c), x, y[:, None].astype(float)
    )
    z, active, grad = by_hand(x, y, w1, w2, b, v, c)
    np.testing.assert_allclose(state.z, z, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(state.active, active)
    assert state.n_active == int(active.sum()) and state.dead == (not active.any())
    np.testing.assert_allclose(state.grad, grad, rtol=1e-10, atol=1e-14)


def test_z_exactly_zero_everywhere_is_dead_with_zero_gradient(data):
    """w = 0 and b = 0 give z = 0 on every example; with ReLU'(0) = 0 no gradient passes."""
    x, y = data
    state = unit_state(case_study_network(0.0, 0.0, 0.0), x, y[:, None].astype(float))
    np.testing.assert_array_equal(state.z, np.zeros(len(x)))
    assert state.dead and state.n_active == 0
    np.testing.assert_array_equal(state.grad, np.zeros(3))


def test_batched_training_equals_separate_runs(data):
    x, y = data
    starts = [(0.04, -0.02, -0.02), (-0.03, 0.01, 0.03), (0.02, 0.05, 0.0), (-0.02, -0.02, -0.01)]
    for (w1, w2, b), outcome in zip(starts, train_starts(x, y, starts, epochs=60), strict=True):
        model = separate_run(x, y, w1, w2, b, epochs=60)
        np.testing.assert_allclose(
            outcome.weight_end, model[0].weight.data[0], rtol=1e-9, atol=1e-12
        )
        np.testing.assert_allclose(outcome.bias_end, model[0].bias.data[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(
            outcome.output_bias, model[2].bias.data[0], rtol=1e-9, atol=1e-12
        )
        np.testing.assert_array_equal(
            outcome.active_end, x @ model[0].weight.data[0] + model[0].bias.data[0] > 0
        )
        assert outcome.accuracy == np.mean((model(x)[:, 0] > 0).astype(int) == y)
        np.testing.assert_array_equal(outcome.active_start, x @ [w1, w2] + b > 0)


def test_a_dead_start_never_changes_and_learns_the_prior(data):
    x, y = data
    (outcome,) = train_starts(x, y, [(-0.02, -0.01, -0.01)], epochs=400)
    assert outcome.dead_start and outcome.dead_end and outcome.verdict == "was dead from the start"
    assert np.array_equal(outcome.weight_end, [-0.02, -0.01]) and outcome.bias_end == -0.01
    assert y.sum() == 28  # make_positive_features puts round(0.7 * 40) examples in class 1
    np.testing.assert_allclose(outcome.output_bias, np.log(0.7 / 0.3), rtol=1e-8)
    assert outcome.accuracy == 0.7


def test_verdicts_name_what_happened(data):
    x, y = data
    alive = train_starts(x, y, [(0.04, -0.02, -0.02)], epochs=40)[0]
    assert alive.lived and alive.verdict == "lived"
    # Active on some examples at the start; 300 steps push its boundary past all of them.
    died = train_starts(x, y, [(-0.04, 0.02, 0.02)], epochs=300)[0]
    assert died.active_start.sum() > 0 and not died.dead_start
    assert died.dead_end and died.verdict == "died during training"
    model = separate_run(x, y, -0.04, 0.02, 0.02, epochs=300)
    assert np.all(x @ model[0].weight.data[0] + model[0].bias.data[0] <= 0)


def test_thread_network_draws_from_the_threads_uniform_initialisation():
    a, b = thread_network(np.random.default_rng(7)), thread_network(np.random.default_rng(7))
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)
        assert np.all(np.abs(p.data) < 0.05), name
    leaky = thread_network(0, slope=0.1)
    assert isinstance(leaky[1], nc.LeakyReLU) and isinstance(thread_network(0)[1], nc.ReLU)
    np.testing.assert_allclose(leaky[1](np.array([-2.0, 3.0])), [-0.2, 3.0])


def test_case_data_is_make_positive_features_with_seventy_percent_in_class_1():
    x, y = case_data([4, 0])
    x_ref, y_ref = nc.make_positive_features(
        200, positive_fraction=0.7, rng=np.random.default_rng([4, 0])
    )
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_array_equal(y, y_ref)
    assert y.sum() == 140 and (x > 0).all()


def leaky_steps_by_hand(x, y, start, slope, lr=0.5, steps=400):
    """First full-batch step after which the leaky unit is active on some example (numpy)."""
    w = start["0.weight"][0].copy()
    b, v, c = start["0.bias"][0], start["2.weight"][0, 0], start["2.bias"][0]
    for step in range(1, steps + 1):
        z = x @ w + b
        h = np.where(z > 0, z, slope * z)
        p = 1.0 / (1.0 + np.exp(-(v * h + c)))
        g_logit = (p - y) / len(y)  # mean binary cross-entropy
        g_z = g_logit * v * np.where(z > 0, 1.0, slope)
        w, b, v, c = (
            w - lr * (x.T @ g_z),
            b - lr * g_z.sum(),
            v - lr * (g_logit @ h),
            c - lr * g_logit.sum(),
        )
        if np.any(x @ w + b > 0):
            return step
    return None


def test_dead_start_run_finds_a_dead_start_and_trains_it():
    run = dead_start_run([4, 2], epochs=300, slopes=(0.3,))
    # The draws, counted again: data first, then starts until both weights and the bias
    # are negative.
    gen = np.random.default_rng([4, 2])
    x, y = case_data(gen)
    draws = 1
    while not ((net := thread_network(gen))[0].weight.data.max() < 0 and net[0].bias.data[0] < 0):
        draws += 1
    assert run.draws == draws
    for name, p in net.named_parameters():
        np.testing.assert_array_equal(run.start[name], p.data)
    assert run.frozen and run.dead_throughout and run.prior == 0.7
    # With h = 0 the output bias follows gradient descent on sigma(c) - p: it tends to
    # the log-odds of the prior, and every accuracy is p or 1 - p.
    np.testing.assert_allclose(run.output_bias[-1], np.log(0.7 / 0.3), rtol=1e-9)
    assert set(np.round(run.accuracy, 12)) <= {0.3, 0.7}
    assert len(run.output_bias) == len(run.accuracy) == 301
    assert run.revived_after[0.3] == leaky_steps_by_hand(x, y, run.start, 0.3)
    assert run.leaky_steps[0.3] == 300 and 0.7 < run.leaky_accuracy[0.3] <= 1.0
    xs = (x - x.mean(axis=0)) / x.std(axis=0)
    w, b = run.start["0.weight"][0], run.start["0.bias"][0]
    assert run.dead_on_standardised == bool(np.all(xs @ w + b <= 0))
    np.testing.assert_allclose(run.log_odds, np.log(0.7 / 0.3))


def test_second_layer_run_keeps_b_dead_and_c_frozen_while_dead():
    for seed in ([4, 0], [4, 1]):
        run = second_layer_run(seed, epochs=400)
        assert run.n_active.shape == (400, 3) and run.n == 200
        # B has non-positive weights and bias behind ReLU outputs: never active, never moved.
        assert run.n_active[:, 1].max() == 0 and run.b_frozen
        assert run.c_frozen_while_dead
        back = run.c_back
        if back is None:
            assert run.n_active[:, 2].max() == 0
        else:
            assert run.n_active[back - 1, 2] > 0 and run.n_active[: back - 1, 2].max() == 0
    assert second_layer_run([4, 1], epochs=400).c_back is not None  # C comes back here
    assert SECOND_LAYER["B"] == ((-0.03, -0.02), -0.01)
