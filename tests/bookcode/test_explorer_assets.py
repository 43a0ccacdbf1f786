"""_ext/explorer_assets.py: an explorer's pictures leave the page for files beside it."""

from __future__ import annotations

import base64
import importlib.util

from repo_root import REPO_ROOT

_spec = importlib.util.spec_from_file_location(
    "explorer_assets", REPO_ROOT / "_ext" / "explorer_assets.py"
)
explorer_assets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(explorer_assets)

RED, BLUE = b"RIFF red picture", b"\x89PNG blue picture"


def url(picture: bytes, kind: str) -> str:
    return f"data:image/{kind};base64,{base64.b64encode(picture).decode()}"


def test_each_picture_of_an_explorer_becomes_one_file_and_the_page_points_at_it(tmp_path):
    body = (
        f'<p><img src="{url(RED, "webp")}"></p>'  # not an explorer: left inside the page
        '<figure class="nnx-explorer" id="nnx-1">'
        f'<img class="nnx-overlay" src="{url(RED, "webp")}">'
        '<script type="application/json" class="nnx-manifest">'
        f'{{"pictures":["{url(RED, "webp")}","{url(BLUE, "png")}"]}}</script></figure>'
    )
    mended, count = explorer_assets.externalise(body, tmp_path, lambda name: "../" + name)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*"))
    assert count == 3 and len(files) == 2, files
    red = next(f for f in files if f.endswith(".webp"))
    blue = next(f for f in files if f.endswith(".png"))
    assert (tmp_path / red).read_bytes() == RED and (tmp_path / blue).read_bytes() == BLUE
    assert red.startswith("_images/explorers/")
    assert mended.startswith(f'<p><img src="{url(RED, "webp")}"></p>')
    assert f'<img class="nnx-overlay" src="../{red}">' in mended
    assert f'{{"pictures":["../{red}","../{blue}"]}}' in mended
    assert "data:" not in mended.split("</p>", 1)[1]


def test_a_picture_already_written_is_not_written_again(tmp_path):
    body = f'<figure class="nnx-explorer"><img src="{url(RED, "webp")}"></figure>'
    explorer_assets.externalise(body, tmp_path, str)
    (written,) = list((tmp_path / "_images" / "explorers").iterdir())
    stamp = written.stat().st_mtime_ns
    explorer_assets.externalise(body, tmp_path, str)
    assert written.stat().st_mtime_ns == stamp
    assert list((tmp_path / "_images" / "explorers").iterdir()) == [written]
