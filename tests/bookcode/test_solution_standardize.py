"""Exercise 4.2's reference standardize_train_test: constant features map to 0."""

import numpy as np
import pytest

import nncore as nc
from nnbook.exercises.solutions import standardize_train_test


@pytest.mark.parametrize("value", [0.1, 1234.567, 5.0, 0.0])
def test_a_constant_feature_maps_to_zero_in_the_reference(value):
    # a column of 0.1s has a computed std of about 1e-17: dividing by it gives +-1, not 0
    rng = np.random.default_rng(0)
    x_train = np.column_stack([rng.normal(size=20), np.full(20, value)])
    x_test = np.column_stack([rng.normal(size=5), np.full(5, value)])
    train, test = standardize_train_test(x_train, x_test)
    np.testing.assert_allclose(train[:, 1], 0.0, atol=1e-12)
    np.testing.assert_allclose(test[:, 1], 0.0, atol=1e-12)
    np.testing.assert_allclose(train[:, 0].std(), 1.0, rtol=1e-12)
    scaler = nc.Standardizer().fit(x_train)
    np.testing.assert_allclose(train, scaler.transform(x_train), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(test, scaler.transform(x_test), rtol=1e-12, atol=1e-12)
