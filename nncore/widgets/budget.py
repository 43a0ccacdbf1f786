"""How many bytes of widget state a page may embed, summed over the page's explorers.

The unit is the widget state the page embeds: JSON, with images base64-encoded
(:mod:`nncore.widgets.measure`). Explorers built with one :class:`PageBudget` charge it, by
title; the charge is checked while the pictures are rendered, before anything is displayed,
and an explorer that does not fit raises an error naming it, its size, what the page's other
explorers use and the limit. The limit is the caller's to choose: a budget without one
records the charges and refuses nothing. Whoever owns the pages keeps one budget per page
(per kernel) and passes it to every explorer it builds.
"""

from __future__ import annotations

__all__ = ["PageBudget"]


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


class PageBudget:
    """The widget-state bytes one page may embed, shared by the explorers on it.

    Parameters
    ----------
    limit : int or None, default None
        Bytes of embedded widget state (JSON, images in base64) the page may hold; ``None``
        for no limit (the charges are recorded, nothing is refused).

    Attributes
    ----------
    limit : int or None
    charges : dict of str to int
        Bytes charged by each explorer on the page, by title. An explorer built again with
        the same title (a re-run cell) replaces its earlier charge.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = self._check_limit(limit)
        self.charges: dict[str, int] = {}

    @staticmethod
    def _check_limit(limit: int | None) -> int | None:
        if limit is None:
            return None
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
            raise ValueError(
                f"PageBudget: limit must be a positive number of bytes or None (no limit), got "
                f"{limit!r}; for example PageBudget(1_500_000)."
            )
        return limit

    @property
    def used(self) -> int:
        """Bytes charged so far by the page's explorers."""
        return sum(self.charges.values())

    def available(self, title: str) -> float:
        """Compute the bytes left for the explorer ``title``.

        Parameters
        ----------
        title : str
            The explorer asking; its own earlier charge does not count.

        Returns
        -------
        float
            The limit minus the charges of the page's other explorers; infinite without a
            limit.
        """
        if self.limit is None:
            return float("inf")
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
        n_limit = self.limit
        if n_limit is None or n_bytes <= self.available(title):
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
            f"the page embeds them); {used}, and the page budget is {_mb(n_limit)}. {fix}"
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
        limit = "no limit" if self.limit is None else _mb(self.limit)
        return f"widget state of this page: {_mb(self.used)} of {limit}" + (
            f" ({parts})" if parts else ""
        )

    def __repr__(self) -> str:
        return f"PageBudget(limit={self.limit}, used={self.used})"
