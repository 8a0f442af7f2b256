"""Page benchmark: the storefront served as in production, under wrk at 50 connections.

Run with `make bench` (it starts embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL are set).
It builds a separate database (`<name>_bench`) with the demo data, collects static files, then for
each server setup starts the site with DEBUG off and loads home, product list, search, product
detail and /healthz (a bare HttpResponse("ok"): the framework's ceiling on that server). The
results, with SQL queries per page and the machine, replace the "pages" section of
docs/benchmarks.md.

    python bench/pages.py [--duration 10] [--connections 50] [--servers daphne,daphne2,uvicorn,gunicorn]
"""

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def bench_database_url(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.rsplit("/", 1)[-1]
    return urlunsplit(parts._replace(path=parts.path[: -len(name)] + f"{name}_bench"))


def ensure_database(url: str) -> None:
    import environ

    config = environ.Env.db_url_config(url)
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=bench_database_url(os.environ["DATABASE_URL"]),
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(VAR / "static"),
        MEDIA_ROOT=str(VAR / "media"),
        SERVE_MEDIA="1",
        LOG_LEVEL="WARNING",
        CACHE_KEY_PREFIX="lapak-bench",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict[str, str]) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v", "0")


def pick_pages(env: dict[str, str]) -> tuple[dict[str, str], dict[str, int]]:
    """The URLs to load, and the SQL queries each one makes (measured in-process)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from shops.selectors import product_list_visible

    product = product_list_visible().order_by("-sold_count").first()
    pages = {
        "home": reverse("home"),
        "product list": reverse("product_list"),
        "search": reverse("product_list") + "?q=kemeja",
        "product detail": product.get_absolute_url(),
        "healthz (ceiling)": reverse("healthz"),
    }
    client = Client()
    queries = {}
    for name, path in pages.items():
        client.get(path)  # warm caches as a running server would have them
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        queries[name] = len(captured)
    connection.close()
    return pages, queries


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(kind: str, env: dict[str, str]):
    port = free_port()
    bind = ["-b", "127.0.0.1", "-p", str(port)]
    listener = None
    if kind == "daphne":
        commands = [[sys.executable, "-m", "daphne", *bind, "-v", "0", "marketplace.asgi:application"]]
    elif kind == "daphne2":
        # Two daphne processes accepting on one shared socket: how production uses both cores.
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(1024)
        listener.set_inheritable(True)
        fd = str(listener.fileno())
        commands = [
            [sys.executable, "-m", "daphne", "--fd", fd, "-v", "0", "marketplace.asgi:application"]
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
            with contextlib.suppress(OSError):
                import urllib.request

                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
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


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(url: str, duration: int, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = {
        pct: float(value) * UNITS[unit]
        for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


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


def write_section(text: str, name: str = "pages") -> None:
    path = ROOT / "docs" / "benchmarks.md"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    current = path.read_text() if path.exists() else "# Benchmarks\n\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in current:
        current = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, current, flags=re.S)
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    path.write_text(current)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--servers", default="daphne,daphne2,uvicorn,gunicorn")
    args = parser.parse_args()

    env = server_env()
    prepare(env)
    pages, queries = pick_pages(env)
    results: dict[str, dict[str, dict]] = {}
    for kind in args.servers.split(","):
        log(f"{kind}: starting")
        with serve(kind, env) as base:
            results[kind] = {}
            for name, path in pages.items():
                wrk(base + path, 2, 10)  # warm up: caches, connections, code paths
                results[kind][name] = result = wrk(base + path, args.duration, args.connections)
                log(
                    f"{kind:8} {name:18} {result['rps']:8.0f} req/s  p50 {result['p50']:.1f} ms  "
                    f"p99 {result['p99']:.1f} ms  non-2xx {result['non2xx']}"
                )

    lines = [
        "## Storefront pages (`bench/pages.py`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}. wrk with 2 threads and "
        f"{args.connections} connections for {args.duration} s per page, on the same machine as the server "
        "(wrk takes CPU from it too). DEBUG off, demo data (`seed_demo`), PostgreSQL and Redis local. "
        'Ratio = the page\'s requests/s over /healthz (a bare `HttpResponse("ok")`) on the same server.',
        "",
        "| server | page | SQL queries | req/s | p50 ms | p99 ms | ratio to ceiling | non-2xx |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, by_page in results.items():
        ceiling = by_page["healthz (ceiling)"]["rps"]
        for name, r in by_page.items():
            lines.append(
                f"| {kind} | {name} | {queries[name]} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
                f"{r['rps'] / ceiling:.2f} | {r['non2xx']} |"
            )
    lines += [
        "",
        "Servers: `daphne` one process; `daphne2` two daphne processes sharing one listening socket "
        "(`--fd`); `uvicorn` ASGI with 2 workers; `gunicorn` WSGI with `gunicorn.conf.py` "
        "(3 gthread workers × 4 threads), the production setup.",
    ]
    write_section("\n".join(lines))
    log("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
