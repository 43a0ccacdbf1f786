"""nnbook.figures: what each chapter's figure functions draw from the data they are given.

The chapters' pages show these figures (the book's build compares their bytes before and after
a change, tools/compare_builds.py); here each function is fed small made-up data whose drawing
is known in advance.
"""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbook.figures import ch1, ch3, ch4, ch5


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_show_table_displays_one_html_table_with_its_cells_escaped():
    with mock.patch.object(ch3, "display") as display:
        ch3.show_table(["a<b", "c"], [["1 & 2", "3"], ["x", "y"]])
    (shown,), _ = display.call_args
    assert shown.data == (
        "<table><thead><tr><th>a&lt;b</th><th>c</th></tr></thead><tbody>"
        "<tr><td>1 &amp; 2</td><td>3</td></tr><tr><td>x</td><td>y</td></tr></tbody></table>"
    )


def test_misread_digits_shows_each_wrong_image_with_its_label_and_answer():
    y_test = np.array([0, 1, 2, 3, 4])
    run = SimpleNamespace(
        x_test=np.linspace(0, 1, 5 * 64).reshape(5, 64),
        y_test=y_test,
        predictions={"B": np.array([0, 7, 2, 5, 9])},  # wrong on images 1, 3 and 4
    )
    fig = ch1.misread_digits(run)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 10 and len(visible) == 3
    assert [ax.get_xlabel() for ax in visible] == ["1 read as 7", "3 read as 5", "4 read as 9"]
    np.testing.assert_array_equal(visible[1].images[0].get_array(), run.x_test[3].reshape(8, 8))
    assert fig.get_suptitle().startswith("The 3 test images that the first run's B gets wrong")


def test_revival_steps_draws_one_line_per_run_and_the_median_over_the_slope():
    slopes = [0.3, 0.1]
    revived = np.array([[10.0, 40.0], [20.0, 50.0], [30.0, 90.0]])
    products = revived * np.array(slopes)  # 3, 4, 6, 5, 9, 9: median 5.5
    ax = ch4.revival_steps(slopes, revived, products).axes[0]
    runs, reference = ax.lines[:3], ax.lines[3]
    for line, row in zip(runs, revived, strict=True):
        np.testing.assert_array_equal(line.get_ydata(), row)
    np.testing.assert_allclose(reference.get_ydata(), [5.5 / 0.3, 5.5 / 0.1])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "one run",
        "proportional to 1 / slope",
    ]


def test_first_layer_histograms_draw_one_labelled_outline_per_lambda_on_a_log_count_axis():
    rng = np.random.default_rng(0)
    layers = {lam: rng.uniform(-0.5, 0.5, size=(4, 5)) for lam in (0.0, 1e-3, 1e-2, 1e-1)}
    ax = ch5.first_layer_histograms(SimpleNamespace(first_layer=layers)).axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "$\\lambda$ = 0",
        "$\\lambda$ = 0.001",
        "$\\lambda$ = 0.01",
        "$\\lambda$ = 0.1",
    ]
    assert len(ax.patches) == 4 and ax.get_yscale() == "log"
