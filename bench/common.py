"""What the benchmark scripts share: their databases, the site served as in production, the machine
description, and the sections of docs/benchmarks.md each script rewrites."""

import contextlib
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- Databases ----------------------------------------------------------------------------------
def sibling_database_url(url: str, suffix: str) -> str:
    """The same server and credentials, database `<name><suffix>`."""
    parts = urlsplit(url)
    name = parts.path.rsplit("/", 1)[-1]
    return urlunsplit(parts._replace(path=parts.path[: -len(name)] + f"{name}{suffix}"))


def database_config(url: str) -> dict:
    import environ

    return environ.Env.db_url_config(url)


def connect(url: str, *, dbname: str | None = None) -> psycopg.Connection:
    """An autocommit connection to the database of `url` (or to `dbname` on the same server)."""
    config = database_config(url)
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname=dbname or config["NAME"],
        autocommit=True,
    )


def ensure_database(url: str) -> None:
    name = database_config(url)["NAME"]
    with connect(url, dbname="postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name = database_config(url)["NAME"]
    with connect(url, dbname="postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Servers ------------------------------------------------------------------------------------
def production_env(database_url: str, *, cache_prefix: str, **extra: str) -> dict[str, str]:
    """The environment of a site run as in production (DEBUG off) on its own database, with static
    files collected under var/bench/ and its own cache key prefix in the shared Redis."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(VAR / "static"),
        MEDIA_ROOT=str(VAR / "media"),
        SERVE_MEDIA="1",
        LOG_LEVEL="WARNING",
        CACHE_KEY_PREFIX=cache_prefix,
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# How the Procfile starts daphne (on uvloop).
DAPHNE = "marketplace.wsserver"


@contextlib.contextmanager
def serve(kind: str, env: dict[str, str]):
    """Start the site on a free port with `kind` of server; yields its base URL once /healthz answers."""
    port = free_port()
    bind = ["-b", "127.0.0.1", "-p", str(port)]
    # The site is here: its sockets take the pages of this origin (marketplace/origins.py).
    env = {**env, "SITE_URL": f"http://127.0.0.1:{port}"}
    listener = None
    if kind == "daphne":
        commands = [[sys.executable, "-m", DAPHNE, *bind, "-v", "0", "marketplace.asgi:application"]]
    elif kind == "daphne2":
        # Two daphne processes accepting on one shared socket: how production uses both cores.
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(1024)
        listener.set_inheritable(True)
        fd = str(listener.fileno())
        commands = [
            [sys.executable, "-m", DAPHNE, "--fd", fd, "-v", "0", "marketplace.asgi:application"]
            for _ in range(2)
        ]
    elif kind == "uvicorn":
        commands = [
            [
                sys.executable,
                "-m",
                "uvicorn",
                "marketplace.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
                "--no-access-log",
                "--log-level",
                "warning",
                "--lifespan",
                "off",
            ]
        ]
    elif kind == "gunicorn":
        # The production HTTP setup: gunicorn.conf.py (3 gthread workers x 4 threads).
        commands = [
            [sys.executable, "-m", "gunicorn", "marketplace.wsgi:application", "--config", "gunicorn.conf.py"]
        ]
        env = {**env, "PORT": str(port)}
    else:
        raise SystemExit(f"unknown server {kind}")
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, pass_fds=(listener.fileno(),) if listener else ())
        for command in commands
    ]
    try:
        deadline = time.monotonic() + 30
        while True:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response,  # noqa: S310
            ):
                if response.status == 200:
                    break
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise SystemExit(f"{kind} did not start")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        if listener:
            listener.close()


# --- Reporting ----------------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    python = platform.python_version()
    return f"{os.cpu_count()} cores ({cpu}), {memory} RAM, Python {python}, {platform.system()}"


def write_section(text: str, name: str) -> None:
    """Replace the `name` section of docs/benchmarks.md (between its markers), or append it."""
    path = ROOT / "docs" / "benchmarks.md"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    current = path.read_text() if path.exists() else "# Benchmarks\n\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in current:
        current = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, current, flags=re.S)
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    path.write_text(current)
