"""The part of a live room that lives in one daphne process: its sockets, one channel-layer
subscription for all of them (the fan-out) and the room's tick.

Why a fan-out: a push to the room (`live.<id>`, live/broadcast.py) used to reach every socket as
its own channel-layer message, so a thousand viewers meant a thousand queue entries, a thousand
consumer tasks woken and rescheduled, for each chat line. Now one channel per room per process is
in the group; its task receives each push once and hands the encoded text to the process's
sockets in one loop (docs/benchmarks.md, live_room, shows what that bought). The mods and user
groups stay per socket: few sockets, rare messages.

Under daphne, a push is framed once for the room (autobahn's PreparedMessage, made for broadcast)
and that frame is written to each socket: through ASGI, daphne and autobahn would frame the
same text once per socket, a quarter of the CPU each delivery costs, and Twisted would send it a
loop turn later (marketplace/wsserver_send.py, beside the server whose insides it reads, writes
the frame; write_now says what that costs; docs/benchmarks.md, live_room). Elsewhere (the
tests' communicator, another ASGI server) a push goes through ASGI.

A socket joins before its handshake is accepted and before it reads the room (history, state), so
it misses nothing, and a join that fails in Redis refuses the handshake; what arrives meanwhile
waits in the consumer and follows the history (LiveRoomConsumer.room_push).

If the channel layer fails under the fan-out (Redis went away), the room's sockets here are closed
with CLOSE_RECONNECT: their clients reconnect with backoff and read the room again from
PostgreSQL, instead of staying open and silently missing what is pushed meanwhile.

Why a tick: a busy room gets hundreds of likes a second; pushing each to every viewer would cost
viewers × likes sends. Likes are counted in Redis as they come (live.presence.like_add) and the
room hears the total once per tick. Each tick period the room's task here

1. vouches for its own sockets in the room's register of open sockets (so a process that dies
   stops being counted after live.presence.VIEWER_STALE_SECONDS), all of them: video signalling
   reads it (the viewer count leaves the shop's own sockets out by itself), then
2. tries `SET live:room:<id>:tick NX PX <90% of the period>`. Only the process that wins reads
   the counts, writes them to the cache (live.presence.viewer_count_set, for the home page), raises
   the session's peak viewers, likes and unique viewers in PostgreSQL (one UPDATE with GREATEST,
   only when a number grew) and sends the 'stats' event to the room's group, which reaches the
   sockets of every process.

The lock is never released, only left to expire: whichever process asks first in the next period
ticks, so a room ticks about once per period however many processes serve it, and keeps ticking
when one of them goes away. No process owns a room.

A socket leaves on disconnect; one whose consumer ended without disconnecting (an error from the
channel layer when Redis goes away ends the consumer's task, skipping disconnect()) is dropped on
the next tick, once its task is done, so it is not vouched for forever; a room left with no
sockets leaves the group and stops both tasks, without waiting for them: a socket's leaving (a
ban's close among them) must never wait on the channel layer's receive.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Protocol

from asgiref.sync import sync_to_async
from autobahn.websocket.protocol import PreparedMessage
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from live import presence
from live.broadcast import mods_group, room_group, room_message
from live.services import session_numbers, session_stats_record
from marketplace.money import format_rupiah
from marketplace.wsserver_send import prepare

logger = logging.getLogger(__name__)

# The server lost its channel layer: the client reconnects (at once, then with backoff) and reads
# the room again. WebSocket close codes 4000–4999 are the application's own.
CLOSE_RECONNECT = 4012


def tick_seconds() -> float:
    return float(getattr(settings, "LIVE_TICK_SECONDS", 2.0))


class RoomSocket(Protocol):
    """What the room needs of a socket's consumer (LiveRoomConsumer)."""

    channel_name: str

    async def room_push(self, text: str, prepared: PreparedMessage) -> None: ...

    async def close(self, code: int | None = None) -> None: ...


@dataclass(eq=False)
class _LocalRoom:
    key: tuple[int, int]
    session_id: int
    # Channel name -> the socket's consumer, and the task it runs in (done = gone, left or not).
    sockets: dict[str, RoomSocket] = field(default_factory=dict)
    consumers: dict[str, asyncio.Task] = field(default_factory=dict)
    channel_name: str = ""
    subscribed: asyncio.Task | None = None
    fan_out: asyncio.Task | None = None
    ticker: asyncio.Task | None = None

    def stop(self) -> list[asyncio.Task]:
        """Unregisters the room and cancels its tasks (but the running one); returns them."""
        if _rooms.get(self.key) is self:
            del _rooms[self.key]
        current = asyncio.current_task()
        tasks = [task for task in (self.subscribed, self.fan_out, self.ticker) if task is not None]
        for task in tasks:
            if task is not current:
                task.cancel()
        return [task for task in tasks if task is not current]


# (event loop id, session id) -> room: one per room per process (tests run several loops).
_rooms: dict[tuple[int, int], _LocalRoom] = {}


async def room_join(*, session_id: int, socket: RoomSocket) -> None:
    """Adds `socket` to this process's part of the room; raises if the channel layer cannot be
    reached (the consumer fails its connect and the client tries again)."""
    key = (id(asyncio.get_running_loop()), session_id)
    room = _rooms.get(key)
    if room is None:
        room = _rooms[key] = _LocalRoom(key=key, session_id=session_id)
        room.subscribed = asyncio.create_task(_subscribe(room), name=f"live-room-join-{session_id}")
        room.ticker = asyncio.create_task(_tick_loop(room), name=f"live-tick-{session_id}")
    room.sockets[socket.channel_name] = socket
    consumer = asyncio.current_task()
    if consumer is not None:
        room.consumers[socket.channel_name] = consumer
    try:
        # Every joiner waits until the room's channel is in the group, not only the first.
        await asyncio.shield(room.subscribed)
    except BaseException:
        await room_leave(session_id=session_id, socket=socket)
        raise


async def room_leave(*, session_id: int, socket: RoomSocket) -> None:
    key = (id(asyncio.get_running_loop()), session_id)
    room = _rooms.get(key)
    if room is None or socket.channel_name not in room.sockets:
        return  # already dropped, or its room was closed for losing the channel layer
    room.sockets.pop(socket.channel_name)
    room.consumers.pop(socket.channel_name, None)
    if not room.sockets:
        await _close(room)


async def _close(room: _LocalRoom) -> None:
    """Takes the room's channel out of its group and ends the room's tasks without waiting for
    them: a socket leaving, or being closed, must never wait on a receive from the channel layer."""
    subscribing = room.subscribed is not None and not room.subscribed.done()
    tasks = room.stop()
    await _group_discard(room)
    _end_later(room, tasks, rediscard=subscribing)


def _end_later(room: _LocalRoom, tasks: list[asyncio.Task], *, rediscard: bool = False) -> None:
    ending = asyncio.create_task(_end(room, tasks, rediscard), name=f"live-room-end-{room.session_id}")
    _ending.add(ending)
    ending.add_done_callback(_ending.discard)


# The tasks ending closed rooms' tasks (referenced, so none is garbage-collected midway).
_ending: set[asyncio.Task] = set()


async def _end(room: _LocalRoom, tasks: list[asyncio.Task], rediscard: bool) -> None:
    """Cancels `tasks` until they are done. Once is not always enough: on Python 3.11,
    asyncio.wait_for (which redis-py's send goes through) swallows a cancellation that comes as
    what it waits for completes, and the fan-out's receive then goes on waiting for a channel
    that nothing reaches any more. Awaiting it held up the close of a banned viewer's socket
    when hers was the room's last one in the process."""
    pending = set(tasks)
    while pending:
        for task in pending:
            task.cancel()
        done, pending = await asyncio.wait(pending, timeout=0.5)
        for task in done:
            if not task.cancelled():
                task.exception()  # retrieved; the tasks log their own failures
    if rediscard:  # the room was still subscribing: its group_add may have landed after the discard
        await _group_discard(room)


async def _group_discard(room: _LocalRoom) -> None:
    if room.channel_name:
        with contextlib.suppress(Exception):
            await get_channel_layer().group_discard(room_group(room.session_id), room.channel_name)


async def _subscribe(room: _LocalRoom) -> None:
    layer = get_channel_layer()
    room.channel_name = await layer.new_channel()
    await layer.group_add(room_group(room.session_id), room.channel_name)
    room.fan_out = asyncio.create_task(_fan_out(room, layer), name=f"live-room-{room.session_id}")


async def _fan_out(room: _LocalRoom, layer) -> None:
    try:
        while True:
            # Everything sent to the room's group is a broadcast.room_message.
            text = (await layer.receive(room.channel_name))["text"]
            prepared = prepare(text)
            # A copy: a socket may leave while another is being written to.
            for socket in list(room.sockets.values()):
                try:
                    await socket.room_push(text, prepared)
                except Exception:
                    logger.warning("live push to one socket failed", exc_info=True)
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.warning(
            "live room %s lost its channel layer, closing its sockets", room.session_id, exc_info=True
        )
        sockets = list(room.sockets.values())
        _end_later(room, room.stop())  # the next socket of the room, once back, starts afresh
        for socket in sockets:
            with contextlib.suppress(Exception):
                await socket.close(code=CLOSE_RECONNECT)


def _forget_ended(room: _LocalRoom) -> bool:
    """Drops the sockets whose consumer ended without leaving; False when none is left."""
    for name, consumer in list(room.consumers.items()):
        if consumer.done():
            room.sockets.pop(name, None)
            del room.consumers[name]
    return bool(room.sockets)


async def _tick_loop(room: _LocalRoom) -> None:
    while True:
        await asyncio.sleep(tick_seconds())
        if not _forget_ended(room):
            await _close(room)
            return
        try:
            # Renews the membership: channels-redis drops group members older than its
            # group_expiry (a day), and a room's channel lives as long as the room has sockets.
            await get_channel_layer().group_add(room_group(room.session_id), room.channel_name)
            await tick(session_id=room.session_id, channel_names=set(room.sockets))
        except asyncio.CancelledError:
            raise
        except Exception:
            # A Redis or database hiccup must not end the room's ticking.
            logger.exception("live tick failed for session %s", room.session_id)


async def tick(*, session_id: int, channel_names: set[str]) -> dict[str, int] | None:
    """One period's work for this process; returns the stats sent, or None if another ticked."""
    await presence.viewers_vouch(session_id=session_id, channel_names=set(channel_names))
    if not await presence.tick_claim(session_id=session_id, milliseconds=int(tick_seconds() * 900)):
        return None
    stats = await presence.room_stats(session_id=session_id)
    await sync_to_async(presence.viewer_count_set, thread_sensitive=False)(
        session_id=session_id, count=stats["viewers"]
    )
    numbers = await database_sync_to_async(_record)(session_id=session_id, stats=stats)
    layer = get_channel_layer()
    payload = {
        "type": "stats",
        "viewers": stats["viewers"],
        "likes": stats["likes"],
        "orders": numbers["orders"],
        "deal": numbers["deal"],
    }
    await layer.group_send(room_group(session_id), room_message(payload))
    # Revenue is the shop's business, not the audience's.
    revenue = {"type": "revenue", "revenue": numbers["revenue"], "display": format_rupiah(numbers["revenue"])}
    await layer.group_send(mods_group(session_id), room_message(revenue))
    return stats


def _record(*, session_id: int, stats: dict[str, int]) -> dict:
    session_stats_record(
        session_id=session_id,
        viewers=stats["viewers"],
        likes=stats["likes"],
        unique_viewers=stats["unique_viewers"],
    )
    return session_numbers(session_id=session_id)
