"""Copy the repository address and branch from _config.yml into every notebook's install cell.

The first code cell of each notebook in chapters/ and appendix/ installs nncore and nnbook
from the book's repository when they are missing (Colab). Its lines
``REPOSITORY_URL = "..."`` and ``BRANCH = "..."`` must name the repository and branch of
``repository: url:`` and ``repository: branch:`` in _config.yml, which are also what the
Binder and Colab buttons open. This script rewrites those two lines where they differ and
leaves the rest of the notebook alone, so running it twice changes nothing.

The address must be ``https://github.com/OWNER/NAME`` (the form the launch buttons and the
install cell need) and the branch a plain git branch name; anything else is refused before
a file is touched, so no configured value can put code into the install cells.

``--url`` and ``--branch`` first write new values into _config.yml (the publishing workflow
passes the repository and branch it runs for, so that a fork publishes with no edit).

Usage: python tools/set_repository_url.py [--check] [--url URL] [--branch NAME] [BOOK_ROOT]
Exit status: 0 when every notebook agrees (or was updated); 1 when a notebook has no
install cell or disagrees under --check; 2 when BOOK_ROOT, _config.yml or a value is wrong.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

NOTEBOOK_FOLDERS = ("chapters", "appendix")
URL_FORM = "https://github.com/OWNER/NAME"
URL = re.compile(
    r"https://github\.com/(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?P<name>[A-Za-z0-9._-]{1,100})"
)
BRANCH_CHARACTERS = re.compile(r"[A-Za-z0-9._/-]{1,200}")
INSTALL_LINES = {"url": "REPOSITORY_URL = ", "branch": "BRANCH = "}
BOOK_ROOT_HINT = "give the folder that holds the book's _config.yml."
INSTALL_CELL_HINT = (
    "Copy the first code cell of chapters/01_regression_or_classification.ipynb (the install "
    "cell) into this notebook as its first code cell."
)


class BookError(ValueError):
    """BOOK_ROOT, its _config.yml or a configured value is not what the book needs."""


def check_url(url: object, where: str) -> str:
    """Return ``url`` (without a trailing slash) if it is ``https://github.com/OWNER/NAME``."""
    fix = (
        f"Write the address of the book's GitHub repository in {where}, "
        "e.g. https://github.com/your-name/nn-course-companion."
    )
    if not isinstance(url, str):
        raise BookError(f"{where}: expected a repository address {URL_FORM}, got {url!r}. {fix}")
    url = url[:-1] if url.endswith("/") else url
    match = URL.fullmatch(url)
    if match is None or match["name"] in (".", "..") or match["name"].endswith(".git"):
        raise BookError(
            f"{where}: expected a repository address {URL_FORM} (OWNER: letters, digits, '-'; "
            f"NAME: letters, digits, '.', '_', '-', without a '.git' ending), got {url!r}. {fix}"
        )
    return url


def check_branch(branch: object, where: str) -> str:
    """Return ``branch`` if it is a plain git branch name (letters, digits, '.', '_', '-', '/')."""
    fix = f"Write the branch the book is built from in {where}, e.g. main."
    if not isinstance(branch, str) or BRANCH_CHARACTERS.fullmatch(branch) is None:
        raise BookError(
            f"{where}: expected a git branch name of letters, digits, '.', '_', '-' and '/', "
            f"got {branch!r}. {fix}"
        )
    parts = branch.split("/")
    if (
        any(
            part in ("", ".", "..") or part.startswith(".") or part.endswith(".lock")
            for part in parts
        )
        or branch.startswith("-")
        or branch.endswith(".")
        or ".." in branch
    ):
        raise BookError(f"{where}: {branch!r} is not a valid git branch name. {fix}")
    return branch


def read_config(book_root: Path) -> tuple[Path, dict]:
    """Return the path and the parsed content of ``book_root/_config.yml``."""
    if not book_root.exists():
        raise BookError(f"BOOK_ROOT {book_root} does not exist; {BOOK_ROOT_HINT}")
    if not book_root.is_dir():
        raise BookError(f"BOOK_ROOT {book_root} is a file; {BOOK_ROOT_HINT}")
    path = book_root / "_config.yml"
    if not path.is_file():
        raise BookError(
            f"{book_root} has no _config.yml: BOOK_ROOT must be the book's folder (the "
            "repository root)."
        )
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise BookError(f"{path} is not readable YAML ({error}); fix the file.") from None
    if not isinstance(config, dict):
        raise BookError(
            f"{path}: expected a mapping of settings, got {type(config).__name__}; fix the file."
        )
    return path, config


def repository(book_root: Path) -> tuple[str, str]:
    """Return the checked (url, branch) of ``repository:`` in the book's _config.yml."""
    path, config = read_config(book_root)
    section = config.get("repository")
    if not isinstance(section, dict) or "url" not in section:
        raise BookError(f"{path} has no repository: url: entry; add one ({URL_FORM}).")
    url = check_url(section["url"], f"{path} (repository: url:)")
    branch = check_branch(section.get("branch", "main"), f"{path} (repository: branch:)")
    return url, branch


def configure(book_root: Path, url: str | None, branch: str | None) -> bool:
    """Write ``url`` and/or ``branch`` into ``repository:`` of _config.yml; True if it changed.

    Only the value of the ``url:`` and ``branch:`` lines under ``repository:`` changes (a
    missing ``branch:`` line is added after ``url:``); comments and everything else stay.
    """
    path, _ = read_config(book_root)
    values = {}
    if url is not None:
        values["url"] = check_url(url, "--url")
    if branch is not None:
        values["branch"] = check_branch(branch, "--branch")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(
        (i for i, line in enumerate(lines) if re.match(r"repository:\s*(#.*)?$", line)),
        None,
    )
    if start is None:
        raise BookError(
            f"{path} has no top-level 'repository:' section; add one with url: and branch:."
        )
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(r"[^\s#]", lines[i])),
        len(lines),
    )
    for key, value in values.items():
        pattern = re.compile(rf"^(\s+{key}:[ \t]*)([^\s#]*)([ \t]*(#.*)?\r?\n?)$")
        found = [i for i in range(start + 1, end) if pattern.match(lines[i])]
        if len(found) > 1:
            raise BookError(f"{path}: repository: has {len(found)} '{key}:' lines; keep one.")
        if found:
            lines[found[0]] = pattern.sub(lambda m, v=value: f"{m[1]}{v}{m[3]}", lines[found[0]])
        else:
            url_line = next(
                (i for i in range(start + 1, end) if re.match(r"\s+url:", lines[i])),
                None,
            )
            if url_line is None:
                raise BookError(f"{path}: repository: has no url: line; add one ({URL_FORM}).")
            indent = re.match(r"\s+", lines[url_line])[0]
            lines.insert(url_line + 1, f"{indent}{key}: {value}\n")
            end += 1
    text = "".join(lines)
    section = yaml.safe_load(text).get("repository") or {}
    if any(section.get(key) != value for key, value in values.items()):
        raise BookError(
            f"{path}: could not set {values} in its repository: section; edit it by hand."
        )
    if text == path.read_text(encoding="utf-8"):
        return False
    path.write_text(text, encoding="utf-8")
    return True


def notebooks(book_root: Path) -> list[Path]:
    """Return the book's notebooks, sorted."""
    found: list[Path] = []
    for folder in NOTEBOOK_FOLDERS:
        found.extend(sorted((book_root / folder).glob("*.ipynb")))
    return found


def install_lines(url: str, branch: str) -> dict[str, str]:
    """The two lines of the install cell, each value written as a Python string literal."""
    values = {"url": url, "branch": branch}
    return {key: f"{prefix}{json.dumps(values[key])}" for key, prefix in INSTALL_LINES.items()}


def stamp(path: Path, url: str, branch: str, check: bool = False) -> bool:
    """Make the install cell of ``path`` name ``url`` and ``branch``; return True if it changed.

    Raises ValueError when the file is not a notebook or has no install cell. With
    ``check=True`` nothing is written and the return value says whether a change is due.
    """
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(
            f"{path}: not a Jupyter notebook (not JSON: {error}); fix or remove the file."
        ) from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise ValueError(
            f"{path}: not a Jupyter notebook (no list of cells); fix or remove the file."
        )
    cell = next((c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"), None)
    source = (cell or {}).get("source", "")
    lines = source.splitlines(keepends=True) if isinstance(source, str) else list(source)
    wanted = install_lines(url, branch)
    changed = False
    for key, prefix in INSTALL_LINES.items():
        found = [i for i, line in enumerate(lines) if line.startswith(prefix)]
        if len(found) != 1:
            raise ValueError(
                f"{path}: the first code cell is not the install cell (expected one line "
                f"starting {prefix.strip()!r}, found {len(found)}). {INSTALL_CELL_HINT}"
            )
        i = found[0]
        ending = "\n" if lines[i].endswith("\n") else ""
        if lines[i] != wanted[key] + ending:
            lines[i] = wanted[key] + ending
            changed = True
    if changed and not check:
        cell["source"] = lines if isinstance(source, list) else "".join(lines)
        text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "book_root", nargs="?", default=Path(__file__).resolve().parents[1], type=Path
    )
    parser.add_argument("--check", action="store_true", help="report, do not write")
    parser.add_argument("--url", help=f"write this address ({URL_FORM}) into _config.yml first")
    parser.add_argument("--branch", help="write this branch name into _config.yml first")
    args = parser.parse_args(argv)

    try:
        if args.url is not None or args.branch is not None:
            if args.check:
                raise BookError("--check does not write, so it cannot take --url or --branch.")
            if configure(args.book_root, args.url, args.branch):
                print(f"{args.book_root / '_config.yml'}: repository set from --url/--branch")
        url, branch = repository(args.book_root)
    except BookError as error:
        print(f"set_repository_url: error: {error}", file=sys.stderr)
        return 2
    status = 0
    for path in notebooks(args.book_root):
        try:
            changed = stamp(path, url, branch, check=args.check)
        except (ValueError, OSError) as error:
            print(f"set_repository_url: error: {error}", file=sys.stderr)
            status = 1
            continue
        if changed and args.check:
            print(
                f"{path}: install cell names another repository or branch than {url} ({branch})",
                file=sys.stderr,
            )
            status = 1
        elif changed:
            print(f"{path}: install cell now installs branch {branch} of {url}")
    return status


if __name__ == "__main__":
    sys.exit(main())
