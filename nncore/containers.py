"""``Sequential``: layers applied one after the other, and helpers built on it."""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _module, _stamps
from . import init as init_
from ._checks import as_rng, check_size
from .layers import Linear, Module, ReLU
from .parameter import Parameter

Saved = tuple[list[Any], list[NDArray[np.float64]]]
"""What ``Sequential._forward`` saves: per position, what the layer saved and its output."""

__all__ = ["Sequential", "Block", "LayerTrace", "mlp", "count_parameters"]


@dataclass(frozen=True)
class Block:
    """One ``Linear`` layer and the activation that follows it: a layer of units.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    position : int
        Index of the ``Linear`` among all ``Linear`` layers of the model, from 0
        (the first hidden layer) to the output layer.
    linear : Linear
        The layer itself.
    activation : Module or None
        The layer right after it when that is not another ``Linear`` (for
        example ``ReLU()``), or ``None`` (a linear output).
    index : int
        Index of the ``Linear`` in the model's list of layers, nested
        ``Sequential`` containers unrolled in order; for a flat model
        ``model[index]`` is the layer. :meth:`Sequential.forward_trace` and
        :func:`nncore.dead_units` call this number its position.
    """

    position: int
    linear: Linear
    activation: Module | None
    index: int


class LayerTrace(NamedTuple):
    """What one ``Linear`` layer and its activation computed in a forward pass.

    Each parameter is kept as the field of the same name.

    Parameters
    ----------
    position : int
        From :meth:`Sequential.trace`: the block's position, the index of the
        ``Linear`` among all ``Linear`` layers (0, 1, 2...). From
        :meth:`Sequential.forward_trace`: the ``Linear``'s index in the model's
        list of layers (0, 2, 4... for ``Linear, ReLU, Linear, ReLU, Linear``).
    linear : Linear
        The layer itself.
    activation : Module or None
        The activation layer right after it, or ``None`` if there is none.
    z : numpy.ndarray, shape (n, out_features) or (out_features,)
        Pre-activations, ``x @ W.T + b`` (a copy: editing it changes nothing).
    h : numpy.ndarray, same shape as ``z``
        Activations (``z`` itself when no activation follows).
    """

    position: int
    linear: Linear
    activation: Module | None
    z: NDArray[np.float64]
    h: NDArray[np.float64]


class Sequential(Module):
    """Layers applied in order, as ``torch.nn.Sequential``.

    Parameters
    ----------
    *layers : Module
        For example ``Linear(4, 2), ReLU(), Linear(2, 3), ReLU(), Linear(3, 1)``.
        A ``Sequential`` may contain ``Sequential`` containers, and one module
        object may sit at several positions (tied weights, a shared activation):
        the model keeps what each position computed, as PyTorch does.

    Notes
    -----
    Parameters are named ``"<layer index>.weight"`` and ``"<layer index>.bias"``,
    as in PyTorch; a parameter used at several positions is listed once.
    :meth:`blocks` pairs each ``Linear`` with its activation; :meth:`trace`
    runs a forward pass and returns every block's pre-activation and
    activation, for figures and diagnostics, without disturbing a pending
    backward pass.

    Examples
    --------
    >>> import nncore as nc
    >>> model = nc.Sequential(nc.Linear(4, 2, rng=0), nc.ReLU(), nc.Linear(2, 1, rng=0))
    >>> [(b.position, type(b.activation).__name__) for b in model.blocks()]
    [(0, 'ReLU'), (1, 'NoneType')]
    """

    def __init__(self, *layers: Module) -> None:
        if not layers:
            raise ValueError(
                "Sequential: expected at least one layer, got none. Pass layers as "
                "arguments: Sequential(Linear(4, 2), ReLU(), Linear(2, 1))."
            )
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(
                    f"Sequential: layer {i} must be an nncore Module such as Linear or ReLU, "
                    f"got {type(layer).__name__}. Did you pass the class instead of an "
                    f"instance (ReLU instead of ReLU())?"
                )
        self.layers: list[Module] = list(layers)
        for name, p in self.named_parameters():
            p.name = name

    # ------------------------------------------------------------------ forward and backward
    def _check_input(self, x: ArrayLike) -> NDArray[np.float64]:
        return self.layers[0]._check_input(x)  # the first layer checks the model's input

    def _kept_input(self, x: ArrayLike) -> NDArray[np.float64]:
        return self.layers[0]._kept_input(x)  # and copies it if it keeps it

    def _forward(self, x: NDArray[np.float64]) -> tuple[NDArray[np.float64], Saved]:
        saved: list[Any] = []  # per position: what the layer saved
        outputs: list[NDArray[np.float64]] = []  # and what it returned
        for layer in self.layers:
            x, s = layer._forward(x)
            saved.append(s)
            outputs.append(x)
        return x, (saved, outputs)

    def _backward(self, g: NDArray[np.float64], saved: Saved) -> NDArray[np.float64]:
        for layer, s in zip(reversed(self.layers), reversed(saved[0]), strict=True):
            g = layer._backward(g, s)
        return g

    def _grads_only(self, g: NDArray[np.float64], saved: Saved) -> None:
        for layer, s in zip(reversed(self.layers[1:]), reversed(saved[0][1:]), strict=True):
            g = layer._backward(g, s)
        self.layers[0]._grads_only(g, saved[0][0])  # no dL/dx for the data

    @property
    def _saves_output(self) -> bool:  # type: ignore[override]
        return self.layers[-1]._saves_output

    def forward(self, x: ArrayLike) -> NDArray[np.float64]:
        """Apply every layer in turn.

        Parameters
        ----------
        x : array_like, shape (n, in_features) or (in_features,)

        Returns
        -------
        numpy.ndarray
            The last layer's output, shape (n, out_features) or (out_features,).

        Notes
        -----
        Each layer is also given what it computed, so that after
        ``loss(model(x), y)`` a reader can back-propagate layer by layer
        (``model[2].backward(loss.backward())``, then ``model[1]``...).
        """
        layers = self.layers
        out, saved = self._forward(self._kept_input(x))
        if type(out) is not np.ndarray:  # numpy gives a scalar for a 0-d input
            out = np.asarray(out)
        elif layers[-1]._saves_output:
            out = out.copy()
        owed = _module._owed
        if owed is not None and (
            owed[0]() is not self  # another model's pass, which ran before this one: first
            or len(owed[2]) != len(layers)  # or this model's, with other layers
            or not all(map(operator.is_, owed[2], layers))  # the very modules: no __eq__
        ):
            _module.deliver_owed()
            owed = None
        stamp = _stamps.new_stamp()
        state = self._state = (stamp, out.shape, saved)
        _stamps.mark(out, stamp)
        if owed is not None:  # this pass replaces the owed one of the same layers
            _module._owed = (owed[0], state, owed[2])
        elif any(isinstance(layer, Sequential) for layer in layers):
            self._hand_down(layers, stamp, saved, self)  # nested: at once, as they are now
        else:  # the layers' parts wait until a module's state is next read or written
            _module._owed = (weakref.ref(self), state, list(layers))
        return out

    def __del__(self) -> None:
        # A model deleted with its pass owed hands it down first, as forward did before passes
        # were owed: its layers, if still in use elsewhere, hold their part of it.
        owed = _module._owed if _module is not None else None  # None at interpreter exit
        if owed is not None and owed[0]() is self:
            _module.deliver_owed()

    def backward(self, grad_output: ArrayLike) -> NDArray[np.float64]:
        """Back-propagate ``dL/d output`` through every layer, last first.

        Parameters
        ----------
        grad_output : array_like, same shape as the last forward output

        Returns
        -------
        numpy.ndarray
            ``dL/dx``, the shape of the last forward input. Each parameter's
            ``.grad`` has ``dL/d parameter`` added to it.
        """
        shape, saved = self._pending(grad_output)  # Module.backward, one call fewer
        g = self._backward(self._grad(grad_output, shape), saved)
        return g if type(g) is np.ndarray else np.asarray(g)

    def _hand_down(self, layers: list[Module], stamp: int, saved: Saved, top: Module) -> None:
        """Give each of ``layers`` its own part of the forward pass ``stamp`` of ``top``.

        ``layers`` are this model's layers as they were in that pass. Each layer can
        then run its own backward (``model[2].backward(...)``); a layer at several
        positions of ``top`` refuses to (see ``Module._take_part``).
        """
        for layer, s, out in zip(layers, saved[0], saved[1], strict=True):
            layer._take_part(stamp, out.shape, s, top)

    def _take_part(self, stamp: int, shape: tuple[int, ...], saved: Any, model: Module) -> None:
        """Keep this model's part of ``model``'s forward pass, and hand it down to its layers."""
        Module._take_part(self, stamp, shape, saved, model)
        self._hand_down(self.layers, stamp, saved, model)

    def _shared_message(self, layer: Module) -> str:
        """Why ``layer``, at several positions of this model, refuses its own backward."""
        where = [i for i, other in enumerate(self._leaves()) if other is layer]
        places = f" (layers {', '.join(map(str, where))} counting nested layers)" if where else ""
        return (
            f"{layer._name()}.backward: this object sits at several positions of the "
            f"model{places}, so its own backward cannot tell which call you mean. Call "
            f"model.backward(...), or create one {type(layer).__name__} per position."
        )

    # ----------------------------------------------------------------------- looking inside
    def _leaves(self) -> list[Module]:
        """Every layer, nested ``Sequential`` containers unrolled in order."""
        flat: list[Module] = []
        for layer in self.layers:
            flat.extend(layer._leaves() if isinstance(layer, Sequential) else [layer])
        return flat

    def _leaf_outputs(self, saved: Saved) -> list[NDArray[np.float64]]:
        flat: list[NDArray[np.float64]] = []
        for layer, s, out in zip(self.layers, *saved, strict=True):
            flat.extend(layer._leaf_outputs(s) if isinstance(layer, Sequential) else [out])
        return flat

    def blocks(self) -> list[Block]:
        """Each ``Linear`` layer with the activation that follows it; no forward pass needed.

        Returns
        -------
        list of Block
            One per ``Linear``, in order, nested ``Sequential`` containers
            included; ``activation`` is ``None`` for a ``Linear`` followed by
            another ``Linear`` or by nothing.

        Examples
        --------
        >>> import nncore as nc
        >>> model = nc.mlp([4, 2, 3, 1], output_activation=nc.Sigmoid, rng=0)
        >>> [(b.position, b.index, b.linear.out_features, b.activation) for b in model.blocks()]
        [(0, 0, 2, ReLU()), (1, 2, 3, ReLU()), (2, 4, 1, Sigmoid())]
        """
        leaves = self._leaves()
        blocks: list[Block] = []
        for i, layer in enumerate(leaves):
            if isinstance(layer, Linear):
                nxt = leaves[i + 1] if i + 1 < len(leaves) else None
                activation = None if nxt is None or isinstance(nxt, Linear) else nxt
                blocks.append(Block(len(blocks), layer, activation, i))
        return blocks

    def _traces(self, saved: Saved, *, by_index: bool) -> list[LayerTrace]:
        outputs = self._leaf_outputs(saved)
        traces = []
        for b in self.blocks():
            z = outputs[b.index].copy()
            h = z if b.activation is None else outputs[b.index + 1].copy()
            traces.append(
                LayerTrace(b.index if by_index else b.position, b.linear, b.activation, z, h)
            )
        return traces

    def trace(self, x: ArrayLike) -> list[LayerTrace]:
        """Run a forward pass on ``x`` and return what every block computed.

        Unlike ``model(x)``, this keeps nothing for a backward pass and leaves
        what the last ``model(...)`` kept untouched, so it is safe between a
        loss and its ``backward()`` (for example to draw the network).

        Parameters
        ----------
        x : array_like, shape (n, in_features) or (in_features,)

        Returns
        -------
        list of LayerTrace
            One per block (see :meth:`blocks`), ``position`` counting blocks
            from 0; ``z`` and ``h`` of shape (n, out_features) or (out_features,),
            copies.

        Examples
        --------
        >>> import nncore as nc
        >>> model = nc.mlp([2, 3, 1], weight_init=nc.init.constant(1.0),
        ...                bias_init=nc.init.constant(-1.0))
        >>> hidden, output = model.trace([[1.0, -2.0]])
        >>> hidden.position, hidden.z, hidden.h
        (0, array([[-2., -2., -2.]]), array([[0., 0., 0.]]))
        >>> output.position, output.activation, output.z
        (1, None, array([[-1.]]))
        """
        _, saved = self._forward(self._check_input(x))
        return self._traces(saved, by_index=False)

    def forward_trace(self) -> list[LayerTrace]:
        """Return what every ``Linear`` layer and its activation computed in the last forward pass.

        Returns
        -------
        list of LayerTrace
            One entry per ``Linear`` layer, in order, nested ``Sequential``
            containers included; ``position`` is the ``Linear``'s index in the
            list of layers (``Block.index``); ``z`` and ``h`` are copies.
            :meth:`trace` does the same for a new input without needing a
            forward pass first.
        """
        if self._state is None or self._state[1] is None:
            raise RuntimeError(
                "Sequential.forward_trace: the model has not run a forward pass of its own "
                "yet. Call model(x) first, or use model.trace(x), which runs one."
            )
        return self._traces(self._state[2], by_index=True)

    # --------------------------------------------------------------------------- the layers
    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to zeros."""
        for layer in self.layers:
            layer.zero_grad()

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Yield ``("<layer index>.weight", parameter)`` pairs, each parameter once.

        Yields
        ------
        name : str
            The layer's index in the list of layers, a dot and the parameter's name, for
            example ``"0.weight"`` or ``"2.bias"``.
        parameter : Parameter
            The parameter itself (not a copy).
        """
        seen: set[int] = set()
        for i, layer in enumerate(self.layers):
            for name, p in layer.named_parameters():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield f"{i}.{name}", p

    def __getitem__(self, index: int | slice) -> Module:
        if isinstance(index, slice):
            names = [(p, p.name) for p in self.parameters()]
            part = Sequential(*self.layers[index])
            for p, name in names:  # the slice renames its parameters; keep the model's names
                p.name = name
            return part
        return self.layers[index]

    def _name(self) -> str:
        return "Sequential"

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def __repr__(self) -> str:
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"


def mlp(
    layer_sizes: Sequence[int],
    *,
    activation: Callable[[], Module] = ReLU,
    output_activation: Callable[[], Module] | None = None,
    weight_init: init_.Initializer | None = None,
    bias_init: init_.Initializer | None = None,
    rng: np.random.Generator | int | None = None,
) -> Sequential:
    """A fully connected network from its layer sizes.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_inputs, hidden_1, ..., n_outputs]``, for example ``[4, 2, 3, 1]``.
    activation : callable returning a Module, default ReLU
        Called once per hidden layer, e.g. ``ReLU`` or ``lambda: LeakyReLU(0.1)``.
    output_activation : callable returning a Module, optional
        Appended after the last ``Linear``; none by default (a linear output,
        as losses such as ``CrossEntropyLoss`` expect).
    weight_init, bias_init : nncore.init.Initializer, optional
        Passed to every ``Linear``.
    rng : numpy.random.Generator or int, optional
        One generator shared by all layers, so one seed fixes the whole network.

    Returns
    -------
    Sequential
        ``Linear, activation, Linear, activation, ..., Linear[, output_activation]``.
    """
    if isinstance(layer_sizes, (int, np.integer)) or not hasattr(layer_sizes, "__iter__"):
        raise ValueError(
            f"mlp: expected a list of layer sizes such as [4, 2, 3, 1], got {layer_sizes!r}."
        )
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"mlp: expected at least two layer sizes (inputs and outputs), got {sizes}. "
            f"For the 4-2-3-1 network pass [4, 2, 3, 1]."
        )
    sizes = [check_size(s, where="mlp", name=f"layer_sizes[{i}]") for i, s in enumerate(sizes)]
    gen = as_rng(rng, where="mlp")
    layers: list[Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Linear(n_in, n_out, weight_init=weight_init, bias_init=bias_init, rng=gen))
        if i < len(sizes) - 2:
            layers.append(_new_module(activation, "activation"))
    if output_activation is not None:
        layers.append(_new_module(output_activation, "output_activation"))
    return Sequential(*layers)


def _new_module(make: Callable[[], Module], name: str) -> Module:
    """Call ``make`` (a Module class or a function returning a new Module) and check the result."""
    if isinstance(make, Module):
        kind = type(make).__name__
        raise TypeError(
            f"mlp: {name} must be a class or a function that makes a new layer, got the "
            f"{kind} object {make!r}. Pass the class nc.{kind}, not nc.{kind}() (or "
            f"lambda: nc.LeakyReLU(0.1) for a layer with settings)."
        )
    if not callable(make):
        raise TypeError(
            f"mlp: {name} must be a Module class such as nc.ReLU, or a function returning a "
            f"new layer such as lambda: nc.LeakyReLU(0.1); got {make!r} of type "
            f"{type(make).__name__}."
        )
    layer = make()
    if not isinstance(layer, Module):
        raise TypeError(
            f"mlp: {name}() must return an nncore Module such as nc.ReLU(), got "
            f"{type(layer).__name__}."
        )
    return layer


def count_parameters(model: Module) -> int:
    """Number of trainable scalars: ``(n_in + 1) * n_out`` summed over ``Linear`` layers.

    A parameter used at several positions (tied weights) is counted once.

    Parameters
    ----------
    model : Module

    Returns
    -------
    int
        23 for the 4-2-3-1 network: 10 + 9 + 4.
    """
    if not isinstance(model, Module):
        raise TypeError(
            f"count_parameters: expected an nncore Module such as Sequential, got "
            f"{type(model).__name__}."
        )
    return sum(p.size for p in model.parameters())
