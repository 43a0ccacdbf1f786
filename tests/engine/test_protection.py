"""The checks of the loop written by hand, made cheaper, still catch what they caught.

``Sequential.forward`` now leaves its pass owed to its layers and hands it down
only when some module's state is next read or written (a training loop reads
none); the upstream gradient, the input and the prediction are checked for
NaN and infinity with ``np.vdot`` called without numpy's dispatch; the
cross-entropy's labels are checked by the bounds check of their flat index;
``Linear`` leaves the check of the input's last axis to its product; ``ReLU``
keeps its derivative as floats. Each test here fails if one of these lost
what it caught.
"""

import gc
import weakref

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore as nc
from nncore._checks import all_finite

STALE = ("earlier forward pass", "model(x) again")


def batch(seed: int, n: int = 5, k: int = 4) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, k))


def grads(model: nc.Module) -> list[np.ndarray]:
    return [p.grad.copy() for p in model.parameters()]


# ------------------------------------------- a model's pass, handed down to its layers late
def test_layer_by_layer_backward_follows_the_second_of_two_passes():
    model = nc.mlp([4, 3, 2], rng=0)
    loss = nc.MSELoss()
    x1, x2, y = batch(1), batch(2), batch(3, k=2)
    loss(model(x2), y)
    model.zero_grad()
    model.backward(loss.backward())
    whole = grads(model)
    model(x1)
    loss(model(x2), y)  # this pass replaces the first before any layer's state is read
    model.zero_grad()
    g = model[2].backward(loss.backward())
    model[0].backward(model[1].backward(g))
    for a, b in zip(whole, grads(model), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_model_deleted_with_its_pass_owed_is_freed_with_its_layers():
    model = nc.mlp([4, 3, 2], rng=0)
    model(batch(1))
    gone = [weakref.ref(model), *(weakref.ref(layer) for layer in model)]
    del model
    gc.collect()
    assert [ref() for ref in gone] == [None] * len(gone)


def test_a_layer_kept_from_a_deleted_model_back_propagates_its_part_of_the_models_pass():
    x, g = batch(1), np.ones((5, 2))
    kept = nc.mlp([4, 3, 2], rng=0)
    expected = kept[2].backward(g) if kept(x) is not None else None
    model = nc.mlp([4, 3, 2], rng=0)
    last = model[2]
    model(x)
    del model
    gc.collect()
    np.testing.assert_array_equal(last.backward(g), expected)


def test_a_layer_refuses_a_gradient_of_the_first_of_two_passes():
    model = nc.mlp([4, 3, 2], rng=0)
    loss = nc.MSELoss()
    loss(model(batch(1)), batch(3, k=2))
    model(batch(2))
    with raises_with(RuntimeError, *STALE):
        model[2].backward(loss.backward())


class Alike(nc.Identity):
    """An activation whose objects all compare equal, as a dataclass's fields would make them."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Alike)

    __hash__ = nc.Identity.__hash__


@pytest.mark.parametrize(
    "change",
    [
        lambda layers: layers.__setitem__(2, nc.Linear(3, 2, rng=7)),  # replaced in place
        lambda layers: layers.__setitem__(slice(2, 3), [nc.Linear(3, 2, rng=7), nc.Identity()]),
        lambda layers: layers.pop(),  # one fewer
    ],
    ids=["replaced", "replaced by two", "removed"],
)
def test_a_layer_taken_out_between_two_passes_keeps_its_part_of_the_first(change):
    model, twin = nc.mlp([4, 3, 2], rng=0), nc.mlp([4, 3, 2], rng=0)
    x1, x2, g = batch(1), batch(2), batch(4, k=2)
    model(x1)
    last = model[2]
    change(model.layers)
    model(x2)  # the second pass, with other layers
    twin(x1)
    expected = twin[2].backward(g)
    np.testing.assert_array_equal(last.backward(g), expected)  # not "called before forward()"
    np.testing.assert_array_equal(last.weight.grad, twin[2].weight.grad)


def test_a_layer_swapped_for_an_equal_one_keeps_its_part_of_the_first_pass():
    """Layers are compared by identity: one that only compares equal is another layer."""
    old = Alike()
    model = nc.Sequential(nc.Linear(4, 2, rng=0), old)
    loss = nc.MSELoss()
    loss(model(batch(1)), batch(3, k=2))
    model.layers[1] = Alike()
    model(batch(2))
    g = loss.backward()  # dL/d output of the first pass, which ``old`` ran
    np.testing.assert_array_equal(old.backward(g), g)
    with raises_with(RuntimeError, *STALE):
        model.layers[1].backward(g)


def test_a_layer_run_on_its_own_after_a_model_pass_uses_its_own_input():
    model = nc.mlp([4, 3, 2], rng=0)
    x1, x2, g = batch(1), batch(2), batch(5, k=3)
    model(x1)
    first = model[0]
    first(x2)  # its own pass comes after the model's: its backward belongs to x2
    first.zero_grad()
    first.backward(g)
    np.testing.assert_array_equal(first.weight.grad, g.T @ x2)


def test_a_shared_activation_refuses_its_own_backward_after_two_passes():
    act = nc.Tanh()
    model = nc.Sequential(nc.Linear(3, 3, rng=0), act, nc.Linear(3, 3, rng=1), act)
    model(np.ones((2, 3)))
    model(np.zeros((2, 3)))
    with raises_with(RuntimeError, "several positions", "layers 1, 3"):
        act.backward(np.ones((2, 3)))


def test_a_nested_model_changed_after_the_pass_gives_its_layers_the_pass_as_it_ran():
    inner = nc.Sequential(nc.Linear(4, 3, rng=0), nc.Tanh())
    model, twin = nc.Sequential(inner, nc.Linear(3, 2, rng=1)), nc.Linear(4, 3, rng=0)
    x, g = batch(1), batch(6, k=3)
    model(x)
    inner.layers.append(nc.Identity())  # after the pass: its layers got their parts already
    twin(x)
    np.testing.assert_array_equal(inner[0].backward(g), twin.backward(g))


# ----------------------------------------------------- the upstream gradient, the input
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("to", ["model", "last layer"])
def test_a_gradient_edited_in_place_after_the_loss_is_still_checked(bad, to):
    model = nc.mlp([4, 3, 2], rng=0)
    loss = nc.CrossEntropyLoss()
    loss(model(batch(1)), np.array([0, 1, 1, 0, 1]))
    g = loss.backward()
    g[3, 1] = bad  # the loss's own gradient, changed by the caller before backward
    where = "Sequential.backward" if to == "model" else "Linear(in_features=3, out_features=2)"
    with raises_with(ValueError, where, "gradient contains 1 NaN or infinite value"):
        (model if to == "model" else model[2]).backward(g)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_value_anywhere_in_a_batch_is_refused(bad):
    model = nc.mlp([4, 3, 2], rng=0)
    for i in range(5):
        x = batch(1)
        x[i, i % 4] = bad
        with raises_with(ValueError, "Linear(in_features=4, out_features=3)", "1 NaN or infinite"):
            model(x)


@pytest.mark.parametrize("shape", [(), (1,), (3, 5), (2, 3, 4)])
def test_all_finite_sees_nan_and_both_infinities_and_passes_huge_finite_values(shape):
    big = np.full(shape, 1e300)  # its square overflows: looked at value by value
    assert all_finite(big)
    for bad in (np.nan, np.inf, -np.inf):
        x = big.copy()
        x.reshape(-1)[-1] = bad
        assert not all_finite(x)


# --------------------------------------------------------------- cross-entropy's labels
def out_of_range(dtype: type) -> list[int]:
    info = np.iinfo(dtype)
    labels = [3, int(info.max)]
    return labels + ([-1, int(info.min)] if info.min < 0 else [])


@pytest.mark.parametrize(
    "dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
)
def test_a_label_out_of_range_is_refused_for_every_integer_dtype(dtype):
    for bad in out_of_range(dtype):
        for row in range(3):  # the first rows too: a flat index would land in the next row
            labels = np.array([0, 1, 2], dtype=dtype)
            labels[row] = bad
            with raises_with(ValueError, "CrossEntropyLoss", "class labels must lie in 0..2"):
                nc.CrossEntropyLoss()(np.zeros((3, 3)), labels)


def test_the_largest_label_of_its_dtype_asks_for_one_more_output_without_overflow():
    labels = np.array([0, 127, 1], dtype=np.int8)
    with raises_with(ValueError, "from 0 to 127", "give the model 128 outputs"):
        nc.CrossEntropyLoss()(np.zeros((3, 3)), labels)


def test_labels_in_range_give_the_fit_value_and_gradient():
    """The loop's path (labels checked by their flat index) and fit's agree exactly."""
    rng = np.random.default_rng(8)
    z, labels = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    loss = nc.CrossEntropyLoss()
    value = loss(z, labels)
    fit_value, fit_grad = loss._value_and_grad(z, labels)
    assert value == float(fit_value)
    np.testing.assert_array_equal(loss.backward(), fit_grad)


# ------------------------------------------------------------ Linear's input, ReLU's slope
@pytest.mark.parametrize("shape", [(3, 5), (5,), (4, 3), (1, 1)])
def test_an_input_with_the_wrong_last_axis_is_refused_by_linear(shape):
    with raises_with(ValueError, "Linear(in_features=4, out_features=2)", f"{shape}") as info:
        nc.Linear(4, 2, rng=0)(np.ones(shape))
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_relu_backward_is_the_gradient_times_its_boolean_derivative_bit_for_bit():
    z = np.array([[-2.0, -0.0, 0.0, 3.0], [5e-324, -5e-324, 1.0, -1.0]])
    g = np.array([[1.5, -2.0, -0.5, -4.0], [-1.0, -3.0, 0.25, 7.0]])
    relu = nc.ReLU()
    relu(z)
    got, expected = relu.backward(g), g * (z > 0)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))  # -0.0 stays -0.0
