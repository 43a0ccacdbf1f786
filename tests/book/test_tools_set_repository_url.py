"""tools/set_repository_url.py: the install cells follow _config.yml, and no value can inject code.

Each test builds a throwaway book (a _config.yml and one notebook whose first code cell is
the real install cell) and runs the script on it as `make book` does.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from repo_root import REPO_ROOT

SCRIPT = REPO_ROOT / "tools" / "set_repository_url.py"
FIRST_NOTEBOOK = REPO_ROOT / "chapters" / "01_regression_or_classification.ipynb"
FORK = "https://github.com/another-org/a-fork"


def install_cell() -> str:
    notebook = nbformat.read(FIRST_NOTEBOOK, as_version=4)
    return next(c.source for c in notebook.cells if c.cell_type == "code")


def write_notebook(path: Path, *sources: str) -> None:
    cells = [nbformat.v4.new_markdown_cell("# A chapter")]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A book whose _config.yml names FORK and branch main; its notebook names example-org."""
    root = tmp_path / "book"
    root.mkdir()
    write_config(root, {"url": FORK, "branch": "main"})
    write_notebook(root / "chapters" / "one.ipynb", install_cell(), "print('chapter code')")
    return root


def write_config(root: Path, repository: dict) -> None:
    config = {"title": "A book", "repository": repository}
    (root / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def load_tool():
    spec = importlib.util.spec_from_file_location("set_repository_url", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()


def run(*args: str) -> subprocess.CompletedProcess:
    """Run the script's main() in this process (an uncaught exception fails the test)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = TOOL.main([str(a) for a in args])
    return subprocess.CompletedProcess(args, status, out.getvalue(), err.getvalue())


def run_command(*args: str) -> subprocess.CompletedProcess:
    """Run the script as `make book` does, in its own Python."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True
    )


def install_values(notebook: Path) -> tuple[str, str]:
    """(REPOSITORY_URL, REF) as Python reads them from the notebook's first code cell."""
    source = next(
        c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"
    )
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and node.targets[0].id in ("REPOSITORY_URL", "REF"):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    return values["REPOSITORY_URL"], values["REF"]


def installs(notebook: Path) -> tuple[str, str]:
    """(REPOSITORY_URL, branch) of a notebook whose install cell installs a branch."""
    url, ref = install_values(notebook)
    assert ref.startswith("refs/heads/"), f"installs {ref}, not a branch"
    return url, ref.removeprefix("refs/heads/")


def assert_error(result: subprocess.CompletedProcess, status: int, *words: str) -> None:
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "set_repository_url: error:" in result.stderr and "Traceback" not in result.stderr, (
        result.stderr
    )
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def test_stamping_rewrites_only_the_two_lines_and_is_idempotent(book):
    notebook = book / "chapters" / "one.ipynb"
    write_config(book, {"url": FORK, "branch": "feature/colab"})
    before = notebook.read_text(encoding="utf-8")

    assert run("--check", book).returncode == 1
    first = run(book)

    assert first.returncode == 0, first.stderr
    assert installs(notebook) == (FORK, "feature/colab")
    after = notebook.read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 2 and len(before.splitlines()) == len(after.splitlines()), changed
    second = run(book)
    assert second.returncode == 0 and second.stdout == "" and second.stderr == ""
    assert notebook.read_text(encoding="utf-8") == after
    assert run("--check", book).returncode == 0


def test_a_trailing_slash_in_the_address_is_dropped(book):
    write_config(book, {"url": FORK + "/", "branch": "main"})
    assert run(book).returncode == 0
    assert installs(book / "chapters" / "one.ipynb") == (FORK, "main")


HOSTILE_URLS = [
    'https://github.com/a/b"\nimport os; os.system("echo owned")\n#',
    'https://github.com/a/b" + __import__("os").getcwd() + "',
    "https://github.com/a/b\\",
    "https://github.com/a/b\nprint('owned')",
    "https://github.com/ä/b",
    "https://github.com/a/b’",
    "http://github.com/a/b",
    "https://gitlab.com/a/b",
    "https://github.com/a",
    "https://github.com/a/b/tree/main",
    "https://github.com/a/b?tab=readme",
    "https://github.com/-a/b",
    "https://github.com/a/b.git",
    "https://github.com/a/..",
    "https://github.com/a/.",
    "https://github.com/a/...",
    "https://github.com/a-/b",
    "https://github.com/a--b/c",
    "https://github.com/" + "o" * 40 + "/b",
    "https://github.com/a/" + "n" * 101,
    "https://github.com/a/b.wiki",
    "https://github.com/a_b/c",
    "https://github.com/a.b/c",
    "",
    42,
    None,
    ["https://github.com/a/b"],
]


@pytest.mark.parametrize("url", HOSTILE_URLS, ids=repr)
def test_an_address_that_is_not_a_github_repository_is_refused(book, url):
    write_config(book, {"url": url, "branch": "main"})
    notebook = book / "chapters" / "one.ipynb"
    before = notebook.read_bytes()

    result = run(book)

    assert_error(
        result, 2, "repository: url:", "https://github.com/OWNER/NAME", repr(url).strip("'\"")
    )
    assert notebook.read_bytes() == before


HOSTILE_BRANCHES = [
    'main"\nimport os\n#',
    "main\\",
    "main\n",
    "a b",
    "..",
    "a..b",
    "-f",
    "a//b",
    "/main",
    "main/",
    "main.",
    ".hidden",
    "x.lock",
    "",
    3,
    None,
]


@pytest.mark.parametrize("branch", HOSTILE_BRANCHES, ids=repr)
def test_a_branch_that_is_not_a_git_branch_name_is_refused(book, branch):
    write_config(book, {"url": FORK, "branch": branch})
    notebook = book / "chapters" / "one.ipynb"
    before = notebook.read_bytes()

    result = run(book)

    assert_error(result, 2, "repository: branch:", "branch name")
    assert notebook.read_bytes() == before


# Names with what git's rules allow and refuse: `git check-ref-format --branch` judges each.
BRANCH_TABLE = [
    "main", "feature/colab", "1.0", "2024", "on", "no", "null", "true", "0x1F", "1e3", "a+b",
    "ä", "ünï/cödé", "文字", "x/HEAD", "head", "HEAD/x", "@", "a@b", "@a", "a{b}", "b.lock.x",
    "&a", "!a", "'a", 'a"b', "a,b", "a]b", "a<b>", "a|b", "a$b", "a`b", "a=b", "a;b", "a\u00a0b",
    "a\u2028b", "HEAD", "-a", "-", "a b", "a..b", "a~1", "a^", "a:b", "a?", "a*", "a[0]",
    "a\\b", "a//b", "/a", "a/", "a.", ".a", "a/.b", "a.lock", "a/b.lock", "a.lock/b", "a@{b",
    "@{-1}", "", "a\tb", "a\x7fb", "a\x01b", "main\n", ".", "..", "a/..",
]  # fmt: skip


def git_accepts(name: str, cwd: Path) -> bool:
    result = subprocess.run(
        ["git", "check-ref-format", "--branch", name],
        cwd=cwd,
        capture_output=True,
        env={**os.environ, "GIT_CEILING_DIRECTORIES": str(cwd.parent)},
    )
    return result.returncode == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_branch_name_is_accepted_exactly_when_git_accepts_it(tmp_path):
    outside = tmp_path / "not-a-repository"
    outside.mkdir()
    verdicts = {name: git_accepts(name, outside) for name in BRANCH_TABLE}
    assert 20 < sum(verdicts.values()) < len(BRANCH_TABLE) - 20  # the table has both kinds

    for name, accepted in verdicts.items():
        if accepted:
            assert TOOL.check_branch(name, "--branch") == name
        else:
            with pytest.raises(TOOL.BookError, match="--branch: expected a git branch name"):
                TOOL.check_branch(name, "--branch")


@pytest.mark.parametrize("branch", ["a#b", "50%", "a%20b"])
def test_a_branch_name_that_would_break_the_install_address_is_refused(book, branch):
    """git allows '#' and '%', but the archive address and the launch links would change."""
    result = run("--branch", branch, book)
    assert_error(result, 2, f"--branch: the branch name {branch!r}", "address", "git branch -m")


@pytest.mark.parametrize(
    "branch", ["1.0", "2024", "on", "no", "null", "true", "0x1F", "&a", "!a", "'a", 'a"b', "a+b"]
)
def test_a_branch_yaml_would_read_as_another_value_is_written_quoted(book, branch):
    (book / "_config.yml").write_text(CONFIG_WITH_COMMENTS, encoding="utf-8")

    result = run("--branch", branch, book)

    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    assert config["repository"]["branch"] == branch
    assert config["launch_buttons"] == {"url": "https://not-the-repository.example"}
    assert installs(book / "chapters" / "one.ipynb") == (
        "https://github.com/example-org/nn-course-companion",
        branch,
    )
    again = run("--branch", branch, book)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    # and it can be changed again
    assert run("--branch", "main", book).returncode == 0
    assert (book / "_config.yml").read_text(encoding="utf-8") == CONFIG_WITH_COMMENTS


@pytest.mark.parametrize(
    "branch", ["ä", "文字/β", "a\u2028b", "a\u00a0b", "a\x85b", "&😀", "a\U000e0001b", "'\u00a0"]
)
def test_a_branch_with_any_letters_reads_back_as_written(book, branch):
    result = run("--branch", branch, book)

    assert result.returncode == 0, result.stderr
    text = (book / "_config.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["repository"]["branch"] == branch
    assert len(text.splitlines()) == len(text.split("\n")) - 1  # no line break in the value
    assert installs(book / "chapters" / "one.ipynb") == (FORK, branch)
    assert run("--check", book).returncode == 0


@pytest.mark.parametrize(
    "value, kind", [("1.0", "float"), ("2024", "int"), ("on", "bool"), ("null", "null")]
)
def test_an_unquoted_branch_yaml_reads_as_a_number_is_named_with_the_fix(book, value, kind):
    (book / "_config.yml").write_text(
        f"repository:\n  url: {FORK}\n  branch: {value}\n", encoding="utf-8"
    )
    assert_error(run(book), 2, "repository: branch:", f"YAML reads it as {kind}", "in quotes")


def test_the_written_literals_are_what_python_reads(book):
    """Values are written as escaped literals, so each line reads back as exactly that string."""
    write_config(book, {"url": "https://github.com/O-1/n.a_m-e", "branch": "release/v1.2_rc-3"})
    assert run(book).returncode == 0
    assert installs(book / "chapters" / "one.ipynb") == (
        "https://github.com/O-1/n.a_m-e",
        "release/v1.2_rc-3",
    )


def test_a_non_ascii_address_left_by_an_older_version_is_repaired(book):
    notebook = book / "chapters" / "one.ipynb"
    cell = install_cell().replace(
        'REPOSITORY_URL = "https://github.com/example-org/',
        'REPOSITORY_URL = "https://github.com/exämple/',
    )
    write_notebook(notebook, cell)

    result = run(book)

    assert result.returncode == 0, result.stderr
    assert installs(notebook) == (FORK, "main")


def test_a_cell_with_two_address_lines_is_refused(book):
    notebook = book / "chapters" / "one.ipynb"
    cell = install_cell().replace("REPOSITORY_URL = ", 'REPOSITORY_URL = "x"\nREPOSITORY_URL = ', 1)
    write_notebook(notebook, cell)
    before = notebook.read_bytes()

    result = run(book)

    assert_error(result, 1, "one.ipynb: the first code cell is not the install cell", "found 2")
    assert notebook.read_bytes() == before


def test_a_notebook_without_install_cell_is_named_with_the_fix(book):
    write_notebook(book / "chapters" / "bare.ipynb", "import nncore")

    result = run(book)

    assert_error(
        result,
        1,
        "bare.ipynb: the first code cell is not the install cell",
        "Copy the first code cell",
    )
    assert "CONVENTIONS.md" not in result.stderr
    assert installs(book / "chapters" / "one.ipynb") == (FORK, "main")  # the others are still done


@pytest.mark.parametrize(
    "content, words",
    [
        ("not json at all", "not JSON"),
        ("[1, 2, 3]", "no list of cells"),
        ('{"cells": {"a": 1}}', "no list of cells"),
    ],
)
def test_a_file_that_is_not_a_notebook_is_named(book, content, words):
    (book / "chapters" / "notes.ipynb").write_text(content, encoding="utf-8")

    result = run(book)

    assert_error(result, 1, "notes.ipynb: not a Jupyter notebook", words)
    assert installs(book / "chapters" / "one.ipynb") == (FORK, "main")


def test_a_missing_book_root_is_named(tmp_path):
    assert_error(
        run(tmp_path / "nowhere"), 2, "nowhere does not exist", "holds the book's _config.yml"
    )


def test_a_file_as_book_root_is_named(book):
    assert_error(
        run(book / "chapters" / "one.ipynb"), 2, "is a file", "holds the book's _config.yml"
    )


def test_a_folder_without_config_is_named(tmp_path):
    assert_error(run(tmp_path), 2, "has no _config.yml", "BOOK_ROOT must be the book's folder")


@pytest.mark.parametrize(
    "text, words",
    [
        ("repository: [unclosed\n", "is not readable YAML"),
        ("- a list\n", "expected a mapping of settings, got list"),
        ("title: no repository\n", "has no repository: url: entry"),
        ("repository: https://github.com/a/b\n", "has no repository: url: entry"),
    ],
)
def test_a_config_without_a_usable_repository_is_named(book, text, words):
    (book / "_config.yml").write_text(text, encoding="utf-8")
    assert_error(run(book), 2, "_config.yml", words)


CONFIG_WITH_COMMENTS = """\
# The book's settings
title: A book
repository:
  url: https://github.com/example-org/nn-course-companion   # the launch buttons open this
  path_to_book: ""
  branch: main
launch_buttons:
  url: https://not-the-repository.example
"""


def test_url_and_branch_options_set_the_config_then_the_notebooks(book):
    (book / "_config.yml").write_text(CONFIG_WITH_COMMENTS, encoding="utf-8")

    result = run("--url", "https://github.com/someone/fork", "--branch", "gh-pages-source", book)

    assert result.returncode == 0, result.stderr
    expected = CONFIG_WITH_COMMENTS.replace(
        "example-org/nn-course-companion", "someone/fork"
    ).replace("branch: main", "branch: gh-pages-source")
    assert (book / "_config.yml").read_text(encoding="utf-8") == expected
    assert installs(book / "chapters" / "one.ipynb") == (
        "https://github.com/someone/fork",
        "gh-pages-source",
    )
    again = run("--url", "https://github.com/someone/fork", "--branch", "gh-pages-source", book)
    assert again.returncode == 0 and again.stdout == ""


def test_branch_option_adds_a_missing_branch_line(book):
    (book / "_config.yml").write_text(
        "repository:\n  url: https://github.com/a/b\n", encoding="utf-8"
    )

    assert run("--branch", "dev", book).returncode == 0

    assert (book / "_config.yml").read_text(encoding="utf-8") == (
        "repository:\n  url: https://github.com/a/b\n  branch: dev\n"
    )
    assert installs(book / "chapters" / "one.ipynb") == ("https://github.com/a/b", "dev")


@pytest.mark.parametrize(
    "option, value, words",
    [
        ("--url", 'https://github.com/a/b"\nimport os', "--url: expected a repository address"),
        ("--url", "git@github.com:a/b.git", "--url: expected a repository address"),
        ("--branch", "main\nimport os", "--branch: expected a git branch name"),
    ],
)
def test_a_hostile_option_changes_nothing(book, option, value, words):
    config_before = (book / "_config.yml").read_bytes()
    notebook_before = (book / "chapters" / "one.ipynb").read_bytes()

    result = run(option, value, book)

    assert_error(result, 2, words)
    assert (book / "_config.yml").read_bytes() == config_before
    assert (book / "chapters" / "one.ipynb").read_bytes() == notebook_before


def test_check_refuses_options_that_would_write(book):
    assert_error(run("--check", "--branch", "dev", book), 2, "--check does not write")


def test_the_notebook_keeps_its_json_layout(book):
    """The rewritten file is in nbformat's own layout, like every notebook of the book."""
    notebook = book / "chapters" / "one.ipynb"
    assert run(book).returncode == 0
    text = notebook.read_text(encoding="utf-8")
    assert text == nbformat.writes(nbformat.reads(text, as_version=4)) + "\n"
    assert json.loads(text)["nbformat"] == 4


def test_the_command_line_reports_errors_without_a_traceback(book):
    """End to end, as `make book` runs it: a refused value is one clear line and exit status 2."""
    write_config(book, {"url": 'https://github.com/a/b"\nimport os', "branch": "main"})

    result = run_command(book)

    assert_error(result, 2, "expected a repository address https://github.com/OWNER/NAME")
    assert result.stderr.count("\n") == 1, result.stderr


def test_the_command_line_stamps_a_book(book):
    result = run_command(book)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(f"install cell now installs refs/heads/main of {FORK}")
    assert installs(book / "chapters" / "one.ipynb") == (FORK, "main")


def test_a_notebook_linked_from_outside_the_book_is_named_and_not_written(book, tmp_path):
    outside = tmp_path / "elsewhere.ipynb"
    write_notebook(outside, install_cell())
    before = outside.read_bytes()
    (book / "chapters" / "linked.ipynb").symlink_to(outside)

    result = run(book)

    assert_error(result, 1, "linked.ipynb", "link to", str(outside), "outside the book")
    assert outside.read_bytes() == before
    assert installs(book / "chapters" / "one.ipynb") == (FORK, "main")  # the others are done


def test_a_notebook_linked_within_the_book_is_stamped_through_its_link(book):
    (book / "appendix").mkdir()
    (book / "appendix" / "same.ipynb").symlink_to(book / "chapters" / "one.ipynb")

    result = run(book)

    assert result.returncode == 0, result.stderr
    assert (book / "appendix" / "same.ipynb").is_symlink()
    assert installs(book / "chapters" / "one.ipynb") == (FORK, "main")


def test_a_config_linked_from_outside_the_book_is_not_written(book, tmp_path):
    outside = tmp_path / "shared_config.yml"
    (book / "_config.yml").rename(outside)
    (book / "_config.yml").symlink_to(outside)
    before = outside.read_bytes()

    result = run("--branch", "dev", book)

    assert_error(result, 2, "_config.yml is a link to", "outside the book", "--branch")
    assert outside.read_bytes() == before


# ------------------------------------------------------- a commit to install (--ref)
SHA = "0123456789abcdef0123456789abcdef01234567"


def test_ref_option_makes_the_install_cell_install_that_commit(book):
    result = run("--url", FORK, "--branch", "notebooks", "--ref", SHA, book)

    assert result.returncode == 0, result.stderr
    section = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))["repository"]
    assert (section["url"], section["branch"], section["install_ref"]) == (FORK, "notebooks", SHA)
    assert install_values(book / "chapters" / "one.ipynb") == (FORK, SHA)
    assert run("--check", book).returncode == 0
    assert run(book).stdout == ""  # `make book` afterwards keeps the commit


def test_the_install_cell_fetches_the_commits_archive(book):
    """The cell's own expression, evaluated: GitHub's archive of that commit."""
    assert run("--ref", SHA, book).returncode == 0
    source = next(
        c.source
        for c in nbformat.read(book / "chapters" / "one.ipynb", as_version=4).cells
        if c.cell_type == "code"
    )
    [line] = [x for x in source.splitlines() if x.strip().startswith("archive = ")]
    url, ref = install_values(book / "chapters" / "one.ipynb")
    archive = eval(line.split("=", 1)[1].strip(), {"REPOSITORY_URL": url, "REF": ref})
    assert archive == f"{FORK}/archive/{SHA}.zip"


def test_url_or_branch_without_ref_drops_a_written_commit(book):
    assert run("--ref", SHA, book).returncode == 0

    assert run("--branch", "main", book).returncode == 0

    section = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))["repository"]
    assert "install_ref" not in section
    assert installs(book / "chapters" / "one.ipynb") == (FORK, "main")


@pytest.mark.parametrize(
    "ref",
    ["0123abc", SHA.upper(), "main", SHA + "\nimport os", "refs/heads/main", SHA[:-1] + "g"],
    ids=repr,
)
def test_a_ref_that_is_not_a_full_commit_id_is_refused_and_changes_nothing(book, ref):
    config_before = (book / "_config.yml").read_bytes()
    notebook_before = (book / "chapters" / "one.ipynb").read_bytes()

    result = run("--ref", ref, book)

    assert_error(result, 2, "--ref: expected a full commit id", repr(ref))
    assert (book / "_config.yml").read_bytes() == config_before
    assert (book / "chapters" / "one.ipynb").read_bytes() == notebook_before


def test_a_configured_ref_that_is_not_a_commit_is_named(book):
    write_config(book, {"url": FORK, "branch": "main", "install_ref": "v1.0"})
    assert_error(run(book), 2, "repository: install_ref:", "expected a full commit id")
