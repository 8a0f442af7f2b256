"""The room's limits that hold across daphne processes, counted in Redis: the rate of chat lines
and catch-ups per user per room, and slow mode's wait per user."""

from functools import cache

import redis
from django.conf import settings
from django.utils import timezone

from live.errors import RateLimited, SlowModeActive

# (events, seconds): per user per room, counted in Redis.
CHAT_RATE = (5, 10)
CATCH_UP_RATE = (5, 10)


@cache
def _redis_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def redis_client() -> redis.Redis:
    return _redis_for(settings.REDIS_URL)


def check_rate(*, kind: str, session_id: int, who: str, rate: tuple[int, int]) -> None:
    """A fixed window of `rate[1]` seconds allowing `rate[0]` events, per `who` per room."""
    limit, window = rate
    now = int(timezone.now().timestamp())
    key = f"live:rate:{kind}:{session_id}:{who}:{now // window}"
    pipe = redis_client().pipeline()
    pipe.incr(key)
    pipe.expire(key, window + 1)
    count, _expiry_set = pipe.execute()
    if count > limit:
        raise RateLimited()


def check_slow_mode(*, session_id: int, user_id: int, seconds: int) -> None:
    """Claims this user's slot for `seconds`; refuses while the previous claim lasts."""
    if seconds <= 0:
        return
    client = redis_client()
    key = f"live:slow:{session_id}:{user_id}"
    if not client.set(key, 1, nx=True, ex=seconds):
        raise SlowModeActive(max(int(client.ttl(key)), 1))


def slow_mode_reset(*, session_id: int) -> None:
    """Changing slow mode starts everyone afresh (a shorter wait applies at once)."""
    client = redis_client()
    keys = list(client.scan_iter(match=f"live:slow:{session_id}:*", count=500))
    if keys:
        client.delete(*keys)
