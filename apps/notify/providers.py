"""The two providers, called outside any transaction: Telegram's Bot API through
python-telegram-bot and SMS through Twilio's SDK. Each call ends in one `Delivery` that says
what the worker does next; nothing here touches the database.

Failures are sorted by whether the provider could have delivered the message:

- refused before anything was sent (connection refused or timed out while connecting, an HTTP
  error status, a 429): safe to try again;
- refused for good (blocked by the user, chat not found, an invalid phone number): failed;
- unknown (the request went out and no answer came back: a read timeout, a dropped
  connection): the provider may have delivered it, so Dars does not send it again (at most
  once; README, "Messages out").
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import requests
from django.conf import settings
from telegram import Bot
from telegram import error as tg_error
from telegram.request import HTTPXRequest
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client as TwilioClient

logger = logging.getLogger(__name__)

SENT = "sent"
RETRY = "retry"
FAILED = "failed"
UNKNOWN = "unknown"

# Twilio's 4xx answers (invalid number 21211, unreachable, opted out, …) are final; 429 and
# 5xx are retried.
_HTTP_TOO_MANY_REQUESTS = 429


@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent | retry | failed | unknown
    provider_message_id: str = ""
    error: str = ""
    # Seconds the provider asked us to wait (Telegram's retry_after); None: our own backoff.
    retry_after: float | None = None
    # Telegram: the group moved to a supergroup with this chat id; send there instead.
    migrate_to: str = ""
    # SMS: the request reached Twilio (so it is on the books), and the segments Twilio counted.
    reached_provider: bool = False
    segments: int | None = None


def telegram_enabled() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)


def sms_enabled() -> bool:
    return bool(
        settings.TWILIO_ACCOUNT_SID
        and settings.TWILIO_AUTH_TOKEN
        and (settings.TWILIO_FROM_NUMBER or settings.TWILIO_MESSAGING_SERVICE_SID)
    )


# --- Telegram ---------------------------------------------------------------------------------


def telegram_bot(request: HTTPXRequest | None = None) -> Bot:
    """A python-telegram-bot `Bot` for Dars's token and API server (TELEGRAM_API_BASE_URL)."""
    root = settings.TELEGRAM_API_BASE_URL.rstrip("/")
    return Bot(
        settings.TELEGRAM_BOT_TOKEN,
        base_url=f"{root}/bot",
        request=request or _telegram_request(),
    )


def _telegram_request() -> HTTPXRequest:
    timeout = settings.NOTIFY_TIMEOUT_SECONDS
    return HTTPXRequest(
        connection_pool_size=4,
        connect_timeout=timeout,
        read_timeout=timeout,
        write_timeout=timeout,
        pool_timeout=timeout,
    )


def _nothing_was_sent(exc: BaseException) -> bool:
    """Whether a network failure happened before the request reached Telegram."""
    cause = exc.__cause__
    return isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def _retry_seconds(exc: tg_error.RetryAfter) -> float:
    value = exc.retry_after  # a timedelta: PTB_TIMEDELTA is on (NotifyConfig.ready)
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def telegram_send(*, chat_id: str, text: str, reply_markup: dict[str, Any] | None) -> Delivery:
    """sendMessage, once. Runs python-telegram-bot's coroutine in its own event loop."""

    async def send() -> Delivery:
        request = _telegram_request()
        bot = telegram_bot(request)
        extra = {"reply_markup": reply_markup} if reply_markup is not None else None
        try:
            message = await bot.send_message(chat_id=int(chat_id), text=text, api_kwargs=extra)
        except tg_error.RetryAfter as exc:
            return Delivery(RETRY, error=str(exc), retry_after=_retry_seconds(exc))
        except tg_error.ChatMigrated as exc:
            return Delivery(RETRY, error=str(exc), migrate_to=str(exc.new_chat_id))
        except (tg_error.Forbidden, tg_error.BadRequest, tg_error.InvalidToken) as exc:
            return Delivery(FAILED, error=f"{type(exc).__name__}: {exc}")
        except tg_error.NetworkError as exc:  # TimedOut too; BadRequest is caught above
            if exc.__cause__ is None or _nothing_was_sent(exc):
                # An HTTP error status (5xx) or no connection: Telegram did not send it.
                return Delivery(RETRY, error=f"{type(exc).__name__}: {exc}")
            return Delivery(UNKNOWN, error=f"{type(exc).__name__}: {exc}")
        except tg_error.TelegramError as exc:
            return Delivery(FAILED, error=f"{type(exc).__name__}: {exc}")
        finally:
            await request.shutdown()
        return Delivery(SENT, provider_message_id=str(message.message_id))

    return _run(send())


def _run(coroutine: Coroutine[Any, Any, Delivery]) -> Delivery:
    """Run a coroutine to its end from synchronous code: in this thread, or in a thread of its
    own when this one already runs an event loop (an async caller)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- SMS (Twilio) -------------------------------------------------------------------------------


def twilio_client() -> TwilioClient:
    """Twilio's client for Dars's account; TWILIO_API_BASE_URL redirects its Messages API (a
    regional host, or the local fake in tests)."""
    client = TwilioClient(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=TwilioHttpClient(timeout=settings.NOTIFY_TIMEOUT_SECONDS),
    )
    client.api.base_url = settings.TWILIO_API_BASE_URL.rstrip("/")
    return client


def _segments(value: object) -> int | None:
    try:
        count = int(str(value))
    except ValueError:
        return None
    return count if count > 0 else None


def guarded(call: Callable[[], Delivery]) -> Delivery:
    """A provider call whose unexpected error (a bug, a library surprise) becomes an unknown
    outcome, logged, instead of a message stuck in `sending` or an error for the caller."""
    try:
        return call()
    except Exception as exc:
        logger.exception("unexpected error while sending a message")
        return Delivery(UNKNOWN, error=f"{type(exc).__name__}: {exc}"[:500])


def sms_send(*, to: str, text: str) -> Delivery:
    """Create one Twilio message (Messages.json), once."""
    sender: dict[str, str] = (
        {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
        if settings.TWILIO_MESSAGING_SERVICE_SID
        else {"from_": settings.TWILIO_FROM_NUMBER}
    )
    try:
        message = twilio_client().messages.create(to=to, body=text, **sender)
    except TwilioRestException as exc:
        error = f"Twilio {exc.status} error {exc.code}: {exc.msg}"[:500]
        retry = exc.status == _HTTP_TOO_MANY_REQUESTS or exc.status >= 500
        return Delivery(RETRY if retry else FAILED, error=error, reached_provider=True)
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        return Delivery(RETRY if _connection_never_opened(exc) else UNKNOWN, error=error)
    return Delivery(
        SENT,
        provider_message_id=message.sid or "",
        reached_provider=True,
        segments=_segments(message.num_segments),
    )


def _connection_never_opened(exc: requests.RequestException) -> bool:
    """A connect timeout, or a connection that never opened (refused, no route, DNS): nothing
    reached Twilio. A read timeout or a dropped connection may have created the message."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    return isinstance(exc, requests.ConnectionError) and (
        "NewConnectionError" in str(exc) or "Failed to establish a new connection" in str(exc)
    )
