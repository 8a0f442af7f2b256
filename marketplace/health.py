"""Probes for load balancers and orchestrators.

`/healthz` (liveness): the process answers; it touches nothing else, so a database outage does not
get every web process restarted. `/readyz` (readiness): the servers a request needs answer, so a
balancer stops sending traffic to a process that cannot serve and resumes when they are back.

Both are plain GETs: no session, login or CSRF token is read, and the answer names only checks and
"ok"/"unavailable" (why one failed goes to the log, where host names and errors belong).
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import redis
from django.conf import settings
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection as BrokerConnection

logger = logging.getLogger(__name__)

# libpq and psycopg wait at least 2 s for a connection whatever they are told.
DATABASE_MIN_CONNECT_TIMEOUT = 2


@never_cache
def healthz(request):
    """Liveness for load balancers: the process answers. Also the benchmarks' framework ceiling."""
    return HttpResponse("ok", content_type="text/plain")


def database_check(timeout: float) -> None:
    """SELECT 1 on a connection from this process's pool (as a request would get one), or on a new
    connection where pooling is off."""
    wrapper = connections["default"]
    pool = getattr(wrapper, "pool", None)
    if pool is None:
        import psycopg

        params = wrapper.get_connection_params()
        params["connect_timeout"] = max(DATABASE_MIN_CONNECT_TIMEOUT, round(timeout))
        with psycopg.connect(**params, autocommit=True) as connection:
            connection.execute("SELECT 1")
        return
    pool.open()  # idempotent; Django opens it on the first query otherwise
    # Twice: after a database restart the pool hands out one stale connection before a fresh one.
    for attempt in range(2):
        try:
            with pool.connection(timeout=timeout) as connection:
                connection.execute("SELECT 1")
            return
        except Exception:
            if attempt:
                raise


def _redis_ping(url: str, timeout: float) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()


def _redis_cache_urls() -> list[str]:
    urls = []
    for cache in settings.CACHES.values():
        if "redis" not in cache["BACKEND"].lower():
            continue
        location = cache.get("LOCATION", "")
        urls.extend(location.replace(";", ",").split(",") if isinstance(location, str) else location)
    return [url.strip() for url in urls if url.strip()]


def cache_check(timeout: float) -> None:
    """PING every Redis behind a cache alias. The cache itself forgives an unreachable Redis
    (marketplace/cache.py), so it cannot be asked."""
    for url in _redis_cache_urls():
        _redis_ping(url, timeout)


def channel_layer_check(timeout: float) -> None:
    """PING every Redis host of the channel layer (the live rooms' sockets and pushes)."""
    for host in settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("hosts", []):
        if isinstance(host, str):
            _redis_ping(host, timeout)
        elif isinstance(host, dict) and "address" in host:
            _redis_ping(host["address"], timeout)
        else:  # (host, port)
            client = redis.Redis(host=host[0], port=host[1], socket_connect_timeout=timeout)
            try:
                client.ping()
            finally:
                client.close()


def broker_check(timeout: float) -> None:
    """Connect to the Celery broker, once: kombu would otherwise retry for a while."""
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    with BrokerConnection(
        settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options=options
    ) as connection:
        connection.ensure_connection(max_retries=0)


CHECKS = {
    "database": database_check,
    "cache": cache_check,
    "channel_layer": channel_layer_check,
    "broker": broker_check,
}


def readiness() -> dict[str, str]:
    """Every check at once, each bounded by READINESS_TIMEOUT_SECONDS (the database's connect by
    at least 2 s): {"database": "ok", "cache": "unavailable", ...}."""
    timeout = settings.READINESS_TIMEOUT_SECONDS
    executor = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readyz")
    futures = {name: executor.submit(check, timeout) for name, check in CHECKS.items()}
    results = {}
    try:
        for name, future in futures.items():
            try:
                future.result(timeout=max(timeout, DATABASE_MIN_CONNECT_TIMEOUT) + 1)
            except FutureTimeout:
                logger.warning("readiness: %s did not answer in time", name)
                results[name] = "unavailable"
            except Exception:
                logger.warning("readiness: %s is unavailable", name, exc_info=True)
                results[name] = "unavailable"
            else:
                results[name] = "ok"
    finally:
        # A check stuck past its own timeout must not hold the answer (its thread ends with it).
        executor.shutdown(wait=False, cancel_futures=True)
    return results


@never_cache
@require_safe
def readyz(request):
    """Readiness for load balancers: 200 when the database, Redis (cache and channel layer) and the
    Celery broker answer, else 503; the body says which."""
    results = readiness()
    status = 200 if all(result == "ok" for result in results.values()) else 503
    return JsonResponse(results, status=status)
