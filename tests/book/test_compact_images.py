"""_ext/compact_images.py: the build's PNG figures become palette PNGs where no one could tell.

The unit tests draw their images with matplotlib and numpy in tmp_path; the last ones build a
two-image Sphinx project (plain ``sphinx-build``, no notebooks) with the extension.
"""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image
from repo_root import REPO_ROOT

spec = importlib.util.spec_from_file_location(
    "compact_images", REPO_ROOT / "_ext" / "compact_images.py"
)
compact_images = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = compact_images  # its dataclass looks itself up there
spec.loader.exec_module(compact_images)


def line_plot(path: Path, transparent: bool = False) -> Path:
    """A matplotlib line plot (anti-aliased lines, text, a legend), saved as RGBA PNG."""
    figure = Figure(figsize=(6, 3))
    axes = figure.subplots()
    x = np.linspace(0, 10, 200)
    for k, style in enumerate(["-", "--", ":"]):
        axes.plot(x, np.sin(x + k) * np.exp(-x / (k + 4)), style, label=f"curve {k}")
    axes.grid(alpha=0.3)
    axes.legend()
    axes.set_xlabel("epoch")
    figure.savefig(path, dpi=150, transparent=transparent)
    return path


def smooth_gradient(path: Path) -> Path:
    """An opaque RGBA image whose colour changes smoothly in two directions (65,536 colours)."""
    ramp = np.arange(256, dtype=np.uint8)
    rgba = np.empty((256, 256, 4), dtype=np.uint8)
    rgba[..., 0] = ramp[None, :]
    rgba[..., 1] = ramp[:, None]
    rgba[..., 2] = 96
    rgba[..., 3] = 255
    Image.fromarray(rgba, "RGBA").save(path)
    return path


def decoded(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA")).astype(int)


def test_a_line_plot_becomes_a_smaller_palette_png_that_looks_the_same(tmp_path):
    path = line_plot(tmp_path / "plot.png")
    original = decoded(path)
    size = path.stat().st_size

    verdict = compact_images.compact_png(path)

    assert verdict.action == "converted", verdict
    assert verdict.size_before == size and verdict.size_after == path.stat().st_size
    assert path.stat().st_size < 0.6 * size
    assert compact_images.is_palette_png(path)
    change = np.abs(decoded(path) - original)
    assert change.max() == verdict.edge_error <= compact_images.EDGE_MAX_ERROR
    assert verdict.smooth_error <= compact_images.SMOOTH_MAX_ERROR
    assert verdict.psnr >= compact_images.MIN_PSNR
    # The white background and the axes' black are exactly as they were.
    assert (decoded(path)[0, 0] == original[0, 0]).all()


def test_a_smooth_gradient_fails_the_criterion_and_is_left_byte_for_byte(tmp_path):
    path = smooth_gradient(tmp_path / "gradient.png")
    before = path.read_bytes()

    verdict = compact_images.compact_png(path)

    assert verdict.action == "kept"
    assert verdict.reason.startswith("visible change: ")
    assert "on a smooth area (at most 2)" in verdict.reason
    assert verdict.smooth_error > compact_images.SMOOTH_MAX_ERROR
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_an_image_of_at_most_256_colours_is_converted_without_loss(tmp_path):
    # Greyscale 8 x 8 digits drawn large, as the chapters show them: 17 grey levels.
    rng = np.random.default_rng(0)
    digits = rng.integers(0, 17, size=(4, 8, 8)) * 255 // 16
    grey = np.kron(np.hstack(list(digits)), np.ones((20, 20), dtype=int)).astype(np.uint8)
    rgba = np.stack([grey, grey, grey, np.full_like(grey, 255)], axis=-1)
    path = tmp_path / "digits.png"
    Image.fromarray(rgba, "RGBA").save(path)

    verdict = compact_images.compact_png(path)

    assert verdict.action == "converted"
    assert verdict.smooth_error == verdict.edge_error == 0
    assert (decoded(path) == rgba).all()


def test_a_transparent_figure_keeps_its_alpha(tmp_path):
    path = line_plot(tmp_path / "transparent.png", transparent=True)
    original = decoded(path)
    assert (original[..., 3] == 0).mean() > 0.5  # mostly transparent background

    verdict = compact_images.compact_png(path)

    assert verdict.action == "converted", verdict
    with Image.open(path) as image:
        assert image.mode == "P" and "transparency" in image.info
    result = decoded(path)
    # The transparent background stays transparent, anti-aliased edges stay translucent.
    assert (result[..., 3][original[..., 3] == 0] == 0).all()
    assert np.abs(result[..., 3] - original[..., 3]).max() <= compact_images.EDGE_MAX_ERROR
    assert len(np.unique(result[..., 3])) > 32
    # The colour shown over black and over white moves by no more than the criterion allows.
    for background in (0, 255):
        shown = [
            (image[..., :3] * image[..., 3:] + background * (255 - image[..., 3:])) / 255
            for image in (original, result)
        ]
        assert np.abs(shown[0] - shown[1]).max() <= compact_images.EDGE_MAX_ERROR + 1


def test_an_image_that_is_all_edges_is_kept_by_its_psnr(tmp_path):
    # Noise has no smooth area, so only the PSNR stops it from changing everywhere.
    rng = np.random.default_rng(1)
    rgba = rng.integers(0, 256, size=(128, 128, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    path = tmp_path / "noise.png"
    Image.fromarray(rgba, "RGBA").save(path)
    before = path.read_bytes()

    verdict = compact_images.compact_png(path)

    assert verdict.action == "kept"
    assert verdict.psnr < compact_images.MIN_PSNR
    assert "PSNR" in verdict.reason
    assert path.read_bytes() == before


def test_a_palette_png_is_left_alone_and_a_second_pass_changes_nothing(tmp_path):
    path = line_plot(tmp_path / "plot.png")
    assert compact_images.compact_png(path).action == "converted"
    once = path.read_bytes()

    again = compact_images.compact_png(path)

    assert (again.action, again.reason) == ("skipped", "already a palette PNG")
    assert path.read_bytes() == once

    made_elsewhere = tmp_path / "quantised.png"
    with Image.open(line_plot(tmp_path / "other.png")) as image:
        image.convert("RGB").quantize(16).save(made_elsewhere)
    before = made_elsewhere.read_bytes()
    assert compact_images.compact_png(made_elsewhere).action == "skipped"
    assert made_elsewhere.read_bytes() == before


def test_an_image_with_a_colour_profile_is_left_alone(tmp_path):
    path = tmp_path / "profiled.png"
    with Image.open(line_plot(tmp_path / "plot.png")) as image:
        image.save(path, icc_profile=b"not a real profile, but kept all the same")
    before = path.read_bytes()
    verdict = compact_images.compact_png(path)
    assert (verdict.action, verdict.reason) == ("skipped", "has icc_profile")
    assert path.read_bytes() == before


def test_judging_only_writes_nothing(tmp_path):
    path = line_plot(tmp_path / "plot.png")
    before = path.read_bytes()
    verdict = compact_images.compact_png(path, write=False)
    assert verdict.action == "converted" and verdict.size_after < verdict.size_before
    assert path.read_bytes() == before


def test_displayed_colour_bounds_every_background():
    rgba = np.array([[200, 100, 0, 128], [10, 20, 30, 0], [1, 2, 3, 255]], dtype=np.uint8)
    shown = compact_images.displayed(rgba)
    assert shown.shape == (3, 6)
    assert shown[0].tolist() == [100, 50, 0, 227, 177, 127]
    assert shown[1].tolist() == [0, 0, 0, 255, 255, 255]  # transparent: the background
    assert shown[2].tolist() == [1, 2, 3, 1, 2, 3]


def test_smooth_mask_marks_flat_and_gently_sloping_areas_not_edges():
    rgba = np.full((20, 20, 4), 255, dtype=np.uint8)
    rgba[:, :10, :3] = np.arange(10, dtype=np.uint8)[None, :, None] * 3  # slope: 3 per pixel
    rgba[:, 15, :3] = 0  # a black line on white
    smooth = compact_images.smooth_mask(rgba)
    assert smooth[:, :9].all()
    assert not smooth[:, 14:17].any()
    assert smooth[:, 18:].all()


def chunks(path: Path) -> list[tuple[bytes, bytes]]:
    """Every chunk of the PNG ``path``: (type, data), in file order."""
    data, found, at = path.read_bytes(), [], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        found.append((data[at + 4 : at + 8], data[at + 8 : at + 8 + length]))
        at += 12 + length
    return found


def test_an_animated_png_is_left_whole(tmp_path):
    """Re-encoding keeps one picture: an APNG's other frames would be lost."""
    path = tmp_path / "animated.png"
    frames = [line_plot(tmp_path / f"frame{k}.png", transparent=k == 1) for k in range(2)]
    images = [Image.open(frame) for frame in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=200, loop=0)
    before = path.read_bytes()
    with Image.open(path) as image:
        assert image.is_animated and image.n_frames == 2

    verdict = compact_images.compact_png(path)

    assert (verdict.action, verdict.reason) == ("skipped", "has an animation")
    assert path.read_bytes() == before


def test_text_metadata_is_kept_chunk_for_chunk(tmp_path):
    """tEXt, zTXt and iTXt (a copyright, a title in any script) survive the palette PNG."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Copyright", "(c) 2025 The course companion authors")
    info.add_text("Title", "Verlust über Epochen", zip=True)
    info.add_itxt("Description", "Courbe d’apprentissage — 学习曲线", lang="fr", tkey="Titre")
    path = tmp_path / "with-text.png"
    with Image.open(line_plot(tmp_path / "plot.png")) as image:
        image.save(path, pnginfo=info, dpi=(150, 150))
    text_types = (b"tEXt", b"zTXt", b"iTXt")
    text_before = [c for c in chunks(path) if c[0] in text_types]
    assert {t for t, _ in text_before} == set(text_types)
    with Image.open(path) as image:
        metadata = dict(image.text)

    verdict = compact_images.compact_png(path)

    assert verdict.action == "converted", verdict
    assert [c for c in chunks(path) if c[0] in text_types] == text_before
    with Image.open(path) as image:
        assert image.text == metadata and metadata["Copyright"].startswith("(c) 2025")
        assert round(image.info["dpi"][0]) == 150


def test_a_chunk_it_cannot_carry_over_leaves_the_image_alone(tmp_path):
    """A chunk that is not safe to copy into changed pixels (here the time of the last
    change) would be wrong or lost: the image is left as it is."""
    path = line_plot(tmp_path / "plot.png")
    data = path.read_bytes()
    body = b"tIME" + bytes([7, 233, 1, 2, 3, 4, 5])
    chunk = len(body[4:]).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    path.write_bytes(data[:33] + chunk + data[33:])  # after IHDR
    before = path.read_bytes()

    verdict = compact_images.compact_png(path)

    assert (verdict.action, verdict.reason) == ("skipped", "has tIME")
    assert path.read_bytes() == before


def blank_png(path: Path, width: int, height: int) -> Path:
    """A white RGB PNG of any size, written row by row (without the image in memory)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
        )

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    compress, row = zlib.compressobj(9), b"\0" + b"\xff" * (3 * width)
    idat = b"".join(compress.compress(row) for _ in range(height)) + compress.flush()
    path.write_bytes(
        compact_images.PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )  # fmt: skip
    return path


def test_a_huge_image_is_skipped_before_it_is_decoded(tmp_path):
    """A 6000 x 6000 image would need about 1.5 GB to judge; it is named and left alone,
    and judging it takes no more memory than reading its header."""
    path = blank_png(tmp_path / "huge.png", 6000, 6000)
    before = path.read_bytes()

    tracemalloc.start()
    try:
        verdict = compact_images.compact_png(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert verdict.action == "skipped"
    assert verdict.reason.startswith("6000 x 6000 pixels, more than "), verdict.reason
    assert peak < 5e6, peak
    assert path.read_bytes() == before


def test_an_image_just_over_the_pixel_limit_is_skipped(tmp_path):
    over = blank_png(tmp_path / "over.png", compact_images.MAX_PIXELS // 1000 + 1, 1000)
    verdict = compact_images.compact_png(over)
    assert verdict.action == "skipped" and "pixels, more than" in verdict.reason


def run_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "_ext" / "compact_images.py"), *map(str, args)],
        capture_output=True,
        text=True,
    )


def test_the_command_line_names_a_broken_png_and_goes_on(tmp_path):
    line_plot(tmp_path / "a-good.png")
    broken = line_plot(tmp_path / "b-broken.png")
    broken.write_bytes(broken.read_bytes()[:300])
    line_plot(tmp_path / "c-good.png")
    (tmp_path / "d-not-a-png.png").write_text("hello", encoding="utf-8")

    result = run_command(tmp_path, "--write")

    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert f"compact_images: {broken}: left as it is: cannot read it" in result.stderr
    assert "d-not-a-png.png: left as it is: cannot read it" in result.stderr
    assert "2 of 4 files could not be read" in result.stderr
    for name in ("a-good.png", "c-good.png"):
        assert name in result.stdout
        assert compact_images.is_palette_png(tmp_path / name)
    assert len(broken.read_bytes()) == 300


def test_the_command_line_refuses_a_missing_folder(tmp_path):
    result = run_command(tmp_path / "nowhere")
    assert result.returncode == 2
    assert "nowhere is not a folder" in result.stderr and "Traceback" not in result.stderr


# The extension in a Sphinx build.

CONF = f"""\
import sys
sys.path.insert(0, {str(REPO_ROOT / "_ext")!r})
extensions = ["compact_images"]
html_static_path = ["_static"]
"""

INDEX = """\
Figures
=======

.. image:: plot.png

.. image:: gradient.png
"""


def sphinx_build(source: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", *extra, str(source), str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.fixture
def sphinx_project(tmp_path):
    source = tmp_path / "src"
    (source / "_static").mkdir(parents=True)
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.rst").write_text(INDEX, encoding="utf-8")
    line_plot(source / "plot.png")
    smooth_gradient(source / "gradient.png")
    line_plot(source / "_static" / "logo.png")
    return source


def test_a_sphinx_build_compacts_its_images_and_nothing_else(sphinx_project, tmp_path):
    out = tmp_path / "html"
    stray = out / "_images" / "stray.png"
    stray.parent.mkdir(parents=True)
    line_plot(stray)  # in the image folder, but not this build's
    stray_bytes = stray.read_bytes()

    result = sphinx_build(sphinx_project, out)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "compact_images: 1 of 2 PNGs as palette PNGs" in result.stdout
    plot, gradient = out / "_images" / "plot.png", out / "_images" / "gradient.png"
    assert compact_images.is_palette_png(plot)
    assert plot.stat().st_size < (sphinx_project / "plot.png").stat().st_size
    assert gradient.read_bytes() == (sphinx_project / "gradient.png").read_bytes()
    assert stray.read_bytes() == stray_bytes
    logo = out / "_static" / "logo.png"
    assert logo.read_bytes() == (sphinx_project / "_static" / "logo.png").read_bytes()

    # A build with nothing to write judges nothing again.
    states = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (plot, gradient)}
    again = sphinx_build(sphinx_project, out)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "compact_images" not in again.stdout
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (plot, gradient)} == states

    # A full rebuild copies the originals again; they become the same palette PNG.
    rebuilt = sphinx_build(sphinx_project, out, "-E")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "compact_images: 1 of 1 PNGs as palette PNGs" in rebuilt.stdout
    assert plot.read_bytes() == states[plot][1]
    assert gradient.read_bytes() == states[gradient][1]


def fake_app(tmp_path: Path, builder_format: str = "html") -> SimpleNamespace:
    (tmp_path / "out" / "_images").mkdir(parents=True)
    (tmp_path / "doctrees").mkdir()
    line_plot(tmp_path / "out" / "_images" / "plot.png")
    builder = SimpleNamespace(
        format=builder_format,
        outdir=str(tmp_path / "out"),
        imagedir="_images",
        doctreedir=str(tmp_path / "doctrees"),
        images={},
    )
    env = SimpleNamespace(images={"plot.png": ({"index"}, "plot.png")})
    return SimpleNamespace(builder=builder, env=env, keep_going=False, _warncount=0)


def test_a_failed_build_or_another_builder_leaves_the_images_alone(tmp_path):
    app = fake_app(tmp_path / "failed")
    image = Path(app.builder.outdir) / "_images" / "plot.png"
    before = image.read_bytes()
    compact_images.compact_build_images(app, RuntimeError("the build failed"))
    assert image.read_bytes() == before
    app.keep_going, app._warncount = True, 1  # -W --keep-going, one warning
    compact_images.compact_build_images(app, None)
    assert image.read_bytes() == before

    latex = fake_app(tmp_path / "latex", builder_format="latex")
    latex_image = Path(latex.builder.outdir) / "_images" / "plot.png"
    latex_before = latex_image.read_bytes()
    compact_images.compact_build_images(latex, None)
    assert latex_image.read_bytes() == latex_before

    app._warncount = 0  # the same build, succeeded: compacted
    compact_images.compact_build_images(app, None)
    assert compact_images.is_palette_png(image)


def test_a_broken_image_is_reported_and_left(tmp_path, caplog):
    app = fake_app(tmp_path)
    image = Path(app.builder.outdir) / "_images" / "plot.png"
    image.write_bytes(image.read_bytes()[:200])  # cut short
    compact_images.compact_build_images(app, None)
    assert len(image.read_bytes()) == 200
    assert "plot.png left as it is: cannot read it" in caplog.text
    caplog.clear()
    compact_images.compact_build_images(app, None)  # not recorded as judged: said again
    assert "plot.png left as it is: cannot read it" in caplog.text


def test_the_images_of_a_failed_build_are_compacted_by_the_next_one(sphinx_project, tmp_path):
    # other.rst has a broken reference: under -W --keep-going the build fails after
    # copying index.rst's images, which stay as they are.
    other = sphinx_project / "other.rst"
    other.write_text(":orphan:\n\nOther\n=====\n\nSee :ref:`nowhere`.\n", encoding="utf-8")
    out = tmp_path / "html"
    failed = sphinx_build(sphinx_project, out, "--keep-going")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "compact_images" not in failed.stdout
    plot = out / "_images" / "plot.png"
    assert plot.read_bytes() == (sphinx_project / "plot.png").read_bytes()

    # The next build writes no page (Sphinx does not rewrite other.html, so does not warn
    # again) and copies no image; the images the failed build left are compacted.
    again = sphinx_build(sphinx_project, out, "--keep-going")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "no targets are out of date" in again.stdout
    assert "copying images" not in again.stdout
    assert "compact_images: 1 of 2 PNGs as palette PNGs" in again.stdout
    assert compact_images.is_palette_png(plot)


def test_the_palette_png_keeps_the_figure_resolution(tmp_path):
    path = line_plot(tmp_path / "plot.png")
    compact_images.compact_png(path)
    with Image.open(path) as image:
        assert round(image.info["dpi"][0]) == 150
    buffer = io.BytesIO(path.read_bytes())
    assert Image.open(buffer).size == (900, 450)


def test_a_linked_png_is_left_alone_and_its_target_too(tmp_path):
    target = line_plot(tmp_path / "target.png")
    before = target.read_bytes()
    (tmp_path / "folder").mkdir()
    link = tmp_path / "folder" / "linked.png"
    link.symlink_to(target)

    verdict = compact_images.compact_png(link)

    assert (verdict.action, verdict.reason) == ("skipped", "a symbolic link")
    assert link.is_symlink() and target.read_bytes() == before


def test_a_leftover_temporary_name_is_not_written_through(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    path = line_plot(tmp_path / "plot.png")
    (tmp_path / "plot.png.compact-tmp").symlink_to(precious)

    assert compact_images.compact_png(path).action == "converted"

    assert precious.read_text(encoding="utf-8") == "keep me"
    assert compact_images.is_palette_png(path)


def test_a_converted_image_keeps_its_permissions(tmp_path):
    path = line_plot(tmp_path / "plot.png")
    path.chmod(0o640)
    assert compact_images.compact_png(path).action == "converted"
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plot.png"]
