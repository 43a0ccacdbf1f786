"""tools/student_edition.py: a copy of the project without solutions, whose checkers still run.

The edition is written once per module into a temporary directory, as `make student-edition`
writes it, for the repository ``EDITION_URL``. The solutions' lines are taken from the
reference solutions module, from the folded solutions of this repository's notebooks and from
their cells tagged ``solution``; none may remain in any notebook of the edition. A checker is
then run inside the edition (its own nncore and nnbook, not this repository's) on a wrong and
on a right answer.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from repo_root import REPO_ROOT

TOOL = REPO_ROOT / "tools" / "student_edition.py"
SOLUTIONS = REPO_ROOT / "nnbook" / "exercises" / "solutions.py"
FOLDED = re.compile(r"<details>\s*<summary>Solution</summary>(.*?)</details>", re.DOTALL)
EDITION_URL, EDITION_BRANCH = "https://github.com/a-teacher/course-student", "term-1"


def run_tool(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    destination = tmp_path_factory.mktemp("edition") / "student-edition"
    result = run_tool(destination, "--url", EDITION_URL, "--branch", EDITION_BRANCH)
    assert result.returncode == 0, result.stderr
    return destination


def tagged_solution(cell: dict) -> bool:
    return "solution" in cell.get("metadata", {}).get("tags", [])


def distinctive_solution_lines() -> set[str]:
    """Lines (longer than 12 characters) of the notebooks' folded solutions and cells tagged
    ``solution`` that appear nowhere else in the notebooks."""
    hidden, elsewhere = set(), set()
    for path in sorted((REPO_ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"])
            if tagged_solution(cell):
                hidden |= {line.strip() for line in text.splitlines()}
                continue
            for block in FOLDED.findall(text):
                hidden |= {line.strip() for line in block.splitlines()}
            elsewhere |= {line.strip() for line in FOLDED.sub("", text).splitlines()}
    return {line for line in hidden - elsewhere if len(line) > 12}


def test_the_answer_cells_are_tagged_solution():
    """A control for the test below: the cells that assert the answers of "Check yourself"
    are tagged, so their lines are among those looked for."""
    lines = distinctive_solution_lines()
    assert "assert nc.count_parameters(nc.mlp([10, 8, 4, 3], rng=rng)) == 139" in lines
    assert any("[0.0670, 0.670, 10.35]" in line for line in lines)  # chapter 5's answers
    assert "ex_grad = float(ex_leaky.backward(np.array([2.0]))[0] * 3.0)  # * x_i" in lines


def test_no_answer_of_a_tagged_cell_or_folded_solution_survives(edition):
    lines = distinctive_solution_lines()
    found = []
    for path in sorted(edition.rglob("*.ipynb")):
        present = {line.strip() for line in notebook_text(path).splitlines()} & lines
        found += [f"{path.relative_to(edition)}: {line}" for line in sorted(present)]
    assert not found, "\n".join(found)


def test_the_edition_names_its_own_repository(edition):
    """Colab and Binder in the edition open and install the edition, not the book's
    repository (whose archive holds the solutions)."""
    config = (edition / "_config.yml").read_text(encoding="utf-8")
    assert f"url: {EDITION_URL}\n" in config and f"branch: {EDITION_BRANCH}\n" in config
    original = (REPO_ROOT / "_config.yml").read_text(encoding="utf-8")
    book_url = re.search(r"^  url: (\S+)$", original, re.MULTILINE)[1]
    for path in sorted(edition.rglob("*.ipynb")):
        code = next(
            "".join(c["source"])
            for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        )
        assert f'REPOSITORY_URL = "{EDITION_URL}"' in code, path.name
        assert f'REF = "refs/heads/{EDITION_BRANCH}"' in code, path.name
        assert book_url not in notebook_text(path), path.name
    readme = (edition / "README.md").read_text(encoding="utf-8")
    book_path = book_url.removeprefix("https://github.com/")
    assert book_path in (REPO_ROOT / "README.md").read_text(encoding="utf-8")  # a control
    assert book_path not in readme
    assert (
        f"colab.research.google.com/github/a-teacher/course-student/blob/{EDITION_BRANCH}/"
        in readme
    )
    assert f"mybinder.org/v2/gh/a-teacher/course-student/{EDITION_BRANCH}?" in readme


def test_the_record_names_the_source_commit_not_the_instructors_folder(edition):
    text = (edition / ".student-edition.json").read_text(encoding="utf-8")
    head = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    record = json.loads(text)
    assert record["source"]["commit"] == head
    assert record["repository"] == {"url": EDITION_URL, "branch": EDITION_BRANCH}
    assert str(REPO_ROOT) not in text and str(Path.home()) not in text


@pytest.mark.parametrize("given", [None, ""])
def test_an_edition_without_its_own_repository_is_refused(tmp_path, given):
    args = [tmp_path / "edition"] + ([] if given is None else ["--url", given])
    result = run_tool(*args)
    assert result.returncode == 2
    assert "expected --url https://github.com/OWNER/NAME" in result.stderr
    assert ("got no address" if given is None else "got ''") in result.stderr
    assert "make student-edition STUDENT_REPOSITORY=" in result.stderr
    assert not (tmp_path / "edition").exists()


def test_a_wrong_address_is_refused_before_anything_is_written(tmp_path):
    result = run_tool(tmp_path / "edition", "--url", "https://gitlab.com/me/course")
    assert result.returncode == 2 and "--url: expected a repository address" in result.stderr
    assert not (tmp_path / "edition").exists()


@pytest.mark.parametrize("inside", ["chapters/x", ".", "_build", "nncore/../x"])
def test_a_destination_inside_the_source_tree_is_refused(inside):
    destination = REPO_ROOT / inside
    existed = destination.exists()
    result = run_tool(destination, "--url", EDITION_URL)
    assert result.returncode == 2, result.stdout
    assert "expected a destination outside the source tree" in result.stderr
    assert "_build/student-edition" in result.stderr
    assert destination.exists() == existed


def test_a_destination_under_build_is_allowed():
    tool = load_tool()
    tool.check_destination(REPO_ROOT / "_build" / "student-edition", REPO_ROOT)
    tool.check_destination(Path("/") / "elsewhere" / "course-student", REPO_ROOT)
    with pytest.raises(tool.EditionError, match="outside the source tree"):
        tool.check_destination(REPO_ROOT / "_build", REPO_ROOT)


def notebook_markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def notebook_text(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells)


def solution_lines() -> set[str]:
    """Code lines of the reference solutions that the book shows only in folded solutions.

    A line of solutions.py counts when it appears in a folded solution of a notebook and
    nowhere else in the notebooks (so a stub's ``def`` line and docstring, which the student
    keeps, do not count).
    """
    reference = {line.strip() for line in SOLUTIONS.read_text(encoding="utf-8").splitlines()}
    folded, elsewhere = set(), set()
    for path in sorted((REPO_ROOT / "chapters").glob("*.ipynb")):
        text = notebook_text(path)
        for block in FOLDED.findall(text):
            folded |= {line.strip() for line in block.splitlines()}
        elsewhere |= {line.strip() for line in FOLDED.sub("", text).splitlines()}
    return {line for line in (reference & folded) - elsewhere if len(line) > 12}


def test_the_solutions_have_code_lines_to_look_for():
    """A control: the search below finds these lines in this repository's notebooks."""
    lines = solution_lines()
    assert len(lines) >= 20, sorted(lines)
    assert "return grad_output * (z > 0)" in lines  # relu_backward's body


def test_no_solution_survives_in_the_editions_notebooks(edition):
    lines = solution_lines()
    found = []
    for path in sorted(edition.rglob("*.ipynb")):
        present = {line.strip() for line in notebook_text(path).splitlines()} & lines
        found += [f"{path.relative_to(edition)}: {line}" for line in sorted(present)]
    assert not found, "\n".join(found)
    for path in sorted((edition / "chapters").glob("*.ipynb")):
        assert "<summary>Solution" not in notebook_markdown(path), path.name
        assert "solution is folded" not in notebook_markdown(path), path.name


def test_every_other_file_is_the_projects_own_and_solutions_py_is_left_out(edition):
    """Outside the notebooks nothing is written but copies (nncore's own code has lines like
    a solution's, e.g. its ReLU, and stays); the reference solutions are not copied."""
    assert not (edition / "nnbook" / "exercises" / "solutions.py").exists()
    record = json.loads((edition / ".student-edition.json").read_text(encoding="utf-8"))
    assert "nnbook/exercises/solutions.py" in record["left_out"]
    rewritten = {".student-edition.json", "_config.yml", "README.md"}  # the repository named
    for path in edition.rglob("*"):
        name = path.relative_to(edition).as_posix()
        if path.is_file() and path.suffix != ".ipynb" and name not in rewritten:
            assert path.read_bytes() == (REPO_ROOT / name).read_bytes(), name
    assert "tests/book/test_release_files.py" in record["left_out"]  # the book's tags
    left_tests = [n for n in record["left_out"] if n.startswith("tests/") and "release" not in n]
    for name in left_tests:
        assert "solutions" in (REPO_ROOT / name).read_text(encoding="utf-8"), name


def test_the_edition_keeps_the_chapters_stubs_and_checks(edition):
    """Every code cell not tagged solution is kept, in order; a cell loses at most whole lines
    (a cut claim, or the install cell's two lines naming the repository)."""
    for original in sorted((REPO_ROOT / "chapters").glob("*.ipynb")):
        copy = edition / "chapters" / original.name
        code = [
            [
                "".join(c["source"]).splitlines()
                for c in json.loads(p.read_text(encoding="utf-8"))["cells"]
                if c["cell_type"] == "code" and not tagged_solution(c)
            ]
            for p in (original, copy)
        ]
        code = [
            cells[1:] for cells in code
        ]  # the install cell: test_the_edition_names_its_own_repository
        assert len(code[0]) == len(code[1]), original.name
        for before, after in zip(*code, strict=True):
            remaining = iter(before)
            assert all(line in remaining for line in after), (original.name, after[:3])
        assert "raise NotImplementedError" in notebook_text(copy), original.name


def run_in_edition(edition: Path, code: str) -> subprocess.CompletedProcess:
    """Run ``code`` with the edition's own packages first on the path."""
    env = {**os.environ, "PYTHONPATH": str(edition), "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=edition,
        env=env,
        capture_output=True,
        text=True,
    )


CHECK_RELU = """
    import numpy as np
    import nnbook
    from nnbook.exercises import check_relu

    assert nnbook.__file__.startswith({edition!r}), nnbook.__file__

    def relu_forward(z):
        return z * (z > 0)

    def relu_backward(grad_output, z):
        return np.where(z {comparison} 0, grad_output, 0.0)

    result = check_relu(relu_forward, relu_backward, verbose=False)
    print("passed" if result.passed else "failed", len(result.failures))
"""


def test_a_checker_runs_on_a_students_answers_in_the_edition(edition):
    right = run_in_edition(edition, CHECK_RELU.format(edition=str(edition), comparison=">"))
    wrong = run_in_edition(edition, CHECK_RELU.format(edition=str(edition), comparison=">="))

    assert right.returncode == 0, right.stderr
    assert right.stdout.split() == ["passed", "0"]
    assert wrong.returncode == 0, wrong.stderr
    verdict, failures = wrong.stdout.split()
    assert verdict == "failed" and int(failures) > 0


def test_the_solutions_module_is_gone_from_the_edition(edition):
    result = run_in_edition(edition, "import nnbook.exercises.solutions")
    assert result.returncode == 1 and "ModuleNotFoundError" in result.stderr


def test_an_existing_directory_is_refused_and_left_alone(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes\n", encoding="utf-8")

    result = run_tool(mine, "--url", EDITION_URL)

    assert result.returncode == 2
    assert "exists, and this tool did not make it" in result.stderr
    assert "Give a directory that does not exist yet" in result.stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "my notes\n"


def test_an_earlier_edition_is_named_and_not_deleted(edition):
    before = sorted(p.relative_to(edition) for p in edition.rglob("*"))

    result = run_tool(edition, "--url", EDITION_URL)

    assert result.returncode == 2 and "a student edition made earlier" in result.stderr
    assert sorted(p.relative_to(edition) for p in edition.rglob("*")) == before


def test_a_source_that_is_not_a_git_checkout_is_named(tmp_path):
    (tmp_path / "source").mkdir()
    result = run_tool(tmp_path / "edition", "--source", tmp_path / "source", "--url", EDITION_URL)
    assert result.returncode == 2 and "is not a git checkout" in result.stderr
    assert not (tmp_path / "edition").exists()


def test_an_unclosed_solution_is_named():
    student_edition = load_tool()
    cell = {"cell_type": "markdown", "metadata": {}, "source": ["<details>\n<summary>Solution"]}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    with pytest.raises(student_edition.EditionError, match="still shows a solution"):
        student_edition.strip_solutions(json.dumps(notebook))


def load_tool():
    sys.path.insert(0, str(TOOL.parent))
    try:
        import student_edition
    finally:
        sys.path.remove(str(TOOL.parent))
    return student_edition


def test_every_claim_of_the_edition_is_stated_by_its_prose(edition):
    """The build fails on a claim the prose does not state: a claim whose sentence was only in
    a cut solution is cut with it (its line would show the answer, too)."""
    tool = load_tool()
    unstated = []
    for path in sorted((edition / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        prose = tool.prose(cells)
        for cell in cells:
            if cell["cell_type"] == "code":
                for _, text in tool.claims("".join(cell["source"])):
                    if len(text) >= tool.SHORTEST_SEGMENT and text not in prose:
                        unstated.append(f"{path.name}: {text}")
    assert not unstated, "\n".join(unstated)


@pytest.mark.parametrize(
    "chapter, sentence",
    [
        ("03_dead_relu.ipynb", 'claim("With $b = 0.2$: $z = $'),
        ("01_regression_or_classification.ipynb", '"The difference is $9(m + 1)$'),
    ],
)
def test_a_claim_stated_only_in_a_solution_is_cut_and_its_cell_kept(edition, chapter, sentence):
    original = notebook_text(REPO_ROOT / "chapters" / chapter)
    copy = notebook_text(edition / "chapters" / chapter)
    assert sentence in original  # a control: the book checks that answer
    assert sentence not in copy
    cells = json.loads((REPO_ROOT / "chapters" / chapter).read_text(encoding="utf-8"))["cells"]
    kept = "\n".join("".join(c["source"]) for c in cells if not tagged_solution(c))
    first_line = [c for c in kept.split("\n") if "# @title" in c]
    assert [c for c in copy.split("\n") if "# @title" in c] == first_line  # no other cell dropped
