"""nnbook.experiments.digit_designs: chapter 1's three output designs, validation split and
error baselines."""

from __future__ import annotations

import numpy as np
import pytest

import nncore as nc
from nnbook.experiments import digit_designs as dd


@pytest.fixture
def labelled():
    """40 examples of 4 labels (10 each), features that identify the example."""
    y = np.repeat(np.arange(4), 10)
    x = np.arange(40, dtype=float)[:, None] * np.ones((1, 3))
    return x, y


# --- validation_split ---------------------------------------------------------------------


def test_validation_split_is_a_stratified_partition(labelled):
    x, y = labelled
    x_fit, x_val, y_fit, y_val = dd.validation_split(x, y, fraction=0.3, rng=5)
    ids = np.concatenate([x_fit[:, 0], x_val[:, 0]])
    assert sorted(ids) == list(range(40))  # every example exactly once
    assert np.bincount(y_val).tolist() == [3, 3, 3, 3]  # 30% of 10 per label
    assert np.bincount(y_fit).tolist() == [7, 7, 7, 7]
    np.testing.assert_array_equal(y[x_val[:, 0].astype(int)], y_val)  # rows keep their labels


def test_validation_split_depends_on_the_seed_only(labelled):
    x, y = labelled
    a = dd.validation_split(x, y, rng=1)
    b = dd.validation_split(x, y, rng=1)
    c = dd.validation_split(x, y, rng=2)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(np.sort(a[1][:, 0]), np.sort(c[1][:, 0]))


@pytest.mark.parametrize("fraction", [0.0, 1.0, 1.5])
def test_validation_split_rejects_a_fraction_outside_0_1(labelled, fraction):
    with pytest.raises(ValueError, match="fraction must lie strictly between 0 and 1"):
        dd.validation_split(*labelled, fraction=fraction)


def test_validation_split_rejects_mismatched_shapes():
    expected = r"expected x of shape \(n, features\) and y of shape \(n,\)"
    with pytest.raises(ValueError, match=expected):
        dd.validation_split(np.zeros((5, 2)), np.zeros(4, dtype=int))


# --- designs ------------------------------------------------------------------------------


def test_designs_differ_only_in_the_output_layer():
    y = np.array([0, 9, 3, 3])
    a, b, c = dd.design("A", y), dd.design("B"), dd.design("C")
    models = [d.model(8, rng=3) for d in (a, b, c)]
    assert [m[-1].out_features for m in models] == [1, 10, 10]
    for m in models[1:]:
        np.testing.assert_array_equal(m[0].weight.data, models[0][0].weight.data)


def test_design_targets():
    y = np.array([0, 9, 3, 4])
    a = dd.design("A", y)
    assert (a.y_mean, a.y_std) == (4.0, pytest.approx(np.sqrt((16 + 25 + 1 + 0) / 4)))
    ta = a.targets(y)
    assert ta.shape == (4, 1)
    assert ta.mean() == pytest.approx(0.0) and ta.std() == pytest.approx(1.0)
    np.testing.assert_array_equal(dd.design("B").targets(y), y)
    tc = dd.design("C").targets(y)
    assert tc.shape == (4, 10) and tc[1, 9] == 1.0 and tc.sum() == 4.0
    assert isinstance(dd.design("B").loss(), nc.CrossEntropyLoss)
    assert isinstance(dd.design("C").loss(), nc.MSELoss)


def constant_output_model(value: float, n_out: int = 1):
    """A 64-2-n_out network whose every output is ``value`` (zero weights, output bias value)."""
    model = nc.mlp([64, 2, n_out], weight_init=nc.init.zeros(), bias_init=nc.init.zeros())
    model[-1].bias.data[:] = value
    return model


@pytest.mark.parametrize("standardised, expected", [(0.0, 4), (0.55, 5), (-3.0, 0), (3.0, 9)])
def test_design_a_undoes_the_scaling_then_rounds_and_clips(standardised, expected):
    a = dd.design("A", np.array([2, 6]))  # mean 4, standard deviation 2
    model = constant_output_model(standardised)
    x = np.zeros((3, 64))
    np.testing.assert_allclose(a.value(model, x), 4 + 2 * standardised)
    assert a.answer(model, x).tolist() == [expected] * 3


def test_design_a_digit_model_outputs_digit_values():
    a = dd.design("A", np.array([2, 6]))  # mean 4, standard deviation 2
    model = a.model(5, rng=0)
    x = np.random.default_rng(1).uniform(size=(6, 64))
    folded = a.digit_model(model)
    np.testing.assert_allclose(folded(x)[:, 0], 4 + 2 * model(x)[:, 0], rtol=1e-12)
    np.testing.assert_allclose(folded(x)[:, 0], a.value(model, x), rtol=1e-12)
    assert folded[-1] is not model[-1]  # the trained model is untouched
    with pytest.raises(ValueError, match="design C's outputs are scores, not digit values"):
        dd.design("C").digit_model(model)


def test_designs_b_and_c_answer_with_the_largest_output():
    model = constant_output_model(0.0, n_out=10)
    model[-1].bias.data[7] = 0.5
    for name in "BC":
        assert dd.design(name).answer(model, np.zeros((2, 64))).tolist() == [7, 7]


def test_design_errors_name_what_to_pass():
    with pytest.raises(ValueError, match=r"expected one of 'A', 'B', 'C', got 'D'"):
        dd.design("D")
    with pytest.raises(ValueError, match=r"design\('A'\) needs y_train"):
        dd.design("A")
    with pytest.raises(ValueError, match="design B has 10 outputs"):
        dd.design("B").value(constant_output_model(0.0, 10), np.zeros((1, 64)))


# --- training and the grid ----------------------------------------------------------------


@pytest.fixture(scope="module")
def small_digits():
    x_train, _, y_train, _ = nc.load_digits(rng=0)
    return dd.validation_split(x_train[:300], y_train[:300], fraction=0.25, rng=0)


def test_every_design_learns_the_digits(small_digits):
    x_fit, x_val, y_fit, y_val = small_digits
    for name in "ABC":
        d = dd.design(name, y_fit)
        _, history = dd.train(
            d,
            x_fit,
            y_fit,
            hidden=16,
            lr=0.01,
            epochs=15,
            init_seed=0,
            shuffle_seed=1,
            watch={"train": (x_fit, y_fit)},
        )
        assert len(history["train_accuracy"]) == 15
        # chance is 10%; every design fits its training images far better
        assert history["train_accuracy"][-1] > 0.3, name
        assert history["train_accuracy"][-1] > history["train_accuracy"][0], name


def test_grid_search_picks_the_best_validation_run_and_it_can_be_retrained(small_digits):
    d = dd.design("B")
    g = dd.grid_search(
        d,
        small_digits,
        hiddens=(4, 16),
        lrs=(0.001, 0.01),
        max_epochs=6,
        init_seed=0,
        shuffle_seed=1,
    )
    assert set(g.curves) == {(4, 0.001), (4, 0.01), (16, 0.001), (16, 0.01)}
    best = max(max(h["val_accuracy"]) for h in g.curves.values())
    assert g.val_accuracy == best
    assert g.curves[(g.hidden, g.lr)]["val_accuracy"][g.epochs - 1] == best
    assert g.best_val(g.hidden) == best
    # the kept model is the chosen one: trained again for the chosen number of epochs with
    # the same seeds, the network has the same weights
    x_fit, x_val, y_fit, y_val = small_digits
    assert nc.accuracy(d.answer(g.model, x_val), y_val) == best
    model, _ = dd.train(
        d, x_fit, y_fit, hidden=g.hidden, lr=g.lr, epochs=g.epochs, init_seed=0, shuffle_seed=1
    )
    pairs = zip(g.model.named_parameters(), model.named_parameters(), strict=True)
    for (_, kept), (_, again) in pairs:
        np.testing.assert_array_equal(kept.data, again.data)


def test_train_keep_best_needs_a_watched_set(small_digits):
    x_fit, _, y_fit, _ = small_digits
    expected = r"keep_best='val' names no watched set; watched: \['train'\]"
    with pytest.raises(ValueError, match=expected):
        dd.train(
            dd.design("B"),
            x_fit,
            y_fit,
            hidden=4,
            lr=0.01,
            epochs=1,
            init_seed=0,
            shuffle_seed=0,
            watch={"train": (x_fit, y_fit)},
            keep_best="val",
        )


# --- where the errors fall ----------------------------------------------------------------


def test_error_distance_shares_by_hand():
    n, shares = dd.error_distance_shares([1, 1, 5, 9, 0], [1, 2, 3, 0, 0])
    assert n == 3  # distances 1, 2 and 9
    np.testing.assert_allclose(shares, [1 / 3, 1 / 3, 0, 0, 0, 0, 0, 0, 1 / 3])
    n, shares = dd.error_distance_shares([3, 4], [3, 4])
    assert n == 0 and not shares.any()


def test_uniform_mistakes_are_neighbours_one_time_in_five():
    shares = dd.uniform_error_distance_shares()
    # 18 of the 90 ordered pairs (true, wrong) of distinct digits differ by 1, 2 pairs by 9
    assert shares[0] == pytest.approx(18 / 90)
    assert shares[8] == pytest.approx(2 / 90)
    assert shares.sum() == pytest.approx(1.0)
    # a true 0 has one neighbour among its 9 wrong answers, a true 5 has two
    assert dd.uniform_error_distance_shares([0])[0] == pytest.approx(1 / 9)
    assert dd.uniform_error_distance_shares([5])[0] == pytest.approx(2 / 9)


def test_binomial_tail_by_hand():
    assert dd.binomial_tail(2, 3, 0.5) == pytest.approx(0.5)  # 4 of 8 outcomes
    assert dd.binomial_tail(0, 7, 0.3) == pytest.approx(1.0)
    assert dd.binomial_tail(3, 3, 0.2) == pytest.approx(0.008)
    with pytest.raises(ValueError, match="need k >= 0, n >= 0 and 0 <= p <= 1"):
        dd.binomial_tail(1, 3, 1.5)
