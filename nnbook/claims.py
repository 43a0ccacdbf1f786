"""Claims: the sentences of a chapter that report what a run showed, checked by the run.

A chapter writes its figures into the prose as plain numbers, so that it reads the same in
JupyterLab, Colab, GitHub's preview and the book. The cell that computes a figure states the
sentence once more, as a template filled from the computed values::

    claim("B reaches {acc:.1%} test accuracy", acc=acc_b)
    claim("B beats A on every seed", all(b > a for a, b in zip(acc_a, acc_b)))
    claim("B beats A on every seed", holds=all(b > a for a, b in zip(acc_a, acc_b)))
    claim("A reaches {acc_a:.1%} and B {acc_b:.1%}", measured=measured)  # a dict, whole

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

A claim that cannot be checked as written is a ``ValueError`` quoting its template: a
malformed field, a field without a value, a value given by keyword that the sentence does
not use (a misspelt ``holds``, say), or a non-bool verdict.
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Mapping
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


#: Argument names of :func:`check`, which a sentence's fields cannot use.
_RESERVED = ("holds", "measured")


def _fields(template: str, claim_template: str | None = None) -> list[str]:
    """The names of the replacement fields of ``template`` (``{acc:.1%}`` -> ``acc``).

    Fields nested in a format specification (``{acc:.{digits}f}``) are included;
    ``claim_template`` is the whole sentence, quoted in messages (``template`` itself when
    None).

    Raises
    ------
    ValueError
        If the template is malformed (an unclosed ``{``, a single ``}``), a field is not a
        plain name, or a field is named like an argument of :func:`check`.
    """
    quoted = template if claim_template is None else claim_template
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(
            f"claim {quoted!r} is not a valid template ({exc}); write each field as "
            "{name} or {name:format}, and a literal brace as {{ or }}"
        ) from None
    names = []
    for _, name, spec, _ in parsed:
        if name is None:
            continue
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(
                f"claim {quoted!r}: the field {{{name}}} is not a plain name; write "
                "{name} or {name:format} and pass name=value (no indexing, attributes or "
                "positional fields)"
            )
        if name in _RESERVED:
            raise ValueError(
                f"claim {quoted!r}: the field {{{name}}} has the name of an argument of "
                f"claim ({', '.join(_RESERVED)}); rename the field, e.g. {{{name}_value}}"
            )
        names.append(name)
        if spec and "{" in spec:
            names += _fields(spec, quoted)
    return names


def _gather(
    sentence: str, names: list[str], measured: Mapping[str, Any] | None, values: dict[str, Any]
) -> dict[str, Any]:
    """The value of every field of ``sentence``, from ``values`` and then ``measured``.

    Raises
    ------
    ValueError
        If a field has no value, a value is given both ways, or a value given by keyword
        is not used by the sentence.
    """
    if measured is not None and not isinstance(measured, Mapping):
        raise ValueError(
            f"claim {sentence!r}: measured must be a mapping of names to values (e.g. a "
            f"dict of a chapter's measurements), got {type(measured).__name__}"
        )
    pool = dict(measured or {})
    twice = [n for n in values if n in pool]
    if twice:
        raise ValueError(
            f"claim {sentence!r}: {', '.join(twice)} is given twice, by keyword and in "
            f"measured; pass each value once"
        )
    unused = [n for n in values if n not in names]
    if unused:
        raise ValueError(
            f"claim {sentence!r} does not use {', '.join(unused)}: pass only the values its "
            f"fields name (a verdict is holds=...); to offer a whole mapping of "
            f"measurements, pass measured=<mapping>"
        )
    pool.update(values)
    wanted = list(dict.fromkeys(names))
    missing = [n for n in wanted if n not in pool]
    if missing:
        raise ValueError(
            f"claim {sentence!r} names {', '.join(missing)} but no value was given for "
            f"{'it' if len(missing) == 1 else 'them'}; pass {missing[0]}=<value>"
        )
    return {n: pool[n] for n in wanted}


def check(
    sentence: str,
    /,
    holds: bool | None = None,
    *,
    measured: Mapping[str, Any] | None = None,
    **values: Any,
) -> Claim:
    """Check one sentence of the prose against the run (what :func:`claim` shows).

    Parameters
    ----------
    sentence : str
        The sentence as the prose states it, with ``{name}`` or ``{name:format}`` fields for
        the figures (Python format specifications, e.g. ``{acc:.1%}``). Write inline math
        as ``$...$`` and a link as its text only.
    holds : bool, optional
        For a qualitative sentence ("B beats A on every seed"): whether the run supports it,
        given second or by keyword (``holds=...``). Omit it when the sentence only reports
        figures.
    measured : mapping of str to value, optional
        A chapter's measurements, passed whole (``claim(text, measured=measured)``): the
        sentence takes the values its fields name and ignores the others.
    **values
        The measured value of fields, by name. Each must be used by the sentence.

    Returns
    -------
    Claim
        The formatted sentence, the values of its fields and its verdict.

    Raises
    ------
    ClaimError
        If ``holds`` is false; the message quotes the sentence and the values.
    ValueError
        If the sentence is malformed (an unclosed field, a field that is not a plain name
        or cannot format its value), a field has no value, a keyword value is not used by
        the sentence, or ``holds`` is not a bool. The message quotes the sentence.
    """
    if not isinstance(sentence, str) or not sentence.strip():
        raise ValueError(f"claim expects the sentence as a non-empty str, got {sentence!r}")
    names = _fields(sentence)
    used = _gather(sentence, names, measured, values)
    try:
        text = sentence.format(**used)
    except (ValueError, TypeError) as exc:
        shown = ", ".join(f"{k} = {v!r}" for k, v in used.items())
        raise ValueError(
            f"claim {sentence!r} cannot format its values ({shown}): {exc}; check each "
            "field's format specification against the type of its value"
        ) from None
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


def claim(
    sentence: str,
    /,
    holds: bool | None = None,
    *,
    measured: Mapping[str, Any] | None = None,
    **values: Any,
) -> None:
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
        For a qualitative sentence: whether the run supports it (second, or ``holds=...``).
    measured : mapping of str to value, optional
        A chapter's measurements, passed whole; the sentence takes the values it names.
    **values
        The measured value of fields, by name; each must be used by the sentence.
    """
    result = check(sentence, holds, measured=measured, **values)
    try:
        from IPython.display import display
    except ImportError:  # outside Jupyter: print the line
        print(repr(result))
    else:
        display(result)
