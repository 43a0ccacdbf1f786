"""Turning a matplotlib figure into the small images an explorer stores, and quickly.

:func:`figure_image` draws a figure on its Agg canvas and encodes it, palette-quantised, as
PNG or lossless WebP (:func:`encode_image` encodes pixels already drawn, with transparency
for the layers of ``nncore.widgets.layers``). The widgets that hold the pictures in a page
(:class:`Frame`, :class:`Picture`) and switch them (``SlimStack``, ``SlimLink``) save their
state without default values: an explorer puts hundreds of them in its page.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np
import traitlets
from ipywidgets.widgets.widget_link import Link

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.figure import Figure

__all__ = ["FORMATS", "encode_image", "figure_image", "Frame", "Picture", "SlimLink", "SlimStack"]

#: Image formats an explorer can store its frames in.
FORMATS = ("png", "webp")


def _canvas(figure: Figure) -> Any:
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
        for the book's figures, and shown by every current browser.

    Returns
    -------
    bytes
        The encoded image.
    """
    canvas = _canvas(figure)
    canvas.draw()
    return encode_image(np.asarray(canvas.buffer_rgba()), colors=colors, fmt=fmt)


def encode_image(pixels: np.ndarray, *, colors: int | None = 64, fmt: str = "png") -> bytes:
    """Encode drawn pixels, palette-quantised to ``colors`` colours.

    Parameters
    ----------
    pixels : numpy.ndarray of uint8, shape (height, width, 4)
        RGBA, as an Agg canvas draws it. Fully opaque pixels are encoded as RGB; pixels
        with transparency keep their alpha (the layers of ``nncore.widgets.layers``).
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
        width = 4 if image.palette.mode == "RGBA" else 3
        palette = np.array(image.getpalette(image.palette.mode), dtype=np.uint8).reshape(-1, width)
        palette[(palette[:, :3] >= 250).all(axis=1), :3] = 255
        image.putpalette(palette.ravel().tolist(), image.palette.mode)
    buffer = io.BytesIO()
    if fmt == "webp":
        # Effort 4 of 6 (quality is the effort of lossless WebP): within 1% of the smallest
        # file at a small fraction of the slowest setting's time.
        image.save(buffer, format="WEBP", lossless=True, quality=50, method=4)
    else:
        image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


class _SlimState:
    """Save a widget's state without the keys that hold their default value.

    An explorer saves hundreds of pictures, stacks and links in its page, and their
    defaults (empty classes and titles, view names and versions...) would be about half of
    the JSON besides the images. The front end fills them in from the same defaults; the
    model's name, module and version stay, since a front end creates the model from them,
    and so do the keys in ``_always``.
    """

    _always: tuple[str, ...] = ()

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        """The widget's state (all of it for ``key=None``), without default values.

        Parameters
        ----------
        key : str or iterable of str, optional
            The keys wanted; with a key the state is the usual one.
        drop_defaults : bool, default False
            Passed on when ``key`` is given.

        Returns
        -------
        dict
        """
        if key is not None:
            return super().get_state(key, drop_defaults=drop_defaults)
        state = super().get_state(drop_defaults=True)
        kept = ("_model_name", "_model_module", "_model_module_version", *self._always)
        for name in ("_dom_classes", "titles"):  # saved as [] or [""...] against a default of ()
            if name in state and not any(state[name]):
                state.pop(name)
        return {**super().get_state(kept), **state}


class Frame(_SlimState, widgets.Image):
    """An image widget whose ``tooltip`` (the frame's text alternative) reaches the page.

    The browser-side view sets the ``title`` attribute from ``tooltip`` only after
    reading the widget's ``description``, which images lack: without this empty
    one, the HTML book's widget manager fails to draw the image at all. Its state is saved
    without default values (see ``_SlimState``).
    """

    # Default None, set to "" on construction: so even a state saved without default
    # values (ipywidgets.embed's drop_defaults) carries it.
    description = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    _always = ("description",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(description="", **kwargs)


class Picture(_SlimState, widgets.HTML):
    """An HTML widget holding one decorative picture of a layer, saved without defaults."""


class SlimStack(_SlimState, widgets.Stack if hasattr(widgets, "Stack") else widgets.Box):
    """The stacks that switch an explorer's pictures, saved without default values."""


class SlimLink(_SlimState, Link):
    """A browser-side link (``jslink``), saved without default values."""
