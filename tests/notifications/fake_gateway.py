"""A scriptable WhatsApp/SMS gateway on 127.0.0.1, served from a thread.

Each request takes the next scripted behaviour ("200", "500", "429", "400", "hang"), or
"200" once the script is used up, and is recorded with its path, headers and JSON body.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway:
    def __init__(self, *, hang_seconds: float = 1.5, delay: float = 0.0) -> None:
        self.hang_seconds = hang_seconds
        self.delay = delay
        self.received: list[dict] = []
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._counter = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real gateways do
            # Headers and body go out in two writes; with Nagle on, each answer waits ~40 ms
            # for a delayed ACK and the gateway, not our code, would set the pace.
            disable_nagle_algorithm = True

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode(errors="replace")}
                behaviour, number = gateway._next()
                gateway._record(self.path, dict(self.headers), body, behaviour)
                if gateway.delay:
                    time.sleep(gateway.delay)
                if behaviour == "hang":
                    time.sleep(gateway.hang_seconds)
                    self._answer(200, {"id": f"late-{number}"})
                elif behaviour == "429":
                    self._answer(429, {"error": "rate limited"}, {"Retry-After": "120"})
                elif behaviour == "400":
                    self._answer(400, {"error": "invalid destination number"})
                elif behaviour == "500":
                    self._answer(500, {"error": "upstream unavailable"})
                else:
                    self._answer(200, {"status": True, "data": {"id": f"gw-{number}"}})

            def _answer(self, status: int, payload: dict, headers: dict | None = None) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, *behaviours: str) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def _next(self) -> tuple[str, int]:
        with self._lock:
            self._counter += 1
            return (self._script.popleft() if self._script else "200"), self._counter

    def _record(self, path: str, headers: dict, body: dict, behaviour: str) -> None:
        with self._lock:
            self.received.append(
                {"path": path, "headers": headers, "json": body, "behaviour": behaviour}
            )

    def paths(self) -> list[str]:
        with self._lock:
            return [r["path"] for r in self.received]

    def start(self) -> FakeGateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def gateway_config(url: str, *, timeout: float = 0.5, token: str = "rahasia") -> dict:  # noqa: S107
    return {
        "URL": url,
        "TOKEN": token,
        "AUTH_HEADER": "Authorization",
        "AUTH_SCHEME": "Bearer",
        "FORMAT": "json",
        "PAYLOAD": '{"target": "{to_digits}", "to": "{to}", "message": "{body}", '
        '"sender": "{sender}", "ref": "{message_id}"}',
        "SENDER": "DUKCAPIL",
        "TIMEOUT": timeout,
        "ID_FIELD": "data.id",
    }
