"""Reading API request bodies defensively: a size limit and a nesting limit, checked before the
JSON decoder runs, so a hostile body gets the API's 400 instead of a RecursionError (500)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20  # Dars's own bodies are 1 deep; no client needs more than a few


class BodyTooLarge(ParseError):
    status_code = 413
    default_code = "payload_too_large"


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class LimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge(
                _("The request body is larger than %(limit)s bytes.") % {"limit": limit}
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(_("The request body is not UTF-8 text.")) from exc
        if nesting_depth(text) > MAX_DEPTH:
            raise ParseError(_("The request body is nested too deeply."))
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc
