"""Explorer overlays: a figure drawn as pictures that depend on fewer controls, stacked again.

The composed picture of every grid point must be the figure drawn whole; an overlay is
stored once per setting of the controls it declares; a declaration that leaves out a control
is caught; the page stacks the overlays with one text alternative per grid point.
"""

from __future__ import annotations

import io
import itertools

import ipywidgets
import numpy as np
import pytest
from matplotlib.figure import Figure
from nncore_fixtures import raises_with
from PIL import Image

from nncore.widgets import Explorer, Overlay, PageBudget
from nncore.widgets.images import compose, figure_image
from nncore.widgets.overlays import OverlayPainter
from nncore.widgets.slim import DecorativeImage, DescribedImage

pytestmark = pytest.mark.skipif(
    not hasattr(ipywidgets, "Stack"), reason="precomputed frames need ipywidgets 8"
)

SLOPES, SHIFTS, SIZES = (-1.0, 0.0, 1.0), (0.0, 0.5), (10.0, 40.0)


class PointsOverLine:
    """Points that move with ``shift`` only, over a line that changes with every control.

    The axes' title sits in the points' overlay: matplotlib places a title by the extent of
    the artists around it, so an overlay drawn with the title hidden would displace it.
    """

    def __init__(self, overlays: str = "right") -> None:
        self.figure = Figure(figsize=(3, 2))
        ax = self.figure.add_subplot()
        (self.line,) = ax.plot([0, 1], [0, 0], color="#0072B2", linewidth=3)
        self.points = ax.scatter([0.2, 0.5, 0.8], [0.5, -0.5, 1.0], s=40, color="#D55E00", zorder=3)
        self.label = ax.text(0.05, 0.9, "", transform=ax.transAxes)
        ax.set_ylim(-3, 3)
        ax.set_title("A line under points")
        self.ax = ax
        listed = {"right": ("shift",), "wrong": (), "none": None}[overlays]
        self.overlays = [
            Overlay(None),
            Overlay([self.points, ax.title, ax.xaxis, ax.yaxis], controls=listed),
        ]

    def update(self, slope, shift, size):
        self.values = dict(slope=slope, shift=shift, size=size)
        self.line.set_ydata([0, slope])
        self.line.set_linewidth(size / 10)
        self.points.set_offsets([[0.2, 0.5 + shift], [0.5, -0.5 + shift], [0.8, 1.0 + shift]])
        self.label.set_text(f"slope {slope:g}")

    def describe(self) -> str:
        text = "A line of slope {slope:g} and width {size:g} under points shifted by {shift:g}."
        return text.format(**self.values)


def overlaid(view=None, **kwargs) -> Explorer:
    options = dict(
        title="Overlays",
        instruction="Move them.",
        dpi=40,
        colors=None,
        budget=PageBudget(9_000_000),
    )
    options.update(kwargs)
    return Explorer(
        view or PointsOverLine(), {"slope": SLOPES, "shift": SHIFTS, "size": SIZES}, **options
    )


def pixels(image: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(image)).convert("RGB")).astype(int)


def test_every_composed_frame_is_the_figure_drawn_whole():
    ex = overlaid()
    for slope, shift, size in itertools.product(SLOPES, SHIFTS, SIZES):
        composed = pixels(ex.frame(slope=slope, shift=shift, size=size))
        ex.view.update(slope=slope, shift=shift, size=size)
        whole = pixels(figure_image(ex.figure, colors=None))
        assert composed.shape == whole.shape
        # Full colour: the only difference is the rounding of alpha compositing.
        assert np.abs(composed - whole).max() <= 2, (slope, shift, size)


def test_a_layer_is_stored_once_per_setting_of_its_controls():
    ex = overlaid()
    bottom, top = ex.overlays
    assert [ex.names[k] for k in top.positions] == ["shift"]
    assert len(top.pictures) == len(SHIFTS)
    assert len(bottom.pictures) == len(SLOPES) * len(SHIFTS) * len(SIZES) == ex.n_frames
    assert ex.n_pictures == len(SHIFTS) + ex.n_frames
    assert "in 2 overlays (14 distinct pictures)" in ex.size_report()
    # One stack per setting of the outer controls, per overlay: 1 + 3 + 6 below, 1 for shift.
    assert [len(level) for level in ex.display.stacks] == [1, 1 + 3, 6]
    assert len(ex.display.links) == 1 + 4 + 6


def test_the_page_stacks_the_layers_with_one_text_alternative_per_grid_point():
    ex = overlaid()
    grid = ex.widget.children[-1]
    assert isinstance(grid, ipywidgets.GridBox)
    assert [child.layout.grid_area for child in grid.children] == ["1 / 1", "1 / 1"]
    bottom, top = ex.overlays
    leaves = ex.display.leaves
    assert bottom.described and not top.described
    assert all(isinstance(w, DescribedImage) for w in leaves[0].values())
    assert all(isinstance(w, DecorativeImage) for w in leaves[1].values())
    # Decorative pictures carry an empty alt (screen readers skip them), in one shared style.
    assert all('<img alt="" src="data:image/webp;base64,' in w.value for w in leaves[1].values())
    assert len({w.style.model_id for w in leaves[1].values()}) == 1
    for index, image in ex.display.images.items():
        values = dict(zip(ex.names, (ex.grid[n][i] for n, i in zip(ex.names, index))))
        assert image.tooltip == (
            "A line of slope {slope:g} and width {size:g} under points shifted by "
            "{shift:g}.".format(**values)
        )
    # Each stack follows its own control, in the browser.
    for link in ex.display.links:
        control, stack = link.source[0], link.target[0]
        level = next(k for k, stacks in enumerate(ex.display.stacks) if stack in stacks)
        assert control is ex.controls[ex.names[level]]


def test_identical_pictures_are_stored_once_and_shared():
    class IgnoresSize(PointsOverLine):
        def update(self, slope, shift, size):
            super().update(slope, shift, 20.0)

        def describe(self):
            return "the same for every size"

    ex = overlaid(IgnoresSize())
    bottom = ex.overlays[0]
    assert len(bottom.pictures) == len(SLOPES)  # the points (shift) are in the other overlay
    assert ex.display.images[(0, 0, 0)] is ex.display.images[(0, 1, 1)]
    assert ex.display.images[(0, 0, 0)] is not ex.display.images[(1, 0, 0)]


def test_a_layer_that_changes_with_a_control_it_does_not_list_is_refused():
    with raises_with(
        ValueError,
        "overlay 1",
        "depend on the controls [] only",
        "'shift': 0.5",
        "List every control that changes it",
    ):
        overlaid(PointsOverLine(overlays="wrong"))


def test_check_overlays_compares_every_grid_point():
    ex = overlaid()
    ex.check_overlays()  # the declaration holds everywhere
    ex.view.points.set_sizes([200])  # now the points' overlay differs from what is stored
    original = ex.view.update

    def update(slope, shift, size):
        original(slope, shift, size)
        ex.view.points.set_sizes([200 if size == SIZES[1] else 40])

    ex.view.update = update
    with raises_with(ValueError, "overlay 1", "['shift'] only", "'size': 40.0"):
        ex.check_overlays()


def test_a_live_explorer_redraws_the_shown_layers():
    ex = overlaid()
    before = {k: dict(overlay.pictures) for k, overlay in enumerate(ex.overlays)}
    ex.view.points.set_color("#009E73")  # as a change made after the explorer was built
    ex.set(shift=0.5)
    top = ex.overlays[1]
    shown = ex.display.leaves[1][top.key[(1,)]]
    encoded = shown.value.split("base64,")[1].split('"')[0]
    assert encoded not in [p for p in before[1].values()]
    assert ex.display.images[ex.index].tooltip.endswith("shifted by 0.5.")


@pytest.mark.parametrize(
    ("overlays", "error", "words"),
    [
        ([Overlay([])], ValueError, ("exactly one overlay must have artists=None", "none")),
        ([Overlay(None), Overlay(None)], ValueError, ("exactly one overlay", "[0, 1]")),
        ([Overlay(None, controls=("speed",))], ValueError, ("('speed',)", "the controls are")),
        ([Overlay(None, controls="shift")], ValueError, ("'shift'", "give a tuple")),
        ("not overlays", TypeError, ("non-empty list of nncore.widgets.Overlay",)),
        ([None], TypeError, ("item 0 is a NoneType, not an Overlay",)),
    ],
)
def test_layers_are_checked_against_the_view_and_controls(overlays, error, words):
    view = PointsOverLine()
    view.overlays = overlays
    with raises_with(error, "Explorer", *words):
        overlaid(view)


def test_an_artist_belongs_to_one_layer():
    view = PointsOverLine()
    view.overlays = [Overlay(None), Overlay([view.points]), Overlay([view.points, view.line])]
    with raises_with(ValueError, "is listed in overlays 1 and 2", "belongs to one overlay"):
        overlaid(view)


def test_the_painter_draws_a_layer_alone_and_leaves_the_figure_as_it_was():
    view = PointsOverLine()
    view.update(1.0, 0.5, 40.0)
    figure_image(view.figure, colors=None)  # an Agg canvas
    whole = pixels(figure_image(view.figure, colors=None))
    painter = OverlayPainter(view.figure, view.overlays)
    bottom, top = painter.draw(0), painter.draw(1)
    assert (bottom[..., 3] == 255).all()  # opaque: the backgrounds are in the bottom overlay
    assert (top[..., 3] == 0).mean() > 0.5  # transparent where it draws nothing
    assert bottom[..., 3].size == top[..., 3].size
    assert all(a.get_visible() for a in (view.points, view.line, view.ax.title))
    assert "draw" not in vars(view.points)  # silenced for one draw only
    encode = []
    for pixels_drawn in (bottom, top):
        buffer = io.BytesIO()
        Image.fromarray(pixels_drawn, "RGBA").save(buffer, format="PNG")
        encode.append(buffer.getvalue())
    assert np.abs(pixels(compose(encode)) - whole).max() <= 2
    with raises_with(ValueError, "compose", "one size"):
        compose([encode[0], figure_image(Figure(figsize=(1, 1)))])


def test_a_layer_lists_children_of_the_figure_or_its_axes():
    view = PointsOverLine()
    tick_label = view.ax.xaxis.get_major_ticks()[0].label1
    view.overlays = [Overlay(None), Overlay([tick_label])]
    with raises_with(ValueError, "overlay 1 lists", "not a child of the figure", "whole legend"):
        overlaid(view)


def test_a_layer_can_name_artists_the_view_replaces_as_it_updates():
    class NewLegend(PointsOverLine):
        """Draws a new legend at each update, as the network diagram does."""

        def __init__(self):
            super().__init__()
            self.legend = None
            self.overlays = [Overlay(None), Overlay(lambda: [self.points, self.legend])]

        def update(self, slope, shift, size):
            super().update(slope, shift, size)
            if self.legend is not None:
                self.legend.remove()
            self.legend = self.ax.legend([self.points], [f"shift {shift:g}"], loc="lower right")

    ex = overlaid(NewLegend())
    for values in (
        {"slope": -1.0, "shift": 0.5, "size": 40.0},
        {"slope": 1.0, "shift": 0.0, "size": 10.0},
    ):
        composed = pixels(ex.frame(**values))
        ex.view.update(**values)
        assert np.abs(composed - pixels(figure_image(ex.figure, colors=None))).max() <= 2


def test_the_budget_projects_each_layer_over_its_own_settings():
    class NoisyInset(PointsOverLine):
        """A large picture that never changes, in a overlay of its own, over a light one."""

        def __init__(self):
            super().__init__()
            inset = self.figure.add_axes((0, 0, 1, 1))
            inset.imshow(np.random.default_rng(0).random((80, 120, 3)), aspect="auto")
            inset.set_axis_off()
            self.overlays = [Overlay(None), Overlay([inset], controls=())]

    # The inset is drawn at the first grid point: projected as if every point drew one, the
    # page would seem several times heavier than it is, and a budget that holds the explorer
    # with a fifth of it to spare would refuse it.
    state = overlaid(NoisyInset()).state_bytes
    ex = overlaid(NoisyInset(), budget=PageBudget(int(1.2 * state)))
    assert ex.state_bytes == state


def test_the_network_explorer_draws_its_edges_once_per_weight_setting():
    import nncore as nc
    from nncore.widgets import network_explorer

    net = nc.mlp([2, 2, 1], rng=0)
    ex = network_explorer(
        net,
        np.ones(2),
        input_values={0: (-1, 0, 1)},
        weight_values={(0, 0, 0): (-1, 1)},
        scale_values={},
        activations=("relu", "tanh"),
        dpi=30,
        colors=None,
        budget=PageBudget(9_000_000),
    )
    edges, units = ex.overlays
    assert [ex.names[k] for k in edges.positions] == ["w_0_0_0"] and len(edges.pictures) == 2
    assert units.described and len(units.pictures) == ex.n_frames == 3 * 2 * 2
    ex.check_overlays()  # the legend (drawn anew at each update) and the rest hold everywhere
    for values in (
        {"x1": -1, "w_0_0_0": 1, "activation": "tanh"},
        {"x1": 1, "w_0_0_0": -1, "activation": "relu"},
    ):
        composed = pixels(ex.frame(**values))
        ex.view.update(**values)
        assert np.abs(composed - pixels(figure_image(ex.figure, colors=None))).max() <= 2
