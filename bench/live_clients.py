"""The clients of bench/live_room.py, each a process of its own driven over a multiprocessing pipe.

- `viewer_process`: opens `count` anonymous sockets to the room and, per measured phase, records
  every chat message, deal and burst push it receives: latency from the sender's clock (all
  processes share the machine's wall clock), and each socket's sequence numbers, so that a gap
  is a lost message. It sends back a summary (histograms and counts), never raw samples, so
  that 1000 sockets cost the machine little more than reading their frames.
- `driver_process`: the chatting accounts (a session cookie each; none for the ceiling server)
  sending round-robin at a steady rate, and the pushes (deals, bursts): a channel-layer
  group_send as the site's own pushes do (live/broadcast.py), or a "push" frame for the ceiling.

Chat text is "bench r<phase> s<seq> t<ms since the epoch>": short digit runs separated by letters,
so neither the off-platform filter nor a blocked word holds it back (live_room checks it).
"""

import asyncio
import itertools
import json
import os
import random
import re
import statistics
import time
from collections import Counter, defaultdict

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

CHAT_RE = re.compile(r"bench r(\d+) s(\d+) t(\d+)")
MEASURED = ("chat", "deal", "burst")
# Handshakes in flight per process: daphne runs each connect's queries on one thread, and a
# handshake left waiting too long is dropped.
OPEN_CONCURRENCY = 16
# daphne drops a handshake its application has not accepted within 5 s (--websocket_connect_timeout):
# under load that happens, and the client tries again, as a browser's would.
OPEN_ATTEMPTS = 6
# How long the driver listens for refusals after its last message.
REFUSAL_WAIT = 1.0


def chat_text(phase: int, seq: int, sent_ms: int) -> str:
    return f"bench r{phase} s{seq} t{sent_ms}"


class Clock:
    """Milliseconds since the run's epoch (a wall-clock time shared by every process)."""

    def __init__(self, epoch: float):
        self.epoch = epoch

    def ms(self) -> float:
        return (time.time() - self.epoch) * 1000


class Handshakes:
    """Opens sockets as the room's own client does: a refused or timed-out handshake is tried
    again after a growing, jittered wait (static/js/live-socket.js), and counted."""

    def __init__(self):
        self.retried = 0

    async def open(self, url: str, origin: str, cookies: list[str | None]) -> list[ClientConnection]:
        limit = asyncio.Semaphore(OPEN_CONCURRENCY)

        async def one(cookie: str | None) -> ClientConnection:
            for attempt in itertools.count():
                try:
                    async with limit:
                        return await connect(
                            url,
                            origin=origin,
                            additional_headers={"Cookie": cookie} if cookie else None,
                            compression=None,  # daphne does not negotiate it either
                            ping_interval=None,  # browsers do not ping; the server does
                            open_timeout=60,
                        )
                except (OSError, TimeoutError, InvalidHandshake):
                    if attempt + 1 >= OPEN_ATTEMPTS:
                        raise
                    self.retried += 1
                await asyncio.sleep(min(2**attempt, 8) * (0.5 + random.random()))  # noqa: S311
            raise AssertionError("unreachable")

        return await asyncio.gather(*(one(cookie) for cookie in cookies))


async def commands(pipe):
    """The orchestrator's commands, one at a time, until "close"."""
    while True:
        command, *args = await asyncio.to_thread(pipe.recv)
        if command == "close":
            return
        yield command, args


# --- Viewers ------------------------------------------------------------------------------------
class Phase:
    """What one process's viewers received in one measured phase."""

    def __init__(self, number: int, viewers: int):
        self.number = number
        self.latency = {kind: Counter() for kind in MEASURED}
        self.seen = {kind: [set() for _ in range(viewers)] for kind in MEASURED}
        self.deal_last: dict[int, float] = defaultdict(float)
        self.duplicates = 0
        self.stale = 0  # from an earlier phase, arriving late
        self.last_ms = 0.0

    def add(self, kind: str, viewer: int, phase: int, seq: int, latency_ms: float, received_ms: float):
        if phase != self.number:
            self.stale += 1
            return
        seen = self.seen[kind][viewer]
        if seq in seen:
            self.duplicates += 1
            return
        seen.add(seq)
        self.latency[kind][int(max(latency_ms, 0))] += 1
        if kind == "deal":
            self.deal_last[seq] = max(self.deal_last[seq], latency_ms)
        self.last_ms = received_ms

    def received(self) -> int:
        return sum(len(seen) for by_viewer in self.seen.values() for seen in by_viewer)

    def summary(self, expected: dict[str, list[int]]) -> dict:
        lost, gapped, unexpected = Counter(), Counter(), 0
        for kind, seqs in expected.items():
            wanted = set(seqs)
            for seen in self.seen[kind]:
                missing = len(wanted - seen)
                lost[kind] += missing
                gapped[kind] += missing > 0
                unexpected += len(seen - wanted)
        return {
            "latency": {kind: dict(counts) for kind, counts in self.latency.items()},
            "received": {kind: sum(len(seen) for seen in self.seen[kind]) for kind in MEASURED},
            "lost": dict(lost),
            "gapped_viewers": dict(gapped),
            "unexpected": unexpected,
            "duplicates": self.duplicates,
            "stale": self.stale,
            "deal_last": dict(self.deal_last),
            "last_ms": self.last_ms,
        }


class Viewers:
    def __init__(self, pipe, clock: Clock):
        self.pipe = pipe
        self.clock = clock
        self.phase = Phase(0, 0)
        self.frames: Counter = Counter()
        self.closed: Counter = Counter()  # sockets the server closed, by close code

    async def serve(self, url: str, origin: str, count: int) -> None:
        handshakes = Handshakes()
        sockets = await handshakes.open(url, origin, [None] * count)
        self.phase = Phase(0, count)
        listeners = [asyncio.create_task(self.listen(i, socket)) for i, socket in enumerate(sockets)]
        self.pipe.send(("open", len(sockets), handshakes.retried))
        async for command, args in commands(self.pipe):
            if command == "mark":
                self.phase = Phase(args[0], count)
                self.pipe.send(True)  # marked before the driver starts
            elif command == "progress":
                self.pipe.send(self.phase.received())
            elif command == "report":
                self.pipe.send(
                    {**self.phase.summary(args[0]), "frames": dict(self.frames), "closed": dict(self.closed)}
                )
        for listener in listeners:
            listener.cancel()

    async def listen(self, viewer: int, socket: ClientConnection) -> None:
        try:
            async for frame in socket:
                self.record(viewer, frame)
        except ConnectionClosed:
            pass
        self.closed[str(socket.close_code)] += 1

    def record(self, viewer: int, frame: str) -> None:
        received = self.clock.ms()
        event = json.loads(frame)
        kind = event.get("type")
        self.frames[kind] += 1
        if kind == "chat":
            match = CHAT_RE.fullmatch(event["message"]["text"])
            if match is None:
                return
            phase, seq, sent = map(int, match.groups())
        elif kind in MEASURED:
            phase, seq, sent = event["phase"], event["seq"], event["t"]
        else:
            return
        self.phase.add(kind, viewer, phase, seq, received - sent, received)


def viewer_process(pipe, url: str, origin: str, count: int, epoch: float) -> None:
    asyncio.run(Viewers(pipe, Clock(epoch)).serve(url, origin, count))


# --- Driver -------------------------------------------------------------------------------------
class Driver:
    def __init__(self, pipe, clock: Clock, *, group: str | None):
        self.pipe = pipe
        self.clock = clock
        self.group = group  # the room's channel-layer group; None: push through a socket
        self.layer = None
        if group is not None:
            from channels.layers import get_channel_layer

            from live.broadcast import room_message

            self.room_message = room_message  # the site's own encoding of a push
            self.layer = get_channel_layer()
        self.sockets: list[ClientConnection] = []
        self.last_sent: dict[int, int] = {}
        self.refused: set[int] = set()
        self.refusals: Counter = Counter()
        self.push_ms: list[float] = []

    async def serve(self, url: str, origin: str, cookies: list[str | None]) -> None:
        handshakes = Handshakes()
        self.sockets = await handshakes.open(url, origin, cookies)
        watchers = [asyncio.create_task(self.watch(i, socket)) for i, socket in enumerate(self.sockets)]
        self.pipe.send(("open", len(self.sockets), handshakes.retried))
        async for command, args in commands(self.pipe):
            self.refused, self.refusals, self.push_ms = set(), Counter(), []
            if command == "run":
                self.pipe.send(await self.run(*args))
            elif command == "burst":
                self.pipe.send(await self.burst(*args))
        for watcher in watchers:
            watcher.cancel()

    async def watch(self, index: int, socket: ClientConnection) -> None:
        """Reads everything (a socket nobody reads backs up the server); notes refusals, which
        answer the last message this socket sent."""
        async for frame in socket:
            if frame.startswith(('{"type": "error"', '{"type": "notice"')):
                self.refusals[json.loads(frame).get("code")] += 1
                self.refused.add(self.last_sent.get(index, -1))

    async def run(self, phase: int, rate: float, seconds: float, deal_every: float) -> dict:
        """Chat at `rate` messages/s for `seconds`, a deal push every `deal_every` seconds."""
        plan = [(seq / rate, "chat", seq) for seq in range(round(rate * seconds))]
        deal_count = int(seconds / deal_every + 0.5)  # each at the middle of its period
        plan += [((seq + 0.5) * deal_every, "deal", seq) for seq in range(deal_count)]
        started, first_ms, late = time.monotonic(), None, 0.0
        for at, kind, seq in sorted(plan):
            delay = started + at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            late = max(late, -delay)
            sent = int(self.clock.ms())
            first_ms = sent if first_ms is None else first_ms
            if kind == "chat":
                await self.chat(phase, seq, sent)
            else:
                await self.push({"type": "deal", "phase": phase, "seq": seq, "t": sent})
        await asyncio.sleep(REFUSAL_WAIT)
        chats = [seq for _at, kind, seq in plan if kind == "chat"]
        deals = [seq for _at, kind, seq in plan if kind == "deal"]
        expected = {"chat": [seq for seq in chats if seq not in self.refused], "deal": deals}
        return self.sent(expected, first_ms=first_ms, late_ms=late * 1000)

    async def burst(self, phase: int, count: int) -> dict:
        """`count` pushes one after another, as fast as they go out."""
        first_ms = int(self.clock.ms())
        for seq in range(count):
            await self.push({"type": "burst", "phase": phase, "seq": seq, "t": int(self.clock.ms())})
        return self.sent({"burst": list(range(count))}, first_ms=first_ms, late_ms=0.0)

    def sent(self, expected: dict[str, list[int]], *, first_ms: int, late_ms: float) -> dict:
        return {
            "expected": expected,
            "first_ms": first_ms,
            "last_ms": self.clock.ms(),
            "refusals": dict(self.refusals),
            "push_ms": statistics.median(self.push_ms) if self.push_ms else None,
            "late_ms": late_ms,
        }

    async def chat(self, phase: int, seq: int, sent_ms: int) -> None:
        index = seq % len(self.sockets)
        self.last_sent[index] = seq
        await self.sockets[index].send(json.dumps({"type": "chat", "text": chat_text(phase, seq, sent_ms)}))

    async def push(self, payload: dict) -> None:
        started = time.perf_counter()
        if self.layer is not None:
            await self.layer.group_send(self.group, self.room_message(payload))
        else:
            await self.sockets[0].send(json.dumps({"type": "push", "payload": payload}))
        self.push_ms.append((time.perf_counter() - started) * 1000)


def driver_process(
    pipe, url: str, origin: str, cookies: list[str | None], epoch: float, django_env: dict | None, group
) -> None:
    """With `django_env`, Django is set up first: the channel layer is the server's own."""
    if django_env is not None:
        os.environ.update(django_env)
        import django

        django.setup()
    driver = Driver(pipe, Clock(epoch), group=group)
    asyncio.run(driver.serve(url, origin, cookies))
