"""The examples in the docstrings of nncore and nnbook run and show their real output.

Every module of both packages is imported (the dev environment has matplotlib and
ipywidgets, which ``nncore.plot``, ``nncore.widgets`` and the explorers need) and its
docstring examples run with :func:`doctest.testmod`, one test per module.
"""

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import nnbook
import nncore

matplotlib.use("Agg")

OPTIONS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _modules(package) -> list[str]:
    found = pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    return [package.__name__] + sorted(info.name for info in found)


MODULES = _modules(nncore) + _modules(nnbook)


def _run(module_name: str) -> tuple[doctest.TestResults, str]:
    import matplotlib.pyplot as plt

    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    report: list[str] = []
    try:
        for test in finder.find(module, module_name):
            runner.run(test, out=report.append)
    finally:
        plt.close("all")
    return runner.summarize(verbose=False), "".join(report)


def test_every_module_is_collected():
    assert {"nncore.containers", "nncore.plot.network", "nncore.widgets.explorer"} <= set(MODULES)
    assert {"nnbook.claims", "nnbook.exercises.table"} <= set(MODULES)


def test_the_examples_are_found():
    """The doctests below would pass vacuously if no example were found."""
    assert _run("nncore.containers")[0].attempted > 0


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name):
    results, report = _run(module_name)
    assert results.failed == 0, f"{module_name}: {results.failed} failing example(s)\n{report}"
