"""The room's counters in Redis under a crowd (live/presence.py)."""

import asyncio
import uuid

from asgiref.sync import async_to_sync

from live import presence

# Far above the sessions a test database makes, so no other test's keys are read.
SESSION_ID = 900_000_000


def _cleanup(session_id: int) -> None:
    async def run():
        client = presence.redis_async()
        for name in ("viewers", "staff", "likes", "uniques"):
            await client.delete(presence._room_key(session_id, name))

    async_to_sync(run)()


def test_a_crowd_joining_and_leaving_at_once_is_counted_in_and_out():
    # Three times the connections of the pool: everyone waits their turn, nobody is lost (the
    # default redis-py pool raised "Too many connections" and left leavers counted).
    crowd = [f"bench.{uuid.uuid4().hex}" for _ in range(presence.ASYNC_POOL_SIZE * 3)]

    async def run():
        await asyncio.gather(
            *(
                presence.viewer_join(
                    session_id=SESSION_ID,
                    channel_name=name,
                    visitor=f"c:{name}",
                    like_count=0,
                    is_audience=True,
                )
                for name in crowd
            )
        )
        joined = await presence.room_stats(session_id=SESSION_ID)
        await asyncio.gather(
            *(presence.viewer_leave(session_id=SESSION_ID, channel_name=name) for name in crowd)
        )
        return joined, await presence.room_stats(session_id=SESSION_ID)

    try:
        joined, left = async_to_sync(run)()
    finally:
        _cleanup(SESSION_ID)
    assert joined["viewers"] == len(crowd)
    assert joined["unique_viewers"] >= len(crowd) * 0.97  # a HyperLogLog: within its error
    assert left["viewers"] == 0
