"""The kernel display: one picture, drawn again through the kernel at each move.

Nothing is precomputed: :class:`KernelDisplay` shows one image below the controls and the
text alternative under it, and each move of a control draws the figure again through the
kernel. It is the display ipywidgets 7 front ends can show (Colab's, which has no
``Stack``), and it draws any setting, on the grid or not.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets

from .images import data_url, picture_size
from .pictures import OverlayPictures
from .scene import Scene

__all__ = ["KernelDisplay"]


def caption_html(alt: str) -> str:
    """Write the text alternative under the picture, announced when it changes.

    Parameters
    ----------
    alt : str

    Returns
    -------
    str
    """
    return (
        f'<div class="nncore-explorer-alt" role="status" aria-live="polite" '
        f'style="font-size:0.85em;color:#555">{html.escape(alt)}</div>'
    )


def picture_html(picture: bytes, fmt: str, alt: str) -> str:
    """Write the picture as an ``<img>`` at its natural size, shrunk only to fit, with its alt.

    Parameters
    ----------
    picture : bytes
        The encoded figure.
    fmt : {"webp", "png"}
    alt : str
        Its text alternative.

    Returns
    -------
    str
        One ``<img>`` with ``alt`` and ``title`` (the text alternative), its ``width`` and
        ``height`` in pixels, and ``max-width:100%;height:auto``: an output wider than the
        picture does not stretch it, a narrower one scales it down.
    """
    width, height = picture_size(picture)
    text = html.escape(alt, quote=True)
    return (
        f'<img src="{data_url(picture, fmt)}" alt="{text}" title="{text}" width="{width}" '
        f'height="{height}" style="display:block;max-width:100%;height:auto">'
    )


class KernelDisplay:
    """Show a view as one picture that the kernel draws again at each move.

    Parameters
    ----------
    scene : Scene
    live : bool
        Not used: this display always draws through the kernel.
    max_frames : int
        Not used: nothing is precomputed.

    Attributes
    ----------
    image : ipywidgets.HTML
        The picture, an ``<img>`` with its text alternative (:func:`picture_html`): the
        ``Image`` widget of ipywidgets 7 has no ``alt`` and is stretched to the output's
        width.
    caption : ipywidgets.HTML
        Its text alternative.
    widgets : list of ipywidgets.Widget
        ``[image, caption]``.
    """

    mode = "kernel"
    redraws = True
    deferred_bytes = 0  # its one picture is always a widget

    def __init__(
        self,
        scene: Scene,
        *,
        live: bool,
        max_frames: int,
    ) -> None:
        self.scene = scene
        self.widgets: list[widgets.Widget] = []
        self.overlays: list[OverlayPictures] = []
        self.alt_texts: dict[tuple[int, ...], str] = {}

    def build(self, controls: Mapping[str, widgets.ValueWidget]) -> None:
        """Draw the controls' setting into a new image and caption.

        Parameters
        ----------
        controls : mapping of str to ipywidgets.ValueWidget
            The explorer's control widgets.
        """
        index = tuple(controls[name].index for name in self.scene.names)
        image, alt = self.scene.render(self.scene.values_at(index))
        self.image = widgets.HTML(
            picture_html(image, self.scene.image_format, alt),
            layout=widgets.Layout(max_width="100%"),
        )
        self.caption = widgets.HTML(caption_html(alt))
        self.widgets = [self.image, self.caption]

    def saved(self) -> list[widgets.Widget]:
        """List the widgets the page saves besides those shown: none.

        Returns
        -------
        list of ipywidgets.Widget
        """
        return []

    def select(self, level: int, i: int) -> None:
        """Do nothing: no widget follows the controls in the browser.

        Parameters
        ----------
        level : int
        i : int
        """

    def show(self, index: tuple[int, ...]) -> None:
        """Draw the setting ``index`` through the kernel into the image and caption.

        Parameters
        ----------
        index : tuple of int
        """
        image, alt = self.scene.render(self.scene.values_at(index))
        self.image.value = picture_html(image, self.scene.image_format, alt)
        self.caption.value = caption_html(alt)

    def refresh(self, index: tuple[int, ...]) -> list[widgets.Widget]:
        """Draw the setting ``index`` again from the view's current state.

        Parameters
        ----------
        index : tuple of int

        Returns
        -------
        list of ipywidgets.Widget
            Empty: the same widgets show the new picture.
        """
        self.show(index)
        return []

    def frame(self, index: tuple[int, ...]) -> bytes:
        """Refuse: nothing is precomputed (:meth:`Explorer.render` draws any setting).

        Parameters
        ----------
        index : tuple of int

        Returns
        -------
        bytes
            Never.

        Raises
        ------
        ValueError
            Always.
        """
        raise ValueError("Explorer.frame: a 'kernel' mode explorer precomputes no frames.")

    def check_overlays(self) -> None:
        """Refuse: nothing is stored to check.

        Raises
        ------
        ValueError
            Always.
        """
        raise ValueError("Explorer.check_overlays: a 'kernel' mode explorer stores no overlays.")

    def size_report(self, state_bytes: int) -> str:
        """Describe the display in one line.

        Parameters
        ----------
        state_bytes : int
            The explorer's widget state (not reported: one picture).

        Returns
        -------
        str
        """
        return f"drawn through the kernel at dpi {self.scene.dpi:g} (no precomputed frames)"

    def mimebundle(self, box: widgets.Widget, **kwargs: Any) -> Any:
        """Give the notebook the representations of the explorer's widget ``box``.

        Parameters
        ----------
        box : ipywidgets.Widget
        **kwargs
            Passed on to ``box._repr_mimebundle_``.

        Returns
        -------
        dict
        """
        return box._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close the image and caption."""
        for widget in self.widgets:
            widget.close()
