"""House-style rules of the problem library (fixtures/CONTENT_GUIDE.md), as pure functions.

Every rule of the content guide marked "(test)" that can be checked on the rows of a CSV file
is here. The functions take rows as ``csv.DictReader`` gives them (``list[dict[str, str]]``,
columns as in ``fixtures/problems.csv`` plus ``answer_bn``); a missing column counts as empty,
and no function raises on odd rows.

* :func:`violations` returns one readable line per violation: ``<code> <column>: <what> «text»``.
* :func:`near_duplicates` returns pairs of codes that ask the same question once numbers and
  names are masked.
* :func:`topic_gaps` and :func:`chapter_gaps` check the curriculum coverage.

Used by ``tests/content/test_library_style.py`` (on the shipped library) and by
``work/validate.py`` (on one part while it is being written).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from itertools import combinations
from typing import NamedTuple

Row = Mapping[str, str]

# ---------------------------------------------------------------------------------------------
# Columns

MACHINE_COLUMNS = frozenset(
    {
        "code",
        "grade",
        "topic",
        "difficulty",
        "answer_type",
        "answer",
        "accepted_answers",
        "tolerance",
        "simplest_form",
        "estimated_time_minutes",
        "is_active",
    }
)
"""Columns that are data, not text shown to students: they stay ASCII (``-7``)."""

OPTION_LETTERS = "ABCD"
BENGALI_OPTION_LETTERS = "কখগঘ"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _get(row: Row, column: str) -> str:
    value = row.get(column) if isinstance(row, Mapping) else None
    return value if isinstance(value, str) else ""


def _code(row: Row) -> str:
    return _get(row, "code") or "<no code>"


def _text_columns(row: Row) -> list[tuple[str, str]]:
    """(column, text) for every text column shown to students, English and Bengali."""
    if not isinstance(row, Mapping):
        return []
    return [
        (str(column), value)
        for column, value in row.items()
        if isinstance(column, str)
        and column not in MACHINE_COLUMNS
        and isinstance(value, str)
        and value
    ]


def _is_bn(column: str) -> bool:
    return column.endswith("_bn")


def _quote(text: str, start: int, end: int, context: int = 12) -> str:
    left = max(0, start - context)
    right = min(len(text), end + context)
    snippet = text[left:right].replace("\n", " ")
    return f"«{'…' if left else ''}{snippet}{'…' if right < len(text) else ''}»"


# ---------------------------------------------------------------------------------------------
# Character classes

BN_LETTER = "\u0980-\u09ff"  # the Bengali block: letters, vowel signs, digits
BN_DIGIT = "০-৯"
DIGIT = "0-9০-৯"
SUPERSCRIPT = "²³¹⁰⁴⁵⁶⁷⁸⁹"
NUMBER = rf"(?<![A-Za-z{BN_LETTER}])[{DIGIT}][{DIGIT},.]*(?:\s*[½¼¾])?"
"""A number written with digits (either script), not part of a word like ``x2``."""

# ---------------------------------------------------------------------------------------------
# Rule: Bengali digits only in Bengali columns (and no Bengali digits in English ones)

_ASCII_DIGIT = re.compile(r"[0-9]+")
_BN_DIGITS = re.compile(rf"[{BN_DIGIT}]+")


def _digit_violations(row: Row) -> Iterable[str]:
    for column, text in _text_columns(row):
        pattern, what = (
            (_ASCII_DIGIT, "ASCII digit in a Bengali column (use ০–৯)")
            if _is_bn(column)
            else (_BN_DIGITS, "Bengali digit in an English column")
        )
        match = pattern.search(text)
        if match:
            yield f"{_code(row)} {column}: {what} {_quote(text, match.start(), match.end())}"


# ---------------------------------------------------------------------------------------------
# Rule: minus is − (U+2212); the ASCII hyphen never stands next to a digit or between spaced
# terms (except before a Bengali suffix: ১২-এর); ranges use an unspaced en dash (40–49).

_HYPHEN_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(rf"[{DIGIT}]-[{DIGIT}]"),
        "hyphen between numbers: a range takes – (40–49), a subtraction − (8 − 3)",
    ),
    (
        re.compile(rf"[{DIGIT}{SUPERSCRIPT}]-(?![{BN_LETTER}])"),
        "hyphen after a number: write the minus sign − (or a word: three-digit), "
        "except before a Bengali suffix (১২-এর)",
    ),
    (
        re.compile(rf"(?<![A-Za-z{BN_LETTER}])-[{DIGIT}]"),
        "hyphen as a minus sign: write − (−5, x − 2)",
    ),
    (re.compile(r"(?:^|\s)-(?:\s|$)"), "spaced hyphen: write the minus sign − (x − y)"),
    (
        re.compile(r"(?<![A-Za-z])[a-z]-[a-z](?![A-Za-z])"),
        "hyphen between algebra letters: write the minus sign − (a − b)",
    ),
    (re.compile(r"[)\]]-(?![" + BN_LETTER + r"])|-[(]"), "hyphen next to a bracket: write −"),
)
_RANGE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(rf"[{DIGIT}](?:\s+–\s*|\s*–\s+)[{DIGIT}]"),
        "spaced en dash between numbers: a range is written without spaces (40–49), "
        "a subtraction with − (8 − 3)",
    ),
    (
        re.compile(rf"(?<![{DIGIT}A-Za-z{BN_LETTER}])–(?=[{DIGIT}A-Za-z])"),
        "en dash as a minus sign: write − (−5)",
    ),
    (
        re.compile(rf"(?:[{DIGIT}]|\b[a-z])\s+–\s+(?:[{DIGIT}]|[a-z]\b)"),
        "spaced en dash between terms: a subtraction takes − (x − 2)",
    ),
    (re.compile(rf"[{DIGIT}]\s*[—‒‑]\s*[{DIGIT}]"), "wrong dash between numbers: use – or −"),
)


def _dash_violations(row: Row) -> Iterable[str]:
    for column, text in _text_columns(row):
        if column == "subtopic":
            continue
        for rules in (_HYPHEN_RULES, _RANGE_RULES):
            for pattern, what in rules:
                match = pattern.search(text)
                if match:
                    quoted = _quote(text, match.start(), match.end())
                    yield f"{_code(row)} {column}: {what} {quoted}"
                    break


# ---------------------------------------------------------------------------------------------
# Rule: units after a number, one abbreviation each; the other spellings are refused.

_AFTER_NUMBER = rf"{NUMBER}\s*"
_BN_END = rf"(?![{BN_LETTER}])"
_BN_START = rf"(?<![{BN_LETTER}])"
_EN_END = r"(?![A-Za-z])"

REFUSED_UNITS_BN: tuple[tuple[str, str], ...] = (
    # anywhere: spellings that are never right
    (rf"সেমি{_BN_END}", "সে.মি."),
    (r"সে\.মি(?!\.)", "সে.মি. (with the final dot)"),
    (rf"{_BN_START}মি\.মি(?!\.)", "মি.মি. (with the final dot)"),
    (r"কি\.মি(?!\.)", "কি.মি. (with the final dot)"),
    (r"মি\.লি(?!\.)", "মি.লি. (with the final dot)"),
    (rf"কিমি{_BN_END}", "কি.মি."),
    (r"বর্গসে", "বর্গ সে.মি."),
    (r"বর্গমি", "বর্গ মি."),
    (r"বর্গকি", "বর্গ কি.মি."),
    (r"ঘনসে", "ঘন সে.মি."),
    (r"ঘনমি", "ঘন মি."),
    (r"ঘন্টা", "ঘণ্টা"),
    (r"৳", "টাকা"),
    # after a number: full words and other abbreviations
    (rf"{_AFTER_NUMBER}(?:বর্গ\s*|ঘন\s*)?সেন্টিমিটার", "সে.মি."),
    (rf"{_AFTER_NUMBER}(?:বর্গ\s*|ঘন\s*)?মিলিমিটার", "মি.মি."),
    (rf"{_AFTER_NUMBER}(?:বর্গ\s*|ঘন\s*)?কিলোমিটার", "কি.মি."),
    (rf"{_AFTER_NUMBER}(?:বর্গ\s*|ঘন\s*)?মিটার", "মি."),
    (rf"{_AFTER_NUMBER}মিমি{_BN_END}", "মি.মি."),
    (rf"{_AFTER_NUMBER}(?:বর্গ\s*|ঘন\s*)?মি{_BN_END}(?!\.)", "মি. (with the dot)"),
    (rf"{_AFTER_NUMBER}(?:কিলোগ্রাম|কেজি\.|কে\.জি)", "কেজি"),
    (rf"{_AFTER_NUMBER}গ্রা\.", "গ্রাম"),
    (rf"{_AFTER_NUMBER}(?:মিলিলিটার|মিলি{_BN_END})", "মি.লি."),
    (rf"{_AFTER_NUMBER}লি\.", "লিটার"),
    (
        rf"{_AFTER_NUMBER}(?:ডিগ্রি|ডিগ্রী)(?!\s*(?:সেলসিয়াস|সেলসিয়াস|ফারেনহাইট))",
        "° (৬০°; a temperature: ২৭ ডিগ্রি সেলসিয়াস)",
    ),
)
REFUSED_UNITS_EN: tuple[tuple[str, str], ...] = (
    # anywhere
    (r"\b(?:Tk|TK|tk)\b\.?", "taka"),
    (r"৳", "taka"),
    (r"\bsq\.?\s*(?:cm|m|km|mm|metres?|meters?)\b", "cm², m², km²"),
    (r"\bsquare\s+(?:cm|m|km|mm)\b", "cm², m², km²"),
    (r"\bcu(?:bic)?\.?\s+(?:cm|m)\b", "cm³, m³"),
    (r"\b(?:cm|m|km|mm)\s*\^\s*[23]", "cm², m³"),
    (r"\b(?:cm|km|mm)[23]\b", "cm², cm³"),
    (r"\b(?:meters?|centimeters?|kilometers?|millimeters?)\b", "m, cm, km, mm (British: metre)"),
    (r"\b(?:liters?|milliliters?)\b", "litres, ml"),
    (r"\bkgs\b", "kg"),
    # after a number: full words and other abbreviations
    (
        rf"{_AFTER_NUMBER}(?:square|cubic)\s+(?:(?:centi|milli|kilo)?met(?:re|er)s?|cm|mm|km|m)\b",
        "cm², m², cm³, m³",
    ),
    (rf"{_AFTER_NUMBER}centimetres?{_EN_END}", "cm"),
    (rf"{_AFTER_NUMBER}millimetres?{_EN_END}", "mm"),
    (rf"{_AFTER_NUMBER}kilometres?{_EN_END}", "km"),
    (rf"{_AFTER_NUMBER}metres?{_EN_END}", "m"),
    (rf"{_AFTER_NUMBER}(?:kilograms?|kilos?|Kg|KG){_EN_END}", "kg"),
    (rf"{_AFTER_NUMBER}(?:grams?|grammes?|gm|gms|gr){_EN_END}", "g"),
    (rf"{_AFTER_NUMBER}(?:millilitres?|mL){_EN_END}", "ml"),
    (rf"{NUMBER}\s+(?:l|L){_EN_END}|{_AFTER_NUMBER}(?:ltrs?|lit){_EN_END}", "litres"),
    (rf"{_AFTER_NUMBER}hrs?{_EN_END}", "hours"),
    (rf"{_AFTER_NUMBER}mins?{_EN_END}", "minutes"),
    (rf"{_AFTER_NUMBER}secs?{_EN_END}", "seconds"),
    (
        rf"{_AFTER_NUMBER}(?:degrees?|deg){_EN_END}(?!\s*(?:Celsius|Fahrenheit))",
        "° (60°; a temperature: 27 °C)",
    ),
    (rf"{_AFTER_NUMBER}(?:Taka|TAKA){_EN_END}", "taka (lower case)"),
)
_UNIT_RULES_BN = tuple((re.compile(p), fix) for p, fix in REFUSED_UNITS_BN)
_UNIT_RULES_EN = tuple((re.compile(p), fix) for p, fix in REFUSED_UNITS_EN)


def _unit_violations(row: Row) -> Iterable[str]:
    for column, text in _text_columns(row):
        if column == "subtopic":
            continue
        rules = _UNIT_RULES_BN if _is_bn(column) else _UNIT_RULES_EN
        for pattern, fix in rules:
            match = pattern.search(text)
            if match:
                quoted = _quote(text, match.start(), match.end())
                yield f"{_code(row)} {column}: refused unit spelling, write {fix} {quoted}"


# ---------------------------------------------------------------------------------------------
# Rule: a case suffix after a numeral, a letter or a symbol is attached with a hyphen (১২-এর).

_SUFFIX_HOST = rf"[{DIGIT}A-Za-z{SUPERSCRIPT}°%′″)\]}}]"
_DETACHED_SUFFIX = re.compile(rf"{_SUFFIX_HOST}(?:\s+|(?=এর|কে))(?:এর|কে){_BN_END}")


def _suffix_violations(row: Row) -> Iterable[str]:
    for column, text in _text_columns(row):
        if not _is_bn(column):
            continue
        match = _DETACHED_SUFFIX.search(text)
        if match:
            quoted = _quote(text, match.start(), match.end())
            yield (
                f"{_code(row)} {column}: case suffix not attached with a hyphen "
                f"(১২-এর, x-এর, ৫-কে) {quoted}"
            )


# ---------------------------------------------------------------------------------------------
# Rule: the student is addressed with তুমি and modern verbs; no আপনি forms, no old নির্ণয় কর।

_APNI = re.compile(
    rf"{_BN_START}(?:আপনি|আপনার|আপনাকে|আপনারা|আপনাদের|করুন|লিখুন|বলুন|দেখুন|ধরুন|পড়ুন|পড়ুন|"
    rf"খুঁজুন|আঁকুন|ভাবুন|বুঝুন|রাখুন|মিলিয়ে নিন|বের করে নিন){_BN_END}"
    rf"|(?:উত্তর|মান|নাম)\s+(?:দিন|লিখুন){_BN_END}"
)
_OLD_IMPERATIVE = re.compile(
    rf"(?:নির্ণয়|নির্ণয়|বের|হিসাব|সরল|প্রমাণ|প্রকাশ|সমাধান|তুলনা|পূরণ|পূর্ণ|যোগ|বিয়োগ|বিয়োগ|গুণ|ভাগ)"
    rf"\s+কর(?=\s*[।?!,]|\s*$)"
    rf"|{_BN_START}লেখ(?=\s*[।?!,]|\s*$)"
)


def _address_violations(row: Row) -> Iterable[str]:
    for column, text in _text_columns(row):
        if not _is_bn(column):
            continue
        for pattern, what in (
            (_APNI, "আপনি form: address the student with তুমি (করো, লেখো, বের করো)"),
            (_OLD_IMPERATIVE, "old imperative: write নির্ণয় করো, বের করো, লেখো"),
        ):
            match = pattern.search(text)
            if match:
                yield f"{_code(row)} {column}: {what} {_quote(text, match.start(), match.end())}"


# ---------------------------------------------------------------------------------------------
# Rule: explanations are never shorter than hint 3 (and never missing).


def _explanation_violations(row: Row) -> Iterable[str]:
    for lang in ("en", "bn"):
        explanation = _get(row, f"explanation_{lang}").strip()
        hint = _get(row, f"hint_3_{lang}").strip()
        if not explanation:
            yield f"{_code(row)} explanation_{lang}: missing"
        elif len(explanation) < len(hint):
            yield (
                f"{_code(row)} explanation_{lang}: shorter than hint_3_{lang} "
                f"({len(explanation)} < {len(hint)} characters) «{explanation[:60]}»"
            )


# ---------------------------------------------------------------------------------------------
# Rule: every multiple-choice explanation mentions every distractor (by letter or text);
# Bengali explanations name options ক–ঘ, never by Latin letter.


def _options(row: Row) -> list[tuple[str, str, str, str]]:
    """(letter, Bengali letter, text_en, text_bn) of the options that are present."""
    found = []
    for index, letter in enumerate(OPTION_LETTERS):
        en = _get(row, f"option_{letter.lower()}_en").strip()
        bn = _get(row, f"option_{letter.lower()}_bn").strip()
        if en or bn:
            found.append((letter, BENGALI_OPTION_LETTERS[index], en, bn))
    return found


def _mentions_letter(text: str, letter: str, *, bengali: bool) -> bool:
    if bengali:
        pattern = rf"(?<![{BN_LETTER}])\(?{letter}(?![{BN_LETTER}])"
    else:
        pattern = rf"(?<![A-Za-z0-9∠△∆'′]){letter}(?![A-Za-z0-9′'])"
    return re.search(pattern, text) is not None


def _mentions_text(text: str, option: str) -> bool:
    option = option.strip().rstrip("।.")
    if not option:
        return False
    if re.search(r"\w", option[-1]) and re.search(r"\w", option[0]):
        return re.search(rf"(?<!\w){re.escape(option)}(?!\w)", text) is not None
    return option in text


_LATIN_OPTION_IN_BN = re.compile(
    r"(?:উত্তর|বিকল্প|অপশন|option|Option)\s*(?:হলো|হল|:)?\s*\(?[A-D](?![A-Za-z])"
    r"|(?:^|[।;:]\s*|\s[—–]\s*)\(?[A-D]\)"
    r"|(?<![A-Za-z∠])\([A-D]\)(?=[\s।,;]|$)"
    r"|(?<![A-Za-z∠△∆])[A-D](?![A-Za-z])\s*(?:বিকল্প|অপশন|সঠিক|ভুল|নং)"
)


def _mcq_violations(row: Row) -> Iterable[str]:
    if _get(row, "answer_type") != "multiple_choice":
        return
    answer = _get(row, "answer").strip().upper()
    explanation_en = _get(row, "explanation_en")
    explanation_bn = _get(row, "explanation_bn")
    for letter, bn_letter, en, bn in _options(row):
        if letter == answer:
            continue
        if not (
            _mentions_letter(explanation_en, letter, bengali=False)
            or _mentions_text(explanation_en, en)
        ):
            yield (
                f"{_code(row)} explanation_en: does not say which mistake gives option "
                f"{letter} «{en}»"
            )
        if not (
            _mentions_letter(explanation_bn, bn_letter, bengali=True)
            or _mentions_text(explanation_bn, bn)
        ):
            yield (
                f"{_code(row)} explanation_bn: does not say which mistake gives option "
                f"{bn_letter} «{bn}»"
            )
    match = _LATIN_OPTION_IN_BN.search(explanation_bn)
    if match:
        quoted = _quote(explanation_bn, match.start(), match.end())
        yield (
            f"{_code(row)} explanation_bn: Latin option letter in Bengali "
            f"(name options ক, খ, গ, ঘ) {quoted}"
        )


# ---------------------------------------------------------------------------------------------
# Rules for text answers: answer_bn; the yes/no instruction; yes/no balance; two-way questions.

YES_NO_EN = "Answer yes or no."
YES_NO_BN = "হ্যাঁ অথবা না লেখো।"
YES_ANSWERS = frozenset({"yes", "হ্যাঁ"})
NO_ANSWERS = frozenset({"no", "না"})

TWO_WAY_PAIRS: tuple[tuple[str, str], ...] = (
    ("yes", "no"),
    ("true", "false"),
    ("correct", "incorrect"),
    ("possible", "impossible"),
    ("profit", "loss"),
    ("gain", "loss"),
    ("acute", "obtuse"),
    ("prime", "composite"),
    ("positive", "negative"),
    ("even", "odd"),
    ("increase", "decrease"),
    ("increases", "decreases"),
    ("increased", "decreased"),
    ("rises", "falls"),
    ("direct", "inverse"),
    ("rational", "irrational"),
    ("terminating", "recurring"),
    ("terminating", "non-terminating"),
    ("finite", "infinite"),
    ("proper", "improper"),
    ("like", "unlike"),
    ("equal", "unequal"),
    ("parallel", "intersecting"),
    ("congruent", "similar"),
    ("more", "less"),
    ("greater", "smaller"),
    ("greater", "less"),
    ("larger", "smaller"),
    ("bigger", "smaller"),
    ("higher", "lower"),
    ("longer", "shorter"),
    ("heavier", "lighter"),
    ("older", "younger"),
    ("faster", "slower"),
    ("cheaper", "dearer"),
    ("same", "different"),
    ("above", "below"),
)
"""Answers that have one obvious alternative: a student who guesses is right half the time.

A text problem has *two plausible answers* when (1) its answer is yes or no; or (2) its
question offers exactly two choices ("Type prime or composite.", "a profit or a loss?"); or
(3) it offers no list of choices but its answer is one side of a pair above (``inverse``,
``obtuse-angled``); or (4) it asks who/whose/which of exactly two named people, and the answer
is one of them ("Who has read more, Rahim or Karim?").
"""

_PAIR_WORDS = frozenset(word for pair in TWO_WAY_PAIRS for word in pair)
_STOP_CAPITALS = _words(
    "A An And Answer As At Be But By Do Does Each Every Find For From Give He Her His How I If In "
    "Is It Its Let Of On One Or She So The Their Then There They This Two Three Type Use We What "
    "When Where Which Who Whose Why Will With Without Write You Your Yes No Both Neither Either "
    "After Before During Class Grade Taka Mr Mrs Ms Dr"
)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


_WH_WORDS = ("Which", "Who", "Whose", "What", "Where", "How", "When", "Why")
_PERSON_VERBS = _words(
    "has have had is was says said thinks claims buys bought sells sold scored scores gets got "
    "reads read saves saved earns earned pays paid spends spent walks walked runs ran takes took "
    "makes made gives gave wants needs deposits deposited invests invested borrows borrowed and "
    "or"
)


def offered_choices(question: str) -> list[str]:
    """The choices an English question lists at its end.

    "Type prime or composite." -> ["prime", "composite"]; "Is the triangle acute-angled,
    right-angled or obtuse-angled?" -> three; "Who has more, Rahim or Karim?" -> two. Only a
    list at the end of one of the last two sentences counts, and its last item is short.
    """
    for sentence in reversed(_sentences(question)[-2:]):
        body = sentence.rstrip(".?! ")
        if " or " not in body:
            continue
        body = body.split(":")[-1]
        left, _, right = body.rpartition(" or ")
        if len(right.split()) > 3:
            continue
        items = [item.strip() for item in left.split(",")]
        if len(items) > 1 and items[0].split(" ")[0] in _WH_WORDS:
            items = items[1:]
        items = [item for item in items if item]
        for prefix in ("Type ", "Write ", "Answer ", "Choose ", "Say "):
            if items and items[0].startswith(prefix):
                items[0] = items[0][len(prefix) :]
        return [*items, right.strip()]
    return []


def _names_in(text: str) -> set[str]:
    """Capitalised words in the middle of a sentence, and known names anywhere."""
    names: set[str] = set()
    for sentence in _sentences(text):
        for word in re.findall(r"(?<=\s)[A-Z][a-z]+(?='s|\b)", sentence):
            if word not in _STOP_CAPITALS:
                names.add(word)
    known = COMMON_NAMES | PLACE_NAMES
    return names | {w for w in re.findall(r"\b[A-Z][a-z]+\b", text) if w in known}


def people_in(text: str) -> set[str]:
    """People named in an English text: a known name, or a capitalised word (or run of them,
    "Rupa Chakma") followed by 's or a verb ("Karim has", "Mim scored"). Places and events
    ("Ekushey Book Fair", "Cox's Bazar") are not people."""
    people: set[str] = set()
    for match in re.finditer(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)*)('s)?(?: ([a-z]+))?", text):
        run, possessive, following = match.groups()
        first = run.split(" ")[0]
        if first in _STOP_CAPITALS or first in PLACE_NAMES:
            continue
        if (
            first in COMMON_NAMES
            or (possessive and following is not None and following not in {"bazar"})
            or (following is not None and (following in _PERSON_VERBS or following.endswith("ed")))
        ):
            people.add(first)
    return people


def _answer_words(answer: str) -> set[str]:
    return set(re.findall(r"[a-z]+(?:-[a-z]+)?", answer.casefold())) | set(
        re.findall(r"[a-z]+", answer.casefold())
    )


def has_two_plausible_answers(row: Row) -> bool:
    if _get(row, "answer_type") != "text":
        return False
    answer = _get(row, "answer").strip()
    folded = answer.casefold()
    if folded in YES_ANSWERS | NO_ANSWERS or _get(row, "answer_bn").strip() in YES_ANSWERS:
        return True
    if _get(row, "answer_bn").strip() in NO_ANSWERS:
        return True
    question = _get(row, "question_en")
    choices = offered_choices(question)
    if choices:
        return len(choices) == 2
    if _answer_words(answer) & _PAIR_WORDS:
        return True
    if re.search(r"\b(?:Who|Whose|Which of (?:the two|them))\b", question) and answer:
        people = people_in(question)
        return answer.split(" ")[0] in people and len(people) == 2
    return False


def _yes_no(row: Row) -> str | None:
    if _get(row, "answer_type") != "text":
        return None
    answer = _get(row, "answer").strip().casefold()
    if answer in YES_ANSWERS:
        return "yes"
    if answer in NO_ANSWERS:
        return "no"
    return None


_YES_NO_WORDING_EN = re.compile(r"\byes\b.{0,20}\bno\b", re.IGNORECASE)
_YES_NO_WORDING_BN = re.compile(r"হ্যাঁ.{0,20}(?<![\u0980-\u09ff])না(?![\u0980-\u09ff])")


def _text_answer_violations(row: Row) -> Iterable[str]:
    code = _code(row)
    answer_type = _get(row, "answer_type")
    if answer_type == "text" and not _get(row, "answer_bn").strip():
        yield f"{code} answer_bn: text problem without answer_bn (answer «{_get(row, 'answer')}»)"
    yes_no = _yes_no(row)
    question_en = _get(row, "question_en").strip()
    question_bn = _get(row, "question_bn").strip()
    asks_en = _YES_NO_WORDING_EN.search(question_en)
    asks_bn = _YES_NO_WORDING_BN.search(question_bn)
    if yes_no or asks_en or asks_bn:
        if not question_en.endswith(YES_NO_EN) or question_en.count(YES_NO_EN) != 1:
            tail = question_en[-40:]
            yield f"{code} question_en: a yes/no question ends with exactly «{YES_NO_EN}» «…{tail}»"
        if not question_bn.endswith(YES_NO_BN) or question_bn.count(YES_NO_BN) != 1:
            tail = question_bn[-40:]
            yield f"{code} question_bn: a yes/no question ends with exactly «{YES_NO_BN}» «…{tail}»"
    if yes_no:
        expected = "হ্যাঁ" if yes_no == "yes" else "না"
        answer_bn = _get(row, "answer_bn").strip()
        if answer_bn and answer_bn != expected:
            yield f"{code} answer_bn: a {yes_no} answer is shown as «{expected}», not «{answer_bn}»"
        if _get(row, "answer").strip() != yes_no:
            yield f"{code} answer: write «{yes_no}» in lower case «{_get(row, 'answer')}»"


def _text_set_violations(rows: Sequence[Row]) -> Iterable[str]:
    texts = [row for row in rows if _get(row, "answer_type") == "text"]
    yes = [_code(row) for row in texts if _yes_no(row) == "yes"]
    no = [_code(row) for row in texts if _yes_no(row) == "no"]
    if abs(len(yes) - len(no)) > 1:
        yield (
            f"yes/no balance: {len(yes)} yes and {len(no)} no (must differ by at most 1); "
            f"yes: {', '.join(yes) or '-'}; no: {', '.join(no) or '-'}"
        )
    two_way = [_code(row) for row in texts if has_two_plausible_answers(row)]
    if texts and 3 * len(two_way) > len(texts):
        yield (
            f"two plausible answers: {len(two_way)} of {len(texts)} text problems "
            f"(at most a third, {len(texts) // 3}): {', '.join(two_way)}"
        )


# ---------------------------------------------------------------------------------------------
# Rule: prices in whole taka (no paisa).

_PAISA_EN = re.compile(
    r"(?<![\w.])\d[\d,]*\.\d+\s*(?:taka|Tk|tk)\b"
    r"|\b(?:taka|Tk)\s*\d[\d,]*\.\d+"
    r"|\b(?:paisa|poisa|paise)\b",
    re.IGNORECASE,
)
_PAISA_BN = re.compile(r"(?<![০-৯.])[০-৯][০-৯,]*\.[০-৯]+\s*টাকা|টাকা\s*[০-৯][০-৯,]*\.[০-৯]+|পয়সা|পয়সা")


def _paisa_violations(row: Row) -> Iterable[str]:
    for column, text in _text_columns(row):
        if column.startswith(("hint_", "explanation_")):
            # Worked steps may pass through a decimal (a unit price of 62.5 taka); the rule is
            # about the prices a problem states.
            continue
        pattern = _PAISA_BN if _is_bn(column) else _PAISA_EN
        match = pattern.search(text)
        if match:
            quoted = _quote(text, match.start(), match.end())
            yield f"{_code(row)} {column}: price with paisa: use whole taka {quoted}"


# ---------------------------------------------------------------------------------------------
# All rules

ROW_RULES = (
    _digit_violations,
    _dash_violations,
    _unit_violations,
    _suffix_violations,
    _address_violations,
    _explanation_violations,
    _mcq_violations,
    _text_answer_violations,
    _paisa_violations,
)


def violations(rows: Sequence[Row]) -> list[str]:
    """One readable line per house-style violation in ``rows`` (per row, then per set).

    Per row: Bengali digits only in ``_bn`` columns (and none in English ones); − for minus and
    an unspaced – for ranges, never the ASCII hyphen next to a number or between spaced terms;
    the unit table (refused spellings); case suffixes attached with a hyphen (১২-এর); তুমি, not
    আপনি, and no old নির্ণয় কর।; an explanation in each language, never shorter than hint 3;
    multiple-choice explanations that mention every distractor (A–D / ক–ঘ or the option's
    text) and no Latin option letter in Bengali; text problems with ``answer_bn``; the exact
    yes/no instruction and answers; no paisa prices. Per set of rows: yes/no balance (±1) and
    at most a third of the text problems with two plausible answers.
    """
    found: list[str] = []
    good_rows = [row for row in rows if isinstance(row, Mapping)]
    for row in good_rows:
        for rule in ROW_RULES:
            try:
                found.extend(rule(row))
            except Exception as exc:
                found.append(f"{_code(row)}: rule {rule.__name__} could not check the row: {exc}")
    try:
        found.extend(_text_set_violations(good_rows))
    except Exception as exc:
        found.append(f"text-answer set rules could not run: {exc}")
    return found


# ---------------------------------------------------------------------------------------------
# Near-duplicates
#
# Two problems are near-duplicates when they ask the same question once numbers and names are
# masked. Three tests, any of which is enough:
#
# 1. Same wording. The English questions are masked (numbers, number words and fractions -> #,
#    names and places -> @, point labels such as ABC -> L, "-" as minus -> −), the standard
#    instructions ("Give your answer as a fraction…", "Answer in taka.") dropped and stop words
#    removed. A pair is flagged when both the token-sequence similarity (difflib ratio) and the
#    IDF-weighted cosine of the token bags reach DUPLICATE_THRESHOLD; for short symbolic
#    exercises ("Solve: 3x + 7 = 31.") the masked forms must be practically identical
#    (EXERCISE_THRESHOLD), because there the numbers are most of the question.
# 2. Same task. A data-handling or interest question is summarised as (what is asked, the shape
#    of its data): "the median of 6 values" (only the parity matters for a median), "the mean of
#    5 values", "the simple interest from principal, rate and time". Equal summaries ask the
#    same question in another setting (the mean of five cricket scores, marks or fish catches).
# 3. Same expression. Both questions contain the same two (or more) non-trivial algebraic terms
#    with their coefficients (6x²y and 9xy²).

COMMON_NAMES = _words(
    "Rahim Karim Nusrat Ayesha Tanvir Dipa Anik Joyita Sourav Priyanka Milon Sumaiya Rupa Chakma "
    "Aung Marma Michael Gomes Maria Rozario Ushaching Bijoy Tripura Sharmin Fahim Ratna Rafiq Joy "
    "Mim Hasan Shuvo Mitu Rina Rani Rabeya Sadia Tania Habib Jamal Kamal Nadia Farhana Imran Arif "
    "Sakib Tamim Mahmud Nayeem Rakib Riya Puja Shila Sohel Babul Liton Jahid Jannat Lima Mou Nipa "
    "Papia Rubel Salma Shirin Sumon Tuli Ananya Arnob Ashik Mehedi Zarin Tahmina Farida Nasrin "
    "Moushumi Rohan Rashed Robin Shanta Tasnim Tithi Urmi Zahid Fatema Fatima Nafisa Raju Mina "
    "Meena Shapla Kakoli Anwar Jui Bristi Proma Arko Rony"
)
"""People's names: always masked, even at the start of a sentence (in the middle of a sentence
a capitalised word is masked anyway)."""

PLACE_NAMES = _words(
    "Dhaka Rajshahi Sylhet Khulna Barishal Rangpur Bandarban Kushtia Mymensingh Sunamganj Bogura "
    "Chattogram Cumilla Gazipur Tangail Chandpur Jashore Dinajpur Rangamati Khagrachari Pabna "
    "Noakhali Feni Faridpur Narayanganj Bhola Patuakhali Netrokona Jamalpur Sirajganj Cox Bazar "
    "Padma Meghna Jamuna Sundarbans Bangladesh"
)
"""Places: masked like names, but never counted as people."""

NUMBER_WORDS = _words(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand lakh half twice thrice double triple first second third fourth fifth sixth "
    "seventh eighth ninth tenth"
)
_ABBREVIATIONS = frozenset({"LCM", "HCF", "GCD", "BDT", "NCTB", "SSC", "JSC", "PSC", "VAT"})
_STOPWORDS = _words(
    "a an the of and is are was were be been to in on at for by with from it its this that these "
    "those as his her their he she they you your has have had do does did will would can there "
    "then so if all each"
)
_INSTRUCTION_WORDS = _words(
    "find what which how many much value work out give answer write type solve simplify calculate "
    "show lowest terms form fraction mixed number in taka your name"
)
_BOILERPLATE = re.compile(r"^\(?(?:Give|Answer|Write|Type|Take|Round|Express|Use)\b[^?]*[.)]\)?$")
_MASK_NUMBER = re.compile(
    rf"[{DIGIT}]+(?:[.,][{DIGIT}]+)*(?:\s+[{DIGIT}]+/[{DIGIT}]+|/[{DIGIT}]+)?"
)
_EN_TOKEN = re.compile(r"[A-Za-z]+|#|[=+−×÷/%°²³√π<>≤≥∠∪∩]")

DUPLICATE_THRESHOLD = 0.8
EXERCISE_THRESHOLD = 0.95
EXERCISE_WORDS = 3
"""A question with fewer content words than this is a symbolic exercise."""


def _corpus_names(rows: Sequence[Row]) -> set[str]:
    names = set(COMMON_NAMES | PLACE_NAMES)
    for row in rows:
        names |= _names_in(_get(row, "question_en"))
    return names


def mask_en(text: str, names: Iterable[str] = COMMON_NAMES | PLACE_NAMES) -> list[str]:
    """The English question as masked tokens: numbers ``#``, names ``@``, point labels ``L``."""
    name_set = set(names)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"(?<=\s)-(?=\s)|(?<![A-Za-z])-(?=[\d(])|(?<=[\d)²³])-", "−", text)
    text = _RANGE.sub(" # ", text)
    text = _MASK_NUMBER.sub(" # ", text)
    tokens: list[str] = []
    for sentence in _sentences(text):
        if _BOILERPLATE.match(sentence.strip()):
            continue
        for index, word in enumerate(_EN_TOKEN.findall(sentence)):
            folded = word.casefold()
            if folded in NUMBER_WORDS:
                tokens.append("#")
            elif word in name_set or (
                index > 0
                and word[:1].isupper()
                and word[1:].islower()
                and len(word) > 1
                and word not in _STOP_CAPITALS
            ):
                tokens.append("@")
            elif word.isupper() and word not in _ABBREVIATIONS and not (index == 0 and word == "A"):
                tokens.append("L")
            elif folded not in _STOPWORDS:
                tokens.append(folded)
    return tokens


def mask_bn(text: str) -> list[str]:
    """The Bengali question as tokens with numbers masked (used only without an English one)."""
    text = _MASK_NUMBER.sub(" # ", _RANGE.sub(" # ", text))
    return re.findall(rf"[{BN_LETTER}]+|#|[A-Za-z]+|[=+−×÷/%°²³√π]", text)


def _masked_question(row: Row, names: Iterable[str]) -> list[str]:
    english = _get(row, "question_en")
    if english.strip():
        return mask_en(english, names)
    return mask_bn(_get(row, "question_bn"))


def _content_words(tokens: Sequence[str]) -> int:
    return sum(1 for t in tokens if len(t) > 2 and t.isalpha() and t not in _INSTRUCTION_WORDS)


_STATISTICS = ("median", "mean", "average", "mode", "range")
_LIST_ITEM = rf"[{DIGIT}][{DIGIT}.]*(?:\s*(?:mm|cm|km|kg|g|m|ml|°C|°|%|taka))?"
_NUMBER_LIST = re.compile(rf"{_LIST_ITEM}(?:(?:,\s*|,?\s+and\s+){_LIST_ITEM})+")


def _longest_list(text: str) -> int:
    best = 0
    for match in _NUMBER_LIST.finditer(text):
        best = max(best, len(re.findall(rf"[{DIGIT}][{DIGIT}.]*", match.group())))
    return best


_RANGE = re.compile(rf"[{DIGIT}]+\s*[–-]\s*[{DIGIT}]+")
_ITEM_ASKED = re.compile(
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|other|"
    r"missing|remaining)\b"
)


def _asked_statistic(ask: str) -> str | None:
    for pattern, name in (
        (r"\bfraction\b|\bpercentage\b|\bper ?cent\b", "proportion"),
        (r"\bmodal class\b|\bmode\b", "mode"),
        (r"\bmedian\b", "median"),
        (r"\bmean\b|\baverage\b", "mean"),
        (r"\brange\b", "range"),
        (r"\bcumulative\b", "cumulative frequency"),
    ):
        if re.search(pattern, ask):
            return name
    return None


def task_signature(question: str) -> tuple[str, ...] | None:
    """What a data or interest question asks, and the shape of its data; None for others.

    * interest: ``("simple interest", "interest", "3")`` — kind, the quantity asked
      (interest, amount, rate, time), how many numbers are given;
    * grouped data (three or more class intervals such as 40–49): ``("grouped data", "mode")``;
    * a frequency table ("3 students scored 5, 5 students scored 6, …"):
      ``("frequency table", "mean")``;
    * a missing value from a known mean ("… the mean is 12; five of them are …; what is the
      sixth?"): ``("mean", "missing value")``;
    * a statistic of a list of three or more values: ``("median", "even")`` (for a median only
      the parity matters), ``("mean", "5")``, and ``("mean", "comparison")`` for "whose mean
      is higher?".
    """
    sentences = [s for s in _sentences(question) if not _BOILERPLATE.match(s.strip())]
    if not sentences:
        return None
    ask = sentences[-1].casefold()
    whole = question.casefold()
    if "interest" in whole and "interest" in ask:
        kind = "compound interest" if "compound" in whole else "simple interest"
        if "rate" in ask:
            asked = "rate"
        elif re.search(r"\bhow (?:many years|long)\b|\bin how many\b", ask):
            asked = "time"
        elif re.search(r"\b(?:total|amount|altogether|in all|deposit|principal)\b", ask):
            asked = "amount"
        elif re.search(r"\b(?:who|whose|which)\b", ask):
            asked = "comparison"
        else:
            asked = "interest"
        return (kind, asked, str(len(_MASK_NUMBER.findall(question))))
    statistic = _asked_statistic(ask)
    if len(_RANGE.findall(question)) >= 3:
        return ("grouped data", statistic or "other")
    masked = _MASK_NUMBER.sub("#", question.casefold())
    after_numbers = Counter(re.findall(r"# ([a-z]+)", masked))
    if (
        statistic in {"mean", "median", "mode"}
        and after_numbers
        and max(after_numbers.values()) >= 3
        and _longest_list(question) < 3
    ):
        return ("frequency table", statistic)
    if statistic is None and re.search(r"\b(?:mean|average)\b", whole) and _ITEM_ASKED.search(ask):
        return ("mean", "missing value")
    if statistic not in {"mean", "median", "mode", "range"}:
        return None
    size = _longest_list(question)
    if size < 3:
        return None
    if re.match(r"(?:who|whose|which)\b", ask.strip()):
        return (statistic, "comparison")
    if statistic == "median":
        return (statistic, "even" if size % 2 == 0 else "odd")
    return (statistic, str(size))


_NOT_TERMS = _words("st nd rd th am pm cm mm km m ml kg ft")
_TERM = re.compile(r"(?<![A-Za-z0-9])([0-9]*)((?:[a-z][²³⁴]?){1,4})(?![A-Za-z])")


def algebra_terms(question: str) -> set[str]:
    """Non-trivial algebraic terms with their coefficients: 6x²y, 9xy², 12x³ (not x², 5x, ab)."""
    terms = set()
    for match in _TERM.finditer(question):
        coefficient, body = match.groups()
        letters = re.sub(r"[²³⁴]", "", body)
        if letters in _NOT_TERMS:
            continue
        richness = bool(coefficient) + (letters != body) + (len(set(letters)) > 1)
        if richness >= 2 and len(letters) <= 3:
            terms.add(match.group())
    return terms


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Similarity of two masked token lists (difflib ratio)."""
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


class _Question(NamedTuple):
    code: str
    tokens: list[str]
    weights: dict[str, float]
    norm: float
    exercise: bool
    task: tuple[str, ...] | None
    terms: set[str]


def _prepare(rows: Sequence[Row]) -> list[_Question]:
    names = _corpus_names(rows)
    masked = [(_code(row), _masked_question(row, names), row) for row in rows]
    document_frequency: Counter[str] = Counter()
    for _, tokens, _ in masked:
        document_frequency.update(set(tokens))
    total = len(masked)
    idf = {
        token: math.log((total + 1) / (count + 1)) + 1
        for token, count in document_frequency.items()
    }
    prepared = []
    for code, tokens, row in masked:
        counts = Counter(tokens)
        weights = {token: n * idf[token] for token, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        question = _get(row, "question_en")
        prepared.append(
            _Question(
                code,
                tokens,
                weights,
                norm,
                _content_words(tokens) < EXERCISE_WORDS,
                task_signature(question),
                algebra_terms(question),
            )
        )
    return prepared


def _cosine(a: _Question, b: _Question) -> float:
    if not a.norm or not b.norm:
        return 0.0
    shared = sum(w * b.weights[t] for t, w in a.weights.items() if t in b.weights)
    return shared / (a.norm * b.norm)


def duplicate_reason(a: _Question, b: _Question, threshold: float) -> str | None:
    if a.task is not None and a.task == b.task:
        return f"same task {a.task}"
    shared_terms = a.terms & b.terms
    if len(shared_terms) >= 2:
        return f"same expression terms {sorted(shared_terms)}"
    limit = EXERCISE_THRESHOLD if a.exercise or b.exercise else threshold
    cosine = _cosine(a, b)
    if cosine < limit:
        return None
    ratio = similarity(a.tokens, b.tokens)
    if ratio >= limit:
        return f"same wording (ratio {ratio:.2f}, cosine {cosine:.2f})"
    return None


def near_duplicate_report(
    rows: Sequence[Row], threshold: float = DUPLICATE_THRESHOLD
) -> list[tuple[str, str, str]]:
    """(code, code, reason) for every near-duplicate pair."""
    good_rows = [row for row in rows if isinstance(row, Mapping) and _get(row, "code")]
    questions = _prepare(good_rows)
    found = []
    for a, b in combinations(questions, 2):
        if a.code == b.code or not (a.tokens and b.tokens):
            continue
        reason = duplicate_reason(a, b, threshold)
        if reason:
            found.append((a.code, b.code, reason))
    return found


def near_duplicates(
    rows: Sequence[Row], threshold: float = DUPLICATE_THRESHOLD
) -> list[tuple[str, str]]:
    """Pairs of codes whose questions are the same once numbers and names are masked."""
    try:
        return [(a, b) for a, b, _reason in near_duplicate_report(rows, threshold)]
    except Exception:
        return []


def clusters(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Group near-duplicate pairs into clusters (connected components), sorted."""
    parent: dict[str, str] = {}

    def find(code: str) -> str:
        parent.setdefault(code, code)
        while parent[code] != code:
            parent[code] = parent[parent[code]]
            code = parent[code]
        return code

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for code in list(parent):
        groups.setdefault(find(code), []).append(code)
    return sorted(sorted(group) for group in groups.values())


# ---------------------------------------------------------------------------------------------
# Curriculum coverage


def topic_gaps(rows: Sequence[Row]) -> list[str]:
    """Topics (of the given rows) that lack a difficulty 1, 2 or 3."""
    by_topic: dict[str, set[str]] = {}
    for row in rows:
        by_topic.setdefault(_get(row, "topic"), set()).add(_get(row, "difficulty"))
    return [
        f"topic {topic}: difficulties {sorted(found)}, needs 1, 2 and 3"
        for topic, found in sorted(by_topic.items())
        if not {"1", "2", "3"} <= found
    ]


def chapter_counts(
    rows: Sequence[Row], topic_chapters: Mapping[str, tuple[int, int]]
) -> Counter[tuple[int, int]]:
    """Problems per (grade, chapter); ``topic_chapters`` maps a topic code to its chapter."""
    counts: Counter[tuple[int, int]] = Counter()
    for row in rows:
        chapter = topic_chapters.get(_get(row, "topic"))
        if chapter is not None:
            counts[chapter] += 1
    return counts


def chapter_gaps(
    rows: Sequence[Row],
    topic_chapters: Mapping[str, tuple[int, int]],
    chapters: Iterable[tuple[int, int]],
    minimum: int = 5,
) -> list[str]:
    """Chapters with fewer than ``minimum`` problems."""
    counts = chapter_counts(rows, topic_chapters)
    return [
        f"grade {grade} chapter {number}: {counts[(grade, number)]} problems (at least {minimum})"
        for grade, number in chapters
        if counts[(grade, number)] < minimum
    ]
