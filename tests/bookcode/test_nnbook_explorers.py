"""Tests of the chapters' explorers in nnbook: what each view computes and draws.

The mechanics every explorer shares (frames, links, live updates, budget) are tested once,
in test_widgets.py. Here each view is updated directly and checked against values worked
out independently: by hand, with plain numpy, or by a separate nncore run.
"""

from __future__ import annotations

import numpy as np
import pytest

import nncore as nc
from nnbook.experiments.decay import decay_regime
from nnbook.explorers.dead_start import DeadStartView, dead_start_explorer
from nnbook.explorers.digit_morph import DigitMorphView, digit_morph_explorer
from nnbook.explorers.relu_unit import ReluUnitView, relu_unit_explorer
from nnbook.explorers.weight_decay import WeightPathView, weight_decay_explorer
from nncore.widgets import PageBudget

MINUS = "\N{MINUS SIGN}"
KERNEL = dict(mode="kernel", dpi=30)  # one frame, no precomputation: only the wiring is tested


def polygon_area(points: np.ndarray) -> float:
    px, py = points[:, 0], points[:, 1]
    return 0.5 * abs(np.dot(px, np.roll(py, -1)) - np.dot(py, np.roll(px, -1)))


# --------------------------------------------------------------------------- relu_unit (ch. 3)


@pytest.fixture(scope="module")
def positive() -> tuple[np.ndarray, np.ndarray]:
    return nc.make_positive_features(12, rng=1)


def test_relu_view_shades_where_z_is_positive_and_marks_the_active_examples(positive):
    x, y = positive
    view = ReluUnitView(x, y, grad_limit=1.0)
    assert view.update(1.0, -1.0, 0.5) is None  # what it computed is kept on the view
    state = view.state
    grid = view.grid
    np.testing.assert_array_equal(view.active_grid.ravel(), grid[:, 0] - grid[:, 1] + 0.5 > 0)
    np.testing.assert_array_equal(state.active, x[:, 0] - x[:, 1] + 0.5 > 0)
    assert f"active on {state.n_active} of 12" in view.status.get_text()
    assert view.describe().startswith(f"ReLU unit with w1 = 1, w2 = {MINUS}1, b = 0.5: active on")


def test_relu_view_says_dead_and_draws_zero_gradients(positive):
    x, y = positive
    view = ReluUnitView(x, y, grad_limit=1.0)
    view.update(-1.0, -1.0, 0.0)  # both features positive: z < 0 on every example
    assert view.state.dead and "DEAD" in view.status.get_text()
    assert [bar.get_height() for bar in view.bars] == [0.0, 0.0, 0.0]
    assert "dead" in view.describe() and "gradient exactly 0" in view.describe()


def test_relu_explorer_controls_and_gradient_axis(positive):
    x, y = positive
    ex = relu_unit_explorer(
        x,
        y,
        w1_values=(-1.0, 1.0),
        w2_values=(0.5,),
        b_values=(0.0, 1.0),
        initial=(1.0, 0.5, 0.0),
        budget=PageBudget(),
        **KERNEL,
    )
    assert ex.names == ["w1", "w2", "b"] and ex.values == {"w1": 1.0, "w2": 0.5, "b": 0.0}
    # The axis holds the largest gradient of the whole grid, so frames compare.
    assert ex.view.grad_limit >= np.max(np.abs(ex.view.state.grad))
    ex.set(b=1.0)
    assert ex.view.model[0].bias.data[0] == 1.0


def test_relu_explorer_defaults_to_the_positive_feature_data():
    ex = relu_unit_explorer(
        w1_values=(1.0,),
        w2_values=(1.0,),
        b_values=(0.0,),
        initial=(1.0, 1.0, 0.0),
        budget=PageBudget(),
        **KERNEL,
    )
    assert ex.view.x.shape == (60, 2) and np.all(ex.view.x > 0)


def test_relu_view_draws_the_same_at_a_new_dpi_as_a_view_made_at_it(positive):
    grids = dict(w1_values=(1.0,), w2_values=(0.5,), b_values=(0.0,), initial=(1.0, 0.5, 0.0))
    ex = relu_unit_explorer(*positive, **grids, budget=PageBudget(), **KERNEL)
    ex.figure.set_dpi(60)  # from the explorer's 30: nothing drawn at 30 may be reused
    moved, _ = ex.render(w1=1.0, w2=0.5, b=0.0)
    fresh = relu_unit_explorer(*positive, **grids, budget=PageBudget(), mode="kernel", dpi=60)
    assert moved == fresh.render(w1=1.0, w2=0.5, b=0.0)[0]


# --------------------------------------------------------------------------- dead_start (ch. 4)


@pytest.fixture(scope="module")
def case() -> tuple[np.ndarray, np.ndarray]:
    return nc.make_positive_features(40, positive_fraction=0.7, rng=11)


SETTINGS = dict(output_weight=0.03, output_bias=0.0, lr=0.5, epochs=40)


def test_dead_start_view_trains_each_start_once_and_reports_it(case):
    x, y = case
    view = DeadStartView(x, y, settings=SETTINGS)
    view.train_grid((-0.02, 0.03), (-0.02, 0.02), (0.3, 3.0))
    assert len(view.outcomes) == 2 * 2 * 2 * 2
    # b > 0 with negative weights: alive on the small-scale features, dead on the large ones.
    small, large = (view.outcomes[(-0.02, -0.02, 0.02, s)] for s in (0.3, 3.0))
    np.testing.assert_array_equal(small.active_start, 0.3 * x @ [-0.02, -0.02] + 0.02 > 0)
    assert small.active_start.any() and not small.dead_start and large.dead_start
    view.update(-0.02, -0.02, 0.02, 3.0)
    assert view.outcome is large and view.verdict.get_text() == "the unit was dead from the start"
    assert "was dead from the start" in view.describe() and "b = 0.02" in view.describe()
    assert view.start_text.get_text() == "0"


def test_dead_start_view_trains_a_start_off_the_grid_when_drawn(case):
    x, y = case
    view = DeadStartView(x, y, settings=SETTINGS)
    view.update(0.01, -0.01, 0.01, 1.0)
    assert list(view.outcomes) == [(0.01, -0.01, 0.01, 1.0)]
    model = nc.Sequential(nc.Linear(2, 1, rng=0), nc.ReLU(), nc.Linear(1, 1, rng=0))
    model[0].weight.data[...] = [[0.01, -0.01]]
    model[0].bias.data[...] = [0.01]
    model[2].weight.data[...] = [[0.03]]
    model[2].bias.data[...] = [0.0]
    nc.fit(
        model,
        nc.BCEWithLogitsLoss(),
        nc.SGD(model.parameters(), lr=0.5),
        x,
        y[:, None].astype(float),
        epochs=40,
        batch_size=None,
        shuffle=False,
    )
    np.testing.assert_allclose(view.outcome.weight_end, model[0].weight.data[0], rtol=1e-9)


def test_dead_start_view_clips_the_active_region_to_the_plot(case):
    x, y = case
    view = DeadStartView(x, y, settings=SETTINGS)
    hi = view.extent * 1.0
    view.update(0.0, 0.0, 0.02, 1.0)  # z = 0.02 > 0 everywhere: the whole square
    assert polygon_area(view.start_region.get_xy()) == pytest.approx(hi * hi)
    view.update(-0.02, -0.02, -0.02, 1.0)  # z < 0 on the whole square: nothing drawn
    assert not view.start_region.get_visible() and len(view.start_line.get_xdata()) == 0


def test_dead_start_explorer_offers_the_grid_and_keeps_the_outcomes(case):
    x, y = case
    ex = dead_start_explorer(
        x,
        y,
        weight_values=(-0.02, 0.03),
        bias_values=(-0.02, 0.02),
        scale_values=(0.3, 3.0),
        initial=(-0.02, -0.02, 0.02, 0.3),
        epochs=40,
        budget=PageBudget(),
        **KERNEL,
    )
    assert ex.names == ["w1", "w2", "b", "scale"]
    assert set(ex.view.outcomes) == {
        (a, b, c, s)
        for a in (-0.02, 0.03)
        for b in (-0.02, 0.03)
        for c in (-0.02, 0.02)
        for s in (0.3, 3.0)
    }


# --------------------------------------------------------------------------- weight_decay (ch. 5)


@pytest.fixture
def path_view() -> WeightPathView:
    return WeightPathView(steps=10, curvature=1.0, target=1.5, ylim=2.6)


def test_weight_view_draws_the_path_factor_and_regime(path_view):
    path_view.update(lr=1.0, weight_decay=1.5, w0=2.0, data_term=False)
    k = np.arange(11)
    np.testing.assert_allclose(path_view.line.get_ydata(), 2.0 * (-0.5) ** k, rtol=1e-13)
    np.testing.assert_array_equal(path_view.reference.get_ydata(), np.full(11, 2.0))
    assert (
        f"1 {MINUS} \N{GREEK SMALL LETTER ETA}\N{GREEK SMALL LETTER LAMDA} = {MINUS}0.5"
        in path_view.info.get_text()
    )
    assert "sign-flipping" in path_view.regime_text.get_text()
    assert not path_view.equilibrium.get_visible()
    text = path_view.describe()
    assert "learning rate 1" in text and "weight decay 1.5" in text and "w0 = 2" in text
    assert "sign-flipping" in text


def test_weight_view_marks_the_equilibrium_of_the_data_term(path_view):
    # a = 1, w* = 1.5, lambda = 0.5: w_eq = 1.5 / 1.5 = 1; distance times 1 - 0.5 * 1.5 = 0.25
    path_view.update(lr=0.5, weight_decay=0.5, w0=2.0, data_term=True)
    np.testing.assert_allclose(path_view.equilibrium.get_ydata(), [1.0, 1.0])
    assert "settles at w_eq" in path_view.regime_text.get_text()
    np.testing.assert_allclose(path_view.path - 1.0, 0.25 ** np.arange(11), atol=1e-14)
    assert "data term with a = 1, w* = 1.5" in path_view.describe()


def test_the_default_weight_decay_grid_reaches_every_regime():
    ex = weight_decay_explorer(budget=PageBudget(), **KERNEL)
    regimes = {decay_regime(lr, lam) for lr in ex.grid["lr"] for lam in ex.grid["weight_decay"]}
    assert {"shrinking", "zero after one step", "sign-flipping", "diverging"} <= regimes


@pytest.mark.parametrize(
    "data_term, names",
    [
        ("toggle", ["lr", "weight_decay", "w0", "data_term"]),
        ("on", ["lr", "weight_decay", "w0"]),
    ],
)
def test_weight_explorer_controls(data_term, names):
    ex = weight_decay_explorer(
        lr_values=(1.0,),
        weight_decay_values=(0.5, 2.5),
        w0_values=(2.0,),
        data_term=data_term,
        steps=5,
        budget=PageBudget(),
        **KERNEL,
    )
    assert ex.names == names
    assert ex.view.equilibrium.get_visible() is (data_term == "on")


# --------------------------------------------------------------------------- digit_morph (ch. 1)


@pytest.fixture
def models() -> tuple[nc.Sequential, nc.Sequential]:
    return nc.mlp([64, 6, 1], rng=1), nc.mlp([64, 6, 10], rng=2)


@pytest.fixture(scope="module")
def images() -> tuple[np.ndarray, np.ndarray]:
    """A vertical bar (a crude 1) and a horizontal bar, as 8x8 images."""
    first, second = np.zeros((8, 8)), np.zeros((8, 8))
    first[1:7, 3:5] = 1.0
    second[1:3, 1:7] = 0.75
    return first.ravel(), second.ravel()


def forward(model: nc.Sequential, x: np.ndarray) -> np.ndarray:
    """A two-layer ReLU network by hand: max(0, x W1^T + b1) W2^T + b2."""
    h = np.maximum(x @ model[0].weight.data.T + model[0].bias.data, 0.0)
    return h @ model[-1].weight.data.T + model[-1].bias.data


def probabilities(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max())
    return e / e.sum()


@pytest.mark.parametrize("s", [0.0, 0.25, 1.0])
def test_morph_view_shows_the_blend_and_both_models(models, images, s):
    regressor, classifier = models
    view = DigitMorphView(
        regressor, classifier, *images, first_name="1", second_name="7", path_s=np.linspace(0, 1, 3)
    )
    view.update(s)
    blend = (1 - s) * images[0] + s * images[1]
    np.testing.assert_allclose(np.asarray(view.image.get_array()), blend.reshape(8, 8))
    value = forward(regressor, blend)[0]
    assert view.value == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert view.answer == int(np.clip(round(value), 0, 9))
    p = probabilities(forward(classifier, blend))
    np.testing.assert_allclose([bar.get_height() for bar in view.bars], p, rtol=1e-12, atol=1e-15)
    assert f"s = {s:.2f}" in view.describe() and f"rounded to {view.answer}" in view.describe()


def test_morph_view_follows_a_changed_model(models, images):
    regressor, classifier = models
    view = DigitMorphView(
        regressor, classifier, *images, first_name="1", second_name="7", path_s=np.linspace(0, 1, 3)
    )
    classifier[-1].bias.data[3] = 60.0  # class 3 now dominates every input
    regressor[-1].bias.data[0] = 100.0  # far beyond the last digit
    view.update(0.5)
    assert int(np.argmax(view.probabilities)) == 3 and view.answer == 9
    assert view.marker.get_xdata()[0] == pytest.approx(9.5)  # drawn at the end of the line


def test_morph_explorer_grid_and_end_colours(models, images):
    ex = digit_morph_explorer(
        *models,
        images[0].reshape(8, 8),
        images[1],
        first_name="1",
        second_name="7",
        steps=5,
        budget=PageBudget(),
        **KERNEL,
    )
    assert ex.grid["s"] == [0.0, 0.25, 0.5, 0.75, 1.0] and ex.values == {"s": 0.5}
    colours = [bar.get_facecolor() for bar in ex.view.bars]
    assert colours[1] != colours[7] and colours[0] == colours[2] == colours[9] != colours[1]
    before = [p.data.copy() for model in models for p in model.parameters()]
    ex.set(s=1.0)
    assert all(
        np.array_equal(a, p.data)
        for a, p in zip(before, (p for m in models for p in m.parameters()), strict=True)
    )
