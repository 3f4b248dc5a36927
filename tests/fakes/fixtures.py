"""Fixtures for the local fakes of Telegram's Bot API and Twilio (registered for every test in
tests/conftest.py). Each starts a real server on 127.0.0.1 and points Dars's settings at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio


@pytest.fixture
def fake_telegram(settings) -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    settings.TELEGRAM_API_BASE_URL = fake.url
    settings.TELEGRAM_BOT_TOKEN = fake.token
    settings.NOTIFY_TIMEOUT_SECONDS = 5.0
    yield fake
    fake.stop()


@pytest.fixture
def fake_twilio(settings) -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    settings.TWILIO_API_BASE_URL = fake.url
    settings.TWILIO_ACCOUNT_SID = fake.account_sid
    settings.TWILIO_AUTH_TOKEN = fake.auth_token
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.NOTIFY_TIMEOUT_SECONDS = 5.0
    yield fake
    fake.stop()
