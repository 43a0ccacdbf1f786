"""Each chapter can be read in one sitting: at most 3,500 words of prose, 18 minutes.

Prose is the markdown of a notebook: display math, HTML tags and link targets left out,
inline math counted as one word. Optional depth lives in sections marked as such (the first
paragraph under the heading begins with "*Optional"): it is counted separately, and may be
at most a third of the chapter. Reading time is taken at 200 words a minute, a common figure
for technical text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat
import pytest
from repo_root import REPO_ROOT

MAX_WORDS = 3500
MAX_MINUTES = 18
WORDS_PER_MINUTE = 200
MAX_OPTIONAL_SHARE = 1 / 3

CHAPTERS = sorted(
    p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "chapters").glob("*.ipynb")
)

_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_MATH = re.compile(r"\$[^$\n]+\$")
_TAG = re.compile(r"<[^>]+>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_WORD = re.compile(r"[^\W_][\w'’.,%-]*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def words(markdown: str) -> int:
    """The number of words of prose in ``markdown``."""
    text = _DISPLAY_MATH.sub(" ", markdown)
    text = _INLINE_MATH.sub(" x ", text)
    text = _LINK_TARGET.sub("]", _TAG.sub(" ", text))
    return len(_WORD.findall(text))


@dataclass
class Length:
    core: int = 0
    optional: int = 0

    @property
    def total(self) -> int:
        return self.core + self.optional


def chapter_length(markdown_cells: list[str]) -> Length:
    """Words of required and of optional prose, sections marked by "*Optional" first."""
    length = Length()
    optional_level = None  # heading level of the optional section we are in
    pending_heading = None
    for cell in markdown_cells:
        chunk: list[str] = []
        for line in cell.splitlines() + [None]:
            heading = _HEADING.match(line) if line is not None else None
            if line is not None and not heading:
                if pending_heading is not None and line.strip():
                    if line.lstrip().startswith("*Optional"):
                        optional_level = pending_heading
                    pending_heading = None
                chunk.append(line)
                continue
            counted = words("\n".join(chunk))
            if optional_level is not None:
                length.optional += counted
            else:
                length.core += counted
            chunk = []
            if heading:
                level = len(heading.group(1))
                if optional_level is not None and level <= optional_level:
                    optional_level = None
                pending_heading = level
                chunk.append(line)
    return length


def test_the_counter_counts_prose_and_marks_optional_sections():
    cells = [
        "# Title\n\nOne two three $x + y$ four.\n\n$$a = b$$\n",
        "## Depth\n\n*Optional reading.*\n\nfive six [seven](https://e.org/x)\n\n### Sub\n\neight",
        "## Back\n\nnine <b>ten</b>",
    ]
    length = chapter_length(cells)
    # "Title", "One two three x four"; "Back nine ten"; optional: "Depth", "Optional reading",
    # "five six seven", "Sub eight"
    assert (length.core, length.optional) == (1 + 5 + 3, 1 + 2 + 3 + 2)


@pytest.mark.parametrize("path", CHAPTERS)
def test_a_chapter_reads_in_one_sitting(path):
    notebook = nbformat.read(REPO_ROOT / path, as_version=4)
    length = chapter_length([c.source for c in notebook.cells if c.cell_type == "markdown"])
    minutes = length.core / WORDS_PER_MINUTE
    assert length.core <= MAX_WORDS and minutes <= MAX_MINUTES, (
        f"{path}: {length.core} words of required prose ({minutes:.1f} minutes at "
        f"{WORDS_PER_MINUTE} words a minute); at most {MAX_WORDS} words and {MAX_MINUTES} "
        "minutes. Cut what another chapter already treats (link to it instead), or move depth "
        'into a section whose first line is "*Optional reading.*".'
    )
    assert length.optional <= MAX_OPTIONAL_SHARE * length.total, (
        f"{path}: {length.optional} of {length.total} words are optional; at most a third."
    )
