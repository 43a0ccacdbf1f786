"""_ext/claims.py: the book build fails when the prose does not state what a run checked.

Each test builds a throwaway one-notebook book in tmp_path with the book's flags
(-W -n --keep-going) and the book's claims extension.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from repo_root import REPO_ROOT

CONFIG = f"""\
title: Claims test
author: Test
only_build_toc_files: true
execute:
  execute_notebooks: force
  raise_on_error: true
parse:
  myst_enable_extensions: [dollarmath]
sphinx:
  local_extensions:
    claims: {(REPO_ROOT / "_ext").as_posix()}
  config:
    myst_heading_anchors: 3
"""

TOC = """\
format: jb-book
root: page
chapters:
  - file: claims
"""

CODE = """\
from nnbook.claims import claim
acc, seeds = 0.5421, [0.9, 0.95, 0.97]
claim("After {epochs} epochs, $A$ reaches {acc:.1%} on the test set", epochs=40, acc=acc)
claim("B beats A on every seed", all(s > acc for s in seeds), over="3 seeds")
"""


def write_book(root: Path, prose: str, code: str = CODE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(CONFIG, encoding="utf-8")
    (root / "_toc.yml").write_text(TOC, encoding="utf-8")
    (root / "claims.md").write_text("# Every claim\n\n```{claims-table}\n```\n", encoding="utf-8")
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A chapter\n\n## Training"),
            nbformat.v4.new_code_cell(code),
            nbformat.v4.new_markdown_cell(prose),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(notebook, root / "page.ipynb")
    return root


MATCHING = (
    "After **40** epochs, $A$ reaches 54.2% on the\ntest set. In short, B beats A on every seed."
)


@pytest.fixture(scope="module")
def matching_build(tmp_path_factory, run_jupyter_book):
    root = write_book(tmp_path_factory.mktemp("matching") / "book", MATCHING)
    return run_jupyter_book(root, root.parent / "out")


def test_a_page_whose_prose_states_its_claims_builds(matching_build):
    assert matching_build.returncode == 0, matching_build.log[-3000:]
    assert "claim not stated in the prose" not in matching_build.log


def test_the_reader_sees_the_checked_sentence_on_the_page(matching_build):
    page = matching_build.page("page").read_text(encoding="utf-8")
    assert "measured: After 40 epochs, \\(A\\) reaches 54.2% on the test set" in page
    assert "✓ tested over 3 seeds: B beats A on every seed" in page


def page_text(html_page: str) -> str:
    """The visible text of an HTML page, tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", html_page)))


def test_the_claims_page_lists_each_claim_with_its_values_and_section(matching_build):
    page = matching_build.page("claims").read_text(encoding="utf-8")
    text = page_text(page)
    assert (
        "2 claims on 1 pages, checked in the build that made this page: 1 measured, 1 tested"
        in text
    )
    # The sentence's math is typeset, as in the prose: no raw TeX dollars on the page.
    assert (
        "After 40 epochs, \\(A\\) reaches 54.2% on the test set measured this run "
        "epochs = 40; acc = 0.5421 Training" in text
    )
    assert "$A$" not in text
    assert re.search(r"<script[^>]*src=\"[^\"]*mathjax", page, re.I), (
        "the claims page does not load MathJax, so its math would show as raw TeX"
    )
    assert "B beats A on every seed tested 3 seeds holds: True Training" in text
    assert 'href="page.html#training"' in page


def test_a_figure_the_prose_does_not_state_fails_the_build_naming_the_sentence(
    tmp_path, run_jupyter_book
):
    stale = MATCHING.replace("54.2%", "54.3%")
    root = write_book(tmp_path / "book", stale)
    build = run_jupyter_book(root, tmp_path / "out")
    assert build.returncode != 0, (
        "the build passed although the prose states 54.3% and the run 54.2%"
    )
    assert (
        "page.ipynb: WARNING: claim not stated in the prose: the run produced "
        '"After 40 epochs, $A$ reaches 54.2% on the test set" (cell in section "Training"); '
        "the prose of this page must state that sentence word for word" in build.log
    ), build.log[-3000:]
    assert "B beats A on every seed" not in build.log.split("claim not stated")[-1].split("\n")[0]


def test_a_claim_that_stops_holding_fails_the_build_naming_the_sentence(tmp_path, run_jupyter_book):
    code = CODE.replace("[0.9, 0.95, 0.97]", "[0.9, 0.5, 0.97]")
    root = write_book(tmp_path / "book", MATCHING, code=code)
    build = run_jupyter_book(root, tmp_path / "out")
    assert build.returncode != 0, "the build passed although one seed has B below A"
    assert (
        "ClaimError: the run no longer supports the sentence 'B beats A on every seed'" in build.log
    ), build.log[-3000:]


def test_the_books_claims_page_lists_the_claims_of_every_chapter(built_book, book_notebooks):
    """On the whole book: each chapter's run checks claims, and the appendix page lists them."""
    claims_page = page_text(built_book.page("appendix/claims").read_text(encoding="utf-8"))
    for docname in [d for d in book_notebooks if d.startswith("chapters/")]:
        page = built_book.page(docname).read_text(encoding="utf-8")
        records = re.findall(r'class="nnbook-claim[^"]*" data-claim="([^"]*)"', page)
        assert records, f"{docname} shows no checked claim"
        for record in map(json.loads, map(html.unescape, records)):
            assert record["kind"] in ("measured", "tested"), record
            if record["runs"] is not None:  # a statement about training rests on >= 5 runs
                assert record["runs"] >= 5, f"{docname}: {record['sentence']!r} over {record}"
        title = re.search(r"<h1>(.*?)<", page).group(1).strip()
        assert f"{html.unescape(title)} ({len(records)} claims)" in claims_page, (
            f"the claims page does not list the {len(records)} claims of {docname}"
        )


# The claims page is written again exactly when what its table shows changes. These tests
# build a small plain-Sphinx project (reStructuredText, the claim records as raw HTML, as a
# notebook's output carries them) with sphinx-build, in about a second a build; marked
# `book` like the other build tests, so that `make check` leaves them out.

SPHINX_CONF = f"""\
import sys
sys.path.insert(0, {str(REPO_ROOT / "_ext")!r})
extensions = ["claims"]
root_doc = "index"
claims_table_page = "claims"
"""


def rst_page(title: str, claims: list[tuple[str, float]], prose: str = "") -> str:
    """A page stating and carrying each ``(template, acc)`` claim, under one section."""
    from nnbook.claims import check

    lines = [title, "=" * len(title), "", "Results", "-------", "", prose]
    for template, acc in claims:
        lines += ["", template.format(acc=acc) + ".", "", ".. raw:: html", ""]
        lines.append("   " + check(template, acc=acc)._repr_html_())
    return "\n".join(lines) + "\n"


def write_sphinx_project(root: Path, pages: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(SPHINX_CONF, encoding="utf-8")
    toctree = "".join(f"   {name}\n" for name in [*pages, "claims"])
    (root / "index.rst").write_text(f"Book\n====\n\n.. toctree::\n\n{toctree}", encoding="utf-8")
    (root / "claims.rst").write_text("Claims\n======\n\n.. claims-table::\n", encoding="utf-8")
    for name, text in pages.items():
        (root / f"{name}.rst").write_text(text, encoding="utf-8")
    return root


def sphinx_build(source: Path, out: Path) -> list[str]:
    """Build ``source`` incrementally into ``out`` (-W --keep-going); the pages it wrote."""
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n"]
        + [str(source), str(out)],
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return re.findall(r"^writing output\.\.\. \[\s*\d+%\] (\S+)$", result.stdout, re.M)


ONE = [("A reaches {acc:.1%} on the test set", 0.5421)]
TWO = [("B reaches {acc:.1%} on the test set", 0.9712)]


@pytest.fixture
def claims_project(tmp_path):
    source = write_sphinx_project(
        tmp_path / "src", {"one": rst_page("Page one", ONE), "two": rst_page("Page two", TWO)}
    )
    out = tmp_path / "out"
    assert sorted(sphinx_build(source, out)) == ["claims", "index", "one", "two"]
    return source, out


def claims_page(out: Path) -> str:
    """The visible text of the claims page's content (its section; no navigation)."""
    page = (out / "claims.html").read_text(encoding="utf-8")
    return page_text(re.search(r'<section id="claims">(.*)</section>', page, re.S).group(1))


@pytest.mark.book
def test_a_rebuild_with_nothing_changed_writes_no_page(claims_project):
    source, out = claims_project
    assert sphinx_build(source, out) == [], "the claims page was written although no claim changed"


@pytest.mark.book
def test_a_changed_claim_rewrites_the_claims_page_with_its_new_value(claims_project):
    source, out = claims_project
    assert "acc = 0.5421" in claims_page(out)
    (source / "one.rst").write_text(
        rst_page("Page one", [("A reaches {acc:.1%} on the test set", 0.6103)]), encoding="utf-8"
    )

    written = sphinx_build(source, out)

    assert "claims" in written, f"the claims page was not written again (written: {written})"
    text = claims_page(out)
    assert "A reaches 61.0% on the test set measured this run acc = 0.6103" in text
    assert "0.5421" not in text and "54.2%" not in text


@pytest.mark.book
def test_a_removed_claim_or_page_title_rewrites_the_claims_page(claims_project):
    source, out = claims_project
    (source / "two.rst").write_text(rst_page("Page two", []), encoding="utf-8")

    assert "claims" in sphinx_build(source, out)
    text = claims_page(out)
    assert "1 claims on 1 pages" in text
    assert "Page two" not in text and "B reaches" not in text

    (source / "one.rst").write_text(rst_page("Page one, renamed", ONE), encoding="utf-8")
    assert "claims" in sphinx_build(source, out)
    assert "Page one, renamed (1 claims)" in claims_page(out)


@pytest.mark.book
def test_a_change_to_a_pages_prose_alone_leaves_the_claims_page_as_it_was(claims_project):
    source, out = claims_project
    (source / "one.rst").write_text(
        rst_page("Page one", ONE, prose="A new paragraph."), encoding="utf-8"
    )

    written = sphinx_build(source, out)

    assert "one" in written and "claims" not in written, written


def test_a_claim_the_prose_negates_fails_the_build_naming_the_negation(tmp_path, run_jupyter_book):
    negated = MATCHING.replace("In short, B beats", "It is not true that B beats")
    root = write_book(tmp_path / "book", negated)
    build = run_jupyter_book(root, tmp_path / "out")
    assert build.returncode != 0, "the build passed although the prose negates the claim"
    assert (
        'claim not stated in the prose: the run produced "B beats A on every seed" '
        '(cell in section "Training") (the prose around it adds the negation "not"' in build.log
    ), build.log[-3000:]


def test_a_figure_inside_a_longer_number_fails_the_build(tmp_path, run_jupyter_book):
    code = CODE + 'claim("The loss ends at {loss}", loss=0.1)\n'
    root = write_book(tmp_path / "book", MATCHING + " The loss ends at 0.15.", code=code)
    build = run_jupyter_book(root, tmp_path / "out")
    assert build.returncode != 0, "the build passed although the prose says 0.15, the run 0.1"
    assert (
        'the run produced "The loss ends at 0.1" (cell in section "Training") (the prose has '
        "it only inside a longer word or number" in build.log
    ), build.log[-3000:]
