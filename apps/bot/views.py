"""The webhook Telegram posts every update to (README, "The Telegram bot")."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.bot import services

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "details": {}}}, status=status)


@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """Verify the secret Telegram sends with every update, then handle the update. 200 for
    every update read (a duplicate too: Telegram redelivers anything else); the body is the
    one Bot API call Telegram makes for us (answerCallbackQuery), or empty."""
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if not secret:  # the bot is off: nothing to find here
        return _error(404, "not_found", "The Telegram webhook is off (TELEGRAM_WEBHOOK_SECRET).")
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return _error(403, "forbidden", "Missing or wrong secret token.")
    if request.content_type != "application/json":
        return _error(400, "malformed_request", "An update is sent as application/json.")
    if len(request.body) > settings.API_MAX_BODY_BYTES:
        return _error(413, "payload_too_large", "The update is too large.")
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError):
        return _error(400, "malformed_request", "The body is not valid JSON.")
    try:
        handled = services.update_process(data=data)
    except services.UpdateInvalid as error:
        return _error(400, error.code, str(error.message))
    if handled.reply_method is None:
        return HttpResponse(status=200)
    return JsonResponse(handled.reply_method)
