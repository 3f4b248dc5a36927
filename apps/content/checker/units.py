"""Words around a typed number: answer prefixes, units, currency and percent markers."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final

from .cleaning import is_wordy

_ANSWER_PREFIX_RE: Final = re.compile(
    # "answer:", "ans =", "answer is", "উত্তর:", "উত্তরঃ", "উঃ", "x =", a bare "=".
    r"(?:(?:answer|ans|উত্তর|উঃ)(?![^\W\d_]|[\u0981\u0982\u09bc-\u09d7])"
    r" ?(?:is\b)? ?[:=ঃ]? ?"
    r"|[a-z] ?= ?|= ?)"
)

_PERCENT_WORDS: Final = ("%", "٪", "percent", "per cent", "pct", "শতাংশ", "শতকরা")
_UNIT_WORDS: Final = (
    # money
    "taka", "tk", "tk.", "rs", "rs.", "৳", "টাকা", "$", "usd", "dollar", "dollars", "ডলার",
    "paisa", "poisha", "পয়সা", "cent", "cents", "€", "£", "₹", "rupee", "rupees", "রুপি",
    # length, area, volume
    "mm", "cm", "m", "km", "metre", "metres", "meter", "meters", "centimetre", "centimetres",
    "centimeter", "centimeters", "millimetre", "millimetres", "millimeter", "millimeters",
    "kilometre", "kilometres", "kilometer", "kilometers", "inch", "inches", "ft", "feet", "foot",
    "মিমি", "মি.মি", "মি.মি.", "সেমি", "সে.মি", "সে.মি.", "সে. মি.", "মি", "মি.", "মিটার",
    "কিমি", "কি.মি", "কি.মি.", "কিলোমিটার", "সেন্টিমিটার", "মিলিমিটার",
    "sq", "sq.", "square", "cubic", "cu", "cc", "cm^2", "m^2", "km^2", "cm^3", "m^3",
    "বর্গ", "ঘন", "বর্গমিটার", "বর্গসেমি", "বর্গকিমি", "ঘনমিটার", "ঘনসেমি",
    # mass and capacity
    "mg", "g", "gm", "gram", "grams", "gramme", "grammes", "kg", "kilogram", "kilograms",
    "গ্রাম", "গ্রা.", "কেজি", "কি.গ্রা.", "কিলোগ্রাম", "মিগ্রা",
    "l", "litre", "litres", "liter", "liters", "ml", "millilitre", "millilitres",
    "milliliter", "milliliters", "লিটার", "লি.", "মিলি", "মিলিলিটার",
    # angles and time
    "°", "deg", "degree", "degrees", "ডিগ্রি", "°c", "°f",
    "second", "seconds", "sec", "secs", "minute", "minutes", "min", "mins", "hour", "hours",
    "hr", "hrs", "day", "days", "week", "weeks", "month", "months", "year", "years", "yr",
    "yrs", "সেকেন্ড", "মিনিট", "ঘণ্টা", "ঘন্টা", "দিন", "সপ্তাহ", "মাস", "বছর", "বৎসর",
    "km/h", "km/hr", "kmph", "m/s", "কিমি/ঘণ্টা", "কিমি/ঘন্টা",
    # counting
    "students", "student", "people", "persons", "person", "boys", "girls", "children",
    "men", "women", "workers", "pieces", "piece", "pcs", "items", "times", "marks", "units",
    "unit", "জন", "টি", "টা", "খানা", "খানি", "গুণ", "ছাত্র", "ছাত্রী", "শিক্ষার্থী",
    "লোক", "মানুষ", "নম্বর",
)  # fmt: skip


def _fold_word(word: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFC", word)).casefold()


_PERCENT_SET: Final = frozenset(_fold_word(word) for word in _PERCENT_WORDS)
_AFFIXES: Final = tuple(
    sorted({_fold_word(word) for word in _UNIT_WORDS + _PERCENT_WORDS}, key=len, reverse=True)
)


def strip_answer_prefix(text: str) -> str:
    while (match := _ANSWER_PREFIX_RE.match(text)) and match.end() > 0:
        text = text[match.end() :]
    return text


@functools.lru_cache(maxsize=4096)
def _affixes_around(first: str, last: str) -> tuple[str, ...]:
    """The words of `_AFFIXES`, in its order, that could begin a text starting with `first` or
    end one ending with `last`: most answers ("65", "৩/৪") have none, and trying all of them
    on every answer cost more than the rest of checking it."""
    return tuple(word for word in _AFFIXES if word[0] == first or word[-1] == last)


def _strip_one_affix(text: str) -> tuple[str, str] | None:
    """Remove one unit or percent word from either end of ``text``, if one is there."""
    for word in _affixes_around(text[0], text[-1]) if text else _AFFIXES:
        start = len(text) - len(word)
        if text.endswith(word) and not (
            start > 0 and is_wordy(word[0]) and is_wordy(text[start - 1])
        ):
            return text[:start], word
        if text.startswith(word) and not (
            len(word) < len(text) and is_wordy(word[-1]) and is_wordy(text[len(word)])
        ):
            return text[len(word) :], word
    return None


def strip_affixes(text: str) -> tuple[str, bool]:
    """Strip unit and percent words from both ends; report whether a percent word was seen."""
    percent = False
    text = text.strip()
    while text and (stripped := _strip_one_affix(text)) is not None:
        text, word = stripped[0].strip(), stripped[1]
        percent = percent or word in _PERCENT_SET
    return text, percent


def strip_percent_sign(text: str) -> tuple[str, bool]:
    if text.endswith("%"):
        return text[:-1].rstrip(), True
    return text, False
