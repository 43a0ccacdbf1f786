"""How an explorer shows its view: the display classes, and which one a mode names.

An :class:`~nncore.widgets.Explorer` checks its view and controls and owns the header and
the controls' values; a *display* shows the figure below them. Two displays:

``"precomputed"`` (:class:`~nncore.widgets.precomputed.PrecomputedDisplay`; ipywidgets 8)
    Every setting of the controls is drawn when the explorer is built; the browser switches
    the pictures with no kernel (a static HTML page). With a kernel, a moved control also draws
    the setting again. Its pictures are also plain data
    (:meth:`~nncore.widgets.precomputed.PrecomputedDisplay.manifest`).
``"kernel"`` (:class:`~nncore.widgets.kernel.KernelDisplay`; ipywidgets 7 or 8)
    Nothing is precomputed: each move draws the figure through the kernel (Colab's front
    end, which has ipywidgets 7 and no ``Stack``).

A display is any class with the methods of :class:`Display`; :data:`DISPLAYS` maps each
mode to its class.

What an explorer's output holds (:func:`explorer_output`, from the environment variable
``NNCORE_EXPLORER_OUTPUT``): ``"widget"`` (the default: a live notebook shows and saves the
widget only), ``"figure"`` (the static HTML figure only, and no picture widgets built: what a
book build shows) or ``"both"``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any, Protocol

import ipywidgets as widgets
from ipywidgets import ValueWidget, Widget

from .kernel import KernelDisplay
from .pictures import OverlayPictures
from .precomputed import PrecomputedDisplay
from .scene import Scene

__all__ = [
    "DISPLAYS",
    "OUTPUT_ENV",
    "OUTPUTS",
    "Display",
    "default_mode",
    "display_class",
    "explorer_output",
]

#: The environment variable that says what an explorer's output holds, and its values.
OUTPUT_ENV = "NNCORE_EXPLORER_OUTPUT"
OUTPUTS = ("widget", "figure", "both")

#: The display class of each mode.
DISPLAYS: dict[str, type[Display]] = {
    "precomputed": PrecomputedDisplay,
    "kernel": KernelDisplay,
}

#: Earlier names of modes, still accepted for one release.
_RENAMED = {"frames": "precomputed"}


class Display(Protocol):
    """What an explorer needs of a display.

    Attributes
    ----------
    mode : str
        The display's name in :data:`DISPLAYS`.
    widgets : list of ipywidgets.Widget
        What the page shows below the controls.
    redraws : bool
        Whether a moved control calls :meth:`show`.
    overlays : list of OverlayPictures
        The stored pictures of each overlay (none for a display that stores none).
    alt_texts : dict of tuple of int to str
        The text alternative of each precomputed grid point.
    deferred_bytes : int
        The page bytes of pictures drawn but not made into widgets (the ``"figure"``
        output), as the widget state would hold them; 0 when every picture is a widget.
    """

    mode: str
    widgets: list[Widget]
    redraws: bool
    deferred_bytes: int

    @property
    def overlays(self) -> list[OverlayPictures]:
        """The stored pictures of each overlay."""

    @property
    def alt_texts(self) -> dict[tuple[int, ...], str]:
        """The text alternative of each precomputed grid point."""

    def __init__(
        self,
        scene: Scene,
        *,
        live: bool,
        max_frames: int,
    ) -> None: ...

    def build(self, controls: Mapping[str, ValueWidget]) -> None:
        """Draw what the display needs and make its widgets, the view left at the controls'."""

    def saved(self) -> list[Widget]:
        """Widgets the page saves besides those below the controls (browser-side links)."""

    def select(self, level: int, i: int) -> None:
        """Follow control ``level`` to grid index ``i`` without drawing."""

    def show(self, index: tuple[int, ...]) -> None:
        """Draw the setting ``index`` (the view's model may have changed)."""

    def refresh(self, index: tuple[int, ...]) -> list[Widget]:
        """Draw everything again from the view's state; return the widgets it replaced."""

    def frame(self, index: tuple[int, ...]) -> bytes:
        """Give the stored picture of grid point ``index``, its overlays composed."""

    def check_overlays(self) -> None:
        """Check every overlay at every grid point against its stored picture."""

    def size_report(self, state_bytes: int) -> str:
        """Describe what the display stores, in one line."""

    def mimebundle(self, box: Widget, **kwargs: Any) -> Any:
        """Give the representations of the explorer's widget ``box`` for the notebook."""

    def close(self) -> None:
        """Close the display's widgets."""


def default_mode() -> str:
    """Choose how explorers show their view with the installed ipywidgets.

    Returns
    -------
    str
        ``"precomputed"`` where ipywidgets has ``Stack`` (version 8), ``"kernel"`` elsewhere.
    """
    return "precomputed" if hasattr(widgets, "Stack") else "kernel"


def display_class(mode: str | None) -> type[Display]:
    """Find the display class of ``mode``.

    Parameters
    ----------
    mode : str or None
        A key of :data:`DISPLAYS`; ``None`` for :func:`default_mode`. ``"frames"``, the
        earlier name of ``"precomputed"``, is accepted with a ``DeprecationWarning``.

    Returns
    -------
    type
        The display class.

    Raises
    ------
    ValueError
        For an unknown mode.
    """
    if mode in _RENAMED:
        warnings.warn(
            f"Explorer: mode {mode!r} is now called {_RENAMED[mode]!r}; the old name goes in "
            f"the next release.",
            DeprecationWarning,
            stacklevel=3,
        )
        mode = _RENAMED[mode]
    mode = default_mode() if mode is None else mode
    if mode not in DISPLAYS:
        raise ValueError(f"Explorer: mode must be one of {tuple(DISPLAYS)}, got {mode!r}.")
    return DISPLAYS[mode]


def explorer_output() -> str:
    """Read what an explorer's output holds from ``NNCORE_EXPLORER_OUTPUT``.

    Returns
    -------
    str
        ``"widget"`` when the variable is unset or empty (a live notebook shows the widget,
        and saves its pictures once, in the widget state), ``"figure"`` (the static HTML
        figure only, and no picture widgets: a book build, which shows the figure) or
        ``"both"``.

    Raises
    ------
    ValueError
        For any other value.
    """
    value = os.environ.get(OUTPUT_ENV, "").strip().lower() or "widget"
    if value not in OUTPUTS:
        raise ValueError(
            f"Explorer: the environment variable {OUTPUT_ENV} must be one of {OUTPUTS} (or "
            f"unset, for 'widget'), got {os.environ[OUTPUT_ENV]!r}."
        )
    return value
