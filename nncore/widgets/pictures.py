"""An explorer's view drawn overlay by overlay at the points of its grid, and checked.

:func:`resolve_overlays` checks a view's ``overlays`` against the controls and gives each an
:class:`OverlayPictures`, the store of its pictures: one per setting of the controls it
depends on, each distinct picture kept once. :class:`OverlayRenderer` updates the view for a
grid point, draws the overlays that need a picture there, checks that an overlay drawn again
where only other controls moved comes out the same, and draws a setting again when the
model behind the view changed (:meth:`OverlayRenderer.manifest` gives the result as plain
data). Nothing here imports ipywidgets.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .controls import ControlInfo
from .images import compose, digest, encode_image
from .manifest import Manifest, OverlayManifest
from .overlays import Overlay, OverlayPainter, placed
from .view import View, describe_view, update_view

__all__ = [
    "OverlayPictures",
    "OverlayRenderer",
    "resolve_overlays",
]


@dataclass
class OverlayPictures:
    """One overlay's pictures.

    Attributes
    ----------
    overlay : Overlay
    positions : tuple of int
        Indices (in the explorer's control order) of the controls its picture depends on.
    described : bool
        Its pictures carry the text alternative, one per grid point: the first overlay from
        the bottom that depends on every control (the top one when none does).
    key : dict of tuple of int to hashable
        The picture shown at each setting of ``positions``.
    digests : dict of tuple of int to bytes
        Fingerprint of the pixels drawn at each setting.
    pictures : dict of hashable to bytes
        Each distinct encoded picture.
    alt : dict of hashable to str
        The text alternative of each picture (described overlay only).
    """

    overlay: Overlay
    positions: tuple[int, ...]
    described: bool
    key: dict[tuple[int, ...], Hashable] = field(default_factory=dict)
    digests: dict[tuple[int, ...], bytes] = field(default_factory=dict)
    pictures: dict[Hashable, bytes] = field(default_factory=dict)
    alt: dict[Hashable, str] = field(default_factory=dict)

    def sub(self, index: Sequence[int]) -> tuple[int, ...]:
        """Pick the setting of this overlay's controls out of a grid point.

        Parameters
        ----------
        index : sequence of int
            A grid point: one index per control of the explorer.

        Returns
        -------
        tuple of int
            One index per control in ``positions``.
        """
        return tuple(index[p] for p in self.positions)

    def clear(self) -> None:
        """Forget every picture (before rendering again)."""
        for store in (self.key, self.digests, self.pictures, self.alt):
            store.clear()


def _declared(view: Any) -> Any:
    """The view's ``overlays``, or its ``layers`` (the name before overlays), or None."""
    if getattr(view, "overlays", None) is not None:
        return view.overlays
    if getattr(view, "layers", None) is not None:
        warnings.warn(
            f"{type(view).__name__}.layers is deprecated: name the view's overlays "
            f"`overlays` (nncore.widgets.Overlay).",
            DeprecationWarning,
            stacklevel=4,
        )
        return view.layers
    return None


def _check_artists(overlays: Sequence[Overlay], view: Any, where: str) -> None:
    """Raise unless one overlay has ``artists=None`` and each artist is placed, in one."""
    rest = [i for i, overlay in enumerate(overlays) if overlay.members() is None]
    if len(rest) != 1:
        raise ValueError(
            f"{where}: exactly one overlay must have artists=None (it draws every artist no "
            f"other overlay lists); overlays {rest or 'none'} have it."
        )
    owner: dict[int, int] = {}
    children = placed(view.figure)
    for i, overlay in enumerate(overlays):
        for artist in overlay.members() or ():
            if id(artist) not in children:
                raise ValueError(
                    f"{where}: overlay {i} lists {artist!r}, which is not a child of the "
                    f"figure or of one of its axes; list the artist that holds it (the whole "
                    f"legend, axis or container)."
                )
            if id(artist) in owner and owner[id(artist)] != i:
                raise ValueError(
                    f"{where}: {artist!r} is listed in overlays {owner[id(artist)]} and {i}; "
                    f"an artist belongs to one overlay."
                )
            owner[id(artist)] = i


def resolve_overlays(view: Any, names: Sequence[str]) -> list[OverlayPictures]:
    """Check ``view.overlays`` (if any) against the control names; one store each.

    Parameters
    ----------
    view : object
        Its optional ``overlays`` attribute is a sequence of :class:`Overlay`, bottom first.
    names : sequence of str
        The explorer's controls, in order.

    Returns
    -------
    list of OverlayPictures
        One per overlay; a view without overlays gets one holding the whole figure.
    """
    overlays = _declared(view)
    where = f"Explorer: the view's overlays ({type(view).__name__}.overlays)"
    if overlays is None:
        overlays = [Overlay(None, None)]
    if isinstance(overlays, (Overlay, str)) or not isinstance(overlays, Sequence) or not overlays:
        raise TypeError(
            f"{where} must be a non-empty list of nncore.widgets.Overlay, bottom first; "
            f"got {overlays!r}."
        )
    bad = [i for i, overlay in enumerate(overlays) if not isinstance(overlay, Overlay)]
    if bad:
        raise TypeError(
            f"{where}: item {bad[0]} is a {type(overlays[bad[0]]).__name__}, not an Overlay; "
            f"wrap the artists as Overlay(artists, controls=(...))."
        )
    _check_artists(overlays, view, where)
    resolved = []
    for i, overlay in enumerate(overlays):
        controls = list(names) if overlay.controls is None else list(overlay.controls)
        unknown = [c for c in controls if c not in names]
        if isinstance(overlay.controls, str) or unknown:
            raise ValueError(
                f"{where}: overlay {i} depends on controls {overlay.controls!r}, but the "
                f"controls are {list(names)}; give a tuple of their names, () for an overlay "
                f"that never changes, or None for all."
            )
        positions = tuple(k for k, c in enumerate(names) if c in controls)
        resolved.append(OverlayPictures(overlay, positions, False))
    full = [f for f in resolved if len(f.positions) == len(names)]
    described = full[0] if full else resolved[-1]
    described.described, described.positions = True, tuple(range(len(names)))
    return resolved


#: A picture an overlay gained or changed: its key, the encoded image and its text
#: alternative (``None`` for an overlay that carries none).
NewPicture = tuple[Hashable, bytes, "str | None"]


class OverlayRenderer:
    """Draw a view's overlays at grid points and keep their pictures.

    Parameters
    ----------
    view : View
        The explorer's view (``figure``, ``update``, ``describe`` and optional ``overlays``).
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
    overlays : list of OverlayPictures
    alt_texts : dict of tuple of int to str
        The text alternative of each grid point drawn.
    """

    def __init__(
        self, view: View, grid: Mapping[str, list[Any]], *, title: str, colors: int | None, fmt: str
    ) -> None:
        self.view = view
        self.grid = dict(grid)
        self.names = list(grid)
        self.shape = tuple(len(v) for v in grid.values())
        self.title, self.colors, self.fmt = title, colors, fmt
        self.overlays = resolve_overlays(view, self.names)
        self.painter = OverlayPainter(view.figure, [o.overlay for o in self.overlays])
        self.alt_texts: dict[tuple[int, ...], str] = {}

    def values_at(self, index: Sequence[int]) -> dict[str, Any]:
        """Give the control values of grid point ``index``.

        Parameters
        ----------
        index : sequence of int

        Returns
        -------
        dict of str to object
        """
        return {name: self.grid[name][i] for name, i in zip(self.names, index, strict=True)}

    def clear(self) -> None:
        """Forget every picture (before drawing again)."""
        for overlay in self.overlays:
            overlay.clear()
        self.alt_texts.clear()

    def sample_check(self, index: tuple[int, ...]) -> bool:
        """Tell whether to check, at this grid point, that each overlay drew what it declares.

        Overlays are drawn once per setting of their own controls (at its first grid point,
        where the other controls are at their first value); they are drawn again where
        every other control is at its last value, which catches an overlay that changes
        with a control it does not list. :meth:`check_all` checks every grid point.

        Parameters
        ----------
        index : tuple of int

        Returns
        -------
        bool
        """
        return any(
            not o.described
            and len(o.positions) < len(self.shape)
            and all(index[k] == n - 1 for k, n in enumerate(self.shape) if k not in o.positions)
            for o in self.overlays
        )

    def _update(self, index: Sequence[int]) -> str:
        """Update the view for grid point ``index``; what it now shows, in words."""
        update_view(self.view, self.values_at(index), self.title)
        return describe_view(self.view, self.title)

    def draw(self, index: tuple[int, ...], *, check: bool = False) -> list[list[NewPicture]]:
        """Update the view for grid point ``index`` and draw the overlays it needs.

        Parameters
        ----------
        index : tuple of int
        check : bool, default False
            Draw again the overlays drawn before at their own controls' setting; they must
            come out the same.

        Returns
        -------
        list of list of (hashable, bytes, str or None)
            For each overlay, the pictures it gained here (none where it had one already).
        """
        alt = self._update(index)
        self.alt_texts[index] = alt
        added: list[list[NewPicture]] = [[] for _ in self.overlays]
        for k, overlay in enumerate(self.overlays):
            sub = overlay.sub(index)
            if sub in overlay.digests and not overlay.described:
                if check:
                    self.check(k, index)
                continue
            pixels = self.painter.draw(k)
            fingerprint = digest(pixels)
            key = (fingerprint, alt) if overlay.described else fingerprint
            overlay.digests[sub], overlay.key[sub] = fingerprint, key
            if key not in overlay.pictures:
                picture = encode_image(pixels, colors=self.colors, fmt=self.fmt)
                overlay.pictures[key] = picture
                if overlay.described:
                    overlay.alt[key] = alt
                added[k].append((key, picture, alt if overlay.described else None))
        return added

    def check(self, k: int, index: tuple[int, ...]) -> None:
        """Draw overlay ``k`` (the view updated for ``index``); raise unless it is the stored one.

        Parameters
        ----------
        k : int
            The overlay, 0 for the bottom.
        index : tuple of int
            The grid point the view shows.

        Raises
        ------
        ValueError
            Naming the overlay, its declared controls and the two grid points that differ.
        """
        overlay = self.overlays[k]
        sub = overlay.sub(index)
        if digest(self.painter.draw(k)) == overlay.digests[sub]:
            return
        first = tuple(
            sub[overlay.positions.index(j)] if j in overlay.positions else 0
            for j in range(len(self.shape))
        )
        depends = [self.names[j] for j in overlay.positions]
        raise ValueError(
            f"Explorer {self.title!r}: overlay {k} of the view is declared to depend on the "
            f"controls {depends} only, but it drew a different picture at "
            f"{self.values_at(index)} than at {self.values_at(first)}. List every control that "
            f"changes it in Overlay(..., controls=...), or move the artist that changes to "
            f"another overlay."
        )

    def check_all(self) -> None:
        """Draw every overlay at every grid point and check it against the stored picture."""
        for index in itertools.product(*map(range, self.shape)):
            update_view(self.view, self.values_at(index), self.title)
            for k in range(len(self.overlays)):
                self.check(k, index)

    def redraw(
        self, index: tuple[int, ...], shown: list[dict[Hashable, Hashable]]
    ) -> list[list[NewPicture]]:
        """Draw the setting ``index`` again and return the pictures that changed.

        Parameters
        ----------
        index : tuple of int
        shown : list of dict
            For each overlay, what each of its pictures shows now (the key it was stored
            under, or the fingerprint and text of a later redraw); updated in place.

        Returns
        -------
        list of list of (hashable, bytes, str or None)
            For each overlay, the key of the picture that changed, its new image and text.
        """
        alt = self._update(index)
        changed: list[list[NewPicture]] = [[] for _ in self.overlays]
        for k, overlay in enumerate(self.overlays):
            key = overlay.key[overlay.sub(index)]
            pixels = self.painter.draw(k)
            now = (digest(pixels), alt) if overlay.described else digest(pixels)
            if shown[k][key] == now:
                continue
            picture = encode_image(pixels, colors=self.colors, fmt=self.fmt)
            changed[k].append((key, picture, alt if overlay.described else None))
            shown[k][key] = now
        return changed

    def composed(self, index: tuple[int, ...]) -> bytes:
        """Stack the stored pictures of grid point ``index`` into its whole picture.

        Parameters
        ----------
        index : tuple of int

        Returns
        -------
        bytes
            One encoded image (the stored picture itself for a view of one overlay).
        """
        pictures = [o.pictures[o.key[o.sub(index)]] for o in self.overlays]
        return pictures[0] if len(pictures) == 1 else compose(pictures, self.fmt)

    @property
    def described(self) -> OverlayPictures:
        """The overlay whose pictures carry the text alternative."""
        return next(o for o in self.overlays if o.described)

    def manifest(self, controls: Sequence[ControlInfo]) -> Manifest:
        """Give the stored pictures as plain data, with the controls that choose them.

        Parameters
        ----------
        controls : sequence of ControlInfo
            The explorer's controls, in order.

        Returns
        -------
        Manifest
        """
        overlays = []
        for o in self.overlays:
            keys = list(o.pictures)
            overlays.append(
                OverlayManifest(
                    controls=tuple(self.names[p] for p in o.positions),
                    pictures=tuple(o.pictures[key] for key in keys),
                    alts=tuple(o.alt[key] for key in keys) if o.described else None,
                    shown={sub: keys.index(key) for sub, key in o.key.items()},
                )
            )
        return Manifest(image_format=self.fmt, controls=tuple(controls), overlays=tuple(overlays))
