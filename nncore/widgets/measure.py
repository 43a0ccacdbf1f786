"""How many bytes widgets add to a page: their saved state, as the page embeds it.

An executed notebook saves the state of every widget it displayed, and its HTML page embeds
that state as JSON, with each image base64-encoded. :func:`state_size` measures exactly
that for a set of widgets, :func:`reachable` finds every widget a display refers to, and
:func:`encoded_size` is the base64 length of binary data (for estimates before the widgets
exist).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

__all__ = ["encoded_size", "reachable", "state_size"]


def reachable(roots: Iterable[Any]) -> list[widgets.Widget]:
    """Collect every widget ``roots`` refer to (children, layouts, styles, link ends).

    Parameters
    ----------
    roots : iterable of ipywidgets.Widget, lists or tuples of them, or other values (skipped)

    Returns
    -------
    list of ipywidgets.Widget
        The roots included, each widget once.
    """
    seen: dict[str, widgets.Widget] = {}
    todo = list(roots)
    while todo:
        item = todo.pop()
        if isinstance(item, (list, tuple)):
            todo.extend(item)
        elif isinstance(item, widgets.Widget) and item.model_id not in seen:
            seen[item.model_id] = item
            todo.extend(getattr(item, key) for key in item.keys)
    return list(seen.values())


def encoded_size(n_bytes: int) -> int:
    """Compute the length of the base64 text of ``n_bytes`` bytes (4 characters per 3 bytes).

    Parameters
    ----------
    n_bytes : int

    Returns
    -------
    int
    """
    return 4 * math.ceil(n_bytes / 3)


def state_size(items: Iterable[widgets.Widget]) -> int:
    """Measure the bytes the saved state of ``items`` takes in a page (JSON, base64 images).

    Parameters
    ----------
    items : iterable of ipywidgets.Widget

    Returns
    -------
    int
    """
    state = widgets.Widget.get_manager_state(widgets=list(items))["state"]
    return len(json.dumps(state).encode("utf-8"))
