"""One visit of a page of the built book in Chromium, recording what the browser tests check.

`visit_page` opens a page (in a Playwright page the caller made), waits for MathJax and the
widget manager, measures the page with the functions in ``tests/browser/js``, moves every
control with the keyboard and compares the figure beside it before and after. The verdicts
are the tests' (tests/browser/test_browser.py); this module only records.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from browser_support import (
    BookServer,
    NetworkLog,
    axe_violations,
    cdn_scripts_on_page,
    install_routes,
    js,
    local_copy,
)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
RENDER_TIMEOUT_MS = 30_000  # MathJax and the widget manager on the largest page
FRAME_TIMEOUT_S = 5.0  # for the figure to change after a key press
# JPEG stores at most 65,535 pixels a side; longer pages (the API reference at phone width)
# are screenshotted down to here.
SCREENSHOT_MAX_HEIGHT = 30_000

# Uncaught errors that the book cannot cause or fix, each with why it is harmless. A page
# error is forgiven only if it matches a pattern here AND the check next to it passes on
# that page (the function in tests/browser/js/<check>.js, true when nothing was lost).
KNOWN_NOISE = (
    (
        # @jupyter-widgets/controls 5 (inside html-manager 1.0.6) typesets a widget's label
        # with the MathJax 2 call MathJax.Hub.Queue(...); the book loads MathJax 3, which has
        # no Hub. The label's text is written before that call, so only TeX inside widget
        # labels would stay untypeset, and the check is that no label contains any.
        re.compile(r"^Cannot read properties of undefined \(reading 'Queue'\)$"),
        "no_tex_in_widget_labels",
    ),
)

# Files the pages fetch from the book's own server that do not exist, and why that is harmless.
KNOWN_MISSING_LOCAL = (
    (
        # html-manager 1.0.6's bundle sets its webpack public path relative to the page, so
        # the browser asks the book's server (not the CDN) for the FontAwesome 5 fonts in its
        # CSS. The theme draws its icons as SVG and no widget of the book has an icon: the
        # check is that nothing on the page is drawn with a FontAwesome font.
        re.compile(r"/@jupyter-widgets/html-manager/dist/[0-9a-f]{20}\.(woff2?|ttf|eot|svg)$"),
        "no_fontawesome_drawn",
    ),
)


# --------------------------------------------------------------------------- one visit per page


@dataclass
class Move:
    key: str
    value_before: str
    value_after: str
    frame_changed: bool  # bytes of the visible image(s)
    pixels_changed: bool  # screenshot of the visible image(s)
    problem: str | None = None


@dataclass
class Control:
    kind: str  # "slider", "dropdown" or "toggle buttons"
    label: str
    moves: list[Move] = field(default_factory=list)
    problem: str | None = None


@dataclass
class PageVisit:
    docname: str
    url: str
    status: int | None = None
    seconds: float = 0.0
    page_errors: list[str] = field(default_factory=list)
    forgiven_errors: list[str] = field(default_factory=list)
    missing_local: list[str] = field(default_factory=list)
    forgiven_missing_local: list[str] = field(default_factory=list)
    network: NetworkLog = field(default_factory=NetworkLog)
    unknown_cdn_scripts: list[str] = field(default_factory=list)
    render_problems: list[str] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    widgets: dict = field(default_factory=dict)
    widgets_after: dict = field(default_factory=dict)
    controls: list[Control] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    buttons: dict = field(default_factory=dict)
    launch_menu_visible: bool | None = None
    overflow: dict = field(default_factory=dict)
    screenshots: list[Path] = field(default_factory=list)
    accessibility: list[dict] = field(default_factory=list)  # axe-core's serious/critical
    control_names: list[dict] = field(default_factory=list)
    explorer_panels: list[dict] = field(default_factory=list)  # at phone width

    def counts(self) -> dict[str, Any]:
        figures = [i for i in self.images if i["inArticle"]]
        return {
            "math blocks": self.math.get("inline", 0) + self.math.get("display", 0),
            "typeset": self.math.get("typeset", 0),
            "widget views": self.widgets.get("views", 0),
            "explorers": self.widgets.get("explorers", 0),
            ".widget-* elements": self.widgets.get("widgetElements", 0),
            "sliders": sum(c.kind == "slider" for c in self.controls),
            "other controls": sum(c.kind != "slider" for c in self.controls),
            "moves": sum(len(c.moves) for c in self.controls),
            "images": len([i for i in figures if not i["inWidget"]]),
            "widget frames seen": len([i for i in figures if i["inWidget"]]),
        }


def _file_name(docname: str) -> str:
    return docname.replace("/", "__")


def _wait_until_rendered(page, visit: PageVisit) -> None:
    """Wait for MathJax's first typesetting pass and for the widget manager's views."""
    if page.evaluate(js("has_mathjax")):
        try:
            page.wait_for_function(js("mathjax_started"), timeout=RENDER_TIMEOUT_MS)
            page.evaluate(js("mathjax_typeset"))
        except Exception as error:  # noqa: BLE001 - reported by the math test
            visit.render_problems.append(f"MathJax did not start: {error}".splitlines()[0])
    if page.evaluate(js("has_widget_views")):
        try:
            page.wait_for_function(js("widget_views_rendered"), timeout=RENDER_TIMEOUT_MS)
        except Exception as error:  # noqa: BLE001 - reported by the widget test
            visit.render_problems.append(
                f"widgets not rendered after {RENDER_TIMEOUT_MS} ms: {error}".splitlines()[0]
            )
    if page.evaluate(js("has_explorers")):
        try:
            page.wait_for_function(js("explorers_ready"), timeout=RENDER_TIMEOUT_MS)
        except Exception as error:  # noqa: BLE001 - reported by the widget test
            visit.render_problems.append(
                f"explorers not ready after {RENDER_TIMEOUT_MS} ms: {error}".splitlines()[0]
            )
    page.wait_for_timeout(150)  # let the last views paint


def _open(
    page, server: BookServer, docname: str, visit: PageVisit, transform=None, cdn=True
) -> None:
    """Open a page (at phone width), recording its errors and requests into ``visit``."""
    install_routes(page, server.base_url, visit.network, transform=transform, cdn=cdn)
    page.on("pageerror", lambda error: visit.page_errors.append(error.message or str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.url.startswith(server.base_url)
            and visit.missing_local.append(f"{response.status} {response.url}")
        ),
    )
    response = page.goto(server.url(docname), wait_until="load", timeout=RENDER_TIMEOUT_MS * 2)
    visit.status = response.status if response is not None else None
    _wait_until_rendered(page, visit)


def _forgive(page, visit: PageVisit) -> None:
    """Move page errors and missing files explained by KNOWN_NOISE / KNOWN_MISSING_LOCAL aside."""
    for attribute, known, forgiven in (
        ("page_errors", KNOWN_NOISE, "forgiven_errors"),
        ("missing_local", KNOWN_MISSING_LOCAL, "forgiven_missing_local"),
    ):
        kept = []
        verdicts: dict[str, bool] = {}
        for item in getattr(visit, attribute):
            text = item.split(" ", 1)[1] if attribute == "missing_local" else item
            check = next((check for pattern, check in known if pattern.search(text)), None)
            if check is not None and check not in verdicts:
                verdicts[check] = bool(page.evaluate(js(check)))
            if check is not None and verdicts[check]:
                getattr(visit, forgiven).append(item)
            else:
                kept.append(item)
        setattr(visit, attribute, kept)


def _shown_frame(figure, *, screenshots: bool = True) -> tuple[list[str], list[bytes]]:
    """Digests of the bytes of a figure's visible images, and a screenshot of each."""
    digests = figure.evaluate(js("shown_frame"))
    shots = []
    if screenshots:
        images = figure.locator("img").filter(visible=True)
        for index in range(images.count()):
            image = images.nth(index)
            image.evaluate(js("decode_image"))
            shots.append(image.screenshot(animations="disabled", caret="hide"))
    return digests, shots


def _press_and_compare(page, figure, target, key: str, read_value, before) -> tuple[Move, tuple]:
    """Press ``key`` on ``target`` and compare the figure's images before and after.

    ``before`` is the figure's (digests, screenshots) before the key press; the figure's
    state after it is returned with the move, to serve as the next move's ``before``.
    """
    before_digests, before_shots = before
    before_value = read_value()
    target.focus()
    target.press(key)
    after_value = read_value()
    if after_value == before_value:
        return Move(
            key, before_value, after_value, False, False, f"{key} did not move the control"
        ), before
    deadline = time.monotonic() + FRAME_TIMEOUT_S
    while time.monotonic() < deadline:
        digests = figure.evaluate(js("shown_frame"))
        if digests and digests != before_digests:
            break
        page.wait_for_timeout(50)
    after = _shown_frame(figure)
    after_digests, after_shots = after
    move = Move(
        key,
        before_value,
        after_value,
        frame_changed=bool(after_digests) and after_digests != before_digests,
        pixels_changed=bool(after_shots) and after_shots != before_shots,
    )
    if not after_digests:
        errors = figure.evaluate(js("error_views"))
        move.problem = f"no image is shown after {key} ({before_value} -> {after_value})" + (
            f"; error widget: {errors}" if errors else ""
        )
    elif not move.frame_changed:
        move.problem = (
            f"the figure still shows the same image after {key} ({before_value} -> {after_value})"
        )
    elif not move.pixels_changed:
        move.problem = f"the image changed but the screenshot of it did not after {key}"
    return move, after


def _far_end(start: str, now: str, first: str, last: str) -> str:
    """The key that jumps to the end of the range not yet visited (Home or End)."""
    if now == last:
        return "Home"
    if now == first:
        return "End"
    return "Home" if start == last else "End"


def _slider_plan(control):
    """One step away from the start, then a jump to the far end: three different positions."""
    handle = control.locator(".noUi-handle").first
    value = lambda: handle.get_attribute("aria-valuenow") or ""  # noqa: E731
    first, last, start = (
        handle.get_attribute("aria-valuemin"),
        handle.get_attribute("aria-valuemax"),
        value(),
    )
    yield handle, ("ArrowLeft" if start == last else "ArrowRight"), value
    yield handle, _far_end(start, value(), first, last), value


def _dropdown_plan(control):
    """As for a slider: the next option, then the first or last one."""
    select = control.locator("select").first
    value = lambda: str(select.evaluate(js("selected_index")))  # noqa: E731
    last, start = str(select.evaluate(js("last_option_index"))), value()
    yield select, ("ArrowUp" if start == last else "ArrowDown"), value
    yield select, _far_end(start, value(), "0", last), value


def _toggle_plan(control):
    """Activate the next button with Space, then the one after it with Enter."""
    buttons = control.locator("button")
    count = buttons.count()
    value = lambda: str(control.evaluate(js("active_toggle")))  # noqa: E731
    for key in ("Space", "Enter"):
        yield buttons.nth((int(value()) + 1) % count), key, value


def _range_plan(control):
    """A static explorer's slider (a native range input): one step, then the far end."""
    slider = control.locator('input[type="range"]').first
    value = lambda: slider.input_value()  # noqa: E731
    first, last, start = slider.get_attribute("min"), slider.get_attribute("max"), value()
    yield slider, ("ArrowLeft" if start == last else "ArrowRight"), value
    yield slider, _far_end(start, value(), first, last), value


def _radio_plan(control):
    """A static explorer's choice (radio buttons): the next option with the arrow key, twice."""
    checked = control.locator('input[type="radio"]:checked')
    value = lambda: str(control.evaluate(js("checked_radio")))  # noqa: E731
    for _ in range(2):
        yield checked.first, "ArrowRight", value


CONTROL_KINDS = (
    ("slider", ".widget-subarea .widget-slider", _slider_plan),
    ("dropdown", ".widget-subarea .widget-dropdown", _dropdown_plan),
    ("toggle buttons", ".widget-subarea .widget-toggle-buttons", _toggle_plan),
    ("slider", "figure.nnx-explorer .nnx-control:has(input[type=range])", _range_plan),
    ("radio buttons", "figure.nnx-explorer .nnx-control:has(fieldset)", _radio_plan),
)


def _exercise_controls(page, visit: PageVisit, shots_dir: Path) -> None:
    """Move every slider, drop-down and toggle-button control with the keyboard."""
    number = 0
    for kind, selector, plan in CONTROL_KINDS:
        controls = page.locator(selector)
        for index in range(controls.count()):
            number += 1
            control = controls.nth(index)
            label = control.evaluate(js("control_label"))
            result = Control(kind, label.strip())
            visit.controls.append(result)
            mark = f"control-{number}"
            if not control.evaluate(js("mark_figure"), mark):
                result.problem = "no figure (image) next to this control"
                continue
            figure = page.locator(f'[data-figure-of="{mark}"]')
            state = _shown_frame(figure)
            if not state[0]:
                result.problem = "the figure next to this control shows no image before any move"
                continue
            try:
                for target, key, value in plan(control):
                    move, state = _press_and_compare(page, figure, target, key, value, state)
                    result.moves.append(move)
                    seen = {(image["src"], image["title"]) for image in visit.images}
                    visit.images += [
                        image
                        for image in figure.evaluate(js("images"))
                        if image["visible"] and (image["src"], image["title"]) not in seen
                    ]
            except Exception as error:  # noqa: BLE001 - recorded for the controls test
                result.problem = f"could not move it: {str(error).splitlines()[0]}"
            if state[1]:
                last = result.moves[-1].key if result.moves else "start"
                (shots_dir / f"{_file_name(visit.docname)}--{mark}-after-{last}.png").write_bytes(
                    state[1][0]
                )


def _screenshot(page, path: Path, visit: PageVisit) -> None:
    """A JPEG of the whole page, cut at `SCREENSHOT_MAX_HEIGHT` (a taller JPEG is an empty file)."""
    height = min(page.evaluate(js("page_height")), SCREENSHOT_MAX_HEIGHT)
    width = page.viewport_size["width"]
    page.screenshot(
        path=str(path),
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": height},
        type="jpeg",
        quality=75,
        animations="disabled",
        caret="hide",
    )
    visit.screenshots.append(path)


def _widgets(page) -> dict:
    """The widget views of the page, what the manager drew, and its error views."""
    return {**page.evaluate(js("widgets")), "errorViews": page.evaluate(js("error_views"))}


def visit_page(
    page, server: BookServer, docname: str, shots_dir: Path, transform=None, cdn: bool = True
) -> PageVisit:
    """Open ``docname`` in ``page`` (a fresh page at phone width) and record everything the
    tests check.

    The page is loaded once at phone width (overflow check, phone screenshot), then widened
    to a desktop window for the rest: math, widgets, images, buttons, the controls.
    ``transform`` edits the page's HTML on its way to the browser; ``cdn=False`` refuses the
    CDN scripts too.
    """
    visit = PageVisit(docname, server.url(docname))
    started = time.monotonic()
    html_file = server.html_dir / f"{docname}.html"
    if html_file.is_file():
        visit.unknown_cdn_scripts = [
            src
            for src in cdn_scripts_on_page(html_file.read_text(encoding="utf-8"))
            if not cdn or local_copy(src) is None
        ]
    _open(page, server, docname, visit, transform, cdn)
    visit.overflow = page.evaluate(js("overflow"))
    visit.explorer_panels = page.evaluate(js("explorer_panels"))
    _screenshot(page, shots_dir / f"{_file_name(docname)}--phone.jpg", visit)

    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(200)
    math = page.evaluate(js("math"))
    math["typeset"] = (math["inline"] + math["display"]) - len(math["untypeset"])
    visit.math = math
    visit.widgets = _widgets(page)
    page.evaluate(js("load_images"))  # lazy images too, as scrolling to them would
    visit.images = page.evaluate(js("images"))
    visit.buttons = page.evaluate(js("buttons"))
    _screenshot(page, shots_dir / f"{_file_name(docname)}--desktop.jpg", visit)
    toggle = page.locator(".dropdown-launch-buttons > button").first
    if toggle.count() and toggle.is_visible():
        toggle.click()
        binder = page.locator('.dropdown-launch-buttons a[href^="https://mybinder.org/v2/"]').first
        try:
            binder.wait_for(state="visible", timeout=3000)
            visit.launch_menu_visible = True
        except Exception:  # noqa: BLE001 - reported by the buttons test
            visit.launch_menu_visible = False
        page.keyboard.press("Escape")

    _exercise_controls(page, visit, shots_dir)
    page.wait_for_timeout(100)  # late errors of the last move
    visit.widgets_after = _widgets(page)
    visit.control_names = page.evaluate(js("control_names"))
    visit.accessibility = axe_violations(page)
    _forgive(page, visit)
    visit.seconds = time.monotonic() - started
    return visit
