"""Which forward pass an array belongs to, so a backward pass can refuse a stale gradient.

Every top-level forward pass takes a new number from one counter (its *stamp*)
and marks its output with it; a loss computed on that output marks the
gradient it returns with the same stamp. ``Module.backward`` compares the stamp
of the gradient it receives with the stamp of its own last forward pass: a
mismatch means a second forward pass ran in between, whose saved values would
give wrong gradients. Arrays are tracked through weak references, so marking
keeps nothing alive.
"""

from __future__ import annotations

import itertools
import weakref

import numpy as np

_clock = itertools.count(1)
_marks: dict[int, tuple[weakref.ref, int]] = {}


def new_stamp() -> int:
    """A number no earlier forward pass has had."""
    return next(_clock)


def _forget(key: int) -> None:
    _marks.pop(key, None)


def mark(arr: np.ndarray, stamp: int) -> None:
    """Record that ``arr`` was computed from the forward pass ``stamp``."""
    key = id(arr)
    _marks[key] = (weakref.ref(arr, lambda _ref, key=key: _forget(key)), stamp)


def stamp_of(arr: object) -> int | None:
    """The forward pass ``arr`` came from, or ``None`` if it was not marked."""
    entry = _marks.get(id(arr))
    if entry is not None and entry[0]() is arr:
        return entry[1]
    return None
