"""Sphinx extension: the book's figures are stored as palette PNGs where no one could tell.

The static figures of the chapters are matplotlib PNGs in full colour (RGBA, 8 bits per
channel), but a figure of lines, text and filled areas has few colours that cover any area:
a 256-colour palette PNG of it is about a third of the size. At ``build-finished`` (a
successful build of an HTML builder) this extension re-encodes each PNG that Sphinx copied
into ``outdir/_images`` from the book's pages (the names in the build environment's and the
builder's ``images``: nothing else in the output is touched) as a palette PNG, with the same
name, when that is smaller and visually lossless:

* The palette holds, exactly, the colours that cover the image's smooth areas (where a
  pixel's 3 x 3 neighbourhood varies by at most :data:`SMOOTH_RANGE` levels: backgrounds,
  fills, the cells of a pixel image, colour bars), most frequent first, up to
  :data:`MAX_PINNED`; the other entries go to the anti-aliased edges of lines and text:
  one at a time, the colour farthest from the palette so far joins it (this bounds the
  largest error, which is what the check below looks at). Each colour maps to its nearest
  entry, without dithering. An image of at most 256 colours gets them all: lossless.
  (Pillow's own quantisers do worse here: on the book's figures, fast octree moves flat
  greys and fills by up to 13 levels, median cut leaves edge pixels up to 77 levels off,
  and only fast octree takes RGBA.)
* The result is kept only if no pixel of a smooth area changes by more than
  :data:`SMOOTH_MAX_ERROR` levels of 255 (a gradient then keeps steps of at most about 4
  levels, below visible banding; a flat fill keeps its colour), no pixel anywhere by more
  than :data:`EDGE_MAX_ERROR` (a pixel of an anti-aliased edge, among neighbours that differ
  from it by far more: the edge moves by a fraction of a pixel) and the PSNR is at least
  :data:`MIN_PSNR` dB (an image that is all edges, such as noise, must not change
  everywhere). Error is measured on the colour as displayed over a black and over a white
  background, so it covers transparency too (over any other background it lies between).
  Otherwise the image stays as it was, byte for byte. The book's 29 figures all pass: at
  most 2 levels on a smooth area (the 250-colour bar of a confusion matrix, down to 180
  colours, with no step to be seen), 13 on an edge pixel, PSNR at least 42.5 dB; they
  weigh 0.67 MB instead of 2.03 MB.

Only a successful build is compacted (no exception, no warning under ``-W --keep-going``),
and each time all the book's images (the environment's ``images``) are considered, so the
images of a failed build are compacted by the next successful one. An image that is already
a palette PNG is left alone, so a second build does not quantise twice, and the state of
each file once judged (size, modification time) is kept in the doctree folder: an image
that Sphinx did not copy again is skipped with a ``stat``. A page that is written again
gets its images copied again, in full colour (Sphinx says it overwrites them), and they
are compacted again, to the same bytes.

Only what the palette PNG can carry is converted: every chunk that the PNG format marks
safe to copy into an image whose pixels changed (text such as a copyright in ``tEXt``,
``zTXt``, ``iTXt``; the resolution in ``pHYs``) is copied into it byte for byte, and an
image with any other chunk (an animation's frames, a colour profile, a modification time),
more than 8 bits per channel or more than :data:`MAX_PIXELS` pixels is left as it is.

Registered in ``_config.yml`` under ``sphinx: local_extensions: {compact_images: _ext}``.
``python _ext/compact_images.py FOLDER`` reports what it would do to the PNGs of a folder
(``--write`` to do it), image by image; a file it cannot read is named and left, and the
exit status is 1 if there was one.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import stat
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

SMOOTH_RANGE = 8
"""A pixel is in a smooth area when each displayed channel varies by at most this many
levels (of 255) over its 3 x 3 neighbourhood."""

SMOOTH_MAX_ERROR = 2
"""Largest change (levels of 255, any displayed channel) allowed on a pixel of a smooth area."""

EDGE_MAX_ERROR = 16
"""Largest change (levels of 255, any displayed channel) allowed on any pixel."""

MIN_PSNR = 40.0
"""Smallest peak signal-to-noise ratio (dB, displayed channels) allowed: an image with no
smooth area at all (noise, one pixel per data value) must not change everywhere by up to
:data:`EDGE_MAX_ERROR`."""

MAX_COLOURS = 256
MAX_PINNED = 192
"""At most this many palette entries are the exact colours of smooth areas; the rest go to
the edges."""

MAX_PIXELS = 4_000_000
"""Largest image judged (width x height). Judging takes about 45 bytes a pixel at its peak
(180 MB at this size; a 6000 x 6000 image would take 1.6 GB): a larger image is left as it
is, and only its header is read. (A figure of 10 x 6 inches at 200 dpi has 2.4 million.)"""

BYTES_PER_PIXEL = 45
"""Peak memory of judging an image, per pixel (measured with ``tracemalloc``)."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PALETTE_COLOUR_TYPE = 3
STATE_FILE = "compact_images.json"

REDONE_CHUNKS = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"})
"""Chunks the palette PNG writes anew: header, pixels, (suggested) palette, transparency."""

CHUNK_MEANINGS = {
    b"acTL": "an animation",
    b"fcTL": "an animation",
    b"fdAT": "an animation",
    b"iCCP": "icc_profile",
    b"gAMA": "gamma",
    b"cHRM": "chromaticity",
    b"sRGB": "srgb",
}
"""What a chunk that cannot be carried over holds, for the reason of a skipped image."""


@dataclass(frozen=True)
class Verdict:
    """What :func:`compact_png` did to one file.

    Attributes
    ----------
    action : str
        ``"converted"`` (rewritten as a palette PNG), ``"kept"`` (tried, left as it was) or
        ``"skipped"`` (not tried: already a palette PNG, not a PNG, an unsupported mode,
        more than :data:`MAX_PIXELS` pixels, or a chunk it could not carry over).
    reason : str
        Why, in a few words.
    size_before, size_after : int
        File size in bytes before and after (equal unless converted).
    smooth_error, edge_error : int
        Largest change of a displayed channel (levels of 255) on a pixel of a smooth area
        and on any pixel; -1 when not tried.
    psnr : float
        Peak signal-to-noise ratio of the palette image, in dB over the displayed channels
        (``inf`` when lossless, ``nan`` when not tried).
    """

    action: str
    reason: str
    size_before: int
    size_after: int
    smooth_error: int = -1
    edge_error: int = -1
    psnr: float = float("nan")


def is_palette_png(path: Path) -> bool:
    """Whether ``path`` is a PNG of colour type 3 (palette), read from its header alone."""
    with open(path, "rb") as file:
        head = file.read(26)
    return len(head) == 26 and head[:8] == PNG_SIGNATURE and head[25] == PALETTE_COLOUR_TYPE


@dataclass(frozen=True)
class PngChunks:
    """The chunks of a PNG file, as :func:`read_chunks` sorts them.

    Attributes
    ----------
    width, height, bit_depth, colour_type : int
        From the ``IHDR`` header.
    before, after : bytes
        The chunks (length, type, data and CRC, verbatim) that are safe to copy into an
        image whose pixels changed, found before the first and after the last ``IDAT``.
    unkept : tuple of str
        What the other chunks hold (:data:`CHUNK_MEANINGS`, else the chunk type), once
        each, in file order: a re-encoded image would lose them or make them wrong.
    """

    width: int
    height: int
    bit_depth: int
    colour_type: int
    before: bytes
    after: bytes
    unkept: tuple[str, ...]


def _is_safe_to_copy(kind: bytes) -> bool:
    """An ancillary chunk (first letter lower case) marked safe to copy (fourth lower case)."""
    return bool(kind[0] & 0x20 and kind[3] & 0x20)


def read_chunks(path: Path) -> PngChunks:
    """Read the chunks of the PNG ``path``, seeking past the pixel data.

    Raises
    ------
    ValueError
        When the file is not a PNG, ends before its ``IEND`` chunk or has a chunk whose CRC
        does not match.
    """
    before: list[bytes] = []
    after: list[bytes] = []
    unkept: list[str] = []
    header = b""
    pixels_seen = False
    with open(path, "rb") as file:
        if file.read(8) != PNG_SIGNATURE:
            raise ValueError("not a PNG file (no PNG signature)")
        end = os.fstat(file.fileno()).st_size
        while True:
            head = file.read(8)
            length, kind = int.from_bytes(head[:4], "big"), head[4:]
            if len(head) < 8 or file.tell() + length + 4 > end:
                raise ValueError("the PNG is truncated (it ends before its IEND chunk)")
            if kind in (b"IDAT", b"fdAT"):
                file.seek(length + 4, os.SEEK_CUR)  # pixel data: decoded later, or never
                pixels_seen = True
                chunk = b""
            else:
                data, crc = file.read(length), file.read(4)
                if zlib.crc32(kind + data).to_bytes(4, "big") != crc:
                    raise ValueError(f"the PNG's {kind!r} chunk does not match its CRC")
                chunk = head + data + crc
            if kind == b"IHDR":
                header = data
            if kind == b"IEND":
                break
            if kind in REDONE_CHUNKS:
                continue
            if _is_safe_to_copy(kind):
                (after if pixels_seen else before).append(chunk)
            else:
                meaning = CHUNK_MEANINGS.get(kind, kind.decode("latin-1"))
                unkept += [] if meaning in unkept else [meaning]
    if len(header) != 13:
        raise ValueError("the PNG has no valid IHDR header")
    return PngChunks(
        width=int.from_bytes(header[:4], "big"),
        height=int.from_bytes(header[4:8], "big"),
        bit_depth=header[8],
        colour_type=header[9],
        before=b"".join(before),
        after=b"".join(after),
        unkept=tuple(unkept),
    )


def with_chunks(png: bytes, before: bytes, after: bytes) -> bytes:
    """``png`` with ``before`` inserted just ahead of its first ``IDAT`` chunk and ``after``
    just ahead of its ``IEND`` (chunks as :class:`PngChunks` keeps them)."""
    at = len(PNG_SIGNATURE)
    while png[at + 4 : at + 8] != b"IDAT":
        at += 12 + int.from_bytes(png[at : at + 4], "big")
    return png[:at] + before + png[at:-12] + after + png[-12:]


def displayed(rgba: np.ndarray) -> np.ndarray:
    """The colour each pixel shows over a black and over a white background.

    Parameters
    ----------
    rgba : ndarray of shape (..., 4), uint8
        Straight (not premultiplied) RGBA.

    Returns
    -------
    ndarray of shape (..., 6), int32
        Red, green, blue over black, then over white, in levels of 255 (rounded). Over any
        other background the colour lies between the two, so a change bounded on both is
        bounded on every background.
    """
    colour = rgba[..., :3].astype(np.int32)
    alpha = rgba[..., 3:].astype(np.int32)
    over_black = (colour * alpha + 127) // 255
    return np.concatenate([over_black, over_black + 255 - alpha], axis=-1)


def _shown(rgba: np.ndarray) -> np.ndarray:
    """:func:`displayed` as int16, with only the three channels over black when all opaque."""
    if (rgba[..., 3] == 255).all():
        return rgba[..., :3].astype(np.int16)
    return displayed(rgba).astype(np.int16)


def _channel_max(values: np.ndarray) -> np.ndarray:
    """``values.max(axis=-1)``, faster for a few channels."""
    return functools.reduce(np.maximum, [values[..., i] for i in range(values.shape[-1])])


def _spread_3x3(shown: np.ndarray) -> np.ndarray:
    """Per pixel and channel, max minus min over the 3 x 3 neighbourhood (border repeated)."""
    padded = np.pad(shown, ((1, 1), (1, 1), (0, 0)), mode="edge")
    bounds = []
    for extreme in (np.maximum, np.minimum):
        across = extreme(extreme(padded[:, :-2], padded[:, 1:-1]), padded[:, 2:])
        bounds.append(extreme(extreme(across[:-2], across[1:-1]), across[2:]))
    return bounds[0] - bounds[1]


def smooth_mask(rgba: np.ndarray, smooth_range: int = SMOOTH_RANGE) -> np.ndarray:
    """Pixels whose 3 x 3 neighbourhood varies by at most ``smooth_range`` levels.

    Parameters
    ----------
    rgba : ndarray of shape (h, w, 4), uint8
    smooth_range : int

    Returns
    -------
    ndarray of shape (h, w), bool
        True where every displayed channel (:func:`displayed`) spans at most
        ``smooth_range`` over the pixel and its neighbours (the image's border repeated).
    """
    return _channel_max(_spread_3x3(_shown(rgba))) <= smooth_range


def _nearest(shown: np.ndarray, shown_palette: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Index of the palette entry nearest to each colour: smallest largest channel change,
    then smallest sum of squared changes.

    ``shown`` (c, n) and ``shown_palette`` (c, k) are displayed colours, channel first, int32.
    """
    # Exact in int32: (largest change) * (1 + largest possible sum of squares) + sum of squares.
    scale = 1 + len(shown) * 255**2
    index = np.empty(shown.shape[1], dtype=np.intp)
    for start in range(0, shown.shape[1], chunk):
        largest = squares = None
        for channel, palette_channel in zip(shown[:, start : start + chunk], shown_palette):
            change = channel[:, None] - palette_channel[None, :]
            size = np.abs(change)
            largest = size if largest is None else np.maximum(largest, size, out=largest)
            squares = change * change if squares is None else squares + change * change
        index[start : start + chunk] = (largest * scale + squares).argmin(axis=1)
    return index


def _largest_change(shown: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """Largest change of a channel from ``shown`` (c, n) to one ``colour`` (c,)."""
    return np.abs(shown - colour[:, None]).max(axis=0)


def _unpack(packed: np.ndarray) -> np.ndarray:
    return packed.astype(">u4").view(np.uint8).reshape(-1, 4)


def quantise(rgba: np.ndarray, smooth: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A palette of at most 256 colours for ``rgba`` and each pixel's entry in it.

    The palette starts with the colours of the smooth areas (:func:`smooth_mask`), most
    pixels first, at most :data:`MAX_PINNED` of them; then, one at a time, the colour
    farthest from every entry so far (largest change of a displayed channel) joins it,
    until it has 256 entries or holds every colour. Each colour maps to its nearest entry.

    Parameters
    ----------
    rgba : ndarray of shape (h, w, 4), uint8
        Straight RGBA. Fully transparent pixels all count as one colour.
    smooth : ndarray of shape (h, w), bool, optional
        :func:`smooth_mask` of ``rgba``, if already computed.

    Returns
    -------
    indices : ndarray of shape (h, w), uint8
    palette : ndarray of shape (n, 4), uint8
        ``n <= 256``. When the image has at most 256 colours, ``palette[indices]`` equals
        it (fully transparent pixels aside, which become (0, 0, 0, 0)).
    """
    h, w = rgba.shape[:2]
    pixels = np.ascontiguousarray(rgba.reshape(-1, 4))
    if pixels[:, 3].min() == 0:
        pixels = np.where(pixels[:, 3:] == 0, np.uint8(0), pixels)
    unique, inverse = np.unique(pixels.view(">u4").ravel(), return_inverse=True)
    colours = _unpack(unique)
    if len(colours) <= MAX_COLOURS:
        return inverse.reshape(h, w).astype(np.uint8), colours

    if smooth is None:
        smooth = smooth_mask(rgba)
    smooth_counts = np.bincount(inverse[smooth.ravel()], minlength=len(colours))
    pinned = np.argsort(-smooth_counts, kind="stable")[: min(MAX_PINNED, (smooth_counts > 0).sum())]
    shown = displayed(colours)
    if (colours[:, 3] == 255).all():
        shown = shown[:, :3]  # over white is the same as over black
    shown = np.ascontiguousarray(shown.T)  # channel first: (c, n)
    chosen = list(pinned)
    distance = np.full(len(colours), np.iinfo(np.int32).max)
    for entry in chosen:
        np.minimum(distance, _largest_change(shown, shown[:, entry]), out=distance)
    while len(chosen) < MAX_COLOURS:
        farthest = int(distance.argmax())
        if distance[farthest] == 0:
            break
        chosen.append(farthest)
        np.minimum(distance, _largest_change(shown, shown[:, farthest]), out=distance)
    chosen = np.sort(chosen)
    indices = _nearest(shown, shown[:, chosen])[inverse]
    return indices.reshape(h, w).astype(np.uint8), colours[chosen]


def errors(
    rgba: np.ndarray, indices: np.ndarray, palette: np.ndarray, smooth: np.ndarray | None = None
) -> tuple[int, int, float]:
    """How far the palette image is from ``rgba``.

    Parameters
    ----------
    rgba : ndarray of shape (h, w, 4), uint8
    indices : ndarray of shape (h, w), uint8
    palette : ndarray of shape (n, 4), uint8
    smooth : ndarray of shape (h, w), bool, optional
        :func:`smooth_mask` of ``rgba``, if already computed.

    Returns
    -------
    smooth_error : int
        Largest change of a displayed channel (:func:`displayed`) on a pixel of a smooth
        area (:func:`smooth_mask`), in levels of 255; 0 if there is no such pixel.
    edge_error : int
        The same over all pixels.
    psnr : float
        Peak signal-to-noise ratio over the displayed channels, dB (``inf`` when equal).
    """
    if (rgba[..., 3] == 255).all() and (palette[:, 3] == 255).all():
        # Opaque: over white is the same as over black.
        shown, shown_palette = rgba[..., :3].astype(np.int16), palette[:, :3].astype(np.int16)
    else:
        shown, shown_palette = displayed(rgba).astype(np.int16), displayed(palette).astype(np.int16)
    change = np.abs(shown - shown_palette[indices])
    worst = _channel_max(change)
    if smooth is None:
        smooth = smooth_mask(rgba)
    mse = float(np.mean(np.square(change, dtype=np.int32)))
    psnr = float("inf") if mse == 0 else float(10 * np.log10(255**2 / mse))
    return int(worst[smooth].max(initial=0)), int(worst.max(initial=0)), psnr


def encode(indices: np.ndarray, palette: np.ndarray, dpi: Any = None) -> bytes:
    """A palette PNG (``optimize=True``) of ``palette[indices]``; alpha only if needed."""
    image = Image.fromarray(indices, "P")
    if (palette[:, 3] == 255).all():
        image.putpalette(palette[:, :3].tobytes(), "RGB")
    else:
        image.putpalette(palette.tobytes(), "RGBA")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True, **({"dpi": dpi} if dpi else {}))
    return buffer.getvalue()


def compact_png(path: Path, write: bool = True) -> Verdict:
    """Re-encode the PNG ``path`` as a palette PNG if that is smaller and visually lossless.

    Parameters
    ----------
    path : Path
        A PNG file; it is replaced (atomically) only when the verdict is ``"converted"``.
    write : bool
        False to judge only, leaving the file alone whatever the verdict.

    Returns
    -------
    Verdict
        ``"skipped"``, with the file untouched, for an image of more than
        :data:`MAX_PIXELS` pixels (only its header is read), more than 8 bits per channel,
        or a chunk that cannot be carried over (:func:`read_chunks`: an animation, a
        colour profile, ...). Chunks safe to copy (text, resolution) go into the palette
        PNG byte for byte.

    Raises
    ------
    OSError, ValueError, SyntaxError
        When the file cannot be read (truncated, a wrong CRC, not an image).
    """
    size = path.stat().st_size
    if path.is_symlink():  # its file is not this folder's to rewrite
        return Verdict("skipped", "a symbolic link", size, size)
    if is_palette_png(path):
        return Verdict("skipped", "already a palette PNG", size, size)
    with open(path, "rb") as file:
        is_png = file.read(len(PNG_SIGNATURE)) == PNG_SIGNATURE
    if not is_png:
        with Image.open(path) as image:
            return Verdict("skipped", f"{image.format} in mode {image.mode}", size, size)
    chunks = read_chunks(path)
    pixels = chunks.width * chunks.height
    if pixels > MAX_PIXELS:
        return Verdict(
            "skipped",
            f"{chunks.width} x {chunks.height} pixels, more than MAX_PIXELS "
            f"({MAX_PIXELS / 1e6:g} million): judging it would take about "
            f"{BYTES_PER_PIXEL * pixels / 1e9:.1f} GB",
            size,
            size,
        )
    if chunks.unkept:  # what a re-encoding would drop or leave wrong
        return Verdict("skipped", "has " + ", ".join(chunks.unkept), size, size)
    if chunks.bit_depth != 8:
        return Verdict("skipped", f"{chunks.bit_depth} bits per channel", size, size)
    with Image.open(path) as image:
        if image.mode not in ("RGB", "RGBA"):
            return Verdict("skipped", f"{image.format} in mode {image.mode}", size, size)
        rgba = np.asarray(image.convert("RGBA"))
    smooth = smooth_mask(rgba)
    indices, palette = quantise(rgba, smooth)
    smooth_error, edge_error, psnr = errors(rgba, indices, palette, smooth)
    measured = {"smooth_error": smooth_error, "edge_error": edge_error, "psnr": psnr}
    too_far = [
        f"{smooth_error} levels on a smooth area (at most {SMOOTH_MAX_ERROR})"
        if smooth_error > SMOOTH_MAX_ERROR
        else "",
        f"{edge_error} levels on a pixel (at most {EDGE_MAX_ERROR})"
        if edge_error > EDGE_MAX_ERROR
        else "",
        f"PSNR {psnr:.1f} dB (at least {MIN_PSNR:.0f})" if psnr < MIN_PSNR else "",
    ]
    if any(too_far):
        reason = "visible change: " + ", ".join(filter(None, too_far))
        return Verdict("kept", reason, size, size, **measured)
    data = with_chunks(encode(indices, palette), chunks.before, chunks.after)
    if len(data) >= size:
        return Verdict("kept", "palette PNG not smaller", size, size, **measured)
    if write:  # a new file of its own, renamed over the image: nothing else is written
        handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(partial, stat.S_IMODE(path.stat().st_mode))
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return Verdict("converted", f"{len(palette)} colours", size, len(data), **measured)


def _file_state(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def build_failed(app: Any, exception: Exception | None) -> bool:
    """Whether the build that is finishing failed: an exception, or a warning under
    ``-W --keep-going`` (Sphinx then exits with status 1 after ``build-finished``)."""
    return exception is not None or bool(
        getattr(app, "keep_going", False) and getattr(app, "_warncount", 0)
    )


def compact_build_images(app: Any, exception: Exception | None) -> None:
    """``build-finished``: compact the book's PNGs in the image folder of a successful
    HTML build.

    The book's images are those of the build environment (``env.images``, every page's,
    so that the images of a failed build are compacted by the next successful one); a file
    whose size and modification time are those it had when last judged is skipped.
    """
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    builder = app.builder
    if builder.format != "html" or not hasattr(builder, "imagedir"):
        return
    if build_failed(app, exception):
        return
    image_dir = Path(builder.outdir) / builder.imagedir
    names = {name for _docnames, name in app.env.images.values()}
    names |= set(builder.images.values())
    state_path = Path(builder.doctreedir) / STATE_FILE
    try:
        judged = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        judged = {}
    start = time.perf_counter()
    verdicts = []
    for name in sorted(n for n in names if n.lower().endswith(".png")):
        path = image_dir / name
        if not path.is_file() or judged.get(str(path)) == _file_state(path):
            continue
        try:
            verdict = compact_png(path)
        except Exception as err:  # a broken image: report it (each build), leave it, go on
            logger.warning(f"compact_images: {path} left as it is: cannot read it ({err})")
            continue
        if verdict.action == "skipped" and verdict.reason != "already a palette PNG":
            logger.info(f"compact_images: {path.name} left as it is: {verdict.reason}")
        verdicts.append(verdict)
        judged[str(path)] = _file_state(path)
    if not verdicts:
        return
    state_path.write_text(json.dumps(judged, indent=0, sort_keys=True), encoding="utf-8")
    before = sum(v.size_before for v in verdicts)
    after = sum(v.size_after for v in verdicts)
    converted = sum(v.action == "converted" for v in verdicts)
    logger.info(
        f"compact_images: {converted} of {len(verdicts)} PNGs as palette PNGs, "
        f"{before / 1e6:.2f} -> {after / 1e6:.2f} MB in {time.perf_counter() - start:.1f} s"
    )


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", compact_build_images)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of PNGs, e.g. _build/html/_images")
    parser.add_argument("--write", action="store_true", help="rewrite the files (default: judge)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(
            f"compact_images: error: {args.folder} is not a folder; give the folder of the "
            f"PNGs, e.g. _build/html/_images.",
            file=sys.stderr,
        )
        return 2
    total_before = total_after = 0
    start = time.perf_counter()
    paths = sorted(args.folder.glob("*.png"))
    unreadable = 0
    for path in paths:
        tick = time.perf_counter()
        try:
            v = compact_png(path, write=args.write)
        except Exception as err:  # a broken image: name it, leave it, go on
            unreadable += 1
            print(f"compact_images: {path}: left as it is: cannot read it ({err})", file=sys.stderr)
            continue
        total_before += v.size_before
        total_after += v.size_after if v.action == "converted" else v.size_before
        print(
            f"{path.name[:16]:16} {v.action:9} {v.size_before / 1e3:7.1f} -> "
            f"{v.size_after / 1e3:7.1f} kB  smooth {v.smooth_error:3d} edge {v.edge_error:3d} "
            f"PSNR {v.psnr:5.1f} dB  {1e3 * (time.perf_counter() - tick):4.0f} ms  {v.reason}"
        )
    print(
        f"total {total_before / 1e6:.3f} -> {total_after / 1e6:.3f} MB "
        f"({total_after / max(total_before, 1):.2f}) in {time.perf_counter() - start:.1f} s"
    )
    if unreadable:
        print(
            f"compact_images: {unreadable} of {len(paths)} files could not be read (named "
            f"above) and are left as they are; rebuild them (or remove them) and run this again.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
