"""What the asyncio Redis connection pools the project builds are given: the channel layer's
(channels-redis, in settings.CHANNEL_LAYERS) and live.presence's.

A pool keeps its connections open between commands. When Redis restarts, each connection it
opened before is closed by the old server, and redis-py 8's asyncio pool hands it out all the
same: the check that would reconnect a closed connection at checkout is skipped while its
maintenance notifications are on ("auto", the default), and a pool built by hand retries nothing
(redis-py gives its default retries only to a client that makes its own pool). So each such
connection failed its first use ("Connection closed by server"), and a crowd of new room sockets
right after a restart had some accepted, then closed with 1011 (tests/live/test_multiprocess.py).

Retried once, at once, and only on ConnectionError: the retry runs on a new connection, so it
reaches the new server, or fails as fast as a Redis that is down would (a room still notices
that it lost Redis); a timeout, after which the server may have run the command, is not retried.

The synchronous pool of the cache (Django's) does reconnect a closed connection at checkout, so
pages after a restart need nothing of this (tests/marketplace/test_redis_outage.py).
"""

import redis.asyncio.retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError


def async_retry_once() -> redis.asyncio.retry.Retry:
    return redis.asyncio.retry.Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
