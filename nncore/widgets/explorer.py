"""``Explorer``: a view under controls, shown with or without a kernel.

How it works
------------
A *view* (:class:`~nncore.widgets.View`) is any object with a matplotlib ``figure``, an
``update(**values)`` method that recomputes through nncore and changes the figure's artists
in place, and a ``describe()`` method that says in one sentence what the figure now shows.
Whatever else the view computes (a model, training outcomes) stays on it, as
``explorer.view``.

The explorer checks the view and the controls, shows a header (title and what to try) and
the controls, and keeps their values. Below them a *display* shows the figure
(:mod:`nncore.widgets.display`): ``"precomputed"`` draws every setting ahead and lets the
browser switch the pictures with no kernel (a static HTML page; ipywidgets 8); ``"kernel"``
draws each setting through the kernel when a control moves (ipywidgets 7, Colab's front
end). Every picture comes from ``view.update(**values)`` and a draw of the figure, as a
small image, with ``view.describe()`` as its text alternative. Precomputed pictures count
against the page's budget of embedded widget state (:class:`~nncore.widgets.PageBudget`).
"""

from __future__ import annotations

import contextlib
import html
import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from .budget import PageBudget
from .controls import Choice, Slider, check_controls, control_values, grid_position, initial_index
from .controls import label_of as value_label
from .display import Display, display_class, explorer_output
from .images import FORMATS, agg_canvas
from .measure import reachable, state_size
from .pictures import OverlayPictures
from .scene import Scene
from .view import View, check_view

__all__ = ["Explorer"]

#: Names of earlier releases, kept for one release: what each became.
_RENAMED = {"layers": "overlays", "frame_bytes": "picture_bytes", "check_layers": "check_overlays"}


def _check_texts(title: Any, instruction: Any) -> None:
    for name, text in (("title", title), ("instruction", instruction)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(
                f"Explorer: {name} must be a non-empty string, got {text!r}. Every explorer "
                f"says what it shows and, in one line, what to try."
            )


def _check_number(name: str, value: Any, kind: type, what: str, rule: str) -> None:
    """Raise TypeError unless ``value`` is a ``kind`` (a bool is not), ValueError unless it is
    positive and finite; ``what`` and ``rule`` say what the value is and must be."""
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"Explorer: {name} must be {what}, got {value!r} ({type(value).__name__}).")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"Explorer: {name} must be {rule}, got {value!r}.")


def _check_options(
    dpi: Any, colors: Any, image_format: Any, max_frames: Any, live: Any, budget: Any
) -> None:
    per_inch = "(dots per inch of the frames, e.g. 80)"
    finite = f"a positive finite number {per_inch}"
    _check_number("dpi", dpi, numbers.Real, f"a number {per_inch}", finite)
    largest = "a positive int (the largest grid product accepted)"
    _check_number("max_frames", max_frames, numbers.Integral, largest, largest)
    if not isinstance(live, bool):
        raise TypeError(f"Explorer: live must be True or False, got {live!r}.")
    if colors is not None and not (isinstance(colors, int) and 2 <= colors <= 256):
        raise ValueError(f"Explorer: colors must be an int in 2..256 or None, got {colors!r}.")
    if image_format not in FORMATS:
        raise ValueError(f"Explorer: image_format must be one of {FORMATS}, got {image_format!r}.")
    if budget is not None and not isinstance(budget, PageBudget):
        raise TypeError(f"Explorer: budget must be a PageBudget, got {type(budget).__name__}.")


#: The classes of ipywidgets' one-line controls (label, then control): ipywidgets 8 gives
#: sliders and drop-downs these but not ToggleButtons, whose label then sits on a line of its
#: own, flush left; with them the buttons' label joins the right-aligned column of labels.
INLINE_CLASSES = ("widget-inline-hbox", "jupyter-widget-inline-hbox")


def _control_widget(name: str, control: Slider | Choice, label_width: str) -> widgets.Widget:
    """The widget of a control: a SelectionSlider, ToggleButtons or a Dropdown.

    Options are ``(label, index)`` pairs, so the widget's ``value`` is the grid index and
    ``update`` receives the grid value itself, with its type. Every control has its label
    as ``description``, in a column of one width (``label_width``), on the control's line.
    """
    label = control.label or name
    style = {"description_width": label_width}
    layout = widgets.Layout(width="min(100%, 600px)")
    options = [(value_label(control, v), i) for i, v in enumerate(control_values(control))]
    common = dict(options=options, index=initial_index(control), description=label, layout=layout)
    if isinstance(control, Slider):
        return widgets.SelectionSlider(**common, continuous_update=True, readout=True, style=style)
    if control.style == "dropdown":
        return widgets.Dropdown(**common, style=style)
    buttons = widgets.ToggleButtons(**common, style={**style, "button_width": "auto"})
    for css_class in INLINE_CLASSES:
        buttons.add_class(css_class)
    return buttons


def _header(title: str, instruction: str) -> widgets.HTML:
    return widgets.HTML(
        f'<div class="nncore-explorer-title" style="font-weight:600;font-size:1.05em">'
        f"{html.escape(title)}</div>"
        f'<div class="nncore-explorer-instruction"><em>Try this:</em> '
        f"{html.escape(instruction)}</div>"
    )


class Explorer:
    """A view driven by controls: precomputed for a static page, live with a kernel.

    Parameters
    ----------
    view : View
        Has ``figure`` (a matplotlib Figure), ``update(**values)`` (called with one keyword
        per control; recomputes through nncore, changes the figure in place and returns
        ``None``) and ``describe() -> str`` (one sentence on what the figure now shows, for
        screen readers; anything but a non-empty ``str`` is refused, naming the view).
        The explorer takes the figure over: it is removed from pyplot (so the notebook
        does not show it twice) and drawn at ``dpi``.
    controls : mapping of str to Slider, Choice or sequence
        Control name (the keyword ``update`` receives) to its grid, a 1-D sequence of
        hashable values (a 2-D array or a list of lists is refused). A sequence of numbers
        becomes a :class:`Slider`, any other sequence a :class:`Choice`; values keep their
        type. The first control is the outermost.
    title : str
        Shown above the controls; also names the explorer in its page's budget.
    instruction : str
        One line of what to try.
    dpi : float, default 80
        Resolution of the pictures: a positive finite number.
    colors : int or None, default 64
        Palette size of the pictures (2..256); ``None`` for full colour.
    image_format : {"webp", "png"}, default "webp"
        Encoding of the pictures: lossless WebP (a quarter to a third smaller than PNG for
        line art) or PNG.
    budget : PageBudget, optional
        The page's budget of embedded widget state, shared by the explorers of a page; by
        default one of the explorer's own, without a limit.
    max_frames : int, default 400
        Largest grid product a precomputed display accepts.
    live : bool, default True
        With a precomputed display and a kernel, draw the shown setting again when a control
        moves.
    mode : {"precomputed", "kernel"}, optional
        The display (``nncore.widgets.display``); by default ``"precomputed"`` with
        ipywidgets 8, else ``"kernel"``.

    Attributes
    ----------
    view : View
    figure : matplotlib.figure.Figure
    names : list of str
        Control names, outermost first.
    grid : dict of str to list
        The values of each control.
    controls : dict of str to ipywidgets widget
    display : PrecomputedDisplay or KernelDisplay
        What shows the figure below the controls.
    overlays : list of OverlayPictures
        Each overlay's stored pictures, bottom first (none with the kernel display).
    widget : ipywidgets.VBox
        What the notebook displays.
    state_bytes : int
        The explorer's widget state in the page, as charged to ``budget``.

    Examples
    --------
    A view and an explorer in a few lines::

        class Line:
            def __init__(self):
                self.figure = matplotlib.figure.Figure(figsize=(3, 2))
                ax = self.figure.add_subplot()
                (self.line,) = ax.plot([0, 1], [0, 0])
                ax.set_ylim(-2, 2)

            def update(self, slope):
                self.line.set_ydata([0, slope])

            def describe(self):
                slope = self.line.get_ydata()[1]
                return f"A line of slope {slope}."

        Explorer(Line(), {"slope": [-1, 0, 1]}, title="A line", instruction="Tilt it.")
    """

    def __init__(
        self,
        view: View,
        controls: Mapping[str, Slider | Choice | Sequence[Any]],
        *,
        title: str,
        instruction: str,
        dpi: float = 80,
        colors: int | None = 64,
        image_format: str = "webp",
        budget: PageBudget | None = None,
        max_frames: int = 400,
        live: bool = True,
        mode: str | None = None,
    ) -> None:
        check_view(view)
        _check_texts(title, instruction)
        _check_options(dpi, colors, image_format, max_frames, live, budget)
        specs = check_controls(controls)
        shows = display_class(mode)
        self.view, self.title, self.instruction, self.live = view, title, instruction, live
        self.budget = PageBudget() if budget is None else budget
        self.figure, self.dpi = view.figure, float(dpi)
        self.scene = Scene(
            view,
            title,
            specs,
            self.dpi,
            colors,
            image_format,
            self.budget,
            instruction,
            explorer_output(),
        )
        self.names, self.grid, self.shape = self.scene.names, self.scene.grid, self.scene.shape
        self.display: Display = shows(self.scene, live=live, max_frames=max_frames)
        self._adopt_figure()
        self.mode = self.display.mode
        self.overlays: list[OverlayPictures] = self.display.overlays
        self._quiet = False  # True while controls move without drawing (see _move)
        longest = max(len(spec.label or name) for name, spec in specs.items())
        width = f"{min(0.55 * longest + 1.0, 20.0):.1f}em"  # one width: the controls align
        self.controls = {name: _control_widget(name, spec, width) for name, spec in specs.items()}
        try:
            self.display.build(self.controls)
            self.widget = widgets.VBox(
                [_header(title, instruction), *self.controls.values(), *self.display.widgets],
                layout=widgets.Layout(max_width="100%"),
            )
            self.widget.add_class("nncore-explorer")
            self._charge()
        except Exception:
            self.close()
            raise
        if self.display.redraws:
            for control in self.controls.values():
                control.observe(self._on_change, names="index")

    def _adopt_figure(self) -> None:
        import matplotlib.pyplot as plt

        plt.close(self.figure)
        agg_canvas(self.figure)
        self.figure.set_dpi(self.dpi)

    def _charge(self) -> None:
        """Measure the widget state the page embeds and charge it to the budget."""
        saved = state_size(reachable([self.widget, *self.display.saved()]))
        self.state_bytes = saved + self.display.deferred_bytes
        self.budget.charge(self.title, self.state_bytes)

    # ------------------------------------------------------------------ what it shows

    @property
    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: self.grid[name][self.controls[name].index] for name in self.names}

    @property
    def index(self) -> tuple[int, ...]:
        """The controls' current grid indices, outermost first."""
        return tuple(self.controls[name].index for name in self.names)

    @property
    def alt_texts(self) -> dict[tuple[int, ...], str]:
        """The text alternative of each precomputed grid point."""
        return self.display.alt_texts

    @property
    def n_frames(self) -> int:
        """Number of grid points with a precomputed picture (0 with the kernel display)."""
        return len(self.display.alt_texts)

    @property
    def n_pictures(self) -> int:
        """Number of distinct pictures stored, over all overlays."""
        return sum(len(o.pictures) for o in self.overlays)

    @property
    def picture_bytes(self) -> int:
        """Total size in bytes of the stored pictures, as images."""
        return sum(len(p) for o in self.overlays for p in o.pictures.values())

    @property
    def frames(self) -> dict[tuple[int, ...], bytes]:
        """The whole picture of each precomputed grid point, its overlays composed."""
        return {index: self.display.frame(index) for index in self.alt_texts}

    def size_report(self) -> str:
        """Describe the pictures and the page weight in one line, to print.

        Returns
        -------
        str
            For example ``"125 precomputed frames, 1.20 MB of ..."``, or the dpi of a
            kernel display.
        """
        return self.display.size_report(self.state_bytes)

    def render(self, **values: Any) -> tuple[bytes, str]:
        """Draw the view for ``values``: the image and its text alternative.

        The figure drawn whole (:meth:`frame` gives a precomputed picture). Values need not
        lie on the grid: with a kernel this draws any setting.

        Parameters
        ----------
        **values
            One keyword per control.

        Returns
        -------
        image : bytes
            The figure, encoded as ``image_format``.
        alt : str
            ``view.describe()`` after the update: what the image shows.
        """
        missing = [n for n in self.names if n not in values]
        unknown = [n for n in values if n not in self.names]
        if missing or unknown:
            raise TypeError(
                f"Explorer.render: expected exactly the controls {self.names}, got "
                f"{sorted(values)} (missing {missing}, unknown {unknown})."
            )
        return self.scene.render(values)

    def frame(self, **values: Any) -> bytes:
        """Give the precomputed picture of a grid point, its overlays composed.

        Parameters
        ----------
        **values
            One keyword per control, each a value of its grid.

        Returns
        -------
        bytes
        """
        missing = [n for n in self.names if n not in values]
        if missing:
            raise TypeError(f"Explorer.frame: missing the value of control(s) {missing}.")
        return self.display.frame(self._grid_index(values, "Explorer.frame"))

    def _grid_index(self, values: Mapping[str, Any], where: str) -> tuple[int, ...]:
        index = []
        for name, value in values.items():
            if name not in self.grid:
                raise TypeError(f"{where}: no control named {name!r}; controls are {self.names}.")
            position = grid_position(self.grid[name], value)
            if position is None:
                raise ValueError(
                    f"{where}: {value!r} is not on the grid of {name!r}, {self.grid[name]!r}; "
                    f"render(**values) draws values off the grid."
                )
            index.append(position)
        return tuple(index)

    # ------------------------------------------------------------------ moving

    def set(self, **values: Any) -> None:
        """Move controls to grid values, as a reader would (a live explorer draws again).

        All or nothing: when the view's ``update`` or ``describe`` raises while the new
        setting is drawn, the controls move back, the view is updated for the setting shown
        before, and the error propagates.

        Parameters
        ----------
        **values
            Control name to a value on its grid.
        """
        index = self._grid_index(values, "Explorer.set")
        before = dict(zip(self.names, self.index, strict=True))
        self._move(dict(zip(values, index, strict=True)))
        self._draw_or_go_back(before)

    def _move(self, index: Mapping[str, int]) -> None:
        """Move controls (and what follows them) to grid indices without drawing."""
        quiet, self._quiet = self._quiet, True
        try:
            for name, i in index.items():
                self.controls[name].index = i
                self.display.select(self.names.index(name), i)
        finally:
            self._quiet = quiet

    def _draw_or_go_back(self, before: Mapping[str, int]) -> None:
        """Draw the controls' setting if the display draws on moves; if that raises, move
        the controls back to ``before``, update the view for it, and raise."""
        if not self.display.redraws:
            return
        try:
            self.display.show(self.index)
        except Exception:
            self._move(before)
            with contextlib.suppress(Exception):  # the first error is the one to report
                self.view.update(**self.values)
            raise

    def _on_change(self, change: Mapping[str, Any]) -> None:
        """A control moved (in the page or from Python): draw its setting, or move it back."""
        if self._quiet:
            return
        before = dict(zip(self.names, self.index, strict=True))
        moved = [name for name, c in self.controls.items() if c is change["owner"]]
        before[moved[0]] = change["old"]
        self._draw_or_go_back(before)

    def refresh(self) -> None:
        """Draw everything again from the view's current state (e.g. after more training).

        All or nothing: if drawing a setting raises (or the pictures exceed the page's
        budget), what is shown stays as it was and the error propagates.
        """
        try:
            old = self.display.refresh(self.index)
        except Exception:
            with contextlib.suppress(Exception):  # the first error is the one to report
                self.view.update(**self.values)
            raise
        self.overlays = self.display.overlays
        header = self.widget.children[0]
        self.widget.children = (header, *self.controls.values(), *self.display.widgets)
        for widget in reachable(old):
            widget.close()
        self._charge()

    def check_overlays(self) -> None:
        """Draw every overlay at every grid point and check it against its stored picture.

        Raises
        ------
        ValueError
            Naming the overlay and two grid points where it differs although the controls
            it depends on are the same (or for a display that stores no pictures).
        """
        current = self.values
        try:
            self.display.check_overlays()
        finally:
            self.view.update(**current)

    def close(self) -> None:
        """Close the explorer's widgets and return its bytes to the page budget."""
        shown = [getattr(self, "widget", None), self.display.saved(), list(self.controls.values())]
        for widget in reachable(shown):
            widget.close()
        self.display.close()  # what it made before failing to build, if it failed
        self.budget.release(self.title)

    # ------------------------------------------------------------------ names of before

    def __getattr__(self, name: str) -> Any:
        """Give a name of an earlier release, with a ``DeprecationWarning``."""
        if name not in _RENAMED or "display" not in vars(self):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        warnings.warn(
            f"Explorer.{name} is deprecated: use Explorer.{_RENAMED[name]} (the old name goes "
            f"in the next release).",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(self, _RENAMED[name])

    # ------------------------------------------------------------------ display

    if hasattr(widgets.Widget, "_repr_mimebundle_"):

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            return self.display.mimebundle(self.widget, **kwargs)

    if not hasattr(widgets.Widget, "_repr_mimebundle_"):  # ipywidgets 7 displays through this

        def _ipython_display_(self, **kwargs: Any) -> None:
            self.widget._ipython_display_(**kwargs)

    def __repr__(self) -> str:
        grid = ", ".join(f"{n}[{len(v)}]" for n, v in self.grid.items())
        return f"Explorer({self.title!r}, controls: {grid}; {self.size_report()})"
