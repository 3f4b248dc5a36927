"""The tests' own implementation of Telegram's Mini App signing (independent of Dars's code):
https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode


def signed_init_data(
    user: dict[str, Any] | str, bot_token: str, auth_date: int | None = None
) -> str:
    """initData as Telegram would hand it to a Mini App: `user` is the JSON object (or the raw
    JSON text, to send what no honest client would), signed with the bot's token."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": user if isinstance(user, str) else json.dumps(user, ensure_ascii=False),
        "auth_date": str(auth_date if auth_date is not None else int(time.time())),
    }
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)
