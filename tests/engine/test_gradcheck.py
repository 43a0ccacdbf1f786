"""Gradient checks: every layer and every loss against centred differences.

Every check uses float64, h = 1e-5 and several outputs (k > 1), so a loss whose
gradient used a different reduction than its value (scikit-learn's bug #8349:
squared error averaged over n*k, gradient divided by n) would be caught.
"""

import math

import numpy as np
import pytest
from nncore_fixtures import (
    ACTIVATIONS,
    GRAD_TOL,
    REFERENCE_LOSSES,
    checkable_input,
    loss_inputs,
    raises_with,
    soft_labels,
)

import nncore as nc


def assert_all_below(errors: dict[str, float], tol: float = GRAD_TOL) -> None:
    assert errors, "the gradient check compared nothing"
    failing = {name: e for name, e in errors.items() if not e < tol}  # NaN fails too
    assert not failing, f"relative errors not below {tol:g}: {failing}"


# ------------------------------------------------------------- numerical_gradient
def test_numerical_gradient_of_a_cubic():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    grad = nc.numerical_gradient(lambda: float(np.sum(x**3)), x)
    assert grad.shape == x.shape
    assert nc.relative_error(grad, 3 * x**2) < 1e-9


def test_numerical_gradient_of_sin_times_exp():
    x = np.array([0.3, -0.7])
    grad = nc.numerical_gradient(lambda: math.sin(x[0]) * math.exp(x[1]), x)
    expected = [math.cos(0.3) * math.exp(-0.7), math.sin(0.3) * math.exp(-0.7)]
    assert nc.relative_error(grad, expected) < 1e-9


def test_numerical_gradient_restores_x():
    x = np.random.default_rng(0).normal(size=(3, 4))
    before = x.copy()
    nc.numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_uses_the_step_given():
    x = np.array([1.0])
    # for x^2 the centred difference is exact: ((1 + h)^2 - (1 - h)^2) / 2h = 2
    assert nc.numerical_gradient(lambda: float(x[0] ** 2), x, h=0.5)[0] == 2.0
    # for x^3 it is 3x^2 + h^2: the step shows up
    assert nc.numerical_gradient(lambda: float(x[0] ** 3), x, h=0.5)[0] == pytest.approx(3.25)


# ------------------------------------------------------------------ relative_error
def test_relative_error_values():
    assert nc.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert nc.relative_error([1.0], [3.0]) == pytest.approx(0.5)  # 2 / (1 + 3)
    assert nc.relative_error([1.0, 1.0], [1.0, -1.0]) == pytest.approx(1.0)  # the largest
    # below the 1e-8 floor the absolute difference is divided by 1e-8
    assert nc.relative_error([0.0], [1e-10]) == pytest.approx(1e-2)


def test_relative_error_of_empty_arrays_is_zero():
    assert nc.relative_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0


# ---------------------------------------------------------------- every layer
def _network_with(activation_name: str) -> nc.Sequential:
    rng = np.random.default_rng(sum(map(ord, activation_name)))
    return nc.Sequential(
        nc.Linear(3, 5, rng=rng), ACTIVATIONS[activation_name](), nc.Linear(5, 4, rng=rng)
    )


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_layer_alone(name):
    rng = np.random.default_rng(1)
    layer = ACTIVATIONS[name]()
    target = rng.normal(size=(6, 4))
    x = checkable_input(layer, rng, (6, 4), target, nc.MSELoss())
    errors = nc.gradient_check(layer, x, target, nc.MSELoss())
    assert set(errors) == {"input"}
    assert_all_below(errors)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_between_two_linear_layers(name):
    rng = np.random.default_rng(2)
    model = _network_with(name)
    target = rng.normal(size=(7, 4))
    x = checkable_input(model, rng, (7, 3), target, nc.MSELoss())
    errors = nc.gradient_check(model, x, target, nc.MSELoss())
    assert set(errors) == {"0.weight", "0.bias", "2.weight", "2.bias", "input"}
    assert_all_below(errors)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_sum_of_outputs_without_a_loss(name):
    rng = np.random.default_rng(3)
    model = _network_with(name)
    x = checkable_input(model, rng, (5, 3))
    assert_all_below(nc.gradient_check(model, x))


def test_linear_alone_batched_and_unbatched():
    rng = np.random.default_rng(4)
    layer = nc.Linear(4, 3, rng=rng)
    for shape in [(5, 4), (4,)]:
        target = rng.normal(size=shape[:-1] + (3,))
        x = checkable_input(layer, rng, shape, target, nc.MSELoss())
        assert_all_below(nc.gradient_check(layer, x, target, nc.MSELoss()))


def test_deep_relu_network():
    rng = np.random.default_rng(5)
    model = nc.mlp([4, 6, 5, 3], rng=rng)
    labels = rng.integers(0, 3, size=8)
    x = checkable_input(model, rng, (8, 4), labels, nc.CrossEntropyLoss())
    errors = nc.gradient_check(model, x, labels, nc.CrossEntropyLoss())
    assert len(errors) == 7
    assert_all_below(errors)


# ----------------------------------------------------------------- every loss
def _loss_model(name: str, rng: np.random.Generator, k: int) -> nc.Sequential:
    """A small tanh network whose k outputs suit the loss (a Sigmoid for BCELoss)."""
    layers = [nc.Linear(3, 4, rng=rng), nc.Tanh(), nc.Linear(4, k, rng=rng)]
    if name == "BCELoss":
        layers.append(nc.Sigmoid())
    return nc.Sequential(*layers)


@pytest.mark.parametrize("name", list(REFERENCE_LOSSES))
@pytest.mark.parametrize("k", [2, 4])
def test_every_loss_with_several_outputs(name, k):
    rng = np.random.default_rng(6 + k)
    n = 6
    model = _loss_model(name, rng, k)
    _, target = loss_inputs(name, rng, n=n, k=k)
    loss = REFERENCE_LOSSES[name][0]()
    x = checkable_input(model, rng, (n, 3), target, loss)
    assert_all_below(nc.gradient_check(model, x, target, loss))


def test_cross_entropy_with_probability_rows():
    rng = np.random.default_rng(7)
    model = _loss_model("CrossEntropyLoss", rng, 4)
    target = soft_labels(rng, 5, 4)
    x = checkable_input(model, rng, (5, 3), target, nc.CrossEntropyLoss())
    errors = nc.gradient_check(model, x, target, nc.CrossEntropyLoss())
    assert_all_below(errors)


@pytest.mark.parametrize("name", list(REFERENCE_LOSSES))
def test_loss_gradient_against_differences_of_the_reference(name):
    """nncore's backward against finite differences of the textbook formula (no nncore value)."""
    rng = np.random.default_rng(8)
    pred, target = loss_inputs(name, rng, n=4, k=3)
    cls, reference = REFERENCE_LOSSES[name]
    loss = cls()
    loss(pred, target)
    numeric = nc.numerical_gradient(lambda: reference(pred, target)[0], pred)
    assert nc.relative_error(loss.backward(), numeric) < GRAD_TOL


# ------------------------------------------------------- the check can fail
class _Sklearn8349SquaredError:
    """scikit-learn's bug #8349: value averaged over n*k, gradient divided by n only."""

    def __call__(self, pred, target):
        diff = pred - target
        self._grad = 2.0 * diff / pred.shape[0]
        return float(np.mean(diff**2))

    def backward(self):
        return self._grad


class _WrongSquare(nc.Module):
    """x**2 with a backward that forgot the factor 2."""

    def forward(self, x):
        self._x = np.asarray(x, dtype=float)
        return self._x**2

    def backward(self, grad_output):
        return grad_output * self._x


def test_gradient_check_catches_a_reduction_mismatch():
    rng = np.random.default_rng(9)
    model = nc.Sequential(nc.Linear(3, 4, rng=rng))
    errors = nc.gradient_check(
        model, rng.normal(size=(5, 3)), rng.normal(size=(5, 4)), _Sklearn8349SquaredError()
    )
    assert min(errors.values()) > 0.5  # the gradient is k = 4 times too large: error 3/5


def test_gradient_check_catches_a_wrong_backward():
    rng = np.random.default_rng(10)
    model = nc.Sequential(nc.Linear(3, 4, rng=rng), _WrongSquare(), nc.Linear(4, 2, rng=rng))
    errors = nc.gradient_check(model, rng.normal(size=(5, 3)))
    assert errors["0.weight"] > 0.1 and errors["input"] > 0.1
    assert errors["2.weight"] < GRAD_TOL  # layers after the broken one are still right


def test_gradient_check_leaves_the_model_unchanged():
    rng = np.random.default_rng(11)
    model = nc.mlp([3, 4, 2], rng=rng)
    before = [p.data.copy() for p in model.parameters()]
    nc.gradient_check(model, rng.normal(size=(4, 3)))
    for b, p in zip(before, model.parameters()):
        np.testing.assert_array_equal(b, p.data)


def test_default_objective_checks_a_softmax_output():
    # the outputs of a Softmax sum to 1, so a plain sum has gradient 0 and checks nothing
    model = nc.Sequential(nc.Linear(3, 4, rng=0), nc.Softmax())
    x = np.random.default_rng(1).normal(size=(5, 3))
    errors = nc.gradient_check(model, x)
    assert_all_below(errors)
    model.zero_grad()
    model(x)
    model.backward(np.ones((5, 4)))
    assert np.abs(model[0].weight.grad).max() < 1e-12  # why a plain sum would prove nothing


def test_default_objective_catches_a_wrong_softmax_backward():
    class WrongSoftmax(nc.Softmax):
        def _backward(self, g, s):
            return g * s * (1.0 - s)  # the elementwise rule: misses the cross terms

    model = nc.Sequential(nc.Linear(3, 4, rng=0), WrongSoftmax())
    errors = nc.gradient_check(model, np.random.default_rng(1).normal(size=(5, 3)))
    assert max(errors.values()) > 1e-3


# ---------------------------------------------------- NaN cannot pass as a small error
@pytest.mark.parametrize(
    "a, b",
    [
        ([np.nan, 1.0], [1.0, 1.0]),
        ([1.0, np.nan], [1.0, 1.0]),
        ([1.0, 2.0], [np.nan, 2.0]),
        ([np.inf, 1.0], [np.inf, 1.0]),
        ([1.0, -np.inf], [1.0, 3.0]),
    ],
)
def test_relative_error_with_nan_or_infinity_is_infinite(a, b):
    assert nc.relative_error(a, b) == math.inf


class _NanGradient(nc.Module):
    """y = w * x, whose backward pass writes NaN into the gradient of ``w``."""

    def __init__(self) -> None:
        self.w = nc.Parameter(np.ones(3), name="w")

    def named_parameters(self):
        return iter([("w", self.w)])

    def _forward(self, x):
        return x * self.w.data, x

    def _backward(self, g, x):
        self.w.grad += np.sum(g * x, axis=0)
        self.w.grad[1] = np.nan
        return g * self.w.data


@pytest.mark.parametrize("first", [True, False])
def test_a_nan_gradient_fails_however_the_errors_are_ordered(first):
    layer = _NanGradient()
    model = (
        nc.Sequential(layer, nc.Linear(3, 2, rng=0))
        if first
        else nc.Sequential(nc.Linear(3, 3, rng=0), layer)
    )
    errors = nc.gradient_check(model, np.random.default_rng(0).normal(size=(4, 3)))
    name = "0.w" if first else "1.w"
    assert errors[name] == math.inf
    assert not max(errors.values()) < GRAD_TOL  # Python's max() would hide a NaN
    assert sorted(errors.values())[-1] == math.inf


# ----------------------------------------------------- the caller's state afterwards
def test_gradient_check_restores_the_accumulated_gradients():
    rng = np.random.default_rng(12)
    model = nc.mlp([3, 4, 2], rng=rng)
    x, target = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    loss = nc.MSELoss()
    loss(model(x), target)
    model.backward(loss.backward())  # gradients the caller has accumulated
    before = {name: p.grad.copy() for name, p in model.named_parameters()}
    assert all(np.abs(g).max() > 0 for g in before.values())
    nc.gradient_check(model, rng.normal(size=(6, 3)), rng.normal(size=(6, 2)), nc.MSELoss())
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.grad, before[name], err_msg=name)


def test_gradient_check_restores_the_gradients_when_it_fails():
    rng = np.random.default_rng(13)
    model = nc.mlp([3, 2], rng=rng)
    model[0].weight.grad = np.full((2, 3), 7.0)

    class Broken(nc.MSELoss):
        def forward(self, pred, target):
            if np.any(model[0].weight.data != start):  # fails once perturbed
                raise RuntimeError("a loss that fails")
            return super().forward(pred, target)

    start = model[0].weight.data.copy()
    with pytest.raises(RuntimeError, match="a loss that fails"):
        nc.gradient_check(model, rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), Broken())
    np.testing.assert_array_equal(model[0].weight.grad, np.full((2, 3), 7.0))
    np.testing.assert_array_equal(model[0].weight.data, start)  # the perturbation undone


def test_numerical_gradient_restores_x_when_f_fails():
    x = np.array([1.0, 2.0])

    def f():
        if x[0] != 1.0:
            raise RuntimeError("f fails")
        return 0.0

    with pytest.raises(RuntimeError, match="f fails"):
        nc.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_needs_an_array():
    with raises_with(TypeError, "numerical_gradient", "numpy array", "list"):
        nc.numerical_gradient(lambda: 0.0, [1.0, 2.0])


def test_relative_error_refuses_masked_arrays():
    masked = np.ma.masked_array([1.0, 5.0], mask=[0, 1])
    with raises_with(ValueError, "relative_error", "masked"):
        nc.relative_error(masked, [1.0, 1.0])


@pytest.mark.parametrize("x", [np.zeros((0, 3)), np.zeros(0)])
def test_gradient_check_refuses_an_empty_batch(x):
    # zeros compared with zeros: every error would be 0.0 and prove nothing
    with raises_with(ValueError, "gradient_check", "empty", "at least one example"):
        nc.gradient_check(nc.mlp([3, 4, 2], rng=0), x)
