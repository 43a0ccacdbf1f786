"""What an explorer drives: a *view*, and the checks of what it says and returns.

A view is any object with a matplotlib ``figure``, an ``update(**values)`` method that
recomputes through nncore and changes the figure's artists in place (returning ``None``:
what it computed stays on the view as attributes), and a ``describe()`` method that says in
one sentence what the figure shows now, read from the view's current state. :class:`View`
states this as a protocol; :func:`check_view`, :func:`update_view` and
:func:`describe_view` hold a view to it with messages that name the view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from matplotlib.figure import Figure

__all__ = ["View", "check_view", "describe_view", "update_view"]


@runtime_checkable
class View(Protocol):
    """A figure that recomputes for the controls' values and says what it shows.

    A protocol: any object with these members is a view, whatever its class.

    Parameters
    ----------
    *args, **kwargs
        Not used: the protocol describes views; it is not built itself.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The figure the explorer shows; it takes the figure over (out of pyplot, at its dpi).
    overlays : list of Overlay, optional
        Not part of the protocol: a view may split its figure into
        :class:`~nncore.widgets.Overlay` objects.
    """

    figure: Figure

    def update(self, *args: Any, **values: Any) -> None:
        """Recompute for the controls' values and change the figure's artists in place.

        Parameters
        ----------
        *args
            Not used: the explorer passes every value by keyword.
        **values
            One keyword per control, its current value.
        """

    def describe(self) -> str:
        """Say in one sentence what the figure shows now, from the view's current state.

        Returns
        -------
        str
            The figure's text alternative, read by screen readers in place of the picture.
        """


def check_view(view: Any) -> None:
    """Raise ``TypeError`` unless ``view`` has a matplotlib ``figure``, ``update`` and ``describe``.

    Parameters
    ----------
    view : object
    """
    from matplotlib.figure import Figure

    missing = [name for name in ("update", "describe") if not callable(getattr(view, name, None))]
    if not isinstance(getattr(view, "figure", None), Figure):
        missing.append("figure")
    if missing:
        raise TypeError(
            f"Explorer: the view must have a matplotlib `figure`, an `update(**values)` method "
            f"that redraws it and a `describe()` method that says what it shows; "
            f"{type(view).__name__} lacks {', '.join(missing)}."
        )


def update_view(view: View, values: Mapping[str, Any], title: str) -> None:
    """Call ``view.update(**values)`` and check that it returned ``None``.

    Parameters
    ----------
    view : View
    values : mapping of str to object
        One value per control.
    title : str
        The explorer's title, for the message.

    Raises
    ------
    TypeError
        If ``update`` returns something: a view keeps what it computed as attributes.
    """
    update: Callable[..., object] = view.update  # a view may return something all the same
    returned = update(**values)
    if returned is not None:
        raise TypeError(
            f"Explorer {title!r}: {type(view).__name__}.update() must return None, got "
            f"{type(returned).__name__}; keep what it computes as attributes of the view "
            f"(describe() reads them)."
        )


def describe_view(view: View, title: str) -> str:
    """Call ``view.describe()`` and check that it returned a sentence.

    Parameters
    ----------
    view : View
        An explorer's view, updated for the setting to describe.
    title : str
        The explorer's title, for the message.

    Returns
    -------
    str
        What ``describe()`` returned: a string with more than white space.

    Raises
    ------
    TypeError
        If ``describe()`` returns anything but a ``str`` (``None``, a number, bytes).
    ValueError
        If it returns an empty or blank string.
    """
    said = view.describe()
    if isinstance(said, str) and said.strip():
        return said
    raise (ValueError if isinstance(said, str) else TypeError)(
        f"Explorer {title!r}: {type(view).__name__}.describe() must return a non-empty str, "
        f"one sentence on what the figure now shows (screen readers read it in place of the "
        f"picture); got {said!r} ({type(said).__name__}). Return a sentence such as "
        f"f'A line of slope {{self.slope}}.'"
    )
