"""Copy the repository address from _config.yml into every notebook's install cell.

The first code cell of each notebook in chapters/ and appendix/ installs nncore from the
book's repository when it is missing (Colab). Its line ``REPOSITORY_URL = "..."`` must
name the same repository as ``repository: url:`` in _config.yml. This script rewrites
that line where it differs and leaves every other byte of the notebook alone, so running
it twice changes nothing.

Usage: python tools/set_repository_url.py [--check] [BOOK_ROOT]
Exit status: 0 when every notebook agrees (or was updated), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

NOTEBOOK_FOLDERS = ("chapters", "appendix")
URL_LINE = re.compile(r'^REPOSITORY_URL = "(?P<url>[^"]*)"$', re.MULTILINE)


def repository_url(book_root: Path) -> str:
    """Return ``repository.url`` from the book's _config.yml."""
    config = yaml.safe_load((book_root / "_config.yml").read_text(encoding="utf-8"))
    url = (config.get("repository") or {}).get("url")
    if not url:
        raise ValueError(f"{book_root / '_config.yml'} has no repository: url: entry")
    return str(url).rstrip("/")


def notebooks(book_root: Path) -> list[Path]:
    """Return the book's notebooks, sorted."""
    found: list[Path] = []
    for folder in NOTEBOOK_FOLDERS:
        found.extend(sorted((book_root / folder).glob("*.ipynb")))
    return found


def first_code_cell(notebook: dict) -> dict | None:
    """Return the first code cell of a notebook (as parsed JSON), or None."""
    return next((c for c in notebook.get("cells", []) if c.get("cell_type") == "code"), None)


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def stamp(path: Path, url: str, check: bool = False) -> bool:
    """Make the install cell of ``path`` name ``url``; return True if the file changed.

    Raises ValueError when the notebook has no install cell. With ``check=True`` nothing
    is written and the return value says whether a change would be made.
    """
    text = path.read_text(encoding="utf-8")
    notebook = json.loads(text)
    cell = first_code_cell(notebook)
    source = cell_source(cell) if cell is not None else ""
    match = URL_LINE.search(source)
    if match is None:
        raise ValueError(
            f"{path}: the first code cell is not the install cell (no line "
            f'REPOSITORY_URL = "..."). Paste the install cell from CONVENTIONS.md '
            f"as the notebook's first code cell."
        )
    if match.group("url") == url:
        return False
    if check:
        return True
    old_line, new_line = match.group(0), f'REPOSITORY_URL = "{url}"'
    # Edit the JSON text itself so the notebook's formatting stays exactly as it was.
    old_json, new_json = json.dumps(old_line)[1:-1], json.dumps(new_line)[1:-1]
    if text.count(old_json) != 1:
        raise ValueError(f"{path}: expected exactly one line {old_line!r}")
    path.write_text(text.replace(old_json, new_json), encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book_root", nargs="?", default=Path(__file__).resolve().parents[1], type=Path)
    parser.add_argument("--check", action="store_true", help="report, do not write")
    args = parser.parse_args(argv)

    url = repository_url(args.book_root)
    status = 0
    for path in notebooks(args.book_root):
        try:
            changed = stamp(path, url, check=args.check)
        except ValueError as error:
            print(error, file=sys.stderr)
            status = 1
            continue
        if changed and args.check:
            print(f"{path}: install cell names another repository than {url}", file=sys.stderr)
            status = 1
        elif changed:
            print(f"{path}: install cell now installs from {url}")
    return status


if __name__ == "__main__":
    sys.exit(main())
