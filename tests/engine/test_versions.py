"""A backward pass refuses what no longer matches its forward pass.

Two ways the values a backward pass combines can stop belonging together, both refused
as PyTorch refuses them:

* a parameter changed between the forward and the backward pass (``p.data += ...``,
  ``p.data = ...``, an optimiser step, a loaded state, a replaced parameter): the saved
  activations belong to the old weights;
* a loss computed on the output of an earlier forward pass, or on a view of it
  (``pred.reshape(-1)``, a slice, ``pred.T``): the model has since saved another input.
"""

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore as nc

CHANGED = "changed after the forward pass"


def pending(model, seed=0):
    """``model`` after a forward pass and a loss, with the gradient its backward would take."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(5, 3))
    out = model(x)
    loss = nc.MSELoss()
    loss(out, np.zeros_like(out))
    return loss.backward()


# ------------------------------------------------------------ parameters changed in place
@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.__setattr__("data", p.data + 1.0),  # p.data = new values
        lambda p: setattr(p, "data", p.data.__iadd__(1.0)),  # what p.data += 1.0 runs
        lambda p: setattr(p, "data", p.data.__imul__(0.5)),  # p.data *= 0.5
    ],
    ids=["assign", "add in place", "scale in place"],
)
def test_a_parameter_changed_between_forward_and_backward_is_refused(change):
    model = nc.mlp([3, 4, 2], rng=0)
    g = pending(model)
    change(model[2].weight)
    with raises_with(RuntimeError, "Sequential.backward", "'2.weight'", CHANGED, "model(x)"):
        model.backward(g)


def test_augmented_assignment_on_data_is_refused_as_written():
    layer = nc.Linear(3, 2, rng=0)
    g = pending(layer)
    layer.bias.data += 1.0
    with raises_with(RuntimeError, "Linear", "'bias'", CHANGED):
        layer.backward(g)


def test_an_optimiser_step_between_forward_and_backward_is_refused():
    model = nc.mlp([3, 4, 2], rng=0)
    opt = nc.SGD(model.parameters(), lr=0.1)
    g = pending(model)
    opt.step()
    with raises_with(RuntimeError, "'0.weight'", CHANGED, "step()"):
        model.backward(g)


def test_a_loaded_state_between_forward_and_backward_is_refused():
    model = nc.mlp([3, 4, 2], rng=0)
    g = pending(model)
    model.load_state_dict(nc.mlp([3, 4, 2], rng=1).state_dict())
    with raises_with(RuntimeError, "'0.weight'", CHANGED):
        model.backward(g)


def test_a_replaced_parameter_between_forward_and_backward_is_refused():
    layer = nc.Linear(3, 2, rng=0)
    g = pending(layer)
    layer.weight = nc.Parameter(np.zeros((2, 3)))
    with raises_with(RuntimeError, "Linear", "'weight'", CHANGED):
        layer.backward(g)


def test_layer_by_layer_backward_refuses_a_changed_parameter():
    model = nc.mlp([3, 4, 2], rng=0)
    g = pending(model)
    g = model[2].backward(g)
    model[0].weight.data -= 0.1
    g = model[1].backward(g)
    with raises_with(RuntimeError, "Linear(in_features=3, out_features=4)", "'0.weight'", CHANGED):
        model[0].backward(g)


def test_a_new_forward_pass_after_the_change_is_accepted():
    model = nc.mlp([3, 4, 2], rng=0)
    pending(model)
    model[0].weight.data += 1.0
    g = pending(model, seed=1)
    model.backward(g)  # the new forward pass used the new weights


def test_changing_another_models_parameters_is_not_refused():
    model, other = nc.mlp([3, 4, 2], rng=0), nc.mlp([3, 4, 2], rng=1)
    other_opt = nc.SGD(other.parameters(), lr=0.1)
    g = pending(model)
    other.load_state_dict(model.state_dict())
    other_opt.step()
    nc.Parameter(np.ones(3))  # creating a parameter changes none of the model's
    model.backward(g)


def test_changing_gradients_between_forward_and_backward_is_not_refused():
    model = nc.mlp([3, 4, 2], rng=0)
    g = pending(model)
    model.zero_grad()
    model[0].weight.grad += 1.0
    model.backward(g)


def test_a_step_after_backward_is_the_usual_order():
    model = nc.mlp([3, 4, 2], rng=0)
    opt = nc.Adam(model.parameters(), lr=0.01)
    for seed in range(3):
        opt.zero_grad()
        model.backward(pending(model, seed))
        opt.step()


def test_fit_trains_with_the_check_in_place():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(40, 3)), rng.integers(0, 2, size=40)
    model = nc.mlp([3, 4, 2], rng=0)
    history = nc.fit(
        model, nc.CrossEntropyLoss(), nc.SGD(model.parameters(), lr=0.5), x, y, epochs=3, rng=0
    )
    assert history["loss"][-1] < history["loss"][0]
    model.backward(pending(model))  # the public path still works after fit


# --------------------------------------------------------------- views of a stale output
def stale_after(model, view, grad_back):
    """A loss on ``view(output)``, then another forward pass; returns the gradient to pass."""
    rng = np.random.default_rng(7)
    out = model(rng.normal(size=(5, 3)))
    pred = view(out)
    loss = nc.MSELoss()
    loss(pred, np.zeros_like(pred))
    model(rng.normal(size=(5, 3)))  # another forward pass: the saved input changed
    return grad_back(loss.backward())


@pytest.mark.parametrize(
    "view, grad_back",
    [
        (lambda out: out.reshape(-1), lambda g: g.reshape(-1, 1)),
        (lambda out: out[:, 0], lambda g: g[:, None]),
        (lambda out: out.T, lambda g: g.T),
        (lambda out: out[:][:], lambda g: g),
    ],
    ids=["reshape", "column", "transpose", "slice of a slice"],
)
def test_a_loss_on_a_view_of_a_stale_output_is_refused(view, grad_back):
    model = nc.mlp([3, 4, 1], rng=0)
    g = stale_after(model, view, grad_back)
    with raises_with(RuntimeError, "Sequential.backward", "earlier forward pass"):
        model.backward(g)


def test_a_loss_on_a_view_of_the_current_output_is_accepted():
    model = nc.mlp([3, 4, 1], rng=0)
    out = model(np.ones((5, 3)))
    loss = nc.MSELoss()
    loss(out.reshape(-1), np.zeros(5))
    model.backward(loss.backward().reshape(-1, 1))
    assert model[0].weight.grad.any()


# ------------------------------------------------------------------ the table of marks
def test_marks_keep_no_output_alive_and_stay_few():
    import weakref

    from nncore import _stamps

    layer = nc.Linear(3, 2, rng=0)  # keeps its input, not its output
    out = layer(np.ones((2, 3)))
    ref = weakref.ref(out)
    del out
    assert ref() is None  # marking the output kept nothing alive
    for _ in range(3000):
        layer(np.ones((2, 3)))
    assert len(_stamps._marks) < 2 * _stamps._PURGE_AT  # entries of freed outputs are dropped
