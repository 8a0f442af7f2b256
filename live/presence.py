"""Who is watching a live session right now: a number per session, kept in Redis (the cache).

The room's consumers count their viewers and write the total on their tick
(`viewer_count_set`); pages read many at once (`viewer_counts`) with one cache round trip and
no SQL. The key expires on its own, so a room whose consumers died stops showing viewers.
Peak and unique viewers are persisted on the session (LiveSession.peak_viewers, ...).
"""

from collections.abc import Iterable

from django.core.cache import cache

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
