"""Properties over random shapes and values (hypothesis), and numerics at extreme inputs.

Shapes of every gradient, reductions by the mean, and stable, warning-free
functions for inputs as large as 1e4 in size.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from nncore_fixtures import ACTIVATIONS, PROPERTY_SETTINGS, no_float_warnings

import nncore as nc
import nncore.functional as F

LOSS_NAMES = ["MSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "CrossEntropyProbs"]


def finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def networks(draw):
    """A random mlp (sizes 1..6, one to three hidden layers) and an input batch or vector."""
    sizes = draw(st.lists(st.integers(1, 6), min_size=2, max_size=5))
    activation = draw(st.sampled_from(sorted(ACTIVATIONS)))
    output = draw(st.sampled_from([None, "Sigmoid", "Softmax"]))
    batch = draw(st.one_of(st.none(), st.integers(1, 8)))
    shape = (sizes[0],) if batch is None else (batch, sizes[0])
    x = draw(hnp.arrays(np.float64, shape, elements=finite(-5, 5)))
    model = nc.mlp(
        sizes,
        activation=ACTIVATIONS[activation],
        output_activation=ACTIVATIONS[output] if output else None,
        rng=draw(st.integers(0, 2**32 - 1)),
    )
    return model, x, sizes


@st.composite
def loss_cases(draw, name=None, n=None, logit_size=50.0):
    """A loss name, a prediction of shape (n, k) and a valid target for it."""
    name = name or draw(st.sampled_from(LOSS_NAMES))
    n = n or draw(st.integers(1, 6))
    k = draw(st.integers(2 if name.startswith("CrossEntropy") else 1, 5))  # softmax: 2+
    shape = (n, k)
    unit = hnp.arrays(np.float64, shape, elements=finite(0.0, 1.0))
    if name == "MSELoss":
        pred = draw(hnp.arrays(np.float64, shape, elements=finite(-1e3, 1e3)))
        target = draw(hnp.arrays(np.float64, shape, elements=finite(-1e3, 1e3)))
    elif name == "BCELoss":
        pred, target = draw(unit), draw(unit)
    elif name == "BCEWithLogitsLoss":
        pred = draw(hnp.arrays(np.float64, shape, elements=finite(-logit_size, logit_size)))
        target = draw(unit)
    else:
        pred = draw(hnp.arrays(np.float64, shape, elements=finite(-logit_size, logit_size)))
        if name == "CrossEntropyLoss":
            target = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
        else:
            weights = draw(hnp.arrays(np.float64, shape, elements=finite(0.01, 1.0)))
            target = weights / weights.sum(axis=1, keepdims=True)
    return name, pred, target


def make_loss(name: str) -> nc.Loss:
    return nc.CrossEntropyLoss() if name == "CrossEntropyProbs" else getattr(nc, name)()


# ------------------------------------------------------------------------- shapes
@PROPERTY_SETTINGS
@given(networks(), st.integers(0, 2**32 - 1))
def test_every_gradient_has_the_shape_of_what_it_differentiates(case, seed):
    model, x, sizes = case
    out = model(x)
    assert out.shape == x.shape[:-1] + (sizes[-1],)
    g = np.random.default_rng(seed).normal(size=out.shape)
    dx = model.backward(g)
    assert dx.shape == x.shape
    for name, p in model.named_parameters():
        assert p.grad.shape == p.data.shape, name
    assert nc.count_parameters(model) == sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


@PROPERTY_SETTINGS
@given(networks())
def test_forward_trace_shapes(case):
    model, x, sizes = case
    model(x)
    trace = model.forward_trace()
    assert [t.z.shape[-1] for t in trace] == sizes[1:]
    assert all(t.z.shape == t.h.shape for t in trace)


@PROPERTY_SETTINGS
@given(loss_cases())
def test_loss_gradient_has_the_prediction_shape(case):
    name, pred, target = case
    loss = make_loss(name)
    loss(pred, target)
    assert loss.backward().shape == pred.shape


# ---------------------------------------------------------------------- reductions
@PROPERTY_SETTINGS
@given(loss_cases())
def test_losses_are_non_negative(case):
    name, pred, target = case
    with no_float_warnings():
        value = make_loss(name)(pred, target)
    assert math.isfinite(value)
    assert value >= -1e-12 * max(1.0, np.abs(pred).max())  # rounding of exp/log


@PROPERTY_SETTINGS
@given(loss_cases())
def test_losses_reduce_by_the_mean(case):
    """A batch repeated twice has the same loss, and each copy gets half the gradient."""
    name, pred, target = case
    loss = make_loss(name)
    value = loss(pred, target)
    grad = loss.backward().copy()
    doubled = loss(np.concatenate([pred, pred]), np.concatenate([target, target]))
    assert doubled == pytest.approx(value, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(
        loss.backward(), np.concatenate([grad, grad]) / 2, rtol=1e-12, atol=1e-300
    )


@PROPERTY_SETTINGS
@given(loss_cases(), st.randoms(use_true_random=False))
def test_losses_do_not_depend_on_example_order(case, random):
    name, pred, target = case
    order = list(range(len(pred)))
    random.shuffle(order)
    loss = make_loss(name)
    value = loss(pred, target)
    grad = loss.backward().copy()
    assert loss(pred[order], target[order]) == pytest.approx(value, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(loss.backward(), grad[order], rtol=1e-12, atol=1e-300)


@PROPERTY_SETTINGS
@given(loss_cases(name="CrossEntropyLoss"), finite(-100, 100))
def test_cross_entropy_ignores_a_shift_of_the_logits(case, shift):
    _, logits, labels = case
    loss = nc.CrossEntropyLoss()
    value = loss(logits, labels)
    assert loss(logits + shift, labels) == pytest.approx(value, rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------- softmax and sigmoid
@PROPERTY_SETTINGS
@given(
    hnp.arrays(
        np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6), elements=finite(-1e4, 1e4)
    )
)
def test_softmax_rows_sum_to_one(z):
    with no_float_warnings():
        s = nc.Softmax()(z)
        log_s = F.log_softmax(z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)
    assert np.all(np.isfinite(log_s)) and np.all(log_s <= 0)
    rows = np.arange(len(z))
    np.testing.assert_array_equal(s[rows, z.argmax(axis=-1)], s.max(axis=-1))  # order is kept


@PROPERTY_SETTINGS
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=finite(-1e4, 1e4)))
def test_sigmoid_is_stable_and_symmetric(z):
    layer = nc.Sigmoid()
    with no_float_warnings():
        s = layer(z)
        ds = layer.backward(np.ones_like(z))
        s_neg = F.sigmoid(-z)
    assert np.all((s >= 0) & (s <= 1)) and np.all(np.isfinite(ds))
    np.testing.assert_allclose(s + s_neg, 1.0, rtol=1e-15)
    assert np.all((ds >= 0) & (ds <= 0.25))


@PROPERTY_SETTINGS
@given(loss_cases(logit_size=1e4))
def test_losses_stay_finite_and_warning_free_at_extreme_logits(case):
    name, pred, target = case
    loss = make_loss(name)
    with no_float_warnings():
        value = loss(pred, target)
        grad = loss.backward()
    assert math.isfinite(value) and value >= -1e-12 * max(1.0, np.abs(pred).max())
    assert np.all(np.isfinite(grad))
    if name.startswith("CrossEntropy"):  # softmax minus a probability row: sums to 0
        np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)


# ------------------------------------------------------- numerics: exact limits at 1e4
BIG = 1e4


def test_sigmoid_limits():
    with no_float_warnings():
        s = F.sigmoid(np.array([-BIG, -745.0, 0.0, 40.0, BIG]))
    assert s[0] == 0.0 and s[2] == 0.5 and s[-1] == 1.0
    assert 0.0 <= s[1] < 1e-300
    assert s[3] == pytest.approx(1.0, abs=1e-17)


def test_sigmoid_layer_backward_at_extremes():
    layer = nc.Sigmoid()
    with no_float_warnings():
        layer(np.array([-BIG, BIG]))
        np.testing.assert_array_equal(layer.backward(np.ones(2)), [0.0, 0.0])


def test_softmax_and_log_softmax_limits():
    z = np.array([[BIG, -BIG, 0.0], [BIG, BIG, -BIG]])
    with no_float_warnings():
        s = F.softmax(z)
        log_s = F.log_softmax(z)
        lse = F.logsumexp(z)
    np.testing.assert_array_equal(s, [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    np.testing.assert_allclose(
        log_s,
        [[0.0, -2 * BIG, -BIG], [-math.log(2), -math.log(2), -2 * BIG - math.log(2)]],
        rtol=1e-12,
    )
    np.testing.assert_allclose(lse[:, 0], [BIG, BIG + math.log(2)], rtol=1e-15)


def test_log_softmax_keeps_full_precision_at_large_logits():
    """Equal logits of 1e4 give log(1/2) to the last bit when the maximum is subtracted first."""
    with no_float_warnings():
        log_s = F.log_softmax(np.array([[BIG, BIG], [-BIG, -BIG]]))
    np.testing.assert_allclose(log_s, np.full((2, 2), -math.log(2)), rtol=4e-16)


def test_cross_entropy_of_a_huge_logit_gap():
    loss = nc.CrossEntropyLoss()
    logits = np.array([[BIG, -BIG], [BIG, -BIG]])
    with no_float_warnings():
        wrong = loss(logits, np.array([1, 1]))
        wrong_grad = loss.backward().copy()
        right = loss(logits, np.array([0, 0]))
        right_grad = loss.backward().copy()
        soft = loss(logits, np.array([[0.5, 0.5], [0.5, 0.5]]))
    assert wrong == 2 * BIG  # -log softmax of the wrong class = the logit gap
    assert right == 0.0
    assert soft == BIG  # half of the gap
    np.testing.assert_array_equal(wrong_grad, [[0.5, -0.5], [0.5, -0.5]])  # (p - t) / n
    np.testing.assert_array_equal(right_grad, [[0.0, 0.0], [0.0, 0.0]])


def test_bce_with_logits_limits():
    loss = nc.BCEWithLogitsLoss()
    z = np.array([[BIG], [-BIG], [BIG], [-BIG]])
    t = np.array([[0.0], [1.0], [1.0], [0.0]])
    with no_float_warnings():
        value = loss(z, t)
        grad = loss.backward()
    assert value == BIG / 2  # two examples wrong by 1e4, two right: (1e4 + 1e4 + 0 + 0) / 4
    np.testing.assert_array_equal(grad, [[0.25], [-0.25], [0.0], [0.0]])


def test_bce_with_logits_small_loss_keeps_its_precision():
    loss = nc.BCEWithLogitsLoss()
    with no_float_warnings():
        value = loss(np.array([[40.0]]), np.array([[1.0]]))
    assert value == pytest.approx(math.exp(-40.0), rel=1e-12)  # log(1 + e^-40), not 0


def test_tanh_and_relu_at_extremes():
    z = np.array([-BIG, BIG])
    for layer, expected, slope in [
        (nc.Tanh(), [-1.0, 1.0], [0.0, 0.0]),
        (nc.ReLU(), [0.0, BIG], [0.0, 1.0]),
        (nc.LeakyReLU(0.01), [-100.0, BIG], [0.01, 1.0]),
    ]:
        with no_float_warnings():
            out = layer(z)
            grad = layer.backward(np.ones(2))
        np.testing.assert_allclose(out, expected, rtol=1e-15)
        np.testing.assert_allclose(grad, slope, rtol=1e-15)
