"""How many bytes of widget state a page may embed, summed over the page's explorers.

An executed notebook saves the state of every widget it displayed, and its HTML page embeds
that state as JSON, with each image base64-encoded. That embedded state is the one unit of
the budget: an explorer's cost is the JSON of its widgets exactly as they would be saved.
Every explorer charges the page it belongs to (by default the module-level
:data:`page_budget`, which a chapter resets with ``page_budget.reset()``); the charge is
checked while the frames are rendered, before anything is displayed, and an explorer that
does not fit raises an error naming it, its size, what the page's other explorers use and
the limit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

__all__ = [
    "DEFAULT_PAGE_BYTES",
    "PageBudget",
    "page_budget",
    "encoded_size",
    "reachable",
    "state_size",
]

#: Widget state one page may embed, in bytes (JSON with base64 images), by default: what the
#: book allows a whole page to weigh.
DEFAULT_PAGE_BYTES = 1_500_000


def reachable(roots: Iterable[Any]) -> list[widgets.Widget]:
    """Every widget ``roots`` refer to (children, layouts, styles, link ends), roots included.

    Parameters
    ----------
    roots : iterable of ipywidgets.Widget, lists or tuples of them, or other values (skipped)

    Returns
    -------
    list of ipywidgets.Widget
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
    """Length of the base64 text of ``n_bytes`` bytes of binary data (4 characters per 3 bytes)."""
    return 4 * math.ceil(n_bytes / 3)


def state_size(items: Iterable[widgets.Widget]) -> int:
    """Bytes the saved state of ``items`` takes in a page: JSON with binary values in base64.

    Parameters
    ----------
    items : iterable of ipywidgets.Widget

    Returns
    -------
    int
    """
    state = widgets.Widget.get_manager_state(widgets=list(items))["state"]
    return len(json.dumps(state).encode("utf-8"))


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


class PageBudget:
    """The widget-state bytes one page may embed, shared by the explorers on it.

    Parameters
    ----------
    limit : int, default DEFAULT_PAGE_BYTES
        Bytes of embedded widget state (JSON, images in base64) the page may hold.

    Attributes
    ----------
    limit : int
    charges : dict of str to int
        Bytes charged by each explorer on the page, by title. An explorer built again with
        the same title (a re-run cell) replaces its earlier charge.
    """

    def __init__(self, limit: int = DEFAULT_PAGE_BYTES) -> None:
        self.limit = self._check_limit(limit)
        self.charges: dict[str, int] = {}

    @staticmethod
    def _check_limit(limit: int) -> int:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
            raise ValueError(
                f"PageBudget: limit must be a positive number of bytes, got {limit!r}; for "
                f"example PageBudget(1_500_000)."
            )
        return limit

    @property
    def used(self) -> int:
        """Bytes charged so far by the page's explorers."""
        return sum(self.charges.values())

    def available(self, title: str) -> int:
        """Compute the bytes left for the explorer ``title``.

        Parameters
        ----------
        title : str
            The explorer asking; its own earlier charge does not count.

        Returns
        -------
        int
            The limit minus the charges of the page's other explorers.
        """
        return self.limit - sum(n for t, n in self.charges.items() if t != title)

    def check(self, title: str, n_bytes: float, *, what: str, fix: str) -> None:
        """Raise ``ValueError`` if ``n_bytes`` more for ``title`` would overrun the page.

        Parameters
        ----------
        title : str
            The explorer asking.
        n_bytes : float
            Its size, measured or projected.
        what : str
            What ``n_bytes`` is, for the message (e.g. "its 125 frames would take about").
        fix : str
            How to make it fit, for the message.
        """
        if n_bytes <= self.available(title):
            return
        others = {t: n for t, n in self.charges.items() if t != title}
        listed = ", ".join(f"{t!r} {_mb(n)}" for t, n in others.items())
        used = (
            f"the page's other explorers use {_mb(sum(others.values()))} ({listed})"
            if others
            else "no other explorer on the page uses any"
        )
        raise ValueError(
            f"Explorer {title!r}: {what} {_mb(n_bytes)} of widget state (images in base64, as "
            f"the page embeds them); {used}, and the page budget is {_mb(self.limit)}. {fix}"
        )

    def charge(self, title: str, n_bytes: int) -> None:
        """Record that the explorer ``title`` embeds ``n_bytes``, after checking they fit.

        Parameters
        ----------
        title : str
            The explorer; a second charge replaces its first.
        n_bytes : int
            Its widget state in bytes.
        """
        self.check(
            title,
            n_bytes,
            what="it takes",
            fix="Lower dpi, use fewer grid values, or give the page a larger PageBudget.",
        )
        self.charges[title] = int(n_bytes)

    def release(self, title: str) -> None:
        """Forget the charge of ``title`` (its explorer was closed).

        Parameters
        ----------
        title : str
            The explorer; nothing happens if it has no charge.
        """
        self.charges.pop(title, None)

    def reset(self, limit: int | None = None) -> None:
        """Start a new page: forget every charge, optionally with a new ``limit``.

        Parameters
        ----------
        limit : int, optional
            The new limit in bytes; the current one is kept by default.
        """
        if limit is not None:
            self.limit = self._check_limit(limit)
        self.charges.clear()

    def report(self) -> str:
        """Describe the bytes used of the limit, per explorer, in one line.

        Returns
        -------
        str
            The total used, the limit and each explorer's charge.
        """
        parts = ", ".join(f"{t!r} {_mb(n)}" for t, n in self.charges.items())
        return f"widget state of this page: {_mb(self.used)} of {_mb(self.limit)}" + (
            f" ({parts})" if parts else ""
        )

    def __repr__(self) -> str:
        return f"PageBudget(limit={self.limit}, used={self.used})"


#: The budget explorers charge unless given another: one page per kernel.
page_budget = PageBudget()
