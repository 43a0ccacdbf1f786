"""The controls of an :class:`~nncore.widgets.Explorer`: sliders over a grid, and choices.

A control is a grid of values and how to show it. :func:`as_control` is the one check of
every grid an explorer receives: it turns a plain sequence into a :class:`Slider` (numbers)
or a :class:`Choice` (anything else, booleans included) and rejects what cannot become one
with a message that names the control. Values keep their type: an ``int`` grid gives
``update`` ints, a ``bool`` grid bools. :func:`control_info` gives a checked control as plain
data (:class:`ControlInfo`), which is all a page needs to draw it. Nothing here imports
ipywidgets.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

__all__ = [
    "Choice",
    "ControlInfo",
    "Slider",
    "as_control",
    "check_controls",
    "control_info",
    "control_values",
    "grid_position",
    "initial_index",
    "label_of",
]

_MINUS = "\N{MINUS SIGN}"


@dataclass(frozen=True)
class Slider:
    """A numeric control: a slider over a fixed grid of values.

    Parameters
    ----------
    values : sequence of int or float
        The grid, in slider order; one frame is rendered per value. Values are passed to
        ``update`` as given (an ``int`` stays an ``int``).
    label : str, optional
        Text before the slider; the control's name by default.
    initial : int or float, optional
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


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python scalar of the same kind (``np.int64(1)`` -> ``1``)."""
    return value.item() if isinstance(value, np.generic) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def as_control(name: str, spec: Any, *, where: str = "Explorer") -> Slider | Choice:
    """Check one control's grid and return it as a :class:`Slider` or :class:`Choice`.

    Parameters
    ----------
    name : str
        The control's name (the keyword ``update`` receives), for messages.
    spec : Slider, Choice or sequence
        A sequence of numbers becomes a ``Slider``; any other sequence (booleans,
        strings, objects) a ``Choice``.
    where : str, default "Explorer"
        The caller, for messages.

    Returns
    -------
    Slider or Choice
        With its values as plain Python scalars, types kept.

    Raises
    ------
    TypeError
        If ``spec`` is not a control or a 1-D sequence of hashable values (a 2-D array, a
        list of lists), a choice holds a value not equal to itself (nan), or a slider holds
        something other than numbers.
    ValueError
        If the grid is empty, not finite, repeats a value, or ``initial`` is not on it.
    """
    if isinstance(spec, (Slider, Choice)):
        control = spec
    elif isinstance(spec, (str, bytes)) or not isinstance(spec, (Sequence, np.ndarray)):
        raise TypeError(
            f"{where}: control {name!r} must be a Slider, a Choice or a sequence of values, "
            f"got {type(spec).__name__}. For example {{{name!r}: [-1, 0, 1]}}."
        )
    else:
        _check_flat(name, spec, where)
        if len(spec) and all(_is_number(v) for v in spec):
            control = Slider(tuple(spec))
        else:
            control = Choice(tuple(spec))
    kind = type(control).__name__
    grid = control.values if isinstance(control, Slider) else control.options
    _check_flat(name, grid, where, choice=isinstance(control, Choice))
    values = [_plain(v) for v in control_values(control)]
    if not values:
        raise ValueError(f"{where}: {kind} {name!r} has no values; give it at least one.")
    if isinstance(control, Slider):
        if not all(_is_number(v) for v in values):
            raise TypeError(
                f"{where}: Slider {name!r} must hold numbers only, got {values!r}; use a Choice "
                f"for other values."
            )
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"{where}: Slider {name!r} needs finite numbers, got {values!r}.")
        _check_texts(name, control, values, where)
        control = replace(control, values=tuple(values))
    else:
        if control.style not in ("buttons", "dropdown"):
            raise ValueError(
                f"{where}: Choice {name!r} has style {control.style!r}; use 'buttons' or "
                f"'dropdown'."
            )
        _check_texts(name, control, values, where)
        if control.labels is not None and len(control.labels) != len(values):
            raise ValueError(
                f"{where}: Choice {name!r} has {len(values)} options but "
                f"{len(control.labels)} labels; give one label per option."
            )
        control = replace(control, options=tuple(values))
    if len({(type(v), v) for v in values}) != len(values):
        raise ValueError(
            f"{where}: {kind} {name!r} has repeated values {values!r}; each grid value must "
            f"appear once."
        )
    if control.initial is not None and grid_position(values, control.initial) is None:
        raise ValueError(
            f"{where}: {kind} {name!r} starts at {control.initial!r}, which is not on its grid "
            f"{values!r}; pick one of the grid values."
        )
    return control


def check_controls(controls: Any) -> dict[str, Slider | Choice]:
    """Check an explorer's controls: a mapping of identifiers to grids or controls.

    Parameters
    ----------
    controls : mapping of str to Slider, Choice or sequence

    Returns
    -------
    dict of str to Slider or Choice
        Each control checked by :func:`as_control`, by name, in order.
    """
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
    return {name: as_control(name, spec) for name, spec in controls.items()}


def _check_texts(name: str, control: Slider | Choice, values: list[Any], where: str) -> None:
    """Raise unless the control's label, a slider's format and a choice's labels can be shown."""
    kind = type(control).__name__
    if control.label is not None and not isinstance(control.label, str):
        raise TypeError(
            f"{where}: {kind} {name!r} has label {control.label!r}; a label is a str (the text "
            f"before the control), or None for the control's name."
        )
    if control.label is not None and not control.label.strip():
        raise ValueError(
            f"{where}: {kind} {name!r} has label {control.label!r}; give a non-empty str, or "
            f"None for the control's name."
        )
    if isinstance(control, Slider):
        if not isinstance(control.fmt, str):
            raise TypeError(
                f"{where}: Slider {name!r} has fmt {control.fmt!r}; fmt is a str such as "
                f"'{{:.3g}}' that writes a value."
            )
        for value in values:
            try:
                control.fmt.format(value)
            except (ValueError, TypeError, IndexError, KeyError) as error:
                raise ValueError(
                    f"{where}: Slider {name!r} cannot write its value {value!r} with fmt "
                    f"{control.fmt!r} ({error}); use a format such as '{{:.3g}}'."
                ) from None
    elif control.labels is not None and (
        isinstance(control.labels, (str, bytes))
        or not isinstance(control.labels, Sequence)
        or not all(isinstance(label, str) for label in control.labels)
    ):
        raise TypeError(
            f"{where}: Choice {name!r} has labels {control.labels!r}; labels are a sequence of "
            f"str, one per option, e.g. {[str(v) for v in values]!r}."
        )


def _check_flat(name: str, grid: Any, where: str, *, choice: bool = False) -> None:
    """Raise TypeError unless ``grid`` is a 1-D sequence of hashable values; those of a
    ``choice`` must each equal itself (or it could not be found on the grid again: a
    Slider refuses nan with its own check of finite values)."""
    rule = (
        f"{where}: control {name!r} must be a 1-D sequence of hashable values (numbers, "
        f"strings, booleans, tuples of them)"
    )
    if isinstance(grid, (str, bytes)) or not isinstance(grid, (Sequence, np.ndarray)):
        raise TypeError(f"{rule}, got {type(grid).__name__} {grid!r}.")
    if isinstance(grid, np.ndarray) and grid.ndim != 1:
        raise TypeError(
            f"{rule}, got a {grid.ndim}-D array of shape {grid.shape}. Give one value per "
            f"grid point, e.g. a tuple per row: [tuple(row) for row in array]."
        )
    for value in grid:
        try:
            hash(value)
        except TypeError:
            raise TypeError(
                f"{rule}; its value {value!r} (a {type(value).__name__}) is not hashable. Use a "
                f"tuple for a list or an array, or give the values names and look them up in "
                f"update."
            ) from None
        if choice and value != value:
            raise TypeError(
                f"{rule}; its value {value!r} is not equal to itself, so it could not be found "
                f"on the grid again. Leave it out or name it with a string."
            )


def grid_position(values: Sequence[Any], value: Any) -> int | None:
    """Find ``value`` on a grid: ``True`` is not ``1``, ``np.float64(0.5)`` is ``0.5``.

    Parameters
    ----------
    values : sequence
        A control's grid.
    value : object

    Returns
    -------
    int or None
        Its index, or ``None`` if it is not on the grid.
    """
    for i, v in enumerate(values):
        if v == value and isinstance(v, bool) == isinstance(value, (bool, np.bool_)):
            return i
    return None


def control_values(control: Slider | Choice) -> list[Any]:
    """List the grid of ``control``, in display order.

    Parameters
    ----------
    control : Slider or Choice

    Returns
    -------
    list
    """
    return list(control.values if isinstance(control, Slider) else control.options)


def initial_index(control: Slider | Choice) -> int:
    """Find the grid index the control starts at.

    Parameters
    ----------
    control : Slider or Choice
        Checked by :func:`as_control`.

    Returns
    -------
    int
        The index of ``initial``, else a slider's middle value or a choice's first option.
    """
    values = control_values(control)
    if control.initial is not None:
        start = grid_position(values, control.initial)
        assert start is not None, "as_control keeps initial on the grid"
        return start
    return (len(values) - 1) // 2 if isinstance(control, Slider) else 0


def label_of(control: Slider | Choice, value: Any) -> str:
    """Write ``value`` as ``control`` shows it: the slider's format or the choice's label.

    Parameters
    ----------
    control : Slider or Choice
        Checked by :func:`as_control`.
    value : object
        A value on its grid.

    Returns
    -------
    str
        With a true minus sign on a slider.
    """
    if isinstance(control, Slider):
        return control.fmt.format(value).replace("-", _MINUS)
    labels = control.labels or [str(v) for v in control.options]
    position = grid_position(control.options, value)
    assert position is not None, f"{value!r} is not on the grid"
    return labels[position]


@dataclass(frozen=True)
class ControlInfo:
    """A checked control as plain data: all a page needs to draw it.

    Attributes
    ----------
    name : str
        The keyword ``update`` receives.
    label : str
        The text before the control (the name unless the control has a label).
    kind : {"slider", "buttons", "dropdown"}
        How it is drawn.
    values : tuple
        The grid, in display order.
    value_labels : tuple of str
        How each value reads (a slider's format, a choice's labels).
    initial : int
        Grid index of the starting value.
    """

    name: str
    label: str
    kind: str
    values: tuple[Any, ...]
    value_labels: tuple[str, ...]
    initial: int


def control_info(name: str, control: Slider | Choice) -> ControlInfo:
    """Describe a checked control as plain data.

    Parameters
    ----------
    name : str
        The control's name.
    control : Slider or Choice
        Checked by :func:`as_control`.

    Returns
    -------
    ControlInfo
    """
    values = tuple(control_values(control))
    return ControlInfo(
        name=name,
        label=control.label or name,
        kind="slider" if isinstance(control, Slider) else control.style,
        values=values,
        value_labels=tuple(label_of(control, v) for v in values),
        initial=initial_index(control),
    )
