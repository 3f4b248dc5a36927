"""`answer_form`: the one string the checker compares, used to group wrong answers and to match
authored feedback. Two inputs with the same form must get the same verdict."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.content.checker import AnswerKey, Option, Verdict, answer_form, check_answer

NUMBER = AnswerKey(answer_type="numeric", answer="12")
FRACTION = AnswerKey(answer_type="fraction", answer="3/4")
CHOICE = AnswerKey(
    answer_type="multiple_choice",
    answer="B",
    options=(Option("A", "5", "৫"), Option("B", "6", "৬"), Option("C", "seven", "সাত")),
)
TEXT = AnswerKey(answer_type="text", answer="Square", answer_bn="বর্গ")


@pytest.mark.parametrize(
    ("key", "typed", "form"),
    [
        (NUMBER, "১২", "12"),
        (NUMBER, "12.0", "12"),
        (NUMBER, "12 টাকা", "12"),
        (NUMBER, "উত্তর: ১৫", "15"),
        (NUMBER, "-3/6", "-0.5"),
        (NUMBER, "25%", "25%"),
        (NUMBER, "twelve apples and 3", None),
        (FRACTION, "6/8", "3/4"),
        (FRACTION, "০.৭৫", "3/4"),
        (FRACTION, "1 1/2", "3/2"),
        (FRACTION, "2", "2"),
        (CHOICE, "খ", "B"),
        (CHOICE, "(b)", "B"),
        (CHOICE, "৬", "B"),
        (CHOICE, "Seven", "C"),
        (CHOICE, "গ", "C"),
        (CHOICE, "zz", None),
        (TEXT, "  SQUARE. ", "square"),
        (TEXT, "বর্গ", "বর্গ"),
        (TEXT, "", None),
    ],
)
def test_answer_form_reads_as_the_checker_reads(key: AnswerKey, typed: str, form: str | None):
    assert answer_form(key, typed) == form


SPELLINGS = st.sampled_from(
    ["12", "১২", "12.0", "12 টাকা", "13", "১৩", "-12", "12/1", "24/2", "11.5", "x", "১২%", ""]
)


@settings(max_examples=200, deadline=None, database=None)
@given(first=SPELLINGS, second=SPELLINGS)
def test_same_form_means_same_verdict(first: str, second: str):
    a, b = answer_form(NUMBER, first), answer_form(NUMBER, second)
    if a is not None and a == b:
        assert check_answer(NUMBER, first).verdict == check_answer(NUMBER, second).verdict


@settings(max_examples=200, deadline=None, database=None)
@given(typed=st.text(alphabet="abcdকখগঘ()56৫৬seven .", max_size=8))
def test_a_readable_choice_is_correct_exactly_when_its_form_is_the_key(typed: str):
    form = answer_form(CHOICE, typed)
    verdict = check_answer(CHOICE, typed).verdict
    if form is None:
        assert verdict is Verdict.UNPARSEABLE
    else:
        assert (verdict is Verdict.CORRECT) == (form == "B")
