"""The widgets that carry an explorer's pictures in a page, saved without default values.

An explorer puts hundreds of pictures, stacks and links in its page, and their defaults
(empty classes and titles, view names and versions...) would be about half of the JSON
besides the images. :class:`DescribedImage` shows a picture with its text alternative,
:class:`DecorativeImage` an overlay's picture that screen readers skip, :class:`SlimStack`
switches pictures and :class:`SlimLink` ties a stack to its control in the browser.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import traitlets
from ipywidgets.widgets.widget_link import Link

__all__ = ["DecorativeImage", "DescribedImage", "SlimLink", "SlimStack"]


class _SlimState:
    """Save a widget's state without the keys that hold their default value.

    The front end fills them in from the same defaults; the model's name, module and
    version stay, since a front end creates the model from them, and so do the keys in
    ``_always``.
    """

    _always: tuple[str, ...] = ()

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        """Return the widget's state (all of it for ``key=None``), without default values.

        Parameters
        ----------
        key : str or iterable of str, optional
            The keys wanted; with a key the state is the usual one.
        drop_defaults : bool, default False
            Passed on when ``key`` is given.

        Returns
        -------
        dict
        """
        parent: Any = super()  # the widget class this mixes into
        if key is not None:
            return dict(parent.get_state(key, drop_defaults=drop_defaults))
        state = dict(parent.get_state(drop_defaults=True))
        kept = ("_model_name", "_model_module", "_model_module_version", *self._always)
        for name in ("_dom_classes", "titles"):  # saved as [] or [""...] against a default of ()
            if name in state and not any(state[name]):
                state.pop(name)
        return {**parent.get_state(kept), **state}


# ipywidgets ships no type information: its classes are Any to a type checker, which strict
# mode refuses as bases (the ignores below say so, class by class).
_StackBase: Any = widgets.Stack if hasattr(widgets, "Stack") else widgets.Box


class DescribedImage(_SlimState, widgets.Image):  # type: ignore[misc]
    """An image widget whose ``tooltip`` (the picture's text alternative) reaches the page.

    The browser-side view sets the ``title`` attribute from ``tooltip`` only after
    reading the widget's ``description``, which images lack: without this empty
    one, an HTML page's widget manager fails to draw the image at all.

    Parameters
    ----------
    **kwargs
        Passed on to ``ipywidgets.Image`` (``value``, ``format``, ``tooltip``, ``layout``).
    """

    # Default None, set to "" on construction: so even a state saved without default
    # values (ipywidgets.embed's drop_defaults) carries it.
    description = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    _always = ("description",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(description="", **kwargs)


class DecorativeImage(_SlimState, widgets.HTML):  # type: ignore[misc]
    """An HTML widget holding one decorative ``<img alt="">`` of an overlay."""


class SlimStack(_SlimState, _StackBase):  # type: ignore[misc]
    """The stacks that switch an explorer's pictures."""


class SlimLink(_SlimState, Link):  # type: ignore[misc]
    """A browser-side link (``jslink``)."""
