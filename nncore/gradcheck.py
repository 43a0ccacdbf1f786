"""Gradient checking: compare backward passes with centred finite differences.

As in CS231n: ``(f(x + h) - f(x - h)) / (2h)`` with ``h = 1e-5`` in float64,
and the relative error ``|a - n| / max(|a| + |n|, 1e-8)``. A largest relative
error below about 1e-7 means the backward pass is right.

A NaN or infinite gradient gives a relative error of ``inf``, never NaN:
``error < tol`` is then False and ``max(errors.values())`` is ``inf``
whatever the order of the errors, so a broken gradient cannot pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_number
from .layers import Module
from .losses import Loss, check_not_masked

__all__ = ["numerical_gradient", "relative_error", "gradient_check"]


def numerical_gradient(
    f: Callable[[], float], x: NDArray[np.float64], h: float = 1e-5
) -> NDArray[np.float64]:
    """Centred-difference gradient of the scalar ``f()`` with respect to ``x``.

    Parameters
    ----------
    f : callable with no arguments returning float
        Reads ``x`` (which is changed in place and restored, also when ``f`` raises).
    x : numpy.ndarray of float64, any shape
    h : float, default 1e-5

    Returns
    -------
    numpy.ndarray, same shape as ``x``
    """
    h = check_number(
        h, where="numerical_gradient", name="h (the finite-difference step)", low=0.0, strict=True
    )
    if type(x) is not np.ndarray:
        raise TypeError(
            f"numerical_gradient: x must be a numpy array (f reads it, and it is changed in "
            f"place), got {type(x).__name__}. Pass the array itself, for example p.data."
        )
    if x.dtype != np.float64:
        raise ValueError(
            f"numerical_gradient: x must be float64 for accurate differences, got {x.dtype}."
        )
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + h
            f_plus = f()
            x[idx] = old - h
            f_minus = f()
        finally:
            x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """Largest elementwise ``|a - b| / max(|a| + |b|, 1e-8)``; 0.0 for empty arrays.

    Parameters
    ----------
    a, b : array_like, same shape
        For example a backward-pass gradient and a numerical one.

    Returns
    -------
    float
        The largest relative error over all elements; ``inf`` if ``a`` or ``b``
        holds a NaN or infinite value, so that ``error < tol`` is False.
    """
    for name, arr in (("a", a), ("b", b)):
        check_not_masked(arr, where="relative_error", name=name)
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: shapes differ, got {a.shape} and {b.shape}.")
    if a.size == 0:
        return 0.0
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return math.inf
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


def gradient_check(
    model: Module,
    x: ArrayLike,
    target: ArrayLike | None = None,
    loss_fn: Loss | None = None,
    *,
    h: float = 1e-5,
) -> dict[str, float]:
    """Largest relative error between backward-pass and numerical gradients.

    Parameters
    ----------
    model : Module
        Any nncore model; its parameters are perturbed and restored.
    x : array_like, shape (n, in_features)
        Inputs, used in float64; at least one example.
    target : array_like, optional
        Targets for ``loss_fn``.
    loss_fn : Loss, optional
        The loss ``L(model(x), target)``. Without one, ``L = sum(c * model(x))``
        with fixed pseudo-random weights ``c`` (drawn from a normal
        distribution with seed 0), so the check covers the gradient of every
        output. A plain sum would not do: the outputs of a ``Softmax`` always
        sum to 1, so its gradient would be exactly 0 and prove nothing.
    h : float, default 1e-5
        Step of the centred differences (> 0).

    Returns
    -------
    dict of str to float
        One entry per named parameter (``"0.weight"``, ...) and ``"input"``
        for ``dL/dx``: the largest relative error. Below 1e-7 is correct;
        ``inf`` when either gradient holds a NaN or infinite value.

    Notes
    -----
    The check runs its own backward pass, but the parameters' ``.grad``
    arrays hold what they held before when it returns (or raises): gradients
    the caller has accumulated are not lost.
    """
    x = np.array(as_float_array(x, where="gradient_check"))
    if x.size == 0:
        raise ValueError(
            f"gradient_check: got an empty input of shape {x.shape}; every gradient would be "
            f"0 and every error 0.0, which proves nothing. Pass at least one example."
        )
    h = check_number(
        h, where="gradient_check", name="h (the finite-difference step)", low=0.0, strict=True
    )
    objective: tuple[Loss, ArrayLike] | None = None
    if loss_fn is not None and target is not None:
        objective = (loss_fn, target)
    elif (loss_fn is None) != (target is None):
        raise ValueError(
            "gradient_check: pass both target and loss_fn, or neither (to check the "
            "gradient of a weighted sum of the model's outputs)."
        )
    params = model.parameters()
    saved = [p.grad.copy() for p in params]
    try:
        return _errors(model, x, objective, h)
    finally:
        for p, grad in zip(params, saved):
            p.grad[...] = grad  # in place: a NaN the caller had is restored as it was


def _errors(
    model: Module, x: NDArray[np.float64], objective: tuple[Loss, ArrayLike] | None, h: float
) -> dict[str, float]:
    """The errors ``gradient_check`` returns; leaves its own gradients in ``.grad``.

    ``objective`` is the loss and its target, or ``None`` for the weighted sum of the outputs.
    """
    model.zero_grad()
    out = model(x)
    weights = np.random.default_rng(0).normal(size=out.shape)

    def loss() -> float:
        out = model(x)
        if objective is None:
            return float(np.sum(weights * out))
        loss_fn, target = objective
        return loss_fn(out, target)

    if objective is None:
        grad_out = weights
    else:
        loss_fn, target = objective
        loss_fn(out, target)
        grad_out = loss_fn.backward()
    grad_x = model.backward(grad_out)
    errors = {
        name: relative_error(p.grad, numerical_gradient(loss, p.data, h))
        for name, p in model.named_parameters()
    }
    errors["input"] = relative_error(grad_x, numerical_gradient(loss, x, h))
    return errors
