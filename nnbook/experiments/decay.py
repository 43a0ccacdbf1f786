"""The path of one weight under SGD with weight decay: chapter 5's arithmetic, through nncore.

:func:`decay_path` runs ``nncore.SGD`` on a single ``nncore.Parameter``, optionally with the
quadratic data term ``J_data(w) = (a / 2) (w - w*)^2``; :func:`decay_regime` names what the
per-step factor ``1 - eta * lambda`` does to a weight. Nothing here draws.
"""

from __future__ import annotations

import math

import numpy as np

from nncore._checks import check_number, check_size
from nncore.optim import SGD
from nncore.parameter import Parameter

__all__ = ["decay_path", "decay_regime"]


def decay_path(
    w0: float,
    *,
    lr: float,
    weight_decay: float,
    steps: int,
    curvature: float = 0.0,
    target: float = 0.0,
) -> np.ndarray:
    """The values one weight takes under ``nncore.SGD`` with weight decay.

    The weight is an ``nncore.Parameter`` holding one number. Before each
    ``SGD.step`` its gradient is set to the data gradient of
    ``J_data(w) = (curvature / 2) * (w - target)**2``, that is
    ``curvature * (w - target)``; ``SGD`` adds ``weight_decay * w`` itself.
    With ``curvature=0`` there is no data term and only the decay acts.

    Parameters
    ----------
    w0 : float
        Starting weight.
    lr : float
        Learning rate ``eta`` (> 0).
    weight_decay : float
        ``lambda`` (>= 0).
    steps : int
        Number of SGD steps (>= 1).
    curvature : float, default 0
        ``a`` (>= 0), the second derivative of the data term.
    target : float, default 0
        ``w*``, where the data term alone is smallest.

    Returns
    -------
    numpy.ndarray, shape (steps + 1,)
        ``w_0, w_1, ..., w_steps``.
    """
    where = "decay_path"
    w0 = check_number(w0, where=where, name="w0")
    lr = check_number(lr, where=where, name="lr (learning rate)", low=0.0, strict=True)
    weight_decay = check_number(weight_decay, where=where, name="weight_decay", low=0.0)
    steps = check_size(
        steps, where=where, name="steps", what="a number of SGD steps", why="Pass for example 30."
    )
    a = check_number(curvature, where=where, name="curvature", low=0.0)
    w_star = check_number(target, where=where, name="target")

    w = Parameter([w0], name="w")
    opt = SGD([w], lr=lr, weight_decay=weight_decay)
    path = np.empty(steps + 1)
    path[0] = w0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            opt.zero_grad()
            w.grad[...] = a * (w.data - w_star)  # dJ_data/dw of the quadratic data term
            opt.step()
            path[k] = w.data[0]
    return path


def decay_regime(lr: float, weight_decay: float) -> str:
    """Name what the factor ``1 - lr * weight_decay`` does to a weight with no data gradient.

    Parameters
    ----------
    lr : float
        ``eta`` (> 0).
    weight_decay : float
        ``lambda`` (>= 0).

    Returns
    -------
    str
        ``"no decay"`` (``eta * lambda = 0``), ``"shrinking"`` (between 0 and 1),
        ``"zero after one step"`` (exactly 1), ``"sign-flipping"`` (between 1 and 2),
        ``"sign-flipping at constant size"`` (exactly 2) or ``"diverging"`` (above 2).
    """
    lr = check_number(lr, where="decay_regime", name="lr (learning rate)", low=0.0, strict=True)
    weight_decay = check_number(weight_decay, where="decay_regime", name="weight_decay", low=0.0)
    p = lr * weight_decay
    if p == 0.0:
        return "no decay"
    if math.isclose(p, 1.0, rel_tol=1e-12):
        return "zero after one step"
    if math.isclose(p, 2.0, rel_tol=1e-12):
        return "sign-flipping at constant size"
    if p < 1.0:
        return "shrinking"
    if p < 2.0:
        return "sign-flipping"
    return "diverging"
