"""An explorer's precomputed pictures as plain data, for any page that shows them.

:class:`Manifest` holds what a page needs to show an explorer with no kernel and no widget
library: the controls (names, labels, values, how each value reads, where each starts),
the overlays (which controls each depends on) and the encoded picture of each setting of
each overlay, with the text alternatives. ``OverlayRenderer.manifest`` makes one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .controls import ControlInfo
from .panels import Panel

__all__ = ["Manifest", "OverlayManifest"]


@dataclass(frozen=True)
class OverlayManifest:
    """One overlay's pictures, as plain data.

    Attributes
    ----------
    controls : tuple of str
        The controls its picture depends on, in the explorer's order.
    pictures : tuple of bytes
        Its distinct encoded pictures.
    alts : tuple of str or None
        The text alternative of each picture (the described overlay), else ``None``.
    shown : dict of tuple of int to int
        For each setting of ``controls`` (one grid index per control), the number of the
        picture shown.
    """

    controls: tuple[str, ...]
    pictures: tuple[bytes, ...]
    alts: tuple[str, ...] | None
    shown: dict[tuple[int, ...], int]


@dataclass(frozen=True)
class Manifest:
    """An explorer's precomputed pictures and the controls that choose them, as plain data.

    Enough to show the explorer with no kernel and no widget library: the overlays' pictures
    of a grid point, stacked bottom first, are the figure at that setting.

    Attributes
    ----------
    image_format : {"webp", "png"}
        The encoding of every picture.
    controls : tuple of ControlInfo
        Outermost first.
    overlays : tuple of OverlayManifest
        Bottom first.
    panels : tuple of Panel
        Where the pictures may be cut into strips that a narrow page stacks, left to right
        (:func:`~nncore.widgets.panels.figure_panels`); empty: one strip, the whole picture.
    """

    image_format: str
    controls: tuple[ControlInfo, ...]
    overlays: tuple[OverlayManifest, ...]
    panels: tuple[Panel, ...] = ()

    def pictures_at(self, index: Sequence[int]) -> list[bytes]:
        """Pick each overlay's picture at grid point ``index``, bottom first.

        Parameters
        ----------
        index : sequence of int
            One grid index per control.

        Returns
        -------
        list of bytes
        """
        names = [c.name for c in self.controls]
        at = dict(zip(names, index, strict=True))
        return [o.pictures[o.shown[tuple(at[c] for c in o.controls)]] for o in self.overlays]

    def alt_at(self, index: Sequence[int]) -> str:
        """Give the text alternative of grid point ``index``.

        Parameters
        ----------
        index : sequence of int

        Returns
        -------
        str
        """
        names = [c.name for c in self.controls]
        at = dict(zip(names, index, strict=True))
        o, alts = next((o, o.alts) for o in self.overlays if o.alts is not None)
        return alts[o.shown[tuple(at[c] for c in o.controls)]]
