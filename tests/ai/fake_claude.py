"""A local stand-in for the Claude Messages API: a real HTTP server on 127.0.0.1.

The real anthropic SDK talks to it through `base_url`; each request takes the next scripted
reply (a tool answer with usage, an HTTP error, a slow reply that times out, or a malformed
one), and every request body is kept for assertions.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    kind: str = "tool"  # tool | error | slow | text
    tool_input: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    input_tokens: int = 800
    output_tokens: int = 300
    cache_read_input_tokens: int = 0
    delay: float = 0.0


class FakeClaude:
    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    fake.requests.append(
                        {"path": self.path, "body": body, "headers": dict(self.headers)}
                    )
                    reply = fake.replies.pop(0) if fake.replies else Reply(kind="error", status=500)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.kind == "error":
                    self._send(
                        reply.status,
                        {"type": "error", "error": {"type": "api_error", "message": "boom"}},
                    )
                    return
                content: list[dict[str, Any]]
                if reply.kind == "text":
                    content = [{"type": "text", "text": "Sorry, I cannot help with that."}]
                else:
                    tool = body.get("tool_choice", {}).get("name", "tool")
                    content = [
                        {
                            "type": "tool_use",
                            "id": "toolu_01",
                            "name": tool,
                            "input": reply.tool_input,
                        }
                    ]
                self._send(
                    200,
                    {
                        "id": "msg_fake",
                        "type": "message",
                        "role": "assistant",
                        "model": body.get("model", "claude-haiku-4-5"),
                        "content": content,
                        "stop_reason": "tool_use",
                        "stop_sequence": None,
                        "usage": {
                            "input_tokens": reply.input_tokens,
                            "output_tokens": reply.output_tokens,
                            "cache_creation_input_tokens": 0,
                            "cache_read_input_tokens": reply.cache_read_input_tokens,
                        },
                    },
                )

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def start(self) -> FakeClaude:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def calls(self) -> int:
        return len(self.requests)
