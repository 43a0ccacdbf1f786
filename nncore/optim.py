"""Optimisers, as in ``torch.optim``: ``SGD``, ``Adam`` and ``AdamW``.

An optimiser holds *parameter groups*: lists of parameters that share
settings. Pass ``model.parameters()`` for one group, or a list of dicts such
as ``[{"params": weights}, {"params": biases, "weight_decay": 0.0}]`` to give
groups their own settings; :func:`weight_decay_groups` builds the usual
"decay the weights, not the biases" split.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._checks import check_number
from .layers import Module
from .parameter import Parameter

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "weight_decay_groups"]


class Optimizer:
    """Base class: keeps parameter groups and per-parameter state.

    Parameters
    ----------
    params : iterable of Parameter, or iterable of dict
        The parameters to update, or groups ``{"params": [...], **settings}``.
    defaults : dict
        Settings used where a group does not give its own.

    Notes
    -----
    Each parameter may appear once (in one group); a repeated one is refused,
    since every step would update it twice. ``step()`` updates the parameters
    it holds, whatever model they belong to: ``nc.fit`` refuses an optimiser
    that holds none of its model's parameters (built on another model), and
    trains only those it holds when it holds some (freezing the others, as in
    PyTorch).
    """

    def __init__(self, params: Iterable[Parameter] | Iterable[dict], defaults: dict) -> None:
        where = type(self).__name__
        if callable(params) and not isinstance(params, Parameter):
            raise TypeError(
                f"{where}: got the method {getattr(params, '__name__', params)!r} itself, not "
                f"the parameters. Call it: {where}(model.parameters(), ...), with parentheses."
            )
        if isinstance(params, (dict, str)) or not hasattr(params, "__iter__"):
            raise TypeError(
                f"{where}: expected a list of parameters (model.parameters()) or a list of "
                f"parameter groups (dicts), got {type(params).__name__}."
            )
        items = list(params) if not isinstance(params, Parameter) else [params]
        if not items:
            raise ValueError(
                f"{where}: got an empty parameter list, so there is nothing to train. "
                f"Pass model.parameters() (and check the model has Linear layers)."
            )
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        self.param_groups: list[dict[str, Any]] = []
        seen: dict[int, int] = {}
        for i, group in enumerate(groups):
            if not isinstance(group, dict) or "params" not in group:
                raise ValueError(
                    f"{where}: parameter group {i} must be a dict with a 'params' key, such as "
                    f"{{'params': weights, 'weight_decay': 0.0}}, got {group!r:.80}. Either "
                    f"pass only parameters or only groups."
                )
            group = {**defaults, **group}
            if isinstance(group["params"], Parameter):
                group["params"] = [group["params"]]
            elif callable(group["params"]):
                raise TypeError(
                    f"{where}: group {i}'s 'params' is a method; call it (model.parameters())."
                )
            group["params"] = list(group["params"])
            for p in group["params"]:
                if not isinstance(p, Parameter):
                    raise TypeError(
                        f"{where}: expected nncore Parameters (model.parameters()), got "
                        f"{type(p).__name__}."
                    )
                if id(p) in seen:
                    raise ValueError(
                        f"{where}: parameter {p.name!r} is listed twice (in groups "
                        f"{seen[id(p)]} and {i}), so each step would update it twice. List "
                        f"every parameter once; model.parameters() already does, even for a "
                        f"layer used at several positions."
                    )
                seen[id(p)] = i
            self._check_group(group)
            self.param_groups.append(group)
        if not any(group["params"] for group in self.param_groups):
            raise ValueError(
                f"{where}: got an empty parameter list (every parameter group is empty), so "
                f"there is nothing to train. Pass model.parameters() (and check the model has "
                f"Linear layers)."
            )
        self.state: dict[int, dict[str, Any]] = {}

    def _check_group(self, group: dict) -> None:
        where = type(self).__name__
        group["lr"] = check_number(
            group["lr"], where=where, name="lr (learning rate)", low=0.0, strict=True
        )
        group["weight_decay"] = check_number(
            group["weight_decay"], where=where, name="weight_decay", low=0.0
        )

    def zero_grad(self) -> None:
        """Set the ``.grad`` of every parameter to zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad.fill(0.0)

    def step(self) -> None:  # pragma: no cover - abstract
        """Update every parameter from its ``.grad``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        settings = {k: v for k, v in self.param_groups[0].items() if k != "params"}
        inner = ", ".join(f"{k}={v}" for k, v in settings.items())
        return f"{type(self).__name__}({inner})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and weight decay.

    Parameters
    ----------
    params : iterable of Parameter or of dict
        ``model.parameters()``, or parameter groups.
    lr : float
        Learning rate ``eta`` (> 0).
    weight_decay : float, default 0
        ``lambda`` (>= 0). Coupled L2, as in ``torch.optim.SGD``: the gradient
        becomes ``g + lambda * w``, the gradient of ``J + (lambda / 2) ||w||^2``.
    momentum : float, default 0
        Heavy-ball momentum ``mu`` in [0, 1).

    Notes
    -----
    Without momentum one step is::

        w <- w - eta * (g + lambda * w)  =  (1 - eta * lambda) * w - eta * g

    the weight-decay rule: every step first multiplies ``w`` by
    ``1 - eta * lambda``, then takes the plain gradient step. With momentum,
    ``v <- mu * v + (g + lambda * w)`` and ``w <- w - eta * v``.
    """

    def __init__(
        self,
        params: Iterable[Parameter] | Iterable[dict],
        lr: float,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
    ) -> None:
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum))
        for group in self.param_groups:
            mu = check_number(group["momentum"], where="SGD", name="momentum", low=0.0)
            if mu >= 1.0:
                raise ValueError(f"SGD: momentum must be below 1, got {mu:g}.")

    def step(self) -> None:
        """Apply one update to every parameter, in place."""
        for group in self.param_groups:
            lr, wd, mu = group["lr"], group["weight_decay"], group["momentum"]
            for p in group["params"]:
                w, g = p.data, p.grad
                if wd:
                    g = g + wd * w
                if mu:
                    state = self.state.setdefault(id(p), {})
                    buf = state.get("momentum_buffer")
                    if buf is None:  # a copy: zero_grad() must not reset the velocity
                        buf = state["momentum_buffer"] = g.copy()
                    else:
                        buf *= mu
                        buf += g
                    g = buf
                w -= lr * g


class Adam(Optimizer):
    """Adam, with coupled L2 ``weight_decay`` as in ``torch.optim.Adam``.

    Parameters
    ----------
    params : iterable of Parameter or of dict
    lr : float, default 1e-3
    betas : (float, float), default (0.9, 0.999)
        Decay rates of the running mean of the gradient and of its square.
    eps : float, default 1e-8
    weight_decay : float, default 0
        Added to the gradient as ``lambda * w`` *before* the adaptive scaling,
        so heavily-updated weights are decayed less: L2 in the loss.
    """

    def __init__(
        self,
        params: Iterable[Parameter] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))
        where = type(self).__name__
        for group in self.param_groups:
            betas = group["betas"]
            if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
                raise ValueError(
                    f"{where}: betas must be a pair (beta1, beta2) such as (0.9, 0.999), got "
                    f"{betas!r}. To change only the first, pass betas=({betas!r}, 0.999)."
                    if isinstance(betas, (int, float))
                    else f"{where}: betas must be a pair (beta1, beta2) such as (0.9, 0.999), got "
                    f"{betas!r}."
                )
            for name, b in (("betas[0]", betas[0]), ("betas[1]", betas[1])):
                b = check_number(b, where=where, name=name, low=0.0)
                if b >= 1.0:
                    raise ValueError(f"{where}: {name} must be below 1, got {b:g}.")
            eps = check_number(group["eps"], where=where, name="eps", low=0.0)
            if eps == 0.0:
                raise ValueError(
                    f"{where}: eps must be greater than 0, got 0. A parameter whose gradient is "
                    f"exactly 0 (a dead unit's weights) would get 0 / 0 = NaN; keep the default "
                    f"1e-8."
                )

    _decoupled = False

    def step(self) -> None:
        """Apply one Adam update to every parameter, in place."""
        for group in self.param_groups:
            lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
            b1, b2 = group["betas"]
            for p in group["params"]:
                g = p.grad
                if wd and self._decoupled:
                    p.data *= 1.0 - lr * wd
                elif wd:
                    g = g + wd * p.data
                state = self.state.setdefault(
                    id(p), {"t": 0, "m": np.zeros_like(g), "v": np.zeros_like(g)}
                )
                state["t"] += 1
                state["m"] = b1 * state["m"] + (1.0 - b1) * g
                state["v"] = b2 * state["v"] + (1.0 - b2) * g * g
                m_hat = state["m"] / (1.0 - b1 ** state["t"])
                v_hat = state["v"] / (1.0 - b2 ** state["t"])
                p.data -= lr * m_hat / (np.sqrt(v_hat) + eps)


class AdamW(Adam):
    """Adam with *decoupled* weight decay (Loshchilov and Hutter), as ``torch.optim.AdamW``.

    Each step first shrinks every weight by ``(1 - lr * weight_decay)``, then
    takes the Adam step on the data gradient alone, so all weights decay at
    the same rate whatever their gradient history. Default ``weight_decay`` 0.01.

    Parameters
    ----------
    params : iterable of Parameter or of dict
    lr : float, default 1e-3
    betas : (float, float), default (0.9, 0.999)
        Decay rates of the running mean of the gradient and of its square.
    eps : float, default 1e-8
    weight_decay : float, default 0.01
        Every weight is multiplied by ``1 - lr * weight_decay`` before the Adam step.
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Parameter] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)


def weight_decay_groups(model: Module, weight_decay: float) -> list[dict[str, Any]]:
    """Parameter groups that decay the weights but not the biases.

    Parameters
    ----------
    model : Module
    weight_decay : float
        ``lambda`` for the weights (parameters with 2 or more dimensions).

    Returns
    -------
    list of dict
        ``[{"params": weights, "weight_decay": weight_decay},
        {"params": biases, "weight_decay": 0.0}]``, ready for ``SGD(groups, lr=...)``.
    """
    weight_decay = check_number(
        weight_decay, where="weight_decay_groups", name="weight_decay", low=0.0
    )
    params = model.parameters()
    weights = [p for p in params if p.data.ndim >= 2]
    biases = [p for p in params if p.data.ndim < 2]
    groups = [{"params": weights, "weight_decay": weight_decay}]
    if biases:
        groups.append({"params": biases, "weight_decay": 0.0})
    return groups
