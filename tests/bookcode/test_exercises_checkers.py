"""Every exercise checker: accepts the reference solution, rejects the typical wrong answers
with a hint naming the mistake, reports a stub and a raising function, raises in strict mode.

The wrong answers below are written out here, independently of the checkers' own lists of
mistakes, the way a student would write them.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from nnbook.exercises import (
    EXERCISES,
    NOT_IMPLEMENTED,
    ExerciseCheckError,
    solutions,
    train_design_b,
)

BY_NAME = {ex.checker.__name__: ex for ex in EXERCISES}


def _reference(ex):
    return [getattr(solutions, name) for name in ex.functions]


# --- wrong answers, as a student might write them -------------------------------------


def oh_transposed(labels, n_classes):
    return np.eye(n_classes)[np.asarray(labels)].T


def oh_from_max(labels, n_classes):
    labels = np.asarray(labels)
    return np.eye(labels.max() + 1)[labels]


def oh_int(labels, n_classes):
    return np.eye(n_classes, dtype=int)[np.asarray(labels)]


def oh_shifted(labels, n_classes):
    return np.eye(n_classes)[np.asarray(labels) - 1]


def sm_naive(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def sm_global_max(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def sm_axis0(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def sm_no_keepdims(z):
    e = np.exp(z - z.max(axis=1))
    return e / e.sum(axis=1, keepdims=True)


def fw_no_bias(x, W1, b1, W2, b2, W3, b3):
    z1 = x @ W1.T
    h1 = np.maximum(z1, 0)
    z2 = h1 @ W2.T
    h2 = np.maximum(z2, 0)
    return z1, h1, z2, h2, h2 @ W3.T


def fw_relu_output(x, W1, b1, W2, b2, W3, b3):
    z1, h1, z2, h2, z3 = solutions.forward_4231(x, W1, b1, W2, b2, W3, b3)
    return z1, h1, z2, h2, np.maximum(z3, 0)


def fw_missing_transpose(x, W1, b1, W2, b2, W3, b3):
    z1 = x @ W1 + b1
    return z1, z1, z1, z1, z1


def fw_no_relu(x, W1, b1, W2, b2, W3, b3):
    z1 = x @ W1.T + b1
    z2 = z1 @ W2.T + b2
    return z1, z1, z2, z2, z2 @ W3.T + b3


def fw_four_values(x, W1, b1, W2, b2, W3, b3):
    return solutions.forward_4231(x, W1, b1, W2, b2, W3, b3)[:4]


def cp_no_biases(sizes):
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def cp_input_bias(sizes):
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)) + sum(sizes)


def cp_bias_per_input(sizes):
    return sum((b + 1) * a for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def relu_ge(grad_output, z):
    return grad_output * (z >= 0)


def relu_mask_only(grad_output, z):
    return (z > 0).astype(float)


def relu_in_place(z):
    z[z < 0] = 0.0
    return z


def ug_no_slope(x, w, b, grad_h):
    return x.T @ grad_h, grad_h.sum()


def ug_mean(x, w, b, grad_h):
    grad_z = grad_h * (x @ w + b > 0)
    return x.T @ grad_z / len(grad_h), grad_z.mean()


def ug_ge(x, w, b, grad_h):
    grad_z = grad_h * (x @ w + b >= 0)
    return x.T @ grad_z, grad_z.sum()


def lk_relu(z, negative_slope=0.01):
    return (z > 0).astype(float)


def lk_ge(z, negative_slope=0.01):
    return np.where(z >= 0, 1.0, negative_slope)


def lk_fixed(z, negative_slope=0.01):
    return np.where(z > 0, 1.0, 0.01)


def lk_value(z, negative_slope=0.01):
    return np.where(z > 0, z, negative_slope * z)


def st_test_own(x_train, x_test):
    def scale(x):
        return (x - x.mean(axis=0)) / x.std(axis=0)

    return scale(x_train), scale(x_test)


def st_combined(x_train, x_test):
    both = np.vstack([x_train, x_test])
    mean, std = both.mean(axis=0), both.std(axis=0)
    return (x_train - mean) / std, (x_test - mean) / std


def st_global(x_train, x_test):
    mean, std = x_train.mean(), x_train.std()
    return (x_train - mean) / std, (x_test - mean) / std


def st_no_guard(x_train, x_test):
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return (x_train - mean) / std, (x_test - mean) / std


def sgd_no_lr(weight, bias, grad_weight, grad_bias, lr, weight_decay):
    return (1 - weight_decay) * weight - lr * grad_weight, bias - lr * grad_bias


def sgd_decays_bias(weight, bias, grad_weight, grad_bias, lr, weight_decay):
    factor = 1 - lr * weight_decay
    return factor * weight - lr * grad_weight, factor * bias - lr * grad_bias


def sgd_in_place(weight, bias, grad_weight, grad_bias, lr, weight_decay):
    weight *= 1 - lr * weight_decay
    weight -= lr * grad_weight
    bias -= lr * grad_bias


def l2_no_half(weights, weight_decay):
    return weight_decay * sum(np.sum(w * w) for w in weights), [weight_decay * w for w in weights]


def l2_mean(weights, weight_decay):
    return (
        0.5 * weight_decay * sum(np.mean(w * w) for w in weights),
        [weight_decay * w for w in weights],
    )


def l2_double_gradient(weights, weight_decay):
    return (
        0.5 * weight_decay * sum(np.sum(w * w) for w in weights),
        [2 * weight_decay * w for w in weights],
    )


# (checker, wrong functions replacing the reference ones by position, words of the hint)
WRONG_ANSWERS = [
    ("check_one_hot_targets", {0: oh_transposed}, "yours is transposed"),
    ("check_one_hot_targets", {0: oh_from_max}, "not labels.max() + 1"),
    ("check_one_hot_targets", {0: oh_int}, "make it a float array"),
    ("check_one_hot_targets", {0: oh_shifted}, "label d belongs in column d"),
    ("check_stable_softmax", {0: sm_naive}, "subtract each row's maximum before np.exp"),
    ("check_stable_softmax", {0: sm_global_max}, "not the largest score of the whole batch"),
    ("check_stable_softmax", {0: sm_axis0}, "normalise along each row (axis=1)"),
    ("check_stable_softmax", {0: sm_no_keepdims}, "keepdims=True"),
    ("check_forward_4231", {0: fw_no_bias}, "add the layer's bias"),
    ("check_forward_4231", {0: fw_relu_output}, "the output layer is linear"),
    ("check_forward_4231", {0: fw_missing_transpose}, "x @ W.T"),
    ("check_forward_4231", {0: fw_no_relu}, "apply ReLU to the hidden layer"),
    ("check_forward_4231", {0: fw_four_values}, "should return 5 values"),
    ("check_count_parameters", {0: cp_no_biases}, "each unit also has a bias"),
    ("check_count_parameters", {0: cp_input_bias}, "the input layer has no bias"),
    ("check_count_parameters", {0: cp_bias_per_input}, "not to each input"),
    ("check_relu", {1: relu_ge}, "use (z > 0), not (z >= 0)"),
    ("check_relu", {1: relu_mask_only}, "not the derivative alone"),
    ("check_relu", {0: relu_in_place}, "changed its input z in place"),
    ("check_unit_gradients", {0: ug_no_slope}, "multiply grad_h by ReLU's derivative"),
    ("check_unit_gradients", {0: ug_mean}, "sum over the examples, do not average"),
    ("check_unit_gradients", {0: ug_ge}, "not (z >= 0)"),
    ("check_leaky_relu_derivative", {0: lk_relu}, "not 0: that small slope"),
    ("check_leaky_relu_derivative", {0: lk_ge}, "at z = 0 use the negative slope"),
    ("check_leaky_relu_derivative", {0: lk_fixed}, "not a fixed 0.01"),
    ("check_leaky_relu_derivative", {0: lk_value}, "that is the leaky ReLU's value"),
    ("check_standardize_train_test", {0: st_test_own}, "with the training set's mean"),
    ("check_standardize_train_test", {0: st_combined}, "on the training set only"),
    (
        "check_standardize_train_test",
        {0: st_global},
        "one mean and one standard deviation per feature",
    ),
    (
        "check_standardize_train_test",
        {0: st_no_guard},
        "a constant feature has standard deviation 0",
    ),
    ("check_sgd_step_with_decay", {0: sgd_no_lr}, "the learning rate multiplies the decay"),
    ("check_sgd_step_with_decay", {0: sgd_decays_bias}, "do not decay the bias"),
    ("check_sgd_step_with_decay", {0: sgd_in_place}, "changed its input weight in place"),
    ("check_l2_penalty_and_gradient", {0: l2_no_half}, "keep the 1/2"),
    ("check_l2_penalty_and_gradient", {0: l2_mean}, "sum the squares, do not average"),
    ("check_l2_penalty_and_gradient", {0: l2_double_gradient}, "the 2 of the square cancels"),
]


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.checker.__name__)
def test_the_reference_solution_passes_every_case(ex):
    result = ex.checker(*_reference(ex), strict=True, verbose=False)
    assert result.passed and result.implemented
    assert len(result.cases) >= 4, "each checker tries several cases"


@pytest.mark.parametrize(
    ("checker", "wrong", "words"),
    WRONG_ANSWERS,
    ids=[f"{c}-{next(iter(w.values())).__name__}" for c, w, _ in WRONG_ANSWERS],
)
def test_a_typical_wrong_answer_is_rejected_with_a_hint_naming_the_mistake(checker, wrong, words):
    ex = BY_NAME[checker]
    functions = _reference(ex)
    for position, fn in wrong.items():
        functions[position] = fn
    result = ex.checker(*functions, verbose=False)
    assert not result.passed and result.implemented
    assert any(words in case.message for case in result.failures), result.report
    with pytest.raises(ExerciseCheckError, match="the checker rejected"):
        ex.checker(*functions, strict=True, verbose=False)


def test_every_checker_knows_at_least_two_typical_wrong_answers():
    counts = {name: sum(c == name for c, _, _ in WRONG_ANSWERS) for name in BY_NAME}
    assert min(counts.values()) >= 2, counts


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.checker.__name__)
def test_a_stub_is_reported_as_not_implemented_and_strict_mode_raises(ex, capsys):
    def stub(*args):
        raise NotImplementedError

    result = ex.checker(*[stub] * len(ex.functions))
    assert not result.passed and not result.implemented
    assert f"{NOT_IMPLEMENTED}." in capsys.readouterr().out
    with pytest.raises(ExerciseCheckError, match=NOT_IMPLEMENTED):
        ex.checker(*[stub] * len(ex.functions), strict=True, verbose=False)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.checker.__name__)
def test_a_raising_function_is_reported_not_raised(ex):
    def broken(*args):
        return {}["no such key"]

    result = ex.checker(*[broken] * len(ex.functions), verbose=False)  # must not raise
    assert not result.passed and result.implemented
    assert "broken raised KeyError: 'no such key'" in result.failures[0].message


def test_the_dead_unit_gets_exactly_zero_gradient_bit_for_bit():
    ex = BY_NAME["check_unit_gradients"]

    def almost_zero(x, w, b, grad_h):  # right everywhere, but 1e-300 off for the dead unit
        grad_w, grad_b = solutions.unit_gradients(x, w, b, grad_h)
        return grad_w + 1e-300, grad_b

    result = ex.checker(almost_zero, verbose=False)
    assert [c.name for c in result.failures] == [
        "a dead unit on positive features: exactly zero gradient"
    ]
    assert "must be exact" in result.failures[0].message


def test_design_b_trains_on_reference_one_hot_targets_and_waits_for_a_stub(capsys):
    def stub(labels, n_classes):
        raise NotImplementedError

    assert train_design_b(stub) is None
    assert "not trained yet" in capsys.readouterr().out
    accuracy = train_design_b(solutions.one_hot_targets, epochs=3)
    assert 0.85 < accuracy <= 1.0  # ten classes: chance is 0.1


def test_every_reference_solution_is_used_by_an_exercise():
    used = {name for ex in EXERCISES for name in ex.functions}
    defined = {
        name
        for name, obj in vars(solutions).items()
        if inspect.isfunction(obj) and obj.__module__ == solutions.__name__
    }
    assert used == defined == set(solutions.__all__)


def test_a_half_written_exercise_names_the_function_still_to_write(capsys):
    def relu_backward(grad_output, z):
        raise NotImplementedError

    result = BY_NAME["check_relu"].checker(solutions.relu_forward, relu_backward)
    assert not result.implemented
    assert "Write the body of relu_backward in place of" in capsys.readouterr().out
