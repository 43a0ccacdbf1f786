"""accuracy and confusion_matrix, by hand."""

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore as nc


def test_accuracy_by_hand():
    assert nc.accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    assert nc.accuracy(np.array([1, 1]), np.array([0, 0])) == 0.0
    assert type(nc.accuracy([1], [1])) is float


def test_accuracy_accepts_booleans():
    assert nc.accuracy(np.array([True, False, True]), np.array([1, 0, 0])) == pytest.approx(2 / 3)


def test_confusion_matrix_by_hand():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    expected = [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    cm = nc.confusion_matrix(y_true, y_pred, 3)
    np.testing.assert_array_equal(cm, expected)
    assert cm.dtype.kind == "i"
    assert cm.sum() == 6 and np.trace(cm) / cm.sum() == nc.accuracy(y_pred, y_true)


def test_confusion_matrix_has_rows_for_absent_classes():
    np.testing.assert_array_equal(
        nc.confusion_matrix([0, 0], [0, 0], 3), [[2, 0, 0], [0, 0, 0], [0, 0, 0]]
    )


def test_scores_instead_of_labels_get_a_hint():
    with raises_with(ValueError, "accuracy", "y_pred", "argmax"):
        nc.accuracy(np.zeros((4, 3)), np.zeros(4, dtype=int))


def test_float_labels_are_refused():
    with raises_with(ValueError, "accuracy", "integer"):
        nc.accuracy(np.array([0.0, 1.0]), np.array([0, 1]))


def test_accuracy_needs_same_length_labels():
    with raises_with(ValueError, "accuracy", "same length", "(3,)", "(2,)"):
        nc.accuracy([0, 1, 1], [0, 1])


def test_accuracy_of_nothing_is_refused():
    with raises_with(ValueError, "accuracy", "non-empty"):
        nc.accuracy(np.array([], dtype=int), np.array([], dtype=int))


def test_confusion_matrix_labels_outside_the_classes():
    with raises_with(ValueError, "confusion_matrix", "y_pred", "0..1"):
        nc.confusion_matrix([0, 1], [0, 2], 2)
    with raises_with(ValueError, "confusion_matrix", "y_true", "0..1"):
        nc.confusion_matrix([-1, 1], [0, 1], 2)


def test_confusion_matrix_needs_same_length_labels():
    with raises_with(ValueError, "confusion_matrix", "length"):
        nc.confusion_matrix([0, 1, 1], [0, 1], 2)


# --------------------------------------------------------- inputs that only look right
@pytest.mark.parametrize(
    "n_classes, words",
    [
        (2.0, ["positive integer", "2.0", "float", "whole number"]),
        (True, ["positive integer", "bool"]),
        (0, ["positive integer", "at least one class"]),
    ],
)
def test_confusion_matrix_needs_a_whole_number_of_classes(n_classes, words):
    with raises_with(ValueError, "confusion_matrix", "n_classes", *words) as info:
        nc.confusion_matrix([0, 1], [1, 1], n_classes)
    assert "unit" not in str(info.value)


def test_numpy_integer_class_counts_are_fine():
    np.testing.assert_array_equal(
        nc.confusion_matrix([0, 1], [1, 1], np.int64(2)), [[0, 1], [0, 1]]
    )


@pytest.mark.parametrize("empty", [[], np.array([]), np.array([], dtype=int)])
def test_accuracy_of_empty_lists_says_empty(empty):
    # np.asarray([]) is float64: the message must not complain about the dtype
    with raises_with(ValueError, "accuracy", "no labels", "at least one") as info:
        nc.accuracy(empty, empty)
    assert "integer" not in str(info.value)


def test_confusion_matrix_of_no_examples_is_all_zeros():
    np.testing.assert_array_equal(nc.confusion_matrix([], [], 2), np.zeros((2, 2), dtype=int))


@pytest.mark.parametrize("which", ["y_pred", "y_true"])
def test_masked_labels_are_refused(which):
    labels = {"y_pred": np.array([0, 1, 1]), "y_true": np.array([0, 1, 1])}
    labels[which] = np.ma.masked_array([0, 0, 1], mask=[0, 1, 0])
    with raises_with(ValueError, "accuracy", which, "masked", "filled"):
        nc.accuracy(labels["y_pred"], labels["y_true"])
    with raises_with(ValueError, "confusion_matrix", which, "masked", "filled"):
        nc.confusion_matrix(labels["y_true"], labels["y_pred"], 2)
