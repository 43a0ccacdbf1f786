"""nnbook.claims: a chapter's sentence, formatted from the run and checked by it."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

from nnbook.claims import CLAIM_CLASS, Claim, ClaimError, check, claim, normalise


def record_in_html(claim_: Claim) -> dict:
    """The record the book build reads from the HTML line of a claim."""
    match = re.search(
        r'class="' + CLAIM_CLASS + r'[^"]*" data-claim="([^"]*)"', claim_._repr_html_()
    )
    assert match, (
        f"no {CLAIM_CLASS} element with a data-claim attribute in {claim_._repr_html_()!r}"
    )
    return json.loads(html.unescape(match.group(1)))


def test_a_figure_claim_is_formatted_with_its_format_spec():
    result = check("A reaches {acc:.1%} on the {n} test images", acc=0.54234, n=450)
    assert result.sentence == "A reaches 54.2% on the 450 test images"
    assert result.values == {"acc": 0.54234, "n": 450}
    assert result.holds is None


def test_a_mapping_of_measurements_is_passed_whole_and_only_the_named_values_are_recorded():
    measured = {"acc": 0.5, "loss": 1.25, "seed": 3}
    result = check("accuracy {acc:.0%}", measured=measured)
    assert result.sentence == "accuracy 50%"
    assert result.values == {"acc": 0.5}


def test_a_value_given_by_keyword_wins_over_the_mapping_only_if_not_given_twice():
    assert check("{a} and {b}", measured={"a": 1}, b=2).sentence == "1 and 2"
    with pytest.raises(ValueError) as info:
        check("{a}", measured={"a": 1}, a=2)
    message = str(info.value)
    assert "claim '{a}'" in message and "a is given twice" in message


def test_a_value_the_sentence_does_not_use_is_an_error_naming_the_claim_and_the_names():
    with pytest.raises(ValueError) as info:
        check("accuracy {acc:.0%}", acc=0.5, loss=1.25, seed=3)
    message = str(info.value)
    assert "claim 'accuracy {acc:.0%}'" in message
    assert "does not use loss, seed" in message
    assert "measured=" in message  # how to pass a whole mapping instead


def test_a_misspelt_verdict_keyword_is_an_error_not_a_silent_pass():
    with pytest.raises(ValueError, match="does not use hold"):
        check("B beats A on every seed", hold=False)


@pytest.mark.parametrize("call", [check, claim])
def test_holds_given_by_keyword_is_the_verdict(call):
    with pytest.raises(ClaimError, match="'B beats A on every seed'"):
        call("B beats A on every seed", holds=False, over="3 seeds")
    result = check("B beats A on all {n} seeds", holds=True, over="3 seeds", n=3)
    assert result.holds is True and result.values == {"n": 3}
    assert result.sentence == "B beats A on all 3 seeds"


def test_a_field_named_like_an_argument_is_refused():
    with pytest.raises(ValueError) as info:
        check("the verdict {holds}", True, over="one run")
    message = str(info.value)
    assert "{holds}" in message and "rename the field" in message
    with pytest.raises(ValueError, match=r"the field \{over\} has the name of an argument"):
        check("tested over {over}", True, over="one run")


@pytest.mark.parametrize(
    "template, values, words",
    [
        ("A reaches {acc:.1%", {"acc": 0.5}, "is not a valid template"),
        ("A reaches acc:.1%}", {}, "Single '}'"),
        ("A reaches {acc:.1%}", {"acc": "high"}, "format code '%'"),
        ("A reaches {acc!z}", {"acc": 0.5}, "conversion"),
        ("A reaches {acc:{width}}", {"acc": 0.5}, "width"),
    ],
)
def test_a_malformed_field_is_a_value_error_naming_the_claim(template, values, words):
    with pytest.raises(ValueError) as info:
        check(template, **values)
    assert not isinstance(info.value, KeyError)
    message = str(info.value)
    assert f"claim {template!r}" in message
    assert words in message


def test_a_true_qualitative_claim_passes_and_records_its_verdict():
    result = check(
        "B beats A on every seed",
        all(b > a for a, b in [(0.5, 0.9), (0.6, 0.95)]),
        over="2 seeds",
    )
    assert result.sentence == "B beats A on every seed"
    assert result.holds is True and result.kind == "tested"


def test_a_numpy_bool_verdict_is_accepted():
    assert check("all positive", np.all(np.array([1, 2]) > 0), over="both").holds is True


def test_a_false_claim_raises_claim_error_quoting_the_sentence_and_values():
    with pytest.raises(ClaimError) as info:
        check("B beats A on all {n} seeds", 3 < 2, over="3 seeds", n=3)
    message = str(info.value)
    assert "the run no longer supports the sentence 'B beats A on all 3 seeds'" in message
    assert "n = 3" in message
    assert "change the prose and this claim to what the run shows" in message


def test_claim_error_is_an_assertion_error():
    # A notebook cell that raises it stops like a failed assert does.
    assert issubclass(ClaimError, AssertionError)


def test_a_missing_value_names_the_field():
    with pytest.raises(ValueError) as info:
        check("A reaches {acc:.1%} after {epochs} epochs", acc=0.5)
    assert not isinstance(info.value, KeyError)
    message = str(info.value)
    assert "claim 'A reaches {acc:.1%} after {epochs} epochs'" in message
    assert "names epochs but no value was given for it; pass epochs=<value>" in message


def test_a_non_bool_verdict_is_refused():
    with pytest.raises(ValueError) as info:
        check("most units die", 0.7, over="one run")
    message = str(info.value)
    assert "holds must be a bool" in message and "got float 0.7" in message


def test_an_indexed_field_is_refused():
    with pytest.raises(ValueError) as info:
        check("accuracy {acc[0]:.1%}", acc=[0.5])
    assert "is not a plain name" in str(info.value)


def test_an_empty_sentence_is_refused():
    with pytest.raises(ValueError) as info:
        check("  ")
    assert "expects the sentence as a non-empty str, got '  '" in str(info.value)


def test_the_reader_sees_one_line_in_text_and_html():
    result = check("A reaches {acc:.1%}", acc=0.5)
    assert repr(result) == "measured: A reaches 50.0%"
    assert "measured: A reaches 50.0%" in result._repr_html_()


class FiveRuns:
    """Stands for nnbook.evidence.Runs: what a claim reads of the runs behind it."""

    label = "5 runs"

    def __len__(self) -> int:
        return 5


def test_the_badge_says_whether_a_sentence_was_measured_or_tested_and_over_what():
    assert repr(check("A reaches {acc:.1%}", acc=0.5, over=FiveRuns())) == (
        "measured over 5 runs: A reaches 50.0%"
    )
    tested = check("B beats A in every run", True, over=FiveRuns())
    assert repr(tested) == "✓ tested over 5 runs: B beats A in every run"
    assert (tested.kind, tested.over, tested.runs) == ("tested", "5 runs", 5)
    worded = check("the weights never move", True, over="all 1,000 steps")
    assert repr(worded) == "✓ tested over all 1,000 steps: the weights never move"
    assert worded.runs is None
    assert "nnbook-claim-tested" in tested._repr_html_()
    assert "nnbook-claim-measured" in check("{n} units", n=3)._repr_html_()


def test_a_verdict_without_what_it_was_tested_over_is_refused():
    with pytest.raises(ValueError) as info:
        check("B beats A", True)
    message = str(info.value)
    assert "claim 'B beats A' has a verdict but does not say what it was tested over" in message
    assert "over=runs" in message


@pytest.mark.parametrize("over", ["", "  ", 5, [1, 2]])
def test_over_that_names_nothing_is_refused(over):
    with pytest.raises(ValueError, match="claim 'B beats A'"):
        check("B beats A", True, over=over)


def test_math_in_what_a_claim_was_tested_over_is_typeset_like_the_sentence():
    shown = check("the curves coincide", True, over="49 values of $p_9$")._repr_html_()
    assert "✓ tested over 49 values of \\(p_9\\): the curves coincide" in shown
    assert "$" not in shown.split("data-claim")[0] + shown.split('">', 1)[1]


def test_code_spans_are_shown_as_code_not_as_backticks():
    shown = check("the chapter's `MSELoss` gives {v}", v=25)._repr_html_()
    assert "<code>MSELoss</code> gives 25" in shown
    assert "`" not in shown.split("data-claim")[0] + shown.split('">', 1)[1]


def test_the_html_line_carries_the_machine_readable_record():
    result = check(
        'units "die" at {lr} & <b>{frac:.0%}</b>',
        True,
        over=FiveRuns(),
        lr=1.0,
        frac=np.float64(0.68),
    )
    record = record_in_html(result)
    assert record == {
        "sentence": 'units "die" at 1.0 & <b>68%</b>',
        "template": 'units "die" at {lr} & <b>{frac:.0%}</b>',
        "values": {"lr": 1.0, "frac": 0.68},
        "holds": True,
        "kind": "tested",
        "over": "5 runs",
        "runs": 5,
    }
    # the sentence is escaped in the visible text, not interpreted as markup
    assert "&lt;b&gt;68%&lt;/b&gt;" in result._repr_html_()


def test_inline_math_is_shown_with_the_delimiters_mathjax_reads():
    shown = check("With $H =$ {H} hidden units", H=32)._repr_html_()
    assert "measured: With \\(H =\\) 32 hidden units" in shown
    assert 'class="nnbook-claim nnbook-claim-measured mathjax_process"' in shown


def test_claim_displays_the_line(capsys):
    # Outside a kernel IPython's display prints the plain-text form.
    claim("{n} units", n=np.int64(5))
    assert "measured: 5 units" in capsys.readouterr().out


def test_claim_raises_like_check():
    with pytest.raises(ClaimError, match="'none came back'"):
        claim("none came back", False, over="one run")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("With $H =$ 32 hidden   units", "With H = 32 hidden units"),
        ("answers **5**, a digit", "answers 5, a digit"),
        ("calls `nc.fit`\n  twice ", "calls nc.fit twice"),
    ],
)
def test_normalise_drops_markup_characters_and_collapses_space(text, expected):
    assert normalise(text) == expected
