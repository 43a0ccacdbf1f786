"""How long one live update of an explorer takes, and how much of it is nncore.

The explorer is the appendix's: the 4-2-3-1 network diagram with a slider for
x1, one for a first-layer weight and the activation selector, drawn at dpi 80.
One update is what a reader with a kernel waits for after moving a control:

* ``forward``: the model's forward pass and trace (nncore's own share),
* ``update``: that plus changing the diagram's artists (texts, widths, colours, legend),
* ``PNG frame``: drawing the canvas and encoding the quantised PNG,
* ``render``: ``Explorer.render``, i.e. update + drawing the canvas + the PNG frame,

against a reference measured in the same run: a bare ``figure.canvas.draw()``
of the same figure, the floor matplotlib allows for a redraw. Settings cycle
through values on and off the grid; the steps are timed in turn, so all see the
same machine load, and the table gives medians and ratios.

Run:  .venv/bin/python benchmarks/widget_update.py [--updates 200]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import nncore as nc  # noqa: E402
from nncore.widgets import figure_image, network_explorer  # noqa: E402


def interleaved_medians(steps, settings, repeats: int) -> list[float]:
    """Median milliseconds of each step, timed in turn on the same settings.

    Interleaving makes every step see the same machine load, so the ratios hold
    even on a busy machine where the absolute times drift.
    """
    times: list[list[float]] = [[] for _ in steps]
    for values in itertools.islice(itertools.cycle(settings), repeats):
        for k, step in enumerate(steps):
            start = time.perf_counter()
            step(values)
            times[k].append(time.perf_counter() - start)
    return [1000 * statistics.median(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=200, help="updates timed per row")
    args = parser.parse_args()

    model = nc.mlp([4, 2, 3, 1], weight_init=nc.init.constant(1.0), bias_init=nc.init.zeros())
    x = np.ones(4)
    start = time.perf_counter()
    explorer = network_explorer(
        model,
        x,
        input_values={0: (-6, -4, -2, 0, 1, 2)},
        weight_values={(0, 0, 0): (-2, -1, 0, 1, 2)},
        scale_values={},
        dpi=80,
    )
    build = time.perf_counter() - start
    diagram, models, figure = explorer.view.diagram, explorer.view.models, explorer.figure

    rng = np.random.default_rng(0)
    activations = list(explorer.grid["activation"])
    settings = [
        {
            "x1": float(rng.uniform(-6, 2)),
            "w_0_0_0": float(rng.uniform(-2, 2)),
            "activation": activations[i % len(activations)],
        }
        for i in range(97)
    ]

    def forward(values):
        xx = x.copy()
        xx[0] = values["x1"]
        models[values["activation"]].trace(xx[None, :])

    def update(values):
        xx = x.copy()
        xx[0] = values["x1"]
        diagram.update(models[values["activation"]], xx)

    steps = [
        ("bare canvas.draw() (reference)", lambda v: figure.canvas.draw()),
        ("nncore forward pass + trace", forward),
        ("diagram.update (forward + artists)", update),
        ("PNG frame of the drawn figure", lambda v: figure_image(figure)),
        ("Explorer.render (update + draw + PNG)", lambda v: explorer.render(**v)),
    ]
    medians = interleaved_medians([fn for _, fn in steps], settings, args.updates)
    rows = [(name, ms) for (name, _), ms in zip(steps, medians, strict=True)]
    reference = rows[0][1]
    total = rows[-1][1]
    print(
        f"Live update of the 4-2-3-1 network explorer ({figure.bbox.width:.0f} x "
        f"{figure.bbox.height:.0f} px), median of {args.updates} updates"
    )
    print(f"{'step':<40}{'median ms':>11}{'x draw':>9}{'% of update':>13}")
    for name, ms in rows:
        print(f"{name:<40}{ms:>11.2f}{ms / reference:>9.2f}{100 * ms / total:>12.1f}%")
    print()
    print(f"building the explorer: {build:.1f} s for {explorer.size_report()}")


if __name__ == "__main__":
    main()
