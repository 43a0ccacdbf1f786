"""Tests of nncore.plot's training and evaluation figures: curves, confusion matrix,
pre-activation histograms."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import plot_support  # noqa: F401 - Agg backend
from nncore_fixtures import raises_with

import nncore as nc
from nncore import plot


def test_training_curves_plot_the_history_of_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 2))
    y = x @ np.array([[1.0], [-2.0]])
    model = nc.mlp([2, 1], rng=0)
    history = nc.fit(
        model,
        nc.MSELoss(),
        nc.SGD(model.parameters(), lr=0.1),
        x,
        y,
        epochs=5,
        rng=0,
        validation_data=(x, y),
    )
    ax = plot.training_curves(history)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["loss", "val loss"]
    np.testing.assert_allclose(lines[0].get_ydata(), history["loss"])
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3, 4, 5])
    assert ax.get_title() == "Training curves"
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert lines[1].get_linestyle() == "--"


def test_training_curves_other_keys_and_errors():
    history = {"epoch": [1, 2, 3], "loss": [3.0, 2.0, 1.0], "dead_fraction": [0.0, 0.5, 0.5]}
    ax = plot.training_curves(history, keys=["dead_fraction"])
    assert ax.get_ylabel() == "value"
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.0, 0.5, 0.5])
    with raises_with(ValueError, "training_curves", "accuracy", "dead_fraction"):
        plot.training_curves(history, keys=["accuracy"])
    with raises_with(TypeError, "training_curves", "History"):
        plot.training_curves([1.0, 2.0])
    with raises_with(TypeError, "training_curves", "wrap it"):
        plot.training_curves(history, keys="loss")


def test_confusion_matrix_writes_every_count():
    cm = nc.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], 3)
    ax = plot.confusion_matrix(cm, labels=["zero", "one", "two"])
    written = {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
    }
    assert written == {(i, j): str(int(cm[i, j])) for i in range(3) for j in range(3)}
    assert written[(0, 0)] == "1" and written[(2, 2)] == "2" and written[(2, 0)] == "1"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["zero", "one", "two"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert ax.get_title() == "Confusion matrix"


def test_confusion_matrix_normalised_and_errors():
    ax = plot.confusion_matrix([[3, 1], [0, 4]], normalize=True)
    assert sorted(t.get_text() for t in ax.texts) == ["0.00", "0.25", "0.75", "1.00"]
    with raises_with(ValueError, "confusion_matrix", "square", "(2, 3)"):
        plot.confusion_matrix(np.zeros((2, 3)))
    with raises_with(ValueError, "confusion_matrix", "2 labels", "3"):
        plot.confusion_matrix(np.eye(2), labels=["a", "b", "c"])


def test_preactivation_histogram_one_panel_per_unit(net4231):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(50, 4))
    net4231[0].weight.data[1] = 0.0
    net4231[0].bias.data[1] = -1.0  # unit 2: z = -1 for every example
    axes = plot.preactivation_histogram(net4231, x, position=0, bins=10)
    assert len(axes) == 2
    z1 = x.sum(axis=1)
    for ax in axes:
        bars = ax.containers[0]  # the histogram's BarContainer
        assert len(bars) == 10 and sum(bar.get_height() for bar in bars) == 50
        assert ax.get_xlabel() == "pre-activation z" and ax.get_ylabel() == "examples"
    assert axes[0].get_title() == f"unit 1: {np.mean(z1 > 0):.0%} active"
    assert axes[1].get_title() == "unit 2: dead"
    suptitles = [t.get_text() for t in axes[0].figure.texts]  # suptitle is a figure text
    assert "Pre-activations of layer 1 (position 0) over 50 examples" in suptitles


def test_preactivation_histogram_rejects_bad_position(net4231):
    x = np.ones((5, 4))
    with raises_with(ValueError, "preactivation_histogram", "position 1", "[0, 2, 4]"):
        plot.preactivation_histogram(net4231, x, position=1)
    _fig, ax = plt.subplots()
    with raises_with(ValueError, "preactivation_histogram", "2 Axes", "got 1"):
        plot.preactivation_histogram(net4231, x, position=0, ax=ax)


def test_preactivation_histogram_refuses_nan_data(net4231):
    x = np.ones((5, 4))
    x[2, 0] = np.nan
    with raises_with(ValueError, "preactivation_histogram", "NaN", "rows 2"):
        plot.preactivation_histogram(net4231, x, position=0)
