"""Data helpers: the positive-features set, standardisation, the digits, one_hot."""

import math

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore as nc


# ------------------------------------------------------------- make_positive_features
def test_positive_features_shapes_and_signs():
    x, y = nc.make_positive_features(200, rng=0)
    assert x.shape == (200, 2) and x.dtype == np.float64
    assert y.shape == (200,) and y.dtype.kind == "i"
    assert np.all(x > 0)
    assert set(np.unique(y)) == {0, 1}


@pytest.mark.parametrize("n, fraction, ones", [(200, 0.5, 100), (101, 0.5, 50), (50, 0.3, 15)])
def test_positive_features_label_balance(n, fraction, ones):
    _, y = nc.make_positive_features(n, positive_fraction=fraction, rng=1)
    assert y.sum() == ones


def test_positive_features_classes_lean_as_described():
    x, y = nc.make_positive_features(1000, rng=2)
    assert np.mean(x[y == 1, 0] > x[y == 1, 1]) > 0.75
    assert np.mean(x[y == 0, 0] < x[y == 0, 1]) > 0.75
    assert np.mean(x[y == 1, 0] > x[y == 1, 1]) < 1.0  # the classes overlap


def test_positive_features_seed_determinism():
    a, b, c = (nc.make_positive_features(50, rng=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_positive_features_scale_multiplies():
    x1, y1 = nc.make_positive_features(60, scale=1.0, rng=5)
    x10, y10 = nc.make_positive_features(60, scale=10.0, rng=5)
    np.testing.assert_array_equal(y1, y10)
    np.testing.assert_allclose(x10, 10.0 * x1, rtol=1e-15)
    assert 0.5 < np.median(x1) < 2.0  # typical size is the scale


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"n_samples": 0}, ["n_samples", "positive integer", "number of examples"]),
        ({"n_samples": 100.0}, ["n_samples", "positive integer", "whole number"]),
        ({"scale": 0.0}, ["scale", "greater than 0"]),
        ({"positive_fraction": 1.0}, ["positive_fraction", "below 1"]),
        ({"positive_fraction": 0.0}, ["positive_fraction", "greater than 0"]),
    ],
)
def test_positive_features_bad_arguments(kwargs, words):
    with raises_with(ValueError, "make_positive_features", *words) as info:
        nc.make_positive_features(**{"rng": 0, **kwargs})
    assert "unit" not in str(info.value)  # a data set has examples, not units


# ------------------------------------------------------------------ standardisation
def test_standardizer_by_hand():
    x_train = np.array([[0.0, 10.0], [2.0, 10.0], [4.0, 10.0]])
    s = nc.Standardizer().fit(x_train)
    np.testing.assert_array_equal(s.mean_, [2.0, 10.0])
    np.testing.assert_allclose(s.std_, [math.sqrt(8 / 3), 1.0], rtol=1e-15)  # constant: 1
    np.testing.assert_allclose(
        s.transform([[2.0, 11.0], [2 + math.sqrt(8 / 3), 10.0]]),
        [[0.0, 1.0], [1.0, 0.0]],
        rtol=1e-15,
        atol=1e-15,
    )


def test_standardized_training_data_has_mean_0_and_std_1():
    x = np.random.default_rng(0).normal(
        loc=[5.0, -3.0, 100.0], scale=[0.1, 2.0, 30.0], size=(500, 3)
    )
    xs = nc.Standardizer().fit_transform(x)
    np.testing.assert_allclose(xs.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(xs.std(axis=0), 1.0, rtol=1e-12)


def test_test_data_uses_the_training_statistics():
    rng = np.random.default_rng(1)
    x_train, x_test = rng.normal(3.0, 2.0, size=(100, 2)), rng.normal(3.0, 2.0, size=(30, 2))
    xs_train, xs_test = nc.standardize(x_train, x_test)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    np.testing.assert_allclose(xs_test, (x_test - mean) / std, rtol=1e-13)
    np.testing.assert_allclose(xs_train, (x_train - mean) / std, rtol=1e-13)
    assert np.abs(xs_test.mean(axis=0)).max() > 1e-6  # not re-centred on its own mean


def test_standardize_returns_one_array_per_split():
    x = np.arange(12.0).reshape(6, 2)
    out = nc.standardize(x, x[:2], x[2:5])
    assert [a.shape for a in out] == [(6, 2), (2, 2), (3, 2)]


def test_standardizer_transform_before_fit():
    with raises_with(RuntimeError, "Standardizer.transform", "fit"):
        nc.Standardizer().transform(np.ones((2, 2)))


def test_standardizer_feature_count_must_match():
    s = nc.Standardizer().fit(np.random.default_rng(0).normal(size=(5, 3)))
    with raises_with(ValueError, "Standardizer.transform", "3 features", "(4, 2)"):
        s.transform(np.ones((4, 2)))


@pytest.mark.parametrize("value", [0.1, 1234.567, -3.3e7, 5.0, 0.0, 1e-300])
def test_a_constant_feature_maps_to_zero(value):
    # 0.1 and 1234.567 are not exact in binary: their computed std is about 1e-17 and 1e-13,
    # not 0, and dividing by it would turn rounding errors into values of +-1
    rng = np.random.default_rng(0)
    x_train = np.column_stack([rng.normal(size=20), np.full(20, value)])
    s = nc.Standardizer().fit(x_train)
    assert s.std_[1] == 1.0
    xs = s.transform(x_train)
    np.testing.assert_array_equal(xs[:, 1], 0.0)
    np.testing.assert_allclose(xs[:, 0].std(), 1.0, rtol=1e-12)  # the other feature scaled
    # new data is shifted by the constant, not scaled
    np.testing.assert_array_equal(s.transform([[0.0, value]])[:, 1], 0.0)
    assert s.transform([[0.0, value + 1.0]])[0, 1] == pytest.approx(1.0, rel=1e-9)


def test_a_feature_that_varies_a_little_is_still_scaled():
    # a relative spread of 1e-9 is far above rounding: a real, if small, variation
    x_train = 1234.567 + 1e-6 * np.random.default_rng(1).normal(size=(50, 1))
    xs = nc.Standardizer().fit_transform(x_train)
    np.testing.assert_allclose(xs.std(axis=0), 1.0, rtol=1e-6)


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_standardizer_handles_huge_and_tiny_features(scale):
    # squares of 1e200 overflow and squares of 1e-200 underflow to 0 in float64
    x = np.random.default_rng(2).normal(loc=[3.0, -1.0], size=(40, 2))
    s = nc.Standardizer().fit(scale * x)
    np.testing.assert_allclose(s.mean_ / scale, x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(s.std_ / scale, x.std(axis=0), rtol=1e-12)
    np.testing.assert_allclose(s.transform(scale * x), nc.standardize(x)[0], rtol=1e-10)


def test_standardizer_needs_two_examples():
    with raises_with(ValueError, "Standardizer.fit", "two examples"):
        nc.Standardizer().fit(np.ones((1, 3)))


# ----------------------------------------------------------------------------- digits
@pytest.fixture(scope="module")
def digits():
    return nc.load_digits()


@pytest.fixture(scope="module")
def sklearn_digits():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.data / 16.0, bunch.target


def test_digits_shapes(digits):
    assert digits.x_train.shape == (1347, 64)
    assert digits.x_test.shape == (450, 64)
    assert digits.y_train.shape == (1347,) and digits.y_test.shape == (450,)
    assert digits.y_train.dtype.kind == "i"
    assert isinstance(digits, nc.DigitsSplit)


def test_digits_values_in_unit_interval(digits):
    for x in (digits.x_train, digits.x_test):
        assert x.dtype == np.float64
        assert x.min() == 0.0 and x.max() == 1.0


def test_digits_split_is_stratified(digits, sklearn_digits):
    _, target = sklearn_digits
    total = np.bincount(target, minlength=10)
    test_counts = np.bincount(digits.y_test, minlength=10)
    np.testing.assert_array_equal(test_counts, np.round(0.25 * total).astype(int))
    np.testing.assert_array_equal(np.bincount(digits.y_train, minlength=10), total - test_counts)


def test_digits_split_is_a_partition_of_the_data(digits, sklearn_digits):
    data, target = sklearn_digits
    x = np.vstack([digits.x_train, digits.x_test])
    y = np.concatenate([digits.y_train, digits.y_test])
    rows = np.hstack([x, y[:, None]])
    expected = np.hstack([data, target[:, None]])
    order = np.lexsort(rows.T[::-1])
    expected_order = np.lexsort(expected.T[::-1])
    np.testing.assert_array_equal(rows[order], expected[expected_order])


def test_digits_seed_determinism(digits):
    again, other = nc.load_digits(rng=0), nc.load_digits(rng=1)
    for a, b in zip(digits, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(digits.y_test, other.y_test)


def test_digits_test_size():
    split = nc.load_digits(test_size=0.5, rng=0)
    assert abs(len(split.y_test) - 1797 / 2) <= 10
    assert len(split.y_train) + len(split.y_test) == 1797


@pytest.mark.parametrize("size", [0.0, 1.0])
def test_digits_test_size_range(size):
    with raises_with(ValueError, "load_digits", "test_size"):
        nc.load_digits(test_size=size)


# ---------------------------------------------------------------------------- one_hot
def test_one_hot_by_hand():
    np.testing.assert_array_equal(
        nc.one_hot([2, 0, 1, 2], 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
    )
    assert nc.one_hot(np.array([0]), 4).dtype == np.float64
    assert nc.one_hot(np.array([], dtype=int), 3).shape == (0, 3)


def test_one_hot_rows_sum_to_one_and_invert_with_argmax():
    labels = np.random.default_rng(0).integers(0, 10, size=50)
    rows = nc.one_hot(labels, 10)
    np.testing.assert_array_equal(rows.sum(axis=1), np.ones(50))
    np.testing.assert_array_equal(rows.argmax(axis=1), labels)


@pytest.mark.parametrize(
    "labels, words",
    [
        ([0, 3], ["0..2", "3"]),
        ([-1, 0], ["0..2", "-1"]),
        ([0.0, 1.0], ["integer"]),
        ([[0, 1]], ["1-D"]),
    ],
)
def test_one_hot_bad_labels(labels, words):
    with raises_with(ValueError, "one_hot", *words):
        nc.one_hot(np.array(labels), 3)


@pytest.mark.parametrize(
    "n_classes, words",
    [(0, ["at least one class"]), (3.0, ["whole number", "float"]), (True, ["bool"])],
)
def test_one_hot_needs_a_positive_whole_number_of_classes(n_classes, words):
    with raises_with(ValueError, "one_hot", "n_classes", "number of classes", *words) as info:
        nc.one_hot([0, 1], n_classes)
    assert "unit" not in str(info.value)


def test_one_hot_of_an_empty_list():
    assert nc.one_hot([], 3).shape == (0, 3)  # np.asarray([]) is float64, but holds no label


def test_one_hot_refuses_masked_labels():
    with raises_with(ValueError, "one_hot", "masked", "filled"):
        nc.one_hot(np.ma.masked_array([0, 1, 9], mask=[0, 0, 1]), 3)


def test_standardizer_refuses_masked_data():
    x = np.ma.masked_array(np.ones((3, 2)), mask=np.eye(3, 2))
    with raises_with(ValueError, "Standardizer.fit", "masked", "filled"):
        nc.Standardizer().fit(x)


@pytest.mark.parametrize("test_size", [0.001, 0.999])
def test_digits_split_never_leaves_a_digit_without_examples(test_size):
    with raises_with(
        ValueError, "load_digits", f"test_size={test_size:g}", "empty", "between 0.003 and 0.991"
    ):
        nc.load_digits(test_size=test_size)


def test_the_smallest_allowed_test_size_holds_out_one_example_per_digit():
    split = nc.load_digits(test_size=0.003)
    assert sorted(split.y_test.tolist()) == list(range(10))
