"""numpydoc's validator on every public docstring of nncore and nnbook.

The public objects are the classes and functions named in ``__all__`` of ``nncore``,
``nncore.plot`` and ``nncore.widgets`` and of every public ``nnbook`` module (a module
without ``__all__`` contributes the classes and functions it defines), plus the public
methods and properties those classes define. Each object is one test, so a failure names the
object and every check it breaks, with numpydoc's code and message.
"""

import importlib
import inspect
import pkgutil

import pytest
from numpydoc.validate import validate

import nnbook

# The checks enforced (numpydoc's codes):
CHECKS = {
    "GL02": "closing quotes on the line after the text",
    "GL06": "only numpydoc section headings",
    "GL07": "sections in numpydoc's order",
    "GL08": "a docstring is present",
    "PR01": "every parameter documented",
    "PR02": "no documented parameter that the signature lacks",
    "PR03": "parameters documented in signature order",
    "PR06": "standard type names (int, bool, str)",
    "RT01": "a Returns section when something is returned",
    "YD01": "a Yields section for a generator",
    "SS01": "a one-line summary",
    "SS02": "the summary starts with a capital letter",
    "SS03": "the summary ends with a full stop",
    "SS05": "the summary starts with an infinitive verb",
}
# A property reads like an attribute: its docstring describes the value, with no Returns.
NOT_FOR_PROPERTIES = {"RT01"}

NNCORE_MODULES = ["nncore", "nncore.plot", "nncore.widgets"]
# The reference solutions of the coding exercises are not validated: each chapter's exercise
# cell carries the full numpydoc docstring (parameters, shapes, returns) of the function the
# reader writes, the folded solution repeats the function with a one-line reminder only, and
# tests/book/test_exercises_notebooks.py keeps that folded copy identical to solutions.py.
NOT_VALIDATED = {"nnbook.exercises.solutions"}


def _nnbook_modules() -> list[str]:
    found = [info.name for info in pkgutil.walk_packages(nnbook.__path__, "nnbook.")]
    return [
        name
        for name in found
        if not name.rsplit(".", 1)[-1].startswith("_") and name not in NOT_VALIDATED
    ]


def _members(cls: type, path: str):
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, classmethod | staticmethod):
            member = member.__func__
        if inspect.isfunction(member) or isinstance(member, property):
            yield f"{path}.{name}", isinstance(member, property)


def _public_objects(module_name: str, defined_here_only: bool):
    """``(import path, is_property)`` of the public classes, functions and their members."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name, obj in vars(module).items() if not name.startswith("_")]
    for name in names:
        obj = getattr(module, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if defined_here_only and obj.__module__ != module_name:
            continue  # re-exported: validated where it is defined
        path = f"{module_name}.{name}"
        yield path, False
        if inspect.isclass(obj):
            yield from _members(obj, path)


OBJECTS = dict(
    [item for module in NNCORE_MODULES for item in _public_objects(module, False)]
    + [item for module in _nnbook_modules() for item in _public_objects(module, True)]
)


def test_the_validation_covers_the_api():
    """Both packages, classes, methods, properties and factories are all reached."""
    expected = {
        "nncore.Linear",
        "nncore.Module.parameters",
        "nncore.Sequential.named_parameters",
        "nncore.Block",
        "nncore.plot.NetworkDiagram",
        "nncore.plot.decision_regions",
        "nncore.widgets.Explorer",
        "nnbook.claims.claim",
        "nnbook.exercises.Exercise",
        "nnbook.exercises.ch1.check_one_hot_targets",
        "nnbook.experiments.digit_designs.Design.model",
    }
    assert expected <= set(OBJECTS)
    assert any(OBJECTS.values()), "no property is validated"
    assert len(OBJECTS) > 150


@pytest.mark.parametrize("path", sorted(OBJECTS))
def test_docstring_passes_numpydoc(path):
    skipped = NOT_FOR_PROPERTIES if OBJECTS[path] else set()
    errors = [
        f"{code} {message}"
        for code, message in validate(path)["errors"]
        if code in CHECKS and code not in skipped
    ]
    assert errors == [], f"{path}:\n  " + "\n  ".join(errors)
