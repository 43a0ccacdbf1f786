"""The pre-commit hooks (.pre-commit-config.yaml): a valid file, pinned like requirements-dev.txt.

The hooks install their tools from PyPI at the pinned versions, while `make test` and the
editor use the versions of requirements-dev.txt: the two must agree, or a commit would be
reformatted differently from what `ruff format --check` accepts.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from repo_root import REPO_ROOT

CONFIG = REPO_ROOT / ".pre-commit-config.yaml"
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def dev_pins() -> dict[str, str]:
    """``name: version`` of every ``name==version`` line of requirements-dev.txt."""
    text = (REPO_ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s#]+)", text, re.MULTILINE))


def test_the_config_is_valid():
    result = subprocess.run(
        [str(PRE_COMMIT), "validate-config", str(CONFIG)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hooks_install_from_pypi_at_the_versions_of_requirements_dev():
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    pins = dev_pins()
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {hook["id"] for hook in hooks} >= {"nbstripout", "ruff-check", "ruff-format"}
    assert all(repo["repo"] == "local" for repo in config["repos"]), (
        "hook repositories are fetched from GitHub"
    )
    for hook in hooks:
        assert hook["language"] == "python", hook["id"]
        for requirement in hook["additional_dependencies"]:
            name, version = requirement.split("==")
            assert pins.get(name) == version, (
                f"hook {hook['id']} installs {requirement}, requirements-dev.txt has "
                f"{name}=={pins.get(name)}; make them equal"
            )
