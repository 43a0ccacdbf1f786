"""The repository's root folder, for tests that read its files at import time.

The tests folder is on ``sys.path`` (its conftest puts it there), so any test module can
``from repo_root import REPO_ROOT``; fixtures use the ``repo_root`` fixture instead.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
