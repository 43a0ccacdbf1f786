"""Answers a tester found the checkers judged wrongly: each must be rejected with a hint that
names its mistake, or accepted when it is correct.

The answers are written out as a student might write them, independently of the tables.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.exercises import EXERCISES, solutions

BY_NAME = {ex.checker.__name__: ex for ex in EXERCISES}


def _run(checker, replaced=None, **kwargs):
    """The checker's result on the reference solutions with ``replaced`` (position -> fn)."""
    ex = BY_NAME[checker]
    functions = [getattr(solutions, name) for name in ex.functions]
    for position, fn in (replaced or {}).items():
        functions[position] = fn
    return ex.checker(*functions, verbose=False, **kwargs)


def _rejected_with(result, words):
    assert result.implemented and not result.passed, result.report
    assert any(words in case.message for case in result.failures), result.report


# --- arrays promised, lists or matrices returned ----------------------------------------


def oh_matrix(labels, n_classes):
    return np.asmatrix(np.eye(n_classes)[np.asarray(labels)])


def sm_list(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).tolist()


def fw_lists(x, W1, b1, W2, b2, W3, b3):
    return [a.tolist() for a in solutions.forward_4231(x, W1, b1, W2, b2, W3, b3)]


def relu_forward_list(z):
    return np.maximum(z, 0.0).tolist()


def relu_backward_list(grad_output, z):
    return (grad_output * (z > 0)).tolist()


def ug_list(x, w, b, grad_h):
    grad_z = grad_h * (x @ w + b > 0)
    return list(x.T @ grad_z), grad_z.sum()


def leaky_list(z, negative_slope=0.01):
    return np.where(z > 0, 1.0, negative_slope).tolist()


def std_lists(x_train, x_test):
    return tuple(a.tolist() for a in solutions.standardize_train_test(x_train, x_test))


def sgd_lists(weight, bias, grad_weight, grad_bias, lr, weight_decay):
    new = solutions.sgd_step_with_decay(weight, bias, grad_weight, grad_bias, lr, weight_decay)
    return tuple(a.tolist() for a in new)


def l2_nested_lists(weights, weight_decay):
    penalty = 0.5 * weight_decay * sum(np.sum(w * w) for w in weights)
    return penalty, [(weight_decay * w).tolist() for w in weights]


def sgd_tuple_bias(weight, bias, grad_weight, grad_bias, lr, weight_decay):
    new = solutions.sgd_step_with_decay(weight, bias, grad_weight, grad_bias, lr, weight_decay)
    return new[0], tuple(new[1])


LIST_ANSWERS = [
    ("check_one_hot_targets", {0: oh_matrix}, "numpy.matrix"),
    ("check_stable_softmax", {0: sm_list}, "not a list"),
    ("check_forward_4231", {0: fw_lists}, "not a list"),
    ("check_relu", {0: relu_forward_list}, "not a list"),
    ("check_relu", {1: relu_backward_list}, "not a list"),
    ("check_unit_gradients", {0: ug_list}, "not a list"),
    ("check_leaky_relu_derivative", {0: leaky_list}, "not a list"),
    ("check_standardize_train_test", {0: std_lists}, "not a list"),
    ("check_sgd_step_with_decay", {0: sgd_lists}, "not a list"),
    ("check_sgd_step_with_decay", {0: sgd_tuple_bias}, "not a tuple"),
    ("check_l2_penalty_and_gradient", {0: l2_nested_lists}, "not a list"),
]


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
@pytest.mark.parametrize(
    ("checker", "wrong", "words"),
    LIST_ANSWERS,
    ids=[f"{c}-{next(iter(w.values())).__name__}" for c, w, _ in LIST_ANSWERS],
)
def test_a_list_or_matrix_where_an_array_is_promised_is_rejected(checker, wrong, words):
    result = _run(checker, wrong)
    _rejected_with(result, words)
    _rejected_with(result, "np.asarray(...)")


def test_a_tuple_of_gradients_is_still_accepted():
    def l2_tuple(weights, weight_decay):
        penalty, grads = solutions.l2_penalty_and_gradient(weights, weight_decay)
        return penalty, tuple(grads)

    assert _run("check_l2_penalty_and_gradient", {0: l2_tuple}).passed


# --- float64 promised, float32 returned -------------------------------------------------


def fw_float32(x, W1, b1, W2, b2, W3, b3):
    args = (a.astype(np.float32) for a in (x, W1, b1, W2, b2, W3, b3))
    return solutions.forward_4231(*args)


def relu_forward_float32(z):
    return np.maximum(z, 0).astype(np.float32)


def ug_float32(x, w, b, grad_h):
    x = x.astype(np.float32)
    grad_z = (grad_h * (x @ w + b > 0)).astype(np.float32)
    return x.T @ grad_z, grad_z.sum()


def std_float32(x_train, x_test):
    x_train, x_test = x_train.astype(np.float32), x_test.astype(np.float32)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std = np.where(np.ptp(x_train, axis=0) == 0, 1.0, std)
    return (x_train - mean) / std, (x_test - mean) / std


def sgd_float32(weight, bias, grad_weight, grad_bias, lr, weight_decay):
    new = solutions.sgd_step_with_decay(weight, bias, grad_weight, grad_bias, lr, weight_decay)
    return tuple(a.astype(np.float32) for a in new)


def l2_float32(weights, weight_decay):
    ws = [w.astype(np.float32) for w in weights]
    penalty = 0.5 * weight_decay * sum(np.sum(w * w) for w in ws)
    return penalty, [np.float32(weight_decay) * w for w in ws]


FLOAT32_ANSWERS = [
    ("check_forward_4231", {0: fw_float32}),
    ("check_relu", {0: relu_forward_float32}),
    ("check_unit_gradients", {0: ug_float32}),
    ("check_standardize_train_test", {0: std_float32}),
    ("check_sgd_step_with_decay", {0: sgd_float32}),
    ("check_l2_penalty_and_gradient", {0: l2_float32}),
]


@pytest.mark.parametrize(
    ("checker", "wrong"),
    FLOAT32_ANSWERS,
    ids=[f"{c}-{next(iter(w.values())).__name__}" for c, w in FLOAT32_ANSWERS],
)
def test_float32_where_float64_is_promised_gets_the_dtype_hint_first(checker, wrong):
    result = _run(checker, wrong)
    assert result.implemented and not result.passed, result.report
    hints = [c.message.rsplit("\nhint:", 1)[-1] for c in result.failures]
    assert all("dtype float32" in h and "promises float64" in h for h in hints), result.report


# --- the reader's global settings --------------------------------------------------------


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.checker.__name__)
def test_a_correct_answer_passes_under_seterr_raise(ex):
    old = np.seterr(all="raise")
    try:
        result = _run(ex.checker.__name__)
    finally:
        np.seterr(**old)
    assert result.passed, result.report
    assert np.geterr() == old


# --- expected values the answer cannot change -------------------------------------------


def test_nncore_patched_before_the_check_does_not_change_the_expected_values():
    import nncore as nc

    def one_hot_targets(labels, n_classes):  # wrong: label d in column d + 1
        return np.roll(np.eye(n_classes)[np.asarray(labels)], 1, axis=1)

    real = nc.one_hot
    nc.one_hot = one_hot_targets  # a notebook cell makes the reference agree with the answer
    try:
        result = _run("check_one_hot_targets", {0: one_hot_targets})
    finally:
        restored = nc.one_hot is real
        nc.one_hot = real
    assert restored, "the checker left nncore patched"
    _rejected_with(result, "label d belongs in column d")


def test_nncore_patched_by_the_answer_is_rejected_and_put_back():
    import nncore as nc

    real = nc.count_parameters

    def count_parameters_by_sizes(layer_sizes):  # wrong: no biases, and patches nncore
        nc.count_parameters = lambda model: sum(
            p.data.size for p in model.parameters() if p.data.ndim == 2
        )
        return sum(a * b for a, b in zip(layer_sizes, layer_sizes[1:], strict=False))

    try:
        result = _run("check_count_parameters", {0: count_parameters_by_sizes})
    finally:
        restored = nc.count_parameters is real
        nc.count_parameters = real
    assert restored, "the checker left nncore patched"
    assert not any(c.passed for c in result.cases), result.report
    _rejected_with(result, "nncore.count_parameters was replaced")


# --- stable_softmax: probabilities compared relative to their size ----------------------


def sm_floored(z):  # wrong: exponents below -25 raised to -25
    e = np.exp(np.maximum(z - z.max(axis=1, keepdims=True), -25.0))
    return e / e.sum(axis=1, keepdims=True)


def sm_pairwise(z):
    return 1.0 / np.exp(z[:, None, :] - z[:, :, None]).sum(axis=2)


def sm_loop(z):
    out = np.empty_like(z)
    for i, row in enumerate(z):
        e = np.exp(row - np.max(row))
        out[i] = e / np.sum(e)
    return out


def sm_log_sum_exp(z):
    m = z.max(axis=1, keepdims=True)
    return np.exp(z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True)))


def sm_scipy(z):
    from scipy.special import softmax

    return softmax(z, axis=1)


def test_a_floor_on_the_exponents_is_rejected():
    _rejected_with(_run("check_stable_softmax", {0: sm_floored}), "exp(z)")


@pytest.mark.parametrize("fn", [sm_pairwise, sm_loop, sm_log_sum_exp, sm_scipy])
def test_correct_softmaxes_written_otherwise_are_accepted(fn):
    if fn is sm_scipy:
        pytest.importorskip("scipy")
    result = _run("check_stable_softmax", {0: fn})
    assert result.passed, result.report


# --- leaky_relu_derivative: the docstring's default slope --------------------------------


def test_a_wrong_default_slope_is_rejected():
    def leaky_relu_derivative(z, negative_slope=0.2):
        return np.where(z > 0, 1.0, negative_slope)

    result = _run("check_leaky_relu_derivative", {0: leaky_relu_derivative})
    assert [c.name for c in result.failures] == ["no negative_slope given: the default, 0.01"]


def test_no_default_slope_gets_a_hint_naming_the_default():
    def leaky_relu_derivative(z, negative_slope):
        return np.where(z > 0, 1.0, negative_slope)

    result = _run("check_leaky_relu_derivative", {0: leaky_relu_derivative})
    _rejected_with(result, "the docstring's default, 0.01")


# --- any exception but an interrupt is reported ------------------------------------------


class GiveUp(BaseException):
    """Not an Exception: raised by a reader's function to stop."""


def test_a_base_exception_of_the_answer_is_reported_not_raised():
    def stable_softmax(z):
        raise GiveUp("give up")

    result = _run("check_stable_softmax", {0: stable_softmax})  # must not raise
    assert result.implemented and not any(c.passed for c in result.cases), result.report
    _rejected_with(result, "stable_softmax raised GiveUp: give up")


def test_an_interrupt_still_stops_the_check():
    def stable_softmax(z):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run("check_stable_softmax", {0: stable_softmax})


# --- hints that name the mistake ---------------------------------------------------------


def sm_nan_to_num(z):
    e = np.exp(z)
    return np.nan_to_num(e / e.sum(axis=1, keepdims=True))


def sm_clipped(z):
    e = np.exp(np.clip(z, -500, 500))
    return e / e.sum(axis=1, keepdims=True)


def sm_unshifted_log_sum(z):
    return np.exp(z - np.log(np.exp(z).sum(axis=1, keepdims=True)))


@pytest.mark.parametrize("fn", [sm_nan_to_num, sm_clipped, sm_unshifted_log_sum])
def test_a_hidden_overflow_gets_the_overflow_hint(fn):
    result = _run("check_stable_softmax", {0: fn})
    _rejected_with(result, "Shift each row by its maximum before exp")
    assert not any("divided by its sum" in c.message for c in result.failures), result.report


def test_an_in_place_relu_on_z_says_the_arrays_share_memory():
    def forward_4231(x, W1, b1, W2, b2, W3, b3):
        z1 = x @ W1.T + b1
        h1 = z1
        h1[h1 < 0] = 0
        z2 = h1 @ W2.T + b2
        h2 = z2
        h2[h2 < 0] = 0
        return z1, h1, z2, h2, h2 @ W3.T + b3

    _rejected_with(_run("check_forward_4231", {0: forward_4231}), "shares its memory")


def test_no_relu_mask_at_all_is_not_told_about_z_equal_to_0():
    def unit_gradients(x, w, b, grad_h):
        return x.T @ grad_h, grad_h.sum()

    result = _run("check_unit_gradients", {0: unit_gradients})
    _rejected_with(result, "multiply grad_h by ReLU's derivative")
    assert not any("not (z >= 0)" in c.message for c in result.failures), result.report
