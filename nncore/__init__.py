"""nncore: a small, readable numpy neural-network package.

Names follow PyTorch (``Linear``, ``ReLU``, ``Sequential``, ``CrossEntropyLoss``,
``SGD``...), so what a reader learns here carries over. Importing it needs
numpy only; ``nncore.plot`` and ``nncore.widgets`` import matplotlib and
ipywidgets when they are used.

>>> import nncore as nc
>>> model = nc.mlp([4, 2, 3, 1], weight_init=nc.init.constant(1.0),
...                bias_init=nc.init.zeros())
>>> model([1.0, 1.0, 1.0, 1.0])
array([24.])
>>> nc.count_parameters(model)
23
"""

from types import ModuleType as _ModuleType

from . import functional, init
from .containers import Block, LayerTrace, Sequential, count_parameters, mlp
from .data import (
    DigitsSplit,
    Standardizer,
    load_digits,
    make_positive_features,
    one_hot,
    standardize,
)
from .diagnostics import dead_fraction, dead_units, inactive_fraction, inactive_units
from .gradcheck import gradient_check, numerical_gradient, relative_error
from .layers import Identity, LeakyReLU, Linear, Module, ReLU, Sigmoid, Softmax, Tanh
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, Loss, MSELoss
from .metrics import accuracy, confusion_matrix
from .optim import SGD, Adam, AdamW, Optimizer, weight_decay_groups
from .parameter import Parameter
from .training import History, fit

__version__ = "0.1.0"

__all__ = [
    "functional",
    "init",
    "Parameter",
    "Module",
    "Linear",
    "ReLU",
    "LeakyReLU",
    "Sigmoid",
    "Tanh",
    "Identity",
    "Softmax",
    "Sequential",
    "Block",
    "LayerTrace",
    "mlp",
    "count_parameters",
    "Loss",
    "MSELoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "weight_decay_groups",
    "numerical_gradient",
    "relative_error",
    "gradient_check",
    "inactive_units",
    "inactive_fraction",
    "dead_units",
    "dead_fraction",
    "accuracy",
    "confusion_matrix",
    "History",
    "fit",
    "make_positive_features",
    "Standardizer",
    "standardize",
    "DigitsSplit",
    "load_digits",
    "one_hot",
]


def __getattr__(name: str) -> _ModuleType:
    """Load ``nncore.plot`` and ``nncore.widgets`` on first use (they need matplotlib)."""
    if name in ("plot", "widgets"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'nncore' has no attribute {name!r}")
