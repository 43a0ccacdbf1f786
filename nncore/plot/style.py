"""The look every figure shares: palette, ink, one muted grey, how numbers and activations read.

Only numpy is imported here; :func:`pyplot` imports matplotlib when a figure is drawn.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..layers import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "DEAD",
    "INK",
    "MARKERS",
    "MUTED",
    "NEGATIVE",
    "OKABE_ITO",
    "PALETTE",
    "POSITIVE",
    "activation_name",
    "format_number",
    "new_axes",
    "pyplot",
    "tint",
]

#: Okabe-Ito palette, eight colours that stay distinct under the common
#: forms of colour-vision deficiency.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Order in which series (curves, classes) take their colours.
PALETTE: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)

#: Colour of positive weights in network diagrams.
POSITIVE: str = OKABE_ITO["blue"]
#: Colour of negative weights in network diagrams.
NEGATIVE: str = OKABE_ITO["vermillion"]
#: Fill of dead units (drawn hatched as well, so colour is not the only cue).
DEAD: str = "#D9D9D9"
#: A soft black for text, outlines and reference lines.
INK: str = "#333333"
#: The one grey for secondary text, outlines of inactive things and hatching
#: (5.3:1 against white, readable as text).
MUTED: str = "#6B6B6B"
#: Markers of the classes, in the order of :data:`PALETTE`, so shape is a second cue.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")

_MINUS = "\N{MINUS SIGN}"


def format_number(value: float) -> str:
    """Write a number short and readable: 3 significant digits and a true minus sign.

    Parameters
    ----------
    value : float

    Returns
    -------
    str
        ``"0"`` for values within 5e-13 of zero, ``"0.982"``, ``"−4"``, ``"1.5e−05"``.

    Examples
    --------
    >>> format_number(-4.0), format_number(24.0), format_number(1 / 3)
    ('−4', '24', '0.333')
    """
    value = float(value)
    if abs(value) < 5e-13:
        return "0"
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", _MINUS)


_ACTIVATION_NAMES = {
    ReLU: "ReLU",
    Sigmoid: "logistic sigmoid",
    Tanh: "tanh",
    Identity: "identity",
    Softmax: "softmax",
}


def activation_name(layer: Any) -> str:
    """Name an activation layer as a figure writes it (``None``, no activation: ``"linear"``).

    Parameters
    ----------
    layer : Module or None

    Returns
    -------
    str
        For example ``"ReLU"``, ``"leaky ReLU (0.1)"``, ``"logistic sigmoid"``.
    """
    if layer is None:
        return "linear"
    if isinstance(layer, LeakyReLU):
        return f"leaky ReLU ({layer.negative_slope:g})"
    return _ACTIVATION_NAMES.get(type(layer), type(layer).__name__)


def tint(colour: str, amount: float) -> NDArray[np.float64]:
    """``colour`` mixed with white: ``amount`` 1 is the colour, 0 is white.

    Returns
    -------
    numpy.ndarray, shape (3,)
        RGB values in [0, 1].
    """
    from matplotlib.colors import to_rgb

    rgb = np.array(to_rgb(colour))
    return 1.0 - amount * (1.0 - rgb)


def pyplot() -> ModuleType:
    """``matplotlib.pyplot``, imported on first use."""
    import matplotlib.pyplot as plt

    return plt


def figure_of(ax: Axes) -> Figure:
    """The figure ``ax`` is drawn on (the whole figure for an Axes in a subfigure)."""
    from matplotlib.figure import SubFigure

    figure = ax.figure
    return figure.figure if isinstance(figure, SubFigure) else figure


def new_axes(figsize: tuple[float, float]) -> Axes:
    """One Axes on a new figure of ``figsize`` inches, with constrained layout."""
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax
