"""Copy the repository address and ref from _config.yml into every notebook's install cell.

No maintained tool does this: Jupyter Book's launch buttons read the repository from
_config.yml, but nothing rewrites the install cell that Colab runs inside each notebook.

The first code cell of each notebook in chapters/ and appendix/ installs nncore and nnbook
(the distribution nn-executed) from the book's repository when they are missing (Colab),
from the archive ``REPOSITORY_URL/archive/REF.zip``. Its lines ``REPOSITORY_URL = "..."``
and ``REF = "..."`` must name ``repository: url:`` of _config.yml and the ref to install:
``repository: install_ref:`` (a commit, written by ``--ref``) when it is set, else the branch
``refs/heads/BRANCH`` of ``repository: branch:``, the branch the Binder and Colab buttons
open. This script rewrites those two lines where they differ and leaves the rest of the
notebook alone, so running it twice changes nothing.

The address must be ``https://github.com/OWNER/NAME`` with OWNER and NAME as GitHub allows
them (the form the launch buttons and the install cell need) and the branch a name
``git check-ref-format --branch`` accepts (without '#' or '%', which would change the
addresses it goes into); anything else is refused before a file is touched. Values are
written as escaped string literals, so no configured value can put code into the install
cells, and into _config.yml in quotes where YAML would read them as something else
(a branch ``1.0``, ``on`` or ``null`` stays a name).

``--url``, ``--branch`` and ``--ref`` first write new values into _config.yml. The publishing
workflow passes the repository it runs for, the branch ``notebooks`` (which it then pushes
with these notebooks, for the launch buttons to open) and the commit it builds, so that a
fork publishes with no edit and its notebooks install the code the book was built from.
``--url`` or ``--branch`` without ``--ref`` drops a written ``install_ref:``, which names a
commit of the repository as it was configured before.

Usage: python tools/set_repository_url.py [--check] [--url URL] [--branch NAME] [--ref SHA]
       [BOOK_ROOT]
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
URL = re.compile(r"https://github\.com/(?P<owner>[^/]*)/(?P<name>[^/]*)", re.DOTALL)
# GitHub's rules: an account is letters, digits and single hyphens inside, at most 39
# characters; a repository name is letters, digits, '.', '_' and '-', at most 100 characters,
# neither only dots nor ending in '.wiki' (its wiki) or '.git' (the address to clone).
OWNER = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9])*")
OWNER_MAX, NAME_MAX = 39, 100
NAME = re.compile(r"[A-Za-z0-9._-]+")
URL_RULES = (
    "OWNER: letters, digits and single '-' inside, at most 39; NAME: letters, digits, '.', "
    "'_', '-', at most 100, not only dots, not ending in '.git' or '.wiki'"
)
# What `git check-ref-format --branch` refuses anywhere in a name (refs.c): control
# characters, DEL, space and ~ ^ : ? * [ \ .
GIT_REFUSED = frozenset(map(chr, range(0x20))) | frozenset(" ~^:?*[\\\x7f")
# git allows these in a branch name, but the install cell's archive address and the launch
# buttons' links put the name into a URL as it is, where '#' starts a fragment and '%' an
# escape: that address would name another file.
URL_BREAKING = {"#": "starts the address's fragment", "%": "starts an escape in the address"}
# A double- or single-quoted YAML value on one line.
QUOTED = r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\''
INSTALL_LINES = {"url": "REPOSITORY_URL = ", "ref": "REF = "}
# A full commit id, as GITHUB_SHA gives it (SHA-1, or SHA-256 in a repository that uses it).
COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
BOOK_ROOT_HINT = "give the folder that holds the book's _config.yml."
INSTALL_CELL_HINT = (
    "Copy the first code cell of chapters/01_regression_or_classification.ipynb (the install "
    "cell) into this notebook as its first code cell."
)


class BookError(ValueError):
    """BOOK_ROOT, its _config.yml or a configured value is not what the book needs."""


def url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as ``https://github.com/OWNER/NAME``, or None if nothing."""
    match = URL.fullmatch(url)
    if match is None:
        return "it is not of that form"
    owner, name = match["owner"], match["name"]
    if len(owner) > OWNER_MAX or OWNER.fullmatch(owner) is None:
        return f"the account {owner!r} is not a GitHub account name"
    if len(name) > NAME_MAX or NAME.fullmatch(name) is None or not name.strip("."):
        return f"the name {name!r} is not a GitHub repository name"
    if name.endswith((".git", ".wiki")):
        return f"the name {name!r} ends in {name[name.rindex('.') :]!r}"
    return None


def check_url(url: object, where: str) -> str:
    """Return ``url`` (without a trailing slash) if it is ``https://github.com/OWNER/NAME``."""
    fix = (
        f"Write the address of the book's GitHub repository in {where}, "
        "e.g. https://github.com/your-name/nn-course-companion."
    )
    if not isinstance(url, str):
        raise BookError(f"{where}: expected a repository address {URL_FORM}, got {url!r}. {fix}")
    url = url[:-1] if url.endswith("/") else url
    problem = url_problem(url)
    if problem is not None:
        raise BookError(
            f"{where}: expected a repository address {URL_FORM} ({URL_RULES}), got {url!r}: "
            f"{problem}. {fix}"
        )
    return url


def git_branch_problem(name: str) -> str | None:
    """Why ``git check-ref-format --branch NAME`` refuses ``name``, or None if it accepts it.

    git's rules for a branch name (``refs/heads/NAME`` must be a valid ref): not ``HEAD``,
    not starting with '-'; no control character, space, ``~ ^ : ? * [ \\``, ``..`` or
    ``@{``; no part (between slashes) that is empty or starts with '.' or ends in ``.lock``;
    not ending in '.'. Any other character, non-ASCII letters included, is allowed.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "it is not valid text"
    if name == "":
        return "it is empty"
    if name == "HEAD":
        return "HEAD names the current commit, not a branch"
    if name.startswith("-"):
        return "it starts with '-'"
    refused = sorted(set(name) & GIT_REFUSED, key=name.index)
    if refused:
        return (
            f"it contains {', '.join(map(repr, refused))} (git refuses control characters, "
            "spaces and ~ ^ : ? * [ \\)"
        )
    for sequence in ("..", "@{"):
        if sequence in name:
            return f"it contains {sequence!r}"
    for part in name.split("/"):
        if part == "":
            return "it starts or ends with '/' or has '//'"
        if part.startswith("."):
            return f"its part {part!r} starts with '.'"
        if part.endswith(".lock"):
            return f"its part {part!r} ends in '.lock'"
    if name.endswith("."):
        return "it ends with '.'"
    return None


YAML_KINDS = {bool: "bool", int: "int", float: "float", type(None): "null"}


def check_branch(branch: object, where: str) -> str:
    """Return ``branch`` if git accepts it as a branch name and it can go into an address."""
    fix = f"Write the branch the book is built from in {where}, e.g. main."
    if type(branch) in YAML_KINDS:
        raise BookError(
            f"{where}: expected a git branch name, got {branch!r}: YAML reads it as "
            f"{YAML_KINDS[type(branch)]}, not as a name. Write the branch name in quotes "
            f'(branch: "1.0"), or set it with --branch NAME, which quotes it where needed.'
        )
    if not isinstance(branch, str):
        raise BookError(f"{where}: expected a git branch name, got {branch!r}. {fix}")
    problem = git_branch_problem(branch)
    if problem is not None:
        raise BookError(
            f"{where}: expected a git branch name (one `git check-ref-format --branch` "
            f"accepts), got {branch!r}: {problem}. {fix}"
        )
    for character, effect in URL_BREAKING.items():
        if character in branch:
            raise BookError(
                f"{where}: the branch name {branch!r} has {character!r}, which "
                f"{effect}: the install cell's archive address and the launch buttons would "
                f"open another file. Rename the branch (git branch -m) to one without "
                f"{' or '.join(map(repr, URL_BREAKING))} and build from it."
            )
    return branch


def check_ref(ref: object, where: str) -> str:
    """Return ``ref`` if it is a full commit id (40 or 64 lowercase hexadecimal digits)."""
    if not isinstance(ref, str) or COMMIT.fullmatch(ref) is None:
        raise BookError(
            f"{where}: expected a full commit id (40 lowercase hexadecimal digits, as "
            f"`git rev-parse HEAD` prints it), got {ref!r}. Give the commit the book is built "
            f"from, or leave it out to install the branch."
        )
    return ref


def yaml_text(value: str) -> str:
    """``value`` as YAML that reads back as that same string: plain if it can be, else quoted.

    A plain value must be printable (no line separator Python or YAML would split at) and
    read back unchanged (``1.0``, ``on``, ``null``, ``&a`` do not); anything else is written
    in double quotes, with '"', '\\' and every character that is not printable escaped.
    """
    plain = value.isprintable() and not set(value) & set("#'\"\\ ")
    if plain:
        try:
            plain = yaml.safe_load(f"key: {value}\n") == {"key": value}
        except yaml.YAMLError:
            plain = False
    if plain:
        return value
    escaped = (
        f"\\{c}" if c in '"\\' else c if c.isprintable() else f"\\U{ord(c):08x}" for c in value
    )
    return '"' + "".join(escaped) + '"'


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


def repository(book_root: Path) -> tuple[str, str, str]:
    """Return the checked (url, branch, ref) of ``repository:`` in the book's _config.yml.

    ``ref`` is what the install cell installs: ``install_ref:`` if set, else
    ``refs/heads/BRANCH``.
    """
    path, config = read_config(book_root)
    section = config.get("repository")
    if not isinstance(section, dict) or "url" not in section:
        raise BookError(f"{path} has no repository: url: entry; add one ({URL_FORM}).")
    url = check_url(section["url"], f"{path} (repository: url:)")
    branch = check_branch(section.get("branch", "main"), f"{path} (repository: branch:)")
    if section.get("install_ref") is None:
        return url, branch, f"refs/heads/{branch}"
    ref = check_ref(section["install_ref"], f"{path} (repository: install_ref:)")
    return url, branch, ref


def configure(book_root: Path, url: str | None, branch: str | None, ref: str | None = None) -> bool:
    """Write ``url``, ``branch`` and/or ``ref`` into ``repository:`` of _config.yml.

    Only the value of the ``url:``, ``branch:`` and ``install_ref:`` lines under
    ``repository:`` changes (a missing line is added after ``url:``); comments and everything
    else stay. ``url`` or ``branch`` without ``ref`` removes an ``install_ref:`` line. Returns
    True if the file changed.
    """
    path, _ = read_config(book_root)
    elsewhere = outside_link(book_root, path)
    if elsewhere is not None:
        raise BookError(
            f"{path} is a link to {elsewhere}, outside the book; --url/--branch would change "
            f"that file. Copy it into the book in place of the link, or edit it by hand."
        )
    values = {}
    if url is not None:
        values["url"] = check_url(url, "--url")
    if branch is not None:
        values["branch"] = check_branch(branch, "--branch")
    if ref is not None:
        values["install_ref"] = check_ref(ref, "--ref")
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
        pattern = re.compile(rf"^(\s+{key}:[ \t]*)({QUOTED}|[^\s#]*)([ \t]*(#.*)?\r?\n?)$")
        found = [i for i in range(start + 1, end) if pattern.match(lines[i])]
        if len(found) > 1:
            raise BookError(f"{path}: repository: has {len(found)} '{key}:' lines; keep one.")
        if found:
            text = yaml_text(value)
            lines[found[0]] = pattern.sub(lambda m, t=text: f"{m[1]}{t}{m[3]}", lines[found[0]])
        else:
            url_line = next(
                (i for i in range(start + 1, end) if re.match(r"\s+url:", lines[i])),
                None,
            )
            if url_line is None:
                raise BookError(f"{path}: repository: has no url: line; add one ({URL_FORM}).")
            indent = re.match(r"\s+", lines[url_line])[0]
            lines.insert(url_line + 1, f"{indent}{key}: {yaml_text(value)}\n")
            end += 1
    if ref is None and values:
        stale = re.compile(r"^\s+install_ref:")
        lines = [
            line for i, line in enumerate(lines) if not (start < i < end and stale.match(line))
        ]
    text = "".join(lines)
    section = yaml.safe_load(text).get("repository") or {}
    if ref is None and values and "install_ref" in section:
        raise BookError(f"{path}: could not remove install_ref: from repository:; edit it by hand.")
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


def python_text(value: str) -> str:
    """``value`` as a double-quoted Python string literal of ASCII characters.

    Printable ASCII stays as it is (but '"' and '\\'); every other character is written as
    ``\\uXXXX`` or, beyond the Basic Multilingual Plane, ``\\UXXXXXXXX`` (one escape per
    character, so Python reads back exactly ``value``, astral characters included).
    """
    escaped = (
        f"\\{c}"
        if c in '"\\'
        else c
        if " " <= c <= "~"
        else f"\\u{ord(c):04x}"
        if ord(c) <= 0xFFFF
        else f"\\U{ord(c):08x}"
        for c in value
    )
    return '"' + "".join(escaped) + '"'


def install_lines(url: str, ref: str) -> dict[str, str]:
    """The two lines of the install cell, each value written as a Python string literal."""
    values = {"url": url, "ref": ref}
    return {key: f"{prefix}{python_text(values[key])}" for key, prefix in INSTALL_LINES.items()}


def outside_link(book_root: Path, path: Path) -> Path | None:
    """The file a link ``path`` leads to, if it lies outside ``book_root``; else None."""
    target = path.resolve()
    if path.is_symlink() and book_root.resolve() not in target.parents:
        return target
    return None


def stamp(
    path: Path, url: str, ref: str, check: bool = False, book_root: Path | None = None
) -> bool:
    """Make the install cell of ``path`` name ``url`` and ``ref``; return True if it changed.

    Raises ValueError when the file is not a notebook or has no install cell, or (given
    ``book_root``) is a link to a file outside the book, which is not written. With
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
    wanted = install_lines(url, ref)
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
        elsewhere = None if book_root is None else outside_link(book_root, path)
        if elsewhere is not None:
            raise ValueError(
                f"{path} is a link to {elsewhere}, outside the book, so its install cell is "
                f"not rewritten. Copy the notebook into the book in place of the link."
            )
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
    parser.add_argument(
        "--ref", help="write this commit (a full id) into _config.yml first, to be installed"
    )
    args = parser.parse_args(argv)

    try:
        if args.url is not None or args.branch is not None or args.ref is not None:
            if args.check:
                raise BookError(
                    "--check does not write, so it cannot take --url, --branch or --ref."
                )
            if configure(args.book_root, args.url, args.branch, args.ref):
                print(f"{args.book_root / '_config.yml'}: repository set from the options")
        url, _, ref = repository(args.book_root)
    except BookError as error:
        print(f"set_repository_url: error: {error}", file=sys.stderr)
        return 2
    status = 0
    for path in notebooks(args.book_root):
        try:
            changed = stamp(path, url, ref, check=args.check, book_root=args.book_root)
        except (ValueError, OSError) as error:
            print(f"set_repository_url: error: {error}", file=sys.stderr)
            status = 1
            continue
        if changed and args.check:
            print(
                f"{path}: install cell names another repository or ref than {url} ({ref})",
                file=sys.stderr,
            )
            status = 1
        elif changed:
            print(f"{path}: install cell now installs {ref} of {url}")
    return status


if __name__ == "__main__":
    sys.exit(main())
