"""Optimisers, as in ``torch.optim``: ``SGD``, ``Adam`` and ``AdamW``.

An optimiser holds *parameter groups*: lists of parameters that share
settings. Pass ``model.parameters()`` for one group, or a list of dicts such
as ``[{"params": weights}, {"params": biases, "weight_decay": 0.0}]`` to give
groups their own settings; :func:`weight_decay_groups` builds the usual
"decay the weights, not the biases" split.
"""

from __future__ import annotations

import copy
import difflib
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from . import _stamps
from ._checks import as_float_array, check_betas, check_number
from .layers import Module
from .parameter import Parameter

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "weight_decay_groups"]

Group = dict[str, Any]  # a parameter group: "params" and the settings

_INF = math.inf


class Optimizer:
    """Base class: keeps parameter groups and per-parameter state.

    Parameters
    ----------
    params : iterable of Parameter, or iterable of dict
        The parameters to update, or groups ``{"params": [...], **settings}``.
    defaults : dict
        Settings used where a group does not give its own; a group may give
        no other setting (a misspelt one is refused).

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` and the settings. A setting changed
        here after construction (a learning-rate schedule) is used by the next
        ``step()``, which checks it first.
    state : dict of Parameter to dict
        What the optimiser keeps per parameter (momentum buffers, Adam's
        moments), keyed by the parameter itself, as in PyTorch: a deep copy or
        a pickle of the model together with its optimiser keeps each
        parameter's state.

    Notes
    -----
    Each parameter may appear once (in one group); a repeated one is refused,
    since every step would update it twice. ``step()`` updates the parameters
    it holds, whatever model they belong to: ``nc.fit`` refuses an optimiser
    that holds none of its model's parameters (built on another model), and
    trains only those it holds when it holds some (freezing the others, as in
    PyTorch). :meth:`state_dict` and :meth:`load_state_dict` save and restore
    the state and the settings, referring to parameters by their index.
    """

    _state_keys: frozenset[str] = frozenset()  # what ``state[p]`` may hold

    def __init__(self, params: Iterable[Parameter] | Iterable[Group], defaults: Group) -> None:
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
            group = self._new_group(i, group, defaults, seen)
            self._check_group(group, where)
            self.param_groups.append(group)
        if not any(group["params"] for group in self.param_groups):
            raise ValueError(
                f"{where}: got an empty parameter list (every parameter group is empty), so "
                f"there is nothing to train. Pass model.parameters() (and check the model has "
                f"Linear layers)."
            )
        self.state: dict[Parameter, dict[str, Any]] = {}

    def _new_group(self, i: int, group: Any, defaults: Group, seen: dict[int, int]) -> Group:
        """Group ``i`` with the defaults filled in, its parameters checked (not its settings)."""
        where = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            raise ValueError(
                f"{where}: parameter group {i} must be a dict with a 'params' key, such as "
                f"{{'params': weights, 'weight_decay': 0.0}}, got {group!r:.80}. Either "
                f"pass only parameters or only groups."
            )
        for key in group:
            if key != "params" and key not in defaults:
                close = difflib.get_close_matches(str(key), list(defaults), n=1)
                raise ValueError(
                    f"{where}: parameter group {i} has the unknown setting {key!r}"
                    + (f" (did you mean {close[0]!r}?)" if close else "")
                    + f". {where} takes {', '.join(defaults)}."
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
            if id(p) in seen:  # every parameter is alive here: ids cannot be reused
                raise ValueError(
                    f"{where}: parameter {p.name!r} is listed twice (in groups "
                    f"{seen[id(p)]} and {i}), so each step would update it twice. List "
                    f"every parameter once; model.parameters() already does, even for a "
                    f"layer used at several positions."
                )
            seen[id(p)] = i
        return group

    # ------------------------------------------------------------------------- settings
    def _check_group(self, group: dict[str, Any], where: str) -> None:
        """Check every setting of ``group``; store each as a Python float (betas: a tuple)."""
        group["lr"] = check_number(
            group["lr"], where=where, name="lr (learning rate)", low=0.0, strict=True
        )
        group["weight_decay"] = check_number(
            group["weight_decay"], where=where, name="weight_decay", low=0.0
        )

    def _valid(self, group: dict[str, Any]) -> bool:
        """Whether every setting of ``group`` is a Python float in range (the quick test)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def _checked_groups(self) -> list[dict[str, Any]]:
        """The groups, every setting checked again, before a step changes anything."""
        for i, group in enumerate(self.param_groups):
            if not self._valid(group):  # a setting changed since the last check: look closely
                self._check_group(group, f"{type(self).__name__}.step: param_groups[{i}]")
        return self.param_groups

    def zero_grad(self) -> None:
        """Set the ``.grad`` of every parameter to zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                p._zero_pending = True  # what Parameter.zero_grad does, one call fewer

    def step(self) -> None:  # pragma: no cover - abstract
        """Update every parameter from its ``.grad``."""
        raise NotImplementedError

    # ---------------------------------------------------------------- saving and loading
    def state_dict(self) -> dict[str, Any]:
        """Copy the state and the settings, parameters referred to by index, as in PyTorch.

        Returns
        -------
        dict
            ``{"state": {index: {...}}, "param_groups": [{**settings, "params":
            [indices]}]}``; indices count the parameters of all groups in order
            (0, 1, ... in the first group, then on). Copies: a later step does
            not change a saved state.
        """
        index: dict[Parameter, int] = {}
        groups = []
        for group in self.param_groups:
            ids = [index.setdefault(p, len(index)) for p in group["params"]]
            settings = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            groups.append({**settings, "params": ids})
        state = {index[p]: copy.deepcopy(entry) for p, entry in self.state.items() if p in index}
        return {"state": dict(sorted(state.items())), "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Take the state and the settings of :meth:`state_dict`, from an optimiser like this one.

        Parameters
        ----------
        state_dict : dict
            What ``state_dict()`` returned for an optimiser of the same kind,
            built on parameters of the same shapes in the same groups.

        Raises
        ------
        ValueError
            If the groups, their sizes or settings, or the shapes of the state
            differ from this optimiser's; nothing is loaded then.
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(
                f"{where}: expected a dict with the keys 'state' and 'param_groups', as "
                f"optimizer.state_dict() returns, got {state_dict!r:.80}."
            )
        groups = self._loaded_groups(state_dict["param_groups"], where)
        params = [p for group in self.param_groups for p in group["params"]]
        state = {}
        for index, entry in state_dict["state"].items():
            if not isinstance(index, int) or not 0 <= index < len(params):
                raise ValueError(
                    f"{where}: the state refers to parameter {index!r}; this optimiser holds "
                    f"parameters 0 to {len(params) - 1}."
                )
            state[params[index]] = self._loaded_entry(entry, params[index], index, where)
        for group, settings in zip(self.param_groups, groups, strict=True):
            group.update(settings)
        self.state = state

    def _loaded_groups(self, saved: Any, where: str) -> list[dict[str, Any]]:
        """The settings of each saved group, checked against this optimiser's groups."""
        if not isinstance(saved, list) or len(saved) != len(self.param_groups):
            count = len(saved) if isinstance(saved, list) else saved
            raise ValueError(
                f"{where}: the state has {count} parameter group(s), this optimiser "
                f"{len(self.param_groups)}. Build the optimiser with the same groups first."
            )
        settings = []
        for i, (old, group) in enumerate(zip(saved, self.param_groups, strict=True)):
            keys, own = set(old) - {"params"}, set(group) - {"params"}
            if keys != own:
                raise ValueError(
                    f"{where}: group {i} of the state has the settings "
                    f"{', '.join(sorted(map(str, keys)))}, but {type(self).__name__} takes "
                    f"{', '.join(sorted(own))}: was it saved from another kind of optimiser?"
                )
            if len(old["params"]) != len(group["params"]):
                raise ValueError(
                    f"{where}: parameter group {i} of the state holds {len(old['params'])} "
                    f"parameters, this optimiser's holds {len(group['params'])}."
                )
            new = {k: copy.deepcopy(v) for k, v in old.items() if k != "params"}
            self._check_group(new, where)
            settings.append(new)
        return settings

    def _loaded_entry(self, entry: Any, p: Parameter, index: int, where: str) -> dict[str, Any]:
        """A copy of the saved state of parameter ``index``, checked against ``p``."""
        if not isinstance(entry, Mapping) or not set(entry) <= self._state_keys:
            raise ValueError(
                f"{where}: the state of parameter {index} must be a dict with keys among "
                f"{', '.join(sorted(self._state_keys))}, got {entry!r:.80}: was it saved "
                f"from another kind of optimiser?"
            )
        loaded: dict[str, Any] = {}
        for key, value in entry.items():
            if key == "t":  # Adam's step count
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{where}: the step count 't' must be an int >= 0.")
                loaded[key] = value
                continue
            arr = as_float_array(value, where=where, name=f"{key!r} of parameter {index}")
            if arr.shape != p.shape:
                raise ValueError(
                    f"{where}: the state of parameter {index} ({p.name!r}) holds {key!r} of "
                    f"shape {arr.shape}, but the parameter has shape {p.shape}."
                )
            loaded[key] = arr.copy()
        return loaded

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
        params: Iterable[Parameter] | Iterable[dict[str, Any]],
        lr: float,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
    ) -> None:
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum))

    _state_keys = frozenset({"momentum_buffer"})

    def _check_group(self, group: dict[str, Any], where: str) -> None:
        super()._check_group(group, where)
        group["momentum"] = check_number(
            group["momentum"], where=where, name="momentum", low=0.0, below=1.0
        )

    def _valid(self, group: dict[str, Any]) -> bool:
        lr, wd, mu = group["lr"], group["weight_decay"], group["momentum"]
        return (
            type(lr) is float
            and 0.0 < lr < _INF
            and type(wd) is float
            and 0.0 <= wd < _INF
            and type(mu) is float
            and 0.0 <= mu < 1.0
        )

    def step(self) -> None:
        """Apply one update to every parameter, in place."""
        groups = self._checked_groups()
        written = _stamps.new_write()
        for group in groups:
            lr, wd, mu = group["lr"], group["weight_decay"], group["momentum"]
            for p in group["params"]:
                w, g = p._data, p.grad if p._zero_pending else p._grad
                if wd:
                    g = g + wd * w
                if mu:
                    state = self.state.setdefault(p, {})
                    buf = state.get("momentum_buffer")
                    if buf is None:  # a copy: zero_grad() must not reset the velocity
                        buf = state["momentum_buffer"] = g.copy()
                    else:
                        buf *= mu
                        buf += g
                    g = buf
                w -= lr * g
                p._written = written


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
        params: Iterable[Parameter] | Iterable[dict[str, Any]],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    _decoupled = False
    _state_keys = frozenset({"t", "m", "v"})

    def _check_group(self, group: dict[str, Any], where: str) -> None:
        super()._check_group(group, where)
        group["betas"] = check_betas(group["betas"], where=where)
        eps = check_number(group["eps"], where=where, name="eps", low=0.0)
        if eps == 0.0:
            raise ValueError(
                f"{where}: eps must be greater than 0, got 0. A parameter whose gradient is "
                f"exactly 0 (a dead unit's weights) would get 0 / 0 = NaN; keep the default "
                f"1e-8."
            )
        group["eps"] = eps

    def _valid(self, group: dict[str, Any]) -> bool:
        lr, wd, eps, b = group["lr"], group["weight_decay"], group["eps"], group["betas"]
        return (
            type(lr) is float
            and 0.0 < lr < _INF
            and type(wd) is float
            and 0.0 <= wd < _INF
            and type(eps) is float
            and 0.0 < eps < _INF
            and type(b) is tuple
            and len(b) == 2
            and type(b[0]) is float
            and 0.0 <= b[0] < 1.0
            and type(b[1]) is float
            and 0.0 <= b[1] < 1.0
        )

    def step(self) -> None:
        """Apply one Adam update to every parameter, in place."""
        groups = self._checked_groups()
        written = _stamps.new_write()
        for group in groups:
            lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
            b1, b2 = group["betas"]
            for p in group["params"]:
                w, g = p._data, p.grad if p._zero_pending else p._grad
                if wd and self._decoupled:
                    w *= 1.0 - lr * wd
                elif wd:
                    g = g + wd * w
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = {"t": 0, "m": np.zeros_like(g), "v": np.zeros_like(g)}
                state["t"] += 1
                state["m"] = b1 * state["m"] + (1.0 - b1) * g
                state["v"] = b2 * state["v"] + (1.0 - b2) * g * g
                m_hat = state["m"] / (1.0 - b1 ** state["t"])
                v_hat = state["v"] / (1.0 - b2 ** state["t"])
                w -= lr * m_hat / (np.sqrt(v_hat) + eps)
                p._written = written


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
        params: Iterable[Parameter] | Iterable[dict[str, Any]],
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
