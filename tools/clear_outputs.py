"""Strip outputs, execution counts and saved widget state from notebooks, in place.

Usage: python tools/clear_outputs.py NOTEBOOK [NOTEBOOK ...]
Files that are already clean are not rewritten.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def clear(path: Path) -> bool:
    """Clear one notebook; return True if it changed."""
    notebook = nbformat.read(path, as_version=4)
    changed = notebook.metadata.pop("widgets", None) is not None
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if cell.outputs or cell.execution_count is not None:
            cell.outputs, cell.execution_count = [], None
            changed = True
    if changed:
        nbformat.write(notebook, path)
    return changed


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for name in paths:
        if clear(Path(name)):
            print(f"cleared {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
