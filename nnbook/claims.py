"""Claims: the sentences of a chapter that report what a run showed, checked by the run.

A chapter writes its figures into the prose as plain numbers, so that it reads the same in
JupyterLab, Colab, GitHub's preview and the book. The cell that computes a figure states the
sentence once more, as a template filled from the computed values::

    claim("f([1, 1, 1, 1]) = {f:g}", f=out)                        # measured
    claim("B reaches {acc} on the test set", acc=runs.spread(test_acc, ".1%"), over=runs)
    claim("B beats A in every run", runs.all(lambda r: r.b > r.a), over=runs)  # tested
    claim("A reaches {acc_a:.1%} and B {acc_b:.1%}", measured=measured)  # a dict, whole

A claim is one of two kinds, and the reader sees which:

- *measured*: the sentence reports figures formatted from the run, shown as
  "measured: <sentence>" (or "measured over 5 runs: ..." when ``over`` names the runs);
- *tested*: a qualitative statement whose verdict ``holds`` the run computes; ``over`` says
  what it was tested over (a :class:`nnbook.evidence.Runs`, or words such as "every grid
  point"), shown as "✓ tested over 5 runs: <sentence>".

An interpretation (a cause, a mechanism, a generalisation) that no run tests is no claim: the
prose words it as an explanation or a hypothesis, and it carries no line.

At run time :func:`claim` formats the sentence, raises :class:`ClaimError` naming it when a
tested claim is false, and shows its line to the reader. The book build
(``_ext/claims.py``) reads the machine-readable record carried by that line and fails when
the formatted sentence does not appear, word for word and unnegated, in the page's prose; it
also lists every claim of the book, with its kind and its runs, on one appendix page.

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

_CODE = re.compile(r"`([^`]+)`")

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
        The verdict of a tested claim; None for a claim that only reports figures.
    over : str or None
        What the claim was measured or tested over ("5 runs", "every grid point"); None for
        a figure of this one run.
    runs : int or None
        The number of independent runs behind it, when ``over`` is a set of runs.
    """

    template: str
    sentence: str
    values: dict[str, Any] = field(default_factory=dict)
    holds: bool | None = None
    over: str | None = None
    runs: int | None = None

    @property
    def kind(self) -> str:
        """``"tested"`` for a claim with a verdict, else ``"measured"``."""
        return "measured" if self.holds is None else "tested"

    @property
    def badge(self) -> str:
        """What the reader sees before the sentence, e.g. "✓ tested over 5 runs"."""
        if self.kind == "tested":
            return f"✓ tested over {self.over}"
        return "measured" if self.over is None else f"measured over {self.over}"

    def record(self) -> dict[str, Any]:
        """Return the machine-readable record read by the book build.

        Returns
        -------
        dict
            ``sentence``, ``template``, ``values`` (as plain numbers and strings),
            ``holds``, ``kind``, ``over`` and ``runs``; JSON-serialisable.
        """
        return {
            "sentence": self.sentence,
            "template": self.template,
            "values": {k: _plain(v) for k, v in self.values.items()},
            "holds": self.holds,
            "kind": self.kind,
            "over": self.over,
            "runs": self.runs,
        }

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        return f"{self.badge}: {self.sentence}"

    def _repr_html_(self) -> str:
        data = html.escape(json.dumps(self.record(), ensure_ascii=False), quote=True)
        shown = _INLINE_MATH.sub(r"\\(\1\\)", html.escape(self.sentence))
        badge = _INLINE_MATH.sub(r"\\(\1\\)", html.escape(self.badge))
        shown = _CODE.sub(r"<code>\1</code>", shown)  # code spans as the prose shows them
        colour = "#2e7d32" if self.kind == "tested" else "#555555"
        return (
            # mathjax_process: the book typesets $...$ in this output as in the prose
            f'<p class="{CLAIM_CLASS} {CLAIM_CLASS}-{self.kind} mathjax_process" '
            f'data-claim="{data}" style="margin:0;color:{colour};font-size:0.85em">'
            f"{badge}: {shown}</p>"
        )


#: Argument names of :func:`check`, which a sentence's fields cannot use.
_RESERVED = ("holds", "measured", "over")


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


def _evidence(sentence: str, over: Any, holds: Any) -> tuple[str | None, int | None]:
    """What a claim rests on: ``(label, runs)`` from ``over``.

    Raises
    ------
    ValueError
        If ``over`` is neither None, a set of runs nor a non-empty str, or a tested claim
        (one with ``holds``) does not say what it was tested over.
    """
    if over is None:
        if holds is not None:
            raise ValueError(
                f"claim {sentence!r} has a verdict but does not say what it was tested over; "
                "pass over=runs (the nnbook.evidence.Runs it was computed from) or "
                "over='<what was tested>', e.g. over='every grid point'"
            )
        return None, None
    if isinstance(over, str):
        if not over.strip():
            raise ValueError(f"claim {sentence!r}: over must not be empty")
        return over.strip(), None
    label, count = getattr(over, "label", None), getattr(over, "__len__", None)
    if not isinstance(label, str) or count is None:
        raise ValueError(
            f"claim {sentence!r}: over must be the runs behind the claim "
            f"(nnbook.evidence.Runs) or words saying what was tested, got "
            f"{type(over).__name__} {over!r}"
        )
    return label, len(over)


def check(
    sentence: str,
    /,
    holds: bool | None = None,
    *,
    over: Any = None,
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
        For a qualitative sentence ("B beats A in every run"): whether the runs support it,
        given second or by keyword (``holds=...``). Omit it when the sentence only reports
        figures.
    over : nnbook.evidence.Runs or str, optional
        What the claim rests on: the runs it was computed from (its badge says "over 5
        runs"), or words saying what a verdict was tested over ("every grid point").
        Required with ``holds``; omitted, a figure is one of this run.
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
        the sentence, ``holds`` is not a bool, or a verdict comes without ``over``. The
        message quotes the sentence.
    """
    if not isinstance(sentence, str) or not sentence.strip():
        raise ValueError(f"claim expects the sentence as a non-empty str, got {sentence!r}")
    label, runs = _evidence(sentence, over, holds)
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
    return Claim(template=sentence, sentence=text, values=used, holds=holds, over=label, runs=runs)


def claim(
    sentence: str,
    /,
    holds: bool | None = None,
    *,
    over: Any = None,
    measured: Mapping[str, Any] | None = None,
    **values: Any,
) -> None:
    """Check one sentence of the prose against the run and show it as one line.

    Takes the same arguments as :func:`check` and raises the same errors. The line, its
    badge and the sentence ("✓ tested over 5 runs: ...", "measured: ..."), is displayed as
    an output of the cell (plain text and HTML; the HTML carries the record that the book
    build compares with the prose), so several claims in one cell each show their line.

    Parameters
    ----------
    sentence : str
        The sentence as the prose states it, with ``{name}`` or ``{name:format}`` fields.
    holds : bool, optional
        For a qualitative sentence: whether the run supports it (second, or ``holds=...``).
    over : nnbook.evidence.Runs or str, optional
        What the claim rests on; required with ``holds``.
    measured : mapping of str to value, optional
        A chapter's measurements, passed whole; the sentence takes the values it names.
    **values
        The measured value of fields, by name; each must be used by the sentence.
    """
    result = check(sentence, holds, over=over, measured=measured, **values)
    try:
        from IPython.display import display
    except ImportError:  # outside Jupyter: print the line
        print(repr(result))
    else:
        display(result)
