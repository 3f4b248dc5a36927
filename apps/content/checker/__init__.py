"""Judge a student's typed answer against a problem's answer key (pure Python, no Django).

Students answer from a Telegram chat, in English or Bengali, on phones, so the checker reads
generously and never raises on what a student types. ``check_answer`` returns a ``CheckResult``
whose verdict is one of:

* ``CORRECT`` / ``INCORRECT`` -- the input was understood and compared with the key;
* ``NOT_SIMPLIFIED`` -- a fraction with the right value that is not in lowest terms although the
  key asks for ``simplest_form`` (only ever for a typed ``a/b`` or mixed number);
* ``UNPARSEABLE`` -- the input could not be read; ``note`` then tells the student what to type
  (a `Message`: a catalogue message id the caller renders in the student's language).

Reading rules shared by every answer type:

* Input longer than ``MAX_ANSWER_LENGTH`` characters, or empty after clean-up, is unparseable.
* Format characters (category Cf: ZWJ, ZWNJ, BOM, zero-width space...) are removed, the text is
  NFC- then NFKC-normalised and case-folded, runs of whitespace collapse to one space, and
  surrounding whitespace and trailing full stops / Bengali dandas (``।``) are dropped.

Numbers (numeric and fraction answers, numeric option texts):

* Digits are ASCII or Bengali (০-৯), one script per number (``১2`` is unparseable).
* A sign ``+``, ``-``, ``−`` (U+2212) or a dash (en dash...) may lead the number.
* Commas must group digits correctly, internationally (``1,234,567``) or the Indian/lakh way
  (``12,34,567``); the decimal point is ``.``.
* Fractions use ``/``, ``⁄`` (U+2044) or ``∕`` (U+2215), optionally spaced; mixed numbers are
  ``2 1/3``; vulgar fractions ``½``, ``1½`` work; the denominator must not be 0.
* Leading ``answer:``, ``ans``, ``উত্তর:``, ``x =`` and similar are ignored, and so are currency
  and unit words before or after the number in either language (taka, ৳, টাকা, cm, সেমি, kg,
  degrees, students, জন, the counting suffixes ``টি``/``টা``...); see ``_UNIT_WORDS``. Anything
  else left over -- another number, an unknown word -- makes the input unparseable.
* Percent markers (``%``, percent, শতাংশ, শতকরা) are allowed only when the key's answer is a
  percentage (``25%``): then ``25``, ``25%``, ``২৫ শতাংশ`` and ``শতকরা ২৫`` all mean 25.

Per answer type:

* numeric -- exact comparison with ``Fraction`` unless the key has a tolerance (``0.01``
  absolute, ``1%`` relative to the answer); fractions and mixed numbers are accepted too.
* fraction -- the value must be equal; a decimal is also right when equal, or, for answers such as
  1/3 whose decimals never end, when it is the answer correctly rounded to 2 or more places.
  Decimals and whole numbers never get ``NOT_SIMPLIFIED``.
* multiple_choice -- a letter (``B``, ``b``, ``(b)``, ``b)``, ``B.``, Bengali ``খ``), optionally
  followed by the option's text; the option number ``1``-``4`` (``১``-``৪``) unless some option
  text is itself a number, in which case typed numbers are compared with option texts by value;
  or the option's text in either language. Input naming no option is unparseable.

* text -- ``normalise_text`` of the input must equal that of the answer, its Bengali form or an
  accepted answer; common spellings of the Bengali yes and no count as one (হ্যা/হাঁ, নয়).

``key_problems`` reports anything wrong with a key itself, field by field (used wherever the
content team saves a problem); ``key_errors`` gives the same as English sentences.
``check_answer`` raises ``InvalidKeyError`` only for a key it cannot use at all -- never because
of what the student typed.

The package imports nothing outside the standard library (no Django): ``messages`` (message ids
for the translation catalogue), ``cleaning``, ``units``, ``numbers``, ``keys``, ``check``,
``validate`` and ``display``.
"""

from __future__ import annotations

from .check import CheckResult, Verdict, answer_form, check_answer
from .cleaning import MAX_ANSWER_LENGTH, normalise_text
from .display import display_answer
from .keys import (
    BENGALI_LETTERS,
    LATIN_LETTERS,
    MAX_OPTIONS,
    MIN_OPTIONS,
    AnswerKey,
    AnswerType,
    InvalidKeyError,
    Option,
)
from .messages import Message
from .numbers import format_number, parse_number
from .validate import KeyProblem, key_errors, key_problems

__all__ = [
    "BENGALI_LETTERS",
    "LATIN_LETTERS",
    "MAX_ANSWER_LENGTH",
    "MAX_OPTIONS",
    "MIN_OPTIONS",
    "AnswerKey",
    "AnswerType",
    "CheckResult",
    "InvalidKeyError",
    "KeyProblem",
    "Message",
    "Option",
    "Verdict",
    "answer_form",
    "check_answer",
    "display_answer",
    "format_number",
    "key_errors",
    "key_problems",
    "normalise_text",
    "parse_number",
]
