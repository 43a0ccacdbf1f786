"""tools/compare_builds.py on two small made-up builds: numbers, figures and explorer pictures.

Each build is a folder with an index page and one chapter page whose explorer is written the
way the book's pages carry it: a ``figure.nnx-explorer`` with its JSON manifest, its pictures
as files under ``_images/explorers``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from repo_root import REPO_ROOT

SCRIPT = REPO_ROOT / "tools" / "compare_builds.py"
#: Two sliders of 2 and 3 values: 6 settings. Overlay 0 depends on w only, overlay 1 on both.
PICTURES = {"w0": b"RIFF w=0", "w1": b"RIFF w=1"} | {
    f"{w}{b}": f"RIFF w={w} b={b}".encode() for w in range(2) for b in range(3)
}


def make_build(root: Path, *, pictures: dict[str, bytes], figure: bytes, sentence: str) -> Path:
    html = root / "_build" / "html"
    (html / "chapters").mkdir(parents=True)
    (html / "_images" / "explorers").mkdir(parents=True)
    (html / "index.html").write_text("<html><body>index</body></html>", encoding="utf-8")
    for name, data in pictures.items():
        (html / "_images" / "explorers" / f"{name}.webp").write_bytes(data)
    (html / "_images" / "plot.png").write_bytes(figure)
    url = "../_images/explorers/{}.webp".format
    manifest = {
        "controls": [{"name": "w", "labels": ["0", "1"]}, {"name": "b", "labels": ["0", "1", "2"]}],
        "overlays": [
            {"controls": ["w"], "pictures": [url("w0"), url("w1")], "shown": {"0": 0, "1": 1}},
            {
                "controls": ["w", "b"],
                "pictures": [url(f"{w}{b}") for w in range(2) for b in range(3)],
                "shown": {f"{w},{b}": 3 * w + b for w in range(2) for b in range(3)},
                "alts": [f"w = {w}, b = {b}" for w in range(2) for b in range(3)],
            },
        ],
    }
    page = (
        f"<html><body><article><p>{sentence}</p>"
        '<img alt="a plot" src="../_images/plot.png">'
        '<figure class="nnx-explorer"><p class="nnx-title">Two sliders</p>'
        f'<img class="nnx-overlay" src="{url("w0")}" alt="">'
        f'<script type="application/json" class="nnx-manifest">{json.dumps(manifest)}</script>'
        "</figure></article></body></html>"
    )
    (html / "chapters" / "one.html").write_text(page, encoding="utf-8")
    return html


def compare(old: Path, new: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(old), str(new)], capture_output=True, text=True
    )


def test_the_same_build_twice_matches_and_counts_every_setting(tmp_path):
    same = dict(pictures=PICTURES, figure=b"PNG 1", sentence="Accuracy 93.4% after 15 epochs.")
    old = make_build(tmp_path / "old", **same)
    new = make_build(tmp_path / "new", **same)
    result = compare(old, new)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "chapters/one: same 2 numbers" in result.stdout
    assert "1 figure(s) and of its 1 explorer(s): 6 settings" in result.stdout


def test_a_changed_explorer_picture_is_found_at_the_settings_that_show_it(tmp_path):
    kept = dict(figure=b"PNG 1", sentence="Accuracy 93.4% after 15 epochs.")
    old = make_build(tmp_path / "old", pictures=PICTURES, **kept)
    changed = {**PICTURES, "12": b"RIFF w=1 b=2, one pixel changed"}
    new = make_build(tmp_path / "new", pictures=changed, **kept)
    result = compare(old, new)
    assert result.returncode == 1
    assert "explorer 1 ('Two sliders'): pictures differ at 1 of 6 settings, e.g. (1, 2)" in (
        result.stdout
    )


def test_a_changed_picture_of_an_overlay_shared_by_settings_counts_each_setting(tmp_path):
    kept = dict(figure=b"PNG 1", sentence="Accuracy 93.4% after 15 epochs.")
    old = make_build(tmp_path / "old", pictures=PICTURES, **kept)
    new = make_build(tmp_path / "new", pictures={**PICTURES, "w0": b"RIFF other"}, **kept)
    result = compare(old, new)
    assert result.returncode == 1
    assert "pictures differ at 3 of 6 settings, e.g. (0, 0)" in result.stdout


def test_a_changed_figure_and_a_changed_number_are_reported(tmp_path):
    old = make_build(
        tmp_path / "old", pictures=PICTURES, figure=b"PNG 1", sentence="Accuracy 93.4%."
    )
    new = make_build(
        tmp_path / "new", pictures=PICTURES, figure=b"PNG 2", sentence="Accuracy 93.5%."
    )
    result = compare(old, new)
    assert result.returncode == 1
    assert "figures whose bytes differ: [1] of 1" in result.stdout
    assert "only in old (1x): 93.4%" in result.stdout
    assert "only in new (1x): 93.5%" in result.stdout


def test_math_typeset_as_mathml_is_read_by_its_tex_as_mathjax_shows_it(tmp_path):
    kept = dict(pictures=PICTURES, figure=b"PNG 1")
    tex = r"<span class='math'>\(4 \cdot 2 = 8\)</span>"
    mathml = (
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mrow><mn>4</mn>'
        "<mo>·</mo><mn>2</mn><mo>=</mo><mn>8</mn></mrow>"
        '<annotation encoding="application/x-tex">4 \\cdot 2 = 8</annotation></semantics></math>'
    )
    old = make_build(tmp_path / "old", sentence=f"So {tex} weights.", **kept)
    new = make_build(tmp_path / "new", sentence=f"So {mathml} weights.", **kept)
    result = compare(old, new)
    assert result.returncode == 0, result.stdout
    assert "chapters/one: same 3 numbers" in result.stdout
    wrong = make_build(tmp_path / "wrong", sentence=f"So {mathml.replace('= 8', '= 9')} w.", **kept)
    assert "only in new (1x): 9" in compare(old, wrong).stdout
