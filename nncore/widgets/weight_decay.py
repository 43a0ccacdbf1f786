"""``weight_decay_explorer``: the path of one weight under SGD with weight decay.

Sliders set the learning rate ``eta``, the weight decay ``lambda`` and the
starting weight ``w0``; a toggle adds the quadratic data term
``J_data(w) = (a / 2) (w - w*)^2``. Every frame runs ``nncore.SGD`` on a single
``nncore.Parameter`` (see :func:`decay_path`) and draws the weight over the
steps, next to the per-step factor ``1 - eta * lambda`` and the regime it puts
the weight in: shrinking, sign-flipping or diverging.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Sequence

import numpy as np

from .._checks import check_number
from ..optim import SGD
from ..parameter import Parameter
from ..plot import OKABE_ITO, PALETTE, _fmt
from .explorer import DEFAULT_MAX_BYTES, Choice, Explorer, Slider, grid_values

__all__ = ["decay_path", "decay_regime", "WeightPathView", "weight_decay_explorer"]

_INK = "#333333"
_MUTED = "#8C8C8C"
_MINUS = "\N{MINUS SIGN}"
_ETA = "\N{GREEK SMALL LETTER ETA}"
_LAM = "\N{GREEK SMALL LETTER LAMDA}"


def _steps(value: Any, *, where: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{where}: steps must be a positive integer, got {value!r} of type "
            f"{type(value).__name__}."
        )
    if value < 1:
        raise ValueError(f"{where}: steps must be a positive integer, got {value}. Pass e.g. 30.")
    return int(value)


def decay_path(
    w0: float,
    *,
    lr: float,
    weight_decay: float,
    steps: int,
    curvature: float = 0.0,
    target: float = 0.0,
) -> np.ndarray:
    """The values one weight takes under ``nncore.SGD`` with weight decay.

    The weight is an ``nncore.Parameter`` holding one number. Before each
    ``SGD.step`` its gradient is set to the data gradient of
    ``J_data(w) = (curvature / 2) * (w - target)**2``, that is
    ``curvature * (w - target)``; ``SGD`` adds ``weight_decay * w`` itself.
    With ``curvature=0`` there is no data term and only the decay acts.

    Parameters
    ----------
    w0 : float
        Starting weight.
    lr : float
        Learning rate ``eta`` (> 0).
    weight_decay : float
        ``lambda`` (>= 0).
    steps : int
        Number of SGD steps (>= 1).
    curvature : float, default 0
        ``a`` (>= 0), the second derivative of the data term.
    target : float, default 0
        ``w*``, where the data term alone is smallest.

    Returns
    -------
    numpy.ndarray, shape (steps + 1,)
        ``w_0, w_1, ..., w_steps``.
    """
    where = "decay_path"
    w0 = check_number(w0, where=where, name="w0")
    lr = check_number(lr, where=where, name="lr (learning rate)", low=0.0, strict=True)
    weight_decay = check_number(weight_decay, where=where, name="weight_decay", low=0.0)
    steps = _steps(steps, where=where)
    a = check_number(curvature, where=where, name="curvature", low=0.0)
    w_star = check_number(target, where=where, name="target")

    w = Parameter([w0], name="w")
    opt = SGD([w], lr=lr, weight_decay=weight_decay)
    path = np.empty(steps + 1)
    path[0] = w0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            opt.zero_grad()
            w.grad[...] = a * (w.data - w_star)  # dJ_data/dw of the quadratic data term
            opt.step()
            path[k] = w.data[0]
    return path


def decay_regime(lr: float, weight_decay: float) -> str:
    """Name what the factor ``1 - lr * weight_decay`` does to a weight with no data gradient.

    Parameters
    ----------
    lr : float
        ``eta`` (> 0).
    weight_decay : float
        ``lambda`` (>= 0).

    Returns
    -------
    str
        ``"no decay"`` (``eta * lambda = 0``), ``"shrinking"`` (between 0 and 1),
        ``"zero after one step"`` (exactly 1), ``"sign-flipping"`` (between 1 and 2),
        ``"sign-flipping at constant size"`` (exactly 2) or ``"diverging"`` (above 2).
    """
    lr = check_number(lr, where="decay_regime", name="lr (learning rate)", low=0.0, strict=True)
    weight_decay = check_number(weight_decay, where="decay_regime", name="weight_decay", low=0.0)
    p = lr * weight_decay
    if p == 0.0:
        return "no decay"
    if math.isclose(p, 1.0, rel_tol=1e-12):
        return "zero after one step"
    if math.isclose(p, 2.0, rel_tol=1e-12):
        return "sign-flipping at constant size"
    if p < 1.0:
        return "shrinking"
    if p < 2.0:
        return "sign-flipping"
    return "diverging"


class WeightPathView:
    """The explorer's figure: the weight over the steps, with and without decay.

    Built by :func:`weight_decay_explorer`; :meth:`update` recomputes both paths
    with :func:`decay_path` (``nncore.SGD``) and redraws the artists in place.

    Parameters
    ----------
    steps : int
        Steps drawn.
    curvature, target : float
        ``a`` and ``w*`` of the data term, used when ``update`` turns it on.
    ylim : float
        The y axis spans ``[-ylim, ylim]``; larger weights leave the plot (the
        text panel gives their size).

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
        The regime of the last ``update`` (see :func:`decay_regime`).
    """

    def __init__(self, *, steps: int, curvature: float, target: float, ylim: float) -> None:
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        self.steps = steps
        self.curvature = curvature
        self.target = target
        self.ylim = ylim
        self.figure = Figure(figsize=(9.2, 3.5))
        fig = self.figure
        ax = fig.add_axes((0.07, 0.15, 0.5, 0.72))
        self.axes = ax
        k = np.arange(steps + 1)
        ax.axhline(0.0, color=_INK, linewidth=0.8, zorder=1)
        (self.equilibrium,) = ax.plot([0, steps], [0, 0], linestyle="--", color=OKABE_ITO["bluish_green"],
                                      linewidth=1.4, zorder=2)
        self.equilibrium_text = ax.text(steps, 0.0, "", ha="right", va="bottom", fontsize=9,
                                        color=OKABE_ITO["bluish_green"], zorder=5,
                                        bbox=dict(facecolor="white", edgecolor="none", pad=1.0))
        (self.reference,) = ax.plot(k, np.zeros_like(k, dtype=float), color=_MUTED, linewidth=1.4,
                                    marker="s", markersize=3, label=f"without decay ({_LAM} = 0)",
                                    zorder=3)
        (self.line,) = ax.plot(k, np.zeros_like(k, dtype=float), color=PALETTE[0], linewidth=1.8,
                               marker="o", markersize=4, label="with decay", zorder=4)
        ax.set_xlim(-0.5, steps + 0.5)
        ax.set_ylim(-ylim, ylim)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_xlabel("step k")
        ax.set_ylabel("weight w\N{LATIN SUBSCRIPT SMALL LETTER K}")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8.5, framealpha=0.9)
        ax.set_title("One weight under nc.SGD with weight decay", fontsize=11, color=_INK)
        self.info = fig.text(0.6, 0.87, "", ha="left", va="top", fontsize=10, color=_INK,
                             linespacing=1.45)
        self.regime_text = fig.text(0.6, 0.15, "", ha="left", va="bottom", fontsize=11.5,
                                    fontweight="bold", color=PALETTE[0], linespacing=1.3)
        self.path = np.zeros(steps + 1)
        self.path_without_decay = np.zeros(steps + 1)
        self.regime = ""

    def update(self, lr: float, weight_decay: float, w0: float, data_term: bool) -> WeightPathView:
        """Recompute both paths through ``nncore.SGD`` and redraw.

        Parameters
        ----------
        lr, weight_decay, w0 : float
            ``eta``, ``lambda`` and the starting weight.
        data_term : bool
            Add ``J_data = (a / 2) (w - w*)^2``; otherwise only the decay acts.

        Returns
        -------
        WeightPathView
            ``self``.
        """
        a = self.curvature if data_term else 0.0
        self.path = decay_path(w0, lr=lr, weight_decay=weight_decay, steps=self.steps,
                               curvature=a, target=self.target)
        self.path_without_decay = decay_path(w0, lr=lr, weight_decay=0.0, steps=self.steps,
                                             curvature=a, target=self.target)
        self.regime = decay_regime(lr, weight_decay)
        self.line.set_ydata(np.clip(self.path, -3 * self.ylim, 3 * self.ylim))
        self.reference.set_ydata(np.clip(self.path_without_decay, -3 * self.ylim, 3 * self.ylim))

        p = lr * weight_decay
        lines = [
            f"{_ETA}{_LAM} = {_fmt(p)}",
            f"per-step factor 1 {_MINUS} {_ETA}{_LAM} = {_fmt(1 - p)}",
        ]
        verdict = ""
        if data_term:
            r = 1.0 - lr * (a + weight_decay)  # factor on the distance to w_eq
            w_eq = a * self.target / (a + weight_decay)
            settles = abs(r) < 1.0
            verdict = ("settles at w_eq" if settles else "never settles" if math.isclose(abs(r), 1.0)
                       else "diverges")
            lines += [
                f"data term: a = {_fmt(a)}, w* = {_fmt(self.target)}",
                f"w_eq = a w*/(a + {_LAM}) = {_fmt(w_eq)}" + ("" if settles else " (never reached)"),
                f"each step: (w {_MINUS} w_eq) \N{MULTIPLICATION SIGN} {_fmt(r)}",
            ]
            self.equilibrium.set_ydata([w_eq, w_eq])
            self.equilibrium.set_visible(True)
            self.equilibrium_text.set_position((self.steps, w_eq))
            self.equilibrium_text.set_text(f"w_eq = {_fmt(w_eq)}")
        else:
            lines.append(f"no data gradient: w\N{LATIN SUBSCRIPT SMALL LETTER K} = (1 {_MINUS} {_ETA}{_LAM})"
                         f"\N{MODIFIER LETTER SMALL K} w\N{SUBSCRIPT ZERO}")
            self.equilibrium.set_visible(False)
            self.equilibrium_text.set_text("")
        final = self.path[-1]
        shown = " (off the plot)" if not abs(final) <= self.ylim else ""
        lines.append(f"after {self.steps} steps: w = {_fmt(final)}{shown}")
        self.info.set_text("\n".join(lines))
        colour = {"diverging": OKABE_ITO["vermillion"], "sign-flipping": OKABE_ITO["orange"],
                  "sign-flipping at constant size": OKABE_ITO["orange"]}.get(self.regime, PALETTE[0])
        if data_term:
            self.regime_text.set_text(f"decay alone: {self.regime}\nwith data term: {verdict}")
        else:
            self.regime_text.set_text(f"decay regime:\n{self.regime}")
        self.regime_text.set_color(colour)
        return self


def _grid(values: Any, *, name: str, low: float | None, strict: bool) -> tuple[float, ...]:
    where = "weight_decay_explorer"
    grid = grid_values(values, name, where=where, example="(0.1, 0.5, 1.0)")
    return tuple(check_number(v, where=where, name=f"every value of {name}", low=low,
                              strict=strict) for v in grid)


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
    max_bytes: int = DEFAULT_MAX_BYTES,
    live: bool = True,
) -> Explorer:
    """Sliders for ``eta``, ``lambda`` and ``w0`` over the path of one weight.

    Every frame calls :func:`decay_path`, which runs ``nncore.SGD`` on a single
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
    max_bytes : int, default 3_000_000
        Budget for the frames' PNG bytes.
    live : bool, default True
        With a kernel, recompute through nncore when a control moves.

    Returns
    -------
    Explorer
        Controls ``lr``, ``weight_decay``, ``w0`` (and ``data_term`` when toggled);
        ``explorer.view`` is the :class:`WeightPathView`.

    Raises
    ------
    TypeError, ValueError
        For grids that are not sequences of numbers, a non-positive learning rate,
        a negative ``lambda``, an unknown ``data_term`` or a non-positive ``steps``.
    """
    where = "weight_decay_explorer"
    lrs = _grid(lr_values, name="lr_values", low=0.0, strict=True)
    lams = _grid(weight_decay_values, name="weight_decay_values", low=0.0, strict=False)
    w0s = _grid(w0_values, name="w0_values", low=None, strict=False)
    if data_term not in ("toggle", "off", "on"):
        raise ValueError(
            f"{where}: data_term must be 'toggle', 'off' or 'on', got {data_term!r}."
        )
    a = check_number(curvature, where=where, name="curvature", low=0.0, strict=True)
    w_star = check_number(target, where=where, name="target")
    steps = _steps(steps, where=where)
    ylim = 1.3 * max([abs(w) for w in w0s] + [abs(w_star), 1.0])

    view = WeightPathView(steps=steps, curvature=a, target=w_star, ylim=ylim)
    controls: dict[str, Slider | Choice] = {
        "lr": Slider(lrs, label=f"learning rate {_ETA}",
                     initial=0.5 if 0.5 in lrs else None),
        "weight_decay": Slider(lams, label=f"weight decay {_LAM}",
                               initial=0.5 if 0.5 in lams else None),
        "w0": Slider(w0s, label="starting weight w\N{SUBSCRIPT ZERO}",
                     initial=max(w0s)),
    }
    if data_term == "toggle":
        controls["data_term"] = Choice(
            (False, True), labels=("decay only", f"decay + data term (a/2)(w {_MINUS} w*)\N{SUPERSCRIPT TWO}"),
            label="objective",
        )
    fixed = data_term == "on"

    def update(lr: float, weight_decay: float, w0: float, data_term: bool = fixed) -> None:
        view.update(lr, weight_decay, w0, bool(data_term))

    def alt(lr: float, weight_decay: float, w0: float, data_term: bool = fixed) -> str:
        with_data = (f" plus the data term with a = {a:g}, w* = {w_star:g}" if data_term else "")
        return (
            f"Path of one weight over {steps} SGD steps from w0 = {w0:g} with learning rate "
            f"{lr:g} and weight decay {weight_decay:g}{with_data}: per-step factor "
            f"{1 - lr * weight_decay:.3g}, regime {view.regime}, final weight {view.path[-1]:.3g}."
        )

    return Explorer(
        view.figure, update, controls,
        title=title,
        instruction=instruction or (
            f"Raise {_LAM} step by step at {_ETA} = 1 and watch the weight shrink, flip its sign "
            f"and finally blow up; then turn on the data term and see where the weight settles."
        ),
        alt=alt, dpi=dpi, max_bytes=max_bytes, live=live, view=view,
    )
