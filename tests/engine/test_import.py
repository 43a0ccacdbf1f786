"""The package surface: light imports, every public name present and documented with shapes."""

import inspect
import json
import re
import subprocess
import sys
import textwrap

import pytest
from repo_root import REPO_ROOT

import nncore as nc

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, the same parser, which pytest requires there
    import tomli as tomllib


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def modules_after(code: str) -> set[str]:
    """Top-level names of the modules loaded after running ``code`` in a fresh interpreter."""
    out = run_python(
        "import sys, json\n"
        + textwrap.dedent(code)
        + "\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    return set(json.loads(out))


def takes_arrays(func) -> bool:
    """Whether a parameter of ``func`` is annotated as an array (ArrayLike or ndarray)."""
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(re.search(r"ArrayLike|ndarray", str(p.annotation)) for p in parameters)


# ----------------------------------------------------------------------------- imports
def test_import_needs_numpy_only():
    loaded = modules_after("import nncore")
    assert not loaded & {"matplotlib", "ipywidgets", "sklearn", "scipy", "IPython"}
    third_party = {
        m
        for m in loaded
        if m not in sys.stdlib_module_names
        and not m.startswith("_")
        and m not in {"numpy", "nncore"}
    }
    assert third_party == set()


def test_scikit_learn_is_imported_only_for_the_digits():
    loaded = modules_after(
        """
        import nncore as nc
        nc.make_positive_features(10, rng=0)
        nc.standardize([[0.0], [1.0]])
        assert "sklearn" not in sys.modules
        nc.load_digits()
        """
    )
    assert "sklearn" in loaded


def test_version_matches_the_project():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert nc.__version__ == project["version"]


# ------------------------------------------------------------------------ public names
@pytest.mark.parametrize("name", nc.__all__)
def test_public_name_exists_and_is_documented(name):
    obj = getattr(nc, name)
    doc = inspect.getdoc(obj)
    assert doc and len(doc.split()) >= 3, f"nc.{name} has no real docstring"


def test_all_lists_no_name_twice():
    assert len(set(nc.__all__)) == len(nc.__all__)


def test_assignment_names_are_public():
    for name in [
        "Linear",
        "ReLU",
        "LeakyReLU",
        "Sigmoid",
        "Sequential",
        "mlp",
        "SGD",
        "count_parameters",
        "gradient_check",
        "dead_units",
        "fit",
        "load_digits",
    ]:
        assert name in nc.__all__


@pytest.mark.parametrize("module", [nc.functional, nc.init], ids=["functional", "init"])
def test_submodule_functions_are_documented(module):
    names = getattr(module, "__all__", None) or [
        n
        for n, f in vars(module).items()
        if inspect.isfunction(f) and not n.startswith("_") and f.__module__ == module.__name__
    ]
    assert names
    for name in names:
        assert inspect.getdoc(getattr(module, name)), f"{module.__name__}.{name}"


# --------------------------------------------------------------------- shapes stated
# numpydoc's validator (tests/engine/test_docstrings.py) checks the sections: every parameter
# documented, a Returns section, known headings in order. Here: the array functions and
# methods also say what shapes go in and come out.
ARRAY_FUNCTIONS = [
    name
    for name in nc.__all__
    if inspect.isfunction(getattr(nc, name)) and takes_arrays(getattr(nc, name))
]

ARRAY_METHODS = [
    (name, method)
    for name in nc.__all__
    if inspect.isclass(getattr(nc, name))
    for method in ("forward", "backward", "fit", "transform")
    if callable(getattr(getattr(nc, name), method, None))
]


def test_the_shape_checks_cover_the_api():
    assert {"gradient_check", "fit", "one_hot", "accuracy"} <= set(ARRAY_FUNCTIONS)
    assert {
        ("Linear", "forward"),
        ("ReLU", "backward"),
        ("CrossEntropyLoss", "forward"),
        ("Sequential", "backward"),
        ("Standardizer", "transform"),
    } <= set(ARRAY_METHODS)


def _assert_states_shape(doc: str | None, what: str) -> None:
    assert doc, f"{what} has no docstring"
    assert "shape" in doc, f"{what}: the docstring states no shape"


@pytest.mark.parametrize("name", ARRAY_FUNCTIONS)
def test_array_functions_state_shapes(name):
    _assert_states_shape(inspect.getdoc(getattr(nc, name)), f"nc.{name}")


@pytest.mark.parametrize("name, method", ARRAY_METHODS, ids=[".".join(m) for m in ARRAY_METHODS])
def test_array_methods_state_shapes(name, method):
    """``forward``/``backward`` (inherited docstrings count) say what shapes go in and out."""
    func = getattr(getattr(nc, name), method)
    _assert_states_shape(inspect.getdoc(func), f"nc.{name}.{method}")


def test_parameter_class_documents_its_shapes():
    _assert_states_shape(inspect.getdoc(nc.Parameter), "nc.Parameter")


def test_nncore_imports_nothing_from_the_books_own_code():
    # nncore is the reusable library; nnbook (chapter explorers, experiments, checkers)
    # depends on it, never the other way round.
    import ast

    offenders = []
    for path in sorted((REPO_ROOT / "nncore").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(REPO_ROOT)}:{node.lineno} imports {name}"
                for name in names
                if name.split(".")[0] == "nnbook"
            ]
    assert not offenders, "nncore must not import the book's code:\n" + "\n".join(offenders)
