"""The network diagram drawn narrow for a phone: ``draw_network(column_spacing=...)`` and
the figure ``network_explorer`` shows (5 inches wide, title and legend inside it)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import nncore as nc
from nncore.plot import draw_network
from nncore.widgets import PageBudget, network_explorer


def constant_net():
    return nc.mlp([4, 2, 3, 1], weight_init=nc.init.constant(1.0), bias_init=nc.init.zeros(), rng=0)


def test_columns_sit_column_spacing_apart():
    diagram = draw_network(constant_net(), np.ones(4), column_spacing=1.8)
    xs = [column[0][0] for column in diagram.centres]
    assert np.allclose(np.diff(xs), 1.8), xs
    default = draw_network(constant_net(), np.ones(4))
    assert np.allclose(np.diff([column[0][0] for column in default.centres]), 2.5)
    assert diagram.figure.get_figwidth() < default.figure.get_figwidth()


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), True, "wide"])
def test_column_spacing_must_be_a_positive_number(bad):
    with pytest.raises(ValueError, match=r"draw_network: column_spacing must be a positive") as e:
        draw_network(constant_net(), np.ones(4), column_spacing=bad)
    assert repr(bad) in str(e.value)


def test_explorer_figure_is_five_inches_and_holds_its_text_in_every_frame():
    """Every frame of an explorer whose units die: the title on two lines and the legend
    (its list of dead units wrapped) inside the picture, the legend under the axis label."""
    explorer = network_explorer(
        constant_net(),
        np.ones(4),
        input_values={0: (-6, -4, 1)},
        weight_values={(0, 0, 0): (-2, 1)},
        scale_values={},
        mode="kernel",
        budget=PageBudget(),
    )
    view, figure = explorer.view, explorer.figure
    assert figure.get_figwidth() == pytest.approx(5.0)
    width, height = figure.bbox.width, figure.bbox.height
    seen_dead = 0
    grids = dict(explorer.grid)
    for combo in itertools.product(*grids.values()):
        view.update(**dict(zip(grids, combo, strict=True)))
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        title = view.diagram.ax.title
        assert "\non input [" in title.get_text(), title.get_text()
        legend = view.diagram.ax.get_legend()
        label = view.diagram.ax.xaxis.label.get_window_extent(renderer)
        for artist in (title, legend):
            box = artist.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= width and box.y0 >= -1 and box.y1 <= height, (
                combo,
                artist,
                box,
            )
        assert legend.get_window_extent(renderer).y1 <= label.y0, combo
        seen_dead += len(legend.get_texts()) == 3
    assert seen_dead, "no frame with dead units: the legend's list was not checked"
