"""One digit image blended into another, read by two models (chapter 1).

A slider moves ``s`` from 0 to 1 and shows the blend ``(1 - s) * first + s * second`` pixel
by pixel, next to what two trained models make of it: a *regressor* with one output (its
number on a 0..k-1 number line, and that number rounded to a digit) and a *classifier* with
``k`` outputs (the softmax probabilities of the ``k`` classes as bars). Every frame runs
both models forward through nncore.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import ArrayLike

import nncore as nc
from nnbook.explorers._common import make_explorer
from nncore.functional import softmax
from nncore.plot import INK, MUTED, OKABE_ITO, PALETTE
from nncore.widgets import Explorer, Slider

__all__ = ["DigitMorphView", "digit_morph_explorer"]


class DigitMorphView:
    """The explorer's figure: blended image, regression number line, class probabilities.

    Built by :func:`digit_morph_explorer`; :meth:`update` redraws it for a blend weight
    and :meth:`describe` says what it shows.

    Parameters
    ----------
    regressor : Sequential
        One output, read as a digit value.
    classifier : Sequential
        ``k`` outputs (logits).
    first, second : numpy.ndarray, shape (n_inputs,)
        The two images to blend.
    first_name, second_name : str
        What the images show; a class number colours that class's bar.
    path_s : numpy.ndarray, shape (steps,)
        Blend weights whose regression outputs are marked on the number line.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    image : matplotlib.image.AxesImage
        The blended image; its data is ``(1 - s) * first + s * second``, shape (side, side).
    marker : matplotlib.lines.Line2D
        The regressor's output on the number line (clamped to the drawn range).
    answer_band : matplotlib.patches.Rectangle
        Highlights the digit the regressor's rounded output names.
    bars : matplotlib.container.BarContainer
        One bar per class; heights are the classifier's softmax probabilities.
    value : float
        The regressor's output for the last ``s`` drawn.
    answer : int
        That output rounded to the nearest class and clipped to ``0..k-1``.
    probabilities : numpy.ndarray, shape (k,)
        The classifier's softmax output for the last ``s`` drawn.
    blend : numpy.ndarray, shape (n_inputs,)
        The last blended input.
    """

    def __init__(
        self,
        regressor: nc.Sequential,
        classifier: nc.Sequential,
        first: np.ndarray,
        second: np.ndarray,
        *,
        first_name: str,
        second_name: str,
        path_s: np.ndarray,
    ) -> None:
        self.regressor = regressor
        self.classifier = classifier
        self.first = first
        self.second = second
        self.first_name = first_name
        self.second_name = second_name
        self.k = [layer for layer in classifier if isinstance(layer, nc.Linear)][-1].out_features
        side = math.isqrt(first.size)
        self.shape = (side, side) if side * side == first.size else (1, first.size)
        self.figure = Figure(figsize=(9.0, 3.3))
        fig = self.figure
        ax_img = fig.add_axes((0.02, 0.2, 0.2, 0.62))
        ax_line = fig.add_axes((0.27, 0.2, 0.35, 0.62))
        ax_bars = fig.add_axes((0.69, 0.2, 0.3, 0.62))
        self.axes = (ax_img, ax_line, ax_bars)
        self._draw_image(ax_img)
        self._draw_number_line(ax_line, path_s)
        self._draw_bars(ax_bars)

        self.s = 0.0
        self.value = float("nan")
        self.answer = -1
        self.probabilities = np.zeros(self.k)
        self.blend = first.copy()

    def _draw_image(self, ax_img: Axes) -> None:
        """The blended image, without ticks, the blend written under it."""
        self.image = ax_img.imshow(np.zeros(self.shape), cmap="gray_r", vmin=0.0, vmax=1.0)
        ax_img.set_xticks([])
        ax_img.set_yticks([])
        ax_img.set_title("", fontsize=11, color=INK)
        ax_img.set_xlabel(
            f"(1 \N{MINUS SIGN} s) \N{MIDDLE DOT} {self.first_name}  +  "
            f"s \N{MIDDLE DOT} {self.second_name}",
            fontsize=10,
            color=INK,
        )

    def _draw_number_line(self, ax_line: Axes, path_s: np.ndarray) -> None:
        """The regressor's number line, with the path its output takes over all ``path_s``."""
        lo, hi = -0.5, self.k - 0.5
        self._range = (lo, hi)
        self.answer_band = Rectangle(
            (0 - 0.5, -1.0), 1.0, 2.0, color=OKABE_ITO["orange"], alpha=0.25, linewidth=0
        )
        ax_line.add_patch(self.answer_band)
        ax_line.axhline(0.0, color=INK, linewidth=1.2, zorder=1)
        path = np.array([self._regress(self._blend(s)) for s in path_s])
        ax_line.plot(
            np.clip(path, lo, hi),
            np.zeros_like(path),
            "o",
            color=MUTED,
            markersize=3.5,
            zorder=2,
            label="output, all s",
        )
        (self.marker,) = ax_line.plot(
            [0.0],
            [0.0],
            marker="v",
            markersize=15,
            color=PALETTE[0],
            markeredgecolor=INK,
            linestyle="none",
            zorder=4,
            label="output at this s",
        )
        self.value_text = ax_line.text(
            0.0, 0.32, "", ha="center", va="bottom", fontsize=10, color=INK, zorder=5
        )
        ax_line.set_xlim(lo, hi)
        ax_line.set_ylim(-0.6, 1.0)
        ax_line.set_xticks(range(self.k))
        ax_line.set_yticks([])
        for spine in ("left", "right", "top"):
            ax_line.spines[spine].set_visible(False)
        ax_line.set_xlabel("digit value (orange: rounded answer)", fontsize=10)
        ax_line.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, 1.02),
            ncol=2,
            frameon=False,
            fontsize=9.5,
            handletextpad=0.3,
            columnspacing=1.0,
            markerscale=0.6,
        )
        ax_line.set_title("", fontsize=11, color=INK)

    def _draw_bars(self, ax_bars: Axes) -> None:
        """The classifier's probabilities, one bar per class; the two blended classes coloured."""
        k = self.k
        self._colours = [MUTED] * k
        ends = (self.first_name, PALETTE[0]), (self.second_name, PALETTE[1])
        for index, colour in ((self._class_index(name), colour) for name, colour in ends):
            if index is not None:
                self._colours[index] = colour
        self.bars = ax_bars.bar(
            range(k), np.zeros(k), color=self._colours, edgecolor=INK, linewidth=0.6
        )
        ax_bars.set_xlim(-0.6, k - 0.4)
        ax_bars.set_ylim(0.0, 1.05)
        ax_bars.set_xticks(range(k))
        ax_bars.set_xlabel("class", fontsize=10)
        ax_bars.set_ylabel("probability", fontsize=10)
        ax_bars.grid(axis="y", alpha=0.3)
        ax_bars.set_title("", fontsize=11, color=INK)

    def _class_index(self, name: str) -> int | None:
        try:
            index = int(name)
        except ValueError:
            return None
        return index if 0 <= index < self.k else None

    def _blend(self, s: float) -> np.ndarray:
        return (1.0 - s) * self.first + s * self.second

    def _regress(self, x: np.ndarray) -> float:
        return float(np.asarray(self.regressor(x[None, :])).reshape(-1)[0])

    def update(self, s: float) -> None:
        """Blend with weight ``s``, run both models through nncore, and redraw in place.

        Parameters
        ----------
        s : float
            0 gives the first image, 1 the second.
        """
        x = self._blend(float(s))
        self.s = float(s)
        self.blend = x
        self.value = self._regress(x)
        self.answer = int(np.clip(np.rint(self.value), 0, self.k - 1))
        self.probabilities = softmax(np.asarray(self.classifier(x[None, :]))[0])
        top = int(np.argmax(self.probabilities))

        ax_img, ax_line, ax_bars = self.axes
        self.image.set_data(x.reshape(self.shape))
        ax_img.set_title(f"blend, s = {s:.2f}")

        lo, hi = self._range
        shown = min(max(self.value, lo), hi)
        self.marker.set_data([shown], [0.14])
        # Centred over the marker, or held inside the axes near either end.
        side = "left" if shown < lo + 2.5 else "right" if shown > hi - 2.5 else "center"
        self.value_text.set_x({"left": lo, "right": hi, "center": shown}[side])
        self.value_text.set_ha(side)
        value = f"{self.value:.2f}".replace("-", "\N{MINUS SIGN}")
        self.value_text.set_text(f"output {value} \N{RIGHTWARDS ARROW} answer {self.answer}")
        self.answer_band.set_x(self.answer - 0.5)
        ax_line.set_title(f"A, one output: answers {self.answer}")

        for c, bar in enumerate(self.bars):
            bar.set_height(self.probabilities[c])
            bar.set_linewidth(2.2 if c == top else 0.6)
        ax_bars.set_title(f"B, softmax: answers {top} (p = {self.probabilities[top]:.2f})")

    def describe(self) -> str:
        """Describe the frame drawn last in one sentence, for screen readers.

        Returns
        -------
        str
            The text alternative of the figure.
        """
        s = self.s
        order = np.argsort(-self.probabilities)
        first, second = int(order[0]), int(order[1])
        return (
            f"Blend of a {self.first_name} and a {self.second_name} at s = {s:.2f}. Regression "
            f"output {self.value:.2f}, rounded to {self.answer}. Classifier probabilities: {first} "
            f"{self.probabilities[first]:.2f}, {second} {self.probabilities[second]:.2f}."
        )


def digit_morph_explorer(
    regressor: nc.Sequential,
    classifier: nc.Sequential,
    first_image: ArrayLike,
    second_image: ArrayLike,
    *,
    first_name: str = "first image",
    second_name: str = "second image",
    steps: int = 21,
    title: str | None = None,
    instruction: str | None = None,
    dpi: float = 80,
    **options: Any,
) -> Explorer:
    """A slider that morphs one digit into another while two trained models read it.

    For each ``s`` on an evenly spaced grid from 0 to 1, the input is the pixelwise
    blend ``(1 - s) * first_image + s * second_image``. The frame shows the blend, the
    regressor's output on a number line with its rounded answer, and the classifier's
    softmax probabilities as bars; both models are run forward through nncore. The
    models are used as they are (not copied): with a kernel, a moved slider shows
    their current state.

    Parameters
    ----------
    regressor : Sequential
        A model with one output read as a digit value, e.g. ``nc.mlp([64, 32, 1])``
        trained with ``MSELoss``. If it was trained on standardised targets, fold the
        scaling into its last ``Linear`` first so that it outputs digit values.
    classifier : Sequential
        A model with ``k >= 2`` outputs (logits), e.g. ``nc.mlp([64, 32, 10])`` trained
        with ``CrossEntropyLoss``. The number line runs over ``0..k-1``.
    first_image, second_image : array_like, shape (n_inputs,) or (side, side)
        Pixel intensities, as the models were trained on (e.g. rows of
        ``nc.load_digits().x_test``). Square images are drawn as squares.
    first_name, second_name : str
        What the images show, e.g. ``"1"`` and ``"7"``; a name that is a class number
        colours that class's bar.
    steps : int, default 21
        Number of values of ``s`` (frames), at least 2.
    title, instruction : str, optional
        Shown above the slider; the defaults name the two images and say what to try.
    dpi : float, default 80
        Resolution of the frames.
    **options
        Passed on to :class:`nncore.widgets.Explorer`.

    Returns
    -------
    Explorer
        One ``Slider`` named ``s``; ``explorer.view`` is the :class:`DigitMorphView`.

    Examples
    --------
    ::

        d = nc.load_digits()
        a, b = nc.mlp([64, 32, 1], rng=0), nc.mlp([64, 32, 10], rng=0)
        digit_morph_explorer(a, b, d.x_test[0], d.x_test[1], first_name="1", second_name="7")
    """
    first = np.asarray(first_image, dtype=np.float64).reshape(-1)
    second = np.asarray(second_image, dtype=np.float64).reshape(-1)
    s_values = tuple(round(float(s), 6) for s in np.linspace(0.0, 1.0, int(steps)))
    names = dict(first_name=first_name, second_name=second_name)
    view = DigitMorphView(regressor, classifier, first, second, **names, path_s=np.array(s_values))
    try_this = (
        f"Drag s from 0 (the {first_name}) to 1 (the {second_name}) and compare the two models' "
        "answers."
    )
    return make_explorer(
        view,
        {"s": Slider(s_values, label="blend s", fmt="{:.2f}")},
        title=title or f"Morph a {first_name} into a {second_name}",
        instruction=instruction or try_this,
        dpi=dpi,
        options=options,
    )
