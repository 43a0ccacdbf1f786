"""Claims: the sentences of a chapter that report what a run showed, checked by the run.

A chapter writes its figures into the prose as plain numbers, so that it reads the same in
JupyterLab, Colab, GitHub's preview and the book. The cell that computes a figure states the
sentence once more, as a template filled from the computed values::

    claim("B reaches {acc:.1%} test accuracy", acc=acc_b)
    claim("B beats A on every seed", all(b > a for a, b in zip(acc_a, acc_b)))

At run time :func:`claim` formats the sentence, raises :class:`ClaimError` naming it when a
qualitative claim (the ``holds`` argument) is false, and shows one line to the reader,
"✓ checked: B reaches 97.1% test accuracy". The book build (``_ext/claims.py``) reads the
machine-readable record carried by that line and fails when the formatted sentence does not
appear, word for word, in the page's prose; it also lists every claim of the book on one
appendix page.

Comparison rule (:func:`normalise`): whitespace is collapsed, and the characters ``$``,
``*`` and a backtick are dropped, so ``$\\eta = 0.5$``, ``**4**`` and ```nc.fit``` in a
template match the text of the rendered prose (math as its LaTeX source, emphasis and code
as their text). Links are written as their text only.
"""

from __future__ import annotations

import html
import json
import re
import string
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Claim", "ClaimError", "check", "claim", "normalise", "CLAIM_CLASS"]

#: HTML class of the element that carries a claim's record (read by the book build).
CLAIM_CLASS = "nnbook-claim"

_DROPPED = re.compile(r"[$*`]")
_INLINE_MATH = re.compile(r"\$([^$]+)\$")  # shown as \(...\), the delimiters MathJax reads
_SPACE = re.compile(r"\s+")


class ClaimError(AssertionError):
    """A sentence of the prose that the run no longer supports."""


def normalise(text: str) -> str:
    """Return ``text`` as the book build compares it: markup characters dropped.

    Parameters
    ----------
    text : str
        A claim's sentence or a paragraph of rendered prose.

    Returns
    -------
    str
        ``text`` without ``$``, ``*`` and backticks, runs of whitespace replaced by one
        space, stripped at both ends.
    """
    return _SPACE.sub(" ", _DROPPED.sub("", text)).strip()


def _plain(value: Any) -> Any:
    """A JSON-friendly version of a measured value (numpy scalars become Python numbers)."""
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return repr(value)


@dataclass(frozen=True)
class Claim:
    """A checked sentence: its text, the values it was formatted from, and its verdict.

    Each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    template : str
        The sentence with ``{name:format}`` fields, as written in the cell.
    sentence : str
        The sentence with the fields filled in; the prose must contain it.
    values : dict
        The measured value of every field named in the template.
    holds : bool or None
        The verdict of a qualitative claim; None for a claim that only reports figures.
    """

    template: str
    sentence: str
    values: dict[str, Any] = field(default_factory=dict)
    holds: bool | None = None

    def record(self) -> dict[str, Any]:
        """Return the machine-readable record read by the book build.

        Returns
        -------
        dict
            ``sentence``, ``template``, ``values`` (as plain numbers and strings) and
            ``holds``; JSON-serialisable.
        """
        return {
            "sentence": self.sentence,
            "template": self.template,
            "values": {k: _plain(v) for k, v in self.values.items()},
            "holds": self.holds,
        }

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"✓ checked: {self.sentence}")

    def __repr__(self) -> str:
        return f"✓ checked: {self.sentence}"

    def _repr_html_(self) -> str:
        data = html.escape(json.dumps(self.record(), ensure_ascii=False), quote=True)
        shown = _INLINE_MATH.sub(r"\\(\1\\)", html.escape(self.sentence))
        return (
            # mathjax_process: the book typesets $...$ in this output as in the prose
            f'<p class="{CLAIM_CLASS} mathjax_process" data-claim="{data}" '
            f'style="margin:0;color:#2e7d32;font-size:0.85em">'
            f"✓ checked: {shown}</p>"
        )


def _fields(template: str) -> list[str]:
    """The names of the replacement fields of ``template`` (``{acc:.1%}`` -> ``acc``)."""
    names = []
    for _, name, _, _ in string.Formatter().parse(template):
        if name is None:
            continue
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(
                f"claim field {{{name}}} in {template!r} is not a plain name; write "
                "{name} or {name:format} and pass name=value (no indexing, attributes or "
                "positional fields)"
            )
        names.append(name)
    return names


def check(sentence: str, holds: bool | None = None, /, **values: Any) -> Claim:
    """Check one sentence of the prose against the run (what :func:`claim` shows).

    Parameters
    ----------
    sentence : str
        The sentence as the prose states it, with ``{name}`` or ``{name:format}`` fields for
        the figures (Python format specifications, e.g. ``{acc:.1%}``). Write inline math
        as ``$...$`` and a link as its text only.
    holds : bool, optional
        For a qualitative sentence ("B beats A on every seed"): whether the run supports it.
        Omit it when the sentence only reports figures.
    **values
        The measured value of every field. Values that the sentence does not name are
        ignored, so a mapping of a chapter's measurements can be passed whole
        (``claim(text, **measured)``).

    Returns
    -------
    Claim
        The formatted sentence, its values and its verdict.

    Raises
    ------
    ClaimError
        If ``holds`` is false; the message quotes the sentence and the values.
    KeyError
        If the sentence names a field that has no value.
    ValueError
        If a field is not a plain name, or ``holds`` is not a bool.
    """
    if not isinstance(sentence, str) or not sentence.strip():
        raise ValueError(f"claim expects the sentence as a non-empty str, got {sentence!r}")
    names = _fields(sentence)
    missing = [n for n in dict.fromkeys(names) if n not in values]
    if missing:
        raise KeyError(
            f"claim {sentence!r} names {', '.join(missing)} but no value was given for "
            f"{'it' if len(missing) == 1 else 'them'}; pass {missing[0]}=<value>"
        )
    used = {n: values[n] for n in dict.fromkeys(names)}
    text = sentence.format(**used)
    if holds is not None:
        if hasattr(holds, "item") and getattr(holds, "ndim", None) == 0:
            holds = holds.item()
        if not isinstance(holds, bool):
            raise ValueError(
                f"claim {text!r}: holds must be a bool (the verdict of the sentence), got "
                f"{type(holds).__name__} {holds!r}; compare explicitly, e.g. all(...) or a < b"
            )
        if not holds:
            shown = ", ".join(f"{k} = {v!r}" for k, v in used.items())
            raise ClaimError(
                f"the run no longer supports the sentence {text!r}"
                + (f" ({shown})" if shown else "")
                + "; change the prose and this claim to what the run shows"
            )
    return Claim(template=sentence, sentence=text, values=used, holds=holds)


def claim(sentence: str, holds: bool | None = None, /, **values: Any) -> None:
    """Check one sentence of the prose against the run and show it as one line.

    Takes the same arguments as :func:`check` and raises the same errors. The line,
    "✓ checked: <sentence>", is displayed as an output of the cell (plain text and HTML;
    the HTML carries the record that the book build compares with the prose), so several
    claims in one cell each show their line.

    Parameters
    ----------
    sentence : str
        The sentence as the prose states it, with ``{name}`` or ``{name:format}`` fields.
    holds : bool, optional
        For a qualitative sentence: whether the run supports it.
    **values
        The measured value of every field.
    """
    result = check(sentence, holds, **values)
    try:
        from IPython.display import display
    except ImportError:  # outside Jupyter: print the line
        print(repr(result))
    else:
        display(result)
