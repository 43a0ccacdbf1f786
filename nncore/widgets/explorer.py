"""``Explorer``: a figure with controls that responds with or without a kernel.

How it works
------------
An explorer owns one matplotlib figure and an ``update(**values)`` function
that recomputes through nncore and changes the figure's artists in place.
When it is built, it calls ``update`` for every point of the controls' grid
and snapshots the canvas to a small PNG (palette-quantised with Pillow). The
PNGs go into ``ipywidgets.Image`` widgets inside nested ``ipywidgets.Stack``
widgets: the first control picks a child of the outer stack, the second a
child of each inner stack, and so on. Each control's ``index`` is
``jslink``-ed to the ``selected_index`` of every stack at its level, so the
browser switches images by itself. An executed notebook stores this widget
state, the HTML book embeds it, and the sliders keep working in a page with
no kernel behind it.

With a kernel, the explorer also observes its controls: each move calls the
same ``update`` again and replaces the shown frame, so a model trained or
edited after the explorer was built is what the reader sees.
"""

from __future__ import annotations

import html
import io
import itertools
import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import ipywidgets as widgets
import numpy as np
import traitlets

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.figure import Figure

__all__ = ["Slider", "Choice", "Explorer", "DEFAULT_MAX_BYTES", "png_bytes", "widget_state_bytes"]

#: Budget of precomputed PNG bytes for one page (base64 in the page adds a third).
DEFAULT_MAX_BYTES = 3_000_000


@dataclass(frozen=True)
class Slider:
    """A numeric control: a slider over a fixed grid of values.

    Parameters
    ----------
    values : sequence of float
        The grid, in slider order; one frame is rendered per value.
    label : str, optional
        Text before the slider; the control's name by default.
    initial : float, optional
        Starting value (must be in ``values``); the middle value by default.
    fmt : str, default "{:.3g}"
        How the slider writes its value.
    """

    values: Sequence[float]
    label: str | None = None
    initial: float | None = None
    fmt: str = "{:.3g}"


@dataclass(frozen=True)
class Choice:
    """A categorical control: toggle buttons or a drop-down menu.

    Parameters
    ----------
    options : sequence
        The values passed to ``update``, in display order.
    labels : sequence of str, optional
        What the buttons say; ``str(option)`` by default.
    label : str, optional
        Text before the buttons; the control's name by default.
    initial : optional
        Starting option (must be in ``options``); the first by default.
    style : {"buttons", "dropdown"}, default "buttons"
    """

    options: Sequence[Any]
    labels: Sequence[str] | None = None
    label: str | None = None
    initial: Any = None
    style: str = "buttons"


def _as_control(name: str, spec: Any) -> Slider | Choice:
    if isinstance(spec, (Slider, Choice)):
        control = spec
    elif isinstance(spec, (str, bytes)) or not isinstance(spec, (Sequence, np.ndarray)):
        raise TypeError(
            f"Explorer: control {name!r} must be a Slider, a Choice or a sequence of values, "
            f"got {type(spec).__name__}. For example controls={{'w': [-1, 0, 1]}}."
        )
    elif len(spec) and all(isinstance(v, numbers.Real) for v in spec):
        control = Slider(tuple(float(v) for v in spec))
    else:
        control = Choice(tuple(spec))
    values = control.values if isinstance(control, Slider) else control.options
    if len(values) == 0:
        raise ValueError(f"Explorer: control {name!r} has no values; give it at least one.")
    if isinstance(control, Slider):
        if not all(isinstance(v, numbers.Real) and math.isfinite(v) for v in values):
            raise ValueError(
                f"Explorer: Slider {name!r} needs finite numbers, got {list(values)!r}."
            )
        if len(set(values)) != len(values):
            raise ValueError(
                f"Explorer: Slider {name!r} has repeated values {list(values)!r}; each grid "
                f"value must appear once."
            )
        if control.initial is not None and control.initial not in values:
            raise ValueError(
                f"Explorer: Slider {name!r} starts at {control.initial!r}, which is not on its "
                f"grid {list(values)!r}; pick one of the grid values."
            )
    else:
        if control.style not in ("buttons", "dropdown"):
            raise ValueError(
                f"Explorer: Choice {name!r} has style {control.style!r}; use 'buttons' or "
                f"'dropdown'."
            )
        if control.labels is not None and len(control.labels) != len(values):
            raise ValueError(
                f"Explorer: Choice {name!r} has {len(values)} options but "
                f"{len(control.labels)} labels."
            )
        if control.initial is not None and control.initial not in list(values):
            raise ValueError(
                f"Explorer: Choice {name!r} starts at {control.initial!r}, which is not one of its "
                f"options {list(values)!r}."
            )
    return control


def _values(control: Slider | Choice) -> list[Any]:
    return list(control.values if isinstance(control, Slider) else control.options)


def _initial_index(control: Slider | Choice) -> int:
    values = _values(control)
    if control.initial is not None:
        return values.index(control.initial)
    return (len(values) - 1) // 2 if isinstance(control, Slider) else 0


def _make_widget(name: str, control: Slider | Choice, label_width: str) -> widgets.ValueWidget:
    label = control.label or name
    style = {"description_width": label_width}
    if isinstance(control, Slider):
        options = [
            (control.fmt.format(v).replace("-", "\N{MINUS SIGN}"), v) for v in control.values
        ]
        return widgets.SelectionSlider(
            options=options, index=_initial_index(control), description=label,
            continuous_update=True, readout=True, style=style,
            layout=widgets.Layout(width="min(100%, 600px)"),
        )
    labels = control.labels or [str(v) for v in control.options]
    options = list(zip(labels, control.options))
    if control.style == "dropdown":
        return widgets.Dropdown(options=options, index=_initial_index(control), description=label,
                                style=style, layout=widgets.Layout(width="min(100%, 600px)"))
    return widgets.ToggleButtons(options=options, index=_initial_index(control), description=label,
                                 style={**style, "button_width": "auto"},
                                 layout=widgets.Layout(width="min(100%, 600px)"))


class _Frame(widgets.Image):
    """An image widget whose ``tooltip`` (the frame's text alternative) reaches the page.

    The browser-side view sets the ``title`` attribute from ``tooltip`` only after
    reading the widget's ``description``, which images lack: without this empty
    one, the HTML book's widget manager fails to draw the image at all.
    """

    # Default None, set to "" on construction: so even a state saved without default
    # values (ipywidgets.embed's drop_defaults) carries it.
    description = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(description="", **kwargs)


def grid_values(
    values: Any, name: str, *, where: str, example: str = "(-1, 0, 1)", positive: bool = False
) -> tuple[float, ...]:
    """Check a slider's grid and return it as a tuple of floats.

    Parameters
    ----------
    values : sequence of float
        The grid, e.g. ``(-0.04, 0.0, 0.04)``.
    name : str
        The argument it was given as, for messages.
    where : str
        The explorer checking it, for messages.
    example : str
        A valid grid to suggest in messages.
    positive : bool, default False
        Require every value to be > 0.

    Returns
    -------
    tuple of float
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(
            f"{where}: {name} must be a sequence of numbers (the slider's grid), got "
            f"{type(values).__name__}; for example {name}={example}."
        )
    if len(values) == 0:
        raise ValueError(f"{where}: {name} is empty; give the slider at least one value.")
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{where}: {name} must hold numbers only, got {list(values)!r}.")
    out = tuple(float(v) for v in values)
    if not all(np.isfinite(out)):
        raise ValueError(f"{where}: {name} must hold finite numbers, got {list(values)!r}.")
    if positive and min(out) <= 0:
        raise ValueError(f"{where}: {name} must hold positive numbers, got {list(values)!r}.")
    return out


def widget_state_bytes() -> int:
    """Size in bytes of the widget state a notebook run so far would save.

    This is the state of every widget alive in the kernel, as JSON with binary
    values base64-encoded: what an executed notebook stores and what its HTML
    page embeds. Print it at the end of a page to check the page's budget.

    Returns
    -------
    int
    """
    import json

    return len(json.dumps(widgets.Widget.get_manager_state()))


def png_bytes(figure: Figure, *, colors: int | None = 64) -> bytes:
    """Draw ``figure`` and return it as PNG bytes, palette-quantised to ``colors`` colours.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Drawn at its own ``dpi`` on an Agg canvas.
    colors : int or None, default 64
        Palette size (2..256); ``None`` keeps full RGB colour (about three times larger).

    Returns
    -------
    bytes
        A PNG file.
    """
    from PIL import Image

    canvas = figure.canvas
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    image = Image.fromarray(np.ascontiguousarray(rgb))
    if colors:
        image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE,
                               dither=Image.Dither.NONE)
        # The quantiser averages colours: turn near-white back into the page's white.
        palette = np.array(image.getpalette(), dtype=np.uint8).reshape(-1, 3)
        palette[(palette >= 250).all(axis=1)] = 255
        image.putpalette(palette.ravel().tolist())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


class Explorer:
    """A figure driven by controls, precomputed for the static book and live in a kernel.

    Parameters
    ----------
    figure : matplotlib.figure.Figure or callable returning one
        The figure to animate, or a factory called once to build it. The
        explorer takes it over: it is removed from pyplot (so the notebook
        does not show it a second time) and drawn at ``dpi``.
    update : callable
        ``update(**values)``, called with one keyword per control. It must
        recompute through nncore and change the figure's artists in place
        (for example ``diagram.update(model, x)``); its return value is ignored.
    controls : mapping of str to Slider, Choice or sequence
        Control name (the keyword ``update`` receives) to its grid. A sequence
        of numbers becomes a :class:`Slider`, any other sequence a :class:`Choice`.
        The first control is the outermost stack. One frame is rendered per
        point of the grid product.
    title : str
        Shown above the controls.
    instruction : str
        One line saying what to try, shown under the title, e.g. "Drag w1 below
        zero and watch the active region vanish."
    alt : str or callable, optional
        Text alternative of every frame (the image's ``title`` attribute, read by
        screen readers); a callable ``alt(**values)`` is called right after
        ``update`` for that frame. By default the title followed by the values.
    dpi : float, default 80
        Resolution of the frames.
    colors : int or None, default 64
        Palette size of the PNG frames (``None`` for full colour).
    max_bytes : int, default 3_000_000
        Budget for the frames' total PNG size; a ``ValueError`` suggests a smaller
        grid or dpi when it is exceeded.
    max_frames : int, default 400
        Largest grid product accepted.
    live : bool, default True
        With a kernel, re-render the shown frame through ``update`` when a control moves.
    view : object, optional
        The drawing object behind the figure (e.g. a ``NetworkDiagram``), kept as
        ``explorer.view``.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    names : list of str
        Control names, outermost first.
    grid : dict of str to list
        The values of each control.
    controls : dict of str to ipywidgets widget
        The slider / toggle buttons / drop-down of each control.
    frames : dict of tuple of int to bytes
        PNG of each grid point, keyed by the control indices.
    images : dict of tuple of int to ipywidgets.Image
        The widget showing each frame.
    stacks : list of list of ipywidgets.Stack
        ``stacks[level]`` are the stacks switched by control ``names[level]``.
    links : list of ipywidgets.widgets.widget_link.Link
        The ``jslink`` of each control to each of its stacks.
    widget : ipywidgets.VBox
        Title, instruction, controls and the frames; what the notebook displays.

    Notes
    -----
    Every grid point is drawn ahead of time by the same ``update`` and stored
    as a palette-quantised PNG in an ``ipywidgets.Image``. The images sit in
    nested ``ipywidgets.Stack`` widgets, one level per control, and each
    control's ``index`` is ``jslink``-ed to the ``selected_index`` of every
    stack of its level. The browser follows these links by itself, so in the
    static HTML book (whose pages embed the executed notebook's widget state)
    the controls switch the picture with no kernel. With a kernel, a moved
    control also calls ``update`` again and replaces the shown frame.

    Examples
    --------
    A chapter explorer in a few lines (``regions`` from :func:`nncore.plot.decision_regions`)::

        def update(w1, w2):
            model[0].weight.data[0] = [w1, w2]
            regions.update(model)

        Explorer(regions.figure, update, {"w1": [-1, 0, 1], "w2": [-1, 0, 1]},
                 title="One ReLU unit", instruction="Drag w1 below zero ...")
    """

    def __init__(
        self,
        figure: Figure | Callable[[], Figure],
        update: Callable[..., Any],
        controls: Mapping[str, Slider | Choice | Sequence[Any]],
        *,
        title: str,
        instruction: str,
        alt: str | Callable[..., str] | None = None,
        dpi: float = 80,
        colors: int | None = 64,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_frames: int = 400,
        live: bool = True,
        view: Any = None,
    ) -> None:
        from matplotlib.figure import Figure

        if callable(figure) and not isinstance(figure, Figure):
            figure = figure()
        if not isinstance(figure, Figure):
            raise TypeError(
                f"Explorer: figure must be a matplotlib Figure or a function returning one, got "
                f"{type(figure).__name__}."
            )
        if not callable(update):
            raise TypeError(
                f"Explorer: update must be a function update(**values) that redraws the figure, "
                f"got {type(update).__name__}."
            )
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
        if not (isinstance(dpi, numbers.Real) and dpi > 0):
            raise ValueError(f"Explorer: dpi must be a positive number, got {dpi!r}.")
        if colors is not None and not (isinstance(colors, int) and 2 <= colors <= 256):
            raise ValueError(f"Explorer: colors must be an int in 2..256 or None, got {colors!r}.")

        self.title = title
        self.instruction = instruction
        self._update = update
        self._alt = alt
        self.colors = colors
        self.max_bytes = int(max_bytes)
        self.live = bool(live)
        self.view = view
        self._specs = {name: _as_control(name, spec) for name, spec in controls.items()}
        self.names = list(self._specs)
        self.grid = {name: _values(spec) for name, spec in self._specs.items()}
        shape = tuple(len(v) for v in self.grid.values())
        n_frames = math.prod(shape)
        if n_frames > max_frames:
            raise ValueError(
                f"Explorer: the controls' grid has {' x '.join(map(str, shape))} = {n_frames} "
                f"points, more than max_frames={max_frames}. Use fewer values per control (or "
                f"fewer controls)."
            )
        self.shape = shape

        self.figure = figure
        self._adopt_figure(dpi)
        longest = max(len(spec.label or name) for name, spec in self._specs.items())
        label_width = f"{min(0.55 * longest + 1.0, 20.0):.1f}em"  # one width, so controls align
        self.controls = {
            name: _make_widget(name, spec, label_width) for name, spec in self._specs.items()
        }
        self.frames: dict[tuple[int, ...], bytes] = {}
        self.alt_texts: dict[tuple[int, ...], str] = {}
        self._render_all()
        self.images: dict[tuple[int, ...], widgets.Image] = {}
        self._image_layout = widgets.Layout(max_width="100%", height="auto")
        self.stacks: list[list[widgets.Stack]] = [[] for _ in self.names]
        self._root = self._build(0, ())
        self.links = [
            widgets.jslink((self.controls[name], "index"), (stack, "selected_index"))
            for level, name in enumerate(self.names)
            for stack in self.stacks[level]
        ]
        header = widgets.HTML(
            f'<div class="nncore-explorer-title" style="font-weight:600;font-size:1.05em">'
            f"{html.escape(title)}</div>"
            f'<div class="nncore-explorer-instruction"><em>Try this:</em> '
            f"{html.escape(instruction)}</div>"
        )
        self.widget = widgets.VBox(
            [header, *self.controls.values(), self._root],
            layout=widgets.Layout(max_width="100%"),
        )
        self.widget.add_class("nncore-explorer")
        if self.live:
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

    def _values_at(self, index: Sequence[int]) -> dict[str, Any]:
        return {name: self.grid[name][i] for name, i in zip(self.names, index)}

    def _alt_text(self, values: Mapping[str, Any]) -> str:
        if callable(self._alt):
            return str(self._alt(**values))
        if isinstance(self._alt, str):
            return self._alt
        settings = ", ".join(
            f"{self._specs[n].label or n} = {self._display(n, v)}" for n, v in values.items()
        )
        return f"{self.title}: {settings}"

    def _display(self, name: str, value: Any) -> str:
        spec = self._specs[name]
        if isinstance(spec, Slider):
            return spec.fmt.format(value)
        labels = spec.labels or [str(v) for v in spec.options]
        return labels[list(spec.options).index(value)]

    def _render_all(self) -> None:
        total = 0
        n_frames = math.prod(self.shape)
        for count, index in enumerate(itertools.product(*(range(n) for n in self.shape)), start=1):
            values = self._values_at(index)
            png = self.render(**values)
            self.frames[index] = png
            self.alt_texts[index] = self._alt_text(values)
            total += len(png)
            projected = total / count * n_frames
            if total > self.max_bytes or (count >= 4 and projected > 1.25 * self.max_bytes):
                raise ValueError(
                    f"Explorer {self.title!r}: the {n_frames} frames would take about "
                    f"{projected / 1e6:.1f} MB (budget {self.max_bytes / 1e6:.1f} MB at dpi "
                    f"{self.dpi:g}). Lower dpi, use fewer grid values, or raise max_bytes if the "
                    f"page has room."
                )
        self.render(**self.values)

    def _build(self, level: int, prefix: tuple[int, ...]) -> widgets.Widget:
        if level == len(self.names):
            image = _Frame(
                value=self.frames[prefix], format="png", tooltip=self.alt_texts[prefix],
                layout=self._image_layout,
            )
            self.images[prefix] = image
            return image
        children = [self._build(level + 1, prefix + (i,)) for i in range(self.shape[level])]
        stack = widgets.Stack(children, selected_index=self.controls[self.names[level]].index)
        self.stacks[level].append(stack)
        return stack

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
        """Number of precomputed frames, the product of the grid sizes."""
        return len(self.frames)

    @property
    def frame_bytes(self) -> int:
        """Total size in bytes of the precomputed PNG frames."""
        return sum(len(png) for png in self.frames.values())

    @property
    def state_bytes(self) -> int:
        """Approximate bytes the frames add to a saved notebook or page (base64 encoded)."""
        return sum(4 * math.ceil(len(png) / 3) for png in self.frames.values())

    def size_report(self) -> str:
        """One line with the frame count and sizes, for a chapter to print."""
        return (
            f"{self.n_frames} precomputed frames, {self.frame_bytes / 1e6:.2f} MB of PNG "
            f"({self.state_bytes / 1e6:.2f} MB in the page's widget state), dpi {self.dpi:g}"
        )

    def render(self, **values: Any) -> bytes:
        """Call ``update(**values)`` and return the redrawn figure as PNG bytes.

        Values need not lie on the grid: with a kernel this draws any setting.

        Parameters
        ----------
        **values
            One keyword per control.

        Returns
        -------
        bytes
            A PNG file of the figure.
        """
        missing = [n for n in self.names if n not in values]
        unknown = [n for n in values if n not in self.names]
        if missing or unknown:
            raise TypeError(
                f"Explorer.render: expected exactly the controls {self.names}, got "
                f"{sorted(values)} (missing {missing}, unknown {unknown})."
            )
        self._update(**values)
        return png_bytes(self.figure, colors=self.colors)

    def frame(self, **values: Any) -> bytes:
        """The precomputed PNG for a point of the grid.

        Parameters
        ----------
        **values
            One keyword per control, each a value of its grid.

        Returns
        -------
        bytes
        """
        index = []
        for name in self.names:
            if name not in values:
                raise TypeError(f"Explorer.frame: missing the value of control {name!r}.")
            if values[name] not in self.grid[name]:
                raise ValueError(
                    f"Explorer.frame: {values[name]!r} is not on the grid of {name!r}, "
                    f"{self.grid[name]!r}; render(**values) draws values off the grid."
                )
            index.append(self.grid[name].index(values[name]))
        return self.frames[tuple(index)]

    def set(self, **values: Any) -> None:
        """Move controls to grid values, as a reader would (live mode re-renders).

        Parameters
        ----------
        **values
            Control name to a value on its grid.
        """
        for name, value in values.items():
            if name not in self.controls:
                raise TypeError(
                    f"Explorer.set: no control named {name!r}; controls are {self.names}."
                )
            if value not in self.grid[name]:
                raise ValueError(
                    f"Explorer.set: {value!r} is not on the grid of {name!r}, {self.grid[name]!r}."
                )
            self.controls[name].index = self.grid[name].index(value)
            for stack in self.stacks[self.names.index(name)]:
                stack.selected_index = self.controls[name].index

    def refresh(self) -> None:
        """Re-render every frame from the current state (e.g. after further training)."""
        self.frames.clear()
        self._render_all()
        for index, image in self.images.items():
            image.value = self.frames[index]
            image.tooltip = self.alt_texts[index]

    def _on_change(self, change: Mapping[str, Any]) -> None:
        index = self.index
        png = self.render(**self.values)
        self.frames[index] = png
        image = self.images[index]
        if image.value != png:
            image.value = png

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        grid = ", ".join(f"{n}[{len(v)}]" for n, v in self.grid.items())
        return f"Explorer({self.title!r}, controls: {grid}; {self.size_report()})"
