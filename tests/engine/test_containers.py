"""Sequential, mlp and count_parameters, on the assignment's 4-2-3-1 network."""

import math

import numpy as np
import pytest
from nncore_fixtures import network_4231, raises_with

import nncore as nc

ONES = np.ones(4)


def sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


# ------------------------------------------------------------- hand-derived 4-2-3-1
def test_relu_4231_gives_4_8_24():
    model = network_4231()
    np.testing.assert_array_equal(model(ONES), [24.0])
    hidden_1, hidden_2, output = model.forward_trace()
    np.testing.assert_array_equal(hidden_1.z, [4.0, 4.0])
    np.testing.assert_array_equal(hidden_1.h, [4.0, 4.0])
    np.testing.assert_array_equal(hidden_2.z, [8.0, 8.0, 8.0])
    np.testing.assert_array_equal(hidden_2.h, [8.0, 8.0, 8.0])
    np.testing.assert_array_equal(output.z, [24.0])
    np.testing.assert_array_equal(output.h, [24.0])


def test_sigmoid_reading_of_the_4231_network():
    s4 = sigmoid(4.0)  # about 0.982, not 4
    s2 = sigmoid(2.0 * s4)
    expected_out = 3.0 * s2
    model = network_4231(activation=nc.Sigmoid)
    out = model(ONES)
    hidden_1, hidden_2, output = model.forward_trace()
    np.testing.assert_allclose(hidden_1.h, [s4, s4], rtol=1e-15)
    np.testing.assert_allclose(hidden_2.z, [2 * s4] * 3, rtol=1e-15)
    np.testing.assert_allclose(hidden_2.h, [s2] * 3, rtol=1e-15)
    np.testing.assert_allclose(out, [expected_out], rtol=1e-15)
    assert abs(s4 - 0.982) < 1e-3 and abs(expected_out - 2.63) < 1e-2


def test_sigmoid_output_activation_applies_to_the_last_layer():
    model = network_4231(activation=nc.Sigmoid, output_activation=nc.Sigmoid)
    expected = sigmoid(3.0 * sigmoid(2.0 * sigmoid(4.0)))
    np.testing.assert_allclose(model(ONES), [expected], rtol=1e-15)
    assert isinstance(model.forward_trace()[-1].activation, nc.Sigmoid)


def test_relu_4231_batch_of_examples():
    x = np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0], [-1.0, -1.0, -1.0, -1.0]])
    # sum(x) -> two hidden units of sum, then three of 2*sum, output 6*sum (ReLU: 0 if < 0)
    np.testing.assert_array_equal(network_4231()(x), [[24.0], [60.0], [0.0]])


def test_backward_of_the_4231_network_by_hand():
    model = network_4231()
    model(ONES)
    dx = model.backward(np.ones(1))
    # every input reaches the output through 2 * 3 paths of weight 1
    np.testing.assert_array_equal(dx, [6.0, 6.0, 6.0, 6.0])
    grads = {name: p.grad for name, p in model.named_parameters()}
    np.testing.assert_array_equal(grads["4.weight"], [[8.0, 8.0, 8.0]])  # h2
    np.testing.assert_array_equal(grads["4.bias"], [1.0])
    np.testing.assert_array_equal(grads["2.weight"], np.full((3, 2), 4.0))  # w3 * h1
    np.testing.assert_array_equal(grads["2.bias"], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(grads["0.weight"], np.full((2, 4), 3.0))  # 3 paths * x
    np.testing.assert_array_equal(grads["0.bias"], [3.0, 3.0])


def test_23_parameters():
    assert nc.count_parameters(network_4231()) == 23


@pytest.mark.parametrize("sizes", [[4, 2, 3, 1], [2, 1, 1], [64, 32, 10], [5, 7, 3, 2]])
def test_parameter_count_is_sum_of_n_in_plus_one_times_n_out(sizes):
    model = nc.mlp(sizes, rng=0)
    expected = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert nc.count_parameters(model) == expected
    linears = [layer for layer in model if isinstance(layer, nc.Linear)]
    for layer, (a, b) in zip(linears, zip(sizes[:-1], sizes[1:])):
        assert nc.count_parameters(nc.Sequential(layer)) == (a + 1) * b


def test_count_parameters_per_layer_of_4231():
    model = network_4231()
    assert [nc.count_parameters(model[i]) for i in (0, 2, 4)] == [10, 9, 4]
    assert nc.count_parameters(nc.ReLU()) == 0


def test_count_parameters_refuses_non_modules():
    with raises_with(TypeError, "count_parameters", "list"):
        nc.count_parameters([nc.Linear(2, 1, rng=0)])


# ---------------------------------------------------------------------- Sequential
@pytest.fixture
def model():
    return nc.mlp([4, 2, 3, 1], rng=0)


def test_indexing_len_and_iteration(model):
    assert len(model) == 5
    types = [type(layer) for layer in model]
    assert types == [nc.Linear, nc.ReLU, nc.Linear, nc.ReLU, nc.Linear]
    assert model[0] is model.layers[0]
    assert model[-1] is model.layers[4]
    assert (model[2].in_features, model[2].out_features) == (2, 3)


def test_slicing_gives_a_sequential_sharing_the_layers(model):
    head = model[:2]
    assert isinstance(head, nc.Sequential)
    assert len(head) == 2
    assert head[0] is model[0] and head[1] is model[1]
    x = np.random.default_rng(0).normal(size=(3, 4))
    np.testing.assert_array_equal(model[2:](head(x)), model(x))


def test_slicing_leaves_the_parameter_names_of_the_model(model):
    model[2:]
    assert [p.name for p in model.parameters()] == [n for n, _ in model.named_parameters()]


def test_named_parameters_order_and_names(model):
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    shapes = [p.shape for _, p in model.named_parameters()]
    assert shapes == [(2, 4), (2,), (3, 2), (3,), (1, 3), (1,)]
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert model.parameters()[0] is model[0].weight
    assert model.parameters()[5] is model[4].bias
    assert [p.name for p in model.parameters()] == names


def test_repr_reads_like_the_architecture(model):
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=2)\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=2, out_features=3)\n"
        "  (3): ReLU()\n"
        "  (4): Linear(in_features=3, out_features=1)\n"
        ")"
    )


def test_zero_grad_resets_every_parameter(model):
    model(np.ones((2, 4)))
    model.backward(np.ones((2, 1)))
    assert any(p.grad.any() for p in model.parameters())
    model.zero_grad()
    assert not any(p.grad.any() for p in model.parameters())


def test_sequential_gradients_accumulate():
    model = network_4231()
    for _ in range(3):
        model(ONES)
        model.backward(np.ones(1))
    np.testing.assert_array_equal(model[4].weight.grad, [[24.0, 24.0, 24.0]])


def test_backward_returns_input_gradient_for_a_batch(model):
    x = np.random.default_rng(1).normal(size=(6, 4))
    out = model(x)
    assert out.shape == (6, 1)
    assert model.backward(np.ones_like(out)).shape == (6, 4)


def test_nested_sequential_names():
    inner = nc.Sequential(nc.Linear(2, 3, rng=0), nc.ReLU())
    outer = nc.Sequential(inner, nc.Linear(3, 1, rng=0))
    names = [name for name, _ in outer.named_parameters()]
    assert names == ["0.0.weight", "0.0.bias", "1.weight", "1.bias"]


# --------------------------------------------------------------------- forward_trace
def test_forward_trace_entries(model):
    x = np.random.default_rng(2).normal(size=(5, 4))
    out = model(x)
    trace = model.forward_trace()
    assert [t.position for t in trace] == [0, 2, 4]
    assert [t.linear for t in trace] == [model[0], model[2], model[4]]
    assert [type(t.activation) for t in trace] == [nc.ReLU, nc.ReLU, type(None)]
    assert [t.z.shape for t in trace] == [(5, 2), (5, 3), (5, 1)]
    W0, b0 = model[0].weight.data, model[0].bias.data
    np.testing.assert_allclose(trace[0].z, x @ W0.T + b0, rtol=1e-14)
    np.testing.assert_array_equal(trace[0].h, np.maximum(trace[0].z, 0.0))
    np.testing.assert_array_equal(trace[2].h, out)


def test_forward_trace_shows_zeroed_units():
    model = network_4231()
    model[0].weight.data[:] = -1.0
    model(ONES)
    hidden_1, hidden_2, output = model.forward_trace()
    np.testing.assert_array_equal(hidden_1.z, [-4.0, -4.0])
    np.testing.assert_array_equal(hidden_1.h, [0.0, 0.0])
    np.testing.assert_array_equal(hidden_2.z, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(output.h, [0.0])


def test_forward_trace_follows_the_last_forward(model):
    model(np.zeros((1, 4)))
    model(np.ones((3, 4)))
    assert model.forward_trace()[0].z.shape == (3, 2)


# ------------------------------------------------------------------------------ mlp
def test_mlp_structure():
    model = nc.mlp(
        [4, 2, 3, 1], activation=lambda: nc.LeakyReLU(0.2), output_activation=nc.Sigmoid, rng=0
    )
    assert [type(layer) for layer in model] == [
        nc.Linear,
        nc.LeakyReLU,
        nc.Linear,
        nc.LeakyReLU,
        nc.Linear,
        nc.Sigmoid,
    ]
    assert model[1] is not model[3]  # one fresh activation per hidden layer
    assert model[1].negative_slope == 0.2
    linears = [model[i] for i in (0, 2, 4)]
    assert [(m.in_features, m.out_features) for m in linears] == [(4, 2), (2, 3), (3, 1)]


def test_mlp_without_hidden_layers_is_one_linear():
    model = nc.mlp([3, 2], rng=0)
    assert len(model) == 1 and isinstance(model[0], nc.Linear)


def test_mlp_seed_fixes_every_weight():
    a, b = nc.mlp([4, 8, 3], rng=7), nc.mlp([4, 8, 3], rng=7)
    c = nc.mlp([4, 8, 3], rng=8)
    for pa, pb, pc in zip(a.parameters(), b.parameters(), c.parameters()):
        np.testing.assert_array_equal(pa.data, pb.data)
        assert not np.array_equal(pa.data, pc.data)


def test_mlp_layers_draw_different_weights_from_one_generator():
    model = nc.mlp([3, 3, 3], rng=0)
    assert not np.array_equal(model[0].weight.data, model[2].weight.data)


# ------------------------------------------------------------------- blocks and trace
def nested_model() -> nc.Sequential:
    """Linear-ReLU, Linear-Tanh, Linear, with the first and last blocks in inner containers."""
    rng = np.random.default_rng(5)
    return nc.Sequential(
        nc.Sequential(nc.Linear(4, 3, rng=rng), nc.ReLU()),
        nc.Linear(3, 2, rng=rng),
        nc.Tanh(),
        nc.Sequential(nc.Linear(2, 1, rng=rng)),
    )


def test_blocks_pair_each_linear_with_its_activation_without_a_forward_pass():
    model = nc.mlp([4, 2, 3, 1], output_activation=nc.Sigmoid, rng=0)
    blocks = model.blocks()
    assert [b.position for b in blocks] == [0, 1, 2]
    assert [b.index for b in blocks] == [0, 2, 4]
    assert [b.linear for b in blocks] == [model[0], model[2], model[4]]
    assert [b.activation for b in blocks] == [model[1], model[3], model[5]]
    assert isinstance(blocks[0], nc.Block)
    with pytest.raises(AttributeError):
        blocks[0].position = 5  # frozen


def test_blocks_walk_nested_sequentials():
    model = nested_model()
    blocks = model.blocks()
    assert [b.position for b in blocks] == [0, 1, 2]
    assert [b.index for b in blocks] == [0, 2, 4]
    assert [b.linear for b in blocks] == [model[0][0], model[1], model[3][0]]
    assert [type(b.activation) for b in blocks] == [nc.ReLU, nc.Tanh, type(None)]


def test_blocks_of_consecutive_linears_have_no_activation():
    model = nc.Sequential(nc.Linear(2, 2, rng=0), nc.Linear(2, 1, rng=0), nc.Sigmoid())
    assert [b.activation for b in model.blocks()] == [None, model[2]]


def test_trace_by_hand():
    # every weight 1, every bias 0, input [1, 1, 1, 1]: z = 4, 8, 24 as in the assignment
    hidden_1, hidden_2, output = network_4231().trace(ONES)
    assert [t.position for t in (hidden_1, hidden_2, output)] == [0, 1, 2]
    np.testing.assert_array_equal(hidden_1.z, [4.0, 4.0])
    np.testing.assert_array_equal(hidden_2.h, [8.0, 8.0, 8.0])
    np.testing.assert_array_equal(output.z, [24.0])
    assert output.activation is None and output.h is output.z


def test_trace_of_a_nested_model_matches_the_layers_run_by_hand():
    model = nested_model()
    x = np.random.default_rng(6).normal(size=(5, 4))
    first, second, third = model.trace(x)
    z0 = x @ model[0][0].weight.data.T + model[0][0].bias.data
    np.testing.assert_allclose(first.z, z0, rtol=1e-14)
    np.testing.assert_array_equal(first.h, np.maximum(z0, 0.0))
    z1 = first.h @ model[1].weight.data.T + model[1].bias.data
    np.testing.assert_allclose(second.h, np.tanh(z1), rtol=1e-14)
    np.testing.assert_allclose(third.z, model(x), rtol=1e-14)


def test_forward_trace_includes_linears_inside_nested_sequentials():
    model = nested_model()
    model(np.ones((2, 4)))
    trace = model.forward_trace()
    assert [t.position for t in trace] == [0, 2, 4]  # indexes, nested layers unrolled
    assert [t.linear for t in trace] == [model[0][0], model[1], model[3][0]]


def gradients_after(model, x, y, between=None):
    """Gradients of MSE(model(x), y), with ``between(model)`` run between loss and backward."""
    loss = nc.MSELoss()
    model.zero_grad()
    loss(model(x), y)
    if between is not None:
        between(model)
    model.backward(loss.backward())
    return [p.grad.copy() for p in model.parameters()]


def test_trace_between_loss_and_backward_changes_no_gradient():
    model = nested_model()
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(6, 4)), rng.normal(size=(6, 1))
    clean = gradients_after(model, x, y)
    traced = gradients_after(model, x, y, between=lambda m: m.trace(rng.normal(size=(6, 4))))
    for a, b in zip(clean, traced):
        np.testing.assert_array_equal(a, b)


def test_trace_hands_out_copies():
    model = nc.mlp([4, 3, 1], output_activation=nc.Sigmoid, rng=0)
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=(5, 4)), rng.uniform(size=(5, 1))
    clean = gradients_after(model, x, y)

    def vandal(m):
        for t in m.forward_trace():
            t.z[...] *= 100.0
            t.h[...] *= 100.0

    for a, b in zip(clean, gradients_after(model, x, y, between=vandal)):
        np.testing.assert_array_equal(a, b)


def test_a_second_forward_before_backward_is_refused():
    model = nc.mlp([4, 3, 1], rng=0)
    rng = np.random.default_rng(9)
    loss = nc.MSELoss()
    loss(model(rng.normal(size=(5, 4))), np.zeros((5, 1)))
    model(rng.normal(size=(5, 4)))  # e.g. a validation batch of the same size
    with raises_with(RuntimeError, "earlier forward pass", "model(x) again", "model.trace(x)"):
        model.backward(loss.backward())


def test_layer_by_layer_backward_after_a_model_forward():
    model = nc.mlp([4, 3, 2], rng=0)
    rng = np.random.default_rng(10)
    x, y = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    whole = gradients_after(model, x, y)
    loss = nc.MSELoss()
    model.zero_grad()
    loss(model(x), y)
    g = model[2].backward(loss.backward())
    model[0].backward(model[1].backward(g))
    for a, p in zip(whole, model.parameters()):
        np.testing.assert_array_equal(a, p.grad)


def test_one_activation_object_at_two_positions_gives_correct_gradients():
    act = nc.Tanh()
    model = nc.mlp([3, 4, 4, 2], activation=lambda: act, rng=0)
    assert model[1] is model[3]
    x = np.random.default_rng(11).normal(size=(5, 3))
    errors = nc.gradient_check(model, x, np.zeros((5, 2)), nc.MSELoss())
    assert max(errors.values()) < 1e-7, errors


def test_a_shared_layer_refuses_its_own_backward():
    act = nc.Tanh()
    model = nc.Sequential(nc.Linear(3, 3, rng=0), act, nc.Linear(3, 3, rng=1), act)
    model(np.ones((2, 3)))
    with raises_with(RuntimeError, "several positions", "layers 1, 3", "one Tanh per position"):
        act.backward(np.ones((2, 3)))


def test_tied_weights_are_one_parameter_with_the_summed_gradient():
    tied = nc.Linear(3, 3, rng=0)
    model = nc.Sequential(tied, nc.Tanh(), tied)
    assert model.parameters() == [tied.weight, tied.bias]
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert nc.count_parameters(model) == 12
    x = np.random.default_rng(12).normal(size=(4, 3))
    errors = nc.gradient_check(model, x, np.zeros((4, 3)), nc.MSELoss())
    assert max(errors.values()) < 1e-7, errors


def test_a_slice_run_between_loss_and_backward_changes_no_gradient():
    model = nc.mlp([4, 3, 2], rng=0)
    rng = np.random.default_rng(13)
    x, y = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    clean = gradients_after(model, x, y)
    sliced = gradients_after(model, x, y, between=lambda m: m[:2](rng.normal(size=(5, 4))))
    for a, b in zip(clean, sliced):
        np.testing.assert_array_equal(a, b)


def test_a_nested_model_at_two_positions_refuses_its_own_backward_and_its_layers():
    inner = nc.Sequential(nc.Linear(2, 2, rng=0), nc.Tanh())
    model = nc.Sequential(inner, inner)
    model(np.ones((3, 2)))
    for part in (inner, inner[0], inner[1]):
        with raises_with(RuntimeError, "several positions", "model.backward(...)"):
            part.backward(np.ones((3, 2)))
    with raises_with(RuntimeError, "layers 1, 3"):
        inner[1].backward(np.ones((3, 2)))
    assert model.backward(np.ones((3, 2))).shape == (3, 2)
