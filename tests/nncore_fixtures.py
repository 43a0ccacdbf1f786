"""Helpers shared by the nncore tests: hand-built networks, error checks, references.

Plain functions, imported explicitly (``from nncore_fixtures import ...``), so that
every test says where its helpers come from. The reference losses here are written
from the textbook formulas with Python's ``math`` module, one element at a time:
they share no code with nncore and serve as an independent second opinion.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import settings

import nncore as nc

# Property-based tests: enough examples to find edge cases, few enough to stay fast.
PROPERTY_SETTINGS = settings(max_examples=50, deadline=None)

# A backward pass is correct when the largest relative error against centred
# differences (h = 1e-5, float64) is below this (CS231n's rule of thumb).
GRAD_TOL = 1e-7

ACTIVATIONS = {
    "ReLU": nc.ReLU,
    "LeakyReLU": lambda: nc.LeakyReLU(0.1),
    "Sigmoid": nc.Sigmoid,
    "Tanh": nc.Tanh,
    "Identity": nc.Identity,
    "Softmax": nc.Softmax,
}


# --------------------------------------------------------------------------- errors
@contextlib.contextmanager
def raises_with(exc_type: type[BaseException], *words: str) -> Iterator[pytest.ExceptionInfo]:
    """Expect ``exc_type`` (exactly, not a subclass) whose message contains every word.

    Words are compared case-insensitively, so a message may start a sentence with one.
    """
    with pytest.raises(Exception) as info:
        yield info
    assert type(info.value) is exc_type, (
        f"expected {exc_type.__name__}, got {type(info.value).__name__}: {info.value}"
    )
    message = str(info.value)
    missing = [w for w in words if w.lower() not in message.lower()]
    assert not missing, f"message {message!r} does not mention {missing}"


# ------------------------------------------------------------------------- numerics
@contextlib.contextmanager
def no_float_warnings() -> Iterator[None]:
    """Turn every warning and every overflow, division by zero or invalid operation into an error.

    Underflow stays allowed: ``exp(-1e4)`` is below the smallest float64, so 0 is
    the correctly rounded answer (that is how ``sigmoid(-1e4)`` comes out exactly 0).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


# ------------------------------------------------------------------------- networks
def network_4231(activation=nc.ReLU, output_activation=None) -> nc.Sequential:
    """The assignment's 4-2-3-1 network with every weight 1 and every bias 0."""
    return nc.mlp(
        [4, 2, 3, 1],
        activation=activation,
        output_activation=output_activation,
        weight_init=nc.init.constant(1.0),
        bias_init=nc.init.zeros(),
    )


def snapshot(model: nc.Module) -> dict[str, np.ndarray]:
    """Copies of every parameter's values, by name."""
    return {name: p.data.copy() for name, p in model.named_parameters()}


def kink_free_input(
    model: nc.Module, rng: np.random.Generator, shape: tuple[int, ...], margin: float = 1e-3
) -> np.ndarray:
    """Draw ``x`` until no ReLU/LeakyReLU in ``model`` sees a value within ``margin`` of 0.

    Finite differences straddling the kink would disagree with any backward pass;
    keeping every pre-activation at least ``margin`` away makes the check fair.
    """
    kinked = (nc.ReLU, nc.LeakyReLU)
    for _ in range(1000):
        x = rng.normal(size=shape)
        if isinstance(model, kinked):
            inputs = [x]
        elif isinstance(model, nc.Sequential):
            model(x)
            inputs = [t.z for t in model.forward_trace() if isinstance(t.activation, kinked)]
            if isinstance(model[0], kinked):
                inputs.append(x)
        else:
            inputs = []
        if all(np.all(np.abs(z) > margin) for z in inputs):
            return x
    raise AssertionError("could not draw an input away from the ReLU kink")


def checkable_input(
    model: nc.Module,
    rng: np.random.Generator,
    shape: tuple[int, ...],
    target=None,
    loss_fn: nc.Loss | None = None,
    floor: float = 1e-4,
) -> np.ndarray:
    """A kink-free input for which no gradient entry is tiny but non-zero.

    Centred differences carry a rounding error of about ``eps * |L| / h``
    (some 1e-11 here), so an entry that happens to be 1e-5 cannot be checked to a
    relative 1e-7 by *any* backward pass. Inputs are redrawn until every entry
    of the finite-difference gradients (not the backward pass under test) is
    either exactly 0 (a unit silent on the whole batch) or above ``floor``.
    """

    def value() -> float:
        out = model(x)
        return float(np.sum(out)) if loss_fn is None else loss_fn(out, target)

    for _ in range(200):
        x = kink_free_input(model, rng, shape)
        arrays = [p.data for p in model.parameters()] + [x]
        numeric = [nc.numerical_gradient(value, a) for a in arrays]
        if all(np.all((g == 0.0) | (np.abs(g) > floor)) for g in numeric):
            return x
    raise AssertionError("could not draw an input with well-conditioned gradients")


def separable_data(rng: np.random.Generator, n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Two classes on either side of the line x1 + x2 = 0, with a margin of 0.5."""
    x = rng.normal(size=(4 * n, 2))
    s = x.sum(axis=1)
    x = x[np.abs(s) > 0.5][:n]
    y = (x.sum(axis=1) > 0).astype(float)[:, None]
    return x, y


# ------------------------------------------------------------ reference losses (math)
def ref_mse(pred, target) -> tuple[float, np.ndarray]:
    """Mean of (p - t)^2 over all n*k elements; gradient 2 (p - t) / (n k)."""
    pred, target = np.asarray(pred, float), np.asarray(target, float)
    count = pred.size
    total, grad = 0.0, np.empty_like(pred)
    for idx in np.ndindex(pred.shape):
        d = float(pred[idx]) - float(target[idx])
        total += d * d
        grad[idx] = 2.0 * d / count
    return total / count, grad


def ref_bce(prob, target) -> tuple[float, np.ndarray]:
    """-mean(t log p + (1 - t) log(1 - p)); gradient (-(t / p) + (1 - t) / (1 - p)) / N."""
    prob, target = np.asarray(prob, float), np.asarray(target, float)
    count = prob.size
    total, grad = 0.0, np.empty_like(prob)
    for idx in np.ndindex(prob.shape):
        p, t = float(prob[idx]), float(target[idx])
        total -= t * math.log(p) + (1.0 - t) * math.log(1.0 - p)
        grad[idx] = (-t / p + (1.0 - t) / (1.0 - p)) / count
    return total / count, grad


def ref_bce_logits(logits, target) -> tuple[float, np.ndarray]:
    """BCE of 1 / (1 + e^-z), naively (only for moderate z); gradient (sigma(z) - t) / N."""
    logits, target = np.asarray(logits, float), np.asarray(target, float)
    count = logits.size
    total, grad = 0.0, np.empty_like(logits)
    for idx in np.ndindex(logits.shape):
        z, t = float(logits[idx]), float(target[idx])
        s = 1.0 / (1.0 + math.exp(-z))
        total -= t * math.log(s) + (1.0 - t) * math.log(1.0 - s)
        grad[idx] = (s - t) / count
    return total / count, grad


def ref_cross_entropy(logits, target) -> tuple[float, np.ndarray]:
    """mean_i -sum_c t_ic log softmax(z_i)_c, naively; gradient (softmax(z_i) - t_i) / n.

    ``target`` holds integer labels of shape (n,) or probability rows of shape (n, k).
    """
    logits = np.asarray(logits, float)
    n, k = logits.shape
    target = np.asarray(target)
    if target.ndim == 1:
        rows = np.zeros((n, k))
        for i, label in enumerate(target):
            rows[i, int(label)] = 1.0
        target = rows
    total, grad = 0.0, np.empty_like(logits)
    for i in range(n):
        exps = [math.exp(float(v)) for v in logits[i]]
        denom = sum(exps)
        for c in range(k):
            p = exps[c] / denom
            total -= float(target[i, c]) * math.log(p)
            grad[i, c] = (p - float(target[i, c])) / n
    return total / n, grad


REFERENCE_LOSSES = {
    "MSELoss": (nc.MSELoss, ref_mse),
    "BCELoss": (nc.BCELoss, ref_bce),
    "BCEWithLogitsLoss": (nc.BCEWithLogitsLoss, ref_bce_logits),
    "CrossEntropyLoss": (nc.CrossEntropyLoss, ref_cross_entropy),
}


def loss_inputs(name: str, rng: np.random.Generator, n: int = 5, k: int = 3):
    """A prediction and a valid target for the loss called ``name`` (k outputs each).

    ``CrossEntropyLoss`` gets integer labels; use :func:`soft_labels` for probability rows.
    """
    if name == "MSELoss":
        return rng.normal(size=(n, k)), rng.normal(size=(n, k))
    if name == "BCELoss":
        return rng.uniform(0.05, 0.95, size=(n, k)), rng.uniform(0.0, 1.0, size=(n, k))
    if name == "BCEWithLogitsLoss":
        return rng.normal(scale=2.0, size=(n, k)), rng.uniform(0.0, 1.0, size=(n, k))
    if name == "CrossEntropyLoss":
        return rng.normal(scale=2.0, size=(n, k)), rng.integers(0, k, size=n)
    raise KeyError(name)


def soft_labels(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """Probability rows of shape (n, k), each summing to 1."""
    w = rng.uniform(0.1, 1.0, size=(n, k))
    return w / w.sum(axis=1, keepdims=True)
