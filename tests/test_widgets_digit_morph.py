"""Tests of nncore.widgets.digit_morph: the blended digit read by a regressor and a classifier.

Expected values come from a forward pass written here with plain numpy (x @ W.T + b, max(0, .),
a softmax with the row maximum subtracted), independent of nncore's layers and functional module.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from ipywidgets.widgets.widget_link import Link  # noqa: E402
from nncore_fixtures import raises_with  # noqa: E402

import nncore as nc  # noqa: E402
from nncore.widgets import DEFAULT_MAX_BYTES, Explorer  # noqa: E402
from nncore.widgets.digit_morph import DigitMorphView, digit_morph_explorer  # noqa: E402

STEPS = 5
FAST = dict(steps=STEPS, dpi=30)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def make_models() -> tuple[nc.Sequential, nc.Sequential]:
    return nc.mlp([64, 6, 1], rng=1), nc.mlp([64, 6, 10], rng=2)


@pytest.fixture
def models() -> tuple[nc.Sequential, nc.Sequential]:
    """Fresh models for tests that change them."""
    return make_models()


@pytest.fixture(scope="module")
def images() -> tuple[np.ndarray, np.ndarray]:
    """A vertical bar (a crude 1) and a horizontal bar (nothing like it), as 8x8 images."""
    first = np.zeros((8, 8))
    first[1:7, 3:5] = 1.0
    second = np.zeros((8, 8))
    second[1:3, 1:7] = 0.75
    return first.ravel(), second.ravel()


@pytest.fixture
def explorer(models, images) -> Explorer:
    """An explorer on fresh models, for tests that change the models or move the slider."""
    return digit_morph_explorer(*models, *images, first_name="1", second_name="7", **FAST)


@pytest.fixture(scope="module")
def shared(images) -> tuple[Explorer, tuple[nc.Sequential, nc.Sequential]]:
    """One explorer built once for the tests that only read it (its models are never changed)."""
    models = make_models()
    return digit_morph_explorer(*models, *images, first_name="1", second_name="7", **FAST), models


def forward(model: nc.Sequential, x: np.ndarray) -> np.ndarray:
    """A two-layer ReLU network by hand: max(0, x W1^T + b1) W2^T + b2."""
    first, last = model[0], model[-1]
    h = np.maximum(x @ first.weight.data.T + first.bias.data, 0.0)
    return h @ last.weight.data.T + last.bias.data


def probabilities(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max())
    return e / e.sum()


# --------------------------------------------------------------------------- frames and links


def test_one_frame_per_value_of_t(shared):
    explorer, _ = shared
    assert explorer.names == ["t"]
    assert explorer.grid["t"] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert explorer.n_frames == STEPS == len(explorer.images)
    stack = explorer.stacks[0][0]
    assert len(stack.children) == STEPS
    for i, image in enumerate(stack.children):
        assert isinstance(image, ipywidgets.Image)
        assert image.value == explorer.frames[(i,)]
        assert image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_slider_is_jslinked_to_the_stack(shared):
    explorer, _ = shared
    assert len(explorer.links) == 1
    (link,) = explorer.links
    assert isinstance(link, Link)
    assert link.source == (explorer.controls["t"], "index")
    assert link.target == (explorer.stacks[0][0], "selected_index")
    assert explorer.stacks[0][0].selected_index == explorer.controls["t"].index


def test_frames_differ_along_the_path(shared):
    explorer, _ = shared
    frames = [explorer.frames[(i,)] for i in range(STEPS)]
    assert len(set(frames)) == STEPS


def test_frames_stay_within_the_page_budget(shared):
    explorer, _ = shared
    assert 0 < explorer.frame_bytes < DEFAULT_MAX_BYTES
    assert f"{STEPS} precomputed frames" in explorer.size_report()


def test_the_default_grid_has_21_frames_and_starts_in_the_middle(models, images):
    ex = digit_morph_explorer(*models, *images, dpi=20)
    assert ex.n_frames == 21
    assert ex.values == {"t": 0.5}


# --------------------------------------------------------------------------- what a frame shows


@pytest.mark.parametrize("t", [0.0, 0.25, 1.0])
def test_a_frame_shows_the_blend_and_both_models_outputs(shared, images, t):
    explorer, (regressor, classifier) = shared
    first, second = images
    explorer.render(t=t)
    view = explorer.view
    assert isinstance(view, DigitMorphView)
    blend = (1 - t) * first + t * second
    np.testing.assert_allclose(np.asarray(view.image.get_array()), blend.reshape(8, 8))

    value = forward(regressor, blend)[0]
    assert view.value == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert view.answer == int(np.clip(round(value), 0, 9))
    assert view.answer_band.get_x() == pytest.approx(view.answer - 0.5)

    p = probabilities(forward(classifier, blend))
    np.testing.assert_allclose(view.probabilities, p, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose([bar.get_height() for bar in view.bars], p, rtol=1e-12, atol=1e-15)
    assert str(int(np.argmax(p))) in view.axes[2].get_title()


def test_the_end_classes_have_their_own_bar_colours(shared):
    explorer, _ = shared
    colours = [bar.get_facecolor() for bar in explorer.view.bars]
    assert colours[1] != colours[7]
    assert colours[0] == colours[2] == colours[9]
    assert colours[1] != colours[0] and colours[7] != colours[0]


def test_the_frame_description_names_the_numbers(shared):
    explorer, _ = shared
    explorer.render(t=0.5)
    view = explorer.view
    text = view.describe(0.5)
    assert "t = 0.50" in text
    assert f"{view.value:.2f}" in text and f"rounded to {view.answer}" in text
    assert explorer.alt_texts[(2,)] == text


# --------------------------------------------------------------------------- live updates


def test_rendering_again_follows_a_changed_model(explorer, models, images):
    regressor, classifier = models
    classifier[-1].bias.data[3] = 60.0  # class 3 now dominates every input
    regressor[-1].bias.data[0] = 100.0  # far beyond the last digit
    explorer.render(t=0.5)
    view = explorer.view
    blend = 0.5 * images[0] + 0.5 * images[1]
    np.testing.assert_allclose(view.probabilities, probabilities(forward(classifier, blend)),
                               rtol=1e-12, atol=1e-15)
    assert int(np.argmax(view.probabilities)) == 3
    assert view.value == pytest.approx(forward(regressor, blend)[0], rel=1e-12)
    assert view.answer == 9  # clipped to the last class
    assert view.marker.get_xdata()[0] == pytest.approx(9.5)  # drawn at the end of the line


def test_moving_the_slider_recomputes_the_frame(explorer, models, images):
    regressor, _ = models
    regressor[-1].bias.data[0] += 3.0
    explorer.set(t=1.0)
    view = explorer.view
    np.testing.assert_allclose(view.blend, images[1])
    assert view.value == pytest.approx(forward(regressor, images[1])[0], rel=1e-12)
    assert explorer.images[(STEPS - 1,)].value == explorer.frames[(STEPS - 1,)]


def test_the_models_are_not_changed(models, images):
    before = [p.data.copy() for model in models for p in model.parameters()]
    digit_morph_explorer(*models, *images, **FAST)
    after = [p.data for model in models for p in model.parameters()]
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


def test_square_images_are_accepted(models, images):
    ex = digit_morph_explorer(*models, images[0].reshape(8, 8), images[1].reshape(8, 8), **FAST)
    ex.render(t=0.0)
    np.testing.assert_allclose(np.asarray(ex.view.image.get_array()), images[0].reshape(8, 8))


def test_it_is_exported_lazily_from_the_package():
    import nncore.widgets as ncw

    assert ncw.digit_morph_explorer is digit_morph_explorer


# --------------------------------------------------------------------------- bad arguments


def test_a_regressor_that_is_not_a_model(models, images):
    with raises_with(TypeError, "digit_morph_explorer", "regressor", "Sequential", "Linear"):
        digit_morph_explorer(nc.Linear(64, 1), models[1], *images)


def test_a_regressor_with_several_outputs(models, images):
    with raises_with(ValueError, "digit_morph_explorer", "regressor", "exactly 1 output", "got 10"):
        digit_morph_explorer(models[1], models[1], *images)


def test_a_classifier_with_one_output(models, images):
    with raises_with(ValueError, "digit_morph_explorer", "classifier", "at least 2", "got 1"):
        digit_morph_explorer(models[0], models[0], *images)


def test_models_that_read_different_inputs(models, images):
    with raises_with(ValueError, "digit_morph_explorer", "64 inputs", "16"):
        digit_morph_explorer(models[0], nc.mlp([16, 4, 10], rng=0), *images)


def test_an_image_with_the_wrong_number_of_pixels(models, images):
    with raises_with(ValueError, "digit_morph_explorer", "second_image", "63 pixels", "64 inputs"):
        digit_morph_explorer(*models, images[0], images[1][:63])


def test_an_image_with_nan(models, images):
    bad = images[0].copy()
    bad[5] = np.nan
    with raises_with(ValueError, "digit_morph_explorer", "first_image", "NaN"):
        digit_morph_explorer(*models, bad, images[1])


def test_an_image_that_is_not_numeric(models, images):
    with raises_with(TypeError, "digit_morph_explorer", "first_image", "pixel intensities"):
        digit_morph_explorer(*models, ["a"] * 64, images[1])


@pytest.mark.parametrize("steps", [1, 0, 2.5, True])
def test_too_few_or_non_integer_steps(models, images, steps):
    with raises_with(ValueError, "digit_morph_explorer", "steps", "at least 2"):
        digit_morph_explorer(*models, *images, steps=steps)


def test_an_empty_name(models, images):
    with raises_with(TypeError, "digit_morph_explorer", "second_name", "non-empty string"):
        digit_morph_explorer(*models, *images, second_name=" ")


def test_a_budget_too_small_for_the_frames(models, images):
    with raises_with(ValueError, "MB", "budget"):
        digit_morph_explorer(*models, *images, steps=STEPS, dpi=30, max_bytes=2_000)
