"""A matplotlib figure as the small images an explorer stores: drawn, quantised, encoded.

:func:`figure_image` draws a figure on its Agg canvas and encodes it, palette-quantised, as
lossless WebP or PNG; :func:`encode_image` encodes pixels already drawn (with transparency,
for the overlays of :mod:`nncore.widgets.overlays`); :func:`compose` stacks encoded overlay
pictures into one image again; :func:`digest` fingerprints drawn pixels. Nothing here
imports ipywidgets.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.figure import Figure

__all__ = [
    "FORMATS",
    "agg_canvas",
    "compose",
    "data_url",
    "digest",
    "encode_image",
    "figure_image",
    "picture_size",
]

#: Image formats an explorer can store its pictures in.
FORMATS = ("png", "webp")


def agg_canvas(figure: Figure) -> Any:
    """Put ``figure`` on an Agg canvas (unless it is on one) and return the canvas.

    Parameters
    ----------
    figure : matplotlib.figure.Figure

    Returns
    -------
    matplotlib.backends.backend_agg.FigureCanvasAgg
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    return figure.canvas


def figure_image(figure: Figure, *, colors: int | None = 64, fmt: str = "png") -> bytes:
    """Draw ``figure`` and return it as image bytes, palette-quantised to ``colors`` colours.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Drawn at its own ``dpi`` on an Agg canvas.
    colors : int or None, default 64
        Palette size (2..256); ``None`` keeps full RGB colour (about three times larger).
    fmt : {"png", "webp"}, default "png"
        ``"webp"`` is lossless WebP: the same pixels, a quarter to a third smaller than PNG
        for line art, and shown by every current browser.

    Returns
    -------
    bytes
        The encoded image.
    """
    canvas = agg_canvas(figure)
    canvas.draw()
    return encode_image(np.asarray(canvas.buffer_rgba()), colors=colors, fmt=fmt)


def encode_image(pixels: NDArray[np.uint8], *, colors: int | None = 64, fmt: str = "png") -> bytes:
    """Encode drawn pixels, palette-quantised to ``colors`` colours.

    Parameters
    ----------
    pixels : numpy.ndarray of uint8, shape (height, width, 4)
        RGBA, as an Agg canvas draws it. Fully opaque pixels are encoded as RGB; pixels
        with transparency keep their alpha (the overlays of ``nncore.widgets.overlays``).
    colors : int or None, default 64
        Palette size (2..256); ``None`` keeps full colour.
    fmt : {"png", "webp"}, default "png"
        PNG or lossless WebP.

    Returns
    -------
    bytes
        The encoded image.
    """
    from PIL import Image

    opaque = bool((pixels[..., 3] == 255).all())
    channels = pixels[..., :3] if opaque else pixels
    image = Image.fromarray(np.ascontiguousarray(channels), "RGB" if opaque else "RGBA")
    if colors:
        image = image.quantize(
            colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
        # The quantiser averages colours: turn near-white back into the page's white.
        mode = "RGB" if image.palette is None else image.palette.mode
        width = 4 if mode == "RGBA" else 3
        palette = np.array(image.getpalette(mode), dtype=np.uint8).reshape(-1, width)
        palette[(palette[:, :3] >= 250).all(axis=1), :3] = 255
        image.putpalette(palette.ravel().tolist(), mode)
    return _save(image, fmt, png_level=6)


def _save(image: Any, fmt: str, *, png_level: int | None = None) -> bytes:
    """Encode a PIL image losslessly as WebP or PNG (at zlib level ``png_level``, if given)."""
    buffer = io.BytesIO()
    if fmt == "webp":
        # Effort 4 of 6 (quality is the effort of lossless WebP): within 1% of the smallest
        # file at a small fraction of the slowest setting's time.
        image.save(buffer, format="WEBP", lossless=True, quality=50, method=4)
    elif png_level is None:
        image.save(buffer, format="PNG")
    else:
        image.save(buffer, format="PNG", compress_level=png_level)
    return buffer.getvalue()


def compose(pictures: Sequence[bytes], fmt: str = "png") -> bytes:
    """Stack encoded overlay pictures, bottom first, into one opaque image.

    Parameters
    ----------
    pictures : sequence of bytes
        Encoded images of one size (PNG or WebP); the first is the bottom.
    fmt : {"png", "webp"}, default "png"
        Encoding of the result (lossless).

    Returns
    -------
    bytes
    """
    from PIL import Image

    overlays = [Image.open(io.BytesIO(p)).convert("RGBA") for p in pictures]
    sizes = {overlay.size for overlay in overlays}
    if len(sizes) != 1:
        raise ValueError(f"compose: the pictures must share one size, got {sorted(sizes)}.")
    image = overlays[0]
    for overlay in overlays[1:]:
        image = Image.alpha_composite(image, overlay)
    return _save(image.convert("RGB"), fmt)


def digest(rgba: NDArray[np.uint8]) -> bytes:
    """Fingerprint a drawn picture's pixels (equal pixels, equal digests).

    Parameters
    ----------
    rgba : numpy.ndarray, shape (height, width, 4)

    Returns
    -------
    bytes
        16 bytes.
    """
    return hashlib.blake2b(np.ascontiguousarray(rgba).data, digest_size=16).digest()


def picture_size(picture: bytes) -> tuple[int, int]:
    """Read the width and height in pixels of an encoded picture.

    Parameters
    ----------
    picture : bytes
        An encoded image (PNG or WebP).

    Returns
    -------
    tuple of int
        ``(width, height)``.
    """
    from PIL import Image

    with Image.open(io.BytesIO(picture)) as image:
        width, height = image.size
    return int(width), int(height)


def data_url(picture: bytes, fmt: str) -> str:
    """Write an encoded picture as a ``data:`` URL.

    Parameters
    ----------
    picture : bytes
    fmt : {"webp", "png"}
        Its format.

    Returns
    -------
    str
    """
    return f"data:image/{fmt};base64,{base64.b64encode(picture).decode('ascii')}"
