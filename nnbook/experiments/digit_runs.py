"""Chapter 1's comparison of three output designs, repeated over independent runs.

One run (:func:`compare_designs`) does everything the chapter reports about training
outcomes, from one seed: it splits the 8x8 digits into training, validation and test images,
chooses each design's width, learning rate and number of epochs on the validation images
(:func:`nnbook.experiments.digit_designs.grid_search`), reads the test images once with the three
chosen models, and then analyses those models on the test images (where their mistakes
fall, what they answer on blends of two digits). :func:`nnbook.evidence.repeat` runs it
for several seeds, so that every statement the chapter makes can say in how many runs it
held::

    runs = repeat(compare_designs, 5, base=2025)
    runs.spread(lambda r: r.test_accuracy["B"], ".1%")   # "96.0% (95.1% to 97.6%)"

The seed decides the test split, the validation split, the initial weights, the order of
the mini-batches and the pairs of blended images; the runs differ in all of them together.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

import nncore as nc
from nncore.functional import softmax

from . import digit_designs as dd

__all__ = [
    "BlendStats",
    "DesignRun",
    "DigitSplit",
    "RunSeeds",
    "blend_stats",
    "compare_designs",
    "run_seeds",
    "split_digits",
]


@dataclass(frozen=True)
class RunSeeds:
    """The seeds of one run's random choices, all derived from the run's seed.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    split : int
        Which images are test images.
    validation : int
        Which of the other images are validation images.
    init : int
        The initial weights (the same for every design and setting of the run).
    shuffle : int
        The order of the mini-batches (the same for every design and setting of the run).
    pairs : int
        The pairs of test images that are blended.
    """

    split: int
    validation: int
    init: int
    shuffle: int
    pairs: int


def run_seeds(seed: Sequence[int] | int) -> RunSeeds:
    """Derive the seeds of one run's random choices from the run's seed.

    Parameters
    ----------
    seed : int or sequence of int
        The run's seed, e.g. ``[2025, k]`` for run ``k``.

    Returns
    -------
    RunSeeds
    """
    values = np.random.default_rng(seed).integers(0, 2**31, size=5)
    return RunSeeds(*(int(v) for v in values))


@dataclass(frozen=True)
class DigitSplit:
    """One run's images: trained on, validation and test, with their digits.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    x_fit, x_val, x_test : numpy.ndarray, shapes (n_fit, 64), (n_val, 64), (n_test, 64)
        Pixel intensities in [0, 1].
    y_fit, y_val, y_test : numpy.ndarray of int, shapes (n_fit,), (n_val,), (n_test,)
        The digits.
    """

    x_fit: np.ndarray
    x_val: np.ndarray
    x_test: np.ndarray
    y_fit: np.ndarray
    y_val: np.ndarray
    y_test: np.ndarray

    @property
    def validation(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(x_fit, x_val, y_fit, y_val)``, the split that ``grid_search`` takes."""
        return self.x_fit, self.x_val, self.y_fit, self.y_val


def split_digits(seed: Sequence[int] | int) -> DigitSplit:
    """Split the 8x8 digits as run ``seed`` does: test, validation and training images.

    A quarter of each digit's images are test images (``nc.load_digits``); a fifth of each
    digit's remaining images are validation images
    (:func:`nnbook.experiments.digit_designs.validation_split`).

    Parameters
    ----------
    seed : int or sequence of int
        The run's seed.

    Returns
    -------
    DigitSplit
    """
    seeds = run_seeds(seed)
    x_train, x_test, y_train, y_test = nc.load_digits(test_size=0.25, rng=seeds.split)
    x_fit, x_val, y_fit, y_val = dd.validation_split(
        x_train, y_train, fraction=0.2, rng=seeds.validation
    )
    return DigitSplit(x_fit, x_val, x_test, y_fit, y_val, y_test)


@dataclass(frozen=True)
class BlendStats:
    """What the three chosen models answer on half-and-half blends of two test images.

    Each parameter is kept as the attribute of the same name. The blended pairs are test
    images of two digits at least 2 apart, so that some digit lies strictly between them.

    Parameters
    ----------
    n_pairs : int
        Number of blends.
    one_of_two : dict of str to float
        For each design, the share of blends it reads as one of the two blended digits.
    a_between : float
        The share of blends that design A reads as a digit strictly between the two.
    b_mass : float
        Design B's mean softmax probability on the two blended digits together.
    """

    n_pairs: int
    one_of_two: dict[str, float]
    a_between: float
    b_mass: float

    def third(self, name: str) -> float:
        """The share of blends that design ``name`` reads as neither blended digit.

        Parameters
        ----------
        name : str
            ``"A"``, ``"B"`` or ``"C"``.

        Returns
        -------
        float
            ``1 - one_of_two[name]``.
        """
        return 1.0 - self.one_of_two[name]


@dataclass(frozen=True)
class DesignRun:
    """One run of chapter 1's comparison: choices, test accuracies and analyses.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    seed : tuple of int
        The run's seed.
    x_test, y_test : numpy.ndarray, shapes (n_test, 64) and (n_test,)
        The run's test images and their digits.
    n_fit, n_val : int
        How many images were trained on and how many served for validation.
    widths, rates : tuple
        The hidden widths and Adam learning rates searched.
    epochs : int
        How long every setting was trained; each epoch was a candidate.
    designs : dict of str to Design
        The three designs (A's with the target scaling of this run's training images).
    search : dict of str to GridResult
        Each design's search (its curves and the chosen model, hidden width, learning rate
        and number of epochs).
    predictions : dict of str to numpy.ndarray
        Each chosen model's answers on the test images, shape (n_test,).
    test_accuracy : dict of str to float
        Each chosen model's accuracy on the test images, measured once.
    blends : BlendStats
        The chosen models on half-and-half blends of two test images.
    """

    seed: tuple[int, ...]
    x_test: np.ndarray
    y_test: np.ndarray
    n_fit: int
    n_val: int
    widths: tuple[int, ...]
    rates: tuple[float, ...]
    epochs: int
    designs: dict[str, dd.Design]
    search: dict[str, dd.GridResult]
    predictions: dict[str, np.ndarray]
    test_accuracy: dict[str, float]
    blends: BlendStats

    def chosen(self, name: str) -> nc.Sequential:
        """The model design ``name`` chose, as it was after its chosen epoch.

        Parameters
        ----------
        name : str
            ``"A"``, ``"B"`` or ``"C"``.

        Returns
        -------
        nncore.Sequential
        """
        model = self.search[name].model
        assert model is not None  # grid_search always keeps a model
        return model

    def best_val(self, name: str, width: int) -> float:
        """Design ``name``'s best validation accuracy with ``width`` hidden units.

        Parameters
        ----------
        name : str
            ``"A"``, ``"B"`` or ``"C"``.
        width : int
            One of :attr:`widths`.

        Returns
        -------
        float
            The highest validation accuracy over learning rates and epochs.
        """
        return self.search[name].best_val(width)

    def errors_only(self, name: str, other: str) -> int:
        """How many test images ``name`` reads correctly and ``other`` gets wrong.

        Parameters
        ----------
        name, other : str
            Two designs.

        Returns
        -------
        int
        """
        right = self.predictions[name] == self.y_test
        wrong = self.predictions[other] != self.y_test
        return int(np.sum(right & wrong))


def blend_stats(
    designs: dict[str, dd.Design],
    models: dict[str, nc.Module],
    x: np.ndarray,
    y: np.ndarray,
    *,
    n_pairs: int,
    rng: int | np.random.Generator,
) -> BlendStats:
    """Read half-and-half blends of random pairs of images with the three designs' models.

    Parameters
    ----------
    designs : dict of str to Design
        Designs ``"A"``, ``"B"`` and ``"C"`` (A's carries its target scaling).
    models : dict of str to nncore.Module
        A model of each design.
    x : numpy.ndarray, shape (n, 64)
        Images to blend.
    y : numpy.ndarray of int, shape (n,)
        Their digits.
    n_pairs : int
        Number of blends; pairs are drawn at random among those whose digits differ by at
        least 2.
    rng : int or numpy.random.Generator
        Seed of the pairs.

    Returns
    -------
    BlendStats
    """
    if n_pairs < 1:
        raise ValueError(f"blend_stats: n_pairs must be at least 1, got {n_pairs}.")
    y = np.asarray(y)
    gen = np.random.default_rng(rng)
    first_list: list[np.ndarray] = []
    second_list: list[np.ndarray] = []
    found = 0
    while found < n_pairs:
        a, b = gen.integers(0, len(y), size=(2, 4 * n_pairs))
        keep = np.abs(y[a] - y[b]) >= 2  # some digit lies strictly between the two
        first_list.append(a[keep])
        second_list.append(b[keep])
        found += int(keep.sum())
    first = np.concatenate(first_list)[:n_pairs]
    second = np.concatenate(second_list)[:n_pairs]
    halves = 0.5 * x[first] + 0.5 * x[second]
    low, high = np.minimum(y[first], y[second]), np.maximum(y[first], y[second])
    answers = {name: designs[name].answer(models[name], halves) for name in "ABC"}
    one_of_two = {name: float(np.mean((a == low) | (a == high))) for name, a in answers.items()}
    probs = softmax(models["B"](halves), axis=1)
    rows = np.arange(n_pairs)
    return BlendStats(
        n_pairs=n_pairs,
        one_of_two=one_of_two,
        a_between=float(np.mean((answers["A"] > low) & (answers["A"] < high))),
        b_mass=float(np.mean(probs[rows, low] + probs[rows, high])),
    )


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Limit BLAS to one thread inside the block (when threadpoolctl is installed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn, which the digits need, brings it
        yield
        return
    with threadpool_limits(1):
        yield


def compare_designs(
    seed: Sequence[int] | int,
    *,
    widths: Sequence[int] = (16, 32, 64, 128),
    rates: Sequence[float] = (0.001, 0.005),
    epochs: int = 100,
    batch_size: int = 32,
    n_pairs: int = 1000,
) -> DesignRun:
    """One run of chapter 1's comparison of designs A, B and C, all from one seed.

    Splits the digits (a quarter of each digit for the test, a fifth of the rest for
    validation), searches every width and learning rate for every design, keeping the epoch
    with the best validation accuracy (:func:`nnbook.experiments.digit_designs.grid_search`; all
    designs and settings start from the same hidden-layer weights and see the mini-batches
    in the same order), then reads the test images once with each chosen model and blends
    ``n_pairs`` pairs of test images for :class:`BlendStats`.

    Parameters
    ----------
    seed : int or sequence of int
        Decides the test split, the validation split, the initial weights, the mini-batch
        order and the blended pairs.
    widths : sequence of int, default (16, 32, 64, 128)
        Hidden widths searched.
    rates : sequence of float, default (0.001, 0.005)
        Adam learning rates searched.
    epochs : int, default 100
        Epochs of every setting; each epoch is a candidate.
    batch_size : int, default 32
    n_pairs : int, default 1000
        Blends of two test images.

    Returns
    -------
    DesignRun
    """
    seeds = run_seeds(seed)
    # Small matrices: one BLAS thread each is faster than several competing for the cores.
    with _one_blas_thread():
        data = split_digits(seed)
        designs = {name: dd.design(name, data.y_fit) for name in "ABC"}
        search = {
            name: dd.grid_search(
                d,
                data.validation,
                hiddens=widths,
                lrs=rates,
                max_epochs=epochs,
                init_seed=seeds.init,
                shuffle_seed=seeds.shuffle,
                batch_size=batch_size,
            )
            for name, d in designs.items()
        }
        models = {name: s.model for name, s in search.items()}
        x_test, y_test = data.x_test, data.y_test
        predictions = {name: designs[name].answer(models[name], x_test) for name in "ABC"}
        blends = blend_stats(designs, models, x_test, y_test, n_pairs=n_pairs, rng=seeds.pairs)
        for model in models.values():
            # a model keeps its last forward pass for a backward pass; one image keeps the
            # stored result small (the runs are sent between processes and cached on disk)
            model(x_test[:1])
    return DesignRun(
        seed=tuple(np.atleast_1d(seed).tolist()),
        x_test=x_test,
        y_test=y_test,
        n_fit=len(data.y_fit),
        n_val=len(data.y_val),
        widths=tuple(sorted(widths)),
        rates=tuple(sorted(rates)),
        epochs=epochs,
        designs=designs,
        search=search,
        predictions=predictions,
        test_accuracy={name: nc.accuracy(p, y_test) for name, p in predictions.items()},
        blends=blends,
    )
