from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tests.billing.fake_claude import FakeClaude


@pytest.fixture(autouse=True)
def no_network(monkeypatch) -> None:
    """Billing tests never leave this machine: any non-loopback connection fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple):
            host = str(address[0])
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise AssertionError(f"test tried to reach the network: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def fake_claude(settings) -> Iterator[FakeClaude]:
    fake = FakeClaude().start()
    settings.ANTHROPIC_API_KEY = "sk-test-local-fake"
    settings.ANTHROPIC_BASE_URL = fake.url
    settings.AI_MODEL = "claude-haiku-4-5"
    settings.AI_TIMEOUT_SECONDS = 0.5
    settings.AI_MAX_RETRIES = 0
    yield fake
    fake.stop()
