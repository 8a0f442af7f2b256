"""The site's cache: Redis, and a miss when Redis cannot be reached.

Everything under the "default" alias is a copy of what PostgreSQL holds (fragments, counts,
strips), so a Redis restart should cost speed, not pages: reads answer a miss and writes are
dropped, with a warning in the log. Only connection failures are forgiven; anything else (a bad
key, a pickling bug) still raises.

Sessions (cached_db) read through this cache too, so logged-in pages keep working from the
session rows. The price: a logout during the outage cannot delete the cached copy; were Redis to
come back with its old data, that copy would be served until its expiry. A restarted Redis
without persistence (our setup) comes back empty; with persistence, flush the session keys.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _forgiving(name: str, default=None):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE:
            logger.warning("cache %s skipped: Redis is unreachable", name, exc_info=True)
            return default() if callable(default) else default

    call.__name__ = name
    return call


class ForgivingRedisCache(RedisCache):
    get = _forgiving("get")
    get_many = _forgiving("get_many", dict)
    has_key = _forgiving("has_key", False)
    set = _forgiving("set")
    add = _forgiving("add", False)
    set_many = _forgiving("set_many", list)
    touch = _forgiving("touch", False)
    delete = _forgiving("delete", False)
    delete_many = _forgiving("delete_many")
