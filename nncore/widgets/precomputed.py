"""The precomputed display: every setting drawn ahead, switched in the browser with no kernel.

When the explorer is built, :class:`PrecomputedDisplay` draws the view at every point of the
controls' grid, overlay by overlay (:class:`~nncore.widgets.pictures.OverlayRenderer`),
checking the page's budget as the bytes add up. The pictures go into image widgets inside
nested ``ipywidgets.Stack`` widgets, one level per control an overlay depends on, and each
control's ``index`` is ``jslink``-ed to the ``selected_index`` of every stack at its level,
so the browser switches pictures by itself: an executed notebook stores this widget state,
its HTML page embeds it, and the controls keep working in a page with no kernel. With a
kernel and ``live``, a moved control also draws the shown setting again, picture and text
alternative, so a model trained or edited after the explorer was built is what the reader
sees and hears. :meth:`PrecomputedDisplay.manifest` gives the same pictures as plain data.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import replace
from typing import Any

import ipywidgets as widgets

from .manifest import Manifest
from .measure import encoded_size
from .panels import Panel, figure_panels
from .pictures import OverlayPictures, OverlayRenderer
from .scene import Scene
from .slim import SlimLink, SlimStack
from .stacks import build_tree, picture_html, picture_widget, stacked
from .static_html import explorer_html
from .view import update_view

__all__ = ["PrecomputedDisplay"]

# JSON of one picture's widget model besides its image and text alternative (measured: ~0.5 kB).
PICTURE_OVERHEAD = 600


class PrecomputedDisplay:
    """Show a view from pictures drawn for every setting of its controls.

    Parameters
    ----------
    scene : Scene
    live : bool
        With a kernel, draw the shown setting again when a control moves.
    max_frames : int
        Largest grid product accepted.

    Attributes
    ----------
    overlays : list of OverlayPictures
        Each overlay's stored pictures (one overlay for a view without ``overlays``).
    alt_texts : dict of tuple of int to str
        The text alternative of each grid point.
    leaves : list of dict of hashable to ipywidgets.Widget
        For each overlay, the widget showing each of its pictures, by key.
    images : dict of tuple of int to ipywidgets.Image
        The widget carrying each grid point's text alternative (the described overlay's).
    stacks : list of list of ipywidgets.Stack
        ``stacks[level]`` are the stacks switched by control ``level``.
    links : list
        The ``jslink`` of each control to each of its stacks.
    widgets : list of ipywidgets.Widget
        What the page shows below the controls: the overlays' stacks, stacked.
    """

    mode = "precomputed"

    def __init__(
        self,
        scene: Scene,
        *,
        live: bool,
        max_frames: int,
    ) -> None:
        if not hasattr(widgets, "Stack"):
            raise ValueError(
                f"Explorer: mode 'precomputed' needs ipywidgets 8 (Stack), but ipywidgets "
                f"{widgets.__version__} is installed; use mode='kernel'."
            )
        shape = scene.shape
        if math.prod(shape) > max_frames:
            raise ValueError(
                f"Explorer: the controls' grid has {' x '.join(map(str, shape))} = "
                f"{math.prod(shape)} points, more than max_frames={max_frames}. Use fewer "
                f"values per control (or fewer controls)."
            )
        # The "figure" output makes no picture widgets: nothing to draw again on a move.
        self.scene, self.redraws = scene, live and scene.output != "figure"
        self.deferred_bytes = 0
        self.panels: tuple[Panel, ...] = ()
        self.controls: Mapping[str, widgets.ValueWidget] = {}
        self.renderer = self._renderer()
        self.images: dict[tuple[int, ...], widgets.Widget] = {}
        self.stacks: list[list[widgets.Widget]] = [[] for _ in scene.names]
        self.links: list[widgets.Widget] = []
        self.widgets: list[widgets.Widget] = []
        self.leaves: list[dict[Hashable, widgets.Widget]] = []
        self._shown: list[dict[Hashable, Hashable]] = []

    def _renderer(self) -> OverlayRenderer:
        s = self.scene
        return OverlayRenderer(s.view, s.grid, title=s.title, colors=s.colors, fmt=s.image_format)

    @property
    def overlays(self) -> list[OverlayPictures]:
        """Each overlay's stored pictures, bottom first."""
        return self.renderer.overlays

    @property
    def alt_texts(self) -> dict[tuple[int, ...], str]:
        """The text alternative of each grid point."""
        return self.renderer.alt_texts

    # ------------------------------------------------------------------ building

    def build(self, controls: Mapping[str, widgets.ValueWidget]) -> None:
        """Draw every setting, checking the page's budget, and make the widgets.

        Parameters
        ----------
        controls : mapping of str to ipywidgets.ValueWidget
            The explorer's control widgets: the stacks follow their ``index`` in the
            browser, and the view is left at their setting.
        """
        self.controls = controls
        self._render_all(tuple(controls[name].index for name in self.scene.names))
        self.panels = figure_panels(self.scene.view.figure)
        self.widgets = [] if self._deferred() else [self._build_widgets()]

    def _deferred(self) -> bool:
        """Whether the pictures stay out of widgets (the static figure alone is shown)."""
        return self.scene.output == "figure"

    def _render_all(self, index: tuple[int, ...]) -> None:
        """Draw every overlay at every grid point, checking the budget as bytes add up."""
        s, renderer = self.scene, self.renderer
        shape, overlays = s.shape, renderer.overlays
        available = s.budget.available(s.title)
        renderer.clear()
        # Bytes so far per overlay, projected over each overlay's own settings.
        added = [0] * len(overlays)
        settings = [math.prod(shape[p] for p in o.positions) for o in overlays]
        for count, point in enumerate(itertools.product(*map(range, shape)), start=1):
            new = renderer.draw(point, check=renderer.sample_check(point))
            for k, pictures in enumerate(new):
                added[k] += sum(_page_bytes(picture, alt) for _, picture, alt in pictures)
            total = sum(added)
            projected = sum(
                n_bytes / len(o.digests) * n_settings
                for n_bytes, o, n_settings in zip(added, overlays, settings, strict=True)
            )
            if total > available or (count >= 4 and projected > 1.25 * available):
                s.budget.check(
                    s.title,
                    max(total, projected),
                    what=f"its {math.prod(shape)} frames at dpi {s.dpi:g} would take about",
                    fix="Lower dpi, use fewer grid values, or give the page a larger PageBudget.",
                )
        self.deferred_bytes = sum(added) if self._deferred() else 0
        update_view(s.view, s.values_at(index), s.title)

    def _build_widgets(self) -> widgets.Widget:
        s = self.scene
        layout = widgets.Layout(max_width="100%", height="auto")
        shared = widgets.Layout()  # one layout for every stack: each would add ~1 kB to the page
        styles: list[Any] = []  # one style for every decorative picture, made if one is

        def style() -> Any:
            from ipywidgets.widgets.widget_string import HTMLStyle  # ipywidgets 8, like Stack

            if not styles:
                styles.append(HTMLStyle())
            return styles[0]

        def stack(level: int, children: list[widgets.Widget]) -> widgets.Widget:
            index = self.controls[s.names[level]].index
            made = SlimStack(children, selected_index=index, layout=shared)
            self.stacks[level].append(made)
            return made

        def leaf(overlay: OverlayPictures, key: Hashable) -> widgets.Widget:
            decorative = None if overlay.described else style()
            return picture_widget(overlay, key, s.image_format, layout, decorative)

        self.leaves = [{} for _ in self.overlays]
        self._shown = [{key: key for key in o.pictures} for o in self.overlays]

        def maker(overlay: OverlayPictures) -> Callable[[Hashable], widgets.Widget]:
            return lambda key: leaf(overlay, key)

        trees = [
            build_tree(o, s.shape, stack, maker(o), leaves)
            for o, leaves in zip(self.overlays, self.leaves, strict=True)
        ]
        k = next(k for k, o in enumerate(self.overlays) if o.described)
        described, leaves = self.overlays[k], self.leaves[k]
        self.images = {
            point: leaves[described.key[point]] for point in itertools.product(*map(range, s.shape))
        }
        self.links = [
            SlimLink((self.controls[name], "index"), (stack, "selected_index"))
            for level, name in enumerate(s.names)
            for stack in self.stacks[level]
        ]
        return stacked(trees)

    # ------------------------------------------------------------------ use

    def saved(self) -> list[widgets.Widget]:
        """List the widgets the page saves besides those shown: the browser-side links.

        Returns
        -------
        list of ipywidgets.Widget
        """
        return list(self.links)

    def select(self, level: int, i: int) -> None:
        """Switch the stacks of control ``level`` to grid index ``i``, drawing nothing.

        Parameters
        ----------
        level : int
            The control's position, outermost first.
        i : int
            Its grid index.
        """
        for stack in self.stacks[level]:
            stack.selected_index = i

    def show(self, index: tuple[int, ...]) -> None:
        """Draw the setting ``index`` again; pictures that changed replace those shown.

        Parameters
        ----------
        index : tuple of int
        """
        changed = self.renderer.redraw(index, self._shown)
        for k, pictures in enumerate(changed):
            for key, picture, alt in pictures:
                leaf = self.leaves[k][key]
                if alt is not None:
                    leaf.value, leaf.tooltip = picture, alt
                else:
                    leaf.value = picture_html(picture, self.scene.image_format)

    def refresh(self, index: tuple[int, ...]) -> list[widgets.Widget]:
        """Draw every setting again from the view's current state (e.g. after more training).

        All or nothing: if drawing a setting raises (or the pictures exceed the page's
        budget), the pictures shown stay as they were, the view is updated for ``index``
        and the error propagates.

        Parameters
        ----------
        index : tuple of int
            The controls' setting.

        Returns
        -------
        list of ipywidgets.Widget
            The widgets replaced (their links are closed), for the caller to close, with
            every widget they hold, once the new ones are shown.
        """
        before = self.renderer
        self.renderer = self._renderer()
        try:
            self._render_all(index)
        except Exception:
            self.renderer = before
            with contextlib.suppress(Exception):  # the first error is the one to report
                update_view(self.scene.view, self.scene.values_at(index), self.scene.title)
            raise
        old, links = self.widgets, self.links
        self.panels = figure_panels(self.scene.view.figure)
        self.stacks = [[] for _ in self.scene.names]
        self.widgets = [] if self._deferred() else [self._build_widgets()]
        for link in links:
            link.close()
        return old

    def frame(self, index: tuple[int, ...]) -> bytes:
        """Give the stored picture of grid point ``index``, its overlays composed.

        Parameters
        ----------
        index : tuple of int

        Returns
        -------
        bytes
        """
        return self.renderer.composed(index)

    def check_overlays(self) -> None:
        """Draw every overlay at every grid point and check it against its stored picture.

        Raises
        ------
        ValueError
            Naming the overlay and two grid points where it differs although the controls
            it depends on are the same.
        """
        self.renderer.check_all()

    def manifest(self) -> Manifest:
        """Give the controls, the overlays and every stored picture as plain data.

        Returns
        -------
        Manifest
            Independent of ipywidgets: what a static page needs to show the explorer.
        """
        return replace(self.renderer.manifest(self.scene.infos()), panels=self.panels)

    def size_report(self, state_bytes: int) -> str:
        """Describe the pictures stored and the page weight they make, in one line.

        Parameters
        ----------
        state_bytes : int
            The explorer's widget state in the page.

        Returns
        -------
        str
            For example ``"125 precomputed frames, 1.20 MB of WEBP (...)"``.
        """
        s, overlays = self.scene, self.overlays
        n_pictures = sum(len(o.pictures) for o in overlays)
        picture_bytes = sum(len(p) for o in overlays for p in o.pictures.values())
        layered = (
            f" in {len(overlays)} overlays ({n_pictures} distinct pictures)"
            if len(overlays) > 1
            else ""
        )
        return (
            f"{math.prod(s.shape)} precomputed frames{layered}, {picture_bytes / 1e6:.2f} MB of "
            f"{s.image_format.upper()} ({state_bytes / 1e6:.2f} MB of widget state in "
            f"the page), dpi {s.dpi:g}"
        )

    def mimebundle(self, box: widgets.Widget, **kwargs: Any) -> Any:
        """Give the notebook the representations of the explorer's widget ``box``.

        Parameters
        ----------
        box : ipywidgets.Widget
            The explorer's widget: header, controls and this display's widgets.
        **kwargs
            Passed on to ``box._repr_mimebundle_``.

        Returns
        -------
        dict
            As the scene's ``output`` says: the widget view (and its plain-text fallback);
            the explorer as a static HTML figure
            (:func:`~nncore.widgets.static_html.explorer_html`, what a page without the
            widget library shows: the HTML book) with its title as plain text; or both.
        """
        if self.scene.output == "widget":  # a live notebook: no static figure to build
            return box._repr_mimebundle_(**kwargs)
        figure = explorer_html(
            self.manifest(), title=self.scene.title, instruction=self.scene.instruction
        )
        if self.scene.output == "figure":
            return {"text/plain": self.scene.title, "text/html": figure}
        bundle = box._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # (data, metadata)
            data, metadata = bundle
        else:
            data, metadata = bundle, None
        data = {**data, "text/html": figure}
        return data if metadata is None else (data, metadata)

    def close(self) -> None:
        """Close the pictures, stacks and links."""
        for widget in [*self.links, *self.images.values(), *itertools.chain(*self.stacks)]:
            widget.close()


def _page_bytes(picture: bytes, alt: str | None) -> int:
    """The bytes a picture adds to the page: base64 image, text alternative, widget model."""
    return encoded_size(len(picture)) + PICTURE_OVERHEAD + (0 if alt is None else len(alt))
