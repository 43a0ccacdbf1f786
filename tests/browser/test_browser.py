"""The built book as a reader sees it, in headless Chromium.

Every page of the toc is opened from the book built once per session (`built_book`), served
on 127.0.0.1, with no network: a CDN script a page loads (MathJax 3, require.js 2.3.4,
@jupyter-widgets/html-manager 1.0.6; the book's own pages load none) comes from the npm
packages in ``js/`` (``npm ci --prefix js``) and every other request leaving 127.0.0.1 is
aborted and reported. For each page the tests check that

- it loads with no uncaught error (the known upstream noise is listed in `KNOWN_NOISE`);
- every math block is drawn as MathML (typeset when the book is built), with no TeX error;
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

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from browser_support import (
    CHROMIUM_ARGS,
    CHROMIUM_INSTALL_HINT,
    NPM_INSTALL_HINT,
    BookServer,
    alt_text_problem,
    axe_violations,
    find_chromium,
    in_ci,
    js,
    missing_npm_packages,
)
from browser_visit import DESKTOP, PHONE, PageVisit, visit_page
from repo_root import REPO_ROOT

pytest.importorskip(
    "pytest_playwright",
    reason="the browser tests need pytest-playwright: pip install -r requirements-dev.txt",
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
        f"add them to CDN_PACKAGES in tests/browser/browser_support.py and to js/package.json"
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
        f"{visit.docname}: {len(math['untypeset'])} of {blocks} math blocks draw no formula, "
        f"e.g. {math['untypeset'][:3]}"
    )
    assert math["containers"] >= blocks, (
        f"{visit.docname}: {blocks} math blocks but only {math['containers']} hold a formula"
    )
    assert not math["errors"], f"{visit.docname}: TeX errors in the math: {math['errors'][:5]}"
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
    explorers = visit.widgets.get("explorers", 0)
    assert visit.widgets.get("explorersReady", 0) == explorers, (
        f"{visit.docname}: {explorers - visit.widgets.get('explorersReady', 0)} of {explorers} "
        "explorers were not made interactive by the player script"
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
    n_views = visit.widgets.get("views", 0) + visit.widgets.get("explorers", 0)
    if n_views:
        assert visit.controls, f"{visit.docname} shows {n_views} widgets but no control to move"


def test_images_have_meaningful_alt_text(visit: PageVisit):
    problems, decorative, described = [], [], 0
    for image in visit.images:
        if not image["inArticle"]:
            if not (image["alt"] or "").strip():
                problems.append(f"{image['src']}: no alt text")
            continue
        if image["inWidget"] and image["alt"] == "":
            # A layer of an explorer's figure (nncore.widgets.Layer): decorative, as screen
            # readers hear the whole frame's text alternative on its described layer.
            decorative.append(image["src"])
            if image["visible"] and not image["naturalWidth"]:
                problems.append(f"{image['src']}: the layer picture did not load")
            continue
        if image["inWidget"]:
            # ipywidgets' Image view writes the widget's tooltip to the title attribute,
            # which is the image's accessible name when it has no alt.
            described += 1
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
    if decorative and not described:
        problems.append(f"{len(decorative)} decorative layer pictures but no described frame")
    assert not problems, f"{visit.docname}:\n  " + "\n  ".join(problems)


def test_every_explorer_control_is_named_and_says_the_value_shown(visit: PageVisit):
    problems = []
    for control in visit.control_names:
        if control["disabled"]:
            problems.append(f"{control['type']} control still disabled")
        if control["type"] == "range":
            if not control["name"]:
                problems.append("a slider without a label")
            elif control["valueText"] != control["shown"]:
                problems.append(
                    f"slider {control['name']!r} says {control['valueText']!r} "
                    f"but shows {control['shown']!r}"
                )
        elif not control["name"] or not control["group"]:
            problems.append(f"radio button {control['name']!r} of group {control['group']!r}")
    assert not problems, f"{visit.docname}:\n  " + "\n  ".join(problems)


def test_no_serious_accessibility_violation(visit: PageVisit):
    """axe-core (WCAG 2.1 A and AA) after the page rendered and its controls moved."""
    assert not visit.accessibility, f"{visit.docname}: " + "; ".join(
        f"{v['rule']} ({v['impact']}, {v['count']}x: {v['help']}): {v['nodes'][0]}"
        for v in visit.accessibility
    )


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


#: The smallest text an explorer's picture may show on a phone, in CSS pixels.
PHONE_SMALLEST_TEXT_PX = 8.0


def test_explorer_text_keeps_its_size_on_a_phone(visit: PageVisit):
    """At 390 px each explorer's picture is shown as its panels one under another: a panel
    no wider than the column at its natural size, its smallest text (the figure's dpi times
    its font size, at the picture's size) then at its size on the page; a panel wider than
    the column (no gap in the figure to cut at) is shrunk to the column and its text with it:
    those are listed, and tests/bookcode/test_explorer_legibility.py names them."""
    if not visit.explorer_panels:  # no explorer on the page, rather than panels unmeasured
        assert not any(image["inWidget"] for image in visit.images), (
            f"{visit.docname}: explorer pictures on the page but no panel measured at 390 px"
        )
        return
    small, wide = [], []
    for panel in visit.explorer_panels:
        shown = panel["shownWidth"] / panel["pictureWidth"]
        if panel["pictureWidth"] <= panel["columnWidth"]:
            assert abs(shown - 1) < 0.01, (visit.docname, panel)  # natural size, not shrunk
        text_px = panel["smallestText"] * shown
        if text_px < PHONE_SMALLEST_TEXT_PX:
            (small if shown >= 0.99 else wide).append(f"{panel['title']!r}: {text_px:.1f} px")
    assert not small, f"{visit.docname}: text under {PHONE_SMALLEST_TEXT_PX} px: {small}"
    print(f"{visit.docname}: panels wider than the phone's column: {wide}")


# --------------------------------------------------------------------------- the checks' own check

MANIFEST = re.compile(r'<script type="application/json" class="nnx-manifest">.*?</script>', re.S)


def _explorers_without_manifest(html: str) -> str:
    """Remove every explorer's manifest: the player has nothing to enable its controls with."""
    return MANIFEST.sub("", html)


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
    """The explorer and control checks fail on a page whose explorers cannot be enabled."""
    docname = _smallest_page_with(built_book.html_dir, 'class="nnx-explorer"')
    broken = visit_page(page, book_server, docname, tmp_path, transform=_explorers_without_manifest)
    assert broken.widgets["explorers"] and not broken.widgets["explorersReady"], broken.widgets
    assert any(p.startswith("explorers not ready") for p in broken.render_problems), (
        broken.render_problems
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
    docname = _smallest_page_with(output, 'class="nnx-explorer"', 'class="math')
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
    assert visit.widgets["explorers"] and (
        visit.widgets["explorersReady"] == visit.widgets["explorers"]
    )
    problems = [
        c.problem or m.problem
        for c in visit.controls
        for m in (c.moves or [None])
        if c.problem or m.problem
    ]
    assert visit.controls and not problems, f"offline {docname}: {problems}"


def test_the_default_figure_shows_with_scripts_off(browser, book_server, built_book):
    """With JavaScript disabled an explorer is a figure: its picture with its text
    alternative, and no controls that would do nothing."""
    docname = _smallest_page_with(built_book.html_dir, 'class="nnx-explorer"')
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(book_server.url(docname), wait_until="load")
        figure = page.locator("figure.nnx-explorer").first
        figure.scroll_into_view_if_needed()
        images = figure.evaluate(
            "(f) => Array.from(f.querySelectorAll('img')).map((i) => ({alt: i.alt, "
            "loaded: i.complete && i.naturalWidth > 0, width: i.getBoundingClientRect().width}))"
        )
        controls_shown = figure.evaluate(
            "(f) => getComputedStyle(f.querySelector('.nnx-controls')).display !== 'none'"
        )
    finally:
        context.close()
    assert images and all(i["loaded"] and i["width"] > 0 for i in images), images
    described = [i["alt"] for i in images if i["alt"]]  # the other overlays are decorative
    assert len(described) == 1 and alt_text_problem(described[0]) is None, images
    assert not controls_shown, f"{docname}: controls shown although no script can move them"


def test_every_explorer_control_is_reached_with_tab_and_shows_its_focus(browser, book_server):
    """On the page of explorers, Tab alone reaches every slider and every group of choices
    (a group is one stop; arrow keys move inside it), each with a visible focus ring."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(book_server.url("appendix/interactive_figures"), wait_until="load")
        page.wait_for_function(js("explorers_ready"), timeout=20_000)
        expected = set(
            page.evaluate(
                """() => Array.from(document.querySelectorAll(
                    'figure.nnx-explorer .nnx-controls input')).map(
                    (i) => i.type === 'radio' ? `radio:${i.name}` : i.id)"""
            )
        )
        seen: dict[str, dict] = {}
        for _ in range(400):  # every link and button of the page comes before the last one
            page.keyboard.press("Tab")
            stop = page.evaluate(js("tab_stops"))
            if stop["control"]:
                seen.setdefault(stop["control"], stop)
            if expected <= set(seen):
                break
    finally:
        context.close()
    assert len(expected) >= 3, f"the page's explorers show {sorted(expected)}"
    assert set(seen) == expected, f"not reached with Tab: {sorted(expected - set(seen))}"
    ring = {c: s["visible"] and (s["outline"] >= 2 or s["shadow"]) for c, s in seen.items()}
    ringless = [seen[c] for c, drawn in ring.items() if not drawn]
    assert not ringless, f"controls with no visible focus ring: {ringless}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_everything_tab_reaches_shows_its_focus(browser, book_server, toc_docname, viewport):
    """Tab after Tab from a fresh page, once round the whole page: every element the focus
    lands on is shown as keyboard-focused with a ring (the header's buttons had none)."""
    docname = toc_docname
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(book_server.url(docname), wait_until="load")
        stops: list[dict] = []
        for _ in range(1500):
            page.keyboard.press("Tab")
            stop = page.evaluate(js("focus_ring"))
            if stop is None:
                continue
            if stops and stop["what"] == stops[0]["what"] and len(stops) > 5:
                break  # round the page and back to the first stop
            stops.append(stop)
    finally:
        context.close()
    assert len(stops) >= 10, f"{docname}: Tab reached only {[s['what'] for s in stops]}"
    ringless = sorted({s["what"] for s in stops if not (s["visible"] and s["ring"])})
    assert not ringless, f"{docname}: focused with no visible ring: {ringless}"


#: Chapter 2's headings far down the page, as a link from another page or the page's own
#: contents would name them.
FAR_HEADINGS = ("four-activations-one-table", "explore-the-network")


TOP_OF = "(id) => Math.round(document.getElementById(id).getBoundingClientRect().top)"


def _opened_at_far_headings(page, book_server, settle_ms: int) -> dict[str, int]:
    """Chapter 2 opened at each of :data:`FAR_HEADINGS`: the heading's px from the top."""
    landed = {}
    for heading in FAR_HEADINGS:
        page.goto(book_server.url("chapters/02_a_4231_network") + "#" + heading)
        page.wait_for_load_state("load")
        page.wait_for_timeout(settle_ms)
        landed[f"opened at #{heading}"] = page.evaluate(TOP_OF, heading)
    return landed


def _left_below_after_end(page, settle_ms: int) -> int:
    """The px of the page left below the screen once End is pressed."""
    page.keyboard.press("End")
    page.wait_for_timeout(settle_ms)
    return page.evaluate(
        "() => Math.round(document.documentElement.scrollHeight"
        " - window.scrollY - window.innerHeight)"
    )


def _assert_landed(landed: dict[str, int], end: int, how: str) -> None:
    """Each heading within 150 px of the screen's top, and End at the page's end."""
    astray = {where: px for where, px in landed.items() if not 0 <= px <= 150}
    assert not astray, f"{how}: headings not at the top of the screen (px from its top): {astray}"
    assert end <= 2, f"{how}: End left {end} px of the page below the screen"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_link_to_a_heading_lands_on_it_and_end_reaches_the_end(browser, book_server, viewport):
    """Sections below the screen are laid out late, with a guessed height: a page opened at a
    heading, a click on a link to a heading of the same page, and the End key must still land
    where they point, and stay there."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        landed = _opened_at_far_headings(page, book_server, settle_ms=1000)
        page.goto(book_server.url("chapters/02_a_4231_network"), wait_until="load")
        for heading in reversed(FAR_HEADINGS):
            page.evaluate(
                "(id) => { const a = document.createElement('a'); a.href = '#' + id;"
                " a.textContent = id; document.querySelector('article').prepend(a); a.click(); }",
                heading,
            )
            page.wait_for_timeout(1000)
            landed[f"clicked #{heading}"] = page.evaluate(TOP_OF, heading)
        end = _left_below_after_end(page, settle_ms=1000)
    finally:
        context.close()
    _assert_landed(landed, end, f"scripts on, {viewport['width']} px")


def test_on_a_phone_the_contents_close_once_a_heading_is_chosen_and_on_escape(browser, book_server):
    """At 390 px the page's contents open as a dialog over the page: choosing a heading in it
    moves the page to the heading and closes the dialog (it stayed open over the page), and
    Escape closes an open sidebar wherever the focus is (it did nothing once the focus had
    left the dialog)."""
    context = browser.new_context(viewport=PHONE)
    opened = "() => document.querySelectorAll('dialog[open]').length"

    def tap(locator) -> None:  # a reader's tap: no scrolling the target into view first
        box = locator.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    try:
        page = context.new_page()
        page.goto(book_server.url("chapters/05_weight_decay"), wait_until="load")
        tap(page.locator("button.secondary-toggle:visible").first)
        page.wait_for_function(f"() => ({opened})() === 1", timeout=5_000)
        tap(page.locator("#pst-secondary-sidebar-modal a[href='#summary']"))
        page.wait_for_timeout(800)
        after_link = page.evaluate(opened)
        top = page.evaluate(
            "() => Math.round(document.getElementById('summary').getBoundingClientRect().top)"
        )
        tap(page.locator("button.primary-toggle:visible").first)
        page.wait_for_function(f"() => ({opened})() === 1", timeout=5_000)
        page.evaluate("() => document.activeElement.blur()")
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        after_escape = page.evaluate(opened)
    finally:
        context.close()
    assert 0 <= top <= 150, f"the chosen heading is {top} px from the top of the screen"
    assert after_link == 0, "the contents stayed open over the page after a heading was chosen"
    assert after_escape == 0, "Escape left the sidebar open once the focus had left it"


def test_the_notation_table_fits_a_phones_column(browser, book_server):
    """The introduction's table of symbols fits at 390 px: it scrolled sideways by 6 px."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(book_server.url("intro"), wait_until="load")
        page.keyboard.press("End")  # the page laid out
        widths = page.evaluate(
            "() => Array.from(document.querySelectorAll('.bd-article table')).map((t) =>"
            " [t.textContent.trim().slice(0, 30), t.parentElement.scrollWidth,"
            " t.parentElement.clientWidth])"
        )
    finally:
        context.close()
    symbols = [w for w in widths if w[0].startswith("Symbol")]
    assert len(symbols) == 1, widths
    assert symbols[0][1] <= symbols[0][2], f"the table of symbols scrolls: {symbols[0]}"


def test_without_scripts_a_link_to_a_heading_and_end_land_where_they_point(browser, book_server):
    """With scripts off nothing lays a section out late, so the whole page is laid out from
    the start: a page opened at a heading shows it at the top, and End reaches the end."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        landed = _opened_at_far_headings(page, book_server, settle_ms=500)
        end = _left_below_after_end(page, settle_ms=500)
    finally:
        context.close()
    _assert_landed(landed, end, "scripts off")


def test_sections_below_the_screen_are_laid_out_from_the_readers_first_move(
    browser, book_server, toc_notebook
):
    """Nothing below the screen is laid out while the page loads and nobody moves (the theme
    scrolling its sidebar to the page's entry is no move of the reader's); from the first
    scroll the sections are laid out, one a frame, until the page is whole."""
    context = browser.new_context(viewport=PHONE)
    count = (
        "() => [document.querySelectorAll('section.nn-laid-out').length,"
        " document.querySelectorAll('article.bd-article section > section').length]"
    )
    try:
        page = context.new_page()
        page.goto(book_server.url(toc_notebook), wait_until="load")
        page.wait_for_timeout(1500)
        still = page.evaluate(count)
        unmeasured = page.evaluate(js("scrolling_blocks"))
        page.mouse.wheel(0, 300)
        page.wait_for_function(f"() => ({count})().every((n, _, a) => n === a[1])", timeout=15_000)
        moved = page.evaluate(count)
        page.wait_for_function("() => window.nnLaidOut === true", timeout=5_000)
    finally:
        context.close()
    assert still[1] >= 3 and still[0] == 0, f"laid out before any move: {still[0]} of {still[1]}"
    assert not unmeasured["measured"], "the page says it is laid out before any move"
    theirs = [b for b in unmeasured["blocks"] if b["kind"] != "formula" and b["tabStop"]]
    assert not theirs, f"the theme measured its tab stops before any move: {theirs[:2]}"
    assert moved[0] == moved[1], moved


def test_a_figure_keeps_its_place_before_it_loads(browser, book_server, toc_notebook):
    """Figures below the screen load as the reader nears them; the page keeps their places
    meanwhile, at the size they are shown, so it does not grow under the reader (going back
    to a heading, and End, landed short when it did)."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(book_server.url(toc_notebook), wait_until="load")
        page.evaluate("() => document.documentElement.classList.add('nn-laid-out')")
        before = page.evaluate(js("figure_places"))
        page.evaluate(js("load_images"))
        after = page.evaluate(js("figure_places"))
    finally:
        context.close()
    waiting = [f for f in before["figures"] if not f["loaded"]]
    assert waiting, f"{toc_notebook}: every figure loaded with the page, none to wait for"
    assert all(f["loaded"] for f in after["figures"]), after["figures"]
    moved = [
        (b, a)
        for b, a in zip(before["figures"], after["figures"], strict=True)
        if abs(b["height"] - a["height"]) > 1 or abs(b["width"] - a["width"]) > 1
    ]
    assert not moved, f"{toc_notebook}: figures whose box changed as they loaded: {moved[:3]}"
    grew = after["pageHeight"] - before["pageHeight"]
    assert abs(grew) <= 2, f"{toc_notebook}: the page grew by {grew} px as its figures loaded"


@pytest.mark.parametrize("docname", ["chapters/02_a_4231_network", "chapters/05_weight_decay"])
def test_from_the_first_tab_every_block_that_scrolls_is_a_tab_stop_and_no_other_formula(
    browser, book_server, docname
):
    """The tab stops of scrolling blocks are measured once the page is laid out, or at the
    first Tab, before focus moves: on a phone, a code block, output or formula wider than the
    column can then be reached and scrolled with the keyboard, and a formula that fits is not
    a stop on the way."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(book_server.url(docname), wait_until="load")
        page.wait_for_timeout(1000)
        before = page.evaluate(js("scrolling_blocks"))
        page.keyboard.press("Tab")
        after = page.evaluate(js("scrolling_blocks"))
        reached = False  # a formula wider than the column, Tab after Tab from the top
        for _ in range(400):
            page.keyboard.press("Tab")
            reached = page.evaluate(
                "() => document.activeElement.matches('div.math')"
                " && document.activeElement.scrollWidth > document.activeElement.clientWidth"
            )
            if reached:
                break
    finally:
        context.close()
    blocks = after["blocks"]
    assert not before["measured"], "measured before the first Tab: laid out at load"
    assert not any(b["tabStop"] for b in before["blocks"] if b["kind"] != "formula")
    assert after["measured"]
    formulas = [b for b in blocks if b["kind"] == "formula"]
    assert any(b["scrolls"] for b in formulas) and any(not b["scrolls"] for b in formulas), (
        f"{docname} at {PHONE['width']} px should have formulas that scroll and that fit"
    )
    unreachable = [b for b in blocks if b["scrolls"] and not b["tabStop"]]
    assert not unreachable, f"scroll sideways but are no tab stop: {unreachable[:3]}"
    needless = [b for b in formulas if b["tabStop"] and not b["scrolls"]]
    assert not needless, f"formulas that fit but are tab stops: {needless[:3]}"
    assert reached, "Tab after Tab from the top never reached a formula wider than the column"


def test_no_serious_accessibility_violation_in_the_dark_theme(browser, book_server, toc_notebook):
    """A reader whose system asks for dark pages gets the dark theme: axe-core as above, on
    every notebook's page (their outputs are where the theme's dark styles meet the book's)."""
    docname = toc_notebook
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(book_server.url(docname), wait_until="load")
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        violations = axe_violations(page)
    finally:
        context.close()
    assert not violations, f"{docname}, dark theme: " + "; ".join(
        f"{v['rule']} ({v['impact']}, {v['count']}x): {v['nodes'][0]}" for v in violations
    )


#: The pages with display formulas wider than a phone's column.
WIDE_MATH_PAGES = ("chapters/02_a_4231_network", "chapters/05_weight_decay")


@pytest.mark.parametrize("docname", WIDE_MATH_PAGES)
def test_a_formula_wider_than_the_column_scrolls_from_its_left_edge(browser, book_server, docname):
    """At 390 px a display formula wider than the column starts at its box's left edge (the
    rest is reached by scrolling), not centred with its left part cut off where no scrolling
    reaches; and its box takes the keyboard's focus, so the keyboard can scroll it too."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(book_server.url(docname), wait_until="load")
        boxes = page.evaluate(
            """() => Array.from(document.querySelectorAll('div.math')).map((box) => {
                const math = box.querySelector('math');
                return {wide: box.scrollWidth > box.clientWidth + 1, tabindex: box.tabIndex,
                        cut: Math.round(box.getBoundingClientRect().left
                                        - math.getBoundingClientRect().left),
                        tex: math.textContent.slice(0, 40)};
            })"""
        )
    finally:
        context.close()
    wide = [b for b in boxes if b["wide"]]
    assert wide, f"{docname}: no formula wider than the phone's column; update WIDE_MATH_PAGES"
    cut = [b for b in boxes if b["cut"] > 0]
    assert not cut, f"{docname}: formulas cut off on the left (px): {cut}"
    unfocusable = [b for b in wide if b["tabindex"] < 0]
    assert not unfocusable, f"{docname}: scrolling formula boxes the keyboard cannot reach"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_equation_number_sits_on_its_formulas_line_at_the_right(browser, book_server, viewport):
    """Chapter 5 numbers its formulas: each number is level with its formula, at the right of
    the formula's box and in view there (on a phone a formula wider than the column scrolls
    beneath its number), and clear of the formula's end once the formula is scrolled to it."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(book_server.url("chapters/05_weight_decay"), wait_until="load")
        numbers = page.evaluate(
            """() => Array.from(document.querySelectorAll('div.math > span.eqno')).map((n) => {
                const box = n.parentElement, math = box.querySelector('math');
                box.scrollIntoView();
                box.scrollLeft = 0;
                const r = n.getBoundingClientRect(), m = math.getBoundingClientRect();
                const b = box.getBoundingClientRect();
                const start = {middle: (r.top + r.bottom) / 2, top: m.top, bottom: m.bottom,
                               left: r.left, right: r.right, boxLeft: b.left, boxRight: b.right};
                box.scrollLeft = box.scrollWidth;
                const end = {left: n.getBoundingClientRect().left,
                             mathRight: math.getBoundingClientRect().right};
                return {number: n.textContent.trim(), scrolls: box.scrollWidth > box.clientWidth,
                        start, end};
            })"""
        )
    finally:
        context.close()
    assert len(numbers) >= 2, f"chapter 5 shows {len(numbers)} numbered formulas, not (5.1), (5.2)"
    misplaced = [
        n
        for n in numbers
        if not (n["start"]["top"] <= n["start"]["middle"] <= n["start"]["bottom"])
        or not (n["start"]["boxLeft"] < n["start"]["left"] < n["start"]["right"])
        or n["start"]["right"] > n["start"]["boxRight"] + 1
        or n["end"]["left"] < n["end"]["mathRight"] - 1
    ]
    assert not misplaced, f"equation numbers out of place or out of view: {misplaced}"
    if viewport == PHONE:
        assert any(n["scrolls"] for n in numbers), "no numbered formula scrolls on a phone"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_visible_sidebar_button_toggles_the_table_of_contents(browser, book_server, viewport):
    """The theme draws two buttons for the book's table of contents and listens on the
    first, which its header hides: the visible one must work (a dialog on a phone, the
    sidebar hidden on a desktop)."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(book_server.url("chapters/03_dead_relu"), wait_until="load")
        buttons = page.locator(".primary-toggle")
        visible = [i for i in range(buttons.count()) if buttons.nth(i).is_visible()]
        assert visible, "no visible button for the table of contents"
        state = "() => [document.querySelector('#pst-primary-sidebar').getBoundingClientRect()"
        state += ".right > 0, !!document.querySelector('dialog#pst-primary-sidebar-modal[open]')]"
        shown_before, dialog_before = page.evaluate(state)
        buttons.nth(visible[-1]).click()
        page.wait_for_timeout(500)
        shown_after, dialog_after = page.evaluate(state)
    finally:
        context.close()
    if viewport == PHONE:
        assert not dialog_before and dialog_after, "the button did not open the contents"
    else:
        assert shown_before and not shown_after, "the button did not hide the sidebar"
