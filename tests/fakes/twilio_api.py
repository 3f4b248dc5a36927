"""A local stand-in for Twilio's Messages API: a real HTTP server on 127.0.0.1.

Twilio's SDK talks to it through `TWILIO_API_BASE_URL`. It serves
`POST /2010-04-01/Accounts/<sid>/Messages.json` (form-encoded To, From or MessagingServiceSid,
Body) behind HTTP basic auth (the account sid and auth token), records every request, and
answers 201 with a message resource (`sid` SM…, `status` queued, `num_segments`). Errors are
scripted: `fake.fail(status=400, code=21211)` (invalid number), 429 (code 20429), 500, or
`drop=True` (the connection closes without an answer).
"""

from __future__ import annotations

import base64
import threading
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from apps.notify.segments import count_segments
from tests.fakes.server import Fake, JsonHandler, LocalServer

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-twilio-auth-token"

MESSAGES = {
    21211: "The 'To' number {to} is not a valid phone number.",
    21610: "Attempt to send to unsubscribed recipient",
    20003: "Authenticate",
    20429: "Too Many Requests",
    20500: "Internal Server Error",
}


@dataclass
class Failure:
    status: int
    code: int | None
    times: int = 1
    drop: bool = False
    garbled: bool = False


@dataclass
class Request:
    path: str
    form: dict[str, str]
    username: str
    password: str
    status: int = 201


class FakeTwilio(Fake):
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.failures: list[Failure] = []
        self.requests: list[Request] = []
        # num_segments to answer with (None: counted from the body as Twilio counts).
        self.num_segments: int | None = None
        self.lock = threading.Lock()
        fake = self

        class Handler(JsonHandler):
            def do_POST(self) -> None:
                form = dict(parse_qsl(self.body().decode(), True))
                username, password = _basic_auth(self.headers.get("Authorization", ""))
                status, payload, drop = fake._answer(self.path, form, username, password)
                self.answer(status, payload, drop=drop)

        self.http = LocalServer(Handler)

    def fail(
        self,
        *,
        status: int = 500,
        code: int | None = None,
        times: int = 1,
        drop: bool = False,
        garbled: bool = False,
    ) -> None:
        """The next `times` requests fail this way (`garbled`: `status` with a body that is
        not JSON)."""
        with self.lock:
            self.failures.append(
                Failure(status=status, code=code, times=times, drop=drop, garbled=garbled)
            )

    def sent(self, to: str | None = None) -> list[dict[str, str]]:
        """The forms of every message Twilio accepted (to one number, if given)."""
        with self.lock:
            return [
                r.form
                for r in self.requests
                if r.status == 201 and (to is None or r.form.get("To") == to)
            ]

    def _answer(
        self, path: str, form: dict[str, str], username: str, password: str
    ) -> tuple[int, dict[str, Any] | bytes, bool]:
        with self.lock:
            request = Request(path=path, form=form, username=username, password=password)
            self.requests.append(request)
            expected = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
            if path != expected:
                request.status = 404
                return 404, _error(404, 20404, "The requested resource was not found"), False
            if (username, password) != (self.account_sid, self.auth_token):
                request.status = 401
                return 401, _error(401, 20003, MESSAGES[20003]), False
            if self.failures:
                failure = self.failures[0]
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.pop(0)
                request.status = failure.status
                if failure.garbled:
                    return failure.status, b"<html>Service Unavailable</html>", False
                code = failure.code or {429: 20429}.get(failure.status, 20500)
                text = MESSAGES.get(code, "Error").format(to=form.get("To", ""))
                return failure.status, _error(failure.status, code, text), failure.drop
            body = form.get("Body", "")
            segments = self.num_segments or count_segments(body).segments
            return (
                201,
                {
                    "sid": "SM" + uuid.uuid4().hex,
                    "account_sid": self.account_sid,
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "messaging_service_sid": form.get("MessagingServiceSid"),
                    "body": body,
                    "status": "queued",
                    "num_segments": str(segments),
                    "num_media": "0",
                    "direction": "outbound-api",
                    "api_version": "2010-04-01",
                    "price": None,
                    "price_unit": "USD",
                    "error_code": None,
                    "error_message": None,
                    "date_created": "Wed, 02 Dec 2026 18:00:00 +0000",
                    "date_updated": "Wed, 02 Dec 2026 18:00:00 +0000",
                    "date_sent": None,
                    "uri": f"{expected[:-5]}/SM.json",
                    "subresource_uris": {},
                },
                False,
            )


def _basic_auth(header: str) -> tuple[str, str]:
    if not header.startswith("Basic "):
        return "", ""
    try:
        username, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return "", ""
    return username, password


def _error(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
