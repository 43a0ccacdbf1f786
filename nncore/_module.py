"""``Module``: what every layer and container shares around its own forward and backward rules.

``forward`` checks the input, keeps a private copy of an input the layer
saves, runs the layer's ``_forward`` and stamps the output (see
``nncore._stamps``); ``backward`` checks that the gradient belongs to the
latest forward pass and that no parameter changed since, then runs the
layer's ``_backward``. ``state_dict``/``load_state_dict`` save and restore the
parameters by name.

A container's forward pass is handed down to the layers it ran (so that each
layer's own ``backward`` works after ``model(x)``) only when some module's
state is next read or written: see ``deliver_owed()``. A training loop
that runs ``model(x)`` and ``model.backward(...)`` and nothing else between
them reads no layer's state, and pays for no hand-down.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _stamps
from ._checks import FLOAT64, all_finite, as_float_array, check_state_fits
from .parameter import Parameter

__all__ = ["Module"]

Pending = tuple[int, "tuple[int, ...] | None", Any]
"""What a forward pass leaves for backward: ``(stamp, output shape, what _forward saved)``.

A module that a model holds at several positions is left ``(stamp, None, model)``
by that model's forward pass instead, and refuses a backward pass of its own.
"""


Owed = tuple["weakref.ref[Any]", Pending, list["Module"]]
"""A container's forward pass not yet handed down: ``(container, its state, the layers it ran)``.

The container is a ``Sequential`` (``_hand_down`` gives each layer its part), held by a weak
reference: a model deleted with its pass owed hands the pass down as it goes
(``Sequential.__del__``), and its memory is freed as it was before passes were owed.
"""

_owed: Owed | None = None
"""The one forward pass owed to the layers of a container, if any (see ``deliver_owed()``)."""


def deliver_owed() -> None:
    """Hand the owed forward pass of a container down to the layers it ran.

    ``Sequential.forward`` leaves its pass owed instead of giving each layer
    its part at once. The hand-down must then happen before any module's state
    is read or written, so that every module sees the passes in the order they
    ran: ``Module.forward`` and ``Module.backward`` (of any module but the
    container itself, whose own state is up to date) call this first.
    """
    global _owed
    owed = _owed
    if owed is not None:
        _owed = None
        container_ref, (stamp, _, saved), layers = owed
        container = container_ref()
        if container is not None:  # else it handed its pass down as it was deleted
            container._hand_down(layers, stamp, saved, container)


class Module:
    """Base class of layers and containers, as ``torch.nn.Module``.

    A layer writes its rule as two side-by-side methods: ``_forward(x)``
    returns the output and what the backward pass will need, and
    ``_backward(g, saved)`` turns ``dL/d output`` into ``dL/d input``. The
    public ``forward``/``backward`` add what every layer shares: input checks,
    a private copy of an input the layer keeps, and checks that a backward
    pass belongs to the latest forward pass and that no parameter changed in
    between (see :class:`nncore.Parameter` for what is detected).

    A copy or a pickle of a module keeps its parameters but not what its last
    forward pass saved: run a forward pass on the copy before its backward.

    A container (``Sequential``) drives the modules it holds through a small
    protected protocol, and touches nothing else of theirs: ``_kept_input(x)``
    checks its input (and copies it if the module keeps it), ``_forward`` /
    ``_backward`` / ``_grads_only`` run the rule without checks or stamps, and
    ``_take_part`` hands a module its part of the container's forward pass, so
    that its own ``backward`` works after ``model(x)`` (at the latest when a
    module's state is next read or written, see ``deliver_owed()``).
    """

    _state: Pending | None = None  # the last forward pass, see ``Pending``
    _saves_output = False  # True when ``saved`` is the output array itself
    _saves_input = True  # False when ``saved`` shares no memory with the input

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        return self.forward(x)

    def forward(self, x: ArrayLike) -> NDArray[np.float64]:
        """Compute the output for input ``x`` and keep what backward needs.

        Parameters
        ----------
        x : array_like, shape (n, in_features) or (in_features,)
            Activation layers accept any shape.

        Returns
        -------
        numpy.ndarray
            Shape (n, out_features) or (out_features,); an activation keeps the
            shape of ``x`` (a single number gives a 0-d array, as in PyTorch).
            A new array: editing it (or ``x``) afterwards does not change the
            gradients of the next backward pass.
        """
        out, saved = self._forward(self._kept_input(x))
        if type(out) is not np.ndarray:  # numpy gives a scalar for a 0-d input
            out = np.asarray(out)
        elif self._saves_output:
            out = out.copy()
        if _owed is not None:  # a container's pass, which ran before this one, first
            deliver_owed()
        stamp = _stamps.new_stamp()
        self._state = (stamp, out.shape, saved)
        _stamps.mark(out, stamp)
        return out

    def backward(self, grad_output: ArrayLike) -> NDArray[np.float64]:
        """Return ``dL/d input`` given ``dL/d output``; accumulate parameter gradients.

        Parameters
        ----------
        grad_output : array_like, shape of the last forward output

        Returns
        -------
        numpy.ndarray
            ``dL/d input``, the shape of the last forward input.

        Raises
        ------
        RuntimeError
            If no forward pass ran, if ``grad_output`` comes from a loss on the
            output (or a view of the output) of an earlier forward pass, or if
            a parameter was changed after the forward pass.
        """
        shape, saved = self._pending(grad_output)
        g = self._backward(self._grad(grad_output, shape), saved)
        return g if type(g) is np.ndarray else np.asarray(g)

    def _check_input(self, x: ArrayLike) -> NDArray[np.float64]:
        if type(x) is np.ndarray and x.dtype is FLOAT64 and all_finite(x):
            return x  # the common case, without building the message's text
        return as_float_array(x, where=repr(self))

    def _kept_input(self, x: ArrayLike) -> NDArray[np.float64]:
        """``x`` checked, as an array this module may keep: never the caller's memory if kept."""
        arr = self._check_input(x)
        if self._saves_input and (arr is x or not arr.flags.owndata):
            # The caller's memory, kept for backward: a private copy. ``arr * 1.0`` holds the
            # same values (``arr`` is finite), written in one vectorised pass, where
            # ``arr.copy()`` moves one element at a time: about half the instructions.
            arr = np.multiply(arr, 1.0) if arr.ndim else arr.copy()
        return arr

    def _forward(self, x: NDArray[np.float64]) -> tuple[NDArray[np.float64], Any]:
        """``(output, saved)`` for a checked float64 input; changes nothing in ``self``."""
        if type(self).forward is Module.forward:  # pragma: no cover - abstract
            raise NotImplementedError(f"{type(self).__name__} must define _forward or forward")
        return self.forward(x), None  # a subclass that overrides forward/backward itself

    def _backward(self, g: NDArray[np.float64], saved: Any) -> NDArray[np.float64]:
        """``dL/d input`` from ``dL/d output`` and what ``_forward`` saved."""
        if type(self).backward is Module.backward:  # pragma: no cover - abstract
            raise NotImplementedError(f"{type(self).__name__} must define _backward or backward")
        return self.backward(g)

    def _grads_only(self, g: NDArray[np.float64], saved: Any) -> None:
        """Accumulate the parameter gradients; ``fit`` needs no ``dL/dx`` for the data."""
        self._backward(g, saved)

    def _take_part(self, stamp: int, shape: tuple[int, ...], saved: Any, model: Module) -> None:
        """Keep this module's part of ``model``'s forward pass ``stamp`` for its own backward.

        A second part of the same pass means ``model`` holds this module at several
        positions: its own backward then refuses to guess which one is meant.
        """
        old = self._state
        self._state = (
            (stamp, None, model)
            if old is not None and old[0] == stamp
            else (
                stamp,
                shape,
                saved,
            )
        )

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Iterate over ``(name, parameter)`` pairs; layers without parameters have none.

        Returns
        -------
        iterator of (str, Parameter)
            ``("weight", w)`` then ``("bias", b)`` for a layer with parameters.
        """
        return iter(())

    def parameters(self) -> list[Parameter]:
        """List the trainable parameters, weight before bias, each once.

        Returns
        -------
        list of Parameter
            Empty for a layer without parameters.
        """
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to zeros."""
        for _, p in self.named_parameters():
            p.zero_grad()

    def state_dict(self) -> dict[str, NDArray[np.float64]]:
        """Copy every parameter's values, by name, as ``torch.nn.Module.state_dict``.

        Returns
        -------
        dict of str to numpy.ndarray
            ``{"0.weight": array of shape (out, in), "0.bias": ..., ...}`` in the
            order of :meth:`named_parameters`. Copies (unlike PyTorch's, which
            share memory): training afterwards does not change a saved state.
        """
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, ArrayLike]) -> None:
        """Copy the values of a :meth:`state_dict` into the parameters, in place.

        Parameters
        ----------
        state : dict of str to array_like
            One entry per parameter name, each of that parameter's shape, as
            ``model.state_dict()`` of a model built the same way returns.

        Raises
        ------
        ValueError
            If a name is missing or not the model's, a shape differs or a value
            is not finite; nothing is loaded then.
        """
        where = f"{self._name()}.load_state_dict"
        params = dict(self.named_parameters())
        values = check_state_fits(state, {k: p.shape for k, p in params.items()}, where=where)
        written = _stamps.new_write()
        for name, p in params.items():
            p.data[...] = values[name]
            p._written = written

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_state", None)  # what a forward pass saved stays with the original
        return state

    def _pending(self, grad_output: object) -> tuple[tuple[int, ...], Any]:
        """The output shape and saved values of the last forward pass, checked against
        ``grad_output``'s origin."""
        if _owed is not None and _owed[0]() is not self:
            deliver_owed()  # this module's part of a container's pass, if it has one
        state = self._state
        if state is None:
            raise RuntimeError(
                f"{self._name()}: backward() was called before forward(). Run a forward "
                f"pass (layer(x)) first; backward uses what that pass kept."
            )
        stamp, shape, saved = state
        if shape is None:  # handed by a model in which this module sits at several places
            raise RuntimeError(saved._shared_message(self))
        origin = _stamps.stamp_of(grad_output)
        if origin is not None and origin != stamp:
            raise RuntimeError(
                f"{self._name()}.backward: this gradient comes from a loss computed on the output "
                f"of an earlier forward pass, but the model has run forward again since "
                f"then, so the values it saved belong to the newer input and the gradients "
                f"would be wrong. Call model(x) again right before computing the loss and "
                f"calling backward, or use model.trace(x) to look inside without disturbing "
                f"a pending backward pass."
            )
        if _stamps.last_write > stamp:  # some parameter changed since: one of these?
            self._refuse_changed(stamp)
        return shape, saved

    def _refuse_changed(self, stamp: int) -> None:
        for _, p in self.named_parameters():
            if p._written > stamp:
                raise RuntimeError(
                    f"{self._name()}.backward: parameter {p.name!r} was changed after the "
                    f"forward pass this backward pass belongs to (by p.data = ..., p.data += "
                    f"..., an optimizer's step(), load_state_dict or a new Parameter), so the "
                    f"values that pass saved belong to the old weights and the gradients would "
                    f"mix old and new. Run the forward pass again (model(x)) after changing "
                    f"parameters; in a training loop, call optimizer.step() after backward."
                )

    def _name(self) -> str:
        """How messages name this module: its repr (one line)."""
        return repr(self)

    def _grad(self, grad_output: ArrayLike, shape: tuple[int, ...]) -> NDArray[np.float64]:
        g = grad_output
        if type(g) is not np.ndarray or g.dtype is not FLOAT64 or not all_finite(g):
            g = as_float_array(grad_output, where=f"{self._name()}.backward", name="gradient")
        if g.shape != shape:
            raise ValueError(
                f"{self._name()}.backward: expected a gradient of shape {shape} (the shape of the "
                f"last forward output), got {g.shape}."
            )
        return g
