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
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402 - importable once ROOT is on sys.path
    VAR,
    ensure_database,
    log,
    machine,
    manage,
    production_env,
    serve,
    sibling_database_url,
    write_section,
)


def bench_database_url(url: str) -> str:
    return sibling_database_url(url, "_bench")


def server_env() -> dict[str, str]:
    return production_env(bench_database_url(os.environ["DATABASE_URL"]), cache_prefix="lapak-bench")


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
    write_section("\n".join(lines), "pages")
    log("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
