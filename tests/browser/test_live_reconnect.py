"""The live room's socket (static/js/live-socket.js) in a real Chromium, against a WebSocket server
that accepts every socket and closes it at once, as a restarting or overloaded server would: the
page must wait longer before each new try, not hammer the server every second; and once a socket
has stayed open a while, a drop is retried at once again."""

import threading
import time
from pathlib import Path

import pytest
from websockets.sync.server import serve

pytestmark = [pytest.mark.browser]

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "live-socket.js"
# live-socket.js resets its backoff after a socket has been open STABLE_MS (10 s).
STAYS_OPEN_SECONDS = 11


class DroppingServer:
    """Accepts sockets and closes each at once, except the one numbered `stays_open` (from 0),
    kept open STAYS_OPEN_SECONDS first. Records when each socket arrived."""

    def __init__(self, *, stays_open: int):
        self.stays_open = stays_open
        self.arrivals: list[float] = []
        self.server = serve(self.handle, "127.0.0.1", 0)
        self.port = self.server.socket.getsockname()[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handle(self, connection):
        self.arrivals.append(time.monotonic())
        if len(self.arrivals) - 1 == self.stays_open:
            time.sleep(STAYS_OPEN_SECONDS)
        # Returning closes the socket (code 1000).

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)

    def wait_for(self, count: int, timeout: float) -> list[float]:
        deadline = time.monotonic() + timeout
        while len(self.arrivals) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.arrivals)


def open_room(page, port: int) -> None:
    page.set_content(f'<div id="room" data-ws-url="ws://127.0.0.1:{port}/ws/live/1/" data-last-id="0"></div>')
    page.add_script_tag(path=str(SCRIPT))
    page.evaluate("LapakLive.connect(document.getElementById('room')).start()")


def gaps(arrivals: list[float]) -> list[float]:
    return [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]


def test_a_server_that_drops_every_socket_is_retried_ever_more_slowly(page):
    with DroppingServer(stays_open=-1) as server:
        open_room(page, server.port)

        arrivals = server.wait_for(4, timeout=15)

    assert len(arrivals) >= 4
    waits = gaps(arrivals)[:3]
    # Try k waits 2**k seconds, less up to half for jitter: at least 0.5, 1 and 2 s. (Resetting the
    # backoff on every open made each of them 0.5 to 1 s.)
    for k, wait in enumerate(waits):
        assert wait >= 0.95 * 0.5 * 2**k, waits


def test_a_socket_that_stayed_open_a_while_is_retried_at_once_when_it_drops(page):
    # Three sockets dropped at once (waits of about 1, 2 and 4 s), then one that stays open 11 s.
    with DroppingServer(stays_open=3) as server:
        open_room(page, server.port)

        arrivals = server.wait_for(5, timeout=30)

    assert len(arrivals) == 5
    after_the_long_one = arrivals[4] - arrivals[3] - STAYS_OPEN_SECONDS
    assert after_the_long_one <= 2.5  # the first try's 0.5 to 1 s again (no reset: 8 to 16 s)
