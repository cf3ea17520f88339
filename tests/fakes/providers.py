"""Threaded HTTP servers on 127.0.0.1 that answer as MSG91 and Meta's Cloud API do.

A test scripts the next answers (`server.rate_limited().succeeds()`), then reads `server.received`: one Received per
request with its path, headers and JSON body. With nothing scripted, every request succeeds with a fresh id.
"""

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int
    body: dict
    delay: float = 0.0  # seconds to sleep first: longer than the client's timeout makes a timeout


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    json: object


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's hook name
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = raw
        fake.received.append(Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        answer = fake.next_answer()
        if answer.delay and fake.stopping.wait(answer.delay):
            return
        encoded = json.dumps(answer.body).encode()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: that was the point

    def log_message(self, format, *args):  # noqa: A002 - quiet: tests read `received` instead
        pass


class FakeProvider:
    """The shared machinery: a server thread, a queue of scripted answers, and what was received."""

    def __init__(self):
        self.answers = deque()
        self.received = []
        self.ids = itertools.count(1)
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = self
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def next_answer(self) -> Answer:
        return self.answers.popleft() if self.answers else self.success()

    def then(self, status: int, body: dict, delay: float = 0.0):
        self.answers.append(Answer(status, body, delay))
        return self

    def succeeds(self):
        self.answers.append(self.success())
        return self

    def server_error(self, status: int = 503):
        return self.then(status, {"message": "Service Unavailable"})

    def hangs(self, seconds: float):
        """Answers success, but only after `seconds`: set longer than MESSAGING_TIMEOUT_SECONDS."""
        answer = self.success()
        answer.delay = seconds
        self.answers.append(answer)
        return self

    @property
    def last(self) -> Received:
        return self.received[-1]


class FakeMsg91(FakeProvider):
    """MSG91's POST /api/v2/sendsms: {"type": "success", "message": <request id>}, or type "error" with a code."""

    def success(self) -> Answer:
        return Answer(200, {"type": "success", "message": f"3763646c{next(self.ids):016d}"})

    def error(self, code: str, message: str, status: int = 200):
        return self.then(status, {"type": "error", "code": code, "message": message})

    def invalid_number(self):
        return self.error("202", "Invalid mobile number")

    def bad_auth_key(self):
        return self.error("207", "Invalid authentication key", status=401)

    def bad_template(self):
        # MSG91 accepts a request whose text differs from the DLT one only for the operator to drop it; a
        # template id it does not know is refused. The code is MSG91's catch-all for a bad request.
        return self.error("400", "Template ID Missing or Invalid Template", status=400)

    def insufficient_balance(self):
        return self.error("301", "Insufficient balance to send SMS")

    def rate_limited(self):
        return self.then(429, {"type": "error", "message": "Too many requests"})


class FakeMeta(FakeProvider):
    """Meta's POST /<phone-number-id>/messages: {"messages": [{"id": "wamid…"}]}, or {"error": {...}}."""

    def success(self) -> Answer:
        number = next(self.ids)
        return Answer(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": "919876543210", "wa_id": "919876543210"}],
                "messages": [{"id": f"wamid.HBgLOTE5ODc2NTQzMjEw{number:08d}", "message_status": "accepted"}],
            },
        )

    def error(self, status: int, code: int, message: str, kind: str = "OAuthException"):
        body = {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf123"}}
        return self.then(status, body)

    def bad_template(self):
        return self.error(404, 132001, "(#132001) Template name does not exist in the translation")

    def invalid_number(self):
        return self.error(400, 100, "(#100) Invalid parameter")

    def bad_token(self):
        return self.error(401, 190, "Error validating access token: Session has expired")

    def rate_limited(self):
        return self.error(429, 130429, "(#130429) Rate limit hit")
