"""Real servers for end-to-end tests, in their own processes, on the test database.

The test process and the server share PostgreSQL and Redis, so data a test commits
(`transactional_db`) is what the browser sees, served exactly as in production (DEBUG off,
collected static files; gunicorn for HTTP, daphne for WebSockets).
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]  # the repository (tests/kit/servers.py)


def database_url() -> str:
    """The URL of the database this test run uses (the test database, once it exists)."""
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    if host.startswith("/"):  # a Unix socket folder (the embedded server)
        return f"postgres://{credentials}@/{host}/{db['NAME']}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(static_root: Path, media_root: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        SERVE_MEDIA="1",
        **extra,
    )
    return env


def collect_static(static_root: Path) -> None:
    env = dict(os.environ, STATIC_ROOT=str(static_root), DEBUG="0")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


@dataclass(frozen=True)
class Server:
    """A running server: its base URL, port, process and log file (for tests that watch it)."""

    url: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def is_running(self) -> bool:
        return self.process.poll() is None

    def accepts_connections(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def log_tail(self, characters: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-characters:]


@contextlib.contextmanager
def _serve(name: str, command: list[str], env: dict[str, str], port: int):
    """Start a server process on `port`; yields its base URL and stops it afterwards."""
    with _start(name, command, env, port) as server:
        yield server.url


@contextlib.contextmanager
def _start(name: str, command: list[str], env: dict[str, str], port: int):
    """Start a server process on `port`; yields it as a Server and stops it afterwards."""
    (ROOT / "var").mkdir(exist_ok=True)
    log_path = ROOT / "var" / f"{name}-test-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(f"{name} did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.1)
        yield Server(url=f"http://127.0.0.1:{port}", port=port, process=process, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def gunicorn(env: dict[str, str], port: int | None = None):
    """The production HTTP server, with the project's gunicorn.conf.py (fewer workers here).
    Its address is the site's (SITE_URL) unless `env` says otherwise."""
    port = port or free_port()
    env = {"SITE_URL": f"http://127.0.0.1:{port}", **env}
    env.update(PORT=str(port), WEB_CONCURRENCY="2", WEB_THREADS="4")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "marketplace.wsgi:application",
        "--config",
        "gunicorn.conf.py",
    ]
    return _serve("gunicorn", command, env, port)


def _daphne_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "marketplace.wsserver",  # daphne as the Procfile starts it (on uvloop)
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "marketplace.asgi:application",
    ]


def daphne(env: dict[str, str], port: int | None = None):
    """The production WebSocket server (it answers HTTP too)."""
    port = port or free_port()
    return _serve("daphne", _daphne_command(port), env, port)


def daphne_server(env: dict[str, str], port: int | None = None):
    """daphne as a Server, for tests that check the process itself (alive, still listening)."""
    port = port or free_port()
    return _start("daphne", _daphne_command(port), env, port)
