"""Which forward pass an array belongs to, and when a parameter last changed.

Forward passes and parameter writes take numbers from one counter, so their
numbers tell which came first.

Every top-level forward pass takes a new number (its *stamp*) and marks its
output with it; a loss computed on that output, or on a view of it, marks the
gradient it returns with the same stamp. ``Module.backward`` compares the
stamp of the gradient it receives with the stamp of its own last forward
pass: a mismatch means a second forward pass ran in between, whose saved
values would give wrong gradients. Arrays are tracked through weak
references, so marking keeps nothing alive; entries of freed arrays are
dropped whenever the table has grown by a few hundred.

A view (``pred.reshape(-1, 1)``, ``pred[:, 0]``, ``pred.T``, a slice of a
slice) is recognised through numpy's ``base`` chain. A new array computed from
the output (``pred * 1.0``, ``pred + 0``, ``np.array(pred)``, ``pred.copy()``)
shares no memory with it and carries no stamp: a loss on it is not checked.

Every change of a parameter's values made through its API (``p.data = ...``,
``p.data += ...``, an optimiser's step, ``load_state_dict``) takes a new number
too (:func:`new_write`); a backward pass whose stamp is older than a write of
one of its parameters refuses to mix old activations with new weights.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any

from numpy.typing import NDArray

_clock = itertools.count(1)
_marks: dict[int, tuple[weakref.ref[NDArray[Any]], int]] = {}
_PURGE_AT = 256  # entries; after each purge, the live entries plus this many
_purge_at = _PURGE_AT

last_write = 0
"""The number of the latest parameter write anywhere (0: none yet)."""


def new_stamp() -> int:
    """A number no earlier forward pass or write has had."""
    return next(_clock)


def new_write() -> int:
    """A number for a parameter write, later than every forward pass so far."""
    global last_write
    last_write = next(_clock)
    return last_write


def mark(arr: NDArray[Any], stamp: int) -> None:
    """Record that ``arr`` (and every view of it) was computed from the forward pass ``stamp``."""
    global _purge_at
    _marks[id(arr)] = (weakref.ref(arr), stamp)
    if len(_marks) > _purge_at:  # a freed array's id may be reused: its entry must go
        for key in [key for key, (ref, _) in _marks.items() if ref() is None]:
            del _marks[key]
        _purge_at = len(_marks) + _PURGE_AT


def stamp_of(arr: object) -> int | None:
    """The forward pass ``arr`` or the array it is a view of came from; ``None`` if unmarked.

    The array itself is looked up first, then each array along its ``base``
    chain, so a marked view of another marked array keeps its own stamp.
    """
    while arr is not None:
        entry = _marks.get(id(arr))
        if entry is not None and entry[0]() is arr:
            return entry[1]
        arr = getattr(arr, "base", None)
    return None
