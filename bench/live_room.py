"""Live-room benchmark: N viewers in one room on daphne, a steady chat and flash-deal pushes.

Run with `make bench-live` (embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL are set).
It builds a database of its own (`<name>_live`, dropped at the end unless --keep-database) with a
shop, one product, a LIVE session (live.services: scheduled, then gone live) and the chatting
accounts, each logged in with a session of its own. Redis: a database number of its own
(--redis-db, flushed at the start and the end; refused if it holds anyone else's keys).

For each channel layer (RedisChannelLayer, RedisPubSubChannelLayer; --capacity and --expiry set
explicitly) and each room size, daphne runs as in production (DEBUG off, `marketplace.wsserver`,
one process per core: two sharing one socket; --server daphne for one) and
- the chatting accounts connect first (60, logged in: they are in the room too; each logged-in
  join greets the whole room, so they would be a join storm in a full one);
- N anonymous viewers connect (viewer processes, N/--workers sockets each; a dropped handshake is
  tried again with backoff, as the room's own client does, and counted): server RSS before and
  after gives the memory per idle socket, and a few idle seconds its CPU (the stats tick);
- per rate, the accounts send chat round-robin for --seconds (shortened where that would ask for
  more than --max-deliveries) while a deal is pushed every --deal-every seconds through the
  channel layer (group_send from another process, as the site's own pushes); every viewer records
  each message's delivery latency and sequence number, so a gap is a lost message; a phase ends
  when everything arrived (or nothing more came for a few seconds);
- a burst of pushes, as fast as they go out, gives the most messages/s the room delivers.
The same load runs against bench/ws_ceiling.py (a bare `websockets` broadcast server): the
ceiling. Last, product pages: wrk against the product page on gunicorn while the largest room
takes chat at the lowest rate on the chosen layer, and alone before and after it. The aim's p95 is
taken at a steady --page-rate in --page-rounds rounds (each run beside the room between two alone
runs: this VM's speed drifts by the minute); flat out, p95 only follows the share of CPU the room
leaves to the pages, so that is measured once and reported. The viewers' processes run at
--clients-nice meanwhile, standing in for phones that are not on this machine.

The results replace the "live_room" section of docs/benchmarks.md. Exits 1 if a message was lost
(or refused) at the rates measured on the chosen layer.

    python bench/live_room.py [--layers redis,pubsub] [--sizes 200,500,1000] [--rates 5,20]
                              [--seconds 12] [--no-ceiling] [--no-pages] [--no-write] ...
"""

import argparse
import contextlib
import datetime as dt
import itertools
import math
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402 - importable once ROOT is on sys.path
    DAPHNE,
    database_config,
    drop_database,
    free_port,
    log,
    machine,
    production_env,
    serve,
    sibling_database_url,
    write_section,
)
from bench.flash_sale import loadavg, prepare_database  # noqa: E402
from bench.live_clients import CHAT_RE, MEASURED, chat_text, driver_process, viewer_process  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lapak"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Cache keys, channel-layer keys and the Celery queue (session_go_live queues a task).
PREFIX = "lapak-live-bench"
REDIS_MARKER = f"{PREFIX}:owner"
LAYERS = {
    "redis": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}
CEILING = "websockets (ceiling)"
AIM_CHAT_P99_MS = 250
# The layers whose sockets reconnect and read the room again after a Redis restart
# (tests/live/test_multiprocess.py): RedisPubSubChannelLayer resubscribes silently instead.
RESTART_SAFE = {"RedisChannelLayer"}
# RedisChannelLayer's bounds, set explicitly (the values marketplace/settings.py defaults to, as in
# production). At most CAPACITY messages wait per channel: in Redis per daphne process (one message
# per group_send), and in the process per socket, where a full queue drops its oldest message
# silently. A message waits in Redis at most EXPIRY seconds. A socket 1000 messages behind is
# ~50 s behind at 20 msg/s, past being live (its reconnect catch-up re-reads chat from
# PostgreSQL); 30 s is already stale for a countdown. RedisPubSubChannelLayer has no such bounds
# (publish and forget; settings leaves them out).
CHANNEL_LAYER_CAPACITY = 1000
CHANNEL_LAYER_EXPIRY = 30
# live.rate_limits.CHAT_RATE allows 5 messages per 10 s per account; round-robin keeps each below 80%.
CHAT_RATE_PER_ACCOUNT = 5 / 10 * 0.8
# A burst: a few seconds of the room's fan-out, in far fewer pushes than CHANNEL_LAYER_CAPACITY
# (per socket), so that it measures speed, not drops.
BURST_DELIVERIES = 20_000
BURST_PUSHES = (10, 500)
SETTLE_SECONDS = 2
IDLE_SECONDS = 4
MIN_PHASE_SECONDS = 3  # at least one deal push at the default --deal-every
DRAIN_QUIET_SECONDS = 3  # a phase is over when nothing more arrived for this long
FIRST_DELIVERY_SECONDS = 30  # ... or when nothing arrived at all for this long
DRAIN_TIMEOUT_SECONDS = 60  # beyond the time the deliveries take at DRAIN_RATE_FLOOR
DRAIN_RATE_FLOOR = 500  # deliveries/s: the slowest server this waits for
SPAWN = multiprocessing.get_context("spawn")
WRK_LINE = re.compile(r"^(p50|p95|p99|requests|errors|duration) (\d+)$", re.M)
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("p50 %d\\np95 %d\\np99 %d\\nrequests %d\\nerrors %d\\nduration %d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout, summary.duration))
end
"""
# Prepended for a steady rate: each connection waits `-- <ms>` after each response. (wrk decides
# whether a script paces before init sees the arguments, so flat out runs without it.)
WRK_PACE = """
init = function(args)
  pause = tonumber(args[1])
end
delay = function()
  return pause
end
"""


# --- Setup --------------------------------------------------------------------------------------
def redis_database(url: str, number: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}"))


def redis_claim(url: str) -> None:
    """Flush the bench's Redis database, unless it holds keys that are not ours."""
    import redis

    client = redis.Redis.from_url(url)
    if client.dbsize() and not client.exists(REDIS_MARKER):
        raise SystemExit(f"{url} holds someone else's keys: pick a free database with --redis-db")
    client.flushdb()
    client.set(REDIS_MARKER, 1)


def redis_release(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def server_env(database_url: str, redis_url: str, *, capacity: int, expiry: int) -> dict[str, str]:
    # Plain HTTP on 127.0.0.1: session cookies without the Secure flag.
    return production_env(
        sibling_database_url(database_url, "_live"),
        cache_prefix=PREFIX,
        REDIS_URL=redis_url,
        CHANNEL_LAYER_PREFIX=PREFIX,
        CHANNEL_LAYER_CAPACITY=str(capacity),
        CHANNEL_LAYER_EXPIRY=str(expiry),
        CELERY_TASK_DEFAULT_QUEUE=PREFIX,
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
    )


@dataclass
class Room:
    session_id: int
    product_path: str
    cookies: list[str]  # one Cookie header per chatting account


def create_room(*, accounts: int) -> Room:
    """A shop with one product, its session gone live, and `accounts` logged-in viewers."""
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from live.services import session_go_live, session_schedule
    from tests.kit.factories import ShopMemberFactory, UserFactory, active_product

    owner = ShopMemberFactory(user__username="tuan-rumah", user__password=None).user
    shop = owner.shop_memberships.get().shop
    product = active_product(shop=shop, title="Kaos Live", price=59_000, stock=500)
    session = session_schedule(
        shop=shop,
        host=owner,
        actor=owner,
        title="Live bench",
        planned_start=timezone.now() + timedelta(minutes=1),
        products=[product],
    )
    session_go_live(session=session, actor=owner)
    cookies = []
    for index in range(accounts):
        client = Client()  # force_login: a real session row, no password hashing
        client.force_login(UserFactory(username=f"penonton{index:03d}", password=None))
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return Room(session_id=session.pk, product_path=product.get_absolute_url(), cookies=cookies)


def check_chat_text() -> None:
    """The longest texts a run sends pass the room's filters (a held message is not broadcast)."""
    from live.chat_rules import find_blocked_word, find_off_platform
    from live.enums import DEFAULT_BLOCKED_WORDS

    for text in (chat_text(9999, 99_999, 99_999_999), chat_text(0, 0, 0), chat_text(62, 8123, 4567890)):
        if find_off_platform(text) or find_blocked_word(text, list(DEFAULT_BLOCKED_WORDS)):
            raise SystemExit(f"the room would hold {text!r}: change live_clients.chat_text")
        if not CHAT_RE.fullmatch(text):
            raise SystemExit(f"{text!r} does not parse back")


# --- Processes ----------------------------------------------------------------------------------
class Usage:
    """CPU (% of one core) and peak RSS of some processes over a `with` block."""

    def __init__(self, pids: list[int]):
        self.processes = [psutil.Process(pid) for pid in pids]

    def cpu(self) -> float:
        return sum(sum(p.cpu_times()[:2]) for p in self.processes)

    def rss(self) -> int:
        return sum(p.memory_info().rss for p in self.processes)

    def __enter__(self):
        self.started, self.cpu_start, self.peak_rss = time.monotonic(), self.cpu(), self.rss()
        self.stopped = threading.Event()
        self.sampler = threading.Thread(target=self.sample, daemon=True)
        self.sampler.start()
        return self

    def sample(self) -> None:
        while not self.stopped.wait(0.25):
            self.peak_rss = max(self.peak_rss, self.rss())

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.sampler.join()
        self.cpu_seconds = self.cpu() - self.cpu_start
        self.cpu_percent = self.cpu_seconds / (time.monotonic() - self.started) * 100


def redis_pids(url: str) -> list[int]:
    """The Redis server's process, when it runs on this machine (for its CPU)."""
    port = str(urlsplit(url).port or 6379)
    return [
        process.pid
        for process in psutil.process_iter(["name", "cmdline"])
        if process.info["name"] == "redis-server"
        and any(port in arg for arg in process.info["cmdline"] or [])
    ]


class Clients:
    """Client processes (bench/live_clients.py), each answering commands over its pipe."""

    def __init__(self, target, argument_lists: list[tuple]):
        self.handles = []
        for arguments in argument_lists:
            parent, child = SPAWN.Pipe()
            process = SPAWN.Process(target=target, args=(child, *arguments), daemon=True)
            process.start()
            child.close()  # so that a process that dies shows as EOF here
            self.handles.append((parent, process))
        opened = [pipe.recv() for pipe, _ in self.handles]
        self.opened = sum(count for _, count, _ in opened)
        self.retried = sum(retried for _, _, retried in opened)  # handshakes tried again

    @property
    def pids(self) -> list[int]:
        return [process.pid for _, process in self.handles]

    def ask(self, *command) -> list:
        for pipe, _ in self.handles:
            pipe.send(command)
        return [pipe.recv() for pipe, _ in self.handles]

    def close(self) -> None:
        for pipe, process in self.handles:
            with contextlib.suppress(OSError):
                pipe.send(("close",))
            process.join(10)
            if process.is_alive():
                process.terminate()


@contextlib.contextmanager
def clients(target, argument_lists: list[tuple]):
    started = Clients(target, argument_lists)
    try:
        yield started
    finally:
        started.close()


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (index < total % parts) for index in range(parts)]


# --- Servers ------------------------------------------------------------------------------------
@dataclass
class Target:
    name: str
    backend: str | None  # the channel layer; None for the ceiling server


@dataclass
class Running:
    url: str
    origin: str
    pids: list[int]
    group: str | None  # where the driver pushes: the room's group, or None (a socket)
    django_env: dict | None


@contextlib.contextmanager
def running(target: Target, env: dict[str, str], room: Room, server: str):
    if target.backend is None:
        with ceiling_server() as (port, pid):
            yield Running(f"ws://127.0.0.1:{port}/", f"http://127.0.0.1:{port}", [pid], None, None)
        return
    server_env = {**env, "CHANNEL_LAYER_BACKEND": target.backend}
    with serve(server, server_env) as base:
        pids = [child.pid for child in psutil.Process().children() if DAPHNE in child.cmdline()]
        url = base.replace("http", "ws", 1) + f"/ws/live/{room.session_id}/"
        yield Running(url, base, pids, f"live.{room.session_id}", server_env)


@contextlib.contextmanager
def ceiling_server():
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "ws_ceiling.py"), "--port", str(port)])
    try:
        deadline = time.monotonic() + 15
        while not is_listening(port):
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("ws_ceiling.py did not start")
            time.sleep(0.1)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(10)


def is_listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def warm_up(server: Running) -> None:
    """One socket in and out: code imported, pools opened, before the baseline RSS."""
    from websockets.sync.client import connect

    with connect(server.url, origin=server.origin, compression=None) as websocket:
        websocket.recv(timeout=30)
    time.sleep(1)


# --- The room's audience ------------------------------------------------------------------------
@dataclass
class Audience:
    viewers: Clients  # the viewer processes
    driver: Clients  # the chatting accounts and the pushes
    pids: dict[str, list[int]]  # whose CPU each phase measures
    base_rss: int  # the server with the chatting accounts in, before the viewers
    connect_seconds: float  # how long the viewers took to connect
    idle: Usage  # the server with the viewers connected, before anyone chats


@contextlib.contextmanager
def audience_of(server: Running, viewers: int, *, cookies: list, args):
    """The chatting accounts; then `viewers` anonymous sockets, whose idle cost is measured.

    The accounts join first: each logged-in join greets the whole room (live.presence.greeting_due),
    and 60 of them joining a full room are a storm of their own (see docs/benchmarks.md)."""
    driver_args = [(server.url, server.origin, cookies, args.epoch, server.django_env, server.group)]
    started = time.monotonic()
    with clients(driver_process, driver_args) as driver:
        log(
            f"  {driver.opened} chatting accounts connected in {time.monotonic() - started:.0f} s "
            f"({driver.retried} handshakes tried again)"
        )
        time.sleep(SETTLE_SECONDS)
        base_rss = Usage(server.pids).rss()
        viewer_args = [
            (server.url, server.origin, count, args.epoch) for count in split(viewers, args.workers)
        ]
        started = time.monotonic()
        with clients(viewer_process, viewer_args) as watching:
            connect_seconds = time.monotonic() - started
            log(
                f"  {watching.opened} viewers connected in {connect_seconds:.0f} s "
                f"({watching.retried} handshakes tried again)"
            )
            time.sleep(SETTLE_SECONDS)
            with Usage(server.pids) as idle:
                time.sleep(IDLE_SECONDS)
            pids = {"server": server.pids, "clients": watching.pids + driver.pids}
            if args.redis_pids:
                pids["redis"] = args.redis_pids
            # Unmeasured: the chat path's first messages (imports, connections, caches).
            driver.ask("run", -1, 1, 2, math.inf)
            time.sleep(SETTLE_SECONDS)
            yield Audience(watching, driver, pids, base_rss, connect_seconds, idle)


# --- Measuring ----------------------------------------------------------------------------------
def percentile(histogram: Counter, pct: float) -> float:
    """Nearest rank over a histogram of whole milliseconds."""
    total = sum(histogram.values())
    if not total:
        return math.nan
    rank, seen = max(1, math.ceil(pct / 100 * total)), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return math.nan


def drain(audience: Clients, expected: int) -> bool:
    """Wait until every expected delivery arrived, or nothing more came for a while. False when
    deliveries were still coming at the timeout: what is missing then is late, not known lost."""
    timeout = DRAIN_TIMEOUT_SECONDS + expected / DRAIN_RATE_FLOOR
    deadline, last, quiet_since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        received = sum(audience.ask("progress"))
        if received >= expected:
            return True
        if received != last:
            last, quiet_since = received, time.monotonic()
        elif time.monotonic() - quiet_since > (DRAIN_QUIET_SECONDS if received else FIRST_DELIVERY_SECONDS):
            return True
        time.sleep(0.2)
    return False


def merge(reports: list[dict]) -> dict:
    merged = {"latency": {kind: Counter() for kind in MEASURED}, "deal_last": Counter(), "last_ms": 0.0}
    for report in reports:
        for kind, histogram in report["latency"].items():
            merged["latency"][kind].update(histogram)
        for seq, ms in report["deal_last"].items():
            merged["deal_last"][seq] = max(merged["deal_last"][seq], ms)
        for key in ("received", "lost"):
            merged.setdefault(key, Counter()).update(report[key])
        merged.setdefault("closed", Counter()).update(report["closed"])
        for key in ("unexpected", "duplicates", "stale"):
            merged[key] = merged.get(key, 0) + report[key]
        merged["last_ms"] = max(merged["last_ms"], report["last_ms"])
    return merged


def measure(audience: Audience, phases, command: str, *arguments) -> dict:
    """One phase: the driver's command, the wait for its deliveries, then what arrived."""
    phase = next(phases)
    audience.viewers.ask("mark", phase)
    meters = {name: Usage(pids) for name, pids in audience.pids.items()}
    with contextlib.ExitStack() as stack:
        for meter in meters.values():
            stack.enter_context(meter)
        (sent,) = audience.driver.ask(command, phase, *arguments)
        expected = audience.viewers.opened * sum(len(seqs) for seqs in sent["expected"].values())
        drained = drain(audience.viewers, expected)
    got = merge(audience.viewers.ask("report", sent["expected"]))
    received = sum(got["received"].values())
    return {
        **{f"{kind}_p{pct}": percentile(got["latency"][kind], pct) for kind in MEASURED for pct in (50, 99)},
        "deal_last": max(got["deal_last"].values(), default=math.nan),
        "expected": expected,
        "received": received,
        "lost": sum(got["lost"].values()),
        "drained": drained,
        # Neither should ever be non-zero: a message twice, or one nobody sent in this phase.
        "duplicates": got["duplicates"] + got["unexpected"],
        "stale": got["stale"],  # an earlier phase's, arriving during this one
        "closed": got["closed"],
        "refused": sum(sent["refusals"].values()),
        "delivered_per_s": received / (max(got["last_ms"] - sent["first_ms"], 1) / 1000),
        "server_us_per_delivery": meters["server"].cpu_seconds / max(received, 1) * 1e6,
        "push_ms": sent["push_ms"],
        "late_ms": sent["late_ms"],
        **{f"{name}_cpu": meter.cpu_percent for name, meter in meters.items()},
        "server_rss": meters["server"].peak_rss,
    }


def phase_seconds(args, viewers: int, rate: float) -> float:
    """--seconds, shortened where the phase would ask for more than --max-deliveries: a room the
    server cannot keep up with only queues more (latency grows with the phase's length), and the
    backlog must drain before the next phase starts."""
    return max(MIN_PHASE_SECONDS, min(args.seconds, args.max_deliveries / (rate * viewers)))


def burst_pushes(viewers: int) -> int:
    return min(max(BURST_DELIVERIES // viewers, BURST_PUSHES[0]), BURST_PUSHES[1])


def bench_target(target: Target, viewers: int, *, args, env, room: Room, phases) -> dict:
    log(f"{target.name}: {viewers} viewers")
    cookies = room.cookies if target.backend else [None] * len(room.cookies)
    with running(target, env, room, args.server) as server:
        warm_up(server)
        with audience_of(server, viewers, cookies=cookies, args=args) as audience:
            rates = {}
            for rate in args.rates:
                seconds = phase_seconds(args, viewers, rate)
                outcome = measure(audience, phases, "run", rate, seconds, args.deal_every)
                rates[rate] = {**outcome, "seconds": seconds, "offered_per_s": rate * audience.viewers.opened}
                log_phase(f"{rate:g} msg/s for {seconds:g} s", rates[rate], ("chat", "deal"))
            pushes = burst_pushes(viewers)
            burst = {**measure(audience, phases, "burst", pushes), "count": pushes}
            log_phase(f"burst of {pushes}", burst, ("burst",))
    return {
        "opened": audience.viewers.opened,
        "retried": audience.viewers.retried + audience.driver.retried,
        "base_rss": audience.base_rss,
        "connect_seconds": audience.connect_seconds,
        "idle_rss": audience.idle.peak_rss,
        "idle_cpu": audience.idle.cpu_percent,
        "rates": rates,
        "burst": burst,
    }


def log_phase(name: str, outcome: dict, kinds: tuple[str, ...]) -> None:
    latencies = ", ".join(
        f"{kind} p50/p99 {outcome[f'{kind}_p50']}/{outcome[f'{kind}_p99']} ms" for kind in kinds
    )
    log(
        f"  {name}: {latencies}, {outcome['delivered_per_s']:.0f} msg/s delivered, lost "
        f"{outcome['lost']}/{outcome['expected']}, refused {outcome['refused']}, stale {outcome['stale']}, "
        f"server CPU {outcome['server_cpu']:.0f}%, clients CPU {outcome['clients_cpu']:.0f}%"
    )


# --- Product pages beside the room --------------------------------------------------------------
def wrk_p95(url: str, *, seconds: int, connections: int, rate: float | None = None) -> dict:
    """wrk against `url`: flat out, or about `rate` requests/s (each connection pausing after each
    response; the pause is long beside a page's time, so a slower server barely lowers the rate)."""
    paced = [] if rate is None else ["--", str(round(connections * 1000 / rate))]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT if rate is None else WRK_PACE + WRK_SCRIPT)
        script.flush()
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name, url, *paced],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    numbers = {key: int(value) for key, value in WRK_LINE.findall(output)}
    return {
        "p50": numbers["p50"] / 1000,
        "p95": numbers["p95"] / 1000,
        "p99": numbers["p99"] / 1000,
        "rps": numbers["requests"] / (numbers["duration"] / 1e6),
        "errors": numbers["errors"],
    }


def page_check(target: Target, viewers: int, rate: float, *, args, env, room: Room, phases) -> dict:
    """The product page on gunicorn, alone and while the room takes chat: at a steady rate (p95,
    the aim) in --page-rounds rounds, each run beside the room between two alone runs, so a
    slower minute of this shared machine weighs on both sides; then flat out once (what the room
    takes from capacity)."""
    log(f"product page: alone, then beside {viewers} viewers at {rate:g} msg/s on {target.name}")
    steady = {"seconds": args.wrk_seconds, "connections": args.page_connections, "rate": args.page_rate}
    flat_out = {"seconds": args.wrk_seconds, "connections": args.wrk_connections}
    # No worker recycled halfway through a run: a fresh worker's first pages are the cold start
    # of bench/pages.py, not what the room costs (about 12,000 requests here, 5000 a worker).
    with serve("gunicorn", env | {"WEB_MAX_REQUESTS": "0"}) as base:
        url = base + room.product_path
        wrk_p95(url, seconds=3, connections=args.wrk_connections)  # warm caches and workers
        pages = {"alone_max": wrk_p95(url, **flat_out), "alone": [wrk_p95(url, **steady)], "beside": []}
        rooms = []
        for round_ in range(args.page_rounds):
            with (
                running(target, env, room, args.server) as server,
                audience_of(server, viewers, cookies=room.cookies, args=args) as audience,
            ):
                # The viewers stand in for phones elsewhere: on these shared cores they yield to
                # the servers (and to wrk) instead of taking the CPU a page would have had.
                for pid in audience.pids["clients"]:
                    psutil.Process(pid).nice(args.clients_nice)
                pages["ws_nice"] = psutil.Process(server.pids[0]).nice()  # WS_NICE, as in production
                page, outcome = beside_room(
                    url, steady, audience=audience, phases=phases, rate=rate, args=args
                )
                pages["beside"].append(page)
                rooms.append(outcome)
                if round_ == 0:
                    pages["beside_max"], room_flat_out = beside_room(
                        url, flat_out, audience=audience, phases=phases, rate=rate, args=args
                    )
                log_phase(
                    f"round {round_ + 1}: room beside {args.page_rate:g} pages/s", rooms[-1], ("chat", "deal")
                )
            pages["alone"].append(wrk_p95(url, **steady))
            log(
                f"  round {round_ + 1}: pages p95 ms at {args.page_rate:g}/s: alone "
                f"{pages['alone'][-2]['p95']:.0f}, beside {pages['beside'][-1]['p95']:.0f}, alone "
                f"{pages['alone'][-1]['p95']:.0f}"
            )
    log_phase("room beside pages flat out", room_flat_out, ("chat", "deal"))
    pages |= {
        "rooms": rooms,
        "room_flat_out": room_flat_out,
        "viewers": viewers,
        "rate": rate,
        "steady_rate": args.page_rate,
    }
    log(
        f"  pages p95 ms at {args.page_rate:g}/s: alone {mean_p95(pages['alone']):.0f}, beside "
        f"{mean_p95(pages['beside']):.0f} ({page_ratio(pages):.2f}×); flat out: alone "
        f"{pages['alone_max']['p95']:.0f}, beside {pages['beside_max']['p95']:.0f}"
    )
    return pages


def beside_room(url: str, load: dict, *, audience, phases, rate: float, args) -> tuple[dict, dict]:
    """(wrk's numbers for `load` on `url`, the room's) while the room takes chat at `rate`; the
    chat outlasts the wrk run by a second or two at either end."""
    with ThreadPoolExecutor(1) as pool:
        pages = pool.submit(delayed_wrk, url, load)
        room = measure(audience, phases, "run", rate, args.wrk_seconds + 4, args.deal_every)
        return pages.result(), room


def delayed_wrk(url: str, load: dict) -> dict:
    time.sleep(2)  # the chat is flowing
    return wrk_p95(url, **load)


# --- Report -------------------------------------------------------------------------------------
def choose_layer(results: dict, viewers: int, rate: float) -> tuple[str, str]:
    """(layer, why): among the layers that lost nothing at the aim's load, one that meets the
    p99 aim and survives a Redis restart if there is one, else the lowest chat p99."""
    layers = [name for name in results if name != CEILING]

    def at_aim(name):
        return results[name][viewers]["rates"][rate]

    chosen = min(
        layers,
        key=lambda name: (
            at_aim(name)["lost"] > 0,
            not (at_aim(name)["chat_p99"] < AIM_CHAT_P99_MS and name in RESTART_SAFE),
            at_aim(name)["chat_p99"],
        ),
    )
    load = f"at {viewers} viewers and {rate:g} msg/s"
    if at_aim(chosen)["chat_p99"] < AIM_CHAT_P99_MS and chosen in RESTART_SAFE:
        why = f"nothing lost and chat p99 under {AIM_CHAT_P99_MS} ms {load}, and safe across a Redis restart"
    else:
        why = f"the lowest chat p99 with nothing lost {load}"
    return chosen, why


def ms(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0f}"


def mib(size: int) -> str:
    return f"{size / 2**20:.0f}"


def lost(r: dict) -> str:
    late = "" if r["drained"] else " (still arriving at the timeout)"
    closed = sum(r["closed"].values())
    dropped = f" ({closed} sockets closed by the server so far)" if closed else ""
    return f"{r['lost']:,}{late}{dropped} / {r['expected']:,}"


def fraction(ours: float, ceiling: dict | None) -> str:
    return f"{ours / ceiling['delivered_per_s']:.0%}" if ceiling else "–"


def load_rows(results: dict) -> list[str]:
    columns = (
        "server | viewers | chat msg/s × s | chat p50 / p99 ms | deal p50 / p99 / last ms | "
        "chat to deliver /s | delivered msg/s | of ceiling | lost / expected | refused | "
        "server CPU µs per delivery | CPU % server / clients / Redis | server RSS MiB"
    )
    rows = [f"| {columns} |", "|---|" + "---:|" * (columns.count("|"))]
    for name, by_size in results.items():
        for viewers, block in by_size.items():
            for rate, r in block["rates"].items():
                ceiling = results.get(CEILING, {}).get(viewers, {}).get("rates", {}).get(rate)
                rows.append(
                    f"| {name} | {block['opened']} | {rate:g} × {r['seconds']:.0f} "
                    f"| {ms(r['chat_p50'])} / {ms(r['chat_p99'])} "
                    f"| {ms(r['deal_p50'])} / {ms(r['deal_p99'])} / {ms(r['deal_last'])} "
                    f"| {r['offered_per_s']:,.0f} | {r['delivered_per_s']:,.0f} "
                    f"| {fraction(r['delivered_per_s'], ceiling)} "
                    f"| {lost(r)} | {r['refused']} | {r['server_us_per_delivery']:.0f} "
                    f"| {r['server_cpu']:.0f} / {r['clients_cpu']:.0f} / {ms(r.get('redis_cpu'))} "
                    f"| {mib(r['server_rss'])} |"
                )
    return rows


def burst_rows(results: dict) -> list[str]:
    columns = (
        "server | viewers | pushes | push ms (median) | delivered msg/s | of ceiling | p50 / p99 ms | "
        "lost / expected | server CPU µs per delivery | CPU % server / clients"
    )
    rows = [f"| {columns} |", "|---|" + "---:|" * (columns.count("|"))]
    for name, by_size in results.items():
        for viewers, block in by_size.items():
            r = block["burst"]
            ceiling = results.get(CEILING, {}).get(viewers, {}).get("burst")
            rows.append(
                f"| {name} | {block['opened']} | {r['count']} | {r['push_ms']:.2f} "
                f"| {r['delivered_per_s']:,.0f} | {fraction(r['delivered_per_s'], ceiling)} "
                f"| {ms(r['burst_p50'])} / {ms(r['burst_p99'])} | {lost(r)} "
                f"| {r['server_us_per_delivery']:.0f} | {r['server_cpu']:.0f} / {r['clients_cpu']:.0f} |"
            )
    return rows


def idle_rows(results: dict) -> list[str]:
    rows = [
        "| server | viewers | connected in s (handshakes tried again) | RSS before → with idle viewers MiB "
        "| KiB per idle socket | idle CPU % | idle CPU % per 1000 sockets |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, by_size in results.items():
        for block in by_size.values():
            per_socket = (block["idle_rss"] - block["base_rss"]) / block["opened"] / 1024
            per_thousand = block["idle_cpu"] / block["opened"] * 1000
            rows.append(
                f"| {name} | {block['opened']} | {block['connect_seconds']:.0f} ({block['retried']}) "
                f"| {mib(block['base_rss'])} → {mib(block['idle_rss'])} "
                f"| {per_socket:.0f} | {block['idle_cpu']:.0f} | {per_thousand:.0f} |"
            )
    return rows


def aims(results: dict, chosen: str, pages: dict | None, viewers: int, rate: float) -> list[str]:
    at_aim = results[chosen][viewers]["rates"][rate]
    block = results[chosen][viewers]
    per_socket = (block["idle_rss"] - block["base_rss"]) / block["opened"] / 1024
    lines = [
        f"- {viewers} viewers at {rate:g} msg/s, chat p99 under {AIM_CHAT_P99_MS} ms and nothing lost: "
        f"**{'met' if at_aim['chat_p99'] < AIM_CHAT_P99_MS and at_aim['lost'] == 0 else 'NOT met'}** "
        f"(p99 {ms(at_aim['chat_p99'])} ms, {at_aim['lost']} of {at_aim['expected']:,} lost; "
        f"{at_aim['delivered_per_s']:,.0f} msg/s delivered of the {at_aim['offered_per_s']:,.0f} "
        "chat alone asks for).",
        f"- Under 100 KiB of server memory per idle socket: **{'met' if per_socket < 100 else 'NOT met'}** "
        f"({per_socket:.0f} KiB at {block['opened']} viewers).",
    ]
    if pages:
        ratio = page_ratio(pages)
        flat_out = pages["beside_max"]["p95"] / pages["alone_max"]["p95"]
        lines.append(
            f"- Product page p95 within 1.25× while the room is under that load: "
            f"**{'met' if ratio <= 1.25 else 'NOT met'}** ({ratio:.2f}× at a steady "
            f"{pages['steady_rate']:g} pages/s; flat out {flat_out:.2f}×)."
        )
    return lines


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def mean_p95(runs: list[dict]) -> float:
    return sum(run["p95"] for run in runs) / len(runs)


def page_ratio(pages: dict) -> float:
    """Beside the room against alone: the mean p95 of the runs beside it against the mean of the
    alone runs around them."""
    return mean_p95(pages["beside"]) / mean_p95(pages["alone"])


def page_rows(pages: dict) -> list[str]:
    rows = [
        "| product page (gunicorn) | wrk | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    steady, flat_out = f"steady {pages['steady_rate']:g}/s", "flat out"
    beside = f"beside the room ({pages['viewers']} viewers)"
    runs = [("alone", steady, pages["alone"][0])]
    for round_, (next_to, after) in enumerate(zip(pages["beside"], pages["alone"][1:], strict=True), 1):
        runs += [(f"{beside}, round {round_}", steady, next_to), ("alone", steady, after)]
    runs += [("alone", flat_out, pages["alone_max"]), (beside, flat_out, pages["beside_max"])]
    for label, load, r in runs:
        rows.append(
            f"| {label} | {load} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
            f"| {r['errors']} |"
        )
    rooms, flat = pages["rooms"], pages["room_flat_out"]
    lost, expected = sum(room["lost"] for room in rooms), sum(room["expected"] for room in rooms)
    rows += [
        "",
        f"Steady: mean p95 alone {mean_p95(pages['alone']):.1f} ms ({plural(len(pages['alone']), 'run')}), "
        f"beside the room {mean_p95(pages['beside']):.1f} ms ({plural(len(pages['beside']), 'run')}): "
        f"{page_ratio(pages):.2f}×.",
        "",
        "The room meanwhile, beside the steady pages: chat p99 "
        + ", ".join(f"{ms(room['chat_p99'])}" for room in rooms)
        + f" ms by round, {lost} of {expected:,} lost, daphne at "
        + ", ".join(f"{room['server_cpu']:.0f}%" for room in rooms)
        + " of a core. Beside pages flat out: daphne at "
        f"{flat['server_cpu']:.0f}% of a core, {flat['lost']} of {flat['expected']:,} lost, chat p99 "
        f"{ms(flat['chat_p99'])} ms as the viewers saw it (the viewers, niced, get what CPU is left).",
    ]
    return rows


def report(args, results: dict, chosen: str, why: str, pages: dict | None, loads: dict) -> str:
    viewers, rate = max(args.sizes), min(args.rates)
    options = " ".join(sys.argv[1:])
    command = f'make bench-live ARGS="{options}"' if options else "make bench-live"
    lines = [
        "## Live room (`bench/live_room.py`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()} with `{command}`. Load "
        f"average (1/5/15 min) before the run {loads['start']}, at the end {loads['end']}. Server, Redis, "
        "PostgreSQL and every client share these 2 cores: the clients' CPU below is taken from the server.",
        "",
        f"One LIVE room, `{args.server}` (DEBUG off), its own database and Redis database. Viewers are "
        f"anonymous sockets in {args.workers} client processes (asyncio + `websockets`); "
        f"{args.senders} logged-in accounts, also in the room (they join first), chat round-robin at "
        f"the rate given for {args.seconds:g} s, or less where that would ask for more than "
        f"{args.max_deliveries:,} deliveries (× s in the table), while a deal is pushed every "
        f"{args.deal_every:g} s with a channel-layer `group_send` from another process. The room's "
        "own `stats` tick (viewers and likes, every LIVE_TICK_SECONDS) goes to every socket as well "
        "and is not counted. RedisChannelLayer runs with `CHANNEL_LAYER_CAPACITY="
        f"{args.capacity}` and `CHANNEL_LAYER_EXPIRY={args.expiry}`, set explicitly. "
        "Latency is from the sender's clock to the "
        "viewer's (same machine); p99 is by nearest rank over every delivery; “deal last” is the "
        "slowest viewer of the slowest deal. Each viewer checks the sequence numbers: “lost” counts "
        "the gaps. A phase ends when every delivery arrived (or none came for "
        f"{DRAIN_QUIET_SECONDS} s), so a room that cannot keep up shows as latency, and the delivered "
        "msg/s are what it managed. Ceiling: `bench/ws_ceiling.py`, a bare `websockets` broadcast "
        "server under the same clients.",
        "",
        *load_rows(results),
        "",
        "**Burst**: pushes sent one after another as fast as they go out (a `group_send` each, or a "
        "frame to the ceiling server), the most the room delivers:",
        "",
        *burst_rows(results),
        "",
        "**Idle sockets** (RSS of the server process before the viewers and after they connected):",
        "",
        *idle_rows(results),
        "",
    ]
    if pages:
        lines += [
            f"**Product page beside the room**: gunicorn (`gunicorn.conf.py`), wrk for "
            f"{args.wrk_seconds} s a run: at a steady {args.page_rate:g} pages/s ({args.page_connections} "
            "connections, each pausing after each response) in "
            f"{plural(args.page_rounds, 'round')}, each run beside the room (started afresh) between "
            "two alone runs; then flat out "
            f"({args.wrk_connections} connections), alone and beside. The "
            f"room: {chosen}, {pages['viewers']} viewers at {pages['rate']:g} msg/s; while the pages "
            f"are measured the viewers' processes run at `nice {args.clients_nice}`, standing in for "
            "phones elsewhere (here they share the 2 cores), and daphne runs at "
            f"`nice {pages['ws_nice']}` (`WS_NICE`, as in production: below gunicorn, see "
            "docs/deployment.md). The aim is judged at the steady rate, the mean p95 beside the room "
            "against the mean alone: flat out, p95 only follows the share of CPU left to the pages.",
            "",
            *page_rows(pages),
            "",
        ]
    lines += [
        f"**Chosen layer: {chosen}** ({why}). Aims:",
        "",
        *aims(results, chosen, pages, viewers, rate),
    ]
    return "\n".join(lines)


# --- Main ---------------------------------------------------------------------------------------
def numbers(kind):
    return lambda text: [kind(value) for value in text.split(",")]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--layers", type=lambda text: text.split(","), default=list(LAYERS))
    parser.add_argument("--sizes", type=numbers(int), default=[200, 500, 1000], help="viewers per room")
    parser.add_argument("--rates", type=numbers(float), default=[5.0, 20.0], help="chat messages/s")
    parser.add_argument("--seconds", type=float, default=12, help="chat time per rate")
    parser.add_argument(
        "--max-deliveries", type=int, default=60_000, help="shorten a phase that would deliver more"
    )
    parser.add_argument("--deal-every", type=float, default=4)
    parser.add_argument(
        "--capacity", type=int, default=CHANNEL_LAYER_CAPACITY, help="RedisChannelLayer: messages per channel"
    )
    parser.add_argument(
        "--expiry", type=int, default=CHANNEL_LAYER_EXPIRY, help="RedisChannelLayer: seconds a message waits"
    )
    parser.add_argument("--senders", type=int, default=60, help="chatting accounts")
    parser.add_argument("--workers", type=int, default=2, help="viewer processes")
    parser.add_argument("--server", choices=["daphne", "daphne2"], default="daphne2")
    parser.add_argument("--redis-db", type=int, default=13, help="a Redis database nobody else uses")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--wrk-connections", type=int, default=10, help="flat out")
    parser.add_argument("--page-rate", type=float, default=100, help="product pages/s, the steady measure")
    parser.add_argument("--page-rounds", type=int, default=3, help="steady runs beside the room")
    parser.add_argument("--page-connections", type=int, default=20, help="wrk connections at --page-rate")
    parser.add_argument("--clients-nice", type=int, default=19, help="the viewers' niceness beside pages")
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--keep-database", action="store_true", help="leave <name>_live for inspection")
    parser.add_argument("--no-write", action="store_true", help="print the report, leave docs/ alone")
    args = parser.parse_args()
    if args.page_rounds < 1:
        parser.error("--page-rounds: at least one round")
    unknown = set(args.layers) - set(LAYERS)
    if unknown:
        parser.error(f"unknown layers {sorted(unknown)}: choose from {sorted(LAYERS)}")
    if max(args.rates) > args.senders * CHAT_RATE_PER_ACCOUNT:
        parser.error(f"{args.senders} accounts chat at most {args.senders * CHAT_RATE_PER_ACCOUNT:g} msg/s")
    return args


def main() -> int:
    args = parse_args()
    loads = {"start": loadavg()}
    redis_url = redis_database(os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL, args.redis_db)
    env = server_env(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        redis_url,
        capacity=args.capacity,
        expiry=args.expiry,
    )
    args.epoch = time.time()
    args.redis_pids = redis_pids(redis_url)
    redis_claim(redis_url)
    log(f"database {database_config(env['DATABASE_URL'])['NAME']}, {redis_url}: rebuilding")
    prepare_database(env)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    try:
        check_chat_text()
        room = create_room(accounts=args.senders)
        connection.close()
        targets = [Target(LAYERS[name].rsplit(".", 1)[1], LAYERS[name]) for name in args.layers]
        targets += [] if args.no_ceiling else [Target(CEILING, None)]
        phases = itertools.count(1)
        results = {
            target.name: {
                viewers: bench_target(target, viewers, args=args, env=env, room=room, phases=phases)
                for viewers in args.sizes
            }
            for target in targets
        }
        viewers, rate = max(args.sizes), min(args.rates)
        chosen, why = choose_layer(results, viewers, rate)
        pages = None
        if not args.no_pages:
            target = next(target for target in targets if target.name == chosen)
            pages = page_check(target, viewers, rate, args=args, env=env, room=room, phases=phases)
        loads["end"] = loadavg()
    finally:
        connection.close()
        if not args.keep_database:
            drop_database(env["DATABASE_URL"])
        redis_release(redis_url)

    text = report(args, results, chosen, why, pages, loads)
    if args.no_write:
        print(text)
    else:
        write_section(text, "live_room")
        log("wrote docs/benchmarks.md")
    failures = [
        f"{chosen} at {rate:g} msg/s, {viewers} viewers: {r['lost']} lost, {r['refused']} refused"
        for viewers, block in results[chosen].items()
        for rate, r in block["rates"].items()
        if r["lost"] or r["refused"]
    ]
    for failure in failures:
        log(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
