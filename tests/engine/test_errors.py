"""Bad input gets a clear error: the exception type and the words of its message.

One section per kind of mistake listed in the package's requirements: each
message must name the layer, loss or optimiser, say what it expected and what
it got, and where there is one, give a way out.
"""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from nncore_fixtures import ACTIVATIONS, network_4231, raises_with

import nncore as nc

LOSSES = {
    "MSELoss": nc.MSELoss,
    "BCELoss": nc.BCELoss,
    "BCEWithLogitsLoss": nc.BCEWithLogitsLoss,
    "CrossEntropyLoss": nc.CrossEntropyLoss,
}


def valid_pair(name: str, n: int = 4, k: int = 2):
    """A prediction/target pair that the loss ``name`` accepts."""
    if name == "CrossEntropyLoss":
        return np.zeros((n, k)), np.zeros(n, dtype=int)
    return np.full((n, k), 0.5), np.ones((n, k))


# ------------------------------------------------------- input that does not fit a layer
def test_last_axis_not_in_features_names_the_layer_and_both_shapes():
    with raises_with(ValueError, "Linear(in_features=4, out_features=2)", "(n, 4)", "(3, 5)"):
        nc.Linear(4, 2, rng=0)(np.ones((3, 5)))


def test_unbatched_input_of_the_wrong_length():
    with raises_with(ValueError, "Linear(in_features=4, out_features=2)", "(4,)", "(3,)"):
        nc.Linear(4, 2, rng=0)(np.ones(3))


def test_transposed_batch_gets_a_hint():
    with raises_with(ValueError, "Linear(in_features=4, out_features=2)", "(4, 3)", "x.T"):
        nc.Linear(4, 2, rng=0)(np.ones((4, 3)))


def test_three_dimensional_input_is_refused():
    with raises_with(ValueError, "Linear(in_features=64, out_features=10)", "(5, 8, 8)"):
        nc.Linear(64, 10, rng=0)(np.ones((5, 8, 8)))


def test_mismatch_inside_a_sequential_names_the_inner_layer():
    model = nc.Sequential(nc.Linear(4, 2, rng=0), nc.ReLU(), nc.Linear(3, 1, rng=0))
    with raises_with(ValueError, "Linear(in_features=3, out_features=1)", "(6, 2)"):
        model(np.ones((6, 4)))


def test_gradient_of_the_wrong_shape_in_backward():
    layer = nc.Linear(4, 2, rng=0)
    layer(np.ones((3, 4)))
    with raises_with(
        ValueError, "Linear(in_features=4, out_features=2)", "gradient", "(3, 2)", "(3, 1)"
    ):
        layer.backward(np.ones((3, 1)))


# ---------------------------------------------------------------------- NaN and inf
DIVERGED = ("diverged", "smaller learning rate")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_to_linear(bad):
    x = np.ones((3, 4))
    x[1, 2] = bad
    with raises_with(
        ValueError, "Linear(in_features=4, out_features=2)", "NaN or infinite", *DIVERGED
    ):
        nc.Linear(4, 2, rng=0)(x)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_non_finite_input_to_activations(name):
    layer = ACTIVATIONS[name]()
    with raises_with(ValueError, type(layer).__name__, *DIVERGED):
        layer(np.array([[1.0, np.nan]]))


def test_non_finite_input_to_a_sequential():
    with raises_with(ValueError, "Linear", *DIVERGED):
        network_4231()(np.array([1.0, np.inf, 1.0, 1.0]))


@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_prediction_to_losses(name, bad):
    pred, target = valid_pair(name)
    pred[0, 0] = bad
    with raises_with(ValueError, name, "prediction", *DIVERGED):
        LOSSES[name]()(pred, target)


# ------------------------------------------------------------------- non-numeric arrays
NON_NUMERIC = {
    "strings": np.array([["a", "b", "c", "d"]]),
    "objects": np.array([[1.0, None, 2.0, 3.0]], dtype=object),
    "ragged list": [[1.0, 2.0, 3.0, 4.0], [1.0]],
    "None": None,
    "complex": np.ones((1, 4), dtype=complex),
}


@pytest.mark.parametrize("kind", list(NON_NUMERIC))
def test_non_numeric_input_to_linear(kind):
    with raises_with(ValueError, "Linear(in_features=4, out_features=2)", "numeric"):
        nc.Linear(4, 2, rng=0)(NON_NUMERIC[kind])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_non_numeric_input_to_activations(name):
    layer = ACTIVATIONS[name]()
    with raises_with(ValueError, type(layer).__name__, "numeric"):
        layer(np.array(["1.0", "2.0"]))


@pytest.mark.parametrize("name", list(LOSSES))
def test_non_numeric_prediction(name):
    _, target = valid_pair(name, n=1, k=4)
    with raises_with(ValueError, name, "numeric", "prediction"):
        LOSSES[name]()(NON_NUMERIC["strings"], target)


@pytest.mark.parametrize("name", ["MSELoss", "BCELoss", "BCEWithLogitsLoss"])
def test_non_numeric_target(name):
    with raises_with(ValueError, name, "numeric", "target"):
        LOSSES[name]()(np.full((1, 4), 0.5), NON_NUMERIC["objects"])


# --------------------------------------------------------- prediction/target shapes
@pytest.mark.parametrize("name", ["MSELoss", "BCELoss", "BCEWithLogitsLoss"])
def test_column_against_flat_target_is_not_broadcast(name):
    with raises_with(ValueError, name, "same shape", "(5, 1)", "(5,)", "reshape"):
        LOSSES[name]()(np.full((5, 1), 0.5), np.ones(5))


@pytest.mark.parametrize("name", ["MSELoss", "BCELoss", "BCEWithLogitsLoss"])
def test_flat_prediction_against_column_target(name):
    with raises_with(ValueError, name, "same shape", "(5,)", "(5, 1)"):
        LOSSES[name]()(np.full(5, 0.5), np.ones((5, 1)))


@pytest.mark.parametrize("name", ["MSELoss", "BCELoss", "BCEWithLogitsLoss"])
def test_different_output_counts(name):
    with raises_with(ValueError, name, "same shape", "(5, 2)", "(5, 3)"):
        LOSSES[name]()(np.full((5, 2), 0.5), np.ones((5, 3)))


def test_cross_entropy_probability_rows_of_the_wrong_shape():
    with raises_with(ValueError, "CrossEntropyLoss", "(4, 3)", "(4, 2)"):
        nc.CrossEntropyLoss()(np.zeros((4, 3)), np.full((4, 2), 0.5))


def test_cross_entropy_probability_rows_must_sum_to_one():
    with raises_with(ValueError, "CrossEntropyLoss", "sum to 1", "one_hot"):
        nc.CrossEntropyLoss()(np.zeros((2, 3)), np.full((2, 3), 0.5))


def test_cross_entropy_needs_a_batch_of_logits():
    with raises_with(ValueError, "CrossEntropyLoss", "(n, k)", "(3,)"):
        nc.CrossEntropyLoss()(np.zeros(3), np.array([0]))


# -------------------------------------------------------------------------- empty batch
@pytest.mark.parametrize("name", list(LOSSES))
def test_empty_batch_to_a_loss(name):
    pred, target = valid_pair(name, n=0, k=3)
    with raises_with(ValueError, name, "empty batch"):
        LOSSES[name]()(pred, target)


# ---------------------------------------------------------------------- class labels
@pytest.mark.parametrize(
    "labels, words",
    [
        (np.array([0, 1, 3]), ["0..2", "3"]),
        (np.array([0, -1, 2]), ["0..2", "-1"]),
        (np.array([0.0, 1.0, 2.0]), ["integers", "astype(int)"]),
        (np.array([0.5, 1.0, 2.0]), ["integers"]),
        (np.array(["0", "1", "2"]), ["integers"]),
        (np.array([True, False, True]), ["integers"]),
    ],
    ids=["too-large", "negative", "whole-floats", "fractions", "strings", "booleans"],
)
def test_bad_class_labels(labels, words):
    with raises_with(ValueError, "CrossEntropyLoss", "class labels", *words):
        nc.CrossEntropyLoss()(np.zeros((3, 3)), labels)


@pytest.mark.parametrize("count", [2, 4])
def test_label_count_differs_from_the_batch(count):
    with raises_with(ValueError, "CrossEntropyLoss", "3 class labels", f"({count},)"):
        nc.CrossEntropyLoss()(np.zeros((3, 3)), np.zeros(count, dtype=int))


# ------------------------------------------------------------------------------- BCE
@pytest.mark.parametrize("name", ["BCELoss", "BCEWithLogitsLoss"])
@pytest.mark.parametrize("bad", [-0.5, 2.0])
def test_bce_targets_outside_unit_interval(name, bad):
    target = np.array([[0.0], [1.0], [bad]])
    with raises_with(ValueError, name, "targets", "[0, 1]", f"{bad:g}"):
        LOSSES[name]()(np.full((3, 1), 0.5), target)


@pytest.mark.parametrize("bad", [-0.1, 1.5, 3.0])
def test_bce_predictions_outside_unit_interval_suggest_logits(bad):
    pred = np.array([[0.2], [bad]])
    with raises_with(ValueError, "BCELoss", "probabilities", "[0, 1]", "BCEWithLogitsLoss"):
        nc.BCELoss()(pred, np.ones((2, 1)))


# ----------------------------------------------------------------------- layer sizes
@pytest.mark.parametrize("size", [0, -3])
def test_non_positive_layer_size(size):
    with raises_with(ValueError, "Linear", "in_features", "positive integer", str(size)):
        nc.Linear(size, 2)
    with raises_with(ValueError, "Linear", "out_features", "positive integer", str(size)):
        nc.Linear(2, size)


@pytest.mark.parametrize("size", [2.5, "4", None, True])
def test_non_integer_layer_size(size):
    with raises_with(ValueError, "Linear", "in_features", "positive integer"):
        nc.Linear(size, 2)


@pytest.mark.parametrize(
    "sizes, words",
    [
        ([4, 0, 1], ["layer_sizes[1]", "positive integer"]),
        ([4, 2.5, 1], ["layer_sizes[1]", "positive integer"]),
        ([4, 2, -1], ["layer_sizes[2]", "positive integer"]),
        ([4], ["at least two layer sizes"]),
    ],
)
def test_bad_mlp_sizes(sizes, words):
    with raises_with(ValueError, "mlp", *words):
        nc.mlp(sizes)


def test_numpy_integer_sizes_are_fine():
    assert nc.Linear(np.int64(3), np.int32(2), rng=0).weight.shape == (2, 3)


# ------------------------------------------------------------------------ optimisers
OPTIMISERS = {"SGD": nc.SGD, "Adam": nc.Adam, "AdamW": nc.AdamW}


@pytest.mark.parametrize("name", list(OPTIMISERS))
@pytest.mark.parametrize("lr", [0.0, -0.1])
def test_learning_rate_must_be_positive(name, lr):
    with raises_with(ValueError, name, "lr", "greater than 0", f"{lr:g}"):
        OPTIMISERS[name](nc.mlp([2, 1], rng=0).parameters(), lr=lr)


@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_learning_rate_must_be_a_finite_number(name):
    params = nc.mlp([2, 1], rng=0).parameters()
    with raises_with(ValueError, name, "lr", "finite"):
        OPTIMISERS[name](params, lr=np.nan)
    with raises_with(ValueError, name, "lr", "real number"):
        OPTIMISERS[name](params, lr="0.1")


@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_negative_weight_decay(name):
    with raises_with(ValueError, name, "weight_decay", "at least 0", "-0.01"):
        OPTIMISERS[name](nc.mlp([2, 1], rng=0).parameters(), lr=0.1, weight_decay=-0.01)


def test_negative_weight_decay_in_a_parameter_group():
    p = nc.mlp([2, 1], rng=0).parameters()
    with raises_with(ValueError, "SGD", "weight_decay", "at least 0"):
        nc.SGD([{"params": p, "weight_decay": -1.0}], lr=0.1)


def test_negative_weight_decay_for_groups():
    with raises_with(ValueError, "weight_decay_groups", "weight_decay", "at least 0"):
        nc.weight_decay_groups(nc.mlp([2, 1], rng=0), -0.1)


@pytest.mark.parametrize("name", list(OPTIMISERS))
def test_empty_parameter_list(name):
    with raises_with(ValueError, name, "empty parameter list"):
        OPTIMISERS[name]([], lr=0.1)


def test_model_without_parameters_has_nothing_to_train():
    with raises_with(ValueError, "SGD", "empty parameter list"):
        nc.SGD(nc.Sequential(nc.ReLU()).parameters(), lr=0.1)


def test_parameter_groups_without_parameters_have_nothing_to_train():
    groups = nc.weight_decay_groups(nc.Sequential(nc.ReLU()), 0.1)
    with raises_with(ValueError, "SGD", "empty parameter list"):
        nc.SGD(groups, lr=0.1)


@pytest.mark.parametrize("momentum, words", [(1.0, ["below 1"]), (-0.5, ["at least 0"])])
def test_momentum_range(momentum, words):
    with raises_with(ValueError, "SGD", "momentum", *words):
        nc.SGD(nc.mlp([2, 1], rng=0).parameters(), lr=0.1, momentum=momentum)


def test_optimiser_given_layers_instead_of_parameters():
    with raises_with(TypeError, "SGD", "model.parameters()", "Linear"):
        nc.SGD(nc.mlp([2, 3, 1], rng=0), lr=0.1)


# ------------------------------------------------------------ backward before forward
BEFORE = r"backward() was called before"


@pytest.mark.parametrize(
    "layer",
    [nc.Linear(3, 2, rng=0)] + [f() for f in ACTIVATIONS.values()],
    ids=lambda layer: type(layer).__name__,
)
def test_backward_before_forward_in_layers(layer):
    with raises_with(RuntimeError, BEFORE, "forward"):
        layer.backward(np.ones(2))


def test_backward_before_forward_in_sequential():
    with raises_with(RuntimeError, "Sequential", BEFORE, "forward"):
        network_4231().backward(np.ones(1))


def test_forward_trace_before_forward():
    with raises_with(RuntimeError, "forward"):
        network_4231().forward_trace()


@pytest.mark.parametrize("name", list(LOSSES))
def test_backward_before_the_loss_is_computed(name):
    with raises_with(RuntimeError, name, BEFORE, "loss(pred, target)"):
        LOSSES[name]().backward()


# -------------------------------------------------------------------------- other
def test_sequential_needs_layers():
    with raises_with(ValueError, "Sequential", "at least one layer"):
        nc.Sequential()


def test_sequential_given_a_class_instead_of_an_instance():
    with raises_with(TypeError, "Sequential", "layer 1", "ReLU()"):
        nc.Sequential(nc.Linear(2, 2, rng=0), nc.ReLU)


def test_gradient_check_needs_target_and_loss_together():
    with raises_with(ValueError, "gradient_check", "target", "loss_fn"):
        nc.gradient_check(nc.mlp([2, 1], rng=0), np.ones((3, 2)), target=np.ones((3, 1)))


def test_numerical_gradient_needs_float64():
    with raises_with(ValueError, "numerical_gradient", "float64", "float32"):
        nc.numerical_gradient(lambda: 0.0, np.ones(3, dtype=np.float32))


def test_relative_error_needs_equal_shapes():
    with raises_with(ValueError, "relative_error", "(2,)", "(3,)"):
        nc.relative_error(np.ones(2), np.ones(3))


@pytest.mark.parametrize(
    "rng", ["seed", 1.5, np.random.RandomState(0)], ids=["string", "float", "RandomState"]
)
def test_rng_must_be_a_generator_or_seed(rng):
    with raises_with(ValueError, "Linear", "rng", "default_rng"):
        nc.Linear(2, 2, rng=rng)


def test_checks_survive_python_optimise_mode():
    """Validation is ``if``/``raise``, not ``assert``, so ``python -O`` keeps it."""
    code = textwrap.dedent(
        """
        import numpy as np, nncore as nc
        for call in (lambda: nc.Linear(4, 2, rng=0)(np.ones((3, 5))),
                     lambda: nc.MSELoss()(np.ones((3, 1)), np.ones(3)),
                     lambda: nc.SGD([], lr=0.1)):
            try:
                call()
            except ValueError:
                continue
            raise SystemExit("no ValueError under -O")
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.strip() == "ok"


# ------------------------------------------------ arrays that only look like arrays
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix itself warns
def test_a_matrix_prediction_is_taken_elementwise():
    pred = np.matrix([[1.0, 2.0], [3.0, 4.0]])  # `*` on a matrix is a matrix product
    assert nc.MSELoss()(pred, np.zeros((2, 2))) == (1 + 4 + 9 + 16) / 4


def test_a_masked_array_is_refused():
    x = np.ma.masked_array(np.ones((2, 4)), mask=[[0, 0, 0, 1], [0, 0, 0, 0]])
    with raises_with(ValueError, "Linear", "masked array", "x.filled"):
        nc.Linear(4, 2, rng=0)(x)


# ------------------------------------------------------------- initialisers of Linear
@pytest.mark.parametrize(
    "value, words",
    [
        (0, ["weight_init", "initialiser", "nc.init.constant(0)"]),
        ("zeros", ["weight_init", "initialiser", "'zeros'"]),
    ],
)
def test_weight_init_that_is_not_an_initialiser(value, words):
    with raises_with(TypeError, *words):
        nc.Linear(3, 2, weight_init=value)


def test_an_initialiser_factory_that_was_not_called():
    with raises_with(TypeError, "bias_init", "nc.init.zeros itself", "nc.init.zeros()"):
        nc.Linear(3, 2, bias_init=nc.init.zeros)


def test_an_initialiser_returning_a_scalar():
    with raises_with(ValueError, "weight_init", "shape ()", "(2, 3)"):
        nc.Linear(3, 2, weight_init=lambda shape, **fans: 0.5)


# ----------------------------------------------------------- activations given to mlp
@pytest.mark.parametrize(
    "activation, exc, words",
    [
        (nc.ReLU(), TypeError, ["activation", "class nc.ReLU", "not nc.ReLU()"]),
        ("relu", TypeError, ["activation", "Module class such as nc.ReLU", "'relu'"]),
        (lambda: "relu", TypeError, ["activation()", "must return an nncore Module", "str"]),
    ],
)
def test_mlp_activation_must_make_new_layers(activation, exc, words):
    with raises_with(exc, *words):
        nc.mlp([2, 3, 1], activation=activation)


# ---------------------------------------------------------------- upstream gradients
@pytest.mark.parametrize("as_list", [False, True])
def test_a_nan_gradient_is_refused_as_array_and_as_list(as_list):
    layer = nc.Linear(2, 1, rng=0)
    layer(np.ones((2, 2)))
    g = np.array([[1.0], [np.nan]])
    with raises_with(ValueError, "backward", "gradient", "NaN"):
        layer.backward(g.tolist() if as_list else g)


# ------------------------------------------------------------------- misleading hints
def test_a_transposed_target_is_told_to_use_T():
    with raises_with(ValueError, "MSELoss", "(4, 2)", "(2, 4)", "target.T") as info:
        nc.MSELoss()(np.zeros((4, 2)), np.zeros((2, 4)))
    assert "reshape" not in str(info.value)


def test_a_zero_dimensional_prediction_gets_a_sensible_hint():
    with raises_with(ValueError, "MSELoss", "single number", "float(target)") as info:
        nc.MSELoss()(np.float64(1.0), np.zeros(1))
    assert "reshape()" not in str(info.value)


def test_class_labels_as_a_column_are_told_to_ravel():
    with raises_with(ValueError, "CrossEntropyLoss", "(4, 1)", "y.ravel()"):
        nc.CrossEntropyLoss()(np.zeros((4, 3)), np.zeros((4, 1), dtype=int))


def test_nan_in_raw_data_is_not_blamed_on_a_learning_rate():
    x = np.array([[1.0, 2.0], [np.nan, 1.0], [0.0, 3.0]])
    with raises_with(ValueError, "Standardizer.fit", "1 NaN", "missing") as info:
        nc.Standardizer().fit(x)
    assert "learning rate" not in str(info.value)


# ------------------------------------------------------------------------- optimisers
def test_betas_must_be_a_pair():
    model = nc.mlp([2, 1], rng=0)
    with raises_with(ValueError, "Adam", "betas", "pair", "(0.9, 0.999)"):
        nc.Adam(model.parameters(), betas=0.9)


def test_a_parameter_group_without_params():
    model = nc.mlp([2, 1], rng=0)
    with raises_with(ValueError, "SGD", "group 1", "'params' key"):
        nc.SGD([{"params": model.parameters()}, {"lr": 0.1}], lr=0.1)


def test_the_parameters_method_not_called():
    model = nc.mlp([2, 1], rng=0)
    with raises_with(TypeError, "SGD", "model.parameters()", "parentheses"):
        nc.SGD(model.parameters, lr=0.1)


def test_adam_eps_zero_is_refused():
    model = nc.mlp([2, 1], rng=0)
    with raises_with(ValueError, "Adam", "eps", "greater than 0", "NaN"):
        nc.Adam(model.parameters(), eps=0.0)


def test_a_parameter_listed_twice_is_refused():
    model = nc.mlp([2, 1], rng=0)
    weight = model[0].weight
    with raises_with(ValueError, "SGD", "'0.weight'", "listed twice", "update it twice"):
        nc.SGD([{"params": [weight]}, {"params": [weight, model[0].bias]}], lr=0.1)


# ----------------------------------------------------------------------- gradient_check
def test_gradient_check_step_must_be_positive():
    with raises_with(ValueError, "gradient_check", "h", "greater than 0"):
        nc.gradient_check(nc.Linear(2, 1, rng=0), np.ones((1, 2)), h=0.0)
