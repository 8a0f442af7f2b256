"""Flash-sale benchmark: N buyers race for K units of one variant through the real checkout.

Run with `make bench-flash` (embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL are set).
It builds a database of its own (`<name>_flash`, dropped again at the end unless --keep-database)
with one shop, the flash variant (K units) and N buyers, each logged in (a session made directly,
so no password hashing is measured) with an address and one unit of the variant in the cart. The
site runs as in production: gunicorn with gunicorn.conf.py, DEBUG off, collected static files.

Every buyer first GETs /checkout/ (untimed: the CSRF cookie and token, the idempotency key, the
default address, shipping and payment method, exactly as a browser would submit the form); a few
extra buyers place real orders of another variant at once, so every worker has run the whole path,
and five more one after another, for the latency of an order nobody competes with.
Then the race: N threads held at one barrier each POST "Place order" on a new connection at the
same moment. A 302 to the done page is an order, the form re-rendered with "<title> is sold out."
a refusal, anything else an error. The database is then checked: orders, units ordered, stock.

Beside it, the database's own ceiling on the same machine: pgbench with 32 clients running
`UPDATE flash_stock SET stock = stock - 1 WHERE id = 1 AND stock > 0` on a one-row table in a
scratch database (`<name>_flash_pgbench`, dropped afterwards).

The results replace the "flash_sale" section of docs/benchmarks.md. Exits 1 when the orders
placed are not exactly K, a unit was oversold, or any buyer got an error other than "sold out".

    python bench/flash_sale.py [--buyers 200] [--units 20] [--warmup-buyers 12] [--pgbench-clients 32]
                               [--pgbench-seconds 10] [--keep-database] [--no-write]
"""

import argparse
import contextlib
import datetime as dt
import html
import http.client
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402 - importable once ROOT is on sys.path
    VAR,
    connect,
    database_config,
    drop_database,
    ensure_database,
    log,
    machine,
    manage,
    production_env,
    serve,
    sibling_database_url,
    write_section,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lapak"
CACHE_PREFIX = "lapak-flash"
# Notification emails are queued on commit; a queue of our own, emptied at the end, keeps them
# away from any worker of the development site sharing this Redis.
CELERY_QUEUE = "lapak-flash-bench"
FLASH_TITLE = "Kaos Flash Sale"
WARMUP_TITLE = "Kaos Pemanasan"
SOLO_BUYERS = 5
PGBENCH_STOCK = 10_000_000
PGBENCH_SQL = "UPDATE flash_stock SET stock = stock - 1 WHERE id = 1 AND stock > 0;"


# --- Setup --------------------------------------------------------------------------------------
def server_env(base_url: str) -> dict[str, str]:
    # Plain HTTP on 127.0.0.1: cookies without the Secure flag, as tests/kit/servers.py does.
    return production_env(
        sibling_database_url(base_url, "_flash"),
        cache_prefix=CACHE_PREFIX,
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        CELERY_TASK_DEFAULT_QUEUE=CELERY_QUEUE,
    )


def prepare_database(env: dict[str, str]) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    drop_database(env["DATABASE_URL"])
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")


@dataclass
class Buyer:
    user_id: int
    username: str
    cookies: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Catalog:
    flash_variant_id: int
    flash_product_id: int
    warmup_variant_id: int
    buyers: list[Buyer]
    warmup_buyers: list[Buyer]  # place orders of the warm-up variant before the race
    solo_buyers: list[Buyer]  # each places one alone, for the uncontended latency
    spare_user_id: int  # places one order in-process, to count its queries


def create_data(*, buyers: int, units: int, warmup_buyers: int, solo_buyers: int) -> Catalog:
    """One shop, the flash variant with `units` in stock, a warm-up variant, and the buyers."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from marketplace.models import Address, User
    from orders.models import Cart, CartItem
    from shops.enums import ProductStatus
    from shops.models import Category, Product, ProductVariant, Shop
    from shops.services import product_refresh_summary

    category = Category.objects.create(name="Kaos", slug="kaos-flash")
    shop = Shop.objects.create(slug="toko-flash", name="Toko Flash", city="Bandung")

    def variant(title: str, slug: str, stock: int) -> ProductVariant:
        product = Product.objects.create(
            shop=shop,
            category=category,
            title=title,
            slug=slug,
            description="Kaos katun, siap kirim.",
            status=ProductStatus.ACTIVE,
            published_at=timezone.now(),
        )
        made = ProductVariant.objects.create(
            product=product, sku=slug.upper(), size="M", price=49_000, stock=stock
        )
        product_refresh_summary(product=product)
        return made

    flash = variant(FLASH_TITLE, "kaos-flash-sale", units)
    warmup = variant(WARMUP_TITLE, "kaos-pemanasan", 10_000)

    total = buyers + warmup_buyers + solo_buyers + 1
    unusable = make_password(None)  # nobody logs in with a password here: no hashing cost
    users = User.objects.bulk_create(
        [
            User(username=f"flash{i:04d}", email=f"flash{i:04d}@example.com", password=unusable)
            for i in range(total)
        ]
    )
    Address.objects.bulk_create(
        [
            Address(
                user=user,
                label="Rumah",
                recipient_name=f"Pembeli {i}",
                phone="081234567890",
                province="DKI Jakarta",
                city="Jakarta Selatan",
                district="Kebayoran Baru",
                postal_code="12110",
                street=f"Jl. Senopati No. {i + 1}",
                is_default=True,
            )
            for i, user in enumerate(users)
        ]
    )
    carts = Cart.objects.bulk_create([Cart(user=user) for user in users])
    CartItem.objects.bulk_create(
        [
            CartItem(
                cart=cart,
                variant=flash if i < buyers else warmup,
                quantity=1,
                price_when_added=49_000,
            )
            for i, cart in enumerate(carts)
        ]
    )

    # Logged in as django.contrib.auth.login() would leave the session, without the password check.
    session_store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    people = []
    for user in users:
        session = session_store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        people.append(
            Buyer(
                user_id=user.pk,
                username=user.username,
                cookies={settings.SESSION_COOKIE_NAME: session.session_key},
            )
        )
    return Catalog(
        flash_variant_id=flash.pk,
        flash_product_id=flash.product_id,
        warmup_variant_id=warmup.pk,
        buyers=people[:buyers],
        warmup_buyers=people[buyers : buyers + warmup_buyers],
        solo_buyers=people[buyers + warmup_buyers : -1],
        spare_user_id=users[-1].pk,
    )


# --- HTTP ---------------------------------------------------------------------------------------
@dataclass
class Reply:
    status: int
    location: str
    body: str
    cookies: dict[str, str]


def request(base: str, method: str, path: str, *, cookies: dict[str, str], body: str = "") -> Reply:
    """One request on a new connection, as a browser that just opened the page would send it."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Connection": "close"}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = base
        headers["Referer"] = base + path
    try:
        conn.request(method, path, body=body.encode() if body else None, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return Reply(
            status=response.status,
            location=response.getheader("Location", ""),
            body=text,
            cookies={name: morsel.value for name, morsel in jar.items()},
        )
    finally:
        conn.close()


class CheckoutForm(HTMLParser):
    """What a browser submits from the checkout form: hidden and text inputs, the checked radios,
    and every checkbox ticked (the only ones are the defect acknowledgements a buyer must tick)."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == "checkout-form":
            self.inside = True
        if not self.inside or tag != "input" or "disabled" in attributes or not attributes.get("name"):
            return
        kind = attributes.get("type", "text")
        if kind in ("submit", "button", "image") or (kind == "radio" and "checked" not in attributes):
            return
        value = attributes.get("value") or ("on" if kind == "checkbox" else "")
        self.fields.append((attributes["name"], value))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def open_checkout(base: str, buyer: Buyer, *, variant_id: int) -> None:
    """GET the checkout page as `buyer`; keep its cookies and the form it would submit."""
    reply = request(base, "GET", "/checkout/", cookies=buyer.cookies)
    if reply.status != 200:
        raise SystemExit(f"{buyer.username}: GET /checkout/ answered {reply.status} {reply.location}")
    buyer.cookies.update(reply.cookies)
    parser = CheckoutForm()
    parser.feed(reply.body)
    names = {name for name, _ in parser.fields}
    missing = {"csrfmiddlewaretoken", "idempotency_key", "address", "payment_method"} - names
    if (
        missing
        or ("line", str(variant_id)) not in parser.fields
        or not any(n.startswith("shipping-") for n in names)
    ):
        raise SystemExit(
            f"{buyer.username}: the checkout form lacks {sorted(missing) or 'its line or shipping'}"
        )
    buyer.fields = [*parser.fields, ("action", "place")]


ERROR_RE = re.compile(r"<p[^>]*data-checkout-error[^>]*>(.*?)</p>", re.S)
DONE_RE = re.compile(r"^/checkout/(\d+)/selesai/$")


@dataclass
class Attempt:
    buyer: Buyer
    started: float
    finished: float
    outcome: str  # "placed", "sold_out" or "error"
    detail: str = ""

    @property
    def latency_ms(self) -> float:
        return (self.finished - self.started) * 1000


def classify(reply: Reply, *, sold_out_message: str) -> tuple[str, str]:
    path = urlsplit(reply.location).path
    if reply.status == 302 and DONE_RE.match(path):
        return "placed", path
    if reply.status == 200:
        shown = ERROR_RE.search(reply.body)
        message = html.unescape(shown.group(1)).strip() if shown else ""
        if message == sold_out_message:
            return "sold_out", message
        return "error", f"200 {message or 'without an error message'}"
    return "error", f"{reply.status} {reply.location or reply.body[:200]}".strip()


def race(base: str, buyers: list[Buyer], *, sold_out_message: str) -> list[Attempt]:
    """Every buyer POSTs their checkout form at the same moment, each on its own thread."""
    barrier = threading.Barrier(len(buyers))
    attempts: list[Attempt | None] = [None] * len(buyers)

    def submit(index: int) -> None:
        buyer = buyers[index]
        body = urlencode(buyer.fields)
        barrier.wait()
        started = time.perf_counter()
        try:
            reply = request(base, "POST", "/checkout/", cookies=buyer.cookies, body=body)
        except Exception as error:  # whatever it is, it is what this buyer got
            outcome, detail = "error", f"{type(error).__name__}: {error}"
        else:
            outcome, detail = classify(reply, sold_out_message=sold_out_message)
        attempts[index] = Attempt(buyer, started, time.perf_counter(), outcome, detail)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(buyers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    missing = [buyer for buyer, attempt in zip(buyers, attempts, strict=True) if attempt is None]
    if missing:
        raise SystemExit(f"{len(missing)} client threads died before sending")
    return [attempt for attempt in attempts if attempt is not None]


def warm_up(base: str, catalog: Catalog, *, sold_out_message: str) -> list[float]:
    """Untimed: every buyer loads the checkout page; the warm-up buyers place their orders at once, so
    every worker has run the whole path; then the solo buyers place one each, one after another.
    Returns the solo latencies (ms): what one order costs when nobody else is buying."""
    pages = [(buyer, catalog.flash_variant_id) for buyer in catalog.buyers] + [
        (buyer, catalog.warmup_variant_id) for buyer in catalog.warmup_buyers + catalog.solo_buyers
    ]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda page: open_checkout(base, page[0], variant_id=page[1]), pages))
    warm = (
        race(base, catalog.warmup_buyers, sold_out_message=sold_out_message) if catalog.warmup_buyers else []
    )
    solo = [race(base, [buyer], sold_out_message=sold_out_message)[0] for buyer in catalog.solo_buyers]
    failed = [attempt.detail for attempt in warm + solo if attempt.outcome != "placed"]
    if failed:
        raise SystemExit(f"warm-up checkouts failed: {failed[:3]}")
    return [attempt.latency_ms for attempt in solo]


# --- Checks and measures ------------------------------------------------------------------------
def percentile(values: list[float], pct: float) -> float:
    """Nearest rank: the smallest value with at least pct% of the values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def verify(catalog: Catalog, attempts: list[Attempt], *, units: int) -> dict:
    """What the database holds after the race, for the flash variant and the racing buyers."""
    from django.db.models import Sum

    from orders.models import Checkout, Order, OrderItem
    from shops.models import Product, ProductVariant

    items = OrderItem.objects.filter(variant_id=catalog.flash_variant_id)
    ordered = items.aggregate(total=Sum("quantity"))["total"] or 0
    stock = ProductVariant.objects.get(pk=catalog.flash_variant_id).stock
    stock_total = Product.objects.get(pk=catalog.flash_product_id).stock_total
    racers = [attempt.buyer.user_id for attempt in attempts]
    placed_ids = {int(DONE_RE.match(a.detail).group(1)) for a in attempts if a.outcome == "placed"}
    checkouts = set(Checkout.objects.filter(buyer_id__in=racers).values_list("pk", flat=True))
    return {
        "orders": Order.objects.filter(items__variant_id=catalog.flash_variant_id).distinct().count(),
        "ordered_units": ordered,
        "oversold": max(0, ordered - units),
        "stock": stock,
        "stock_total": stock_total,
        # Every 302 is a checkout in the database, and every checkout was answered with its 302.
        "answers_match": checkouts == placed_ids,
        "stock_adds_up": stock == units - ordered and stock_total == stock,
    }


def count_queries(catalog: Catalog, attempts: list[Attempt]) -> dict[str, int]:
    """SQL queries of one placement (the spare buyer, the warm-up variant) and of one sold-out
    refusal (a refused racer submitting the same form again), in-process, after a GET of the page."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def submit(user_id: int, fields: list[tuple[str, str]] | None, expected: int) -> int:
        client = Client()
        client.force_login(get_user_model().objects.get(pk=user_id))
        page = client.get("/checkout/")
        if fields is None:
            parser = CheckoutForm()
            parser.feed(page.content.decode())
            fields = [*parser.fields, ("action", "place")]
        data: dict[str, list[str]] = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/checkout/", data)
        assert response.status_code == expected, (response.status_code, expected)
        return len(captured)

    counts = {"placed": submit(catalog.spare_user_id, None, 302)}
    refused = next((a for a in attempts if a.outcome == "sold_out"), None)
    if refused is not None:
        counts["sold_out"] = submit(refused.buyer.user_id, refused.buyer.fields, 200)
    connection.close()
    return counts


def pgbench_ceiling(url: str, *, clients: int, threads: int, seconds: int) -> dict:
    """tps of the bare conditional UPDATE on one hot row, on the same PostgreSQL server."""
    binary = shutil.which("pgbench") or "/usr/bin/pgbench"
    if not Path(binary).exists():
        raise SystemExit("pgbench is missing: run 'sudo apt-get install postgresql-client'")
    scratch = sibling_database_url(url, "_pgbench")
    drop_database(scratch)
    ensure_database(scratch)
    try:
        with connect(scratch) as conn:
            conn.execute(
                "CREATE TABLE flash_stock (id integer PRIMARY KEY, stock integer NOT NULL CHECK (stock >= 0))"
            )
            conn.execute("INSERT INTO flash_stock VALUES (1, %s)", [PGBENCH_STOCK])
        config = database_config(scratch)
        env = dict(os.environ)
        if config["PASSWORD"]:
            env["PGPASSWORD"] = str(config["PASSWORD"])
        with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
            script.write(PGBENCH_SQL + "\n")
            script.flush()
            command = [
                binary,
                "-n",
                "-c",
                str(clients),
                "-j",
                str(threads),
                "-T",
                str(seconds),
                "-f",
                script.name,
            ]
            for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
                if config[key]:
                    command += [flag, str(config[key])]
            output = subprocess.run(
                [*command, config["NAME"]], capture_output=True, text=True, check=True, env=env
            ).stdout
        with connect(scratch) as conn:
            left = conn.execute("SELECT stock FROM flash_stock WHERE id = 1").fetchone()[0]
    finally:
        drop_database(scratch)
    return {
        "tps": float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", output).group(1)),
        "latency_ms": float(re.search(r"latency average = ([\d.]+) ms", output).group(1)),
        "transactions": int(re.search(r"number of transactions actually processed: (\d+)", output).group(1)),
        "taken": PGBENCH_STOCK - left,
        "left": left,
        "pgbench": subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip(),
    }


def purge_redis(redis_url: str) -> None:
    """Forget what the run left in the shared Redis: its cache keys and its queued emails."""
    import redis

    client = redis.Redis.from_url(redis_url)
    with contextlib.suppress(redis.RedisError):
        stale = [CELERY_QUEUE, f"_kombu.binding.{CELERY_QUEUE}", *client.scan_iter(f"{CACHE_PREFIX}:*")]
        for start in range(0, len(stale), 500):
            client.delete(*stale[start : start + 500])


def loadavg() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


# --- Report -------------------------------------------------------------------------------------
def summarize(attempts: list[Attempt]) -> dict:
    start = min(a.started for a in attempts)
    placed = [a for a in attempts if a.outcome == "placed"]
    sold_out = [a for a in attempts if a.outcome == "sold_out"]
    errors = [a for a in attempts if a.outcome == "error"]
    everyone = max(a.finished for a in attempts) - start
    sold_out_at = max((a.finished for a in placed), default=start) - start
    return {
        "placed": len(placed),
        "sold_out": len(sold_out),
        "errors": len(errors),
        "error_examples": Counter(a.detail for a in errors).most_common(5),
        "sold_out_at": sold_out_at,
        "everyone": everyone,
        "orders_per_s": len(placed) / sold_out_at if placed and sold_out_at else 0.0,
        "refusals_per_s": len(sold_out) / (everyone - sold_out_at) if everyone > sold_out_at else math.nan,
        "placed_ms": [percentile([a.latency_ms for a in placed], p) for p in (50, 99)],
        "sold_out_ms": [percentile([a.latency_ms for a in sold_out], p) for p in (50, 99)],
    }


def report(
    args, *, result: dict, checks: dict, queries: dict, ceiling: dict, loads: dict, solo_ms: list[float]
) -> str:
    fraction = result["orders_per_s"] / ceiling["tps"] if ceiling["tps"] else math.nan
    placed_p50, placed_p99 = result["placed_ms"]
    refused_p50, refused_p99 = result["sold_out_ms"]
    answers_match = "yes" if checks["answers_match"] else "NO"
    options = " ".join(sys.argv[1:])
    command = f'make bench-flash ARGS="{options}"' if options else "make bench-flash"
    lines = [
        "## Flash sale (`bench/flash_sale.py`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()} with "
        f"`{command}`. Load average (1/5/15 min) before the run {loads['start']}: anything else running on "
        "these 2 cores, a test suite for one, slows every number below. Just before the race "
        f"{loads['race']} and at the end {loads['end']}, this run's own setup and pgbench included.",
        "",
        f"{args.buyers} buyers race for {args.units} units of one variant through the real checkout: "
        "gunicorn with `gunicorn.conf.py` (3 gthread workers × 4 threads), DEBUG off, PostgreSQL and Redis "
        "local, cash on delivery, one unit each. Every buyer is logged in (a session made directly) with "
        "an address and the item in the cart, and has already loaded /checkout/ (untimed: CSRF token, "
        f"idempotency key, default choices); {args.warmup_buyers} other buyers placed orders of another "
        "variant first so every worker is warm. Then all POST “Place order” at once (threads released by "
        "one barrier, a new connection each; the client runs on the same 2 cores).",
        "",
        "| | result | required |",
        "|---|---:|---|",
        f"| orders placed (302 to the done page) | {result['placed']} | = {args.units} |",
        f"| oversold units | {checks['oversold']} | 0 |",
        f"| errors other than “sold out” | {result['errors']} | 0 |",
        f"| refused with “{FLASH_TITLE} is sold out.” | {result['sold_out']} | |",
        f"| in the database: orders / units ordered / stock left | {checks['orders']} / "
        f"{checks['ordered_units']} / {checks['stock']} | {args.units} / {args.units} / 0 |",
        f"| every 302 is a checkout, every checkout got its 302 | {answers_match} | yes |",
        "",
        "| responses | count | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
        f"| placed | {result['placed']} | {placed_p50:.0f} | {placed_p99:.0f} |",
        f"| sold out | {result['sold_out']} | {refused_p50:.0f} | {refused_p99:.0f} |",
        "",
        f"- **{result['orders_per_s']:.1f} orders/s**: the last order was answered "
        f"{result['sold_out_at'] * 1000:.0f} ms after the buyers fired ({result['placed']} orders in that "
        "window).",
        f"- **Sold-out buyers turned away at {result['refusals_per_s']:.0f}/s** after that; all "
        f"{args.buyers} buyers had their answer after {result['everyone'] * 1000:.0f} ms. Latency counts "
        "from each buyer's own send, so it includes waiting for one of the 12 server threads; p99 is by "
        f"nearest rank (of {result['placed']} orders, the slowest).",
        f"- One order alone ({len(solo_ms)} buyers one after another before the race, nobody else buying): "
        f"p50 {percentile(solo_ms, 50):.0f} ms, slowest {max(solo_ms, default=math.nan):.0f} ms.",
        f"- SQL queries per request (in-process, after a GET of the page): {queries.get('placed', '?')} to "
        f"place an order, {queries.get('sold_out', '?')} to refuse a sold-out one (it re-renders the page).",
    ]
    if result["error_examples"]:
        lines.append(
            "- Errors: " + "; ".join(f"{n} × `{detail[:120]}`" for detail, n in result["error_examples"])
        )
    lines += [
        "",
        f"**Ceiling of the database** on the same machine and server ({ceiling['pgbench']}): "
        f"`pgbench -n -c {args.pgbench_clients} -j 2 -T {args.pgbench_seconds}` running `{PGBENCH_SQL}` "
        f"on a one-row table in a scratch database, stock {PGBENCH_STOCK:,} so the UPDATE always took a "
        f"unit ({ceiling['taken']:,} taken, {ceiling['left']:,} left): **{ceiling['tps']:,.0f} tps** "
        f"(average latency {ceiling['latency_ms']:.1f} ms). Our {result['orders_per_s']:.1f} "
        f"reservations/s are **{fraction:.1%}** of it.",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--warmup-buyers", type=int, default=12)
    parser.add_argument("--pgbench-clients", type=int, default=32)
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--keep-database", action="store_true", help="leave <name>_flash for inspection")
    parser.add_argument("--no-write", action="store_true", help="print the report, leave docs/ alone")
    args = parser.parse_args()
    if not 0 < args.units <= args.buyers:
        parser.error("need 0 < units <= buyers")

    loads = {"start": loadavg()}
    base_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    env = server_env(base_url)
    log(f"database {database_config(env['DATABASE_URL'])['NAME']}: rebuilding")
    prepare_database(env)
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import translation
    from django.utils.translation import gettext

    try:
        catalog = create_data(
            buyers=args.buyers, units=args.units, warmup_buyers=args.warmup_buyers, solo_buyers=SOLO_BUYERS
        )
        connection.close()
        with translation.override(settings.LANGUAGE_CODE):  # what a buyer without a language cookie reads
            sold_out_message = gettext("%(title)s is sold out.") % {"title": FLASH_TITLE}

        log("gunicorn: starting")
        with serve("gunicorn", env) as base:
            log("warm-up: every buyer opens the checkout page, then warm-up and solo orders")
            solo_ms = warm_up(base, catalog, sold_out_message=sold_out_message)
            time.sleep(1)
            loads["race"] = loadavg()
            log(f"race: {args.buyers} buyers, {args.units} units")
            attempts = race(base, catalog.buyers, sold_out_message=sold_out_message)

        result = summarize(attempts)
        checks = verify(catalog, attempts, units=args.units)
        queries = count_queries(catalog, attempts)
        log(
            f"placed {result['placed']}, sold out {result['sold_out']}, errors {result['errors']}, "
            f"oversold {checks['oversold']}; {result['orders_per_s']:.1f} orders/s"
        )
        for detail, count in result["error_examples"]:
            log(f"error × {count}: {detail[:300]}")

        log(f"pgbench: {args.pgbench_clients} clients, {args.pgbench_seconds} s")
        ceiling = pgbench_ceiling(
            env["DATABASE_URL"], clients=args.pgbench_clients, threads=2, seconds=args.pgbench_seconds
        )
        log(f"pgbench: {ceiling['tps']:.0f} tps")
        loads["end"] = loadavg()
    finally:
        connection.close()
        purge_redis(settings.REDIS_URL)
        if not args.keep_database:
            drop_database(env["DATABASE_URL"])

    text = report(
        args, result=result, checks=checks, queries=queries, ceiling=ceiling, loads=loads, solo_ms=solo_ms
    )
    if args.no_write:
        print(text)
    else:
        write_section(text, "flash_sale")
        log("wrote docs/benchmarks.md")

    failures = []
    if result["placed"] != args.units:
        failures.append(f"{result['placed']} orders placed, expected {args.units}")
    if checks["oversold"]:
        failures.append(f"{checks['oversold']} units oversold")
    if result["errors"]:
        failures.append(f"{result['errors']} errors other than sold out")
    if not (checks["answers_match"] and checks["stock_adds_up"]):
        failures.append(f"the database disagrees with the answers: {checks}")
    for failure in failures:
        log(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
