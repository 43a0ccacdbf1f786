"""An explorer's view drawn layer by layer at the points of its grid, and checked.

:class:`LayerDrawer` updates the view for a grid point, draws the layers that need a picture
there (each once per setting of the controls it depends on), stores each distinct picture
once, checks that a layer drawn again where only other controls moved comes out the same,
and redraws the shown setting when a live explorer's model changed.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from .budget import encoded_size
from .frames import encode_image
from .layers import LayerPainter, compose, digest
from .stacks import LayerFrames, picture_html, resolve_layers

__all__ = ["LayerDrawer", "text_alternative"]

# JSON of one picture's widget model besides its image and text alternative (measured: ~0.5 kB).
FRAME_OVERHEAD = 600


def text_alternative(view: Any, title: str) -> str:
    """``view.describe()``, checked: the text alternative of the figure it now shows.

    Parameters
    ----------
    view : object
        An explorer's view, updated for the setting to describe.
    title : str
        The explorer's title, for error messages.

    Returns
    -------
    str
        What ``describe()`` returned: a string with more than white space.

    Raises
    ------
    TypeError
        If ``describe()`` returns anything but a ``str`` (``None``, a number, bytes).
    ValueError
        If it returns an empty or blank string.
    """
    said = view.describe()
    if isinstance(said, str) and said.strip():
        return said
    raise (ValueError if isinstance(said, str) else TypeError)(
        f"Explorer {title!r}: {type(view).__name__}.describe() must return a non-empty str, "
        f"one sentence on what the figure now shows (screen readers read it in place of the "
        f"picture); got {said!r} ({type(said).__name__}). Return a sentence such as "
        f"f'A line of slope {{self.slope}}.'"
    )


class LayerDrawer:
    """Draw a view's layers at grid points and keep their pictures.

    Parameters
    ----------
    view : object
        The explorer's view (``figure``, ``update``, ``describe`` and optional ``layers``).
    grid : mapping of str to list
        Each control's values, in the explorer's order.
    title : str
        The explorer's title, for error messages.
    colors : int or None
        Palette size of the pictures.
    fmt : {"webp", "png"}
        Their encoding.

    Attributes
    ----------
    layers : list of LayerFrames
    alt_texts : dict of tuple of int to str
        The text alternative of each grid point drawn.
    """

    def __init__(
        self, view: Any, grid: Mapping[str, list], *, title: str, colors: int | None, fmt: str
    ) -> None:
        self.view = view
        self.grid = dict(grid)
        self.names = list(grid)
        self.shape = tuple(len(v) for v in grid.values())
        self.title, self.colors, self.fmt = title, colors, fmt
        self.layers = resolve_layers(view, self.names)
        self.painter = LayerPainter(view.figure, [f.layer for f in self.layers])
        self.alt_texts: dict[tuple[int, ...], str] = {}

    def values_at(self, index: Sequence[int]) -> dict[str, Any]:
        """The control values of grid point ``index``."""
        return {name: self.grid[name][i] for name, i in zip(self.names, index, strict=True)}

    def clear(self) -> None:
        """Forget every picture (before drawing again)."""
        for layer in self.layers:
            layer.clear()
        self.alt_texts.clear()

    def sample_check(self, index: tuple[int, ...]) -> bool:
        """Whether to check, at this grid point, that each layer drew what its controls say.

        Layers are drawn once per setting of their own controls (at its first grid point,
        where the other controls are at their first value); they are drawn again where every
        other control is at its last value, which catches a layer that changes with a control
        it does not list. :meth:`check_all` checks every grid point.
        """
        return any(
            not layer.described
            and len(layer.positions) < len(self.shape)
            and all(index[k] == n - 1 for k, n in enumerate(self.shape) if k not in layer.positions)
            for layer in self.layers
        )

    def draw(self, index: tuple[int, ...], *, check: bool = False) -> list[int]:
        """Update the view for grid point ``index`` and draw the layers it needs.

        Parameters
        ----------
        index : tuple of int
        check : bool, default False
            Draw again the layers drawn before at their own controls' setting; they must come
            out the same.

        Returns
        -------
        list of int
            The bytes the new pictures of each layer add to the page (base64, text
            alternative and model overhead), for the budget.
        """
        self.view.update(**self.values_at(index))
        alt = text_alternative(self.view, self.title)
        self.alt_texts[index] = alt
        added = [0] * len(self.layers)
        for k, layer in enumerate(self.layers):
            sub = layer.sub(index)
            if sub in layer.digests and not layer.described:
                if check:
                    self.check(k, index)
                continue
            pixels = self.painter.draw(k)
            fingerprint = digest(pixels)
            key = (fingerprint, alt) if layer.described else fingerprint
            layer.digests[sub], layer.key[sub] = fingerprint, key
            if key not in layer.pictures:
                picture = encode_image(pixels, colors=self.colors, fmt=self.fmt)
                layer.pictures[key] = picture
                if layer.described:
                    layer.alt[key] = alt
                added[k] += encoded_size(len(picture)) + FRAME_OVERHEAD
                added[k] += len(alt) if layer.described else 0
        return added

    def check(self, k: int, index: tuple[int, ...]) -> None:
        """Draw layer ``k`` (the view updated for ``index``); raise if it is not the stored one.

        Raises
        ------
        ValueError
            Naming the layer, its declared controls and the two grid points that differ.
        """
        layer = self.layers[k]
        sub = layer.sub(index)
        if digest(self.painter.draw(k)) == layer.digests[sub]:
            return
        first = tuple(
            sub[layer.positions.index(j)] if j in layer.positions else 0
            for j in range(len(self.shape))
        )
        depends = [self.names[j] for j in layer.positions]
        raise ValueError(
            f"Explorer {self.title!r}: layer {k} of the view is declared to depend on the "
            f"controls {depends} only, but it drew a different picture at "
            f"{self.values_at(index)} than at {self.values_at(first)}. List every control that "
            f"changes it in Layer(..., controls=...), or move the artist that changes to "
            f"another layer."
        )

    def check_all(self) -> None:
        """Draw every layer at every grid point and check it against the stored picture."""
        for index in itertools.product(*map(range, self.shape)):
            self.view.update(**self.values_at(index))
            for k in range(len(self.layers)):
                self.check(k, index)

    def redraw(self, index: tuple[int, ...]) -> None:
        """Draw the setting ``index`` again; a picture that changed replaces the one shown."""
        self.view.update(**self.values_at(index))
        alt = text_alternative(self.view, self.title)
        for k, layer in enumerate(self.layers):
            key = layer.key[layer.sub(index)]
            pixels = self.painter.draw(k)
            now = (digest(pixels), alt) if layer.described else digest(pixels)
            if layer.showing[key] == now:
                continue
            picture = encode_image(pixels, colors=self.colors, fmt=self.fmt)
            shown = layer.leaves[key]
            if layer.described:
                shown.value, shown.tooltip = picture, alt
            else:
                shown.value = picture_html(picture, self.fmt)
            layer.showing[key] = now

    def composed(self, index: tuple[int, ...]) -> bytes:
        """The whole picture of grid point ``index``: its layers' stored pictures stacked."""
        pictures = [layer.pictures[layer.key[layer.sub(index)]] for layer in self.layers]
        return pictures[0] if len(pictures) == 1 else compose(pictures, self.fmt)

    @property
    def described(self) -> LayerFrames:
        """The layer whose pictures carry the text alternative."""
        return next(layer for layer in self.layers if layer.described)
