"""Sphinx extension: every claim a chapter's run checks must be stated by its prose.

A chapter cell calls ``nnbook.claims.claim("B reaches {acc:.1%} ...", acc=acc_b)``; the
executed cell's output carries the formatted sentence in an HTML element of class
``nnbook-claim`` (attribute ``data-claim``, JSON). When a page is read, this extension

1. collects those records (with the section each cell sits in),
2. checks that each sentence appears word for word in the page's prose (paragraphs, list
   items, table cells, headings; not code and not cell outputs), compared after
   :func:`nnbook.claims.normalise`; a missing sentence is a warning naming the page and the
   sentence, which fails the build under ``-W``;
3. keeps the records in the build environment (parallel-safe), and fills the
   ``claims-table`` directive of the appendix page with every claim of the book, by chapter;
   that page is written again only when what its table shows changed, so a rebuild with
   nothing changed writes no page.

Registered in ``_config.yml`` under ``sphinx: local_extensions: {claims: _ext}``.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from nnbook.claims import CLAIM_CLASS, normalise

logger = logging.getLogger(__name__)

_RECORD = re.compile(r'class="' + CLAIM_CLASS + r'[^"]*" data-claim="([^"]*)"')
# Sphinx turns straight quotes into curly ones in the prose, and prose may write a minus
# sign as U+2212: compare both sides in plain ASCII punctuation.
_SMART = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "−": "-", "…": "..."}
)
# A sentence of the prose ends at . ! ? or ; followed by a space or the end of the block
# (so the point of 0.5 or of e.g. a file name ends nothing).
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.!?;](?=\s|$)")
#: Words that turn a statement around; the prose may not add one to a claim's sentence.
NEGATIONS = re.compile(
    r"\b(not|no|never|neither|nor|cannot|none|nobody|nothing|nowhere|untrue|false|hardly|"
    r"barely|rarely|seldom)\b|n't\b",
    re.IGNORECASE,
)


def _compare_form(text: str) -> str:
    return normalise(text.translate(_SMART))


def _glued(wanted: str, before: str, after: str) -> bool:
    """Whether the text around a match extends the token at either edge of ``wanted``.

    ``before`` is the character preceding the match and ``after`` the two characters
    following it ("" at the ends of a block). A word continues into letters and digits; a
    number also into a percent sign, a decimal or thousands separator followed by a
    digit, and backwards into a sign or a point.
    """
    first, last = wanted[:1], wanted[-1:]
    if first.isalnum() and (before.isalnum() or before == "_"):
        return True
    if re.match(r"[-+]?\.?\d", wanted) and before != "" and before in "-+.":
        return True
    if last.isalnum() and (after[:1].isalnum() or after[:1] == "_"):
        return True
    return last.isdigit() and (after[:1] == "%" or (after[:1] in ".," and after[1:2].isdigit()))


def locate(wanted: str, block: str) -> tuple[bool, str | None]:
    """Find a claim's sentence in one block of prose, as whole tokens, and not negated.

    Parameters
    ----------
    wanted : str
        The claim's sentence, in the form :func:`_compare_form` gives.
    block : str
        One paragraph (heading, list item, table cell) of prose, in the same form.

    Returns
    -------
    tuple (bool, str or None)
        ``(True, None)`` when ``block`` states ``wanted`` with token boundaries at both
        ends (a run's "0.1" does not match the prose's "0.15", "after 1" does not match
        "after 10 epochs") and the sentence of the prose around it adds no negation.
        ``(False, problem)`` when it appears only inside a longer token or only negated:
        ``problem`` says which; ``(False, None)`` when it does not appear at all.
    """
    problem = None
    start = block.find(wanted)
    while start != -1:
        end = start + len(wanted)
        before = block[start - 1] if start else ""
        if _glued(wanted, before, block[end : end + 2]):
            shown = _around(block, start, end)
            problem = f'the prose has it only inside a longer word or number ("{shown}")'
        else:
            negation = _added_negation(block, start, end)
            if negation is None:
                return True, None
            problem = (
                f'the prose around it adds the negation "{negation}" '
                f'("{_around(block, start, end)}"); state the whole sentence as the claim'
            )
        start = block.find(wanted, start + 1)
    return False, problem


def _around(block: str, start: int, end: int, margin: int = 20) -> str:
    left = max(0, start - margin)
    return (
        ("..." if left else "")
        + block[left : end + margin]
        + ("..." if end + margin < len(block) else "")
    )


def _added_negation(block: str, start: int, end: int) -> str | None:
    """A negating word of the prose sentence around ``block[start:end]`` outside it."""
    sentence_start = 0
    for match in _SENTENCE_END.finditer(block, 0, start):
        sentence_start = match.end()
    # A claim that ends its sentence (its last character a full stop) ends the search there.
    following = _SENTENCE_END.search(block, end - 1 if end and block[end - 1] in ".!?;" else end)
    sentence_end = following.start() if following else len(block)
    for part in (block[sentence_start:start], block[end:sentence_end]):
        found = NEGATIONS.search(part)
        if found:
            return found.group(0)
    return None


def _in_cell_io(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        classes = parent.get("classes", []) if isinstance(parent, nodes.Element) else []
        if "cell_output" in classes or "cell_input" in classes:
            return True
        parent = parent.parent
    return False


def prose_blocks(doctree: nodes.document) -> list[str]:
    """The page's prose, one string per paragraph, heading, list item text or table cell."""
    blocks = []
    for node in doctree.findall(nodes.TextElement):
        if isinstance(
            node,
            (
                nodes.Inline,
                nodes.literal_block,
                nodes.raw,
                nodes.comment,
                nodes.doctest_block,
                nodes.math_block,
            ),
        ):
            continue
        if _in_cell_io(node):
            continue
        blocks.append(_compare_form(node.astext()))
    return blocks


def _section_of(node: nodes.Node) -> tuple[str, str]:
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None:
        return "", ""
    title = parent[0].astext() if len(parent) and isinstance(parent[0], nodes.title) else ""
    return title, (parent["ids"][0] if parent["ids"] else "")


def collect_claims(app: Sphinx, doctree: nodes.document) -> None:
    """At doctree-read: gather the page's claim records and check them against its prose."""
    env = app.env
    docname = env.docname
    if any(doctree.findall(claims_table)):
        # The table's sentences are typeset (see _sentence), but they arrive after reading,
        # when Sphinx has already decided which pages load MathJax: load it on this one.
        env.get_domain("math").data["has_equations"][docname] = True
    found: list[dict[str, Any]] = []
    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "") or CLAIM_CLASS not in raw.astext():
            continue
        section, anchor = _section_of(raw)
        for data in _RECORD.findall(raw.astext()):
            record = json.loads(html.unescape(data))
            record.update(section=section, anchor=anchor)
            found.append(record)
    if not hasattr(env, "nnbook_claims"):
        env.nnbook_claims = {}
    if not found:
        env.nnbook_claims.pop(docname, None)
        return
    env.nnbook_claims[docname] = found
    prose = prose_blocks(doctree)
    for record in found:
        wanted = _compare_form(record["sentence"])
        problems = []
        for block in prose:
            stated, problem = locate(wanted, block)
            if stated:
                break
            if problem:
                problems.append(problem)
        else:
            where = f' (cell in section "{record["section"]}")' if record["section"] else ""
            why = f" ({problems[0]})" if problems else ""
            logger.warning(
                f'claim not stated in the prose: the run produced "{record["sentence"]}"'
                f"{where}{why}; the prose of this page must state that sentence word for word "
                "(markup aside), so change the text or the claim to what the run shows",
                location=docname,
                type="claims",
                subtype="not_in_prose",
            )


def purge_claims(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    if hasattr(env, "nnbook_claims"):
        env.nnbook_claims.pop(docname, None)


def merge_claims(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    if not hasattr(env, "nnbook_claims"):
        env.nnbook_claims = {}
    for docname, records in getattr(other, "nnbook_claims", {}).items():
        if docname in docnames:
            env.nnbook_claims[docname] = records


class claims_table(nodes.General, nodes.Element):
    """Placeholder for the table of every claim, filled at doctree-resolved."""


class ClaimsTableDirective(Directive):
    """``claims-table``: the table of every claim the book checks, by chapter."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [claims_table("")]


def _value_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


_MATH = re.compile(r"\$([^$]+)\$")


def _sentence(text: str) -> nodes.paragraph:
    """A claim's sentence as a paragraph, its ``$...$`` parts as inline math nodes."""
    paragraph = nodes.paragraph()
    position = 0
    for match in _MATH.finditer(text):
        paragraph += nodes.Text(text[position : match.start()])
        paragraph += nodes.math(match.group(0), match.group(1))
        position = match.end()
    paragraph += nodes.Text(text[position:])
    return paragraph


def _table(rows: list[list[nodes.Node]], widths: tuple[int, ...], header: list[str]) -> nodes.table:
    table = nodes.table(classes=["claims-table"])
    group = nodes.tgroup(cols=len(widths))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for text in header:
        row += nodes.entry("", nodes.paragraph(text=text))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", cell)
        body += row
    return table


def table_contents(env: BuildEnvironment) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """What the ``claims-table`` shows: each page with claims, its title and its records.

    Parameters
    ----------
    env : BuildEnvironment
        The build environment, with the records gathered at doctree-read.

    Returns
    -------
    list of tuple (str, str, list of dict)
        One ``(docname, title, records)`` per page that has claims, in the book's reading
        order (the root's toctree, depth first; pages outside it last, by name).
    """
    claims = getattr(env, "nnbook_claims", {})
    order = sorted(claims)
    try:  # the book's reading order (sphinx-external-toc), else by name
        flat: list[str] = []
        pending = list(env.toctree_includes.get(env.config.root_doc, []))
        while pending:
            d = pending.pop(0)
            flat.append(d)
            pending[0:0] = env.toctree_includes.get(d, [])
        order = sorted(order, key=lambda d: flat.index(d) if d in flat else len(flat))
    except Exception:  # pragma: no cover - ordering only
        pass
    return [
        (doc, env.titles[doc].astext() if doc in env.titles else doc, claims[doc]) for doc in order
    ]


def fill_claims_table(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """At doctree-resolved: replace ``claims-table`` placeholders by the claims, by page."""
    placeholders = list(doctree.findall(claims_table))
    if not placeholders:
        return
    pages = table_contents(app.env)
    content: list[nodes.Node] = []
    total = sum(len(records) for _, _, records in pages)
    kinds = [record.get("kind", "measured") for _, _, records in pages for record in records]
    over_runs = sum(1 for _, _, records in pages for record in records if record.get("runs"))
    content.append(
        nodes.paragraph(
            text=f"{total} claims on {len(pages)} pages, checked in the build that made this "
            f"page: {kinds.count('measured')} measured, {kinds.count('tested')} tested; "
            f"{over_runs} of them over several runs."
        )
    )
    for doc, title, records in pages:
        uri = app.builder.get_relative_uri(docname, doc)
        heading = nodes.paragraph()
        heading += nodes.strong("", "", nodes.reference("", title, refuri=uri, internal=True))
        heading += nodes.Text(f" ({len(records)} claims)")
        content.append(heading)
        rows = []
        for record in records:
            values = "; ".join(f"{k} = {_value_text(v)}" for k, v in record["values"].items())
            if record.get("holds") is not None:
                values = (values + "; " if values else "") + f"holds: {record['holds']}"
            where = nodes.paragraph()
            where += nodes.reference(
                "",
                record.get("section") or title,
                refuri=uri + ("#" + record["anchor"] if record.get("anchor") else ""),
                internal=True,
            )
            rows.append(
                [
                    _sentence(record["sentence"]),
                    nodes.paragraph(text=record.get("kind", "measured")),
                    _sentence(record.get("over") or "this run"),  # may hold $math$
                    nodes.paragraph("", "", nodes.literal(text=values or "-")),
                    where,
                ]
            )
        content.append(
            _table(
                rows,
                (48, 10, 12, 18, 12),
                ["Sentence", "Kind", "Over", "Values", "Section"],
            )
        )
    for placeholder in placeholders:
        placeholder.replace_self(content)


def remember_table_contents(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """At env-get-outdated (before any page is purged or read): note what the table showed."""
    env.nnbook_table_before = table_contents(env)
    return []


def claims_pages_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """At env-updated: the table's page is to be written again if what it shows changed.

    Reading a page replaces its claims; the table's page is rewritten only when that changed
    a record, a page's title or the pages' order (or added or removed a page with claims),
    so that a rebuild in which nothing changed writes no page.
    """
    before = vars(env).pop("nnbook_table_before", None)
    page = app.config.claims_table_page
    if page not in env.found_docs or table_contents(env) == before:
        return []
    return [page]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("claims_table_page", "appendix/claims", "env")
    app.add_node(claims_table)
    app.add_directive("claims-table", ClaimsTableDirective)
    app.connect("doctree-read", collect_claims)
    app.connect("env-purge-doc", purge_claims)
    app.connect("env-merge-info", merge_claims)
    app.connect("env-get-outdated", remember_table_contents)
    app.connect("env-updated", claims_pages_updated)
    app.connect("doctree-resolved", fill_claims_table)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
