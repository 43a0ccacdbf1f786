"""Reference solutions of the coding exercises, one function per exercise.

Each chapter shows its solutions folded under "Solution", with exactly this source (a test
compares them). The tests run each of them through its checker in strict mode
(``tests/bookcode/test_exercises_checkers.py``), so they fail if a checker rejects a correct
answer; no notebook cell names this module.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "one_hot_targets",
    "stable_softmax",
    "forward_4231",
    "count_parameters_by_sizes",
    "relu_forward",
    "relu_backward",
    "unit_gradients",
    "leaky_relu_derivative",
    "standardize_train_test",
    "sgd_step_with_decay",
    "l2_penalty_and_gradient",
]


# Chapter 1 -----------------------------------------------------------------------------


def one_hot_targets(labels, n_classes):
    """One row per label: 1.0 in the label's column, 0.0 elsewhere."""
    labels = np.asarray(labels)
    targets = np.zeros((labels.shape[0], n_classes))
    targets[np.arange(labels.shape[0]), labels] = 1.0
    return targets


def stable_softmax(z):
    """Softmax of each row, with the row's maximum subtracted first."""
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


# Chapter 2 -----------------------------------------------------------------------------


def forward_4231(x, W1, b1, W2, b2, W3, b3):
    """The 4-2-3-1 forward pass, layer by layer, for a batch x of shape (n, 4)."""
    z1 = x @ W1.T + b1
    h1 = np.maximum(z1, 0.0)
    z2 = h1 @ W2.T + b2
    h2 = np.maximum(z2, 0.0)
    z3 = h2 @ W3.T + b3
    return z1, h1, z2, h2, z3


def count_parameters_by_sizes(layer_sizes):
    """Weights and biases of a fully connected network with these layer sizes."""
    pairs = range(len(layer_sizes) - 1)  # layer i feeds layer i + 1
    return sum((layer_sizes[i] + 1) * layer_sizes[i + 1] for i in pairs)


# Chapter 3 -----------------------------------------------------------------------------


def relu_forward(z):
    """max(0, z), elementwise."""
    return np.maximum(z, 0.0)


def relu_backward(grad_output, z):
    """dL/dz: the upstream gradient where z > 0, and 0 where z <= 0."""
    return grad_output * (z > 0)


def unit_gradients(x, w, b, grad_h):
    """dL/dw and dL/db of one ReLU unit h = max(0, x @ w + b) over a batch."""
    z = x @ w + b
    grad_z = grad_h * (z > 0)
    return x.T @ grad_z, grad_z.sum()


# Chapter 4 -----------------------------------------------------------------------------


def leaky_relu_derivative(z, negative_slope=0.01):
    """1 where z > 0, negative_slope where z <= 0."""
    return np.where(z > 0, 1.0, negative_slope)


def standardize_train_test(x_train, x_test):
    """Both sets shifted and scaled with the training set's mean and standard deviation."""
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    # a constant column's std is 0 only up to rounding (1e-17 for 0.1s): divide by 1 there
    rounding = len(x_train) * np.finfo(np.float64).eps * np.abs(mean)
    std = np.where(std > rounding, std, 1.0)
    return (x_train - mean) / std, (x_test - mean) / std


# Chapter 5 -----------------------------------------------------------------------------


def sgd_step_with_decay(weight, bias, grad_weight, grad_bias, lr, weight_decay):
    """One SGD step that decays the weight but not the bias."""
    new_weight = (1.0 - lr * weight_decay) * weight - lr * grad_weight
    new_bias = bias - lr * grad_bias
    return new_weight, new_bias


def l2_penalty_and_gradient(weights, weight_decay):
    """(weight_decay / 2) * (sum of every squared weight), and its gradient per matrix."""
    penalty = 0.5 * weight_decay * sum(np.sum(w * w) for w in weights)
    return penalty, [weight_decay * w for w in weights]
