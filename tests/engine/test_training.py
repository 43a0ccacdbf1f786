"""nc.fit: learns, is reproducible, records a history, and checks its data."""

import numpy as np
import pytest
from nncore_fixtures import raises_with, separable_data, snapshot

import nncore as nc


def run(seed=0, **kwargs):
    """Train a fresh 2-8-1 network on separable data; return (model, history, x, y)."""
    x, y = separable_data(np.random.default_rng(100), n=64)
    model = nc.mlp([2, 8, 1], rng=seed)
    opt = nc.SGD(model.parameters(), lr=kwargs.pop("lr", 0.5))
    kwargs.setdefault("epochs", 30)
    kwargs.setdefault("rng", seed)
    history = nc.fit(model, nc.BCEWithLogitsLoss(), opt, x, y, **kwargs)
    return model, history, x, y


def test_fit_learns_a_separable_problem():
    model, history, x, y = run()
    assert history["loss"][-1] < 0.25 * history["loss"][0]
    assert nc.accuracy((model(x)[:, 0] > 0).astype(int), y[:, 0].astype(int)) >= 0.95


def test_history_has_one_entry_per_epoch():
    _, history, _, _ = run(epochs=7)
    assert isinstance(history, nc.History) and isinstance(history, dict)
    assert history["epoch"] == [1, 2, 3, 4, 5, 6, 7]
    assert len(history["loss"]) == 7
    assert all(type(v) is float for v in history["loss"])
    assert "val_loss" not in history
    assert repr(history) == "History(epoch[7], loss[7])"


def test_same_seed_gives_an_identical_history_and_model():
    model_a, history_a, _, _ = run(seed=3)
    model_b, history_b, _, _ = run(seed=3)
    assert history_a["loss"] == history_b["loss"]
    for pa, pb in zip(model_a.parameters(), model_b.parameters()):
        np.testing.assert_array_equal(pa.data, pb.data)


def test_shuffling_depends_on_the_seed():
    x, y = separable_data(np.random.default_rng(100), n=64)
    losses = []
    for seed in (1, 2):
        model = nc.mlp([2, 8, 1], rng=0)  # same start
        history = nc.fit(
            model,
            nc.BCEWithLogitsLoss(),
            nc.SGD(model.parameters(), lr=0.5),
            x,
            y,
            epochs=2,
            batch_size=8,
            rng=seed,
        )
        losses.append(history["loss"])
    assert losses[0] != losses[1]


def test_full_batch_is_plain_gradient_descent():
    x, y = separable_data(np.random.default_rng(100), n=40)
    model = nc.mlp([2, 5, 1], rng=0)
    twin = nc.mlp([2, 5, 1], rng=0)
    history = nc.fit(
        model,
        nc.MSELoss(),
        nc.SGD(model.parameters(), lr=0.1),
        x,
        y,
        epochs=4,
        batch_size=None,
        shuffle=False,
    )
    # the same four steps, written out
    loss, opt, expected = nc.MSELoss(), nc.SGD(twin.parameters(), lr=0.1), []
    for _ in range(4):
        opt.zero_grad()
        expected.append(loss(twin(x), y))
        twin.backward(loss.backward())
        opt.step()
    np.testing.assert_allclose(history["loss"], expected, rtol=1e-13)
    for p, q in zip(model.parameters(), twin.parameters()):
        np.testing.assert_allclose(p.data, q.data, rtol=1e-13)


def test_full_batch_with_shuffling_takes_one_step_per_epoch():
    a, history_none, _, _ = run(epochs=3, batch_size=None)
    b, history_n, _, _ = run(epochs=3, batch_size=64, shuffle=False)
    # shuffling only reorders the sum: the same steps up to rounding
    np.testing.assert_allclose(history_none["loss"], history_n["loss"], rtol=1e-12)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p.data, q.data, rtol=1e-12, atol=1e-15)


def test_epoch_loss_is_the_mean_over_examples():
    x, y = separable_data(np.random.default_rng(100), n=10)
    model = nc.mlp([2, 3, 1], rng=0)
    frozen = snapshot(model)
    # batches of 4, 4 and 2: the epoch loss weights each batch by its size
    history = nc.fit(
        model,
        nc.MSELoss(),
        nc.SGD(model.parameters(), lr=1e-300),
        x,
        y,
        epochs=1,
        batch_size=4,
        shuffle=False,
    )
    for name, p in model.named_parameters():  # steps of 1e-300 leave every weight as it was
        np.testing.assert_array_equal(p.data, frozen[name])
    per_example = np.mean((model(x) - y) ** 2, axis=1)
    assert history["loss"][0] == pytest.approx(per_example.mean(), rel=1e-13)


def test_validation_loss_is_recorded_each_epoch():
    x_val, y_val = separable_data(np.random.default_rng(200), n=20)
    model, history, _, _ = run(epochs=5, validation_data=(x_val, y_val))
    assert len(history["val_loss"]) == 5
    assert history["val_loss"][-1] == pytest.approx(
        nc.BCEWithLogitsLoss()(model(x_val), y_val), rel=1e-15
    )
    assert history["val_loss"][-1] < history["val_loss"][0]


def test_callback_values_are_recorded_by_key():
    calls = []

    def callback(epoch, model):
        calls.append((epoch, model))
        return {"w00": float(model[0].weight.data[0, 0]), "dead": nc.dead_fraction(model, x)}

    x, _ = separable_data(np.random.default_rng(100), n=64)
    model, history, _, _ = run(epochs=4, callback=callback)
    assert [e for e, _ in calls] == [1, 2, 3, 4]
    assert all(m is model for _, m in calls)
    assert len(history["w00"]) == 4 and len(history["dead"]) == 4
    assert history["w00"][-1] == model[0].weight.data[0, 0]
    assert all(0.0 <= d <= 1.0 for d in history["dead"])


def test_callback_returning_none_adds_nothing():
    _, history, _, _ = run(epochs=2, callback=lambda epoch, model: None)
    assert set(history) == {"epoch", "loss"}


def test_fit_with_class_labels_and_cross_entropy():
    rng = np.random.default_rng(0)
    centres = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    labels = np.repeat(np.arange(3), 30)
    x = centres[labels] + rng.normal(scale=0.5, size=(90, 2))
    model = nc.mlp([2, 10, 3], rng=0)
    history = nc.fit(
        model,
        nc.CrossEntropyLoss(),
        nc.Adam(model.parameters(), lr=0.05),
        x,
        labels,
        epochs=30,
        batch_size=16,
        rng=0,
    )
    assert history["loss"][-1] < 0.1 * history["loss"][0]
    assert nc.accuracy(model(x).argmax(axis=1), labels) >= 0.95


# ------------------------------------------------------------------------- bad input
def _args():
    model = nc.mlp([2, 3, 1], rng=0)
    return model, nc.MSELoss(), nc.SGD(model.parameters(), lr=0.1)


def test_mismatched_x_and_y_raise():
    with raises_with(ValueError, "fit", "10 examples", "(9, 1)"):
        nc.fit(*_args(), np.ones((10, 2)), np.ones((9, 1)), epochs=1)


@pytest.mark.parametrize("x", [np.ones(10), np.ones((0, 2))])
def test_x_must_be_a_non_empty_batch(x):
    with raises_with(ValueError, "fit", "(n, features)"):
        nc.fit(*_args(), x, np.ones((len(x), 1)), epochs=1)


@pytest.mark.parametrize("name, value", [("epochs", 0), ("batch_size", 0), ("batch_size", 2.5)])
def test_epochs_and_batch_size_must_be_positive_integers(name, value):
    kwargs = {"epochs": 1, name: value}
    with raises_with(ValueError, "fit", name, "positive integer"):
        nc.fit(*_args(), np.ones((4, 2)), np.ones((4, 1)), **kwargs)


def test_fit_rejects_a_bad_rng():
    with raises_with(ValueError, "fit", "rng", "default_rng"):
        nc.fit(*_args(), np.ones((4, 2)), np.ones((4, 1)), epochs=1, rng="seed")


def test_diverging_training_stops_with_a_hint():
    x, y = separable_data(np.random.default_rng(100), n=32)
    model = nc.mlp([2, 8, 1], rng=0)
    with raises_with(ValueError, "diverged", "smaller learning rate"), np.errstate(over="ignore"):
        nc.fit(model, nc.MSELoss(), nc.SGD(model.parameters(), lr=1e3), x, 1e3 * y, epochs=50)


# ------------------------------------------------------------- what fit is given
@pytest.mark.parametrize(
    "validation_data, got",
    [
        (np.ones((4, 2)), "an array of shape (4, 2)"),
        ((np.ones((4, 2)),), "a tuple of length 1"),
    ],
)
def test_validation_data_must_be_a_pair(validation_data, got):
    with raises_with(ValueError, "fit", "validation_data", "pair (x_val, y_val)", got):
        nc.fit(
            *_args(), np.ones((4, 2)), np.ones((4, 1)), epochs=1, validation_data=validation_data
        )


def test_a_callback_must_return_a_dict():
    with raises_with(TypeError, "fit", "callback", "dict", "list", "epoch 1"):
        nc.fit(
            *_args(),
            np.ones((4, 2)),
            np.ones((4, 1)),
            epochs=1,
            callback=lambda epoch, model: [0.5],
        )


@pytest.mark.parametrize(
    "name, words",
    [
        ("epochs", ["passes over the data", "at least one epoch"]),
        ("batch_size", ["examples per step", "None for the whole training set"]),
    ],
)
def test_zero_epochs_or_batch_size_are_not_blamed_on_units(name, words):
    kwargs = {"epochs": 1, name: 0}
    with raises_with(ValueError, "fit", name, *words) as info:
        nc.fit(*_args(), np.ones((4, 2)), np.ones((4, 1)), **kwargs)
    assert "unit" not in str(info.value)


@pytest.mark.parametrize("which", ["loss_fn", "optimizer"])
def test_a_class_instead_of_an_object(which):
    model, loss_fn, optimizer = _args()
    parts = {"loss_fn": loss_fn, "optimizer": optimizer}
    parts[which] = {"loss_fn": nc.MSELoss, "optimizer": nc.SGD}[which]
    name = parts[which].__name__
    with raises_with(TypeError, "fit", which, f"class {name} itself", f"nc.{name}"):
        nc.fit(
            model, parts["loss_fn"], parts["optimizer"], np.ones((4, 2)), np.ones((4, 1)), epochs=1
        )


def test_an_optimizer_built_on_another_model_is_refused():
    model, loss_fn, _ = _args()
    other = nc.mlp([2, 3, 1], rng=1)
    with raises_with(ValueError, "fit", "none of the model's parameters", "another model"):
        nc.fit(
            model,
            loss_fn,
            nc.SGD(other.parameters(), lr=0.1),
            np.ones((4, 2)),
            np.ones((4, 1)),
            epochs=1,
        )


def test_nan_in_the_data_is_called_missing_data():
    x = np.ones((4, 2))
    x[2, 1] = np.nan
    with raises_with(ValueError, "fit", "x", "missing"):
        nc.fit(*_args(), x, np.ones((4, 1)), epochs=1)


# ------------------------------------------------------------ what fit's steps did
def test_one_step_to_infinite_weights_is_caught_at_that_step():
    model = nc.mlp([1, 1], weight_init=nc.init.constant(1.0), bias_init=nc.init.zeros())
    opt = nc.SGD(model.parameters(), lr=1e306)
    with raises_with(
        ValueError, "epoch 1, step 1", "optimizer's update", "overflow", "smaller learning rate"
    ):
        nc.fit(model, nc.MSELoss(), opt, np.array([[1e3]]), np.array([[0.0]]), epochs=1)


def test_an_infinite_loss_from_finite_predictions_is_caught():
    model = nc.mlp([1, 1], weight_init=nc.init.constant(1e200), bias_init=nc.init.zeros())
    opt = nc.SGD(model.parameters(), lr=1e-3)
    with raises_with(
        ValueError, "epoch 1, step 2", "the loss", "overflow", "smaller learning rate"
    ):
        nc.fit(
            model,
            nc.MSELoss(),
            opt,
            np.array([[1e-200], [1.0]]),
            np.zeros((2, 1)),
            epochs=1,
            batch_size=1,
            shuffle=False,
        )


# ------------------------------------------------------ arguments that only look right
@pytest.mark.parametrize("shuffle", ["no", "False", 0, 1, None, [False]])
def test_shuffle_must_be_a_bool(shuffle):
    # "no" is truthy: taken as a flag it would shuffle
    with raises_with(TypeError, "fit", "shuffle", "True or False", type(shuffle).__name__):
        nc.fit(*_args(), np.ones((4, 2)), np.ones((4, 1)), epochs=1, shuffle=shuffle)


def test_shuffle_accepts_a_numpy_bool():
    _, history_numpy, _, _ = run(epochs=2, shuffle=np.bool_(False))
    _, history_plain, _, _ = run(epochs=2, shuffle=False)
    assert history_numpy["loss"] == history_plain["loss"]


def test_shuffle_false_keeps_the_order():
    # with batches of one example and shuffle=False, the seed has no effect
    _, history_a, _, _ = run(epochs=2, batch_size=1, shuffle=False, rng=1)
    _, history_b, _, _ = run(epochs=2, batch_size=1, shuffle=False, rng=2)
    assert history_a["loss"] == history_b["loss"]


def test_a_model_without_parameters_is_refused():
    other = nc.mlp([2, 1], rng=0)
    with raises_with(ValueError, "fit", "no parameters", "nothing", "Linear"):
        nc.fit(
            nc.Sequential(nc.ReLU()),
            nc.MSELoss(),
            nc.SGD(other.parameters(), lr=0.1),
            np.ones((4, 2)),
            np.ones((4, 2)),
            epochs=1,
        )


@pytest.mark.parametrize("name", ["x", "y"])
def test_masked_data_is_refused(name):
    data = {"x": np.ones((4, 2)), "y": np.ones((4, 1))}
    data[name] = np.ma.masked_array(data[name], mask=np.eye(4, data[name].shape[1]))
    with raises_with(ValueError, "fit", "masked", "filled"):
        nc.fit(*_args(), data["x"], data["y"], epochs=1)


def test_masked_class_labels_are_refused():
    model = nc.mlp([2, 3], rng=0)
    labels = np.ma.masked_array([0, 1, 2, 99], mask=[0, 0, 0, 1])  # 99 is hidden, not valid
    with raises_with(ValueError, "fit", "masked", "filled"):
        nc.fit(
            model,
            nc.CrossEntropyLoss(),
            nc.SGD(model.parameters(), lr=0.1),
            np.ones((4, 2)),
            labels,
            epochs=1,
        )


# ------------------------------------------------------------- when training diverges
def test_huge_inputs_are_named_as_the_cause_not_the_learning_rate():
    x, y = separable_data(np.random.default_rng(100), n=32)
    model = nc.mlp([2, 8, 1], rng=0)
    largest = f"{np.abs(x).max() * 1e200:.3g}"  # the message names the inputs' scale
    with raises_with(ValueError, "fit", "x", largest, "Standardizer", "before any update") as info:
        nc.fit(model, nc.MSELoss(), nc.SGD(model.parameters(), lr=1e-3), x * 1e200, y, epochs=2)
    assert "learning rate" not in str(info.value)


def test_large_inputs_are_named_beside_the_learning_rate():
    x, y = separable_data(np.random.default_rng(100), n=32)
    model = nc.mlp([2, 8, 1], rng=0)
    largest = f"{np.abs(x).max() * 1e4:.3g}"
    with (
        raises_with(ValueError, "fit", "x", largest, "Standardizer", "learning rate"),
        np.errstate(over="ignore"),
    ):
        nc.fit(model, nc.MSELoss(), nc.SGD(model.parameters(), lr=0.1), x * 1e4, y, epochs=50)


def test_small_inputs_are_not_blamed():
    x, y = separable_data(np.random.default_rng(100), n=32)
    model = nc.mlp([2, 8, 1], rng=0)
    with raises_with(ValueError, "smaller learning rate") as info, np.errstate(over="ignore"):
        nc.fit(model, nc.MSELoss(), nc.SGD(model.parameters(), lr=1e3), x, 1e3 * y, epochs=50)
    assert "Standardizer" not in str(info.value)


class _Scale(nc.Module):
    """y = w * x with one weight; its backward writes NaN into ``w`` at backward call ``nan_at``.

    Writing NaN by assignment is no floating-point operation, so numpy raises nothing:
    only fit's check of the parameters after each epoch can see it.
    """

    def __init__(self, nan_at: int) -> None:
        self.w = nc.Parameter(np.ones(1), name="w")
        self.nan_at, self.calls = nan_at, 0

    def named_parameters(self):
        return iter([("w", self.w)])

    def _forward(self, x):
        return x * self.w.data, x

    def _backward(self, g, x):
        self.calls += 1
        self.w.grad += np.sum(g * x, axis=0)
        if self.calls == self.nan_at:
            self.w.data[0] = np.nan
        return g * self.w.data


def test_a_layer_that_writes_nan_is_reported_with_its_epoch():
    # batches of 4 over 8 examples: two steps per epoch, NaN written in step 1 of epoch 2
    model = _Scale(nan_at=3)
    with raises_with(ValueError, "fit", "after epoch 2", "'w'", "NaN"):
        nc.fit(
            model,
            nc.MSELoss(),
            nc.SGD(model.parameters(), lr=0.01),
            np.ones((8, 1)),
            np.ones((8, 1)),
            epochs=3,
            batch_size=4,
        )
    assert model.calls == 4  # epoch 2 ran to its end, epoch 3 never started


# --------------------------------------------------------------- the history's lists
def test_a_key_returned_at_some_epochs_only_is_filled_with_nan():
    def callback(epoch, model):
        return {"even": epoch} if epoch % 2 == 0 else {"odd": epoch}

    _, history, _, _ = run(epochs=5, callback=callback)
    assert all(len(v) == 5 for v in history.values())
    assert history["even"][1::2] == [2, 4] and all(np.isnan(history["even"][0::2]))
    assert history["odd"][0::2] == [1, 3, 5] and all(np.isnan(history["odd"][1::2]))


def test_a_callback_returning_none_after_a_key_keeps_the_lists_aligned():
    _, history, _, _ = run(epochs=3, callback=lambda e, m: {"first": 1.0} if e == 1 else None)
    assert history["first"][0] == 1.0 and np.isnan(history["first"][1:]).all()
    assert len(history["first"]) == len(history["epoch"])


@pytest.mark.parametrize("key", ["epoch", "loss", "val_loss"])
def test_a_callback_may_not_overwrite_what_fit_records(key):
    with raises_with(ValueError, "fit", "callback", repr(key), "rename"):
        nc.fit(
            *_args(),
            np.ones((4, 2)),
            np.ones((4, 1)),
            epochs=1,
            callback=lambda epoch, model: {key: 0.5},
        )


def test_an_overflow_before_any_update_is_not_blamed_on_the_learning_rate():
    model = nc.mlp([1, 1], weight_init=nc.init.constant(1e200), bias_init=nc.init.zeros())
    with raises_with(ValueError, "epoch 1, step 1", "before any update", "initial weights") as info:
        nc.fit(
            model,
            nc.MSELoss(),
            nc.SGD(model.parameters(), lr=1e-3),
            np.ones((2, 1)),
            np.zeros((2, 1)),
            epochs=1,
        )
    assert "learning rate is not the cause" in str(info.value)


def test_huge_but_finite_parameters_are_not_called_infinite():
    # the sum of two weights of 1e308 overflows, although each weight is finite
    model = nc.mlp([2, 1], weight_init=nc.init.constant(1e308), bias_init=nc.init.zeros())
    with np.errstate(over="ignore"):
        history = nc.fit(
            model,
            nc.MSELoss(),
            nc.SGD(model.parameters(), lr=1e-3),
            np.full((2, 2), 1e-300),
            np.zeros((2, 1)),
            epochs=2,
        )
    assert len(history["loss"]) == 2


def test_nan_in_the_parameters_before_training_is_not_blamed_on_training():
    model, loss_fn, opt = _args()
    model[0].weight.data[0, 0] = np.nan  # in place: the setter would refuse it
    with raises_with(ValueError, "fit", "at the start", "'0.weight'", "before training") as info:
        nc.fit(model, loss_fn, opt, np.ones((4, 2)), np.ones((4, 1)), epochs=1)
    assert "learning rate" not in str(info.value)
