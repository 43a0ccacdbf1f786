"""requirements-lock.txt is in step with the requirements files, and every install uses it.

The lock pins every package for Python 3.10 to 3.13 (uv's universal resolution writes one line
per version range, with an environment marker). Each requirement of the files the lock is
compiled from (requirements-lock.in and the files it includes, and the project's own
dependencies through ``-e .[chapters]``) must have, on Linux under each of those Pythons,
exactly one pin, and that pin must satisfy the requirement: a requirement added or
tightened without `make lock` fails here.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from repo_root import REPO_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, the same parser, which pytest requires there
    import tomli as tomllib

LOCK = "requirements-lock.txt"
LOCK_INPUT = "requirements-lock.in"
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
FIX = "Run `make lock` and commit requirements-lock.txt."


def requirements(root: Path, name: str, seen: set[str] | None = None) -> list[tuple[str, str]]:
    """(file, requirement) of every requirement in ``name`` and the files it includes.

    ``-e .[EXTRA]`` stands for the project's dependencies and those of EXTRA (pyproject.toml).
    """
    seen = set() if seen is None else seen
    if name in seen:
        return []
    seen.add(name)
    found: list[tuple[str, str]] = []
    for raw in (root / name).read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r "):
            found += requirements(root, line[3:].strip(), seen)
        elif line.startswith("-e ."):
            project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
            extras = re.findall(r"[\w-]+", line[4:])
            wanted = list(project["project"]["dependencies"])
            for extra in extras:
                wanted += project["project"]["optional-dependencies"][extra]
            found += [(f"pyproject.toml via {name}", r) for r in wanted]
        else:
            found.append((name, line))
    return found


def pins(root: Path) -> dict[str, list[tuple[Version, Marker | None]]]:
    """Every pin of the lock: canonical name -> [(version, marker or None)]."""
    found: dict[str, list[tuple[Version, Marker | None]]] = {}
    for line in (root / LOCK).read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?: ; (.+))?", line.strip())
        if match:
            name, version, marker = match.groups()
            entry = (Version(version), Marker(marker) if marker else None)
            found.setdefault(canonicalize_name(name), []).append(entry)
    return found


def out_of_step(root: Path) -> list[str]:
    """Why the lock does not cover the requirements of ``root``; empty when it does."""
    locked = pins(root)
    problems = []
    for where, text in requirements(root, LOCK_INPUT):
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        for python in PYTHONS:
            env = {"python_version": python, "python_full_version": f"{python}.0"}
            env |= {"sys_platform": "linux", "platform_system": "Linux"}
            env |= {"implementation_name": "cpython", "platform_python_implementation": "CPython"}
            if requirement.marker is not None and not requirement.marker.evaluate(env):
                continue
            versions = [v for v, m in locked.get(name, []) if m is None or m.evaluate(env)]
            if len(versions) != 1:
                problems.append(
                    f"{where}: {text}: expected one pin for Python {python} in {LOCK}, "
                    f"found {[str(v) for v in versions]}"
                )
            elif not requirement.specifier.contains(versions[0], prereleases=True):
                problems.append(
                    f"{where}: {text}: {LOCK} pins {versions[0]} for Python {python}, which "
                    f"it does not allow"
                )
    return problems


def test_every_requirement_is_pinned_in_the_lock_within_its_range():
    problems = out_of_step(REPO_ROOT)
    assert not problems, "\n".join(problems) + f"\n{FIX}"


def copy_of_the_requirements(tmp_path: Path) -> Path:
    for name in ("pyproject.toml", LOCK, LOCK_INPUT, *(p.name for p in REPO_ROOT.glob("req*.txt"))):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize(
    "file, line, words",
    [
        ("requirements-book.txt", "a-package-no-lock-has>=1", "found []"),
        ("requirements-dev.txt", "ruff==0.0.1", "which it does not allow"),
        ("requirements-lab.txt", "jupyterlab>=99", "which it does not allow"),
    ],
)
def test_a_requirement_the_lock_does_not_meet_is_named(tmp_path, file, line, words):
    """A control: the same check on a copy whose requirements moved on without `make lock`."""
    root = copy_of_the_requirements(tmp_path)
    with (root / file).open("a", encoding="utf-8") as handle:
        handle.write(f"{line}\n")

    problems = out_of_step(root)

    assert problems and all(f"{file}: {line}" in p and words in p for p in problems), problems


def test_a_dependency_of_the_project_is_checked_too(tmp_path):
    root = copy_of_the_requirements(tmp_path)
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(
        text.replace('"scikit-learn>=1.3"', '"scikit-learn>=99"'), encoding="utf-8"
    )
    assert any("scikit-learn>=99" in p for p in out_of_step(root))


def test_the_lock_is_the_one_make_lock_writes_and_leaves_the_project_out():
    text = (REPO_ROOT / LOCK).read_text(encoding="utf-8")
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"\$\(VENV\)/bin/uv (pip compile .*?) -o \$\(LOCK\)", makefile, re.DOTALL)
    assert recipe, "the Makefile's `lock` target no longer runs uv pip compile ... -o $(LOCK)"
    command = " ".join(recipe.group(1).replace("\\\n", " ").replace("--quiet", "").split())
    header = " ".join(text.splitlines()[1].lstrip("#").split())
    assert header == f"uv {command} -o {LOCK}", (header, command)
    assert not re.search(r"^-e|^nn-executed==", text, re.MULTILINE), "the project is not pinned"


def test_every_install_of_the_makefile_takes_the_lock():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    installs = re.findall(r"pip install (.*)", makefile)
    from_files = [i for i in installs if "-r requirements" in i]
    assert len(from_files) == 3, installs  # book, dev, lab
    assert all(i.startswith("-c $(LOCK) -r requirements") for i in from_files), from_files
    assert re.search(r"^LOCK\s*:= requirements-lock\.txt$", makefile, re.MULTILINE)


def test_ipywidgets_has_no_ceiling_for_students_but_the_lock_stays_below_9():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    chapters = [Requirement(r) for r in project["project"]["optional-dependencies"]["chapters"]]
    [widgets] = [r for r in chapters if r.name == "ipywidgets"]
    assert widgets.specifier.contains("9.0") and widgets.specifier.contains("7.7.1")
    assert all(version < Version("9") for version, _ in pins(REPO_ROOT)["ipywidgets"])
