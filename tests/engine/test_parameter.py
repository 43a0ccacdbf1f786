"""nc.Parameter: float64 values, a gradient of the same shape, a readable name."""

import numpy as np
from nncore_fixtures import raises_with

import nncore as nc


def test_data_is_a_float64_copy():
    source = np.array([[1, 2, 3], [4, 5, 6]])  # integers
    p = nc.Parameter(source, name="w")
    assert p.data.dtype == np.float64
    np.testing.assert_array_equal(p.data, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    source[0, 0] = 100
    assert p.data[0, 0] == 1.0


def test_float64_input_is_copied_too():
    source = np.ones(3)
    p = nc.Parameter(source)
    p.data[0] = 7.0
    assert source[0] == 1.0


def test_grad_starts_as_zeros_of_the_same_shape():
    p = nc.Parameter(np.full((2, 3), 0.5))
    assert p.grad.shape == (2, 3)
    assert p.grad.dtype == np.float64
    assert not p.grad.any()


def test_shape_size_name_and_repr():
    p = nc.Parameter(np.zeros((3, 4)), name="0.weight")
    assert p.shape == (3, 4)
    assert p.size == 12
    assert p.name == "0.weight"
    assert repr(p) == "Parameter(name='0.weight', shape=(3, 4))"


def test_zero_grad_resets_in_place():
    p = nc.Parameter(np.zeros(4))
    grad = p.grad
    p.grad += np.array([1.0, -2.0, 3.0, 0.5])
    p.zero_grad()
    assert p.grad is grad
    np.testing.assert_array_equal(p.grad, np.zeros(4))


def test_non_finite_data_is_refused():
    with raises_with(ValueError, "Parameter", "NaN"):
        nc.Parameter([1.0, np.nan])


def test_non_numeric_data_is_refused():
    with raises_with(ValueError, "Parameter", "numeric"):
        nc.Parameter(["a", "b"])


# ----------------------------------------------------------------- assigning data and grad
def test_assigning_data_copies_values_in_and_keeps_references_live():
    p = nc.Parameter(np.zeros((2, 3)), name="w")
    seen_by_a_figure = p.data
    p.data = [[1, 2, 3], [4, 5, 6]]  # a list of integers
    assert p.data is seen_by_a_figure and p.data.dtype == np.float64
    np.testing.assert_array_equal(seen_by_a_figure, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_assigning_data_of_another_shape_is_refused():
    p = nc.Parameter(np.zeros((2, 3)), name="0.weight")
    with raises_with(ValueError, "'0.weight'", "keep the shape (2, 3)", "(3, 2)"):
        p.data = np.zeros((3, 2))


def test_assigning_nan_data_is_refused():
    p = nc.Parameter(np.zeros(2), name="b")
    with raises_with(ValueError, "'b'", "NaN"):
        p.data = [0.0, np.nan]


def test_grad_none_means_zeros_and_backward_still_accumulates():
    layer = nc.Linear(2, 1, weight_init=nc.init.constant(1.0), bias_init=nc.init.zeros())
    layer.weight.grad += 5.0
    layer.weight.grad = None  # the PyTorch habit
    np.testing.assert_array_equal(layer.weight.grad, [[0.0, 0.0]])
    layer(np.array([[1.0, 2.0]]))
    layer.backward(np.array([[1.0]]))
    np.testing.assert_array_equal(layer.weight.grad, [[1.0, 2.0]])


def test_assigning_a_grad_of_another_shape_is_refused():
    p = nc.Parameter(np.zeros(3), name="b")
    with raises_with(ValueError, "'b'", "grad", "keep the shape (3,)"):
        p.grad = np.zeros(2)
