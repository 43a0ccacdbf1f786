"""Tests of nncore.widgets.weight_decay: the path of one weight under SGD with decay, and its explorer.

Expected paths are worked out by hand from the update w <- (1 - eta*lambda) w - eta * a (w - w*)
or written as closed forms ((1 - eta*lambda)^k w0, a w* / (a + lambda)); none is computed
by the code under test.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore.optim
from nncore.widgets import weight_decay as wd_module
from nncore.widgets.weight_decay import decay_path, decay_regime, weight_decay_explorer

MINUS = "\N{MINUS SIGN}"


# --------------------------------------------------------------------------- decay_path
def test_decay_path_without_data_term_is_geometric():
    # eta * lambda = 0.5 * 0.3 = 0.15, so every step multiplies w by 0.85.
    path = decay_path(2.0, lr=0.5, weight_decay=0.3, steps=12)
    expected = [2.0 * 0.85**k for k in range(13)]
    assert path.shape == (13,)
    np.testing.assert_allclose(path, expected, rtol=1e-13)


def test_decay_path_first_steps_with_data_term_by_hand():
    # w0 = 2, eta = 0.1, lambda = 0.5, J_data = (1/2)(w - 0)^2:
    # step 1: gradient 2 + 0.5 * 2 = 3, w1 = 2 - 0.3 = 1.7
    # step 2: gradient 1.7 + 0.85 = 2.55, w2 = 1.7 - 0.255 = 1.445
    path = decay_path(2.0, lr=0.1, weight_decay=0.5, steps=2, curvature=1.0, target=0.0)
    np.testing.assert_allclose(path, [2.0, 1.7, 1.445], rtol=1e-14)


def test_decay_path_settles_at_the_equilibrium():
    # a = 2, w* = 3, lambda = 1: w_eq = 2 * 3 / (2 + 1) = 2; per step the distance to w_eq
    # is multiplied by 1 - 0.2 * (2 + 1) = 0.4.
    path = decay_path(-1.0, lr=0.2, weight_decay=1.0, steps=60, curvature=2.0, target=3.0)
    np.testing.assert_allclose(path[-1], 2.0, atol=1e-12)
    np.testing.assert_allclose((path[1:6] - 2.0) / (path[:5] - 2.0), 0.4, rtol=1e-12)


def test_decay_path_without_decay_reaches_the_data_minimum():
    path = decay_path(0.0, lr=0.5, weight_decay=0.0, steps=80, curvature=1.0, target=1.5)
    np.testing.assert_allclose(path[-1], 1.5, atol=1e-12)


@pytest.mark.parametrize(
    ("lr", "lam", "flips", "grows"),
    [(0.5, 1.0, False, False), (1.0, 1.5, True, False), (1.0, 2.5, True, True)],
    ids=["shrinking", "sign-flipping", "diverging"],
)
def test_decay_path_regimes(lr, lam, flips, grows):
    path = decay_path(1.0, lr=lr, weight_decay=lam, steps=8)
    signs = np.sign(path)
    assert bool(np.all(signs[1:] != signs[:-1])) is flips
    assert bool(np.all(signs == 1.0)) is not flips
    sizes = np.abs(path)
    assert bool(np.all(sizes[1:] > sizes[:-1])) is grows
    assert bool(np.all(sizes[1:] < sizes[:-1])) is not grows


def test_decay_path_steps_with_nncore_sgd(monkeypatch):
    calls = []
    monkeypatch.setattr(nncore.optim.SGD, "step", lambda self: calls.append(self))
    path = decay_path(2.0, lr=0.5, weight_decay=0.5, steps=5, curvature=1.0, target=1.0)
    assert len(calls) == 5
    assert all(isinstance(opt, nncore.optim.SGD) for opt in calls)
    np.testing.assert_array_equal(path, np.full(6, 2.0))  # no step taken, no change


# --------------------------------------------------------------------------- decay_regime
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


# --------------------------------------------------------------------------- explorer
GRID = dict(lr_values=(0.5, 1.0), weight_decay_values=(0.5, 1.5, 2.5), w0_values=(-1.0, 2.0))


@pytest.fixture(scope="module")
def explorer():
    return weight_decay_explorer(**GRID, steps=10, dpi=40)


def test_frame_count_is_the_grid_product(explorer):
    assert explorer.names == ["lr", "weight_decay", "w0", "data_term"]
    assert explorer.shape == (2, 3, 2, 2)
    assert explorer.n_frames == 2 * 3 * 2 * 2 == len(explorer.frames) == len(explorer.images)
    expected = set(itertools.product(range(2), range(3), range(2), range(2)))
    assert set(explorer.frames) == expected


def test_every_stack_is_jslinked_to_its_control(explorer):
    from ipywidgets.widgets.widget_link import Link

    pairs = set()
    for link in explorer.links:
        assert isinstance(link, Link)  # a jslink: runs in the browser, no kernel needed
        (source, source_trait), (target, target_trait) = link.source, link.target
        assert (source_trait, target_trait) == ("index", "selected_index")
        pairs.add((id(source), id(target)))
    expected = set()
    for level, name in enumerate(explorer.names):
        stacks = explorer.stacks[level]
        assert len(stacks) == math.prod(explorer.shape[:level])  # one per frame group above
        expected |= {(id(explorer.controls[name]), id(stack)) for stack in stacks}
    assert pairs == expected


def test_frames_differ_where_the_settings_do(explorer):
    base = dict(lr=1.0, weight_decay=0.5, w0=2.0, data_term=False)
    frame = explorer.frame(**base)
    for change in (dict(weight_decay=1.5), dict(lr=0.5), dict(w0=-1.0), dict(data_term=True)):
        assert explorer.frame(**{**base, **change}) != frame, change


def test_a_frame_shows_the_path_factor_and_regime_sgd_computed(explorer):
    explorer.render(lr=1.0, weight_decay=1.5, w0=2.0, data_term=False)
    view = explorer.view
    k = np.arange(11)
    np.testing.assert_allclose(view.path, 2.0 * (-0.5) ** k, rtol=1e-13)
    np.testing.assert_allclose(view.line.get_ydata(), 2.0 * (-0.5) ** k, rtol=1e-13)
    np.testing.assert_array_equal(view.reference.get_ydata(), np.full(11, 2.0))  # lambda = 0
    assert view.regime == "sign-flipping"
    assert f"1 {MINUS} \N{GREEK SMALL LETTER ETA}\N{GREEK SMALL LETTER LAMDA} = {MINUS}0.5" in view.info.get_text()
    assert "sign-flipping" in view.regime_text.get_text()
    assert not view.equilibrium.get_visible()


def test_the_data_term_frame_marks_the_equilibrium(explorer):
    # Default data term a = 1, w* = 1.5; lambda = 0.5 gives w_eq = 1.5 / 1.5 = 1.
    explorer.render(lr=0.5, weight_decay=0.5, w0=2.0, data_term=True)
    view = explorer.view
    assert view.equilibrium.get_visible()
    np.testing.assert_allclose(view.equilibrium.get_ydata(), [1.0, 1.0])
    assert "w_eq = 1" in view.equilibrium_text.get_text()
    assert "settles at w_eq" in view.regime_text.get_text()
    # distance to w_eq multiplied by 1 - 0.5 * (1 + 0.5) = 0.25 per step
    np.testing.assert_allclose(view.path - 1.0, 1.0 * 0.25 ** np.arange(11), atol=1e-14)


def test_alt_text_names_settings_and_regime(explorer):
    index = (1, 2, 0, 0)  # lr 1, lambda 2.5, w0 -1, no data term
    text = explorer.alt_texts[index]
    assert "learning rate 1" in text and "weight decay 2.5" in text and "w0 = -1" in text
    assert "diverging" in text


def test_the_update_recomputes_through_nncore(monkeypatch, explorer):
    monkeypatch.setattr(nncore.optim.SGD, "step", lambda self: None)
    explorer.render(lr=1.0, weight_decay=1.5, w0=-1.0, data_term=False)
    np.testing.assert_array_equal(explorer.view.line.get_ydata(), np.full(11, -1.0))


def test_fixed_data_term_has_no_toggle():
    off = weight_decay_explorer(lr_values=(1.0,), weight_decay_values=(0.5,), w0_values=(2.0,),
                                data_term="off", steps=5, dpi=30)
    on = weight_decay_explorer(lr_values=(1.0,), weight_decay_values=(0.5,), w0_values=(2.0,),
                               data_term="on", steps=5, dpi=30)
    assert off.names == on.names == ["lr", "weight_decay", "w0"]
    assert off.n_frames == on.n_frames == 1
    assert not off.view.equilibrium.get_visible() and on.view.equilibrium.get_visible()


def test_default_explorer_fits_the_page_budget():
    explorer = weight_decay_explorer()
    assert explorer.n_frames == 3 * 5 * 2 * 2
    assert explorer.frame_bytes <= 3_000_000
    # eta * lambda on the default grid reaches every regime
    regimes = {decay_regime(lr, lam) for lr in explorer.grid["lr"] for lam in explorer.grid["weight_decay"]}
    assert {"shrinking", "zero after one step", "sign-flipping", "diverging"} <= regimes


def test_lazy_export_from_the_package():
    import nncore.widgets as widgets_pkg

    assert widgets_pkg.weight_decay_explorer is wd_module.weight_decay_explorer


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "exc", "words"),
    [
        (dict(lr_values=(0.5, 0.0)), ValueError, ("weight_decay_explorer", "lr_values", "greater than 0", "got 0")),
        (dict(weight_decay_values=(-0.1,)), ValueError,
         ("weight_decay_explorer", "weight_decay_values", "at least 0", "-0.1")),
        (dict(w0_values="abc"), TypeError, ("weight_decay_explorer", "w0_values", "sequence of numbers")),
        (dict(w0_values=()), ValueError, ("weight_decay_explorer", "w0_values", "empty")),
        (dict(data_term="maybe"), ValueError, ("weight_decay_explorer", "data_term", "'toggle', 'off' or 'on'", "maybe")),
        (dict(steps=0), ValueError, ("weight_decay_explorer", "steps", "positive integer", "got 0")),
        (dict(curvature=0.0), ValueError, ("weight_decay_explorer", "curvature", "greater than 0")),
    ],
)
def test_explorer_rejects_bad_arguments(kwargs, exc, words):
    with raises_with(exc, *words):
        weight_decay_explorer(**kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "words"),
    [
        ((1.0,), dict(lr=-0.1, weight_decay=0.1, steps=3), ValueError,
         ("decay_path", "lr (learning rate)", "greater than 0", "-0.1")),
        ((1.0,), dict(lr=0.1, weight_decay=-1.0, steps=3), ValueError,
         ("decay_path", "weight_decay", "at least 0")),
        ((1.0,), dict(lr=0.1, weight_decay=0.1, steps=2.5), TypeError,
         ("decay_path", "steps", "positive integer", "float")),
        (("1",), dict(lr=0.1, weight_decay=0.1, steps=3), ValueError, ("decay_path", "w0", "real number", "str")),
        ((1.0,), dict(lr=0.1, weight_decay=0.1, steps=3, curvature=-1.0), ValueError,
         ("decay_path", "curvature", "at least 0")),
        ((1.0,), dict(lr=0.1, weight_decay=0.1, steps=3, target=float("nan")), ValueError,
         ("decay_path", "target", "finite")),
    ],
)
def test_decay_path_rejects_bad_arguments(args, kwargs, exc, words):
    with raises_with(exc, *words):
        decay_path(*args, **kwargs)


def test_decay_regime_rejects_a_zero_learning_rate():
    with raises_with(ValueError, "decay_regime", "lr (learning rate)", "greater than 0"):
        decay_regime(0.0, 1.0)
