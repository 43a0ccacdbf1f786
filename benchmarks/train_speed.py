"""How fast nncore trains, against references measured in the same run.

The same MLP (64-32-10, ReLU, cross-entropy, SGD, batch 32) is trained on the
same digits for the same epochs by

* nncore (``nc.fit``),
* nncore through the loop a reader writes by hand (``model.zero_grad()``,
  ``loss_fn(model(x), y)``, ``model.backward(loss_fn.backward())``,
  ``opt.step()``), every check of the public methods included,
* a minimal hand-written numpy loop: the floor plain numpy allows,
* PyTorch on the CPU, when it is installed (optional, never required).

The runs are interleaved and repeated; the table gives the median time of
each and its ratio to the numpy floor. A second table times one forward and
backward pass alone for batch sizes 1, 32, 256 and 1,797.

Run:  .venv/bin/python benchmarks/train_speed.py [--rounds 7] [--epochs 10]

On a machine shared with other work, wall-clock ratios wander; counting
instructions does not. ``--only nncore`` (or ``handwritten``, ``numpy``, or ``setup`` for
the common part: imports, data, starting weights) runs one training without
timing, for an instruction counter::

    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        .venv/bin/python benchmarks/train_speed.py --only nncore

The training's count is that total minus the ``setup`` total.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import nncore as nc

SIZES = (64, 32, 10)
LR = 0.1
BATCH = 32


def initial_weights(seed: int = 0) -> list[np.ndarray]:
    """W1, b1, W2, b2 drawn once, so every implementation starts from the same point."""
    model = nc.mlp(SIZES, rng=seed)
    return [p.data.copy() for p in model.parameters()]


ORDER_SEED = 1


def order_per_epoch(n: int, epochs: int, seed: int = ORDER_SEED) -> list[np.ndarray]:
    """The example order of each epoch, as ``nc.fit(..., rng=seed)`` draws it."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(epochs)]


def train_nncore(x, y, weights, orders):
    """``nc.fit`` from the shared starting weights; its generator draws the same orders."""
    model = nc.mlp(SIZES, rng=0)
    for p, w in zip(model.parameters(), weights):
        p.data[...] = w
    opt = nc.SGD(model.parameters(), lr=LR)
    nc.fit(
        model,
        nc.CrossEntropyLoss(),
        opt,
        x,
        y,
        epochs=len(orders),
        batch_size=BATCH,
        rng=ORDER_SEED,
    )
    return [p.data for p in model.parameters()]


def train_handwritten(x, y, weights, orders):
    """The loop a reader writes with nncore's public methods; keeps each epoch's mean loss."""
    model = nc.mlp(SIZES, rng=0)
    for p, w in zip(model.parameters(), weights):
        p.data[...] = w
    loss_fn = nc.CrossEntropyLoss()
    opt = nc.SGD(model.parameters(), lr=LR)
    losses = []
    for order in orders:
        total = 0.0
        for start in range(0, len(x), BATCH):
            idx = order[start : start + BATCH]
            model.zero_grad()
            total += loss_fn(model(x[idx]), y[idx]) * len(idx)
            model.backward(loss_fn.backward())
            opt.step()
        losses.append(total / len(x))
    return [p.data for p in model.parameters()]


def train_numpy(x, y, weights, orders):
    """The same training written out by hand; like nc.fit it keeps each epoch's mean loss."""
    w1, b1, w2, b2 = (w.copy() for w in weights)
    losses = []
    for order in orders:
        total = 0.0
        for start in range(0, len(x), BATCH):
            idx = order[start : start + BATCH]
            xb, yb = x[idx], y[idx]
            n = len(idx)
            rows = np.arange(n)
            z1 = xb @ w1.T + b1
            h1 = np.maximum(z1, 0.0)
            z2 = h1 @ w2.T + b2
            shifted = z2 - z2.max(axis=1, keepdims=True)
            p = np.exp(shifted)
            s = p.sum(axis=1, keepdims=True)
            total += (np.log(s[:, 0]) - shifted[rows, yb]).sum()
            p /= s
            p[rows, yb] -= 1.0
            g2 = p / n
            gh = g2 @ w2
            gz1 = gh * (z1 > 0)
            w2 -= LR * (g2.T @ h1)
            b2 -= LR * g2.sum(axis=0)
            w1 -= LR * (gz1.T @ xb)
            b1 -= LR * gz1.sum(axis=0)
        losses.append(total / len(x))
    return [w1, b1, w2, b2]


def make_torch_trainer():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def train_torch(x, y, weights, orders):
        xt = torch.from_numpy(x)
        yt = torch.from_numpy(y)
        model = torch.nn.Sequential(
            torch.nn.Linear(SIZES[0], SIZES[1]),
            torch.nn.ReLU(),
            torch.nn.Linear(SIZES[1], SIZES[2]),
        ).double()
        with torch.no_grad():
            for p, w in zip(model.parameters(), weights):
                p.copy_(torch.from_numpy(w))
        loss_fn = torch.nn.CrossEntropyLoss()
        opt = torch.optim.SGD(model.parameters(), lr=LR)
        for order in orders:
            order_t = torch.from_numpy(order)
            for start in range(0, len(x), BATCH):
                idx = order_t[start : start + BATCH]
                opt.zero_grad()
                loss_fn(model(xt[idx]), yt[idx]).backward()
                opt.step()
        return [p.detach().numpy() for p in model.parameters()]

    return train_torch


def timed(fn, *args) -> tuple[float, list[np.ndarray]]:
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def forward_backward_table(x, y, weights, repeats: int) -> list[tuple[int, float, float]]:
    model = nc.mlp(SIZES, rng=0)
    for p, w in zip(model.parameters(), weights):
        p.data[...] = w
    loss_fn = nc.CrossEntropyLoss()
    w1, b1, w2, b2 = weights
    rows = []
    for batch in (1, 32, 256, len(x)):
        xb, yb = x[:batch], y[:batch]

        def nncore_step(xb=xb, yb=yb):
            model.zero_grad()
            loss_fn(model(xb), yb)
            model.backward(loss_fn.backward())

        def numpy_step(xb=xb, yb=yb):
            n = len(xb)
            z1 = xb @ w1.T + b1
            h1 = np.maximum(z1, 0.0)
            z2 = h1 @ w2.T + b2
            p = np.exp(z2 - z2.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(n), yb] -= 1.0
            g2 = p / n
            gz1 = (g2 @ w2) * (z1 > 0)
            return g2.T @ h1, g2.sum(0), gz1.T @ xb, gz1.sum(0)

        t_nc, t_np = [], []
        for _ in range(repeats):
            t_nc.append(timed(lambda: [nncore_step() for _ in range(20)])[0] / 20)
            t_np.append(timed(lambda: [numpy_step() for _ in range(20)])[0] / 20)
        rows.append((batch, statistics.median(t_nc), statistics.median(t_np)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument(
        "--only",
        choices=["setup", "numpy", "nncore", "handwritten"],
        help="run one training untimed (for an instruction counter) and exit",
    )
    args = parser.parse_args()

    data = nc.load_digits(rng=0)
    x = np.concatenate([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    weights = initial_weights()
    orders = order_per_epoch(len(x), args.epochs)
    if args.only is not None:
        if args.only != "setup":
            trainer = {
                "numpy": train_numpy,
                "nncore": train_nncore,
                "handwritten": train_handwritten,
            }
            trainer[args.only](x, y, weights, orders)
        return

    trainers = {
        "nncore (nc.fit)": train_nncore,
        "nncore, loop by hand": train_handwritten,
        "numpy loop (floor)": train_numpy,
    }
    torch_trainer = make_torch_trainer()
    if torch_trainer is not None:
        trainers["PyTorch (CPU, 1 thread)"] = torch_trainer

    # Same starting point, same batches: all implementations reach the same weights.
    finals = {name: fn(x, y, weights, orders[:1]) for name, fn in trainers.items()}
    ref = finals["numpy loop (floor)"]
    for name, out in finals.items():
        err = max(float(np.max(np.abs(a - b))) for a, b in zip(out, ref))
        if err > 1e-8:
            raise SystemExit(f"{name} disagrees with the numpy loop after one epoch: {err:.2e}")

    times: dict[str, list[float]] = {name: [] for name in trainers}
    for _ in range(args.rounds):  # interleaved, so drift in machine load hits all alike
        for name, fn in trainers.items():
            times[name].append(timed(fn, x, y, weights, orders)[0])

    floor = statistics.median(times["numpy loop (floor)"])
    steps = args.epochs * -(-len(x) // BATCH)
    print(
        f"Training 64-32-10 ReLU MLP, SGD lr={LR}, batch {BATCH}, {args.epochs} epochs "
        f"({steps} steps) on {len(x)} digits; median of {args.rounds} interleaved rounds"
    )
    print(f"{'implementation':<26}{'median s':>10}{'us/step':>10}{'x numpy floor':>15}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:<26}{med:>10.3f}{1e6 * med / steps:>10.1f}{med / floor:>15.2f}")
    if torch_trainer is None:
        print("(PyTorch not installed: its row is omitted; `pip install torch` to add it)")
    else:
        t_torch = statistics.median(times["PyTorch (CPU, 1 thread)"])
        t_fit = statistics.median(times["nncore (nc.fit)"])
        print(f"PyTorch / nncore (nc.fit) time ratio: {t_torch / t_fit:.2f}")

    print()
    print("One forward + backward pass (no update), median per call")
    print(f"{'batch':>6}{'nncore us':>12}{'numpy us':>12}{'ratio':>8}")
    for batch, t_nc, t_np in forward_backward_table(x, y, weights, repeats=args.rounds):
        print(f"{batch:>6}{1e6 * t_nc:>12.1f}{1e6 * t_np:>12.1f}{t_nc / t_np:>8.2f}")


if __name__ == "__main__":
    main()
