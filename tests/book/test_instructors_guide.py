"""appendix/instructors.md: every rule it states names a test, and every test it names exists.

The guide names a test as `tests/PATH.py::test_name`, or as `test_name` alone for another
test of the file named last. Each must be a test function of that file, so a renamed or
removed test fails here until the guide follows.
"""

from __future__ import annotations

import re

import yaml
from repo_root import REPO_ROOT

GUIDE = REPO_ROOT / "appendix" / "instructors.md"
SPAN = re.compile(r"`([^`]+)`")


def named_tests(text: str) -> list[tuple[str, str]]:
    """(file, test) for every test the text names, in order."""
    found, current = [], None
    for span in SPAN.findall(text):
        match = re.fullmatch(r"(tests/[\w/]+\.py)::(test_\w+)", span)
        if match:
            current = match.group(1)
            found.append((current, match.group(2)))
        elif re.fullmatch(r"test_\w+", span):
            assert current is not None, f"{span} is named before any test file"
            found.append((current, span))
    return found


def test_every_test_the_guide_names_exists():
    tests = named_tests(GUIDE.read_text(encoding="utf-8"))
    assert len(tests) >= 30, tests
    missing = [
        f"{path}::{name}"
        for path, name in tests
        if not re.search(
            rf"^def {name}\(", (REPO_ROOT / path).read_text(encoding="utf-8"), re.MULTILINE
        )
    ]
    assert not missing, f"the guide names tests that do not exist: {missing}"


def test_a_misnamed_test_is_found():
    """A control: the reader of the guide's names finds a test under the file named last."""
    text = "`tests/book/test_lock.py::test_a` then `test_b`, and `tests/x.py::test_c`."
    assert named_tests(text) == [
        ("tests/book/test_lock.py", "test_a"),
        ("tests/book/test_lock.py", "test_b"),
        ("tests/x.py", "test_c"),
    ]


def test_the_guide_is_a_page_of_the_book_and_says_what_a_fork_must_enable():
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert "appendix/instructors" in files
    text = " ".join(GUIDE.read_text(encoding="utf-8").split())
    assert "enable Actions" in text and "Source: GitHub Actions" in text
    for section in ("Add a chapter", "Change the assignment", "Publish your copy"):
        assert f"## {section}" in GUIDE.read_text(encoding="utf-8")
    for section in ("The student edition", "Releases", "Adapt the book to your course"):
        assert f"## {section}" in GUIDE.read_text(encoding="utf-8")


def test_the_guide_says_what_the_student_edition_needs_and_does_not_hide():
    text = " ".join(GUIDE.read_text(encoding="utf-8").split())
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make student-edition STUDENT_REPOSITORY=https://github.com/" in text
    assert "STUDENT_REPOSITORY" in makefile and "--url" in makefile  # what the guide says
    assert "Their source is readable by the students" in text
    assert "must not rely on that secrecy" in text
    assert "scheduled workflows off in a fork" in text
