"""Layers: forward values and backward rules worked out by hand."""

import math

import numpy as np
import pytest
from nncore_fixtures import ACTIVATIONS, raises_with

import nncore as nc


# ------------------------------------------------------------------------------ Linear
@pytest.fixture
def linear_2x3():
    """Linear(3, 2) with W = [[1, 2, 3], [4, 5, 6]] and b = [0.5, -1]."""
    layer = nc.Linear(3, 2, rng=0)
    layer.weight.data[...] = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    layer.bias.data[...] = [0.5, -1.0]
    return layer


def test_linear_parameter_shapes_follow_pytorch():
    layer = nc.Linear(4, 2, rng=0)
    assert layer.weight.shape == (2, 4)  # W^(1) in R^{2x4}
    assert layer.bias.shape == (2,)
    assert (layer.in_features, layer.out_features) == (4, 2)
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.parameters() == [layer.weight, layer.bias]


def test_linear_forward_by_hand(linear_2x3):
    x = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    # row 1: [1 - 3 + 0.5, 4 - 6 - 1]; row 2: [2 + 2 + 0.5, 8 + 5 - 1]
    np.testing.assert_array_equal(linear_2x3(x), [[-1.5, -3.0], [4.5, 12.0]])


def test_linear_backward_by_hand(linear_2x3):
    x = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    linear_2x3(x)
    g = np.array([[1.0, 0.0], [0.0, 1.0]])
    dx = linear_2x3.backward(g)
    # dL/dx = g @ W; dL/dW[i, j] = sum_n g[n, i] x[n, j]; dL/db = column sums of g
    np.testing.assert_array_equal(dx, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(linear_2x3.weight.grad, [[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    np.testing.assert_array_equal(linear_2x3.bias.grad, [1.0, 1.0])


def test_linear_matches_an_explicit_sum():
    rng = np.random.default_rng(1)
    layer = nc.Linear(5, 3, rng=rng)
    x = rng.normal(size=(4, 5))
    W, b = layer.weight.data, layer.bias.data
    expected = np.array(
        [[sum(W[i, j] * x[n, j] for j in range(5)) + b[i] for i in range(3)] for n in range(4)]
    )
    np.testing.assert_allclose(layer(x), expected, rtol=1e-13, atol=1e-14)


def test_unbatched_input_gives_unbatched_output(linear_2x3):
    x = np.array([1.0, 0.0, -1.0])
    out = linear_2x3(x)
    assert out.shape == (2,)
    np.testing.assert_array_equal(out, [-1.5, -3.0])
    dx = linear_2x3.backward(np.array([1.0, 2.0]))
    assert dx.shape == (3,)
    np.testing.assert_array_equal(dx, [9.0, 12.0, 15.0])  # [1, 2] @ W
    np.testing.assert_array_equal(linear_2x3.weight.grad, [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0]])
    np.testing.assert_array_equal(linear_2x3.bias.grad, [1.0, 2.0])


def test_unbatched_equals_a_batch_of_one():
    rng = np.random.default_rng(2)
    layer = nc.Linear(4, 3, rng=rng)
    x, g = rng.normal(size=4), rng.normal(size=3)
    single = layer(x)
    dx_single = layer.backward(g)
    grads_single = [p.grad.copy() for p in layer.parameters()]
    layer.zero_grad()
    batch = layer(x[None, :])
    dx_batch = layer.backward(g[None, :])
    np.testing.assert_allclose(single, batch[0], rtol=1e-15)
    np.testing.assert_allclose(dx_single, dx_batch[0], rtol=1e-15)
    for a, p in zip(grads_single, layer.parameters()):
        np.testing.assert_allclose(a, p.grad, rtol=1e-15)


def test_gradients_accumulate_until_zero_grad(linear_2x3):
    x = np.array([[1.0, 2.0, 3.0]])
    g = np.array([[1.0, -1.0]])
    linear_2x3(x)
    linear_2x3.backward(g)
    first = linear_2x3.weight.grad.copy()
    linear_2x3(x)
    linear_2x3.backward(g)
    np.testing.assert_array_equal(linear_2x3.weight.grad, 2 * first)
    np.testing.assert_array_equal(linear_2x3.bias.grad, [2.0, -2.0])
    linear_2x3.zero_grad()
    assert not linear_2x3.weight.grad.any() and not linear_2x3.bias.grad.any()


def test_backward_uses_the_last_forward(linear_2x3):
    linear_2x3(np.array([[5.0, 5.0, 5.0]]))
    linear_2x3(np.array([[1.0, 0.0, 0.0]]))
    linear_2x3.backward(np.array([[1.0, 1.0]]))
    np.testing.assert_array_equal(linear_2x3.weight.grad, [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])


def test_linear_repr():
    assert repr(nc.Linear(4, 2, rng=0)) == "Linear(in_features=4, out_features=2)"


# ------------------------------------------------------------------------- activations
def _forward_backward(layer, z, g=None):
    out = layer(np.asarray(z, dtype=float))
    grad = layer.backward(np.ones_like(out) if g is None else np.asarray(g, dtype=float))
    return out, grad


def test_relu_values_and_derivative():
    out, grad = _forward_backward(nc.ReLU(), [-2.0, -1e-12, 1e-12, 3.0])
    np.testing.assert_array_equal(out, [0.0, 0.0, 1e-12, 3.0])
    np.testing.assert_array_equal(grad, [0.0, 0.0, 1.0, 1.0])


def test_relu_derivative_at_exactly_zero_is_zero():
    out, grad = _forward_backward(nc.ReLU(), [0.0, -0.0])
    np.testing.assert_array_equal(out, [0.0, 0.0])
    np.testing.assert_array_equal(grad, [0.0, 0.0])


def test_leaky_relu_slope_below_zero():
    out, grad = _forward_backward(nc.LeakyReLU(0.1), [-2.0, -0.5, 3.0])
    np.testing.assert_allclose(out, [-0.2, -0.05, 3.0], rtol=1e-15)
    np.testing.assert_allclose(grad, [0.1, 0.1, 1.0], rtol=1e-15)


def test_leaky_relu_default_slope_is_pytorchs():
    layer = nc.LeakyReLU()
    assert layer.negative_slope == 0.01
    out, grad = _forward_backward(layer, [-100.0])
    np.testing.assert_allclose(out, [-1.0], rtol=1e-15)
    np.testing.assert_allclose(grad, [0.01], rtol=1e-15)
    assert repr(nc.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"


def test_sigmoid_values_and_derivative():
    z = [-1.0, 0.0, 2.0]
    out, grad = _forward_backward(nc.Sigmoid(), z)
    s = [1.0 / (1.0 + math.exp(-v)) for v in z]
    np.testing.assert_allclose(out, s, rtol=1e-15)
    np.testing.assert_allclose(grad, [v * (1.0 - v) for v in s], rtol=1e-14)
    assert out[1] == 0.5 and grad[1] == 0.25


def test_tanh_values_and_derivative():
    z = [-0.5, 0.0, 1.0]
    out, grad = _forward_backward(nc.Tanh(), z, g=[2.0, 2.0, 2.0])
    np.testing.assert_allclose(out, [math.tanh(v) for v in z], rtol=1e-15)
    np.testing.assert_allclose(grad, [2.0 / math.cosh(v) ** 2 for v in z], rtol=1e-14)


def test_identity_passes_values_and_gradients_through():
    out, grad = _forward_backward(nc.Identity(), [-3.0, 0.0, 7.0], g=[1.0, 2.0, 3.0])
    np.testing.assert_array_equal(out, [-3.0, 0.0, 7.0])
    np.testing.assert_array_equal(grad, [1.0, 2.0, 3.0])


def test_softmax_values_by_hand():
    z = np.log([[1.0, 2.0, 3.0], [5.0, 5.0, 10.0]])
    out = nc.Softmax()(z)
    np.testing.assert_allclose(out, [[1 / 6, 2 / 6, 3 / 6], [0.25, 0.25, 0.5]], rtol=1e-15)


def test_softmax_backward_by_hand():
    layer = nc.Softmax()
    layer(np.log([1.0, 2.0, 3.0]))
    # s = [1, 2, 3] / 6 and g = e_1: s * (g - s.g) = [5, -2, -3] / 36
    np.testing.assert_allclose(
        layer.backward([1.0, 0.0, 0.0]), np.array([5, -2, -3]) / 36, rtol=1e-14
    )


def test_softmax_backward_is_the_jacobian_product():
    rng = np.random.default_rng(3)
    z, g = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    layer = nc.Softmax()
    s = layer(z)
    for i in range(4):
        jacobian = np.diag(s[i]) - np.outer(s[i], s[i])  # ds_a / dz_b
        np.testing.assert_allclose(layer.backward(g)[i], jacobian.T @ g[i], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activations_keep_any_shape(name):
    layer = ACTIVATIONS[name]()
    z = np.random.default_rng(4).normal(size=(2, 3, 4))
    out = layer(z)
    assert out.shape == z.shape
    assert layer.backward(np.ones_like(out)).shape == z.shape
    assert layer.parameters() == []


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activations_do_not_change_their_input(name):
    z = np.random.default_rng(5).normal(size=(3, 4))
    before = z.copy()
    layer = ACTIVATIONS[name]()
    layer(z)
    layer.backward(np.ones_like(z))
    np.testing.assert_array_equal(z, before)


@pytest.mark.parametrize(
    "layer, text",
    [
        (nc.ReLU(), "ReLU()"),
        (nc.Sigmoid(), "Sigmoid()"),
        (nc.Tanh(), "Tanh()"),
        (nc.Identity(), "Identity()"),
        (nc.Softmax(), "Softmax()"),
    ],
)
def test_activation_repr(layer, text):
    assert repr(layer) == text


# ------------------------------------------------------------ at the kink and in place
def test_leaky_relu_at_exactly_zero_takes_the_negative_slope():
    layer = nc.LeakyReLU(0.1)
    np.testing.assert_array_equal(layer(np.array([0.0, -2.0, 3.0])), [0.0, -0.2, 3.0])
    np.testing.assert_array_equal(layer.backward(np.ones(3)), [0.1, 0.1, 1.0])


def test_relu_at_exactly_zero_passes_no_gradient():
    layer = nc.ReLU()
    layer(np.zeros(3))
    np.testing.assert_array_equal(layer.backward(np.ones(3)), [0.0, 0.0, 0.0])


def test_identity_hands_out_a_new_array():
    x = np.array([1.0, 2.0])
    out = nc.Identity()(x)
    assert out is not x
    out *= 10.0
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_editing_the_input_after_forward_changes_no_gradient(linear_2x3):
    x = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    linear_2x3(x)
    x *= 10.0
    linear_2x3.backward(np.array([[1.0, 0.0], [0.0, 1.0]]))
    # as in test_linear_backward_by_hand, from the x that went forward
    np.testing.assert_array_equal(linear_2x3.weight.grad, [[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])


def test_the_kept_input_holds_the_inputs_exact_values():
    """Subnormals and the largest floats survive the private copy unchanged."""
    tiny, huge = 5e-324, 1.7976931348623157e308
    x = np.array([[tiny, -huge, 3.0], [-tiny, 1.0, 0.1]])
    layer = nc.Linear(3, 1, rng=0)
    layer(x)
    x[...] = 7.0  # the caller's array changes; the layer's copy must not
    layer.backward(np.array([[1.0], [2.0]]))
    # dW = g.T @ x: 1 * (row 0) + 2 * (row 1), column by column
    np.testing.assert_array_equal(layer.weight.grad, [[-tiny, -huge + 2.0, 3.0 + 0.2]])


@pytest.mark.parametrize("name", ["Sigmoid", "Tanh", "Softmax"])
def test_editing_the_output_after_forward_changes_no_gradient(name):
    rng = np.random.default_rng(3)
    z, g = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    clean = ACTIVATIONS[name]()
    clean(z)
    expected = clean.backward(g)
    layer = ACTIVATIONS[name]()
    out = layer(z)
    out *= 100.0
    np.testing.assert_array_equal(layer.backward(g), expected)


def test_editing_a_models_output_changes_no_gradient():
    model = nc.mlp([3, 2, 1], output_activation=nc.Sigmoid, rng=0)
    x, g = np.ones((2, 3)), np.ones((2, 1))
    model(x)
    expected = model.backward(g)
    out = model(x)
    out *= 100.0
    np.testing.assert_array_equal(model.backward(g), expected)


def test_a_stale_gradient_is_refused_by_a_single_layer():
    layer = nc.Linear(2, 1, rng=0)
    loss = nc.MSELoss()
    loss(layer(np.ones((3, 2))), np.zeros((3, 1)))
    layer(np.zeros((3, 2)))
    with raises_with(RuntimeError, "Linear", "earlier forward pass", "model(x) again"):
        layer.backward(loss.backward())


# ----------------------------------------------------------------------- single numbers
@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("z", [0.5, 2, np.float64(-1.5), np.array(0.25)], ids=repr)
def test_activations_take_a_single_number_as_a_0d_array(name, z):
    layer = ACTIVATIONS[name]()
    out = layer(z)
    expected = ACTIVATIONS[name]()(np.array([float(z)]))  # the same value in a 1-element array
    assert type(out) is np.ndarray and out.shape == () and out.dtype == np.float64
    np.testing.assert_array_equal(out, expected[0] if name != "Softmax" else 1.0)
    grad = layer.backward(1.0)
    assert type(grad) is np.ndarray and grad.shape == ()


def test_sigmoid_of_a_single_number_by_hand():
    layer = nc.Sigmoid()
    assert layer(0.0) == 0.5
    assert layer.backward(2.0) == 0.5  # 2 * s * (1 - s) at s = 1/2
    assert nc.Tanh()(0.5) == pytest.approx(math.tanh(0.5), rel=1e-15)


def test_softmax_of_a_single_number_is_one_with_zero_gradient():
    layer = nc.Softmax()
    assert layer(3.0) == 1.0
    assert layer.backward(5.0) == 0.0


def test_a_single_number_through_activations_in_a_sequential():
    model = nc.Sequential(nc.Sigmoid(), nc.Tanh())
    out = model(0.0)
    assert out.shape == () and out == pytest.approx(math.tanh(0.5), rel=1e-15)
    assert model.backward(1.0).shape == ()


# ------------------------------------------------------------------ replacing parameters
def test_a_replacement_parameter_of_the_right_shape_is_used():
    layer = nc.Linear(2, 1, rng=0)
    layer.weight = nc.Parameter([[1.0, 2.0]])
    layer.bias = nc.Parameter([0.5])
    np.testing.assert_array_equal(layer(np.array([[1.0, 1.0]])), [[3.5]])
    assert layer.parameters() == [layer.weight, layer.bias]
    assert [p.name for p in layer.parameters()] == ["weight", "bias"]


def test_a_replacement_parameter_takes_the_name_in_the_model():
    model = nc.mlp([2, 3, 1], rng=0)
    model[2].weight = nc.Parameter(np.zeros((1, 3)))
    assert model[2].weight.name == "2.weight"
    assert [name for name, _ in model.named_parameters()][2] == "2.weight"


# ------------------------------------------------------------------- refused inputs and setups
def test_softmax_over_an_empty_last_axis_is_refused():
    with raises_with(ValueError, "Softmax", "last axis", "(3, 0)", "no values"):
        nc.Softmax()(np.zeros((3, 0)))


@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "logsumexp"])
def test_functional_softmax_over_an_empty_axis_is_refused(fn):
    with raises_with(ValueError, fn, "axis -1", "(2, 0)", "no values"):
        getattr(nc.functional, fn)(np.zeros((2, 0)))


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_functional_softmax_of_a_single_number(fn):
    expected = {"softmax": 1.0, "log_softmax": 0.0}[fn]
    assert getattr(nc.functional, fn)(np.float64(2.5)) == expected
    assert getattr(nc.functional, fn)(2.5) == expected


@pytest.mark.parametrize("name", ["weight", "bias"])
def test_assigning_an_array_to_a_layer_parameter_is_refused_with_the_way_out(name):
    layer = nc.Linear(3, 2, rng=0)
    shape = {"weight": (2, 3), "bias": (2,)}[name]
    with raises_with(
        TypeError, "Linear", name, "nc.Parameter", "ndarray", f"layer.{name}.data[...] = "
    ):
        setattr(layer, name, np.ones(shape))
    assert isinstance(getattr(layer, name), nc.Parameter)


def test_assigning_a_parameter_of_another_shape_is_refused():
    layer = nc.Linear(3, 2, rng=0)
    with raises_with(ValueError, "Linear", "weight", "(2, 3)", "(3, 2)", "nc.Linear(2, 3)"):
        layer.weight = nc.Parameter(np.zeros((3, 2)))


def test_linear_sizes_are_fixed():
    layer = nc.Linear(3, 2, rng=0)
    with raises_with(AttributeError, "Linear", "in_features", "nc.Linear(5, 2)"):
        layer.in_features = 5


def test_a_single_number_into_linear_gets_a_hint():
    with raises_with(ValueError, "Linear", "(1,)", "single number", "[x]"):
        nc.Linear(1, 1, rng=0)(0.5)


def test_leaky_relu_slope_is_checked_when_changed():
    layer = nc.LeakyReLU()
    with raises_with(ValueError, "LeakyReLU", "negative_slope", "real number"):
        layer.negative_slope = "0.1"
    layer.negative_slope = 0.2
    np.testing.assert_allclose(layer(np.array([-1.0])), [-0.2], rtol=1e-15)
