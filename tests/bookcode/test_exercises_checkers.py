"""Every exercise checker: accepts the reference solution, rejects the typical wrong answers
with a hint naming the mistake, reports a stub and a raising function, raises in strict mode.

The wrong answers below are written out here, independently of the checkers' own lists of
mistakes, the way a student would write them.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pytest
from repo_root import REPO_ROOT

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


def sm_shift_min(z):
    e = np.exp(z - z.min(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sm_shift_mean(z):
    e = np.exp(z - z.mean(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sm_shift_first(z):
    e = np.exp(z - z[:, :1])
    return e / e.sum(axis=1, keepdims=True)


def sm_float32(z):
    return solutions.stable_softmax(z).astype(np.float32)


def oh_float32(labels, n_classes):
    return np.eye(n_classes, dtype=np.float32)[np.asarray(labels)]


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


def cp_pop(layer_sizes):  # right count, but the caller's list is empty afterwards
    total, n_in = 0, layer_sizes.pop(0)
    while layer_sizes:
        n_out = layer_sizes.pop(0)
        total += (n_in + 1) * n_out
        n_in = n_out
    return total


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


def ug_loop_overwrites(x, w, b, grad_h):  # = instead of +=: only the last active example
    grad_w, grad_b = np.zeros(x.shape[1]), 0.0
    for i in range(x.shape[0]):
        if x[i] @ w + b > 0:
            grad_w = grad_h[i] * x[i]
            grad_b = grad_h[i]
    return grad_w, grad_b


def ug_largest_example(x, w, b, grad_h):  # only the example with the largest z
    z = x @ w + b
    i = int(np.argmax(z))
    if z[i] <= 0:
        return np.zeros(x.shape[1]), 0.0
    return grad_h[i] * x[i], grad_h[i]


def lk_relu(z, negative_slope=0.01):
    return (z > 0).astype(float)


def lk_ge(z, negative_slope=0.01):
    return np.where(z >= 0, 1.0, negative_slope)


def lk_fixed(z, negative_slope=0.01):
    return np.where(z > 0, 1.0, 0.01)


def lk_value(z, negative_slope=0.01):
    return np.where(z > 0, z, negative_slope * z)


def lk_float32(z, negative_slope=0.01):
    return np.where(z > 0, 1.0, negative_slope).astype(np.float32)


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


def st_exact_zero_guard(x_train, x_test):  # a column of 0.1s has std 1e-17, not 0
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
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


def l2_frobenius(weights, weight_decay):  # the Frobenius norm exists for matrices only
    return (
        0.5 * weight_decay * sum(np.linalg.norm(w, "fro") ** 2 for w in weights),
        [weight_decay * w for w in weights],
    )


def l2_empties_the_list(weights, weight_decay):
    penalty, grads = 0.0, []
    while weights:
        w = weights.pop(0)
        penalty += 0.5 * weight_decay * np.sum(w * w)
        grads.append(weight_decay * w)
    return penalty, grads


def l2_shrinks_in_place(weights, weight_decay):
    penalty = 0.5 * weight_decay * sum(np.sum(w * w) for w in weights)
    grads = []
    for w in weights:
        w *= weight_decay  # the caller's weights, changed
        grads.append(w)
    return penalty, grads


# (checker, wrong functions replacing the reference ones by position, words of the hint)
WRONG_ANSWERS = [
    ("check_one_hot_targets", {0: oh_transposed}, "yours is transposed"),
    ("check_one_hot_targets", {0: oh_from_max}, "not labels.max() + 1"),
    ("check_one_hot_targets", {0: oh_int}, "make it a float array"),
    ("check_one_hot_targets", {0: oh_shifted}, "label d belongs in column d"),
    ("check_one_hot_targets", {0: oh_float32}, "dtype float32"),
    ("check_stable_softmax", {0: sm_naive}, "subtract each row's maximum before np.exp"),
    ("check_stable_softmax", {0: sm_global_max}, "not the largest score of the whole batch"),
    ("check_stable_softmax", {0: sm_axis0}, "normalise along each row (axis=1)"),
    ("check_stable_softmax", {0: sm_no_keepdims}, "keepdims=True"),
    ("check_stable_softmax", {0: sm_shift_min}, "each row's largest score"),
    ("check_stable_softmax", {0: sm_shift_mean}, "each row's largest score"),
    ("check_stable_softmax", {0: sm_shift_first}, "each row's largest score"),
    ("check_stable_softmax", {0: sm_float32}, "dtype float32"),
    ("check_forward_4231", {0: fw_no_bias}, "add the layer's bias"),
    ("check_forward_4231", {0: fw_relu_output}, "the output layer is linear"),
    ("check_forward_4231", {0: fw_missing_transpose}, "the inner sizes agree"),
    ("check_forward_4231", {0: fw_no_relu}, "apply ReLU to each hidden layer"),
    ("check_forward_4231", {0: fw_four_values}, "should return 5 values"),
    ("check_count_parameters", {0: cp_no_biases}, "each unit also has a bias"),
    ("check_count_parameters", {0: cp_input_bias}, "the input layer has no bias"),
    ("check_count_parameters", {0: cp_bias_per_input}, "not to each input"),
    ("check_count_parameters", {0: cp_pop}, "changed its input layer_sizes in place"),
    ("check_relu", {1: relu_ge}, "use (z > 0), not (z >= 0)"),
    ("check_relu", {1: relu_mask_only}, "not the derivative alone"),
    ("check_relu", {0: relu_in_place}, "changed its input z in place"),
    ("check_unit_gradients", {0: ug_no_slope}, "multiply grad_h by ReLU's derivative"),
    ("check_unit_gradients", {0: ug_mean}, "sum over the examples, do not average"),
    ("check_unit_gradients", {0: ug_ge}, "not (z >= 0)"),
    ("check_unit_gradients", {0: ug_loop_overwrites}, "every active example"),
    ("check_unit_gradients", {0: ug_largest_example}, "every active example"),
    ("check_leaky_relu_derivative", {0: lk_relu}, "not 0: that small slope"),
    ("check_leaky_relu_derivative", {0: lk_ge}, "at z = 0 use the negative slope"),
    ("check_leaky_relu_derivative", {0: lk_fixed}, "not a fixed 0.01"),
    ("check_leaky_relu_derivative", {0: lk_value}, "that is the leaky ReLU's value"),
    ("check_leaky_relu_derivative", {0: lk_float32}, "dtype float32"),
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
    ("check_standardize_train_test", {0: st_exact_zero_guard}, "within rounding of 0"),
    ("check_sgd_step_with_decay", {0: sgd_no_lr}, "the learning rate multiplies the decay"),
    ("check_sgd_step_with_decay", {0: sgd_decays_bias}, "do not decay the bias"),
    ("check_sgd_step_with_decay", {0: sgd_in_place}, "changed its input weight in place"),
    ("check_l2_penalty_and_gradient", {0: l2_no_half}, "keep the 1/2"),
    ("check_l2_penalty_and_gradient", {0: l2_mean}, "sum the squares, do not average"),
    ("check_l2_penalty_and_gradient", {0: l2_double_gradient}, "the 2 of the square cancels"),
    ("check_l2_penalty_and_gradient", {0: l2_frobenius}, "l2_frobenius raised ValueError"),
    ("check_l2_penalty_and_gradient", {0: l2_empties_the_list}, "changed its input weights"),
    ("check_l2_penalty_and_gradient", {0: l2_shrinks_in_place}, "changed its input weights"),
]


# --- odd answers the checkers must report case by case, never with a traceback ----------


def relu_forward_transposed(z):
    return np.maximum(z, 0.0).T


def relu_forward_raveled(z):
    return np.maximum(z, 0.0).ravel()


def relu_forward_str(z):
    return "max(0, z)"


def relu_backward_str(grad_output, z):
    return "grad_output where z > 0"


def l2_grads_one_array(weights, weight_decay):
    penalty, grads = solutions.l2_penalty_and_gradient(weights, weight_decay)
    return penalty, np.concatenate([g.ravel() for g in grads])


def l2_grads_generator(weights, weight_decay):
    penalty = 0.5 * weight_decay * sum(np.sum(w * w) for w in weights)
    return penalty, (weight_decay * w for w in weights)


def l2_grads_too_short(weights, weight_decay):
    penalty, grads = solutions.l2_penalty_and_gradient(weights, weight_decay)
    return penalty, grads[:1]


def l2_penalty_per_matrix(weights, weight_decay):
    _, grads = solutions.l2_penalty_and_gradient(weights, weight_decay)
    return 0.5 * weight_decay * np.array([np.sum(w * w) for w in weights]), grads


# (checker, wrong functions by position, words in the report of the finite-difference case)
ODD_ANSWERS = [
    ("check_relu", {0: relu_forward_transposed}, "relu_forward(z) should have shape (4, 3)"),
    ("check_relu", {0: relu_forward_raveled}, "should have shape (4, 3), not (12,)"),
    ("check_relu", {0: relu_forward_str}, "relu_forward(z) should be a number or a numeric"),
    ("check_relu", {1: relu_backward_str}, "relu_backward(grad_output, z) should be a number"),
    (
        "check_l2_penalty_and_gradient",
        {0: l2_grads_one_array},
        "grads should be a list of 2, one array",
    ),
    ("check_l2_penalty_and_gradient", {0: l2_grads_generator}, "it is a generator"),
    ("check_l2_penalty_and_gradient", {0: l2_grads_too_short}, "it has 1"),
    ("check_l2_penalty_and_gradient", {0: l2_penalty_per_matrix}, "penalty should be one number"),
]


@pytest.mark.parametrize(
    ("checker", "wrong", "words"),
    ODD_ANSWERS,
    ids=[f"{c}-{next(iter(w.values())).__name__}" for c, w, _ in ODD_ANSWERS],
)
def test_an_odd_answer_gets_a_report_for_every_case_never_a_traceback(checker, wrong, words):
    ex = BY_NAME[checker]
    functions = _reference(ex)
    for position, fn in wrong.items():
        functions[position] = fn
    result = ex.checker(*functions, verbose=False)  # must not raise
    n_cases = len(ex.checker(*_reference(ex), verbose=False).cases)
    assert result.implemented and not result.passed and len(result.cases) == n_cases
    assert all("hint:" in case.message for case in result.failures), result.report
    by_difference = next(c for c in result.cases if "gradient check" in c.name)
    assert not by_difference.passed and words in by_difference.message, by_difference.message


def test_an_answer_that_exits_is_reported_for_every_case():
    import sys

    def relu_backward(grad_output, z):
        sys.exit()

    result = BY_NAME["check_relu"].checker(solutions.relu_forward, relu_backward, verbose=False)
    backward = [c for c in result.cases if not c.name.startswith("forward")]
    assert backward and not any(c.passed for c in backward)
    assert "relu_backward raised SystemExit" in backward[0].message


def test_an_answer_that_patches_numpy_is_rejected_and_numpy_restored():
    real = np.allclose, np.array_equal

    def relu_backward(grad_output, z):  # wrong, and tries to make every comparison pass
        np.allclose = lambda *args, **kwargs: True
        np.array_equal = lambda *args, **kwargs: True
        return grad_output

    try:
        result = BY_NAME["check_relu"].checker(solutions.relu_forward, relu_backward, verbose=False)
    finally:
        restored = (np.allclose, np.array_equal) == real
        np.allclose, np.array_equal = real
    assert restored, "the checker left numpy patched"
    backward = [c for c in result.cases if not c.name.startswith("forward")]
    assert not any(c.passed for c in backward), result.report
    assert "numpy's allclose, array_equal were replaced" in backward[0].message


def test_every_case_of_the_unit_exercise_with_several_active_examples_is_a_sum():
    # The cases must include a batch where the unit is active on several examples.
    ex = BY_NAME["check_unit_gradients"]
    result = ex.checker(ug_loop_overwrites, verbose=False)
    assert any("several" in c.name for c in result.failures), result.report


def test_the_l2_checker_tries_weights_of_one_two_and_three_dimensions():
    seen = set()

    def spy(weights, weight_decay):
        seen.update(np.ndim(w) for w in weights)
        return solutions.l2_penalty_and_gradient(weights, weight_decay)

    assert BY_NAME["check_l2_penalty_and_gradient"].checker(spy, verbose=False).passed
    assert {1, 2, 3} <= seen


def test_a_constant_feature_not_exact_in_binary_must_map_to_zero():
    ex = BY_NAME["check_standardize_train_test"]
    result = ex.checker(st_exact_zero_guard, verbose=False)
    names = [c.name for c in result.failures]
    assert any("0.1" in n for n in names) and any("1234.567" in n for n in names), names


# The heart of each reference answer, and other spellings of it: no hint may hand it over.
KEY_EXPRESSIONS = {
    "one_hot_targets": ["[np.arange(labels.shape[0]), labels] = 1.0", "np.eye(n_classes)["],
    "stable_softmax": ["z - z.max(axis=1, keepdims=True)", "z.max(axis=1, keepdims=True)"],
    "forward_4231": ["x @ W1.T + b1", "h1 @ W2.T + b2", "@ W.T + b", "x @ W.T"],
    "count_parameters_by_sizes": [
        "(layer_sizes[i] + 1) * layer_sizes[i + 1]",
        "(n_in + 1) * n_out",
    ],
    "relu_forward": ["np.maximum(z, 0.0)", "np.maximum(z, 0)", "np.maximum(0, z)"],
    "relu_backward": ["grad_output * (z > 0)"],
    "unit_gradients": ["x.T @ grad_z", "x.T @ (grad_h", "grad_h * (z > 0)"],
    "leaky_relu_derivative": ["np.where(z > 0, 1.0, negative_slope)"],
    "standardize_train_test": [
        "(x_train - mean) / std",
        "(x_test - mean) / std",
        "np.where(std > 0, std, 1.0)",
    ],
    "sgd_step_with_decay": [
        "(1.0 - lr * weight_decay) * weight - lr * grad_weight",
        "(1 - lr * weight_decay) * weight",
        "(1 - lr * weight_decay) * w - lr * g",
        "bias - lr * grad_bias",
        "w - lr * (g + weight_decay * w)",
    ],
    "l2_penalty_and_gradient": [
        "0.5 * weight_decay * sum(np.sum(w * w)",
        "[weight_decay * w for w in weights]",
        "is weight_decay * w",
    ],
}


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _checker_texts() -> list[str]:
    """Every string of the checkers' modules, all but the solutions: hints, names, docstrings."""
    import ast

    import nnbook.exercises as package

    texts = []
    modules = sorted(Path(package.__file__).parent.glob("*.py"))
    assert {"_core.py", "table.py", "ch1.py", "ch5.py"} <= {m.name for m in modules}
    for module in modules:
        if module.name == "solutions.py":
            continue
        source = module.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append(node.value)
        # adjacent literals and f-strings joined, as the reader sees them
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.JoinedStr):
                texts.append("".join(v.value for v in node.values if isinstance(v, ast.Constant)))
    return texts


def test_the_key_expressions_are_those_of_the_reference_solutions():
    missing = sorted(set(solutions.__all__) - set(KEY_EXPRESSIONS))
    assert not missing, (
        f"expected KEY_EXPRESSIONS in this file to hold every reference solution, got none for "
        f"{missing}: add the heart of each one's answer (its key line, as written in "
        f"nnbook/exercises/solutions.py), so no checker's hint may hand it over"
    )
    for name, keys in KEY_EXPRESSIONS.items():
        source = _squeezed(inspect.getsource(getattr(solutions, name)))
        assert any(_squeezed(k) in source for k in keys), name
    assert set(KEY_EXPRESSIONS) == set(solutions.__all__)


@pytest.mark.parametrize("name", sorted(KEY_EXPRESSIONS))
def test_no_hint_hands_over_the_reference_answer(name):
    texts = [_squeezed(t) for t in _checker_texts()]
    for key in KEY_EXPRESSIONS[name]:
        leaks = [t for t in texts if _squeezed(key) in t]
        assert not leaks, f"{key!r} of {name} appears in {leaks}"


def test_a_broadcast_error_gets_a_hint_of_its_own_exercise():
    def leaky(z, negative_slope=0.01):
        return np.where(z > 0, 1.0, negative_slope) + np.ones(7)

    message = BY_NAME["check_leaky_relu_derivative"].checker(leaky, verbose=False)
    message = message.failures[0].message
    assert "could not be broadcast" in message
    assert "softmax" not in message and "keepdims" not in message and "z.max" not in message


def test_every_checker_is_registered_so_its_reference_is_checked_strictly():
    import nnbook.exercises as package

    exported = {n for n in package.__all__ if n.startswith("check_")}
    assert exported == {ex.checker.__name__ for ex in EXERCISES}
    assert len({ex.functions for ex in EXERCISES}) == len(EXERCISES)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.checker.__name__)
def test_the_reference_solution_passes_every_case(ex):
    result = ex.checker(*_reference(ex), strict=True, verbose=False)
    assert result.passed and result.implemented
    assert len(result.cases) >= 4, (
        f"expected each checker to try at least 4 cases, got {len(result.cases)}: add Case rows "
        f"to the exercise's table in nnbook/exercises/ch{ex.chapter}.py"
    )


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
    """Counted from the exercises' own tables: each declares its typical mistakes."""
    counts = {name: len(ex.table.mistakes) for name, ex in BY_NAME.items()}
    few = {name: n for name, n in counts.items() if n < 2}
    assert not few, (
        f"expected at least 2 typical mistakes (Mistake rows) in each exercise's table, got "
        f"{few}: add them to the table in nnbook/exercises/ch*.py"
    )


def test_every_checker_rejects_a_wrong_answer_written_here():
    """The tables' mistakes are the checkers' own; WRONG_ANSWERS above are written apart from
    them, as a student would, and each checker must meet at least one."""
    untried = sorted(name for name in BY_NAME if all(c != name for c, _, _ in WRONG_ANSWERS))
    assert not untried, (
        f"expected a wrong answer for every checker in WRONG_ANSWERS of this file, got none for "
        f"{untried}: write one as a student would (a function) with the words its hint must say"
    )


CHAPTER_NAME = re.compile(r"\d\d_[a-z0-9_]+\.ipynb")


def test_every_chapter_notebook_is_named_for_the_exercise_tests():
    """The notebook tests find a chapter as ``chapters/NN_*.ipynb``, NN its number: a notebook
    named otherwise would escape them."""
    chapters = REPO_ROOT / "chapters"
    odd = sorted(p.name for p in chapters.glob("*.ipynb") if not CHAPTER_NAME.fullmatch(p.name))
    assert not odd, (
        f"expected every notebook in chapters/ named NN_words.ipynb (two digits, the chapter's "
        f"number, then lower-case words joined by _), got {odd}: rename it with git mv"
    )
    numbers = {int(p.name[:2]) for p in chapters.glob("*.ipynb")}
    without = sorted({ex.chapter for ex in EXERCISES} - numbers)
    assert not without, f"exercises of chapters {without} have no notebook in chapters/"


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
