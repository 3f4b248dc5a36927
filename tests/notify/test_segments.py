"""SMS segments: GSM-7 (extension characters count two) or UCS-2 (UTF-16 code units)."""

from __future__ import annotations

import pytest

from apps.notify.segments import count_segments, is_gsm7


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
