"""What the local fake servers share: a threaded HTTP server on 127.0.0.1 (a free port), and
JSON answers that survive a client that has gone away."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class LocalServer:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Fake:
    """A fake service served by `self.http` (set by the subclass's __init__)."""

    http: LocalServer

    @property
    def url(self) -> str:
        return self.http.url

    def start(self) -> Self:
        self.http.start()
        return self

    def stop(self) -> None:
        self.http.stop()


class JsonHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status: int, payload: Any, *, drop: bool = False) -> None:
        """Send `payload` as JSON, or (drop) close the connection without an answer."""
        if drop:
            self.close_connection = True
            self.connection.close()
            return
        raw = isinstance(payload, bytes)  # a garbled answer, sent as it is
        data = payload if raw else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if raw else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up
