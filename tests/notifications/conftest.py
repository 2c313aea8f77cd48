from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Gateway:
    """A stand-in for a province's SMS gateway: records each POST, answers from ``statuses``
    (then 200)."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    state: dict[str, Gateway] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            gw = state["gateway"]
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            gw.requests.append(
                {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": json.loads(raw.decode("utf-8")),
                }
            )
            status = gw.statuses.pop(0) if gw.statuses else 200
            reply = b'{"ok": true}' if status < 300 else b"gateway overloaded"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["gateway"] = Gateway(url=f"http://127.0.0.1:{server.server_address[1]}/sms")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["gateway"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
