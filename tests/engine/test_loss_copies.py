"""A loss copied or pickled between its call and its backward pass.

A loss marks the gradient it returns with the forward pass that made its
prediction, so that the model refuses a gradient from a stale output. That mark
is a number from a counter of one process: in another process (an unpickled
loss) the same number may name a different forward pass, and the model would
accept a gradient that belongs to other data. As with a module, whose copy keeps
no saved forward pass, a copy of a loss keeps its settings but not the gradient
of its last call: its ``backward`` says so and asks for the loss to be computed
again, rather than return a gradient it cannot vouch for.
"""

import copy
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from nncore_fixtures import raises_with

import nncore as nc

LOSSES = {
    "MSELoss": (nc.MSELoss, lambda rng: rng.normal(size=(4, 2))),
    "CrossEntropyLoss": (nc.CrossEntropyLoss, lambda rng: rng.integers(0, 2, size=4)),
}


def pending_loss(name: str):
    """A model, and a loss called on its output whose backward has not run yet."""
    make_loss, make_target = LOSSES[name]
    rng = np.random.default_rng(0)
    model = nc.mlp([3, 5, 2], rng=0)
    loss = make_loss()
    loss(model(rng.normal(size=(4, 3))), make_target(rng))
    return model, loss


@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("how", ["deepcopy", "copy", "pickle"])
def test_a_copy_made_between_call_and_backward_refuses_backward(name, how):
    _, loss = pending_loss(name)
    clone = {
        "deepcopy": copy.deepcopy,
        "copy": copy.copy,
        "pickle": lambda obj: pickle.loads(pickle.dumps(obj)),
    }[how](loss)
    with raises_with(RuntimeError, name, "copy", "loss(pred, target)"):
        clone.backward()


@pytest.mark.parametrize("name", list(LOSSES))
def test_a_copy_works_once_called_again_and_the_original_is_untouched(name):
    model, loss = pending_loss(name)
    expected = loss.backward()
    clone = copy.deepcopy(loss)
    make_loss, make_target = LOSSES[name]
    rng = np.random.default_rng(1)
    x, target = rng.normal(size=(4, 3)), make_target(rng)
    out = model(x)
    value = clone(out, target)
    assert value == make_loss()(out, target)
    model.zero_grad()
    model.backward(clone.backward())  # a fresh call: its gradient belongs to this pass
    np.testing.assert_array_equal(loss.backward(), expected)  # the original keeps its own


def test_a_copy_of_a_loss_never_called_says_call_it_first():
    clone = copy.deepcopy(nc.MSELoss())
    with raises_with(RuntimeError, "MSELoss()", "before the loss was computed"):
        clone.backward()


# Two fresh interpreters run the same steps, so their counters agree; only the data differ.
_PROGRAM = textwrap.dedent(
    """
    import pickle, sys
    import numpy as np
    import nncore as nc

    seed, path = int(sys.argv[1]), sys.argv[2]
    model = nc.mlp([3, 5, 2], rng=0)
    loss = nc.CrossEntropyLoss()
    x = np.random.default_rng(seed).normal(size=(4, 3))
    out = model(x)
    if seed == 0:  # the first process: call the loss, pickle it before its backward
        loss(out, np.array([0, 1, 1, 0]))
        with open(path, "wb") as f:
            pickle.dump(loss, f)
    else:  # the second: the same model after a forward pass on other data
        with open(path, "rb") as f:
            loaded = pickle.load(f)
        try:
            model.backward(loaded.backward())
        except RuntimeError as err:
            print("refused:", err)
        else:
            print("accepted")
    """
)


def test_a_loss_unpickled_in_another_process_is_not_taken_for_its_forward_pass(tmp_path):
    """The mark's number names another forward pass there: a silent wrong gradient before."""
    path = tmp_path / "loss.pkl"
    for seed in (0, 1):
        run = subprocess.run(
            [sys.executable, "-c", _PROGRAM, str(seed), str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
    assert run.stdout.startswith("refused:"), run.stdout
    assert "copy" in run.stdout and "loss(pred, target)" in run.stdout
