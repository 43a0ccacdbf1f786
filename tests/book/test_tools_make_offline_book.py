"""tools/make_offline_book.py: the offline copy, and every OUTPUT it must refuse to replace.

Each test runs the real script on a small made-up book. The script is copied into a
throwaway repository root whose ``js/node_modules`` holds stand-ins for the three npm
packages, so the tests need neither npm nor a book build.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from repo_root import REPO_ROOT

SCRIPT = REPO_ROOT / "tools" / "make_offline_book.py"
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"
REQUIRE_CDN = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js"
STAMP = ".made-by-make_offline_book"
PACKAGE_FILES = {
    "mathjax": ("es5/tex-mml-chtml.js",),
    "requirejs": ("require.js",),
    "@jupyter-widgets/html-manager": ("dist/embed-amd.js",),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository root with the script, stand-in npm packages and a built two-page book."""
    root = tmp_path / "project"
    (root / "tools").mkdir(parents=True)
    shutil.copy(SCRIPT, root / "tools" / SCRIPT.name)
    for package, files in PACKAGE_FILES.items():
        folder = root / "js" / "node_modules" / package
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"name": package}), encoding="utf-8")
        for name in files:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(f"// {package} {name}\n", encoding="utf-8")
    html = root / "_build" / "html"
    (html / "chapters").mkdir(parents=True)
    (html / "index.html").write_text(
        f'<script src="{MATHJAX_CDN}" integrity="sha384-x" crossorigin="anonymous"></script>\n',
        encoding="utf-8",
    )
    (html / "chapters" / "one.html").write_text(
        f'<script src="{REQUIRE_CDN}"></script>\n', encoding="utf-8"
    )
    return root


def run(
    project: Path, *args: str, cwd: Path | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess:
    command = [sys.executable, str(project / "tools" / SCRIPT.name), *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd or project, timeout=timeout
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (not following links) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.startswith("make_offline_book: error: OUTPUT"), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def test_copy_loads_every_script_from_its_own_vendor_folder(project):
    result = run(project, "_build/html", "_build/html-offline")

    assert result.returncode == 0, result.stderr
    out = project / "_build" / "html-offline"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index == '<script src="_vendor/mathjax/es5/tex-mml-chtml.js"></script>\n'
    page = (out / "chapters" / "one.html").read_text(encoding="utf-8")
    assert page == '<script src="../_vendor/requirejs/require.js"></script>\n'
    for package in ("mathjax", "requirejs"):
        for name in PACKAGE_FILES[package]:
            assert (out / "_vendor" / package / name).is_file(), (package, name)
    # no page loads the widget manager, so it is not copied
    assert not (out / "_vendor" / "@jupyter-widgets").exists()
    assert (out / STAMP).is_file()
    assert "2 pages now load their scripts" in result.stdout
    # the built book itself is untouched, and no temporary folder is left beside the copy
    assert MATHJAX_CDN in (project / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (project / "_build").iterdir()) == ["html", "html-offline"]


def test_a_book_loading_no_cdn_script_is_copied_as_built_without_npm_packages(project):
    html = project / "_build" / "html"
    for page in (html / "index.html", html / "chapters" / "one.html"):
        page.write_text("<p>math as MathML: <math><mi>x</mi></math></p>\n", encoding="utf-8")
    shutil.rmtree(project / "js")

    result = run(project)

    assert result.returncode == 0, result.stderr
    out = project / "_build" / "html-offline"
    assert not (out / "_vendor").exists()
    assert snapshot(out) == {**snapshot(html), STAMP: (out / STAMP).read_bytes()}
    assert "No page loads a script from a CDN" in result.stdout


def test_a_second_run_replaces_the_copy_it_made(project):
    assert run(project).returncode == 0
    out = project / "_build" / "html-offline"
    (out / "stale.html").write_text("old", encoding="utf-8")

    result = run(project)

    assert result.returncode == 0, result.stderr
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file() and (out / STAMP).is_file()


def test_an_empty_folder_is_used(project):
    (project / "out").mkdir()
    assert run(project, "_build/html", "out").returncode == 0
    assert (project / "out" / "_vendor").is_dir()


def test_refuses_the_built_book_itself(project):
    before = snapshot(project / "_build" / "html")

    result = run(project, "_build/html", "_build/html")

    assert_refused(result, "is the built book", "Give a new folder")
    assert snapshot(project / "_build" / "html") == before


@pytest.mark.parametrize("output", [".", "_build"])
def test_refuses_a_folder_that_holds_the_built_book(project, output):
    before = snapshot(project)

    result = run(project, "_build/html", output)

    assert_refused(result, "a folder that holds it")
    assert snapshot(project) == before


def test_refuses_the_current_folder(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    result = run(project, str(project / "_build" / "html"), ".", cwd=elsewhere)

    assert_refused(result, "the current folder")
    assert elsewhere.is_dir()


def test_refuses_a_git_repository(project):
    repo = project / "site"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (repo / STAMP).write_text("a stamp copied by hand\n", encoding="utf-8")
    before = snapshot(repo)

    result = run(project, "_build/html", "site")

    assert_refused(result, "is a git repository")
    assert snapshot(repo) == before


def test_refuses_a_symbolic_link_and_keeps_its_target(project, tmp_path):
    target = tmp_path / "precious"
    target.mkdir()
    (target / "thesis.tex").write_text("years of work", encoding="utf-8")
    (target / STAMP).write_text("", encoding="utf-8")
    (project / "link").symlink_to(target, target_is_directory=True)

    result = run(project, "_build/html", "link")

    assert_refused(result, "is a symbolic link", str(target))
    assert (target / "thesis.tex").read_text(encoding="utf-8") == "years of work"
    assert (project / "link").is_symlink()


def test_refuses_a_folder_it_did_not_make(project):
    other = project / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("keep me", encoding="utf-8")

    result = run(project, "_build/html", "notes")

    assert_refused(result, "did not make", STAMP, "remove it yourself")
    assert (other / "todo.txt").read_text(encoding="utf-8") == "keep me"


def test_refuses_a_file(project):
    (project / "out.html").write_text("a page", encoding="utf-8")

    result = run(project, "_build/html", "out.html")

    assert_refused(result, "is a file, not a folder")
    assert (project / "out.html").read_text(encoding="utf-8") == "a page"


def test_missing_npm_packages_leave_the_previous_copy_alone(project):
    assert run(project).returncode == 0
    out = project / "_build" / "html-offline"
    before = snapshot(out)
    shutil.rmtree(project / "js" / "node_modules" / "mathjax")

    result = run(project)

    assert result.returncode == 2
    assert "the npm package mathjax is not installed" in result.stderr
    assert "npm ci --prefix js" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_missing_built_book_is_named_and_nothing_is_written(project):
    result = run(project, "_build/nothing-here", "_build/offline")

    assert result.returncode == 2
    assert "no built book at _build/nothing-here" in result.stderr
    assert "run `make book` first" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "_build" / "offline").exists()


def test_a_failure_while_copying_keeps_the_previous_copy(project):
    """The copy is assembled beside OUTPUT; an error half-way leaves OUTPUT and no debris."""
    spec = importlib.util.spec_from_file_location(
        "make_offline_book", project / "tools" / SCRIPT.name
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    built, out = project / "_build" / "html", project / "_build" / "html-offline"
    tool.make_offline_book(built, out)
    before = snapshot(out)
    (built / "broken.html").write_bytes(b"\xff\xfe not utf-8")

    with pytest.raises(UnicodeDecodeError):
        tool.make_offline_book(built, out)

    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["html", "html-offline"]


def test_a_symlinked_page_is_copied_and_its_target_left_alone(project, tmp_path):
    """A page that links outside the book, or back into the built book, becomes a file of
    the copy; neither target is written."""
    outside = tmp_path / "elsewhere.html"
    outside.write_text(f'<script src="{REQUIRE_CDN}"></script>\n', encoding="utf-8")
    built = project / "_build" / "html"
    (built / "chapters" / "linked.html").symlink_to(outside)
    (built / "alias.html").symlink_to((built / "index.html").resolve())
    outside_before, built_before = outside.read_bytes(), snapshot(built)

    result = run(project)

    assert result.returncode == 0, result.stderr
    assert outside.read_bytes() == outside_before
    assert snapshot(built) == built_before
    assert (built / "alias.html").is_symlink()
    out = project / "_build" / "html-offline"
    for name, text in [
        ("chapters/linked.html", '<script src="../_vendor/requirejs/require.js"></script>\n'),
        ("alias.html", '<script src="_vendor/mathjax/es5/tex-mml-chtml.js"></script>\n'),
    ]:
        assert not (out / name).is_symlink(), name
        assert (out / name).read_text(encoding="utf-8") == text
    assert "4 pages now load their scripts" in result.stdout


def test_a_dangling_symlinked_page_is_left_as_a_link_and_named(project, tmp_path):
    (project / "_build" / "html" / "gone.html").symlink_to(tmp_path / "nothing.html")

    result = run(project)

    assert result.returncode == 0, result.stderr
    gone = project / "_build" / "html-offline" / "gone.html"
    assert gone.is_symlink() and not (tmp_path / "nothing.html").exists()
    assert "gone.html is a link to a missing file; left as it is" in result.stderr


def test_a_stamp_linked_out_of_the_built_book_is_not_written_through(project, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    (project / "_build" / "html" / STAMP).symlink_to(notes)

    result = run(project)

    assert result.returncode == 0, result.stderr
    assert notes.read_text(encoding="utf-8") == "my notes"
    stamp = project / "_build" / "html-offline" / STAMP
    assert stamp.is_file() and not stamp.is_symlink()


def test_refuses_a_built_book_with_its_own_vendor_folder(project, tmp_path):
    """The scripts go into _vendor/: one in the book (here a link out of it) is not written."""
    elsewhere = tmp_path / "scripts"
    elsewhere.mkdir()
    (project / "_build" / "html" / "_vendor").symlink_to(elsewhere, target_is_directory=True)

    result = run(project)

    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "make_offline_book: error: the built book" in result.stderr
    assert "already has a _vendor" in result.stderr and "Traceback" not in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert not (project / "_build" / "html-offline").exists()


@pytest.mark.parametrize("output", ["js/node_modules/mathjax/es5/offline", "js/node_modules/x"])
def test_refuses_an_output_inside_the_npm_packages(project, output):
    """Copying a package into a folder inside it would copy the copy again, without end."""
    before = snapshot(project / "js")

    result = run(project, "_build/html", output, timeout=60)

    assert_refused(result, "inside the npm packages", "Give a new folder")
    assert snapshot(project / "js") == before


def test_refuses_a_folder_that_holds_the_npm_packages(project):
    (project / "js" / STAMP).write_text("a stamp copied by hand\n", encoding="utf-8")
    before = snapshot(project / "js")

    result = run(project, "_build/html", "js")

    assert_refused(result, "holds the npm packages", "would delete them")
    assert snapshot(project / "js") == before


def test_a_linked_folder_of_pages_is_not_entered_and_named(project, tmp_path):
    outside = tmp_path / "more"
    outside.mkdir()
    (outside / "page.html").write_text(f'<script src="{REQUIRE_CDN}"></script>\n', "utf-8")
    before = snapshot(outside)
    (project / "_build" / "html" / "more").symlink_to(outside, target_is_directory=True)

    result = run(project)

    assert result.returncode == 0, result.stderr
    assert snapshot(outside) == before
    assert "more is a link to a folder; its pages are left as they are" in result.stderr
