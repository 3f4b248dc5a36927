"""SMS segments: GSM-7 (extension characters count two) or UCS-2 (UTF-16 code units)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.notify.segments import GSM7_BASIC, GSM7_EXTENSION, count_segments, is_gsm7


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # the extension table: escape + character
        ("€" * 81, "GSM-7", 162, 2),
        ("Hi {name} [5/5] ~ ^ | \\", "GSM-7", 31, 1),
        ("Ñandù @ 10£ éà", "GSM-7", 14, 1),
        ("Ñandú", "UCS-2", 5, 1),
        ("ক" * 70, "UCS-2", 70, 1),
        ("ক" * 71, "UCS-2", 71, 2),
        ("ক" * 134, "UCS-2", 134, 2),
        ("ক" * 135, "UCS-2", 135, 3),
        ("😀" * 35, "UCS-2", 70, 1),  # outside the BMP: two UTF-16 code units each
        ("😀" * 36, "UCS-2", 72, 2),
        ("a" * 159 + "ç", "UCS-2", 160, 3),  # ç is not GSM-7 (only Ç is): all of it is UCS-2
    ],
)
def test_segments(text, encoding, units, segments):
    count = count_segments(text)
    assert (count.encoding, count.units, count.segments) == (encoding, units, segments)


def test_one_bengali_letter_makes_the_whole_text_ucs2():
    assert is_gsm7("Rahim practised 5 days this week")
    assert not is_gsm7("Rahim practised 5 days this week — রহিম")


@given(st.text(alphabet=sorted(GSM7_BASIC), max_size=500))
def test_a_basic_gsm7_text_counts_one_septet_a_character(text):
    count = count_segments(text)
    assert (count.encoding, count.units) == ("GSM-7", len(text))
    assert count.segments == (1 if len(text) <= 160 else math.ceil(len(text) / 153))


@given(st.text(max_size=400))
def test_every_text_fits_in_its_segments_and_needs_them_all(text):
    count = count_segments(text)
    single, multi = (160, 153) if count.encoding == "GSM-7" else (70, 67)
    assert count.segments >= 1
    if count.segments == 1:
        assert count.units <= single
    else:
        assert count.units > single
        assert (count.segments - 1) * multi < count.units <= count.segments * multi
    if count.encoding == "UCS-2":
        assert count.units == len(text.encode("utf-16-le")) // 2
        assert any(char not in GSM7_BASIC and char not in GSM7_EXTENSION for char in text)
