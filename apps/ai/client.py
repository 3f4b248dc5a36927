"""The one door to the AI model: the official `anthropic` SDK, configured from settings.

With ANTHROPIC_API_KEY unset the AI features are off (`ai_enabled()` is False) and nothing
here is called. Structured output uses one forced tool call: the model must answer by
"calling" a tool whose input schema is the shape we want, so the reply is JSON we validate.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import anthropic
from anthropic.types import ToolUseBlock
from django.conf import settings

from apps.billing.pricing import TokenUsage


class AICallFailed(Exception):
    """The call failed (timeout, HTTP error, malformed reply); `usage` is what was billed."""

    def __init__(self, error: str, usage: TokenUsage | None = None) -> None:
        super().__init__(error)
        self.error = error[:300]
        self.usage = usage or TokenUsage()


@dataclass(frozen=True)
class AIReply:
    data: dict[str, Any]
    usage: TokenUsage
    model: str


def ai_enabled() -> bool:
    return bool(settings.ANTHROPIC_API_KEY)


@functools.cache
def _client(api_key: str, base_url: str, timeout: float, retries: int) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=retries
    )


def client() -> anthropic.Anthropic:
    return _client(
        settings.ANTHROPIC_API_KEY,
        settings.ANTHROPIC_BASE_URL,
        float(settings.AI_TIMEOUT_SECONDS),
        int(settings.AI_MAX_RETRIES),
    )


def _usage(raw: Any) -> TokenUsage:
    if raw is None:
        return TokenUsage()
    return TokenUsage(
        input_tokens=raw.input_tokens or 0,
        output_tokens=raw.output_tokens or 0,
        cache_creation_input_tokens=getattr(raw, "cache_creation_input_tokens", 0) or 0,
        cache_read_input_tokens=getattr(raw, "cache_read_input_tokens", 0) or 0,
    )


def call_tool(
    *, system: str, prompt: str, tool: str, schema: dict[str, Any], max_tokens: int
) -> AIReply:
    """Ask the model and get the tool input back as a dict, or raise AICallFailed."""
    try:
        message = client().messages.create(
            model=settings.AI_MODEL,
            max_tokens=max_tokens,
            system=system,
            messages=[{"role": "user", "content": prompt}],
            tools=[{"name": tool, "description": f"Return the {tool}.", "input_schema": schema}],
            tool_choice={"type": "tool", "name": tool},
        )
    except anthropic.APITimeoutError as exc:
        raise AICallFailed(f"timeout after {settings.AI_TIMEOUT_SECONDS}s") from exc
    except anthropic.APIStatusError as exc:
        raise AICallFailed(f"HTTP {exc.status_code}: {exc.message}") from exc
    except anthropic.APIError as exc:  # connection errors, unreadable responses
        raise AICallFailed(f"{type(exc).__name__}: {exc}") from exc
    usage = _usage(getattr(message, "usage", None))
    blocks = [b for b in message.content or [] if isinstance(b, ToolUseBlock)]
    if not blocks or not isinstance(blocks[0].input, dict):
        raise AICallFailed("malformed reply: no structured answer", usage)
    return AIReply(data=blocks[0].input, usage=usage, model=message.model or settings.AI_MODEL)
