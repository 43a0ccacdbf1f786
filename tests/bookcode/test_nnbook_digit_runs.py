"""nnbook.experiments.digit_runs: chapter 1's comparison of designs, one run per seed."""

from __future__ import annotations

import numpy as np
import pytest

import nncore as nc
from nnbook.experiments import digit_designs as dd
from nnbook.experiments import digit_runs as dr

# --- seeds and splits ---------------------------------------------------------------------


def test_run_seeds_are_fixed_by_the_seed_and_differ_between_runs():
    assert dr.run_seeds([7, 0]) == dr.run_seeds([7, 0])
    a, b = dr.run_seeds([7, 0]), dr.run_seeds([7, 1])
    assert a != b
    assert len({a.split, a.validation, a.init, a.shuffle, a.pairs}) == 5


def _rows(x: np.ndarray) -> set[bytes]:
    return {row.tobytes() for row in x}


def test_split_digits_partitions_the_digits_by_digit():
    data = dr.split_digits([7, 0])
    sizes = (len(data.y_fit), len(data.y_val), len(data.y_test))
    assert sum(sizes) == 1797  # every image once
    assert data.x_fit.shape == (sizes[0], 64) and data.x_test.shape == (sizes[2], 64)
    # a quarter of each digit is test, a fifth of the rest validation
    counts = np.bincount(np.concatenate([data.y_fit, data.y_val, data.y_test]), minlength=10)
    np.testing.assert_array_equal(np.bincount(data.y_test, minlength=10), np.round(counts / 4))
    rest = counts - np.round(counts / 4)
    np.testing.assert_array_equal(np.bincount(data.y_val, minlength=10), np.round(rest / 5))
    assert data.validation[0] is data.x_fit and data.validation[3] is data.y_val


def test_split_digits_follows_the_seed():
    a, b, c = dr.split_digits([7, 0]), dr.split_digits([7, 0]), dr.split_digits([7, 1])
    np.testing.assert_array_equal(a.x_test, b.x_test)
    assert _rows(a.x_test) != _rows(c.x_test)
    assert _rows(a.x_val) != _rows(c.x_val)


# --- blends -------------------------------------------------------------------------------


def constant_model(outputs: list[float]) -> nc.Sequential:
    """A 64-2-k network whose outputs are ``outputs`` whatever the image."""
    model = nc.mlp([64, 2, len(outputs)], weight_init=nc.init.zeros(), bias_init=nc.init.zeros())
    model[-1].bias.data[:] = outputs
    return model


def test_blend_stats_by_hand():
    # Images of the digits 1 and 7 only: every pair that differs by 2 or more is a 1 and a 7.
    y = np.array([1, 7, 1, 7])
    x = np.random.default_rng(0).uniform(size=(4, 64))
    designs = {"A": dd.design("A", np.array([2, 6])), "B": dd.design("B"), "C": dd.design("C")}
    logits_b = np.zeros(10)
    logits_b[[1, 7]] = np.log(4.0)  # p(1) = p(7) = 4 / 16, the other 8 share 8 / 16
    scores_c = np.zeros(10)
    scores_c[3] = 1.0  # C always answers 3
    models = {
        "A": constant_model([0.0]),  # digit value 4 + 2 * 0 = 4: between 1 and 7
        "B": constant_model(list(logits_b)),  # argmax: the 1 (first of the ties)
        "C": constant_model(list(scores_c)),
    }
    stats = dr.blend_stats(designs, models, x, y, n_pairs=50, rng=3)
    assert stats.n_pairs == 50
    assert stats.one_of_two == {"A": 0.0, "B": 1.0, "C": 0.0}
    assert stats.a_between == 1.0
    assert stats.b_mass == pytest.approx(0.5)
    assert stats.third("C") == 1.0 and stats.third("B") == 0.0


def test_blend_stats_pairs_digits_at_least_2_apart():
    # 1s, 2s and 9s: only pairs (1, 9) and (2, 9) qualify, so A answering 5 is always between
    y = np.array([1, 2, 9, 9, 1, 2])
    x = np.zeros((6, 64))
    designs = {"A": dd.Design("A", 5.0, 1.0), "B": dd.design("B"), "C": dd.design("C")}
    scores = np.zeros(10)
    scores[9] = 1.0
    models = {
        "A": constant_model([0.0]),
        "B": constant_model(list(scores)),
        "C": constant_model(list(scores)),
    }
    stats = dr.blend_stats(designs, models, x, y, n_pairs=40, rng=0)
    assert stats.a_between == 1.0 and stats.one_of_two["B"] == 1.0


def test_blend_stats_needs_a_pair():
    designs = {"A": dd.Design("A"), "B": dd.design("B"), "C": dd.design("C")}
    with pytest.raises(ValueError, match="n_pairs must be at least 1, got 0"):
        dr.blend_stats(designs, {}, np.zeros((2, 64)), np.array([1, 7]), n_pairs=0, rng=0)


# --- one run ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_run() -> dr.DesignRun:
    return dr.compare_designs([11, 2], widths=(4, 8), rates=(0.01,), epochs=3, n_pairs=30)


def test_a_run_reports_what_its_chosen_models_do_on_its_test_images(tiny_run):
    run = tiny_run
    data = dr.split_digits([11, 2])
    np.testing.assert_array_equal(run.x_test, data.x_test)
    assert (run.n_fit, run.n_val) == (len(data.y_fit), len(data.y_val))
    assert run.seed == (11, 2) and run.epochs == 3 and run.widths == (4, 8)
    for name in "ABC":
        answers = run.designs[name].answer(run.chosen(name), run.x_test)
        np.testing.assert_array_equal(answers, run.predictions[name])
        assert run.test_accuracy[name] == np.mean(answers == run.y_test)
        s = run.search[name]
        assert s.hidden in (4, 8) and s.lr == 0.01 and 1 <= s.epochs <= 3
        assert run.best_val(name, s.hidden) == s.val_accuracy
    assert run.blends.n_pairs == 30


def test_errors_only_counts_images_one_design_gets_right_and_the_other_wrong(tiny_run):
    run = tiny_run
    b_right = run.predictions["B"] == run.y_test
    c_right = run.predictions["C"] == run.y_test
    assert run.errors_only("B", "C") == int(np.sum(b_right & ~c_right))
    assert run.errors_only("C", "B") == int(np.sum(c_right & ~b_right))
    assert run.errors_only("B", "B") == 0


def test_a_run_is_fixed_by_its_seed(tiny_run):
    again = dr.compare_designs([11, 2], widths=(4, 8), rates=(0.01,), epochs=3, n_pairs=30)
    for name in "ABC":
        np.testing.assert_array_equal(again.predictions[name], tiny_run.predictions[name])
    assert again.blends == tiny_run.blends


def test_a_run_stays_small_when_stored():
    import pickle

    run = dr.compare_designs([11, 3], widths=(8,), rates=(0.01,), epochs=2, n_pairs=400)
    # the test images (n x 64 floats) dominate; the chosen models keep no batch of inputs
    assert len(pickle.dumps(run)) < 1.5 * run.x_test.nbytes + 100_000
