"""Tests of nnbook.experiments.decay: the path of one weight under nncore.SGD with weight decay.

Expected paths are worked out by hand from w <- (1 - eta*lambda) w - eta * a (w - w*) or
written as closed forms ((1 - eta*lambda)^k w0, a w* / (a + lambda)); none is computed by
the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore.optim
from nnbook.experiments.decay import decay_path, decay_regime


def test_without_data_term_the_path_is_geometric():
    # eta * lambda = 0.5 * 0.3 = 0.15, so every step multiplies w by 0.85.
    path = decay_path(2.0, lr=0.5, weight_decay=0.3, steps=12)
    np.testing.assert_allclose(path, [2.0 * 0.85**k for k in range(13)], rtol=1e-13)


def test_first_steps_with_the_data_term_by_hand():
    # w0 = 2, eta = 0.1, lambda = 0.5, J_data = (1/2) w^2:
    # step 1: gradient 2 + 0.5 * 2 = 3, w1 = 2 - 0.3 = 1.7
    # step 2: gradient 1.7 + 0.85 = 2.55, w2 = 1.7 - 0.255 = 1.445
    path = decay_path(2.0, lr=0.1, weight_decay=0.5, steps=2, curvature=1.0, target=0.0)
    np.testing.assert_allclose(path, [2.0, 1.7, 1.445], rtol=1e-14)


def test_the_path_settles_at_the_equilibrium():
    # a = 2, w* = 3, lambda = 1: w_eq = 2 * 3 / (2 + 1) = 2; each step multiplies the
    # distance to w_eq by 1 - 0.2 * (2 + 1) = 0.4.
    path = decay_path(-1.0, lr=0.2, weight_decay=1.0, steps=60, curvature=2.0, target=3.0)
    np.testing.assert_allclose(path[-1], 2.0, atol=1e-12)
    np.testing.assert_allclose((path[1:6] - 2.0) / (path[:5] - 2.0), 0.4, rtol=1e-12)


def test_without_decay_the_path_reaches_the_data_minimum():
    path = decay_path(0.0, lr=0.5, weight_decay=0.0, steps=80, curvature=1.0, target=1.5)
    np.testing.assert_allclose(path[-1], 1.5, atol=1e-12)


@pytest.mark.parametrize(
    ("lr", "lam", "flips", "grows"),
    [(0.5, 1.0, False, False), (1.0, 1.5, True, False), (1.0, 2.5, True, True)],
    ids=["shrinking", "sign-flipping", "diverging"],
)
def test_the_regimes_of_the_path(lr, lam, flips, grows):
    path = decay_path(1.0, lr=lr, weight_decay=lam, steps=8)
    signs, sizes = np.sign(path), np.abs(path)
    assert bool(np.all(signs[1:] != signs[:-1])) is flips
    assert bool(np.all(sizes[1:] > sizes[:-1])) is grows
    assert bool(np.all(sizes[1:] < sizes[:-1])) is not grows


def test_the_path_steps_with_nncore_sgd(monkeypatch):
    calls = []
    monkeypatch.setattr(nncore.optim.SGD, "step", lambda self: calls.append(self))
    path = decay_path(2.0, lr=0.5, weight_decay=0.5, steps=5, curvature=1.0, target=1.0)
    assert len(calls) == 5 and all(isinstance(opt, nncore.optim.SGD) for opt in calls)
    np.testing.assert_array_equal(path, np.full(6, 2.0))  # no step taken, no change


@pytest.mark.parametrize(
    ("lr", "lam", "name"),
    [
        (1.0, 0.0, "no decay"),
        (0.1, 1e-3, "shrinking"),
        (0.5, 1.0, "shrinking"),
        (0.5, 2.0, "zero after one step"),
        (0.1, 10.0, "zero after one step"),
        (0.5, 3.0, "sign-flipping"),
        (1.0, 2.0, "sign-flipping at constant size"),
        (1.0, 2.5, "diverging"),
    ],
)
def test_decay_regime_names(lr, lam, name):
    assert decay_regime(lr, lam) == name


@pytest.mark.parametrize(
    ("kwargs", "exc", "words"),
    [
        (
            dict(w0=1.0, lr=-0.1, weight_decay=0.1, steps=3),
            ValueError,
            ("decay_path", "lr (learning rate)", "greater than 0", "-0.1"),
        ),
        (
            dict(w0=1.0, lr=0.1, weight_decay=-1.0, steps=3),
            ValueError,
            ("decay_path", "weight_decay", "at least 0"),
        ),
        (
            dict(w0=1.0, lr=0.1, weight_decay=0.1, steps=2.5),
            ValueError,
            ("decay_path", "steps", "positive integer", "SGD steps", "float"),
        ),
        (
            dict(w0="1", lr=0.1, weight_decay=0.1, steps=3),
            ValueError,
            ("decay_path", "w0", "real number", "str"),
        ),
        (
            dict(w0=1.0, lr=0.1, weight_decay=0.1, steps=3, curvature=-1.0),
            ValueError,
            ("decay_path", "curvature", "at least 0"),
        ),
        (
            dict(w0=1.0, lr=0.1, weight_decay=0.1, steps=3, target=float("nan")),
            ValueError,
            ("decay_path", "target", "finite"),
        ),
    ],
)
def test_decay_path_rejects_bad_arguments(kwargs, exc, words):
    w0 = kwargs.pop("w0")
    with raises_with(exc, *words):
        decay_path(w0, **kwargs)


def test_decay_regime_rejects_a_zero_learning_rate():
    with raises_with(ValueError, "decay_regime", "lr (learning rate)", "greater than 0"):
        decay_regime(0.0, 1.0)
