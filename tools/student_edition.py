"""Write the student edition: a copy of the project without the exercises' solutions.

No maintained tool does this: nbgrader's ``generate_assignment`` cuts cells marked with
nbgrader's own metadata inside its course directory layout, while this book folds its
solutions in ``<details>`` blocks and ``solution``-tagged cells, and the edition must also
leave out ``nnbook/exercises/solutions.py`` and the tests that import it.

The copy holds every file git tracks (as it is in the working tree, with files git would add
too), except:

- ``nnbook/exercises/solutions.py``, the reference solutions, and the test modules that import
  it (they test those solutions, which the edition does not have); and the test of the book's
  releases (its git tags and its citation's repository are not the edition's);
- in every notebook of chapters/ and appendix/, each folded solution (an HTML
  ``<details>`` block whose ``<summary>`` is "Solution") is cut out of its markdown cell, a
  cell left empty is dropped, and the sentences that point at the folded solutions are
  reworded;
- every cell tagged ``solution`` (a code cell that asserts or claims the answers of "Check
  yourself", hidden or folded in the book) is cut whole;
- a claim (``claim(...)`` of ``nnbook.claims``, a statement of its own in a code cell) whose
  sentence the prose stated only in a cut solution is cut too: the build fails on a claim the
  prose does not state, and its line on the page would show the answer;
- the edition names its own repository: ``--url`` (and ``--branch``, else the branch of the
  book's _config.yml) goes into its _config.yml, the install cell of every notebook (with
  tools/set_repository_url.py's functions) and the README's badges and install line, so
  Colab and Binder in the edition install the edition, never the book's repository with its
  solutions.

The checkers (``nnbook.exercises``) stay, so a student's answer is checked in the edition as
in the book; their source is readable, so they hide nothing from a determined student. The
destination must not exist: this tool makes it, and never deletes or overwrites a file it did
not make; a ``.student-edition.json`` in it records the source commit and what was left out.
Give a new directory to make the edition again (or remove the old one yourself). A
destination inside the source tree is refused unless it is under ``_build/`` (which git
ignores), as the edition would otherwise become part of the next edition.

Usage: python tools/student_edition.py DESTINATION --url https://github.com/OWNER/NAME
       [--branch NAME] [--source ROOT]
Exit status: 0 when the edition was written; 2 when the destination exists or lies inside
the source tree, the address or branch is wrong, the source is not a git checkout, or a
notebook still holds a solution after the cuts.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import set_repository_url as repo_url  # noqa: E402

SOURCE = Path(__file__).resolve().parents[1]
MARKER = ".student-edition.json"
SOLUTIONS = "nnbook/exercises/solutions.py"
# The book's release checks (its tags, CITATION.cff's repository): the edition is no release.
RELEASE_CHECKS = "tests/book/test_release_files.py"
NOTEBOOK_FOLDERS = ("chapters", "appendix")
SOLUTION_TAG = "solution"  # a cell carrying this tag is cut whole
INSIDE_ALLOWED = "_build"  # the one folder of the source tree an edition may be written into
URL_NEEDED = (
    "the student edition needs the address of its own repository: expected --url "
    "https://github.com/OWNER/NAME (the repository the students will open), got {given}. "
    "Without it the edition's Colab and Binder buttons and install cells would install the "
    "book's repository, solutions included. Create an empty repository for the edition and "
    "give its address, e.g. make student-edition "
    "STUDENT_REPOSITORY=https://github.com/your-name/course-student"
)
# A folded solution, from its <details> to the matching </details> (solutions do not nest).
FOLDED = re.compile(
    r"[ \t]*<details>\s*<summary>\s*Solution\s*</summary>.*?</details>[ \t]*\n?",
    re.DOTALL | re.IGNORECASE,
)
# A module that imports the reference solutions, in any of Python's spellings.
IMPORTS_SOLUTIONS = re.compile(
    r"^\s*(from\s+nnbook\.exercises\s+import\s+[^\n]*\bsolutions\b"
    r"|from\s+nnbook\.exercises\s+import\s+\([^)]*\bsolutions\b"
    r"|from\s+nnbook\.exercises\.solutions\s+import"
    r"|import\s+nnbook\.exercises\.solutions)",
    re.MULTILINE,
)
# Sentences of the prose that point at the folded solutions, and what the edition says.
REWORDED = (
    (re.compile(r"\s*A solution is folded under each exercise\."), ""),
    (re.compile(r";\s*a solution is folded under each exercise\."), "."),
    (re.compile(r"the cell after the solution"), "the cell after the check"),
)


# A format field of a claim's template (``{name:.2f}``); ``{{`` and ``}}`` are literal braces.
FIELD = re.compile(r"\{[^{}]*\}")
SHORTEST_SEGMENT = 8  # characters: shorter literal text between fields says too little


class EditionError(RuntimeError):
    """The edition cannot be written as asked."""


def project_files(source: Path) -> list[str]:
    """The files git tracks or would add in ``source`` (relative paths, existing files only)."""
    result = subprocess.run(
        ["git", "-C", str(source), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise EditionError(
            f"{source} is not a git checkout (git ls-files: {result.stderr.strip()}); give "
            "--source the folder of a clone of the book's repository."
        )
    names = sorted(set(filter(None, result.stdout.split("\0"))))
    return [n for n in names if (source / n).is_file() and not (source / n).is_symlink()]


def left_out(source: Path, name: str) -> bool:
    """Whether the file ``name`` stays out of the edition."""
    if name in (SOLUTIONS, RELEASE_CHECKS):
        return True
    if name.startswith("tests/") and name.endswith(".py"):
        return bool(IMPORTS_SOLUTIONS.search((source / name).read_text(encoding="utf-8")))
    return False


def normalise(text: str) -> str:
    """``text`` as the book build compares a claim with the prose: without ``$``, ``*`` and
    backticks, whitespace collapsed (as ``nnbook.claims.normalise``)."""
    return " ".join(re.sub(r"[$*`]", "", text).split())


def claim_text(template: str) -> str:
    """The longest literal part of a claim's template (between its format fields), normalised."""
    literal = template.replace("{{", "\0").replace("}}", "\1")
    parts = [normalise(p.replace("\0", "{").replace("\1", "}")) for p in FIELD.split(literal)]
    return max(parts, key=len)


def claims(source: str) -> list[tuple[ast.stmt | None, str]]:
    """(statement, literal text) of every ``claim("...", ...)`` call in a code cell's source;
    the statement is None when the call is not a statement of its own at the cell's top."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    top = {id(s.value): s for s in tree.body if isinstance(s, ast.Expr)}
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "claim"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((top.get(id(node)), claim_text(node.args[0].value)))
    return found


def cut_claims(cells: list[dict], before: str, after: str) -> int:
    """Cut the claims whose text ``before`` (the prose) stated and ``after`` does not."""
    cut = 0
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = source.splitlines(keepends=True)
        gone = []
        for statement, text in claims(source):
            if len(text) < SHORTEST_SEGMENT or text in after or text not in before:
                continue
            if statement is None:
                raise EditionError(
                    f"the claim {text!r} is stated only in a cut solution, and its call is not "
                    "a statement of its own, so it cannot be cut; make it one."
                )
            gone.append(range(statement.lineno - 1, statement.end_lineno))
        if gone:
            lines = [line for i, line in enumerate(lines) if not any(i in r for r in gone)]
            cell["source"] = "".join(lines).rstrip("\n").splitlines(keepends=True)
            cut += len(gone)
    return cut


def prose(cells: list[dict]) -> str:
    """The text of the markdown cells, normalised, without the ``>`` that starts each line of
    a quote (the rendered page does not show it)."""
    markdown = ("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return normalise(re.sub(r"^[ \t]*>[ \t]?", "", " \n".join(markdown), flags=re.MULTILINE))


def strip_solutions(text: str) -> tuple[str, int, int]:
    """The notebook JSON ``text`` without folded solutions and cells tagged ``solution``; how
    many solutions (folded ones and tagged cells) and how many claims were cut."""
    notebook = json.loads(text)
    before = prose(notebook["cells"])
    cut = 0
    cells = []
    for cell in notebook["cells"]:
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            cut += 1
            continue
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            source, n = FOLDED.subn("", source)
            cut += n
            for pattern, replacement in REWORDED:
                source = pattern.sub(replacement, source)
            source = re.sub(r"\n{3,}", "\n\n", source).strip("\n")
            if not source.strip():
                continue
            cell["source"] = source.splitlines(keepends=True)
        cells.append(cell)
    notebook["cells"] = cells
    claims_cut = cut_claims(cells, before, prose(cells))
    leftover = [
        "".join(c["source"])
        for c in cells
        if re.search(r"<summary>\s*Solution", "".join(c["source"]), re.IGNORECASE)
    ]
    if leftover:
        raise EditionError(
            f"a cell still shows a solution after the cuts (an unclosed <details>?): "
            f"{leftover[0][:200]!r}. Close its <details> block in the notebook."
        )
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    return text, cut, claims_cut


def check_destination(destination: Path, source: Path) -> None:
    """Refuse a ``destination`` inside the ``source`` tree, unless it is under ``_build/``."""
    where, root = destination.resolve(), source.resolve()
    if where != root and root not in where.parents:
        return
    inside = where.relative_to(root).parts
    if inside[:1] == (INSIDE_ALLOWED,) and len(inside) > 1:
        return
    raise EditionError(
        f"expected a destination outside the source tree {root} (or under its "
        f"{INSIDE_ALLOWED}/, which git ignores), got {destination}: a copy there would be "
        f"tracked with the book and copied into the next edition. Give a directory elsewhere, "
        f"e.g. ../course-student or {INSIDE_ALLOWED}/student-edition."
    )


def source_commit(source: Path) -> dict:
    """The commit the edition is made from and whether the working tree differs from it."""
    head = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    status = subprocess.run(
        ["git", "-C", str(source), "status", "--porcelain"], capture_output=True, text=True
    )
    return {
        "commit": head.stdout.strip() if head.returncode == 0 else None,
        "uncommitted_changes": bool(status.stdout.strip()) if status.returncode == 0 else None,
    }


def readme_for(text: str, old: tuple[str, str], new: tuple[str, str]) -> str:
    """``text`` (the README) with the book's repository ``old`` (url, branch) replaced by the
    edition's ``new``: the badges' ``OWNER/NAME/BRANCH`` and ``OWNER/NAME/blob/BRANCH``, the
    archive's ``refs/heads/BRANCH``, the Pages address and every other mention of the
    address."""
    (old_url, old_branch), (new_url, new_branch) = old, new
    old_path = old_url.removeprefix("https://github.com/")
    new_path = new_url.removeprefix("https://github.com/")
    for before, after in (
        (
            f"{old_url}/archive/refs/heads/{old_branch}.zip",
            f"{new_url}/archive/refs/heads/{new_branch}.zip",
        ),
        (f"{old_path}/blob/{old_branch}/", f"{new_path}/blob/{new_branch}/"),
        (f"{old_path}/{old_branch}?", f"{new_path}/{new_branch}?"),
    ):
        text = text.replace(before, after)
    old_owner, old_name = old_path.split("/")
    new_owner, new_name = new_path.split("/")
    text = text.replace(
        f"https://{old_owner}.github.io/{old_name}/", f"https://{new_owner}.github.io/{new_name}/"
    )
    return text.replace(old_url, new_url).replace(old_path, new_path)


def point_at(destination: Path, url: str, branch: str | None, source: Path) -> None:
    """Make the edition at ``destination`` name the repository ``url`` (and ``branch``)."""
    try:
        old_url, old_branch, _ = repo_url.repository(source)
        repo_url.configure(destination, url, branch)
        new_url, new_branch, ref = repo_url.repository(destination)
        for path in repo_url.notebooks(destination):
            repo_url.stamp(path, new_url, ref, book_root=destination)
    except ValueError as error:  # BookError is a ValueError
        raise EditionError(str(error)) from None
    readme = destination / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        readme.write_text(
            readme_for(text, (old_url, old_branch), (new_url, new_branch)), encoding="utf-8"
        )


def write_edition(
    destination: Path, source: Path = SOURCE, url: str | None = None, branch: str | None = None
) -> dict:
    """Write the student edition of ``source`` into the new directory ``destination``.

    ``url`` is the edition's own repository (``https://github.com/OWNER/NAME``), required;
    ``branch`` its branch (default: the book's). Returns the record also written to
    ``destination/.student-edition.json``: the source commit, the edition's repository, the
    files left out and the number of solutions cut from each notebook.
    """
    if not url:
        raise EditionError(URL_NEEDED.format(given="no address" if url is None else repr(url)))
    try:
        url = repo_url.check_url(url, "--url")
        if branch is not None:
            branch = repo_url.check_branch(branch, "--branch")
    except ValueError as error:
        raise EditionError(str(error)) from None
    check_destination(destination, source)
    if destination.exists() or destination.is_symlink():
        made_here = (destination / MARKER).is_file()
        raise EditionError(
            f"{destination} exists"
            + (
                ": a student edition made earlier. Remove it yourself (rm -r) or give a new "
                "directory; this tool does not delete it."
                if made_here
                else ", and this tool did not make it: it writes only into a directory it "
                "creates. Give a directory that does not exist yet."
            )
        )
    files = project_files(source)
    if SOLUTIONS not in files:
        raise EditionError(f"{source} has no {SOLUTIONS}: give --source the book's repository.")
    notebooks: dict[str, str] = {}
    cuts: dict[str, int] = {}
    claims_cut: dict[str, int] = {}
    for name in files:
        if name.split("/")[0] in NOTEBOOK_FOLDERS and name.endswith(".ipynb"):
            try:
                notebooks[name], cuts[name], claims_cut[name] = strip_solutions(
                    (source / name).read_text(encoding="utf-8")
                )
            except EditionError as error:
                raise EditionError(f"{name}: {error}") from None
    record = {
        "source": source_commit(source),
        "repository": {"url": url, "branch": branch},
        "left_out": [name for name in files if left_out(source, name)],
        "solutions_cut": cuts,
        "claims_cut": claims_cut,
    }
    destination.mkdir(parents=True)
    for name in files:
        if name in record["left_out"]:
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name in notebooks:
            target.write_text(notebooks[name], encoding="utf-8")
        else:
            shutil.copy2(source / name, target)
    point_at(destination, url, branch, source)
    if record["repository"]["branch"] is None:
        record["repository"]["branch"] = repo_url.repository(destination)[1]
    (destination / MARKER).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("destination", type=Path, help="a directory that does not exist yet")
    parser.add_argument(
        "--url", help="the edition's own repository, https://github.com/OWNER/NAME (required)"
    )
    parser.add_argument("--branch", help="the edition's branch (default: the book's branch)")
    parser.add_argument("--source", type=Path, default=SOURCE, help="the book's repository")
    args = parser.parse_args(argv)
    try:
        record = write_edition(args.destination, args.source, args.url, args.branch)
    except EditionError as error:
        print(f"student_edition: error: {error}", file=sys.stderr)
        return 2
    total = sum(record["solutions_cut"].values())
    print(
        f"{args.destination}: the student edition of {record['repository']['url']}, "
        f"{total} solutions (folded or tagged {SOLUTION_TAG}) and "
        f"{sum(record['claims_cut'].values())} claims stated only in them cut from "
        f"{len(record['solutions_cut'])} notebooks; left out: {', '.join(record['left_out'])}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
