"""Optimisers: SGD (weight decay, momentum), Adam and AdamW, step by step by hand."""

import numpy as np
import pytest

import nncore as nc


def param(values, grad) -> nc.Parameter:
    p = nc.Parameter(np.array(values, dtype=float))
    p.grad[...] = grad
    return p


# --------------------------------------------------------------------------- SGD
def test_sgd_step_is_w_minus_lr_g():
    p = param([1.0, -2.0, 0.5], [0.5, 1.0, -4.0])
    nc.SGD([p], lr=0.25).step()
    np.testing.assert_array_equal(p.data, [0.875, -2.25, 1.5])


def test_sgd_step_with_weight_decay_is_problem_4():
    rng = np.random.default_rng(0)
    w0, g = rng.uniform(0.5, 2.0, size=(3, 4)), rng.normal(scale=0.1, size=(3, 4))
    lr, wd = 0.1, 0.01
    p = param(w0, g)
    nc.SGD([p], lr=lr, weight_decay=wd).step()
    # w_new = (1 - eta * lambda) w_old - eta dJ/dw
    np.testing.assert_allclose(p.data, (1 - lr * wd) * w0 - lr * g, rtol=1e-15, atol=0)


def test_weight_decay_alone_shrinks_by_the_factor_each_step():
    p = param([2.0, -4.0], [0.0, 0.0])
    opt = nc.SGD([p], lr=0.5, weight_decay=0.1)  # factor 1 - 0.05 = 0.95
    for _ in range(3):
        opt.step()
    np.testing.assert_allclose(p.data, [2.0 * 0.95**3, -4.0 * 0.95**3], rtol=1e-15)


def test_sgd_updates_in_place():
    p = param([1.0], [1.0])
    data = p.data
    nc.SGD([p], lr=0.1).step()
    assert p.data is data and data[0] == pytest.approx(0.9, rel=1e-15)


def test_momentum_first_steps_by_hand():
    p = param([0.0], [1.0])
    opt = nc.SGD([p], lr=0.1, momentum=0.9)
    expected = []
    w = 0.0
    for v in (1.0, 1.9, 2.71):  # v1 = g, v2 = 0.9 v1 + g, v3 = 0.9 v2 + g
        w -= 0.1 * v
        expected.append(w)
    seen = []
    for _ in range(3):
        opt.step()
        seen.append(p.data[0])
    np.testing.assert_allclose(seen, expected, rtol=1e-14)
    np.testing.assert_allclose(seen, [-0.1, -0.29, -0.561], rtol=1e-14)


def test_momentum_with_changing_gradients_and_weight_decay():
    p = param([1.0], [2.0])
    opt = nc.SGD([p], lr=0.1, momentum=0.5, weight_decay=0.1)
    opt.step()  # v1 = 2 + 0.1 * 1 = 2.1; w1 = 1 - 0.21 = 0.79
    assert p.data[0] == pytest.approx(0.79, rel=1e-14)
    p.grad[...] = -1.0
    opt.step()  # v2 = 0.5 * 2.1 + (-1 + 0.079) = 0.129; w2 = 0.79 - 0.0129
    assert p.data[0] == pytest.approx(0.7771, rel=1e-14)


def test_momentum_keeps_one_buffer_per_parameter():
    a, b = param([0.0], [1.0]), param([0.0], [-1.0])
    opt = nc.SGD([a, b], lr=1.0, momentum=0.5)
    opt.step()
    opt.step()
    assert (a.data[0], b.data[0]) == pytest.approx((-2.5, 2.5))  # -(1 + 1.5), +(1 + 1.5)


def test_zero_grad_clears_every_parameter():
    model = nc.mlp([3, 4, 2], rng=0)
    model(np.ones((2, 3)))
    model.backward(np.ones((2, 2)))
    opt = nc.SGD(model.parameters(), lr=0.1)
    opt.zero_grad()
    assert not any(p.grad.any() for p in model.parameters())


def test_parameter_groups_have_their_own_settings():
    a, b = param([1.0], [1.0]), param([1.0], [1.0])
    nc.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1).step()
    assert (a.data[0], b.data[0]) == pytest.approx((0.9, 0.5), rel=1e-15)


def test_weight_decay_groups_leave_biases_undecayed():
    model = nc.mlp([4, 3, 2], rng=0)
    before = {name: p.data.copy() for name, p in model.named_parameters()}
    groups = nc.weight_decay_groups(model, 0.1)
    assert [g["weight_decay"] for g in groups] == [0.1, 0.0]
    assert groups[0]["params"] == [model[0].weight, model[2].weight]
    assert groups[1]["params"] == [model[0].bias, model[2].bias]
    opt = nc.SGD(groups, lr=0.5)
    opt.zero_grad()  # no data gradient: only the decay acts
    opt.step()
    for name, p in model.named_parameters():
        if name.endswith("bias"):
            np.testing.assert_array_equal(p.data, before[name])
        else:
            np.testing.assert_allclose(p.data, 0.95 * before[name], rtol=1e-15)


def test_sgd_repr_shows_the_settings():
    text = repr(nc.SGD([param([1.0], [0.0])], lr=0.1, weight_decay=0.01))
    assert text.startswith("SGD(") and "lr=0.1" in text and "weight_decay=0.01" in text


# -------------------------------------------------------------------------- Adam
@pytest.mark.parametrize("g", [1e-3, 1.0, 1e3, -0.5])
def test_adam_first_step_has_size_lr(g):
    p = param([1.0], [g])
    nc.Adam([p], lr=0.01).step()
    # m_hat = g and v_hat = g^2 after one step, so the step is lr * g / (|g| + eps)
    assert 1.0 - p.data[0] == pytest.approx(0.01 * np.sign(g), rel=1e-4)


def test_adam_constant_gradient_moves_lr_per_step():
    p = param([0.0, 0.0], [2.0, -3.0])
    opt = nc.Adam([p], lr=0.1)
    for _ in range(4):
        opt.step()
    np.testing.assert_allclose(p.data, [-0.4, 0.4], rtol=1e-7)


def test_adam_second_step_by_hand():
    p = param([0.0], [1.0])
    opt = nc.Adam([p], lr=0.1, betas=(0.5, 0.5), eps=1e-300)
    opt.step()
    p.grad[...] = 3.0
    opt.step()
    # m2 = 0.5*0.5 + 0.5*3 = 1.75, m_hat = 1.75 / 0.75; v2 = 0.25 + 4.5 = 4.75, v_hat = 4.75/0.75
    step_2 = 0.1 * (1.75 / 0.75) / np.sqrt(4.75 / 0.75)
    assert p.data[0] == pytest.approx(-0.1 - step_2, rel=1e-14)


def test_adam_defaults_follow_pytorch():
    group = nc.Adam([param([1.0], [0.0])]).param_groups[0]
    assert (group["lr"], tuple(group["betas"]), group["eps"], group["weight_decay"]) == (
        1e-3,
        (0.9, 0.999),
        1e-8,
        0.0,
    )
    assert nc.AdamW([param([1.0], [0.0])]).param_groups[0]["weight_decay"] == 0.01


# ------------------------------------------------------------------------- AdamW
def test_adamw_with_zero_gradient_only_decays():
    p = param([2.0, -1.0], [0.0, 0.0])
    nc.AdamW([p], lr=0.1, weight_decay=0.5).step()
    np.testing.assert_allclose(p.data, [2.0 * 0.95, -1.0 * 0.95], rtol=1e-15)


def test_adamw_decay_is_independent_of_the_gradient():
    w0 = np.array([1.0, 1.0, -2.0])
    grads = np.array([1e-4, 1e2, -3.0])
    lr, wd = 0.01, 0.1
    decayed, plain = param(w0, grads), param(w0, grads)
    nc.AdamW([decayed], lr=lr, weight_decay=wd).step()
    nc.Adam([plain], lr=lr).step()
    # the same Adam step, plus -lr * wd * w for every weight whatever its gradient
    np.testing.assert_allclose(decayed.data - plain.data, -lr * wd * w0, rtol=1e-9, atol=1e-17)


def test_adam_weight_decay_is_coupled():
    """Adam's L2 goes through the adaptive scaling: with g = 0 the step is about lr, not lr*wd*w."""
    p = param([2.0], [0.0])
    nc.Adam([p], lr=0.01, weight_decay=0.5).step()
    assert p.data[0] == pytest.approx(2.0 - 0.01, rel=1e-6)


# ------------------------------------------------ momentum through real training steps
def test_momentum_through_zero_grad_and_backward_cycles():
    """Three full steps; the expected values follow the formulas, written out in numpy."""
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    t = np.array([[1.0], [0.0]])
    lr, mu = 0.1, 0.9
    layer = nc.Linear(2, 1, weight_init=nc.init.constant(0.5), bias_init=nc.init.zeros())
    opt = nc.SGD(layer.parameters(), lr=lr, momentum=mu)
    loss = nc.MSELoss()
    w, b = np.array([[0.5, 0.5]]), np.array([0.0])
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    for _ in range(3):
        opt.zero_grad()
        loss(layer(x), t)
        layer.backward(loss.backward())
        opt.step()
        d = 2.0 * (x @ w.T + b - t) / 2  # dL/dpred for MSE over 2 values
        vw, vb = mu * vw + d.T @ x, mu * vb + d.sum(axis=0)
        w, b = w - lr * vw, b - lr * vb
    np.testing.assert_allclose(layer.weight.data, w, rtol=1e-14)
    np.testing.assert_allclose(layer.bias.data, b, rtol=1e-14)


def test_a_tied_weight_is_stepped_once():
    tied = nc.Linear(2, 2, rng=0)
    model = nc.Sequential(tied, nc.Tanh(), tied)
    opt = nc.Adam(model.parameters(), lr=0.01)
    model.zero_grad()
    model.backward(np.ones_like(model(np.ones((3, 2)))))
    before = tied.weight.data.copy()
    opt.step()
    # Adam's first step moves every weight with a non-zero gradient by exactly lr
    np.testing.assert_allclose(np.abs(tied.weight.data - before), 0.01, rtol=1e-6)
