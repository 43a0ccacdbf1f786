"""Weight initialisers, as in ``torch.nn.init``.

Each function here returns an *initialiser*: a small object that, called with
a shape, the layer's fan-in and fan-out and a ``numpy.random.Generator``,
returns a new float64 array. Randomness always comes from that explicit
generator, never from numpy's global state, so a seeded generator makes a
network reproducible::

    rng = np.random.default_rng(0)
    layer = nc.Linear(2, 1, weight_init=nc.init.uniform(-0.05, 0.05), rng=rng)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ._checks import as_rng, check_number, check_size

__all__ = [
    "Initializer",
    "uniform",
    "constant",
    "zeros",
    "xavier_uniform",
    "he_uniform",
    "fan_in_uniform",
]


class Initializer:
    """A named rule that fills an array of a given shape.

    Parameters
    ----------
    description : str
        How the rule is shown, for example ``"uniform(-0.05, 0.05)"``.
    fill : callable
        ``fill(shape, fan_in, fan_out, rng) -> numpy.ndarray``.
    """

    def __init__(
        self,
        description: str,
        fill: Callable[[tuple[int, ...], int, int, np.random.Generator], NDArray[np.float64]],
    ) -> None:
        self.description = description
        self._fill = fill

    def __call__(
        self,
        shape: int | tuple[int, ...],
        *,
        fan_in: int,
        fan_out: int,
        rng: np.random.Generator | int | None,
    ) -> NDArray[np.float64]:
        """Return a new float64 array of ``shape``.

        Parameters
        ----------
        shape : int or tuple of int
            Shape of the array, ``(out_features, in_features)`` for a weight; a
            single number ``n`` means ``(n,)``.
        fan_in, fan_out : int
            Number of inputs and outputs of the layer the array belongs to (positive).
        rng : numpy.random.Generator, int or None
            Source of randomness (unused by deterministic rules); a seed is
            accepted, ``None`` draws a fresh, unseeded generator.
        """
        where = f"init.{self.description}"
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)):
            raise ValueError(
                f"{where}: shape must be a tuple of sizes such as (2, 4), got "
                f"{type(shape).__name__} {shape!r:.40}."
            )
        sizes = tuple(
            check_size(n, where=where, name=f"shape[{i}]", what="a size")
            for i, n in enumerate(shape)
        )
        fan_in = check_size(fan_in, where=where, name="fan_in", what="a number of inputs")
        fan_out = check_size(fan_out, where=where, name="fan_out", what="a number of outputs")
        gen = as_rng(rng, where=where)
        return np.asarray(self._fill(sizes, fan_in, fan_out, gen), dtype=np.float64)

    def __repr__(self) -> str:
        return self.description


def uniform(low: float, high: float) -> Initializer:
    """Uniform values: each drawn independently from ``Uniform(low, high)``.

    A recipe's "initialisation = uniform(-0.05, 0.05)" is
    ``nc.init.uniform(-0.05, 0.05)``.

    Parameters
    ----------
    low : float
        The smallest value; it must be below ``high``.
    high : float
        The end of the interval.

    Returns
    -------
    Initializer
        Called with a shape, the fans and a generator, it gives a new float64 array of
        that shape, its values in ``[low, high)``.
    """
    low = check_number(low, where="init.uniform", name="low")
    high = check_number(high, where="init.uniform", name="high")
    if not low < high:
        raise ValueError(
            f"init.uniform: expected low < high, got low={low:g} and high={high:g}. "
            f"For a fixed value use init.constant({low:g})."
        )
    return Initializer(
        f"uniform({low:g}, {high:g})", lambda shape, fi, fo, rng: rng.uniform(low, high, shape)
    )


def constant(value: float) -> Initializer:
    """Every value equal to ``value`` (for example 1, so a network's sums can be done by hand).

    Parameters
    ----------
    value : float
        The value of every element.

    Returns
    -------
    Initializer
        Called with a shape, the fans and a generator, it gives a new float64 array of
        that shape filled with ``value``.
    """
    value = check_number(value, where="init.constant", name="value")
    return Initializer(f"constant({value:g})", lambda shape, fi, fo, rng: np.full(shape, value))


def zeros() -> Initializer:
    """Every value 0: the usual choice for biases."""
    return Initializer("zeros()", lambda shape, fi, fo, rng: np.zeros(shape))


def xavier_uniform(gain: float = 1.0) -> Initializer:
    """Glorot/Xavier uniform: ``U(-a, a)`` with ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Suits sigmoid and tanh units: it keeps the variance of activations and of
    gradients roughly constant from layer to layer.

    Parameters
    ----------
    gain : float, default 1.0
        The scale of the bound; it must be positive.

    Returns
    -------
    Initializer
        Called with a shape, the fans and a generator, it gives a new float64 array of
        that shape, its values in ``[-a, a)``.
    """
    gain = check_number(gain, where="init.xavier_uniform", name="gain", low=0.0, strict=True)

    def fill(
        shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator
    ) -> NDArray[np.float64]:
        bound = gain * np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, shape)

    return Initializer(f"xavier_uniform(gain={gain:g})", fill)


def he_uniform() -> Initializer:
    """He/Kaiming uniform for ReLU units: ``U(-a, a)`` with ``a = sqrt(6 / fan_in)``.

    This is ``torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")``.

    Returns
    -------
    Initializer
        Called with a shape, the fans and a generator, it gives a new float64 array of
        that shape, its values in ``[-a, a)``.
    """

    def fill(
        shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator
    ) -> NDArray[np.float64]:
        bound = np.sqrt(6.0 / fan_in)
        return rng.uniform(-bound, bound, shape)

    return Initializer("he_uniform()", fill)


def fan_in_uniform() -> Initializer:
    """``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``: PyTorch's default for ``Linear``.

    ``nc.Linear`` uses it for both weight and bias unless told otherwise.

    Returns
    -------
    Initializer
        Called with a shape, the fans and a generator, it gives a new float64 array of
        that shape, its values in ``[-1/sqrt(fan_in), 1/sqrt(fan_in))``.
    """

    def fill(
        shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator
    ) -> NDArray[np.float64]:
        bound = 1.0 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape)

    return Initializer("fan_in_uniform()", fill)
