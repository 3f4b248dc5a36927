"""The bot's pure rules: commands, button data within Telegram's 64 bytes, reminder times."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.bot import domain

BIGGEST = 2**63 - 1


@pytest.mark.parametrize(
    "action",
    [
        domain.ChooseLanguage("bn"),
        domain.ChooseGrade(8),
        domain.Practise(),
        domain.AnswerOption(BIGGEST, BIGGEST, "D"),
        domain.AskHint(BIGGEST, BIGGEST),
    ],
)
def test_callback_data_round_trips_within_64_bytes(action: domain.Callback) -> None:
    data = domain.encode_callback(action)
    assert len(data.encode()) <= 64
    assert domain.decode_callback(data) == action


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "l:fr",
        "g:9",
        "g:66",
        "a:1:2:E",
        "a:1:2:a",
        "a:0:2:A",
        f"a:{BIGGEST + 1}:2:A",
        "h:1",
        "h:1:2:3",
        "p:",
        "x" * 65,
        "a:1:2:A\n",
    ],
)
def test_callback_data_the_bot_never_wrote_is_refused(data: str | None) -> None:
    assert domain.decode_callback(data) is None


@given(st.text(max_size=80))
def test_any_callback_data_decodes_or_is_refused(data: str) -> None:
    action = domain.decode_callback(data)
    if action is not None:
        assert domain.encode_callback(action) == data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", domain.Command("start", "")),
        ("/start AB12CD", domain.Command("start", "AB12CD")),
        ("/Reminder@DarsBot  19:30 ", domain.Command("reminder", "19:30")),
        ("12", None),
        ("/", None),
    ],
)
def test_commands_are_read_with_their_argument(text: str, expected: domain.Command | None) -> None:
    assert domain.parse_command(text) == expected


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("19:30", dt.time(19, 30)),
        ("৭:০৫", dt.time(7, 5)),
        ("07.45", dt.time(7, 45)),
        ("off", None),
        ("OFF", None),
        ("বন্ধ", None),
    ],
)
def test_reminder_times_in_either_digits_or_off(argument: str, expected: dt.time | None) -> None:
    assert domain.parse_reminder(argument) == expected


@pytest.mark.parametrize("argument", ["", "24:00", "19:60", "7pm", "19:3", "tomorrow"])
def test_a_reminder_that_is_not_a_time_is_refused(argument: str) -> None:
    with pytest.raises(domain.ReminderInvalid):
        domain.parse_reminder(argument)


def test_rates() -> None:
    assert domain.parse_rate("20/minute") == (20, 60)
    assert domain.parse_rate("") is None
    for bad in ("20", "x/minute", "0/minute", "5/week"):
        with pytest.raises(ValueError, match="N/second"):
            domain.parse_rate(bad)


def test_long_texts_are_cut_for_buttons_and_messages() -> None:
    assert domain.short("a" * 50, 40) == "a" * 39 + "…"
    assert domain.short("  two   words ", 40) == "two words"
    assert len(domain.short_message("x" * 5000)) == domain.MESSAGE_MAX_CHARS
