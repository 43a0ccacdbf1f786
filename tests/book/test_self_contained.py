"""The project stands on its own files: nothing it runs reads outside its repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from repo_root import REPO_ROOT

COMMITTED_COLAB = REPO_ROOT / "envs" / "colab-constraints.txt"


def test_the_colab_constraints_are_the_projects_own_pins_of_every_chapter_dependency():
    text = COMMITTED_COLAB.read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", text, re.MULTILINE))
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(pins) == len(lines), "every line is a name==version pin or a comment"
    wanted = {"numpy", "matplotlib", "ipywidgets", "pillow", "scikit-learn", "ipykernel"}
    assert wanted <= {name.lower() for name in pins}, wanted - {n.lower() for n in pins}
    assert re.search(r"Python 3\.13", text), "the header names Colab's Python version"


def test_nothing_in_the_project_reads_outside_its_repository():
    """The project's own copies are the sources: no path climbs out of the repository."""
    climbing = re.compile(r"REPO_ROOT\.parent|\.\./shared|parents\[\d\] / \"shared\"")
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "Makefile", "*.yml", "*.toml", ".ci/*"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    this_file = Path(__file__).resolve()
    offenders = [
        name
        for name in tracked
        if (REPO_ROOT / name).resolve() != this_file
        and climbing.search((REPO_ROOT / name).read_text(encoding="utf-8"))
    ]
    assert offenders == [], f"these files read outside the repository: {offenders}"
