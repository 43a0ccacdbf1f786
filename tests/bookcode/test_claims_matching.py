"""_ext/claims.py's matching: a claim is stated only as whole tokens, and never negated.

The book build compares each claim's sentence with the page's prose (``locate``); these
tests hold the comparison to the cases that a plain substring search gets wrong.
"""

from __future__ import annotations

import importlib.util

import pytest
from repo_root import REPO_ROOT

_spec = importlib.util.spec_from_file_location("claims_ext", REPO_ROOT / "_ext" / "claims.py")
claims_ext = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(claims_ext)


def stated(sentence: str, prose: str) -> tuple[bool, str | None]:
    form = claims_ext._compare_form
    return claims_ext.locate(form(sentence), form(prose))


@pytest.mark.parametrize(
    ("sentence", "prose"),
    [
        ("the loss is 0.1", "In one run the loss is 0.1, as the figure shows."),
        ("after 1 epoch", "It dies after 1 epoch."),
        ("B beats A on every seed", "B beats A on every seed."),
        ("B beats A on every seed", "In short, B beats A on every seed; the table shows it."),
        ("reaches 97.1%", "B reaches 97.1% (5 seeds)."),
        ("in 5 of 5 runs", "This held in 5 of 5 runs."),
        ("the bias is -0.313", "the bias is \u22120.313 at the end"),
        ("the bias is \u22120.313", "the bias is -0.313 at the end"),
        ("biases moved from -0.019", "the biases moved from -0.019 to -0.313"),
        ("never goes down again", "The fraction never goes down again."),
        ("It is not true that B beats A", "It is not true that B beats A."),
    ],
)
def test_a_sentence_stated_as_whole_tokens_is_found(sentence, prose):
    assert stated(sentence, prose) == (True, None)


@pytest.mark.parametrize(
    ("sentence", "prose", "shown"),
    [
        ("the loss is 0.1", "the loss is 0.15 after training", "the loss is 0.15"),
        ("after 1", "it dies after 10 epochs", "after 10"),
        ("after 1", "it dies after 1,000 steps", "after 1,000"),
        ("reaches 97", "B reaches 97% accuracy", "reaches 97%"),
        ("reaches 97", "B reaches 97.5 points", "reaches 97.5"),
        ("0.5 of them", "-0.5 of them", "-0.5 of them"),
        ("A wins", "BA wins", "BA wins"),
        ("a gap", "a gaping hole", "a gaping"),
    ],
)
def test_a_value_inside_a_longer_number_or_word_is_not_a_statement(sentence, prose, shown):
    found, problem = stated(sentence, prose)
    assert not found
    assert problem.startswith("the prose has it only inside a longer word or number")
    assert shown in problem


@pytest.mark.parametrize(
    ("prose", "word"),
    [
        ("It is not true that B beats A.", "not"),
        ("Nobody showed that B beats A.", "Nobody"),
        ("B beats A is false.", "false"),
        ("We never saw that B beats A.", "never"),
        ("It isn't so that B beats A.", "n't"),
    ],
)
def test_a_claim_negated_by_its_prose_sentence_is_not_a_statement(prose, word):
    found, problem = stated("B beats A", prose)
    assert not found
    assert f'adds the negation "{word}"' in problem
    assert "state the whole sentence as the claim" in problem


def test_a_negation_in_the_next_sentence_does_not_count():
    assert stated("B beats A", "B beats A. Not by much, though.") == (True, None)
    assert stated("B beats A", "This is no accident: B beats A.")[0] is False
    assert stated("B beats A", "This is no accident; B beats A.") == (True, None)


def test_a_claim_ending_with_its_full_stop_is_not_judged_by_the_next_sentence():
    assert stated("B beats A.", "B beats A. Not by much, though.") == (True, None)
    assert stated("B beats A in 5 of 5 runs.", "B beats A in 5 of 5 runs. No run failed.") == (
        True,
        None,
    )


def test_a_sentence_absent_from_the_prose_has_no_problem_to_report():
    assert stated("B beats A", "A beats B.") == (False, None)


def test_a_later_whole_token_occurrence_is_found_after_a_glued_one():
    assert stated("after 1 epoch", "after 10 epochs ... after 1 epoch") == (True, None)
