"""nncore.widgets.static_html: an explorer as a figure that a page shows with no widget library."""

from __future__ import annotations

import base64
import html
import io
import json
import re

import ipywidgets
import matplotlib.pyplot as plt
import pytest
from PIL import Image
from plot_support import texts  # noqa: F401  (selects Agg)

from nncore.widgets import Choice, Explorer, Overlay, Slider
from nncore.widgets.display import OUTPUT_ENV, explorer_output
from nncore.widgets.measure import reachable
from nncore.widgets.static_html import explorer_html


class Scaled:
    """Points scaled by ``scale`` over a line of slope ``slope``: two overlays."""

    def __init__(self) -> None:
        self.figure, ax = plt.subplots(figsize=(3, 2), dpi=50)
        (self.line,) = ax.plot([0, 1], [0, 0], color="C0")
        (self.points,) = ax.plot([0.2, 0.8], [0.1, 0.1], "o", color="C1")
        ax.set(xlim=(0, 1), ylim=(-1, 1))
        self.overlays = [Overlay(None), Overlay([self.points], controls=("scale",))]
        self.slope, self.scale = 0.0, 1.0

    def update(self, slope: float, scale: float) -> None:
        self.slope, self.scale = slope, scale
        self.line.set_ydata([0, slope])
        self.points.set_ydata([0.1 * scale, 0.2 * scale])

    def describe(self) -> str:
        return f"A line of slope {self.slope:g} </script> & points scaled by {self.scale:g}"


def scaled_explorer(output: str | None = "both") -> Explorer:
    """The explorer of a ``Scaled`` view, built with ``NNCORE_EXPLORER_OUTPUT=output``."""
    with pytest.MonkeyPatch.context() as patch:
        if output is None:
            patch.delenv(OUTPUT_ENV, raising=False)
        else:
            patch.setenv(OUTPUT_ENV, output)
        return Explorer(
            Scaled(),
            {
                "slope": Slider([-1.0, 0.0, 1.0], label="slope a", initial=0.0),
                "scale": Choice([1.0, 2.0], labels=["small", "large"]),
            },
            title="A <line>",
            instruction="Tilt it & scale it.",
            mode="precomputed",
        )


@pytest.fixture(scope="module")
def explorer():
    ex = scaled_explorer()
    yield ex
    ex.close()
    plt.close("all")


def figure_of(explorer) -> str:
    return explorer_html(explorer.display.manifest(), title="A <line>", instruction="Tilt it.")


def manifest_of(page: str) -> dict:
    found = re.search(r'<script type="application/json" class="nnx-manifest">(.*?)</script>', page)
    return json.loads(found.group(1).replace("<\\/", "</"))


def picture(url: str) -> bytes:
    return base64.b64decode(url.split(",", 1)[1])


def test_the_widget_bundle_also_carries_the_static_figure(explorer):
    bundle = explorer._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    page = data["text/html"]
    assert page.startswith('<figure class="nnx-explorer"') and page.endswith("</figure>")
    # The title is the figure's caption (its accessible name), its first child.
    assert page.startswith('<figure class="nnx-explorer" id="nnx-')
    assert '"><figcaption class="nnx-title">A &lt;line&gt;</figcaption><p class="nnx-try">' in page
    assert "<em>Try this:</em> Tilt it &amp; scale it.</p>" in page


def data_of(explorer) -> dict:
    bundle = explorer._repr_mimebundle_()
    return bundle[0] if isinstance(bundle, tuple) else bundle


def without_ids(page: str) -> str:
    return re.sub(r"nnx-\d+", "nnx-N", page)


def test_a_live_notebook_gets_the_widget_only():
    """Unset, the output is the widget: an executed notebook stores each picture once, in the
    widget state, not again as data: URLs in a static figure."""
    ex = scaled_explorer(None)
    data = data_of(ex)
    assert "application/vnd.jupyter.widget-view+json" in data and "text/html" not in data
    assert ex.display.images and ex.display.redraws
    ex.close()


def test_the_figure_output_makes_no_picture_widgets_and_the_same_figure(explorer):
    """What a book build asks for: the static figure alone, the same bytes as the figure of
    an explorer with widgets, and no ipywidgets Image, Stack or link made for any picture."""
    ex = scaled_explorer("figure")
    data = data_of(ex)
    assert set(data) == {"text/plain", "text/html"} and data["text/plain"] == "A <line>"
    assert without_ids(data["text/html"]) == without_ids(data_of(explorer)["text/html"])
    assert ex.display.widgets == [] and ex.display.images == {} and ex.display.links == []
    assert not ex.display.redraws  # nothing shown to draw again
    assert all(not isinstance(w, ipywidgets.Image) for w in reachable([ex.widget]))
    # The budget is charged every picture as the widget state would hold it (base64), and
    # no more than the widgets' whole state (their stacks and links are not counted).
    pictures = sum(4 * -(-len(p) // 3) for o in ex.overlays for p in o.pictures.values())
    assert pictures < ex.state_bytes <= explorer.state_bytes, (pictures, ex.state_bytes)
    ex.close()


def test_an_unknown_output_is_refused_naming_the_variable_and_its_values(monkeypatch):
    monkeypatch.setenv(OUTPUT_ENV, "pictures")
    with pytest.raises(ValueError) as error:
        explorer_output()
    for part in (OUTPUT_ENV, "'widget'", "'figure'", "'both'", "'pictures'"):
        assert part in str(error.value)


def test_a_slider_is_a_labelled_range_input_announcing_the_value_shown(explorer):
    page = figure_of(explorer)
    label = re.search(r'<label for="([\w-]+)">slope a</label>', page)
    assert label, page[:500]
    ident = label.group(1)
    slider = re.search(rf'<input type="range" id="{ident}"[^>]*>', page).group(0)
    assert 'min="0"' in slider and 'max="2"' in slider and 'value="1"' in slider
    assert 'aria-valuetext="0"' in slider and "disabled" in slider
    # shown beside the slider, not announced a second time after the value text
    assert f'<output for="{ident}" data-control="slope" aria-live="off">0</output>' in page


def test_a_choice_is_a_named_group_of_radio_buttons_with_the_start_checked(explorer):
    page = figure_of(explorer)
    group = re.search(r'<span class="nnx-legend" id="([\w-]+)">scale</span>', page)
    assert group
    fieldset = re.search(
        rf'<fieldset class="nnx-choices" aria-labelledby="{group.group(1)}">(.*?)</fieldset>', page
    ).group(1)
    radios = re.findall(r'<label><input type="radio"[^>]*> (\w+)</label>', fieldset)
    assert radios == ["small", "large"]
    assert re.search(r'value="0" data-control="scale" checked disabled> small', fieldset)


def test_the_default_picture_is_in_the_page_with_its_size_and_text_alternative(explorer):
    page = figure_of(explorer)
    images = [
        found[2:]
        for found in re.findall(
            r'<img class="nnx-overlay" data-overlay="(\d)"( data-described)? src="([^"]+)" '
            r'alt="([^"]*)" width="(\d+)" height="(\d+)">',
            page,
        )
    ]
    assert len(images) == 2  # a small figure: one panel
    manifest = explorer.display.manifest()
    start = (1, 0)
    expected = manifest.pictures_at(start)
    for (url, _, width, height), want in zip(images, expected, strict=True):
        assert picture(url) == want
        with Image.open(io.BytesIO(want)) as shown:
            assert shown.size == (int(width), int(height))
    alt = html.unescape(images[0][1])
    assert alt == manifest.alt_at(start)
    assert alt.startswith("A line of slope 0 </script>"), alt
    assert images[1][1] == "", "the second overlay is decorative"
    assert f'aria-live="polite">{html.escape(alt)}</p>' in page


def test_the_manifest_gives_every_setting_its_pictures_and_description(explorer):
    page = figure_of(explorer)
    data = manifest_of(page)
    manifest = explorer.display.manifest()
    assert [c["name"] for c in data["controls"]] == ["slope", "scale"]
    assert data["controls"][1]["labels"] == ["small", "large"]
    base, points = data["overlays"]
    assert base["controls"] == ["slope", "scale"] and points["controls"] == ["scale"]
    for i in range(3):
        for j in range(2):
            want = manifest.pictures_at((i, j))
            got = [
                picture(base["pictures"][base["shown"][f"{i},{j}"]]),
                picture(points["pictures"][points["shown"][f"{j}"]]),
            ]
            assert got == want
            assert base["alts"][base["shown"][f"{i},{j}"]] == manifest.alt_at((i, j))
    assert "alts" not in points
    assert len(points["pictures"]) == 2, "each picture is stored once"


def test_text_that_would_close_the_script_is_escaped(explorer):
    page = figure_of(explorer)
    script = re.search(r'class="nnx-manifest">(.*?)</script>', page, re.S).group(1)
    assert "</script>" not in script and "<\\/script>" in script
    assert (
        "</script> &amp; points"
        not in page.split('class="nnx-manifest"')[0].split("nnx-description")[0]
    )


class TwoPanels:
    """Two plots side by side, 8 in wide at 50 dpi (400 px): wider than a phone's column."""

    def __init__(self) -> None:
        self.figure, (self.left, self.right) = plt.subplots(
            1, 2, figsize=(8, 2), dpi=50, gridspec_kw={"wspace": 0.6}
        )
        self.left.set_title("left", fontsize=10)
        self.right.set_title("right", fontsize=12)
        (self.line,) = self.left.plot([0, 1], [0, 0])
        self.right.plot([0, 1], [1, 0])
        self.slope = 0.0

    def update(self, slope: float) -> None:
        self.slope = slope
        self.line.set_ydata([0, slope])

    def describe(self) -> str:
        return f"slope {self.slope:g}"


def test_a_wide_figure_is_cut_between_its_plots_into_panels_a_phone_stacks():
    from nncore.widgets.panels import PHONE_COLUMN_PX, figure_panels

    view = TwoPanels()
    ex = Explorer(
        view, {"slope": [0.0, 1.0]}, title="t", instruction="i", mode="precomputed", dpi=50
    )
    page = figure_of(ex)
    width = round(view.figure.bbox.width)
    assert width == 400 > PHONE_COLUMN_PX
    panels = re.findall(r'<div class="nnx-panel" style="--nnx-x0:(\d+);--nnx-pw:(\d+)"', page)
    assert len(panels) == 2 and panels[0][0] == "0"
    (x0, w0), (x1, w1) = [(int(a), int(b)) for a, b in panels]
    assert x1 == w0 and x1 + w1 == width  # edge to edge
    canvas_renderer = view.figure.canvas.get_renderer()
    left = view.left.get_tightbbox(canvas_renderer)
    right = view.right.get_tightbbox(canvas_renderer)
    assert left.x1 <= x1 <= right.x0, (left.x1, x1, right.x0)  # the cut is in the gap
    assert f'--nnx-w:{width}"' in page
    # One picture per overlay and panel; one alt; the second panel is hidden from readers.
    assert page.count('<img class="nnx-overlay"') == 2 and page.count("data-described") == 1
    assert re.search(r'--nnx-pw:\d+" aria-hidden="true"', page)
    # The smallest text of each panel at the picture's size: 10 pt and 12 pt at 50 dpi.
    sizes = re.findall(r'data-smallest-text="([\d.]+)"', page)
    assert [float(v) for v in sizes[:1]] == [round(10 * 50 / 72, 2)]
    panels_now = figure_panels(view.figure)
    assert [(p.x0, p.x1) for p in panels_now] == [(0, x1), (x1, width)]
    ex.close()


def test_a_figure_as_narrow_as_a_phone_column_stays_whole(explorer):
    page = figure_of(explorer)  # 3 x 2 in at the explorer's 80 dpi: 240 px
    assert page.count('class="nnx-panel"') == 1
    assert '<div class="nnx-panel" style="--nnx-x0:0;--nnx-pw:240"' in page
