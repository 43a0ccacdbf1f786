"""The path of one weight under SGD with weight decay, under sliders (chapter 5).

Sliders set the learning rate ``eta``, the weight decay ``lambda`` and the starting weight
``w0``; a toggle adds the quadratic data term ``J_data(w) = (a / 2) (w - w*)^2``. Every
frame runs ``nncore.SGD`` on a single ``nncore.Parameter``
(:func:`nnbook.experiments.decay.decay_path`)
and draws the weight over the steps, next to the per-step factor ``1 - eta * lambda`` and
the regime it puts the weight in: shrinking, sign-flipping or diverging.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nnbook.experiments.decay import decay_path, decay_regime
from nnbook.explorers._common import make_explorer
from nncore.plot import INK, MUTED, OKABE_ITO, PALETTE
from nncore.plot.style import format_number
from nncore.widgets import Choice, Explorer, Slider

__all__ = ["WeightPathView", "weight_decay_explorer"]

_MINUS = "\N{MINUS SIGN}"
_ETA = "\N{GREEK SMALL LETTER ETA}"
_LAM = "\N{GREEK SMALL LETTER LAMDA}"


class WeightPathView:
    """The explorer's figure: the weight over the steps, with and without decay.

    Built by :func:`weight_decay_explorer`; :meth:`update` recomputes both paths
    with :func:`nnbook.experiments.decay.decay_path` (``nncore.SGD``) and redraws the artists in
    place.

    Parameters
    ----------
    steps : int
        Steps drawn.
    curvature, target : float
        ``a`` and ``w*`` of the data term, used when ``update`` turns it on.
    ylim : float
        The y axis spans ``[-ylim, ylim]``; larger weights leave the plot (the
        text panel gives their size).
    data_term : bool, default False
        Whether the data term acts when ``update`` is not told.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    line, reference : matplotlib.lines.Line2D
        The path with decay, and the path of the same settings with ``lambda = 0``.
    equilibrium : matplotlib.lines.Line2D
        The equilibrium ``a w* / (a + lambda)`` of the path with decay (hidden without
        a data term; the text panel says when the steps never reach it).
    info : matplotlib.text.Text
        The factor, the regime and the final weight.
    path, path_without_decay : numpy.ndarray, shape (steps + 1,)
        The last paths drawn.
    regime : str
        The regime of the last ``update`` (see :func:`nnbook.experiments.decay.decay_regime`).
    """

    def __init__(
        self, *, steps: int, curvature: float, target: float, ylim: float, data_term: bool = False
    ) -> None:
        self.steps = steps
        self.data_term = data_term
        self.curvature = curvature
        self.target = target
        self.ylim = ylim
        self.figure = Figure(figsize=(9.2, 3.5))
        fig = self.figure
        # The plot (with its labels) ends left of 342 px and the text starts right of it: a
        # phone's page cuts the picture there into two strips of its column's width
        # (nncore.widgets.panels) and shows both at their own size.
        self.axes = fig.add_axes((0.075, 0.15, 0.42, 0.72))
        self._draw_paths(self.axes)
        self.info = fig.text(
            0.535, 0.87, "", ha="left", va="top", fontsize=10, color=INK, linespacing=1.45
        )
        self.regime_text = fig.text(
            0.535,
            0.15,
            "",
            ha="left",
            va="bottom",
            fontsize=11.5,
            fontweight="bold",
            color=PALETTE[0],
            linespacing=1.3,
        )
        self.path = np.zeros(steps + 1)
        self.path_without_decay = np.zeros(steps + 1)
        self.regime = ""
        self.settings: dict[str, Any] = {}

    def _draw_paths(self, ax: Axes) -> None:
        """The two paths over the steps, the equilibrium and its label, axes and legend."""
        steps = self.steps
        k = np.arange(steps + 1)
        ax.axhline(0.0, color=INK, linewidth=0.8, zorder=1)
        (self.equilibrium,) = ax.plot(
            [0, steps],
            [0, 0],
            linestyle="--",
            color=OKABE_ITO["bluish_green"],
            linewidth=1.4,
            zorder=2,
        )
        self.equilibrium_text = ax.text(
            steps,
            0.0,
            "",
            ha="right",
            va="bottom",
            fontsize=9,
            color=OKABE_ITO["bluish_green"],
            zorder=5,
            bbox=dict(facecolor="white", edgecolor="none", pad=1.0),
        )
        (self.reference,) = ax.plot(
            k,
            np.zeros_like(k, dtype=float),
            color=MUTED,
            linewidth=1.4,
            marker="s",
            markersize=3,
            label=f"without decay ({_LAM} = 0)",
            zorder=3,
        )
        (self.line,) = ax.plot(
            k,
            np.zeros_like(k, dtype=float),
            color=PALETTE[0],
            linewidth=1.8,
            marker="o",
            markersize=4,
            label="with decay",
            zorder=4,
        )
        ax.set_xlim(-0.5, steps + 0.5)
        ax.set_ylim(-self.ylim, self.ylim)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_xlabel("step k")
        ax.set_ylabel("weight w\N{LATIN SUBSCRIPT SMALL LETTER K}")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8.5, framealpha=0.9)
        ax.set_title("One weight under nc.SGD with weight decay", fontsize=11, color=INK)

    def update(
        self, lr: float, weight_decay: float, w0: float, data_term: bool | None = None
    ) -> None:
        """Recompute both paths through ``nncore.SGD`` and redraw.

        Parameters
        ----------
        lr, weight_decay, w0 : float
            ``eta``, ``lambda`` and the starting weight.
        data_term : bool, optional
            Add ``J_data = (a / 2) (w - w*)^2``; otherwise only the decay acts. Without
            this control, the view's ``data_term`` decides.
        """
        data_term = self.data_term if data_term is None else data_term
        self.settings = dict(lr=lr, weight_decay=weight_decay, w0=w0, data_term=data_term)
        a = self.curvature if data_term else 0.0
        self.path = decay_path(
            w0, lr=lr, weight_decay=weight_decay, steps=self.steps, curvature=a, target=self.target
        )
        self.path_without_decay = decay_path(
            w0, lr=lr, weight_decay=0.0, steps=self.steps, curvature=a, target=self.target
        )
        self.regime = decay_regime(lr, weight_decay)
        self.line.set_ydata(np.clip(self.path, -3 * self.ylim, 3 * self.ylim))
        self.reference.set_ydata(np.clip(self.path_without_decay, -3 * self.ylim, 3 * self.ylim))

        p = lr * weight_decay
        lines = [
            f"{_ETA}{_LAM} = {format_number(p)}",
            f"per-step factor 1 {_MINUS} {_ETA}{_LAM} = {format_number(1 - p)}",
        ]
        verdict = ""
        if data_term:
            r = 1.0 - lr * (a + weight_decay)  # factor on the distance to w_eq
            w_eq = a * self.target / (a + weight_decay)
            settles = abs(r) < 1.0
            verdict = (
                "settles at w_eq"
                if settles
                else "never settles"
                if math.isclose(abs(r), 1.0)
                else "diverges"
            )
            lines += [
                f"data term: a = {format_number(a)}, w* = {format_number(self.target)}",
                f"w_eq = a w*/(a + {_LAM}) = {format_number(w_eq)}"
                + ("" if settles else " (never reached)"),
                f"each step: (w {_MINUS} w_eq) \N{MULTIPLICATION SIGN} {format_number(r)}",
            ]
            self.equilibrium.set_ydata([w_eq, w_eq])
            self.equilibrium.set_visible(True)
            self.equilibrium_text.set_position((self.steps, w_eq))
            self.equilibrium_text.set_text(f"w_eq = {format_number(w_eq)}")
        else:
            lines.append(
                f"no data gradient: w\N{LATIN SUBSCRIPT SMALL LETTER K} = (1 {_MINUS} {_ETA}{_LAM})"
                f"\N{MODIFIER LETTER SMALL K} w\N{SUBSCRIPT ZERO}"
            )
            self.equilibrium.set_visible(False)
            self.equilibrium_text.set_text("")
        final = self.path[-1]
        shown = " (off the plot)" if not abs(final) <= self.ylim else ""
        lines.append(f"after {self.steps} steps: w = {format_number(final)}{shown}")
        self.info.set_text("\n".join(lines))
        colour = {
            "diverging": OKABE_ITO["vermillion"],
            "sign-flipping": OKABE_ITO["orange"],
            "sign-flipping at constant size": OKABE_ITO["orange"],
        }.get(self.regime, PALETTE[0])
        if data_term:
            self.regime_text.set_text(f"decay alone: {self.regime}\nwith data term: {verdict}")
        else:
            self.regime_text.set_text(f"decay regime:\n{self.regime}")
        self.regime_text.set_color(colour)

    def describe(self) -> str:
        """Describe the path drawn last in one sentence, for screen readers.

        Returns
        -------
        str
            The text alternative of the figure.
        """
        s = self.settings
        with_data = (
            f" plus the data term with a = {self.curvature:g}, w* = {self.target:g}"
            if s["data_term"]
            else ""
        )
        return (
            f"Path of one weight over {self.steps} SGD steps from w0 = {s['w0']:g} with learning "
            f"rate {s['lr']:g} and weight decay {s['weight_decay']:g}{with_data}: per-step factor "
            f"{1 - s['lr'] * s['weight_decay']:.3g}, regime {self.regime}, final weight "
            f"{self.path[-1]:.3g}."
        )


def weight_decay_explorer(
    *,
    lr_values: Sequence[float] = (0.25, 0.5, 1.0),
    weight_decay_values: Sequence[float] = (0.0, 0.5, 1.0, 1.5, 2.5),
    w0_values: Sequence[float] = (-1.0, 2.0),
    data_term: str = "toggle",
    curvature: float = 1.0,
    target: float = 1.5,
    steps: int = 30,
    title: str = "The path of one weight under weight decay",
    instruction: str | None = None,
    dpi: float = 72,
    **options: Any,
) -> Explorer:
    """Build sliders for ``eta``, ``lambda`` and ``w0`` over the path of one weight.

    Every frame calls :func:`nnbook.experiments.decay.decay_path`, which runs ``nncore.SGD`` on
    a single
    ``nncore.Parameter``, once with ``weight_decay=lambda`` and once without,
    and shows the per-step factor ``1 - eta * lambda`` and the regime it names.

    Parameters
    ----------
    lr_values : sequence of float, default (0.25, 0.5, 1.0)
        Grid of the learning-rate slider (each > 0).
    weight_decay_values : sequence of float, default (0, 0.5, 1, 1.5, 2.5)
        Grid of the ``lambda`` slider (each >= 0). With the default learning
        rates, ``eta * lambda`` reaches every regime.
    w0_values : sequence of float, default (-1, 2)
        Grid of the starting weight.
    data_term : {"toggle", "off", "on"}, default "toggle"
        ``"toggle"`` adds buttons that switch the quadratic data term on and off;
        ``"off"`` and ``"on"`` fix it (and halve the number of frames).
    curvature, target : float, default 1.0 and 1.5
        ``a`` (> 0) and ``w*`` of ``J_data(w) = (a / 2) (w - w*)^2``.
    steps : int, default 30
        Steps of SGD drawn.
    title : str
        Shown above the controls.
    instruction : str, optional
        One line of what to try; a default suggests moving ``lambda`` through the regimes.
    dpi : float, default 72
        Resolution of the precomputed frames.
    **options
        Passed on to :class:`nncore.widgets.Explorer`.

    Returns
    -------
    Explorer
        Controls ``lr``, ``weight_decay``, ``w0`` (and ``data_term`` when toggled);
        ``explorer.view`` is the :class:`WeightPathView`.
    """
    ylim = 1.3 * max([abs(w) for w in w0_values] + [abs(target), 1.0])
    view = WeightPathView(
        steps=steps, curvature=curvature, target=target, ylim=ylim, data_term=data_term == "on"
    )
    try_this = (
        f"Raise {_LAM} step by step at {_ETA} = 1 and watch the weight shrink, flip its sign "
        f"and finally blow up; then turn on the data term and see where the weight settles."
    )
    return make_explorer(
        view,
        _decay_controls(lr_values, weight_decay_values, w0_values, toggle=data_term == "toggle"),
        title=title,
        instruction=instruction or try_this,
        dpi=dpi,
        options=options,
    )


def _decay_controls(
    lr_values: Sequence[float],
    weight_decay_values: Sequence[float],
    w0_values: Sequence[float],
    *,
    toggle: bool,
) -> dict[str, Slider | Choice]:
    """Sliders of ``eta``, ``lambda`` and ``w0``, and with ``toggle`` the data term's buttons."""
    controls: dict[str, Slider | Choice] = {
        "lr": Slider(
            lr_values, label=f"learning rate {_ETA}", initial=0.5 if 0.5 in lr_values else None
        ),
        "weight_decay": Slider(
            weight_decay_values,
            label=f"weight decay {_LAM}",
            initial=0.5 if 0.5 in weight_decay_values else None,
        ),
        "w0": Slider(
            w0_values, label="starting weight w\N{SUBSCRIPT ZERO}", initial=max(w0_values)
        ),
    }
    if toggle:
        controls["data_term"] = Choice(
            (False, True),
            label="objective",
            labels=("decay only", f"decay + data term (a/2)(w {_MINUS} w*)\N{SUPERSCRIPT TWO}"),
        )
    return controls
