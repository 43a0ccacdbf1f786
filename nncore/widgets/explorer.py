"""``Explorer``: a view under controls that responds with or without a kernel.

How it works
------------
A *view* is any object with a matplotlib ``figure``, an ``update(**values)`` method that
recomputes through nncore and changes the figure's artists in place, and a ``describe()``
method that says in one sentence what the figure now shows. Whatever else the view computes
(a model, training outcomes) stays on it, as ``explorer.view``.

Every picture the explorer shows comes from ``view.update(**values)`` followed by a draw of
the figure, as a small image, with ``view.describe()`` as its text alternative:
:meth:`Explorer.render` draws the whole figure, and the precomputed frames draw it layer by
layer (a view without layers is one layer). Two modes:

``"frames"`` (ipywidgets 8, the HTML book)
    When built, the explorer renders every point of the controls' grid. The images go into
    ``ipywidgets.Image`` widgets inside nested ``ipywidgets.Stack`` widgets, one level per
    control, and each control's ``index`` is ``jslink``-ed to the ``selected_index`` of
    every stack at its level, so the browser switches images by itself: an executed
    notebook stores this widget state, the HTML book embeds it, and the controls keep
    working in a page with no kernel. With a kernel, a moved control also renders the
    shown frame again, image and text alternative, so a model trained or edited after the
    explorer was built is what the reader sees and hears.
    A view may split its figure into layers (``view.layers``, a list of
    :class:`~nncore.widgets.Layer`): each layer is drawn once per setting of the controls it
    depends on, pictures that come out identical are stored once, and the page stacks the
    layers' images in one cell of a CSS grid, so the browser shows the whole figure. The
    axes, labels and points that one slider moves then cost one picture, not one per grid
    point (``nncore.widgets.layers``).
``"kernel"`` (ipywidgets 7, e.g. Colab's front end, which has no ``Stack``)
    Nothing is precomputed: the controls sit above one ``Image``, and each move renders
    it again through the kernel, with the text alternative written below it.

The default is ``"frames"`` where the running ipywidgets has ``Stack`` and ``"kernel"``
elsewhere. Precomputed frames count against a per-page budget of embedded widget state
(:class:`~nncore.widgets.PageBudget`), checked while they are rendered.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import math
import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from .budget import PageBudget, page_budget, reachable, state_size
from .controls import (
    Choice,
    Slider,
    _position,
    as_control,
    control_values,
    initial_index,
    make_widget,
)
from .drawn import LayerDrawer, text_alternative
from .frames import FORMATS, SlimLink, SlimStack, figure_image
from .stacks import LayerFrames, build_tree, leaf, stacked

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    pass

__all__ = ["Explorer", "MODES", "default_mode"]

#: How an explorer can show its frames (see the module docstring).
MODES = ("frames", "kernel")


def default_mode() -> str:
    """Choose how explorers show their frames with the installed ipywidgets.

    Returns
    -------
    str
        ``"frames"`` where ipywidgets has ``Stack`` (version 8), ``"kernel"`` elsewhere (7).
    """
    return "frames" if hasattr(widgets, "Stack") else "kernel"


def _check_view(view: Any) -> None:
    from matplotlib.figure import Figure

    missing = [name for name in ("update", "describe") if not callable(getattr(view, name, None))]
    if missing or not isinstance(getattr(view, "figure", None), Figure):
        lacks = missing + ([] if isinstance(getattr(view, "figure", None), Figure) else ["figure"])
        raise TypeError(
            f"Explorer: the view must have a matplotlib `figure`, an `update(**values)` method "
            f"that redraws it and a `describe()` method that says what it shows; "
            f"{type(view).__name__} lacks {', '.join(lacks)}."
        )


class Explorer:
    """A view driven by controls: precomputed for the static book, live with a kernel.

    Parameters
    ----------
    view : object
        Has ``figure`` (a matplotlib Figure), ``update(**values)`` (called with one keyword
        per control; recomputes through nncore and changes the figure in place) and
        ``describe() -> str`` (one sentence on what the figure shows, for screen readers;
        anything but a non-empty ``str`` is refused, naming the view).
        The explorer takes the figure over: it is removed from pyplot (so the notebook
        does not show it twice) and drawn at ``dpi``.
    controls : mapping of str to Slider, Choice or sequence
        Control name (the keyword ``update`` receives) to its grid, a 1-D sequence of
        hashable values (a 2-D array or a list of lists is refused). A sequence of numbers
        becomes a :class:`Slider`, any other sequence a :class:`Choice`; values keep their
        type. The first control is the outermost stack.
    title : str
        Shown above the controls; also names the explorer in its page's budget.
    instruction : str
        One line of what to try.
    dpi : float, default 80
        Resolution of the frames: a positive finite number.
    colors : int or None, default 64
        Palette size of the frames (2..256); ``None`` for full colour.
    image_format : {"webp", "png"}, default "webp"
        Encoding of the frames: lossless WebP (a quarter to a third smaller than PNG for
        line art) or PNG.
    budget : PageBudget, optional
        The page's budget of embedded widget state; the module's ``page_budget`` by default.
    max_frames : int, default 400
        Largest grid product accepted.
    live : bool, default True
        In ``"frames"`` mode with a kernel, render the shown frame again when a control moves.
    mode : {"frames", "kernel"}, optional
        See the module docstring; by default ``"frames"`` with ipywidgets 8, else ``"kernel"``.

    Attributes
    ----------
    view : object
    figure : matplotlib.figure.Figure
    names : list of str
        Control names, outermost first.
    grid : dict of str to list
        The values of each control.
    controls : dict of str to ipywidgets widget
    frames, alt_texts : dict of tuple of int to bytes / str
        Image (its layers composed) and text alternative of each precomputed grid point
        (``"frames"`` mode).
    layers : list of LayerFrames
        Each layer's stored pictures (``"frames"`` mode; one layer for a view without
        ``layers``).
    images : dict of tuple of int to ipywidgets.Image
        The widget carrying each frame's text alternative (the described layer's picture);
        in ``"kernel"`` mode one image, under key ``()``.
    stacks : list of list of ipywidgets.Stack
        ``stacks[level]`` are the stacks switched by control ``names[level]``.
    links : list
        The ``jslink`` of each control to each of its stacks.
    widget : ipywidgets.VBox
        What the notebook displays.

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
                self.slope = slope
                self.line.set_ydata([0, slope])

            def describe(self):
                return f"A line of slope {self.slope}."

        Explorer(Line(), {"slope": [-1, 0, 1]}, title="A line", instruction="Tilt it.")
    """

    def __init__(
        self,
        view: Any,
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
        _check_view(view)
        for name, text in (("title", title), ("instruction", instruction)):
            if not isinstance(text, str) or not text.strip():
                raise ValueError(
                    f"Explorer: {name} must be a non-empty string, got {text!r}. Every explorer "
                    f"says what it shows and, in one line, what to try."
                )
        if not isinstance(controls, Mapping) or not controls:
            raise ValueError(
                f"Explorer: controls must be a non-empty mapping of name to values, got "
                f"{controls!r}; for example {{'w': [-1, 0, 1]}}."
            )
        for name in controls:
            if not isinstance(name, str) or not name.isidentifier():
                raise ValueError(
                    f"Explorer: control names are passed to update as keywords, so they must be "
                    f"Python identifiers; got {name!r}."
                )
        if isinstance(dpi, bool) or not isinstance(dpi, numbers.Real):
            raise TypeError(
                f"Explorer: dpi must be a number (dots per inch of the frames, e.g. 80), got "
                f"{dpi!r} ({type(dpi).__name__})."
            )
        if not (math.isfinite(dpi) and dpi > 0):
            raise ValueError(
                f"Explorer: dpi must be a positive finite number (dots per inch of the frames, "
                f"e.g. 80), got {dpi!r}."
            )
        if isinstance(max_frames, bool) or not isinstance(max_frames, numbers.Integral):
            raise TypeError(
                f"Explorer: max_frames must be a positive int (the largest grid product "
                f"accepted), got {max_frames!r} ({type(max_frames).__name__})."
            )
        if max_frames < 1:
            raise ValueError(
                f"Explorer: max_frames must be a positive int (the largest grid product "
                f"accepted), got {max_frames!r}."
            )
        if not isinstance(live, bool):
            raise TypeError(f"Explorer: live must be True or False, got {live!r}.")
        if colors is not None and not (isinstance(colors, int) and 2 <= colors <= 256):
            raise ValueError(f"Explorer: colors must be an int in 2..256 or None, got {colors!r}.")
        if image_format not in FORMATS:
            raise ValueError(
                f"Explorer: image_format must be one of {FORMATS}, got {image_format!r}."
            )
        mode = default_mode() if mode is None else mode
        if mode not in MODES:
            raise ValueError(f"Explorer: mode must be one of {MODES}, got {mode!r}.")
        if mode == "frames" and not hasattr(widgets, "Stack"):
            raise ValueError(
                f"Explorer: mode 'frames' needs ipywidgets 8 (Stack), but ipywidgets "
                f"{widgets.__version__} is installed; use mode='kernel'."
            )
        if budget is not None and not isinstance(budget, PageBudget):
            raise TypeError(f"Explorer: budget must be a PageBudget, got {type(budget).__name__}.")

        self.view = view
        self.title = title
        self.instruction = instruction
        self.colors = colors
        self.image_format = image_format
        self.budget = page_budget if budget is None else budget
        self.live = live
        self.mode = mode
        self._quiet = False  # True while controls move without drawing (see _move)
        self._specs = {name: as_control(name, spec) for name, spec in controls.items()}
        self.names = list(self._specs)
        self.grid = {name: control_values(spec) for name, spec in self._specs.items()}
        self.shape = tuple(len(v) for v in self.grid.values())
        n_frames = math.prod(self.shape)
        if mode == "frames" and n_frames > max_frames:
            raise ValueError(
                f"Explorer: the controls' grid has {' x '.join(map(str, self.shape))} = "
                f"{n_frames} points, more than max_frames={max_frames}. Use fewer values per "
                f"control (or fewer controls)."
            )
        self.figure = view.figure
        self._adopt_figure(dpi)
        longest = max(len(spec.label or name) for name, spec in self._specs.items())
        label_width = f"{min(0.55 * longest + 1.0, 20.0):.1f}em"  # one width: controls align
        self.alt_texts: dict[tuple[int, ...], str] = {}
        self.images: dict[tuple[int, ...], widgets.Image] = {}
        self.layers: list[LayerFrames] = []
        self.stacks: list[list[widgets.Widget]] = [[] for _ in self.names]
        self.links: list[widgets.Widget] = []
        self.caption: widgets.HTML | None = None
        if mode == "frames":
            self._drawer = LayerDrawer(
                view, self.grid, title=title, colors=colors, fmt=image_format
            )
            self.layers, self.alt_texts = self._drawer.layers, self._drawer.alt_texts
            self._render_all()
        self.controls = {
            name: make_widget(name, spec, label_width) for name, spec in self._specs.items()
        }
        header = widgets.HTML(
            f'<div class="nncore-explorer-title" style="font-weight:600;font-size:1.05em">'
            f"{html.escape(title)}</div>"
            f'<div class="nncore-explorer-instruction"><em>Try this:</em> '
            f"{html.escape(instruction)}</div>"
        )
        try:
            shown = self._build_frames() if mode == "frames" else self._build_kernel()
            self.widget = widgets.VBox(
                [header, *self.controls.values(), *shown], layout=widgets.Layout(max_width="100%")
            )
            self.widget.add_class("nncore-explorer")
            self.state_bytes = state_size(self._widgets())
            self.budget.charge(title, self.state_bytes)
        except Exception:
            self.close()
            raise
        if mode == "kernel" or self.live:
            for control in self.controls.values():
                control.observe(self._on_change, names="index")

    # ------------------------------------------------------------------ building

    def _adopt_figure(self, dpi: float) -> None:
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        plt.close(self.figure)
        if not isinstance(self.figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self.figure)
        self.figure.set_dpi(dpi)
        self.dpi = float(dpi)

    def _render_all(self) -> None:
        """Render every layer at every grid point, checking the page budget as bytes add up."""
        n_frames = math.prod(self.shape)
        available = self.budget.available(self.title)
        self._drawer.clear()
        # Bytes so far per layer, projected over each layer's own settings.
        added = [0] * len(self.layers)
        settings = [math.prod(self.shape[p] for p in layer.positions) for layer in self.layers]
        for count, index in enumerate(itertools.product(*map(range, self.shape)), start=1):
            new = self._drawer.draw(index, check=self._drawer.sample_check(index))
            added = [a + n for a, n in zip(added, new, strict=True)]
            total = sum(added)
            projected = sum(
                n_bytes / len(layer.digests) * n_settings
                for n_bytes, layer, n_settings in zip(added, self.layers, settings, strict=True)
            )
            if total > available or (count >= 4 and projected > 1.25 * available):
                self.budget.check(
                    self.title,
                    max(total, projected),
                    what=f"its {n_frames} frames at dpi {self.dpi:g} would take about",
                    fix="Lower dpi, use fewer grid values, or give the page a larger PageBudget.",
                )
        if hasattr(self, "controls"):  # drawn again: the view shows the controls' setting
            self.view.update(**self.values)
        else:
            self.view.update(
                **{name: self.grid[name][initial_index(spec)] for name, spec in self._specs.items()}
            )

    def check_layers(self) -> None:
        """Draw every layer at every grid point and check it against the stored picture.

        Raises
        ------
        ValueError
            Naming the layer and two grid points where it differs although the controls it
            depends on are the same.
        """
        if self.mode != "frames":
            raise ValueError("Explorer.check_layers: a 'kernel' mode explorer has no layers.")
        current = self.values
        try:
            self._drawer.check_all()
        finally:
            self.view.update(**current)

    def _build_frames(self) -> list[widgets.Widget]:
        layout = widgets.Layout(max_width="100%", height="auto")
        shared = widgets.Layout()  # one layout for every stack: each would add ~1 kB to the page
        styles: list[Any] = []  # one style for every decorative picture, made if one is

        def style() -> Any:
            from ipywidgets.widgets.widget_string import HTMLStyle  # ipywidgets 8, like Stack

            if not styles:
                styles.append(HTMLStyle())
            return styles[0]

        def stack(level: int, children: list[widgets.Widget]) -> widgets.Widget:
            name = self.names[level]
            made = SlimStack(children, selected_index=self.controls[name].index, layout=shared)
            self.stacks[level].append(made)
            return made

        trees = []
        for layer in self.layers:
            trees.append(
                build_tree(
                    layer,
                    self.shape,
                    stack,
                    lambda key, layer=layer: leaf(
                        layer, key, self.image_format, layout, None if layer.described else style()
                    ),
                )
            )
        described = self._drawer.described
        self.images = {
            index: described.leaves[described.key[index]]
            for index in itertools.product(*map(range, self.shape))
        }
        self.links = [
            SlimLink((self.controls[name], "index"), (stack, "selected_index"))
            for level, name in enumerate(self.names)
            for stack in self.stacks[level]
        ]
        return [stacked(trees)]

    def _build_kernel(self) -> list[widgets.Widget]:
        image, alt = self.render(**self.values)
        shown = widgets.Image(
            value=image,
            format=self.image_format,
            layout=widgets.Layout(max_width="100%", height="auto"),
        )
        self.images[()] = shown
        self.caption = widgets.HTML(self._caption(alt))
        return [shown, self.caption]

    @staticmethod
    def _caption(alt: str) -> str:
        return (
            f'<div class="nncore-explorer-alt" role="status" aria-live="polite" '
            f'style="font-size:0.85em;color:#555">{html.escape(alt)}</div>'
        )

    def _widgets(self) -> list[widgets.Widget]:
        return reachable([self.widget, *self.links])

    # ------------------------------------------------------------------ use

    @property
    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: self.grid[name][self.controls[name].index] for name in self.names}

    @property
    def index(self) -> tuple[int, ...]:
        """The controls' current grid indices, outermost first."""
        return tuple(self.controls[name].index for name in self.names)

    @property
    def n_frames(self) -> int:
        """Number of grid points with a precomputed frame (0 in ``"kernel"`` mode)."""
        return math.prod(self.shape) if self.layers else 0

    @property
    def n_pictures(self) -> int:
        """Number of distinct pictures stored, over all layers (0 in ``"kernel"`` mode)."""
        return sum(len(layer.pictures) for layer in self.layers)

    @property
    def frame_bytes(self) -> int:
        """Total size in bytes of the stored pictures, as images."""
        return sum(len(p) for layer in self.layers for p in layer.pictures.values())

    @property
    def frames(self) -> dict[tuple[int, ...], bytes]:
        """The whole picture of each grid point, its layers composed (``"frames"`` mode)."""
        return {index: self._drawer.composed(index) for index in self.alt_texts}

    def size_report(self) -> str:
        """Describe the frame count and sizes in one line, for a chapter to print.

        Returns
        -------
        str
            For example ``"125 precomputed frames, 1.20 MB of ..."``, or the dpi in
            kernel mode.
        """
        if self.mode == "kernel":
            return f"drawn through the kernel at dpi {self.dpi:g} (no precomputed frames)"
        layered = (
            f" in {len(self.layers)} layers ({self.n_pictures} distinct pictures)"
            if len(self.layers) > 1
            else ""
        )
        return (
            f"{self.n_frames} precomputed frames{layered}, {self.frame_bytes / 1e6:.2f} MB of "
            f"{self.image_format.upper()} ({self.state_bytes / 1e6:.2f} MB of widget state in "
            f"the page), dpi {self.dpi:g}"
        )

    def render(self, **values: Any) -> tuple[bytes, str]:
        """Draw the view for ``values``: the image and its text alternative.

        The figure drawn whole (the ``"kernel"`` mode's picture; :meth:`frame` gives a
        precomputed one). Values need not lie on the grid: with a kernel this draws any
        setting.

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
        self.view.update(**values)
        image = figure_image(self.figure, colors=self.colors, fmt=self.image_format)
        return image, text_alternative(self.view, self.title)

    def _grid_index(self, values: Mapping[str, Any], where: str) -> tuple[int, ...]:
        index = []
        for name, value in values.items():
            if name not in self._specs:
                raise TypeError(f"{where}: no control named {name!r}; controls are {self.names}.")
            position = _position(self.grid[name], value)
            if position is None:
                raise ValueError(
                    f"{where}: {value!r} is not on the grid of {name!r}, {self.grid[name]!r}; "
                    f"render(**values) draws values off the grid."
                )
            index.append(position)
        return tuple(index)

    def frame(self, **values: Any) -> bytes:
        """The precomputed image of a grid point.

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
        self._grid_index({n: v for n, v in values.items() if n not in self.names}, "Explorer.frame")
        if self.mode != "frames":
            raise ValueError("Explorer.frame: a 'kernel' mode explorer precomputes no frames.")
        index = self._grid_index({n: values[n] for n in self.names}, "Explorer.frame")
        return self._drawer.composed(index)

    def set(self, **values: Any) -> None:
        """Move controls to grid values, as a reader would (a live explorer renders again).

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
        """Move controls (and their stacks) to grid indices without drawing."""
        quiet, self._quiet = self._quiet, True
        try:
            for name, i in index.items():
                self.controls[name].index = i
                for stack in self.stacks[self.names.index(name)]:
                    stack.selected_index = i
        finally:
            self._quiet = quiet

    def _draw_or_go_back(self, before: Mapping[str, int]) -> None:
        """Draw the controls' setting (kernel mode, or live); if that raises, move the
        controls back to ``before``, update the view for it, and raise."""
        if self.mode == "frames" and not self.live:
            return
        try:
            if self.mode == "kernel":
                image, alt = self.render(**self.values)
                self.images[()].value = image
                self.caption.value = self._caption(alt)
            else:
                self._drawer.redraw(self.index)  # pictures that changed replace those shown
        except Exception:
            self._move(before)
            with contextlib.suppress(Exception):  # the first error is the one to report
                self.view.update(**self.values)
            raise

    def refresh(self) -> None:
        """Render every frame again from the view's current state (e.g. after more training).

        All or nothing: if drawing a frame raises (or the frames exceed the page budget),
        the frames shown stay as they were and the error propagates.
        """
        if self.mode == "kernel":
            self._draw_or_go_back(dict(zip(self.names, self.index, strict=True)))
            return
        drawer = self._drawer
        self._drawer = LayerDrawer(
            self.view, self.grid, title=self.title, colors=self.colors, fmt=self.image_format
        )
        self.layers, self.alt_texts = self._drawer.layers, self._drawer.alt_texts
        try:
            self._render_all()
        except Exception:
            self._drawer = drawer
            self.layers, self.alt_texts = drawer.layers, drawer.alt_texts
            with contextlib.suppress(Exception):
                self.view.update(**self.values)
            raise
        old, links = self.widget.children[-1], self.links
        self.stacks = [[] for _ in self.names]
        self.widget.children = (*self.widget.children[:-1], *self._build_frames())
        for link in links:
            link.close()
        for widget in reachable([old]):
            widget.close()
        self.state_bytes = state_size(self._widgets())
        self.budget.charge(self.title, self.state_bytes)

    def close(self) -> None:
        """Close the explorer's widgets and return its bytes to the page budget."""
        for widget in reachable(
            [
                getattr(self, "widget", None),
                self.links,
                list(self.images.values()),
                self.stacks,
                list(getattr(self, "controls", {}).values()),
            ]
        ):
            widget.close()
        self.budget.release(self.title)

    def _on_change(self, change: Mapping[str, Any]) -> None:
        """A control moved (in the page or from Python): draw its setting, or move it back."""
        if self._quiet:
            return
        before = dict(zip(self.names, self.index, strict=True))
        moved = [name for name, c in self.controls.items() if c is change["owner"]]
        before[moved[0]] = change["old"]
        self._draw_or_go_back(before)

    if hasattr(widgets.Widget, "_repr_mimebundle_"):

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            return self.widget._repr_mimebundle_(**kwargs)

    if not hasattr(widgets.Widget, "_repr_mimebundle_"):  # ipywidgets 7 displays through this

        def _ipython_display_(self, **kwargs: Any) -> None:
            self.widget._ipython_display_(**kwargs)

    def __repr__(self) -> str:
        grid = ", ".join(f"{n}[{len(v)}]" for n, v in self.grid.items())
        return f"Explorer({self.title!r}, controls: {grid}; {self.size_report()})"
