"""The built book as a reader sees it, in headless Chromium.

Every page of the toc is opened from the book built once per session (`built_book`), served
on 127.0.0.1, with no network: the CDN scripts the pages load (MathJax 3, require.js 2.3.4,
@jupyter-widgets/html-manager 1.0.6) come from the npm packages in ``js/``
(``npm ci --prefix js``) and every other request leaving 127.0.0.1 is aborted and
reported. For each page the tests check that

- it loads with no uncaught error (the known upstream noise is listed in `KNOWN_NOISE`);
- MathJax typesets every math block;
- every widget renders, and every slider, drop-down and toggle-button control, moved with
  the keyboard, changes the picture shown beside it (the bytes of the visible image and a
  screenshot of it), with no kernel anywhere;
- every image has a meaningful text alternative;
- the launch (Binder, Colab), download and repository buttons are there;
- at a 390 px wide viewport nothing but code cells and figures overflows horizontally.

Screenshots of every page (desktop and phone width) go to ``<build>/browser-screenshots``;
the path and a table of what was checked on each page are printed at the end of the run.

The browser comes from pytest-playwright's fixtures (``browser``, ``page``), launched from
the system's Chromium (`browser_type_launch_args`); what runs inside the pages is in
``tests/browser/js/*.js``. Without Chromium the suite is skipped with the command that
installs it; with ``CI=true`` a missing browser or missing npm packages fail it instead.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_support import (
    CHROMIUM_ARGS,
    CHROMIUM_INSTALL_HINT,
    NPM_INSTALL_HINT,
    BookServer,
    NetworkLog,
    alt_text_problem,
    cdn_scripts_on_page,
    find_chromium,
    in_ci,
    install_routes,
    js,
    local_copy,
    missing_npm_packages,
)

pytest.importorskip(
    "pytest_playwright",
    reason="the browser tests need pytest-playwright: pip install -r requirements-dev.txt",
)

REPO_ROOT = Path(__file__).resolve().parents[1]
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
        # sphinx-thebe 0.3.1 adds its inline configuration script ("const THEBE_JS_URL = ...")
        # each time Sphinx's env-before-read-docs event fires, and a Jupyter Book build fires
        # it twice: the second, identical copy cannot redeclare the constants. The first copy
        # defined them, which is all the "Live Code" button needs.
        re.compile(r"^Identifier 'THEBE_JS_URL' has already been declared$"),
        "thebe_config_defined",
    ),
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


# --------------------------------------------------------------------------- set-up


def _unavailable(message: str) -> None:
    if in_ci():
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, for the system's Chromium kept off the network."""
    path = find_chromium()
    if path is None:
        _unavailable(
            "the browser tests need Chromium, which is not installed: run "
            f"`{CHROMIUM_INSTALL_HINT}` (Debian/Ubuntu, as root) or set CHROMIUM=/path/to/chromium"
        )
    return {**browser_type_launch_args, "executable_path": str(path), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """Every page opens at phone width (for the overflow check), one device pixel per CSS
    pixel, with service workers blocked so that every request goes through the routes."""
    return {
        **browser_context_args,
        "viewport": PHONE,
        "device_scale_factor": 1,
        "service_workers": "block",
    }


@pytest.fixture(scope="session")
def cdn_copies() -> None:
    missing = missing_npm_packages()
    if missing:
        _unavailable(
            "the browser tests serve the pages' CDN scripts from local npm packages; missing: "
            f"{'; '.join(missing)}. Install them with `{NPM_INSTALL_HINT}`"
        )


@pytest.fixture(scope="session")
def book_server(built_book):
    if not built_book.html_dir.is_dir():
        pytest.fail(
            f"the book build produced no HTML folder ({built_book.html_dir})", pytrace=False
        )
    with BookServer(built_book.html_dir) as server:
        yield server


@pytest.fixture(scope="session")
def screenshot_dir(built_book) -> Path:
    folder = built_book.build_dir / "browser-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def book_config() -> dict:
    return yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))


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

    def counts(self) -> dict[str, Any]:
        figures = [i for i in self.images if i["inArticle"]]
        return {
            "math blocks": self.math.get("inline", 0) + self.math.get("display", 0),
            "typeset": self.math.get("typeset", 0),
            "widget views": self.widgets.get("views", 0),
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


CONTROL_KINDS = (
    ("slider", ".widget-subarea .widget-slider", _slider_plan),
    ("dropdown", ".widget-subarea .widget-dropdown", _dropdown_plan),
    ("toggle buttons", ".widget-subarea .widget-toggle-buttons", _toggle_plan),
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
    _screenshot(page, shots_dir / f"{_file_name(docname)}--phone.jpg", visit)

    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(200)
    math = page.evaluate(js("math"))
    math["typeset"] = (math["inline"] + math["display"]) - len(math["untypeset"])
    visit.math = math
    visit.widgets = _widgets(page)
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
    _forgive(page, visit)
    visit.seconds = time.monotonic() - started
    return visit


class _Summary:
    """Prints the screenshot folder and what was checked on each page at the end of the run."""

    def __init__(self, shots_dir: Path) -> None:
        self.shots_dir = shots_dir
        self.visits: dict[str, PageVisit] = {}

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.visits:
            return
        write = terminalreporter.write_line
        terminalreporter.write_sep("=", "browser tests: what each page showed")
        columns = list(next(iter(self.visits.values())).counts())
        write("page | " + " | ".join(columns) + " | seconds")
        for docname, visit in self.visits.items():
            counts = visit.counts()
            write(
                f"{docname} | "
                + " | ".join(str(counts[c]) for c in columns)
                + f" | {visit.seconds:.1f}"
            )
        total = sum(v.seconds for v in self.visits.values())
        write(f"{len(self.visits)} pages in {total:.1f} s of browser time")
        write(f"screenshots: {self.shots_dir}")


@pytest.fixture(scope="session")
def page_visits(request, browser, browser_context_args, cdn_copies, book_server, screenshot_dir):
    """``get(docname)``: the one visit of a page, made on first use in a context of its own
    (pytest-playwright's ``page`` fixture would open a page per test, seven per page)."""
    summary = _Summary(screenshot_dir)
    request.config.pluginmanager.register(summary, "browser-test-summary")
    cache: dict[str, PageVisit | Exception] = {}

    def get(docname: str) -> PageVisit:
        if docname not in cache:
            context = browser.new_context(**browser_context_args)
            try:
                cache[docname] = summary.visits[docname] = visit_page(
                    context.new_page(), book_server, docname, screenshot_dir
                )
            except Exception as error:  # noqa: BLE001 - one failed visit fails that page's tests
                cache[docname] = error
            finally:
                context.close()
        result = cache[docname]
        if isinstance(result, Exception):
            pytest.fail(
                f"{docname}: the browser could not go through the page: {result!r}", pytrace=False
            )
        return result

    return get


@pytest.fixture
def visit(page_visits, toc_docname) -> PageVisit:
    return page_visits(toc_docname)


def _is_notebook(docname: str) -> bool:
    return (REPO_ROOT / f"{docname}.ipynb").is_file()


# --------------------------------------------------------------------------- the tests


def test_page_loads_without_errors_or_network(visit: PageVisit):
    assert visit.status == 200, f"{visit.url} answered {visit.status}"
    assert not visit.unknown_cdn_scripts, (
        f"{visit.docname} loads scripts the tests have no local copy of: "
        f"{visit.unknown_cdn_scripts}; "
        f"add them to CDN_PACKAGES in tests/browser_support.py and to js/package.json"
    )
    assert not visit.page_errors, (
        f"{visit.docname}: uncaught errors in the page: {visit.page_errors}"
    )
    assert not visit.network.blocked, (
        f"{visit.docname} tried to reach the network (requests aborted): {visit.network.blocked}"
    )
    assert not visit.network.missing_locally, (
        f"{visit.docname} asked for CDN files the npm packages do not contain: "
        f"{visit.network.missing_locally}"
    )
    assert not visit.missing_local, (
        f"{visit.docname}: files missing from the built book: {visit.missing_local}"
    )
    assert all(shot.is_file() and shot.stat().st_size > 0 for shot in visit.screenshots)


def test_math_is_typeset(visit: PageVisit):
    math = visit.math
    problems = [p for p in visit.render_problems if p.startswith("MathJax")]
    assert not problems, f"{visit.docname}: {problems}"
    blocks = math["inline"] + math["display"]
    assert not math["untypeset"], (
        f"{visit.docname}: {len(math['untypeset'])} of {blocks} math blocks were not typeset "
        f"by MathJax, "
        f"e.g. {math['untypeset'][:3]}"
    )
    assert math["containers"] >= blocks, (
        f"{visit.docname}: {blocks} math blocks but only {math['containers']} MathJax containers"
    )
    assert not math["errors"], f"{visit.docname}: MathJax reports TeX errors: {math['errors'][:5]}"
    assert not math["raw"], (
        f"{visit.docname}: TeX left as plain text in the prose: {math['raw'][:5]}"
    )


def test_widgets_render(visit: PageVisit):
    problems = [p for p in visit.render_problems if p.startswith("widgets")]
    assert not problems, f"{visit.docname}: {problems}"
    for when, widgets in (
        ("on load", visit.widgets),
        ("after moving the controls", visit.widgets_after),
    ):
        if not widgets:
            continue
        assert not widgets["errorViews"], (
            f"{visit.docname}: {len(widgets['errorViews'])} widget(s) failed to render {when}: "
            f"{widgets['errorViews'][:3]}"
        )
        assert not widgets["unrendered"], (
            f"{visit.docname}: widget views never rendered {when}: {widgets['unrendered'][:3]}"
        )
    if visit.widgets["views"]:
        assert visit.widgets["states"] == 1, f"{visit.docname}: expected one widget-state script"
        assert visit.widgets["widgetElements"] > 0, (
            f"{visit.docname}: no .widget-* element was drawn"
        )


def test_controls_change_the_figure_without_a_kernel(visit: PageVisit):
    failures = []
    for control in visit.controls:
        name = f"{control.kind} {control.label!r}"
        if control.problem:
            failures.append(f"{name}: {control.problem}")
        elif not control.moves:
            failures.append(f"{name}: was not moved")
        failures += [f"{name}: {move.problem}" for move in control.moves if move.problem]
    assert not failures, f"{visit.docname}:\n  " + "\n  ".join(failures)
    n_views = visit.widgets.get("views", 0)
    if n_views:
        assert visit.controls, f"{visit.docname} shows {n_views} widgets but no control to move"


def test_images_have_meaningful_alt_text(visit: PageVisit):
    problems = []
    for image in visit.images:
        if not image["inArticle"]:
            if not (image["alt"] or "").strip():
                problems.append(f"{image['src']}: no alt text")
            continue
        if image["inWidget"]:
            # ipywidgets' Image view writes the widget's tooltip to the title attribute,
            # which is the image's accessible name when it has no alt.
            text = image["alt"] if image["alt"] is not None else image["title"]
        else:
            text = image["alt"]
        problem = alt_text_problem(text)
        if problem:
            problems.append(
                f"{'widget frame' if image['inWidget'] else 'figure'} {image['src']}: {problem}"
            )
        if image["visible"] and not image["naturalWidth"]:
            problems.append(f"{image['src']}: the image did not load")
    assert not problems, f"{visit.docname}:\n  " + "\n  ".join(problems)


def test_launch_download_and_repository_buttons(visit: PageVisit, book_config):
    buttons = visit.buttons
    repository = book_config["repository"]["url"].rstrip("/")
    assert repository in [href.rstrip("/") for href in buttons["repository"]], (
        f"{visit.docname}: no repository button linking {repository} "
        f"(found {buttons['repository']})"
    )
    assert buttons["sourceToggleVisible"], f"{visit.docname}: the repository button is not visible"
    assert buttons["downloadToggleVisible"], f"{visit.docname}: no visible download button"
    source = Path(visit.docname).name
    assert any(source in href for href in buttons["downloads"]), (
        f"{visit.docname}: the download menu offers no source file of the page "
        f"({buttons['downloads']})"
    )
    assert buttons["printButton"], f"{visit.docname}: the download menu has no PDF (print) entry"
    if _is_notebook(visit.docname):
        notebook = f"{visit.docname}.ipynb"
        assert any(href.endswith(notebook) for href in buttons["binder"]), (
            f"{visit.docname}: no Binder button for {notebook} ({buttons['binder']})"
        )
        assert any(href.endswith(notebook) for href in buttons["colab"]), (
            f"{visit.docname}: no Colab button for {notebook} ({buttons['colab']})"
        )
        assert buttons["launchToggleVisible"], f"{visit.docname}: the launch button is not visible"
        assert visit.launch_menu_visible, (
            f"{visit.docname}: clicking the launch button shows no Binder link"
        )


def test_no_horizontal_overflow_on_a_phone(visit: PageVisit):
    overflow = visit.overflow
    assert not overflow["offenders"], (
        f"{visit.docname} at {PHONE['width']} px: content wider than the screen outside code cells "
        f"and figures (page scroll width {overflow['scrollWidth']} px):\n  "
        + "\n  ".join(overflow["offenders"][:10])
    )


# --------------------------------------------------------------------------- the checks' own check

WIDGET_STATE = re.compile(
    r'(<script type="application/vnd\.jupyter\.widget-state\+json">)(.*?)(</script>)', re.DOTALL
)


def _image_views_with_tooltip_only(html: str) -> str:
    """Give every Image widget of a page a tooltip and no description.

    html-manager 1.0.6 cannot draw such an image ("Failed to create view for 'ImageView'",
    a TypeError in updateTooltip): the state an explorer's frames had before they carried an
    empty description.
    """

    def edit(match: re.Match) -> str:
        state = json.loads(match.group(2))
        for model in state["state"].values():
            if model.get("model_name") == "ImageModel":
                model["state"].pop("description", None)
                model["state"]["tooltip"] = (
                    model["state"].get("tooltip") or "A frame of the explorer"
                )
        return match.group(1) + json.dumps(state).replace("</", "<\\/") + match.group(3)

    return WIDGET_STATE.sub(edit, html)


def _smallest_page_with(html_dir: Path, *needles: str) -> str:
    """The docname of the smallest page whose HTML contains every needle."""
    pages = sorted(
        (path.stat().st_size, path.relative_to(html_dir).with_suffix("").as_posix())
        for path in html_dir.glob("*/*.html")
        if all(needle in path.read_text(encoding="utf-8") for needle in needles)
    )
    assert pages, f"no page of the book contains {needles}: the interactive figures are missing"
    return pages[0][1]


def test_a_figure_that_fails_to_render_is_caught(
    page, cdn_copies, book_server, built_book, tmp_path
):
    """The widget and control checks fail on a page whose image widgets cannot be drawn."""
    docname = _smallest_page_with(built_book.html_dir, '"ImageModel"')
    broken = visit_page(
        page, book_server, docname, tmp_path, transform=_image_views_with_tooltip_only
    )
    errors = broken.widgets["errorViews"] + broken.widgets_after["errorViews"]
    assert any("Failed to create view for 'ImageView'" in error for error in errors), (
        f"{docname} with tooltip-only image widgets: expected error widgets naming ImageView, "
        f"got {errors}"
    )
    flagged = [c for c in broken.controls if c.problem or any(m.problem for m in c.moves)]
    assert broken.controls and len(flagged) == len(broken.controls), (
        f"{docname} with undrawable frames: every control should be reported, "
        f"{len(flagged)} of {len(broken.controls)} were"
    )


def test_offline_book_needs_no_network(page, cdn_copies, built_book, tmp_path):
    """`make book-offline` (tools/make_offline_book.py): math and figures with every CDN refused."""
    output = tmp_path / "html-offline"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "tools" / "make_offline_book.py"),
            str(built_book.html_dir),
            str(output),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"make_offline_book.py failed:\n{result.stdout}{result.stderr}"
    docname = _smallest_page_with(output, '"ImageModel"', 'class="math')
    with BookServer(output) as server:
        visit = visit_page(page, server, docname, tmp_path, cdn=False)
    assert not visit.network.blocked, (
        f"offline {docname} still asks the network for {visit.network.blocked}"
    )
    assert not visit.page_errors, f"offline {docname}: uncaught errors {visit.page_errors}"
    assert not visit.missing_local, f"offline {docname}: missing files {visit.missing_local}"
    math = visit.math
    assert math["inline"] + math["display"] > 0 and not math["untypeset"], (
        f"offline {docname}: {len(math['untypeset'])} math blocks not typeset"
    )
    assert (
        visit.widgets["views"]
        and not visit.widgets["errorViews"]
        and not visit.widgets["unrendered"]
    )
    problems = [
        c.problem or m.problem
        for c in visit.controls
        for m in (c.moves or [None])
        if c.problem or m.problem
    ]
    assert visit.controls and not problems, f"offline {docname}: {problems}"
