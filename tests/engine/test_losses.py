"""Losses: values by hand, and values and gradients against textbook references."""

import math

import numpy as np
import pytest
from nncore_fixtures import REFERENCE_LOSSES, loss_inputs, raises_with, soft_labels

import nncore as nc


# --------------------------------------------------------------------- hand values
def test_mse_averages_over_every_element():
    loss = nc.MSELoss()
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert loss(pred, np.zeros((2, 2))) == 7.5  # (1 + 4 + 9 + 16) / 4
    np.testing.assert_array_equal(loss.backward(), pred / 2.0)  # 2 * pred / 4


def test_bce_by_hand():
    loss = nc.BCELoss()
    assert loss([[0.5], [0.8]], [[1.0], [0.0]]) == pytest.approx(
        (math.log(2.0) - math.log(0.2)) / 2, rel=1e-15
    )
    # dL/dp = (-t/p + (1 - t)/(1 - p)) / 2
    np.testing.assert_allclose(loss.backward(), [[-1.0], [2.5]], rtol=1e-14)


def test_bce_with_logits_by_hand():
    loss = nc.BCEWithLogitsLoss()
    assert loss([[0.0], [0.0]], [[1.0], [0.0]]) == pytest.approx(math.log(2.0), rel=1e-15)
    np.testing.assert_allclose(loss.backward(), [[-0.25], [0.25]], rtol=1e-15)


def test_cross_entropy_of_equal_logits_is_log_k():
    loss = nc.CrossEntropyLoss()
    assert loss(np.zeros((2, 3)), np.array([0, 2])) == pytest.approx(math.log(3.0), rel=1e-15)
    expected = np.array([[1 / 3 - 1, 1 / 3, 1 / 3], [1 / 3, 1 / 3, 1 / 3 - 1]]) / 2
    np.testing.assert_allclose(loss.backward(), expected, rtol=1e-14)


def test_cross_entropy_by_hand():
    loss = nc.CrossEntropyLoss()
    logits = np.log([[1.0, 3.0]])  # softmax [0.25, 0.75]
    assert loss(logits, np.array([0])) == pytest.approx(math.log(4.0), rel=1e-15)
    np.testing.assert_allclose(loss.backward(), [[-0.75, 0.75]], rtol=1e-14)
    assert loss(logits, np.array([[0.5, 0.5]])) == pytest.approx(
        -0.5 * math.log(0.25) - 0.5 * math.log(0.75), rel=1e-15
    )


# ------------------------------------------------------ against the textbook formulas
# One column is a valid shape for every loss but cross-entropy, which refuses it (softmax
# over one class is always 1): see test_cross_entropy_refuses_a_single_column.
SHAPES = [
    (name, n, k)
    for name in REFERENCE_LOSSES
    for n, k in [(1, 1), (5, 3), (8, 4)]
    if not (name == "CrossEntropyLoss" and k == 1)
] + [("CrossEntropyLoss", 1, 2)]


@pytest.mark.parametrize(("name", "n", "k"), SHAPES)
def test_value_and_gradient_match_the_reference(name, n, k):
    cls, reference = REFERENCE_LOSSES[name]
    rng = np.random.default_rng(10 * n + k)
    pred, target = loss_inputs(name, rng, n=n, k=k)
    loss = cls()
    value = loss(pred, target)
    ref_value, ref_grad = reference(pred, target)
    assert type(value) is float
    assert value == pytest.approx(ref_value, rel=1e-12)
    grad = loss.backward()
    assert grad.shape == pred.shape
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-12, atol=1e-16)


def test_cross_entropy_with_probability_rows_matches_the_reference():
    rng = np.random.default_rng(0)
    logits, target = rng.normal(size=(6, 4)), soft_labels(rng, 6, 4)
    loss = nc.CrossEntropyLoss()
    ref_value, ref_grad = REFERENCE_LOSSES["CrossEntropyLoss"][1](logits, target)
    assert loss(logits, target) == pytest.approx(ref_value, rel=1e-12)
    np.testing.assert_allclose(loss.backward(), ref_grad, rtol=1e-12)


def test_cross_entropy_labels_equal_one_hot_rows():
    rng = np.random.default_rng(1)
    logits, labels = rng.normal(size=(7, 5)), rng.integers(0, 5, size=7)
    a, b = nc.CrossEntropyLoss(), nc.CrossEntropyLoss()
    assert a(logits, labels) == pytest.approx(b(logits, nc.one_hot(labels, 5)), rel=1e-14)
    np.testing.assert_allclose(a.backward(), b.backward(), rtol=1e-14, atol=1e-17)


def test_bce_with_logits_equals_bce_of_sigmoid():
    rng = np.random.default_rng(2)
    z, t = rng.normal(scale=3.0, size=(6, 2)), rng.uniform(size=(6, 2))
    s = 1.0 / (1.0 + np.exp(-z))
    with_logits, on_probs = nc.BCEWithLogitsLoss(), nc.BCELoss()
    assert with_logits(z, t) == pytest.approx(on_probs(s, t), rel=1e-12)
    # chain rule: dL/dz = dL/ds * s (1 - s)
    np.testing.assert_allclose(
        with_logits.backward(), on_probs.backward() * s * (1 - s), rtol=1e-10
    )


def test_bce_stays_finite_at_hard_probabilities():
    loss = nc.BCELoss()
    value = loss([[0.0], [1.0]], [[1.0], [0.0]])
    assert math.isfinite(value) and value > 30  # -log(machine epsilon) is about 36
    assert np.all(np.isfinite(loss.backward()))
    assert loss([[0.0], [1.0]], [[0.0], [1.0]]) == pytest.approx(0.0, abs=1e-15)


def test_backward_reflects_the_latest_call():
    loss = nc.MSELoss()
    loss(np.array([[1.0]]), np.array([[0.0]]))
    loss(np.array([[3.0]]), np.array([[0.0]]))
    np.testing.assert_array_equal(loss.backward(), [[6.0]])


@pytest.mark.parametrize("name", list(REFERENCE_LOSSES))
def test_loss_does_not_change_its_inputs(name):
    pred, target = loss_inputs(name, np.random.default_rng(3))
    before = pred.copy(), np.array(target, copy=True)
    loss = REFERENCE_LOSSES[name][0]()
    loss(pred, target)
    loss.backward()
    np.testing.assert_array_equal(pred, before[0])
    np.testing.assert_array_equal(target, before[1])


def test_loss_reprs():
    assert [
        repr(c()) for c in (nc.MSELoss, nc.BCELoss, nc.BCEWithLogitsLoss, nc.CrossEntropyLoss)
    ] == ["MSELoss()", "BCELoss()", "BCEWithLogitsLoss()", "CrossEntropyLoss()"]


def test_backward_returns_a_new_array_each_time():
    loss = nc.MSELoss()
    loss(np.array([[1.0], [3.0]]), np.zeros((2, 1)))
    first = loss.backward()
    first *= 100.0
    np.testing.assert_array_equal(loss.backward(), [[1.0], [3.0]])  # 2 (p - t) / 2


# ------------------------------------------------------------- inputs that mislead
@pytest.mark.parametrize(
    "target", [np.zeros(3, dtype=int), np.ones((3, 1))], ids=["labels", "probability-rows"]
)
def test_cross_entropy_refuses_a_single_column(target):
    # the softmax over one class is always 1: the loss would be 0 whatever the logits
    with raises_with(
        ValueError, "CrossEntropyLoss", "(3, 1)", "always 1", "BCEWithLogitsLoss", "two outputs"
    ):
        nc.CrossEntropyLoss()(np.array([[-2.0], [0.5], [3.0]]), target)


@pytest.mark.parametrize(
    "name, target",
    [
        ("CrossEntropyLoss", np.ma.masked_array([0, 1, 7], mask=[0, 0, 1])),
        ("CrossEntropyLoss", np.ma.masked_array(np.eye(3), mask=np.eye(3))),
        ("MSELoss", np.ma.masked_array(np.ones((3, 3)), mask=np.eye(3))),
        ("BCEWithLogitsLoss", np.ma.masked_array(np.ones((3, 3)), mask=np.eye(3))),
    ],
    ids=["labels", "probability-rows", "mse", "bce-with-logits"],
)
def test_a_masked_target_is_refused(name, target):
    with raises_with(ValueError, name, "masked array", "target", "filled"):
        getattr(nc, name)()(np.zeros((3, 3)), target)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.uint32, np.uint64])
def test_cross_entropy_takes_labels_of_every_integer_dtype_alike(dtype):
    logits = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0], [2.0, 2.0, 2.0]])
    labels = [2, 1, 0]
    reference = nc.CrossEntropyLoss()
    expected = reference(logits, np.array(labels))
    loss = nc.CrossEntropyLoss()
    # -log softmax of each row's own class, averaged: computed here from the formula
    shifted = logits - logits.max(axis=1, keepdims=True)
    by_hand = np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[[0, 1, 2], labels])
    assert loss(logits, np.array(labels, dtype=dtype)) == expected
    assert expected == pytest.approx(by_hand, rel=1e-15)
    np.testing.assert_array_equal(loss.backward(), reference.backward())
