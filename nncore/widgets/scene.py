"""What an explorer's display draws from: the view, its controls' grid and the picture format.

:class:`Scene` is what the explorer hands to its display (:mod:`nncore.widgets.display`):
the checked view and controls, the title that names the explorer in messages and in its
page's budget, and how pictures are drawn (dpi, palette, format).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .budget import PageBudget
from .controls import Choice, ControlInfo, Slider, control_info, control_values
from .images import figure_image
from .view import View, describe_view, update_view

__all__ = ["Scene"]


@dataclass(frozen=True)
class Scene:
    """An explorer's view and controls, and how its pictures are drawn.

    Attributes
    ----------
    view : View
        Its figure is on an Agg canvas, at ``dpi``.
    title : str
    controls : dict of str to Slider or Choice
        Checked by :func:`~nncore.widgets.controls.as_control`, outermost first.
    dpi : float
    colors : int or None
        Palette size of the pictures.
    image_format : {"webp", "png"}
    budget : PageBudget
        The page's budget of embedded widget state.
    instruction : str
        What to try (shown after "Try this:"); empty when there is none.
    output : {"widget", "figure", "both"}
        What the explorer's output holds (:func:`~nncore.widgets.display.explorer_output`).
    """

    view: View
    title: str
    controls: Mapping[str, Slider | Choice]
    dpi: float
    colors: int | None
    image_format: str
    budget: PageBudget
    instruction: str = ""
    output: str = "widget"

    @property
    def names(self) -> list[str]:
        """Control names, outermost first."""
        return list(self.controls)

    @property
    def grid(self) -> dict[str, list[Any]]:
        """The values of each control."""
        return {name: control_values(spec) for name, spec in self.controls.items()}

    @property
    def shape(self) -> tuple[int, ...]:
        """The number of values of each control."""
        return tuple(len(v) for v in self.grid.values())

    def values_at(self, index: Sequence[int]) -> dict[str, Any]:
        """Give the control values of grid point ``index``.

        Parameters
        ----------
        index : sequence of int
            One grid index per control.

        Returns
        -------
        dict of str to object
        """
        grid = self.grid
        return {name: grid[name][i] for name, i in zip(grid, index, strict=True)}

    def infos(self) -> list[ControlInfo]:
        """Describe the controls as plain data, outermost first.

        Returns
        -------
        list of ControlInfo
        """
        return [control_info(name, spec) for name, spec in self.controls.items()]

    def render(self, values: Mapping[str, Any]) -> tuple[bytes, str]:
        """Update the view for ``values`` and draw the whole figure.

        Parameters
        ----------
        values : mapping of str to object
            One value per control (on its grid or not).

        Returns
        -------
        image : bytes
            The figure, encoded as ``image_format``.
        alt : str
            ``view.describe()`` after the update: what the image shows.
        """
        update_view(self.view, values, self.title)
        image = figure_image(self.view.figure, colors=self.colors, fmt=self.image_format)
        return image, describe_view(self.view, self.title)
