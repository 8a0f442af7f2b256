"""Who is watching a live session right now: a number per session, kept in Redis (the cache).

Viewers are shoppers (logged in or not), not the shop's own people on the console (see "The
room's live counters" below). The room's consumers count their viewers and write the total on
their tick (`viewer_count_set`); pages read many at once (`viewer_counts`) with one cache
round trip and no SQL. The key expires on its own, so a room whose consumers died stops showing
viewers. Peak and unique viewers are persisted on the session (LiveSession.peak_viewers, ...).
"""

import asyncio
import time
import weakref
from collections.abc import Iterable

import redis.asyncio as aioredis
from django.conf import settings
from django.core.cache import cache

from marketplace.redis_pools import async_retry_once

# A few of the consumers' ticks: long enough not to flicker, short enough to fade when they stop.
VIEWER_COUNT_TTL = 30


def _key(session_id: int) -> str:
    return f"live:viewers:{session_id}"


def viewer_count_set(*, session_id: int, count: int) -> None:
    cache.set(_key(session_id), max(count, 0), VIEWER_COUNT_TTL)


def viewer_counts(*, session_ids: Iterable[int]) -> dict[int, int]:
    """{session_id: viewers now} for each id; 0 when nobody reported."""
    ids = list(session_ids)
    if not ids:
        return {}
    found = cache.get_many([_key(session_id) for session_id in ids])
    return {session_id: found.get(_key(session_id), 0) for session_id in ids}


# --- The room's live counters (async, for the consumers) ---------------------------------------
# The register of open sockets (socket_register_key): a sorted set per room of every socket's
# channel name, scored by when its process last vouched for it (every tick, live/local_room.py);
# sockets of a process that died fall out after VIEWER_STALE_SECONDS. Video signalling reads it to
# tell a live publisher from a dead one, so the host's console is in it like every socket.
# Viewers: the register's sockets but the shop's own (chat.Room.is_audience False: its owner, live
# hosts and the room's moderators, on the console mostly), which are also listed in a set `staff`
# that the count leaves out. Every place that shows or records a viewer count reads room_stats.
# Likes: one counter per room, seeded from LiveSession.like_count so a Redis restart does not start
# the room from zero. Unique viewers: a HyperLogLog of the viewers' user ids (anonymous sockets
# count once each).

VIEWER_STALE_SECONDS = 10
ROOM_KEY_TTL = 24 * 60 * 60
# Per user (or anonymous socket) per room.
LIKE_RATE = (30, 10)
GREETING_INTERVAL = 60

# Connections per process. A crowd acting at once (a thousand sockets closing when the live ends,
# a wave of likes) waits its turn for one instead of failing: redis-py's default pool raises past
# 100 connections.
ASYNC_POOL_SIZE = 50
ASYNC_POOL_WAIT_SECONDS = 20

_async_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis]" = (
    weakref.WeakKeyDictionary()
)


def redis_async() -> "aioredis.Redis":
    """One client per event loop (a client's connections belong to the loop that made them)."""
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        pool = aioredis.BlockingConnectionPool.from_url(
            settings.REDIS_URL,
            max_connections=ASYNC_POOL_SIZE,
            timeout=ASYNC_POOL_WAIT_SECONDS,
            retry=async_retry_once(),  # after a Redis restart (marketplace/redis_pools.py)
        )
        client = aioredis.Redis.from_pool(pool)
        _async_clients[loop] = client
    return client


def _room_key(session_id: int, name: str) -> str:
    return f"live:room:{session_id}:{name}"


def socket_register_key(session_id: int) -> str:
    """The room's register of open sockets (every one, the host's console too): a sorted set of
    channel names scored by when their process last vouched for them. Video signalling reads it
    to tell a live socket from a dead process's (live/video.py), so nobody may be left out of it.
    (Named "viewers" from before it was told apart from the viewer count.)"""
    return _room_key(session_id, "viewers")


async def viewer_join(
    *, session_id: int, channel_name: str, visitor: str, like_count: int, is_audience: bool
) -> None:
    """A socket opened in the room: into the register in any case; counted as a viewer (and a
    unique viewer) only when `is_audience` (chat.Room.is_audience). Seeds the likes counter."""
    pipe = redis_async().pipeline(transaction=False)
    if not is_audience:
        # Listed before it enters the register, so no count read in between takes it for a viewer.
        pipe.sadd(_room_key(session_id, "staff"), channel_name)
        pipe.expire(_room_key(session_id, "staff"), ROOM_KEY_TTL)
    pipe.zadd(socket_register_key(session_id), {channel_name: time.time()})
    pipe.expire(socket_register_key(session_id), ROOM_KEY_TTL)
    if is_audience:
        pipe.pfadd(_room_key(session_id, "uniques"), visitor)
        pipe.expire(_room_key(session_id, "uniques"), ROOM_KEY_TTL)
    pipe.set(_room_key(session_id, "likes"), like_count, nx=True, ex=ROOM_KEY_TTL)
    await pipe.execute()


async def viewer_leave(*, session_id: int, channel_name: str) -> None:
    pipe = redis_async().pipeline(transaction=False)
    # Out of the register first: in between, a staff socket is neither counted nor subtracted.
    pipe.zrem(socket_register_key(session_id), channel_name)
    pipe.srem(_room_key(session_id, "staff"), channel_name)
    await pipe.execute()


async def viewers_vouch(*, session_id: int, channel_names: Iterable[str]) -> None:
    names = list(channel_names)
    if names:
        now = time.time()
        await redis_async().zadd(socket_register_key(session_id), dict.fromkeys(names, now))


async def like_add(*, session_id: int, who: str) -> bool:
    """Counts one like unless `who` is over LIKE_RATE; False when refused."""
    limit, window = LIKE_RATE
    client = redis_async()
    rate_key = f"live:rate:like:{session_id}:{who}:{int(time.time()) // window}"
    pipe = client.pipeline(transaction=False)
    pipe.incr(rate_key)
    pipe.expire(rate_key, window + 1)
    count, _expiry_set = await pipe.execute()
    if count > limit:
        return False
    await client.incr(_room_key(session_id, "likes"))
    return True


async def greeting_due(*, session_id: int, user_id: int) -> bool:
    """True at most once a minute per user per room, so reconnects do not flood the chat."""
    key = f"live:greet:{session_id}:{user_id}"
    return bool(await redis_async().set(key, 1, nx=True, ex=GREETING_INTERVAL))


async def tick_claim(*, session_id: int, milliseconds: int) -> bool:
    """True for the one caller (of any process) that may tick this room in this period."""
    return bool(await redis_async().set(_room_key(session_id, "tick"), 1, nx=True, px=milliseconds))


# KEYS: the register, staff. ARGV: stale before (epoch seconds). Drops the sockets nobody vouched
# for lately, then counts the rest but the staff's. Staff entries are only removed when their socket
# leaves: one of a dead process lingers until the key expires, never counted (it is not in the
# register), and a staff socket whose stalled process vouches for it again stays uncounted. A room
# has a few of them.
_VIEWER_COUNT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local staff = 0
for _, channel in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('ZSCORE', KEYS[1], channel) then staff = staff + 1 end
end
return redis.call('ZCARD', KEYS[1]) - staff
"""


async def room_stats(*, session_id: int) -> dict[str, int]:
    """{"viewers", "likes", "unique_viewers"} now: the one count of viewers (not the shop's own
    sockets), for the room, the console, the pages and the session's peak."""
    pipe = redis_async().pipeline(transaction=False)
    pipe.eval(
        _VIEWER_COUNT,
        2,
        socket_register_key(session_id),
        _room_key(session_id, "staff"),
        time.time() - VIEWER_STALE_SECONDS,
    )
    pipe.get(_room_key(session_id, "likes"))
    pipe.pfcount(_room_key(session_id, "uniques"))
    viewers, likes, uniques = await pipe.execute()
    return {"viewers": int(viewers), "likes": int(likes or 0), "unique_viewers": int(uniques)}
