"""Tests of nncore.widgets.network_explorer: the network diagram under controls.

Expected outputs are worked out by hand for Problem 2's 4-2-3-1 network (every weight 1,
every bias 0): with ReLU and input [1, 1, 1, 1] the output is 24.
"""

from __future__ import annotations

import math

import numpy as np
from nncore_fixtures import raises_with

import nncore as nc
from nncore.widgets import PageBudget, network_explorer

SMALL = dict(dpi=30, mode="kernel")


def explorer(net, **kwargs):
    return network_explorer(net, [1, 1, 1, 1], budget=PageBudget(), **{**SMALL, **kwargs})


def test_the_output_follows_input_weight_and_activation(net4231):
    ex = explorer(
        net4231, input_values={0: (-4, 1)}, weight_values={(0, 0, 0): (-1, 1)}, scale_values={}
    )
    assert ex.names == ["x1", "w_0_0_0", "activation"]
    assert ex.values == {"x1": 1, "w_0_0_0": 1, "activation": "relu"}
    diagram = ex.view.diagram
    _, alt = ex.render(x1=1, w_0_0_0=1, activation="relu")
    assert diagram.value_texts[-1][0].get_text() == "24" and "output 24" in alt
    ex.render(x1=1, w_0_0_0=1, activation="sigmoid")  # 3 sigma(2 sigma(4)), by hand
    s = 1 / (1 + math.exp(-4))
    assert diagram.value_texts[-1][0].get_text() == f"{3 / (1 + math.exp(-2 * s)):.3g}"
    # x1 = -4 silences both hidden-1 ReLU units (z = -1); w = -1 revives unit 1 (z = 7).
    ex.render(x1=-4, w_0_0_0=1, activation="relu")
    assert diagram.dead[0].tolist() == [True, True] and diagram.value_texts[-1][0].get_text() == "0"
    _, alt = ex.render(x1=-4, w_0_0_0=-1, activation="relu")
    assert (
        diagram.dead[0].tolist() == [False, True] and diagram.value_texts[-1][0].get_text() == "21"
    )
    assert alt.startswith(
        "Diagram of the 4-2-3-1 network with x\N{SUBSCRIPT ONE} = \N{MINUS SIGN}4"
    )


def test_a_moved_control_runs_the_model_through_nncore(net4231, monkeypatch):
    ex = explorer(net4231, input_values={0: (0.0, 1.0)}, scale_values={}, activations=None)
    calls = []
    original = nc.Sequential.trace

    def spy(self, x):
        calls.append(np.array(x, copy=True))
        return original(self, x)

    monkeypatch.setattr(nc.Sequential, "trace", spy)
    ex.set(x1=0.0)
    assert any(c.reshape(-1, 4)[0].tolist() == [0.0, 1.0, 1.0, 1.0] for c in calls)
    assert ex.view.diagram.value_texts[-1][0].get_text() == "18"  # [3, 3] -> [6, 6, 6] -> 18


def test_the_model_is_left_alone_and_variants_share_its_weights(net4231):
    before = [p.data.copy() for p in net4231.parameters()]
    ex = explorer(
        net4231, input_values={}, scale_values={0: (-1.0, 2.0)}, activations=["tanh", "identity"]
    )
    ex.render(scale0=-1.0, activation="tanh")
    assert all(np.array_equal(a, p.data) for a, p in zip(before, net4231.parameters(), strict=True))
    assert isinstance(net4231[1], nc.ReLU)
    models = ex.view.models
    assert set(models) == {"tanh", "identity"} and isinstance(models["tanh"][1], nc.Tanh)
    assert models["tanh"][0] is models["identity"][0]  # one Linear, two activations


def test_bad_arguments_raise_clear_errors(net4231):
    x = np.ones(4)
    with raises_with(TypeError, "network_explorer", "Sequential"):
        network_explorer(nc.Linear(4, 2), x)
    with raises_with(ValueError, "network_explorer", "(4,)", "(3,)"):
        network_explorer(net4231, np.ones(3))
    with raises_with(ValueError, "network_explorer", "softplus", "relu", "sigmoid"):
        network_explorer(net4231, x, activations=["relu", "softplus"])
    with raises_with(ValueError, "network_explorer", "input_values", "0 to 3"):
        network_explorer(net4231, x, input_values={4: (0.0, 1.0)})
    with raises_with(TypeError, "network_explorer", "input_values[0]", "sequence of numbers"):
        network_explorer(net4231, x, input_values={0: ("low", "high")})
    with raises_with(ValueError, "network_explorer", "scale_values", "[0, 2, 4]"):
        network_explorer(net4231, x, scale_values={1: (1.0,)})
    with raises_with(ValueError, "network_explorer", "weight_values", "(0, 2, 0)"):
        network_explorer(net4231, x, weight_values={(0, 2, 0): (1.0,)})
    with raises_with(ValueError, "network_explorer", "nothing to explore"):
        network_explorer(net4231, x, input_values={}, scale_values={}, activations=None)
