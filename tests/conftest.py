from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["tests.fakes.fixtures"]

# Property tests check behaviour, not speed (speed is the benchmarks'): no per-example time
# limit, which a busy machine (the suite runs one worker per core) would otherwise trip.
hypothesis_settings.register_profile("dars", deadline=None)
hypothesis_settings.load_profile("dars")


def _run_raw(sql: str, params: Sequence[Any]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        # Foreign keys are deferred until commit; check them now, as a commit would.
        connection.check_constraints()


@pytest.fixture
def db_rejects(db: None) -> Callable[..., str]:
    """Run raw SQL (bypassing Django) and assert the database itself refuses it.

    `expected` names the constraint; for plain UNIQUE constraints SQLite reports the columns
    instead of the name, so a `table.column` alternative may be given.
    """

    def check(sql: str, params: Sequence[Any] = (), *, expected: Sequence[str]) -> str:
        with pytest.raises(IntegrityError) as excinfo:
            _run_raw(sql, params)
        message = str(excinfo.value)
        assert any(name in message for name in expected), message
        return message

    return check


@pytest.fixture
def topics(db: None) -> None:
    """The shipped NCTB topics (fixtures/topics.json)."""
    from django.core.management import call_command

    call_command("loaddata", "fixtures/topics.json", verbosity=0)


@pytest.fixture
def library(db: None) -> None:
    """The shipped library (topics and 280 problems), loaded as bootstrap loads it."""
    import json

    from django.conf import settings

    from apps.content.services import library_load

    fixtures = settings.BASE_DIR / "fixtures"
    topics = [item["fields"] for item in json.loads((fixtures / "topics.json").read_text())]
    report = library_load(
        topics=topics, problems=(fixtures / "problems.csv").read_bytes(), update=False
    )
    assert not report.errors, report.errors[:5]


# Reference data the migrations write (prices). A transactional test ends with a flush that
# empties every table; under pytest-xdist a worker's next tests may come after it, so it is
# written again, by the migrations' own functions, whenever it is missing.
SEEDING_MIGRATIONS = (
    "apps.billing.migrations.0003_seed_prices",
    "apps.billing.migrations.0007_seed_sms_prices",
)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    uses_database = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server")
    )
    if not uses_database:
        return
    import importlib

    from django.apps import apps as registry

    from apps.billing.models import ModelPrice, SmsPrice

    request.getfixturevalue("_django_db_helper")
    if ModelPrice.objects.exists() and SmsPrice.objects.exists():
        return
    for name in SEEDING_MIGRATIONS:
        importlib.import_module(name).seed(registry, None)


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """A request handled in this thread leaves its language active; each test starts afresh."""
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle counters live in the cache; every test starts with none."""
    from django.core.cache import cache

    from apps.core.throttling import local_fallback_cache

    cache.clear()
    local_fallback_cache.clear()
    # Problem content kept per process (apps.content.cache): ids come back after a rollback.
    from apps.content.cache import forget

    forget()


@pytest.fixture(autouse=True)
def no_network(monkeypatch) -> None:
    """No test leaves this machine: any non-loopback connection fails loudly (the fake Claude,
    Telegram and Twilio servers all listen on 127.0.0.1)."""
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
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A headless Debian chromium for browser tests (see tests/browser.py)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # ORM calls made while Playwright's loop runs get their own (context-local)
            # connections; close them here, or the test database cannot be dropped.
            connections.close_all()
