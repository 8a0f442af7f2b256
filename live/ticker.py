"""The room's tick: viewers and likes go out as one 'stats' event every LIVE_TICK_SECONDS.

Why a tick: a busy room gets hundreds of likes a second; pushing each to every viewer would cost
viewers × likes sends. Likes are counted in Redis as they come (live.presence.like_add) and the
room hears the total once per tick.

Who ticks: every daphne process runs one ticker task per room it has sockets in (not one per
socket). Each tick period the task

1. vouches for its own sockets in the room's viewer set (so a process that dies stops being
   counted after live.presence.VIEWER_STALE_SECONDS), then
2. tries `SET live:room:<id>:tick NX PX <90% of the period>`. Only the process that wins reads
   the counts, writes them to the cache (live.presence.viewer_count_set, for the home page), raises
   the session's peak viewers, likes and unique viewers in PostgreSQL (one UPDATE with GREATEST,
   only when a number grew) and sends the 'stats' event to the room's group, which reaches the
   sockets of every process.

The lock is never released, only left to expire: whichever process asks first in the next period
ticks, so a room ticks about once per period however many processes serve it, and keeps ticking
when one of them goes away. No process owns a room.

A socket leaves its ticker on disconnect; one whose consumer ended without disconnecting (an
error from the channel layer when Redis goes away ends the consumer's task, skipping
disconnect()) is dropped on the next tick, once its task is done, so it is not vouched for
forever; a ticker left with no sockets stops.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from live import presence
from live.broadcast import mods_group, room_group, room_message
from live.services import session_numbers, session_stats_record
from marketplace.money import format_rupiah

logger = logging.getLogger(__name__)


def tick_seconds() -> float:
    return float(getattr(settings, "LIVE_TICK_SECONDS", 2.0))


@dataclass
class _RoomTicker:
    key: tuple[int, int]
    session_id: int
    channel_names: set[str] = field(default_factory=set)
    # The task of each socket's consumer (the one that joined): done = gone, left or not.
    consumers: dict[str, asyncio.Task] = field(default_factory=dict)
    task: asyncio.Task | None = None


# (event loop id, session id) -> ticker: one per room per process (tests run several loops).
_tickers: dict[tuple[int, int], _RoomTicker] = {}


def ticker_join(*, session_id: int, channel_name: str) -> None:
    key = (id(asyncio.get_running_loop()), session_id)
    ticker = _tickers.get(key)
    if ticker is None:
        ticker = _tickers[key] = _RoomTicker(key=key, session_id=session_id)
        ticker.task = asyncio.create_task(_run(ticker), name=f"live-tick-{session_id}")
    ticker.channel_names.add(channel_name)
    consumer = asyncio.current_task()
    if consumer is not None:
        ticker.consumers[channel_name] = consumer


async def ticker_leave(*, session_id: int, channel_name: str) -> None:
    key = (id(asyncio.get_running_loop()), session_id)
    ticker = _tickers.get(key)
    if ticker is None:
        return
    ticker.channel_names.discard(channel_name)
    ticker.consumers.pop(channel_name, None)
    if not ticker.channel_names:
        del _tickers[key]
        if ticker.task is not None:
            ticker.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker.task


def _forget_ended(ticker: _RoomTicker) -> bool:
    """Drops the sockets whose consumer ended without leaving; False when none is left (and the
    ticker is unregistered, so the next socket of the room starts a new one)."""
    for name, consumer in list(ticker.consumers.items()):
        if consumer.done():
            ticker.channel_names.discard(name)
            del ticker.consumers[name]
    if ticker.channel_names:
        return True
    if _tickers.get(ticker.key) is ticker:
        del _tickers[ticker.key]
    return False


async def _run(ticker: _RoomTicker) -> None:
    while True:
        await asyncio.sleep(tick_seconds())
        if not _forget_ended(ticker):
            return
        try:
            await tick(session_id=ticker.session_id, channel_names=ticker.channel_names)
        except asyncio.CancelledError:
            raise
        except Exception:
            # A Redis or database hiccup must not end the room's ticking.
            logger.exception("live tick failed for session %s", ticker.session_id)


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
