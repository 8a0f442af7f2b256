"""`make run` on a machine with no database or Redis: it starts, serves, and Ctrl-C ends all of it.

Runs the real launcher (scripts/devstack.py run) with embedded PostgreSQL and Redis in a
temporary folder, a small demo catalog, and the whole Procfile (gunicorn, daphne, Celery
worker and beat).
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.kit.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


def start(var_dir: Path, port: int, log_path: Path) -> subprocess.Popen:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG")
    }
    env.update(
        LAPAK_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        PORT=str(port),
        DEMO_PRODUCTS_PER_SHOP="2",
    )
    # A session of its own, so the SIGINT below reaches its whole process group, as Ctrl-C does.
    return subprocess.Popen(
        [sys.executable, "scripts/devstack.py", "run"],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(predicate, timeout: float, what: str, log_path: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; launcher output:\n{log_path.read_text()[-4000:]}")


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own localhost
            return response.read().decode()
    except OSError:
        return None


def socket_opens(url: str, origin: str) -> bool:
    """Whether daphne takes a WebSocket handshake to `url` from a page of `origin`."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    try:
        with connect(url, origin=origin, open_timeout=10):
            return True
    except InvalidStatus:
        return False


def processes_using(var_dir: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline", "environ"]):
        try:
            cmdline = " ".join(process.info["cmdline"] or [])
            environ = process.info["environ"] or {}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if str(var_dir) in cmdline or environ.get("LAPAK_VAR_DIR") == str(var_dir):
            found.append(process)
    return found


def is_listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def interrupt(launcher: subprocess.Popen) -> int:
    os.killpg(launcher.pid, signal.SIGINT)
    return launcher.wait(timeout=90)


def test_make_run_serves_the_demo_and_ctrl_c_leaves_nothing_behind(tmp_path):
    var_dir, port = tmp_path / "var", free_port()
    first_log = tmp_path / "first.log"
    launcher = start(var_dir, port, first_log)
    try:
        # the site comes up with demo data, and the worker and beat are running beside it
        home = wait_for(lambda: fetch(f"http://127.0.0.1:{port}/"), 240, "the home page", first_log)
        assert "Lemari Thrift Jogja" in home
        # daphne, for WebSockets, on the next port honcho hands out
        wait_for(lambda: fetch(f"http://127.0.0.1:{port + 100}/healthz"), 60, "daphne", first_log)
        # a live room's socket opens there from the pages' origin only, not from daphne's own port
        room = re.search(r'href="/live/(\d+)/"', home).group(1)
        room_socket = f"ws://127.0.0.1:{port + 100}/ws/live/{room}/"
        assert socket_opens(room_socket, origin=f"http://127.0.0.1:{port}") is True
        assert socket_opens(room_socket, origin=f"http://127.0.0.1:{port + 100}") is False
        wait_for(lambda: " ready." in first_log.read_text(), 60, "the Celery worker", first_log)
        wait_for(lambda: "beat: Starting" in first_log.read_text(), 60, "Celery beat", first_log)
        output = first_log.read_text()
        assert f"http://127.0.0.1:{port}/" in output
        assert "lapak12345" in output  # the demo logins are printed
        # Redis rewrites its process title and environment, so it is found by its port instead
        redis_port = int(re.search(r"embedded Redis up on 127.0.0.1:(\d+)", output).group(1))
        assert is_listening(redis_port)
        assert len(processes_using(var_dir)) >= 5  # launcher, honcho, daphne, worker, beat, postgres...
    finally:
        status = interrupt(launcher)

    # Ctrl-C: everything it started is gone, embedded servers included
    assert status in (0, 130)
    assert processes_using(var_dir) == []
    assert not is_listening(redis_port)
    assert fetch(f"http://127.0.0.1:{port}/healthz") is None
    assert fetch(f"http://127.0.0.1:{port + 100}/healthz") is None
    assert "embedded PostgreSQL stopped" in first_log.read_text()

    # the next start reuses the data instead of seeding again
    second_log = tmp_path / "second.log"
    launcher = start(var_dir, port, second_log)
    try:
        wait_for(lambda: fetch(f"http://127.0.0.1:{port}/healthz"), 120, "the second start", second_log)
        assert "Demo data already present" in second_log.read_text()
    finally:
        interrupt(launcher)
    assert processes_using(var_dir) == []
