"""Tests for the answer checker (apps.content.checker): examples for every reading rule, then
property tests (right values in any supported form, arbitrary input, key validation, display
round-trips). Pure Python: no database or Django settings are needed."""

from __future__ import annotations

import ast
import sys
import unicodedata
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from apps.content import checker
from apps.content.checker import (
    AnswerKey,
    AnswerType,
    CheckResult,
    InvalidKeyError,
    Option,
    Verdict,
    check_answer,
    display_answer,
    key_errors,
    normalise_text,
    parse_number,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)
SMALL_PROPERTY = settings(max_examples=100, deadline=None, database=None)

C = Verdict.CORRECT
I = Verdict.INCORRECT  # noqa: E741 - reads like a verdict table
NS = Verdict.NOT_SIMPLIFIED
U = Verdict.UNPARSEABLE

ZWJ, ZWNJ, BOM, ZWSP = "\u200d", "\u200c", "\ufeff", "\u200b"
TO_BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def numeric(answer: str, tolerance: str = "") -> AnswerKey:
    return AnswerKey(AnswerType.NUMERIC, answer, tolerance=tolerance)


def fraction(answer: str, *, simplest: bool = False) -> AnswerKey:
    return AnswerKey(AnswerType.FRACTION, answer, simplest_form=simplest)


def choice(answer: str, *texts: tuple[str, str]) -> AnswerKey:
    # Labels run to E so that a key with too many options can be built for key_errors.
    options = tuple(Option("ABCDE"[i], en, bn) for i, (en, bn) in enumerate(texts))
    return AnswerKey(AnswerType.MULTIPLE_CHOICE, answer, options=options)


def text(answer: str, *accepted: str, bn: str | None = None) -> AnswerKey:
    """A text key; its Bengali answer is `bn`, or the answer itself."""
    return AnswerKey(
        AnswerType.TEXT, answer, accepted=accepted, answer_bn=answer if bn is None else bn
    )


def verdict(key: AnswerKey, given: str) -> Verdict:
    return check_answer(key, given).verdict


# Real Bengali with vowel signs (Mn/Mc) and hasanta (virama) conjuncts.
ANGLE_OPTIONS = (
    ("acute angle", "সূক্ষ্মকোণ"),
    ("right angle", "সমকোণ"),
    ("obtuse angle", "স্থূলকোণ"),
    ("straight angle", "সরলকোণ"),
)
ANGLES = choice("C", *ANGLE_OPTIONS)
TAKA = choice(
    "B", ("36 taka", "৩৬ টাকা"), ("40 taka", "৪০ টাকা"), ("44 taka", "৪৪ টাকা"), ("48 taka", "৪৮ টাকা")
)
OBTUSE = text("obtuse", "obtuse angle", "স্থূল কোণ", bn="স্থূলকোণ")


# --------------------------------------------------------------------------------------------
# Everywhere: empty, too long, normalisation, format characters, trailing stops
# --------------------------------------------------------------------------------------------

ALL_KEYS = (numeric("42"), numeric("25%"), fraction("3/4", simplest=True), TAKA, ANGLES, OBTUSE)


@pytest.mark.parametrize("key", ALL_KEYS, ids=lambda k: f"{k.answer_type}:{k.answer}")
@pytest.mark.parametrize("given", ["", "   ", "\t\n", ZWJ + ZWNJ, "1" * 501, "a" * 501, "।"])
def test_empty_or_absurdly_long_input_is_unparseable_with_a_message(
    key: AnswerKey, given: str
) -> None:
    result = check_answer(key, given)
    assert result.verdict is U
    assert result.message


def test_too_long_message_differs_from_empty_message() -> None:
    long = check_answer(numeric("42"), "4" * 501).message
    assert "too long" in long
    assert check_answer(numeric("42"), "").message == "Type your answer first."


@pytest.mark.parametrize(
    "given",
    [
        "42",
        "  42  ",
        "42.",
        "42।",
        "৪২।",
        "42 .",
        "\u00a042\u2003",  # no-break space, em space
        "4" + ZWJ + "2",
        ZWNJ + "42" + BOM,
        ZWSP + "৪" + ZWNJ + "২",
        "４２",  # fullwidth digits (NFKC)
        "ans 42",
        "Answer: 42",
        "answer:42",
        "answer is 42",
        "ANS = 42",
        "x = 42",
        "x=42",
        "X = 42",
        "উত্তর: ৪২",
        "উত্তরঃ ৪২",
        "উত্তর ৪২",
    ],
)
def test_numeric_reading_ignores_whitespace_format_characters_and_prefixes(given: str) -> None:
    assert verdict(numeric("42"), given) is C


# --------------------------------------------------------------------------------------------
# Numeric answers
# --------------------------------------------------------------------------------------------

NUMERIC_CASES = [
    # digits: ASCII or Bengali, one script per number
    ("42", "৪২", C),
    ("42", "42", C),
    ("42", "৪3", U),
    ("42", "১2", U),
    ("12", "১2", U),
    ("42", "43", I),
    ("42", "৪৩", I),
    # signs
    ("-7", "-7", C),
    ("-7", "−7", C),  # U+2212 minus sign
    ("-7", "–7", C),  # en dash at the start
    ("-7", "−৭", C),
    ("-7", "- 7", C),
    ("-7", "x = −7", C),
    ("-7", "7", I),
    ("7", "+7", C),
    ("7", "-7", I),
    ("-7", "7–", U),
    ("1", "4–3", U),  # an en dash in the middle is not a minus
    ("0", "-0", C),
    # grouping
    ("1234567", "1,234,567", C),
    ("1234567", "12,34,567", C),
    ("1234567", "১২,৩৪,৫৬৭", C),
    ("1234567", "১,২৩৪,৫৬৭", C),
    ("100000", "1,00,000", C),
    ("1234", "1,234", C),
    ("12345", "12,345", C),
    ("1234567.5", "12,34,567.50", C),
    ("35", "3,5", U),
    ("123", "12,3", U),
    ("1234567", "1,23,4567", U),
    ("1234567", "12,3456,7", U),
    ("125", "0,125", U),
    ("123", ",123", U),
    ("1234", "1,234,", U),
    ("1234", "1,,234", U),
    # decimals
    ("3.5", "3.5", C),
    ("3.5", "3.50", C),
    ("3.5", "3.500000", C),
    ("3.5", "৩.৫", C),
    ("3.5", "৩.৫০", C),
    ("0.5", ".5", C),
    ("3.5", "3.05", I),
    ("3.5", "3.5.0", U),
    ("3.5", "3·5", U),
    ("3", "3.0", C),
    # a fraction or mixed number for a numeric answer
    ("3.5", "7/2", C),
    ("3.5", "3 1/2", C),
    ("3.5", "৩ ১/২", C),
    ("3.5", "3½", C),
    ("3.5", "14/4", C),
    ("0.5", "½", C),
    ("3.5", "7/0", U),
    ("-3.5", "-3 1/2", C),
    ("-3.5", "−৭/২", C),
    # two numbers, or words that are not units
    ("5", "5 or 6", U),
    ("5", "৫ বা ৬", U),
    ("5", "5 6", U),
    ("5", "5-6", U),
    ("5", "5, 6", U),
    ("5", "5cm 6cm", U),
    ("5", "5 apples", U),
    ("5", "five", U),
    ("5", "not 5", U),
    ("25", "5²", U),
    ("5", "5e0", U),
    ("5", "(5)", C),
    ("-5", "(-5)", C),
]


@pytest.mark.parametrize(("answer", "given", "expected"), NUMERIC_CASES)
def test_numeric_examples(answer: str, given: str, expected: Verdict) -> None:
    assert verdict(numeric(answer), given) is expected


CURRENCY_AND_UNITS = [
    "{} taka",
    "{} Taka",
    "{}tk",
    "{} tk.",
    "Tk {}",
    "tk. {}",
    "Tk.{}",
    "৳{}",
    "৳ {}",
    "{} ৳",
    "{} টাকা",
    "{}টাকা",
    "${}",
    "{} $",
    "{} dollars",
    "{} ডলার",
    "{} paisa",
    "{} পয়সা",
    "{} cm",
    "{}cm",
    "{} সেমি",
    "{} সে.মি.",
    "{} m",
    "{}m",
    "{} মিটার",
    "{} km",
    "{} কিমি",
    "{} kg",
    "{} কেজি",
    "{} g",
    "{} গ্রাম",
    "{} litre",
    "{} liter",
    "{} l",
    "{} লিটার",
    "{} ml",
    "{}°",
    "{} °",
    "{}º",
    "{} degrees",
    "{} ডিগ্রি",
    "{} cm²",
    "{}cm²",
    "{} m²",
    "{} cm^2",
    "{} sq cm",
    "{} sq. cm",
    "{} square metres",
    "{} square meters",
    "{} বর্গমিটার",
    "{} বর্গ মিটার",
    "{} বর্গ সেমি",
    "{} cubic cm",
    "{} cm³",
    "{} ঘন সেমি",
    "{} years",
    "{} বছর",
    "{} days",
    "{} দিন",
    "{} hours",
    "{} ঘণ্টা",
    "{} minutes",
    "{} মিনিট",
    "{} km/h",
    "{} students",
    "{} people",
    "{} জন",
    "{}টি",
    "{} টি",
    "{}টা",
    "{} Students.",
    "answer: {} taka",
    "উত্তর: {} টাকা",
]


@pytest.mark.parametrize("template", CURRENCY_AND_UNITS)
@pytest.mark.parametrize("number", ["5", "৫", "1,250", "১২,৫০০"])
def test_numeric_currency_and_unit_words_are_ignored(template: str, number: str) -> None:
    value = number.translate(str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")).replace(",", "")
    assert verdict(numeric(value), template.format(number)) is C
    assert verdict(numeric(value + "1"), template.format(number)) is I


@pytest.mark.parametrize(
    "given",
    ["25", "25%", "25 %", "২৫%", "২৫ %", "25 percent", "25 per cent", "২৫ শতাংশ", "শতকরা ২৫", "25٪"],
)
def test_percentage_answer_accepts_number_with_or_without_percent(given: str) -> None:
    assert verdict(numeric("25%"), given) is C
    assert verdict(numeric("26%"), given) is I


@pytest.mark.parametrize("given", ["25%", "25 %", "২৫%", "25 percent", "২৫ শতাংশ", "শতকরা ২৫"])
def test_percent_on_a_non_percentage_answer_is_unparseable(given: str) -> None:
    result = check_answer(numeric("25"), given)
    assert result.verdict is U
    assert result.message == "Type just the number, without %."


def test_percentage_answer_compares_the_number_before_the_sign() -> None:
    assert verdict(numeric("25%"), "0.25") is I
    assert verdict(numeric("12.5%"), "12.5") is C
    assert verdict(numeric("12.5%"), "১২.৫ শতাংশ") is C


TOLERANCE_CASES = [
    ("3.1416", "0.01", "3.14", C),
    ("3.1416", "0.01", "3.1516", C),  # exactly on the boundary
    ("3.1416", "0.01", "3.1517", I),
    ("3.1416", "0.01", "3.13", I),
    ("3.1416", "0.01", "৩.১৪", C),
    ("100", "1%", "101", C),
    ("100", "1%", "99", C),
    ("100", "1%", "101.01", I),
    ("100", "1%", "98.9", I),
    ("-200", "1%", "-202", C),
    ("-200", "1%", "-203", I),
    ("0", "1%", "0.001", I),  # relative to 0 is exact
    ("3.5", "", "3.50", C),
    ("3.5", "", "3.5000001", I),
    ("1/3", "", "0.333", I),  # numeric answers are exact unless a tolerance says otherwise
    ("1/3", "0.001", "0.333", C),
    ("25%", "0.5", "25.5%", C),
    ("25%", "0.5", "25.6", I),
    ("10", " 0.5 ", "10.5", C),
    ("10", "০.৫", "10.5", C),
]


@pytest.mark.parametrize(("answer", "tolerance", "given", "expected"), TOLERANCE_CASES)
def test_numeric_tolerance(answer: str, tolerance: str, given: str, expected: Verdict) -> None:
    assert verdict(numeric(answer, tolerance), given) is expected


@pytest.mark.parametrize(
    ("answer", "given"),
    [("42", "৪২"), (" ৪২ ", "42"), ("-7", "−৭"), ("1,234", "1234"), ("২৫%", "25"), ("7/2", "3.5")],
)
def test_numeric_keys_are_read_leniently(answer: str, given: str) -> None:
    assert key_errors(numeric(answer)) == []
    assert verdict(numeric(answer), given) is C


# --------------------------------------------------------------------------------------------
# Fraction answers
# --------------------------------------------------------------------------------------------

FRACTION_CASES = [
    ("3/4", False, "3/4", C),
    ("3/4", False, "৩/৪", C),
    ("3/4", False, "3 / 4", C),
    ("3/4", False, "3 /4", C),
    ("3/4", False, "৩ / ৪", C),
    ("3/4", False, "3⁄4", C),  # U+2044 fraction slash
    ("3/4", False, "3∕4", C),  # U+2215 division slash
    ("3/4", False, "¾", C),
    ("3/4", False, "6/8", C),
    ("3/4", False, "৬/৮", C),
    ("3/4", False, "75/100", C),
    ("3/4", False, "0.75", C),
    ("3/4", False, "০.৭৫", C),
    ("3/4", False, ".75", C),
    ("3/4", False, "0.750", C),
    ("3/4", False, "3/4.", C),
    ("3/4", False, "x = 3/4", C),
    ("3/4", False, "উত্তর: ৩/৪।", C),
    ("3/4", False, "3" + ZWNJ + "/4", C),
    ("3/4", False, "4/3", I),
    ("3/4", False, "-3/4", I),
    ("3/4", False, "0.7", I),
    ("3/4", False, "0.76", I),
    ("3/4", False, "1", I),
    ("3/4", False, "৩/2", U),
    ("3/4", False, "3/0", U),
    ("3/4", False, "0/0", U),
    ("3/4", False, "3/4/5", U),
    ("3/4", False, "3 4", U),
    ("3/4", False, "3/-4", U),
    ("3/4", False, "1.5/2", U),
    ("3/4", False, "three quarters", U),
    ("3/4", False, "75%", U),
    ("-3/4", False, "-3/4", C),
    ("-3/4", False, "−৩/৪", C),
    ("-3/4", False, "–3/4", C),
    ("-3/4", False, "-0.75", C),
    ("-3/4", False, "-6/8", C),
    ("-2/5", False, "-2/5", C),
    ("-2/5", False, "−০.৪", C),
    # mixed numbers and improper fractions
    ("3/2", False, "1 1/2", C),
    ("3/2", False, "১ ১/২", C),
    ("3/2", False, "1½", C),
    ("3/2", False, "1 ½", C),
    ("3/2", False, "১½", C),
    ("3/2", False, "3/2", C),
    ("3/2", False, "1.5", C),
    ("3/2", False, "11/2", I),
    ("2 1/3", False, "7/3", C),
    ("2 1/3", False, "2 1/3", C),
    ("2 1/3", False, "২ ১/৩", C),
    ("2 1/3", False, "2⅓", C),
    ("2 1/3", False, "2 2/6", C),
    ("2 1/3", False, "2 1 / 3", C),
    ("2 1/3", False, "2.33", C),
    ("2 1/3", False, "2.3", I),
    ("-2 1/3", False, "-2 1/3", C),
    ("-2 1/3", False, "-7/3", C),
    ("-2 1/3", False, "2 1/3", I),
    ("2 1/3", False, "2 1/0", U),
    # integers when the value is an integer
    ("4/2", False, "2", C),
    ("2", False, "2", C),
    ("2", False, "২", C),
    ("2", False, "2.0", C),
    ("2", False, "6/3", C),
    # non-terminating decimals: at least 2 places, correctly rounded
    ("1/3", False, "0.33", C),
    ("1/3", False, "0.333", C),
    ("1/3", False, "০.৩৩", C),
    ("1/3", False, "0.3333333", C),
    ("1/3", False, "0.3", I),
    ("1/3", False, "0.34", I),
    ("1/3", False, "0.334", I),
    ("2/3", False, "0.67", C),
    ("2/3", False, "0.667", C),
    ("2/3", False, "0.66", I),  # truncated, not rounded
    ("2/3", False, "0.666", I),
    ("-2/3", False, "-0.67", C),
    ("1/7", False, "0.14", C),
    ("1/7", False, "0.143", C),
    ("1/8", False, "0.13", I),  # 1/8 terminates: only 0.125 is right
    ("1/8", False, "0.125", C),
]


@pytest.mark.parametrize(("answer", "simplest", "given", "expected"), FRACTION_CASES)
def test_fraction_examples(answer: str, simplest: bool, given: str, expected: Verdict) -> None:
    assert verdict(fraction(answer, simplest=simplest), given) is expected


SIMPLEST_CASES = [
    ("3/4", "3/4", C),
    ("3/4", "৩/৪", C),
    ("3/4", "¾", C),
    ("3/4", "6/8", NS),
    ("3/4", "৬/৮", NS),
    ("3/4", "-6/8", I),
    ("3/4", "6/9", I),
    ("3/4", "0.75", C),  # a decimal never triggers NOT_SIMPLIFIED
    ("3/2", "3/2", C),  # improper but in lowest terms
    ("3/2", "1 1/2", C),
    ("3/2", "6/4", NS),
    ("3/2", "1 2/4", NS),
    ("3/2", "1.5", C),
    ("2", "2", C),  # an integer never triggers NOT_SIMPLIFIED
    ("2", "4/2", NS),
    ("2", "2.0", C),
    ("1/3", "2/6", NS),
    ("1/3", "0.33", C),
    ("2 1/3", "2 1/3", C),
    ("2 1/3", "2 2/6", NS),
    ("2 1/3", "1 4/3", NS),  # a mixed number needs a proper fraction part
    ("2 1/3", "7/3", C),
]


@pytest.mark.parametrize(("answer", "given", "expected"), SIMPLEST_CASES)
def test_fraction_simplest_form(answer: str, given: str, expected: Verdict) -> None:
    assert verdict(fraction(answer, simplest=True), given) is expected


def test_not_simplified_carries_a_message() -> None:
    key = fraction("3/4", simplest=True)
    result = check_answer(key, "6/8")
    assert result.verdict is NS
    assert result.message == "Right value — now write it in lowest terms."
    assert check_answer(key, "৬/৮").verdict is NS


def test_zero_denominator_message_mentions_the_bottom() -> None:
    result = check_answer(fraction("3/4"), "3/0")
    assert result.verdict is U
    assert "0 at the bottom" in result.message


# --------------------------------------------------------------------------------------------
# Multiple choice
# --------------------------------------------------------------------------------------------

CHOICE_CASES = [
    # letters, any case, wrapped
    (ANGLES, "C", C),
    (ANGLES, "c", C),
    (ANGLES, "(c)", C),
    (ANGLES, "(C)", C),
    (ANGLES, "c)", C),
    (ANGLES, "C.", C),
    (ANGLES, " C ", C),
    (ANGLES, "[c]", C),
    (ANGLES, "c:", C),
    (ANGLES, "answer: C", C),
    (ANGLES, "option c", C),
    (ANGLES, "উত্তর: গ", C),
    (ANGLES, "A", I),
    (ANGLES, "(b)", I),
    (ANGLES, "d.", I),
    # Bengali letters ক খ গ ঘ
    (ANGLES, "গ", C),
    (ANGLES, "(গ)", C),
    (ANGLES, "গ)", C),
    (ANGLES, "গ।", C),
    (ANGLES, "ক", I),
    (ANGLES, "ঘ", I),
    # option numbers when no option text is a number
    (ANGLES, "3", C),
    (ANGLES, "৩", C),
    (ANGLES, "(3)", C),
    (ANGLES, "3)", C),
    (ANGLES, "1", I),
    (ANGLES, "৪", I),
    (ANGLES, "5", U),
    (ANGLES, "0", U),
    # the option's text in either language
    (ANGLES, "obtuse angle", C),
    (ANGLES, "Obtuse Angle!", C),
    (ANGLES, "  OBTUSE   angle. ", C),
    (ANGLES, "স্থূলকোণ", C),
    (ANGLES, "স্থূলকোণ।", C),
    (ANGLES, "স্থূল" + ZWNJ + "কোণ", C),
    (ANGLES, "স্" + ZWJ + "থূলকোণ", C),
    (ANGLES, "right angle", I),
    (ANGLES, "সমকোণ", I),
    (ANGLES, "সূক্ষ্মকোণ", I),
    (ANGLES, "C) obtuse angle", C),
    (ANGLES, "গ) স্থূলকোণ", C),
    (ANGLES, "C) right angle", U),  # letter and text disagree: ask again
    (ANGLES, "obtuse", U),
    (ANGLES, "E", U),
    (ANGLES, "e)", U),
    (ANGLES, "ঙ", U),
    (ANGLES, "C D", U),
    (ANGLES, "a right angle", U),  # text, not the letter a
    # options whose text is a number: typed numbers are texts, compared by value
    (TAKA, "B", C),
    (TAKA, "খ", C),
    (TAKA, "40", C),
    (TAKA, "৪০", C),
    (TAKA, "40 taka", C),
    (TAKA, "৪০ টাকা", C),
    (TAKA, "৳40", C),
    (TAKA, "Tk. 40", C),
    (TAKA, "40.00", C),
    (TAKA, "B) 40 taka", C),
    (TAKA, "খ) ৪০ টাকা", C),
    (TAKA, "36", I),
    (TAKA, "৩৬ টাকা", I),
    (TAKA, "2", U),  # a position is not read when options are numbers
    (TAKA, "১", U),
    (TAKA, "41", U),
    (TAKA, "B) 36 taka", U),
]


@pytest.mark.parametrize(("key", "given", "expected"), CHOICE_CASES)
def test_multiple_choice_examples(key: AnswerKey, given: str, expected: Verdict) -> None:
    assert verdict(key, given) is expected


def test_numeric_option_texts_win_over_positions() -> None:
    key = choice("A", ("3", "৩"), ("1", "১"), ("4", "৪"), ("2", "২"))
    assert verdict(key, "3") is C
    assert verdict(key, "৩") is C
    assert verdict(key, "1") is I  # option B's text, not position 1
    assert verdict(key, "5") is U
    assert verdict(key, "a") is C


def test_options_may_come_in_any_order_of_labels() -> None:
    key = AnswerKey(
        AnswerType.MULTIPLE_CHOICE,
        "B",
        options=(Option("B", "right", "সমকোণ"), Option("A", "acute", "সূক্ষ্মকোণ")),
    )
    assert key_errors(key) == []
    assert verdict(key, "2") is C
    assert verdict(key, "right") is C
    assert verdict(key, "1") is I


def test_unparseable_choice_lists_the_valid_letters() -> None:
    three = choice("A", ("x", "ক"), ("y", "খ"), ("z", "গ"))
    assert check_answer(ANGLES, "maybe").message == (
        "Type the letter of your choice: A, B, C or D."
    )
    assert check_answer(three, "maybe").message.endswith("A, B or C.")
    assert check_answer(ANGLES, "জানি না").verdict is U


# --------------------------------------------------------------------------------------------
# Text answers
# --------------------------------------------------------------------------------------------

TEXT_CASES = [
    ("obtuse", C),
    ("Obtuse", C),
    ("OBTUSE", C),
    ("  obtuse  ", C),
    ("obtuse.", C),
    ("obtuse!!!", C),
    ("'obtuse'", C),
    ("obtuse angle", C),
    ("Obtuse   Angle.", C),
    ("obtuse-angle", C),
    ("স্থূলকোণ", C),
    ("স্থূলকোণ।", C),
    ("স্থূল কোণ", C),
    ("স্থূল  কোণ ।", C),
    ("স্থূল" + ZWNJ + "কোণ", C),
    ("স্" + ZWNJ + "থূলকোণ", C),
    (BOM + "obtuse" + ZWSP, C),
    ("ｏｂｔｕｓｅ", C),  # fullwidth
    ("acute", I),
    ("obtuse angles", I),
    ("obtus", I),
    ("সূক্ষ্মকোণ", I),
    ("স্থলকোণ", I),  # vowel sign ূ missing: combining marks count
    ("স্থূলকোন", I),  # ন instead of ণ
    ("...", U),
    ("!?", U),
    ("।", U),
    (ZWNJ, U),
    ("—", U),
]


@pytest.mark.parametrize(("given", "expected"), TEXT_CASES)
def test_text_examples(given: str, expected: Verdict) -> None:
    assert verdict(OBTUSE, given) is expected


def test_text_answer_matches_across_unicode_normal_forms() -> None:
    key = text("কোণ")  # ো written as one code point U+09CB
    decomposed = unicodedata.normalize("NFD", "কোণ")  # ে + া
    assert decomposed != "কোণ"
    assert verdict(key, decomposed) is C
    assert verdict(key, "কেণ") is I
    nukta = text("বাড়ি")  # ড় typed as ড + nukta (U+09BC)
    assert verdict(nukta, "বা\u09dcি") is C  # the precomposed letter U+09DC
    assert verdict(nukta, "বাডি") is I  # without the nukta


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  Obtuse   Angle. ", "obtuse angle"),
        ("স্থূল" + ZWNJ + "কোণ।", "স্থূলকোণ"),
        ("সূক্ষ্মকোণ", "সূক্ষ্মকোণ"),
        ("a+b=c", "a b c"),
        ("x² − 1", "x2 1"),
        ("Straße", "strasse"),
        ("", ""),
        (ZWJ, ""),
    ],
)
def test_normalise_text(raw: str, folded: str) -> None:
    assert normalise_text(raw) == folded


def test_normalise_text_keeps_bengali_combining_marks() -> None:
    folded = normalise_text("স্থূলকোণ")
    assert {unicodedata.category(char) for char in folded} >= {"Mn", "Mc", "Lo"}


# --------------------------------------------------------------------------------------------
# Messages and languages
# --------------------------------------------------------------------------------------------


def test_a_note_is_a_catalogue_message_id_the_caller_translates() -> None:
    result = check_answer(numeric("25"), "abc")
    assert result.verdict is U and result.note is not None
    assert result.note.text == "Type just the number, like 25 or 3.5."
    assert result.note.render(str.upper) == "TYPE JUST THE NUMBER, LIKE 25 OR 3.5."


@pytest.mark.parametrize(
    ("key", "given", "fragment"),
    [
        (numeric("42"), "১2", "one kind of digits"),
        (numeric("42"), "4 or 2", "only one number"),
        (numeric("35"), "3,5", "commas"),
        (numeric("25%"), "abc", "25%"),
        (fraction("3/4"), "abc", "3/4"),
        (OBTUSE, "...", "in words"),
    ],
)
def test_unparseable_messages_say_what_to_type(key: AnswerKey, given: str, fragment: str) -> None:
    result = check_answer(key, given)
    assert result.verdict is U
    assert fragment in result.message


@pytest.mark.parametrize(
    ("key", "given"), [(numeric("42"), "42"), (numeric("42"), "41"), (OBTUSE, "acute"), (TAKA, "B")]
)
def test_judged_answers_have_no_message(key: AnswerKey, given: str) -> None:
    assert check_answer(key, given).message == ""


# --------------------------------------------------------------------------------------------
# parse_number, display_answer, key_errors, invalid keys
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("42", Fraction(42)),
        ("-৭", Fraction(-7)),
        ("১২,৩৪,৫৬৭.৫", Fraction(2469135, 2)),
        ("2 1/3", Fraction(7, 3)),
        ("½", Fraction(1, 2)),
        ("৳ 36", Fraction(36)),
        ("25%", Fraction(25)),
        ("x = −3.25", Fraction(-13, 4)),
        ("", None),
        ("abc", None),
        ("1/0", None),
        ("3,5", None),
        ("১2", None),
        ("5 or 6", None),
    ],
)
def test_parse_number(raw: str, value: Fraction | None) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize(
    ("key", "english", "bengali"),
    [
        (numeric("42"), "42", "৪২"),
        (numeric("-7"), "-7", "-৭"),
        (numeric("৩.৫০"), "3.5", "৩.৫"),
        (numeric("25%"), "25%", "২৫%"),
        (numeric("7/3"), "7/3", "৭/৩"),
        (numeric("1,234,567"), "1234567", "১২৩৪৫৬৭"),
        (fraction("3/4"), "3/4", "৩/৪"),
        (fraction("6/8"), "3/4", "৩/৪"),
        (fraction("-2/5"), "-2/5", "-২/৫"),
        (fraction("2 1/3"), "2 1/3", "২ ১/৩"),
        (fraction("7/3"), "7/3", "৭/৩"),
        (fraction("4/2"), "2", "২"),
        (ANGLES, "C) obtuse angle", "গ) স্থূলকোণ"),
        (TAKA, "B) 40 taka", "খ) ৪০ টাকা"),
        (OBTUSE, "obtuse", "স্থূলকোণ"),
    ],
)
def test_display_answer(key: AnswerKey, english: str, bengali: str) -> None:
    assert display_answer(key, "en") == english
    assert display_answer(key, "bn") == bengali
    assert verdict(key, english) is C
    assert verdict(key, bengali) is C


def test_display_answer_never_raises_for_a_bad_key() -> None:
    assert display_answer(numeric("forty"), "bn") == "forty"
    assert display_answer(AnswerKey("essay", " x "), "en") == "x"


WELL_FORMED_KEYS = [
    numeric("42"),
    numeric("-7"),
    numeric("3.5"),
    numeric("25%"),
    numeric("৪২"),
    numeric(" 1,234 "),
    numeric("3.1416", "0.01"),
    numeric("100", "1%"),
    numeric("7/3"),
    fraction("3/4"),
    fraction("-2/5", simplest=True),
    fraction("2 1/3", simplest=True),
    fraction("৩/৪", simplest=True),
    fraction("6/8"),
    fraction("2"),
    ANGLES,
    TAKA,
    choice("b", ("yes", "হ্যাঁ"), ("no", "না")),
    choice("খ", ("yes", "হ্যাঁ"), ("no", "না")),
    OBTUSE,
    text("স্থূলকোণ"),
]


@pytest.mark.parametrize("key", WELL_FORMED_KEYS, ids=lambda k: f"{k.answer_type}:{k.answer}")
def test_key_errors_accepts_well_formed_keys(key: AnswerKey) -> None:
    assert key_errors(key) == []


BAD_KEYS = [
    (AnswerKey("essay", "x"), "unknown answer type"),
    (AnswerKey("Numeric", "42"), "unknown answer type"),
    (numeric(""), "not a number"),
    (numeric("forty"), "not a number"),
    (numeric("42 taka"), "not a number"),
    (numeric("5 or 6"), "not a number"),
    (numeric("৪2"), "not a number"),
    (numeric("3,5"), "not a number"),
    (numeric("1/0"), "not a number"),
    (numeric("42", "abc"), "tolerance"),
    (numeric("42", "-1"), "tolerance"),
    (numeric("42", "1 %%"), "tolerance"),
    (AnswerKey("fraction", "3/4", tolerance="0.1"), "tolerance"),
    (AnswerKey("text", "obtuse", tolerance="1%"), "tolerance"),
    (fraction("three quarters"), "not a fraction"),
    (fraction("3/0"), "not a fraction"),
    (fraction("75%"), "not a fraction"),
    (fraction("6/8", simplest=True), "lowest terms"),
    (fraction("2 2/4", simplest=True), "lowest terms"),
    (AnswerKey("numeric", "42", simplest_form=True), "simplest form"),
    (AnswerKey("numeric", "42", accepted=("forty-two",)), "accepted"),
    (AnswerKey("text", "x", options=(Option("A", "x", "x"),)), "options"),
    (choice("E", ("yes", "হ্যাঁ"), ("no", "না")), "not one of the option letters"),
    (choice("C", ("yes", "হ্যাঁ"), ("no", "না")), "not one of the option letters"),
    (choice("", ("yes", "হ্যাঁ"), ("no", "না")), "not one of the option letters"),
    (choice("A", ("yes", "হ্যাঁ")), "2 to 4 options"),
    (choice("A"), "2 to 4 options"),
    (choice("A", *ANGLE_OPTIONS, ("reflex angle", "প্রবৃদ্ধ কোণ")), "2 to 4 options"),
    (choice("A", ("yes", ""), ("no", "না")), "no Bengali text"),
    (choice("A", ("  ", "হ্যাঁ"), ("no", "না")), "no English text"),
    (choice("A", ("yes", "হ্যাঁ"), ("Yes!", "না")), "same text"),
    (choice("A", ("yes", "হ্যাঁ"), ("no", "হ্যাঁ")), "same text"),
    (choice("A", ("36 taka", "৩৬ টাকা"), ("36", "ছত্রিশ")), "same text or value"),
    (
        AnswerKey(
            "multiple_choice",
            "A",
            options=(Option("A", "yes", "হ্যাঁ"), Option("C", "no", "না")),
        ),
        "labelled",
    ),
    (
        AnswerKey(
            "multiple_choice",
            "A",
            options=(Option("A", "yes", "হ্যাঁ"), Option("A", "no", "না")),
        ),
        "labelled",
    ),
    (text(""), "text answer is empty"),
    (text("?!"), "text answer is empty"),
    (text("obtuse", ""), "accepted answer 1 is empty"),
    (text("x" * 501), "longer than 500"),
]


@pytest.mark.parametrize(("key", "fragment"), BAD_KEYS)
def test_key_errors_reports_bad_keys(key: AnswerKey, fragment: str) -> None:
    errors = key_errors(key)
    assert errors
    assert any(fragment.lower() in error.lower() for error in errors), errors


@pytest.mark.parametrize(
    "key",
    [
        AnswerKey("essay", "x"),
        numeric("forty"),
        numeric("42", "abc"),
        fraction("3/0"),
        choice("E", ("yes", "হ্যাঁ"), ("no", "না")),
        choice("A", ("yes", "হ্যাঁ")),
        text("?"),
        AnswerKey("text", "x", accepted=None),  # type: ignore[arg-type]
    ],
)
def test_check_answer_refuses_an_unusable_key(key: AnswerKey) -> None:
    assert key_errors(key)
    with pytest.raises(InvalidKeyError):
        check_answer(key, "42")


@pytest.mark.parametrize(
    "module", sorted(Path(checker.__file__).parent.glob("*.py")), ids=lambda p: p.name
)
def test_checker_imports_only_the_standard_library(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
    assert "django" not in imported


# --------------------------------------------------------------------------------------------
# Property 1: any right value written in any supported form is CORRECT
# --------------------------------------------------------------------------------------------

MINUS_SIGNS = ["-", "−", "–"]
PREFIX_UNITS = ["৳", "৳ ", "$", "Tk ", "tk. ", "Tk.", "Rs. "]
SUFFIX_UNITS = [
    "taka", "টাকা", "tk", "cm", "সেমি", "সে.মি.", "m", "মিটার", "km", "kg", "কেজি", "g", "গ্রাম",
    "l", "লিটার", "ml", "°", "degrees", "ডিগ্রি", "cm²", "sq cm", "বর্গমিটার", "বর্গ সেমি",
    "cubic cm", "ঘন সেমি", "years", "বছর", "days", "দিন", "hours", "ঘণ্টা", "minutes",
    "মিনিট", "students", "people", "জন", "টি", "টা", "dollars", "ডলার", "paisa",
]  # fmt: skip
ANSWER_PREFIXES = ["", "", "", "x = ", "x=", "উত্তর: ", "answer: ", "ans ", "Ans: "]
ENDINGS = ["", "", "", ".", "।", " "]


def group_indian(digits: str) -> str:
    if len(digits) <= 3:
        return digits
    head, groups = digits[:-3], [digits[-3:]]
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *groups])


def group_international(digits: str) -> str:
    return f"{int(digits):,}"


def plain_decimal(value: Fraction, places: int) -> str:
    """``value`` (a multiple of 10**-places) with exactly ``places`` decimals, ASCII."""
    scaled = abs(value) * 10**places
    assert scaled.denominator == 1
    digits = str(scaled.numerator).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[: len(digits) - places]}.{digits[len(digits) - places :]}".rstrip(".")


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[Fraction, str]:
    """A decimal value and one way a student might type it."""
    places = draw(st.integers(0, 3))
    value = Fraction(draw(st.integers(-(10**10), 10**10)), 10**places)
    body = plain_decimal(value, places).lstrip("-")
    whole, _, decimals = body.partition(".")
    groupings: list[Callable[[str], str]] = [str, group_international, group_indian]
    grouping = draw(st.sampled_from(groupings))
    extra_zeros = "0" * draw(st.integers(0, 2))
    body = grouping(whole) + (f".{decimals}{extra_zeros}" if decimals or extra_zeros else "")
    if draw(st.booleans()):
        body = body.translate(TO_BENGALI)
    sign = draw(st.sampled_from(MINUS_SIGNS)) if value < 0 else draw(st.sampled_from(["", "", "+"]))
    prefix_unit = draw(st.sampled_from(["", "", *PREFIX_UNITS]))
    suffix_unit = "" if prefix_unit else draw(st.sampled_from(["", *SUFFIX_UNITS]))
    space = draw(st.sampled_from(["", " "]))
    number = f"{sign}{prefix_unit}{body}" if draw(st.booleans()) else f"{prefix_unit}{sign}{body}"
    typed = f"{number}{space}{suffix_unit}" if suffix_unit else number
    typed = draw(st.sampled_from(ANSWER_PREFIXES)) + typed + draw(st.sampled_from(ENDINGS))
    return value, sprinkle_format_chars(draw, typed)


def sprinkle_format_chars(draw: st.DrawFn, typed: str) -> str:
    if not typed or not draw(st.booleans()):
        return typed
    at = draw(st.integers(0, len(typed)))
    return typed[:at] + draw(st.sampled_from([ZWJ, ZWNJ, BOM, ZWSP])) + typed[at:]


@PROPERTY
@given(written_numbers())
@example((Fraction(1234567), "১২,৩৪,৫৬৭ টাকা"))
@example((Fraction(-7), "−৭"))
def test_property_numeric_right_value_in_any_form_is_correct(case: tuple[Fraction, str]) -> None:
    value, typed = case
    assert verdict(numeric(canonical(value)), typed) is C, typed
    assert verdict(numeric(canonical(value + Fraction(1, 1000))), typed) is I, typed


def canonical(value: Fraction) -> str:
    places = terminating_places(value)
    assert places is not None
    return plain_decimal(value, places)


@st.composite
def written_percentages(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(key answer, typed input, whether the input carries a percent marker)."""
    value = Fraction(draw(st.integers(0, 100_000)), 10)
    digits = plain_decimal(value, 1)
    if draw(st.booleans()):
        digits = digits.translate(TO_BENGALI)
    marker = draw(st.sampled_from(["", "%", " %", " percent", " শতাংশ", "শতকরা "]))
    typed = marker + digits if marker == "শতকরা " else digits + marker
    return plain_decimal(value, 1) + "%", typed, bool(marker)


@PROPERTY
@given(written_percentages())
def test_property_percentages(case: tuple[str, str, bool]) -> None:
    answer, typed, marked = case
    assert verdict(numeric(answer), typed) is C
    plain = numeric(answer.removesuffix("%"))
    assert verdict(plain, typed) is (U if marked else C)


@st.composite
def fractions_and_renderings(draw: st.DrawFn, *, simplest: bool) -> tuple[str, str]:
    """(key answer, typed input) with the same value; only lowest-terms forms if ``simplest``."""
    numerator = draw(st.integers(-60, 60))
    denominator = draw(st.integers(1, 40))
    value = Fraction(numerator, denominator)
    key = f"{value.numerator}/{value.denominator}" if simplest else f"{numerator}/{denominator}"
    forms = [f"{value.numerator}/{value.denominator}"]
    scale = 1 if simplest else draw(st.integers(1, 6))
    forms.append(f"{abs(value.numerator) * scale}/{value.denominator * scale}")
    if abs(value) > 1 and value.denominator > 1:
        whole, rest = divmod(abs(value.numerator), value.denominator)
        forms.append(f"{whole} {rest * scale}/{value.denominator * scale}")
    if value.denominator == 1:
        forms.append(str(abs(value.numerator)))
    places = terminating_places(value)
    if places is not None:
        forms.append(plain_decimal(abs(value), places))
    typed = draw(st.sampled_from(forms)).lstrip("-")
    typed = typed.replace("/", draw(st.sampled_from(["/", " / ", "⁄", "/ "])))
    if draw(st.booleans()):
        typed = typed.translate(TO_BENGALI)
    if value < 0:
        typed = draw(st.sampled_from(MINUS_SIGNS)) + typed
    return key, typed


def terminating_places(value: Fraction) -> int | None:
    for places in range(8):
        if (value * 10**places).denominator == 1:
            return places
    return None


@PROPERTY
@given(fractions_and_renderings(simplest=False))
@example(("3/4", "৬/৮"))
@example(("-7/3", "−২ ১/৩"))
def test_property_fraction_right_value_in_any_form_is_correct(case: tuple[str, str]) -> None:
    key, typed = case
    assert verdict(fraction(key), typed) is C, (key, typed)
    numerator, denominator = (int(part) for part in key.split("/"))
    other = f"{numerator + denominator}/{denominator}"  # one more
    assert verdict(fraction(other), typed) is I, (other, typed)


@PROPERTY
@given(fractions_and_renderings(simplest=True), st.integers(2, 9))
def test_property_simplest_form(case: tuple[str, str], scale: int) -> None:
    key, typed = case
    assert verdict(fraction(key, simplest=True), typed) is C, (key, typed)
    numerator, denominator = (int(part) for part in key.split("/"))
    scaled = f"{numerator * scale}/{denominator * scale}"
    assert verdict(fraction(key, simplest=True), scaled) is NS, (key, scaled)
    assert verdict(fraction(key), scaled) is C


@PROPERTY
@given(st.integers(-99, 99), st.integers(1, 99), st.integers(2, 8))
def test_property_rounded_decimals_of_non_terminating_fractions(
    numerator: int, denominator: int, places: int
) -> None:
    value = Fraction(numerator, denominator)
    if terminating_places(value) is not None:
        return
    rounded = round(value, places)
    typed = plain_decimal(rounded, places)
    key = fraction(f"{numerator}/{denominator}")
    assert verdict(key, typed) is C, (key.answer, typed)
    off_by_one = plain_decimal(rounded + Fraction(1, 10**places), places)
    assert verdict(key, off_by_one) is I, (key.answer, off_by_one)


ANGLE_POOL = [
    *ANGLE_OPTIONS,
    ("reflex angle", "প্রবৃদ্ধ কোণ"),
    ("triangle", "ত্রিভুজ"),
    ("square", "বর্গক্ষেত্র"),
    ("circle", "বৃত্ত"),
    ("parallel lines", "সমান্তরাল রেখা"),
]


@st.composite
def choice_keys(draw: st.DrawFn) -> AnswerKey:
    count = draw(st.integers(2, 4))
    if draw(st.booleans()):
        texts = draw(
            st.lists(st.sampled_from(ANGLE_POOL), min_size=count, max_size=count, unique=True)
        )
    else:
        amounts = draw(st.lists(st.integers(1, 9999), min_size=count, max_size=count, unique=True))
        texts = [(f"{n} taka", f"{str(n).translate(TO_BENGALI)} টাকা") for n in amounts]
    answer = "ABCD"[draw(st.integers(0, count - 1))]
    return choice(answer, *texts)


def random_case(draw: st.DrawFn, words: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(words), max_size=len(words)))
    return "".join(c.upper() if flip else c for c, flip in zip(words, flips, strict=True))


@st.composite
def chosen_answers(draw: st.DrawFn, key: AnswerKey) -> str:
    index = "ABCD".index(key.answer)
    option = key.options[index]
    numeric_texts = option.text_en[0].isdigit()
    forms = [
        "ABCD"[index],
        "abcd"[index],
        f"({'abcd'[index]})",
        f"{'abcd'[index]})",
        f"{'ABCD'[index]}.",
        "কখগঘ"[index],
        f"({'কখগঘ'[index]})",
        random_case(draw, option.text_en),
        option.text_bn,
        f"{'ABCD'[index]}) {option.text_en}",
        f"{'কখগঘ'[index]}) {option.text_bn}",
    ]
    if numeric_texts:
        amount = option.text_en.split()[0]
        forms += [amount, amount.translate(TO_BENGALI), f"৳{amount}"]
    else:
        forms += [str(index + 1), str(index + 1).translate(TO_BENGALI), f"({index + 1})"]
    return draw(st.sampled_from(forms)) + draw(st.sampled_from(ENDINGS))


@PROPERTY
@given(st.data())
def test_property_multiple_choice_right_option_in_any_form_is_correct(data: st.DataObject) -> None:
    key = data.draw(choice_keys())
    typed = data.draw(chosen_answers(key))
    assert verdict(key, typed) is C, (key, typed)
    other = "ABCD"[("ABCD".index(key.answer) + 1) % len(key.options)]
    assert verdict(AnswerKey(key.answer_type, other, options=key.options), typed) is I


TEXT_POOL = [
    ("obtuse", ("obtuse angle", "স্থূলকোণ", "স্থূল কোণ")),
    ("right angle", ("সমকোণ", "right-angle")),
    ("isosceles triangle", ("সমদ্বিবাহু ত্রিভুজ",)),
    ("prime", ("মৌলিক", "মৌলিক সংখ্যা", "prime number")),
    ("পূর্ণসংখ্যা", ("integer", "whole number")),
]


@st.composite
def typed_texts(draw: st.DrawFn) -> tuple[AnswerKey, str]:
    answer, accepted = draw(st.sampled_from(TEXT_POOL))
    target = draw(st.sampled_from([answer, *accepted]))
    words = random_case(draw, target).replace("-", " ").split()
    separators = st.sampled_from([" ", "  ", ", ", " - ", "! ", " / "])
    typed = words[0] + "".join(draw(separators) + word for word in words[1:])
    typed = draw(st.sampled_from(["", " ", "'", '"'])) + typed
    typed += draw(st.sampled_from(["", ".", "!", "?", "।", " ", "'"]))
    return text(answer, *accepted), sprinkle_format_chars(draw, typed)


@PROPERTY
@given(typed_texts())
def test_property_text_with_any_case_spacing_and_punctuation_is_correct(
    case: tuple[AnswerKey, str],
) -> None:
    key, typed = case
    assert verdict(key, typed) is C, typed
    assert verdict(text("something else"), typed) is I


# --------------------------------------------------------------------------------------------
# Property 2: arbitrary input never raises
# --------------------------------------------------------------------------------------------

ROBUSTNESS_KEYS = [
    numeric("42"),
    numeric("-3.5", "0.01"),
    numeric("25%", "1%"),
    fraction("3/4", simplest=True),
    fraction("-2 1/3"),
    ANGLES,
    TAKA,
    choice("A", ("3", "৩"), ("1", "১")),
    OBTUSE,
]
NUMBERISH = st.lists(
    st.sampled_from(
        [*"0123456789০১২৩৪৫৬৭৮৯,.,/ −–-+%½¾⅓⁄²º() ", "tk", "৳", "টি", "x=", "ans", "শতকরা"]
    ),
    max_size=30,
).map("".join)


def assert_well_formed(result: CheckResult) -> None:
    assert isinstance(result, CheckResult)
    assert isinstance(result.verdict, Verdict)
    if result.verdict in (U, NS):
        assert result.message.strip()
    else:
        assert result.message == ""


@PROPERTY
@given(st.sampled_from(ROBUSTNESS_KEYS), st.text(), st.sampled_from(["en", "bn"]))
@example(numeric("42"), "\ud800", "en")  # a lone surrogate
@example(fraction("3/4"), "\udfff/\ud800", "bn")
@example(OBTUSE, "\U0010ffff", "bn")
def test_property_arbitrary_text_never_raises(key: AnswerKey, given: str, language: str) -> None:
    assert_well_formed(check_answer(key, given))


@PROPERTY
@given(st.sampled_from(ROBUSTNESS_KEYS), NUMBERISH, st.sampled_from(["en", "bn"]))
def test_property_number_like_text_never_raises(key: AnswerKey, given: str, language: str) -> None:
    assert_well_formed(check_answer(key, given))


@SMALL_PROPERTY
@given(st.sampled_from(ROBUSTNESS_KEYS), st.text(min_size=480, max_size=520))
def test_property_long_text_never_raises(key: AnswerKey, given: str) -> None:
    result = check_answer(key, given)
    assert_well_formed(result)
    if len(given) > 500:
        assert result.verdict is U


@PROPERTY
@given(st.text())
def test_property_normalise_text_is_idempotent(raw: str) -> None:
    once = normalise_text(raw)
    assert normalise_text(once) == once
    assert once == once.strip()
    assert "  " not in once


@PROPERTY
@given(st.text())
def test_property_parse_number_never_raises(raw: str) -> None:
    value = parse_number(raw)
    assert value is None or isinstance(value, Fraction)


# --------------------------------------------------------------------------------------------
# Properties 3 and 4: generated well-formed keys validate and display round-trips
# --------------------------------------------------------------------------------------------


@st.composite
def numeric_keys(draw: st.DrawFn) -> AnswerKey:
    value = Fraction(
        draw(st.integers(-(10**6), 10**6)), draw(st.sampled_from([1, 2, 3, 4, 7, 100]))
    )
    places = terminating_places(value)
    written = plain_decimal(value, places) if places is not None else f"{value}"
    if draw(st.booleans()):
        written = written.translate(TO_BENGALI)
    percent = "%" if value >= 0 and draw(st.booleans()) else ""
    tolerance = draw(st.sampled_from(["", "", "0.01", "1%", "0"]))
    return numeric(f" {written}{percent}", tolerance)


@st.composite
def fraction_keys(draw: st.DrawFn) -> AnswerKey:
    value = Fraction(draw(st.integers(-200, 200)), draw(st.integers(1, 30)))
    simplest = draw(st.booleans())
    sign = "-" if value < 0 else ""
    numerator, denominator = abs(value.numerator), value.denominator
    if not simplest:
        scale = draw(st.integers(1, 4))
        numerator, denominator = numerator * scale, denominator * scale
    if numerator > denominator and draw(st.booleans()):
        whole, rest = divmod(numerator, denominator)
        written = f"{sign}{whole} {rest}/{denominator}"
        simplest = simplest and rest != 0
    else:
        written = f"{sign}{numerator}/{denominator}"
    if draw(st.booleans()):
        written = written.translate(TO_BENGALI)
    return fraction(written, simplest=simplest)


@st.composite
def text_keys(draw: st.DrawFn) -> AnswerKey:
    answer, accepted = draw(st.sampled_from(TEXT_POOL))
    return text(answer, *accepted)


ANY_KEY = st.one_of(numeric_keys(), fraction_keys(), choice_keys(), text_keys())


@PROPERTY
@given(ANY_KEY)
def test_property_generated_well_formed_keys_have_no_errors(key: AnswerKey) -> None:
    assert key_errors(key) == [], key


@PROPERTY
@given(ANY_KEY, st.sampled_from(["en", "bn"]))
@example(numeric("25%"), "bn")
@example(fraction("-2 1/3", simplest=True), "bn")
@example(ANGLES, "bn")
def test_property_display_answer_round_trips(key: AnswerKey, language: str) -> None:
    shown = display_answer(key, language)
    assert check_answer(key, shown).verdict is C, (key, shown)
    if language == "bn" and key.answer_type in (AnswerType.NUMERIC, AnswerType.FRACTION):
        assert not any(char in "0123456789" for char in shown), shown


# --- Options that differ only in signs, operators or the decimal point -------------------------


def _mcq(*texts: str, answer: str = "B") -> AnswerKey:
    labels = "ABCD"
    return AnswerKey(
        answer_type="multiple_choice",
        answer=answer,
        options=tuple(Option(labels[i], text, text) for i, text in enumerate(texts)),
    )


@pytest.mark.parametrize(
    "texts",
    [
        ("(x - 2)(x² - 2x + 4)", "(x - 2)(x² + 2x + 4)", "(x + 2)(x² - 2x + 4)", "(x - 2)³"),
        ("3", "-3", "13", "40"),
        ("20.52 taka", "205.2 taka", "2052 taka", "87.9 taka"),
        ("x + 4", "x + 8", "x - 3", "x + 3"),
    ],
)
def test_options_differing_in_signs_operators_or_decimal_point_are_distinct(texts):
    assert key_errors(_mcq(*texts)) == []


def test_options_equal_up_to_spacing_and_case_are_duplicates():
    assert any("A and B" in e for e in key_errors(_mcq("x + 3", "X+3", "x - 3")))


@pytest.mark.parametrize(
    ("typed", "verdict"),
    [
        ("(x - 2)(x² + 2x + 4)", Verdict.CORRECT),
        ("(x-2)(x²+2x+4)", Verdict.CORRECT),
        ("(x − 2)(x² + 2x + 4).", Verdict.CORRECT),
        ("(x - 2)(x² - 2x + 4)", Verdict.INCORRECT),
        ("(x - 2)^3", Verdict.UNPARSEABLE),
    ],
)
def test_algebraic_option_text_is_matched_exactly(typed, verdict):
    key = _mcq("(x - 2)(x² - 2x + 4)", "(x - 2)(x² + 2x + 4)", "(x + 2)(x² - 2x + 4)", "(x - 2)³")
    assert check_answer(key, typed).verdict is verdict


def test_negative_option_is_not_confused_with_positive():
    key = _mcq("3", "-3", "13", "40", answer="B")
    assert check_answer(key, "-3").verdict is Verdict.CORRECT
    assert check_answer(key, "−৩").verdict is Verdict.CORRECT
    assert check_answer(key, "3").verdict is Verdict.INCORRECT


# --- Bengali answers, spellings and option texts -------------------------------------------


@pytest.mark.parametrize("given", ["হ্যাঁ", "হ্যা", "হাঁ", "হা", "yes", "Yes."])
def test_common_spellings_of_the_bengali_yes_are_one_answer(given: str) -> None:
    assert verdict(text("yes", bn="হ্যাঁ"), given) is C
    assert verdict(text("no", bn="না"), given) is I


@pytest.mark.parametrize("given", ["না", "নয়", "নয়", "নাহ", "no"])
def test_common_spellings_of_the_bengali_no_are_one_answer(given: str) -> None:
    assert verdict(text("no", bn="না"), given) is C
    assert verdict(text("yes", bn="হ্যাঁ"), given) is I


def test_the_bengali_answer_of_a_text_key_is_accepted_and_shown() -> None:
    key = text("isosceles", "isosceles triangle", bn="সমদ্বিবাহু")
    assert verdict(key, "সমদ্বিবাহু") is C
    assert display_answer(key, "bn") == "সমদ্বিবাহু"
    assert display_answer(key, "en") == "isosceles"


def test_an_option_typed_in_full_is_that_option_even_when_it_starts_like_a_letter() -> None:
    key = choice("B", ("(a + 13)/2", "(a + 13)/2"), ("(a + 3)/2", "(a + 3)/2"), ("a", "a"))
    assert verdict(key, "(a + 3)/2") is C
    assert verdict(key, "(a + 13)/2") is I
    assert verdict(key, "B") is C
    assert verdict(key, "(b)") is C
