"""``Sequential``: layers applied one after the other, and helpers built on it."""

from __future__ import annotations

from typing import Callable, Iterator, NamedTuple, Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import init as init_
from ._checks import as_rng, check_size
from .layers import Linear, Module, ReLU
from .parameter import Parameter

__all__ = ["Sequential", "LayerTrace", "mlp", "count_parameters"]


class LayerTrace(NamedTuple):
    """What one ``Linear`` layer and its activation computed in the last forward pass.

    Attributes
    ----------
    position : int
        Index of the ``Linear`` layer in the ``Sequential``.
    linear : Linear
        The layer itself.
    activation : Module or None
        The activation layer right after it, or ``None`` if there is none.
    z : numpy.ndarray, shape (n, out_features) or (out_features,)
        Pre-activations, ``x @ W.T + b``.
    h : numpy.ndarray, same shape as ``z``
        Activations (``z`` itself when no activation follows).
    """

    position: int
    linear: Linear
    activation: Module | None
    z: np.ndarray
    h: np.ndarray


class Sequential(Module):
    """Layers applied in order, as ``torch.nn.Sequential``.

    Parameters
    ----------
    *layers : Module
        For example ``Linear(4, 2), ReLU(), Linear(2, 3), ReLU(), Linear(3, 1)``.

    Notes
    -----
    Parameters are named ``"<layer index>.weight"`` and ``"<layer index>.bias"``,
    as in PyTorch. After a forward pass, :meth:`forward_trace` gives every
    layer's pre-activation and activation, for figures and diagnostics.
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
        self._outputs: list[np.ndarray] | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Apply every layer in turn.

        Parameters
        ----------
        x : array_like, shape (n, in_features) or (in_features,)

        Returns
        -------
        numpy.ndarray
            The last layer's output, shape (n, out_features) or (out_features,).
        """
        x = self.layers[0](x)  # checks the model's input
        outputs = [x]
        for layer in self.layers[1:]:  # inputs made inside the model need no new check
            x = layer._forward_checked(x)
            outputs.append(x)
        self._outputs = outputs
        return x

    def backward(self, grad_output: ArrayLike) -> np.ndarray:
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
        self._saved(self._outputs)
        g = grad_output
        for layer in reversed(self.layers):
            g = layer.backward(g)
        return g

    def forward_trace(self) -> list[LayerTrace]:
        """Pre-activations and activations of every ``Linear`` layer in the last forward pass.

        Returns
        -------
        list of LayerTrace
            One entry per ``Linear`` layer, in order.
        """
        outputs = self._saved(self._outputs)
        traces = []
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Linear):
                nxt = self.layers[i + 1] if i + 1 < len(self.layers) else None
                if nxt is None or isinstance(nxt, (Linear, Sequential)):
                    traces.append(LayerTrace(i, layer, None, outputs[i], outputs[i]))
                else:
                    traces.append(LayerTrace(i, layer, nxt, outputs[i], outputs[i + 1]))
        return traces

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        for i, layer in enumerate(self.layers):
            for name, p in layer.named_parameters():
                yield f"{i}.{name}", p

    def __getitem__(self, index: int | slice) -> Module:
        if isinstance(index, slice):
            names = [(p, p.name) for p in self.parameters()]
            part = Sequential(*self.layers[index])
            for p, name in names:  # the slice renames its parameters; keep the model's names
                p.name = name
            return part
        return self.layers[index]

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
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(n_in, n_out, weight_init=weight_init, bias_init=bias_init, rng=gen))
        if i < len(sizes) - 2:
            layers.append(activation())
    if output_activation is not None:
        layers.append(output_activation())
    return Sequential(*layers)


def count_parameters(model: Module) -> int:
    """Number of trainable scalars: ``(n_in + 1) * n_out`` summed over ``Linear`` layers.

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
