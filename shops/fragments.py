"""Rendered catalog fragments, cached in Redis.

Product grids, filter forms and the home page's catalog sections are the same for every shopper
(nothing personal, no CSRF token) and cost most of a page's time to render: Django renders a
product card in about a millisecond. They are cached per language and query under a catalog
version that every saved or deleted product, variant, image, shop or category moves (after
commit: shops/apps.py), so an approval, a suspension or a price edit shows on the next request.
The TTL only bounds memory and the few writes made with queryset.update() (follower counts,
sold counts), which reach the fragments within it.
"""

import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

VERSION_KEY = "catalog:version"
FRAGMENT_TTL = 300


def catalog_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def catalog_changed(**kwargs) -> None:
    """Signal receiver: retire every cached fragment once the change is committed.

    Bumping before the commit would let a concurrent request cache the old rows under the new
    version; on_commit runs at once outside a transaction.
    """
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None), robust=True)


def cached_fragment(name: str, key: str, render: Callable[[], tuple[str, dict]]) -> tuple[SafeString, dict]:
    """The HTML of fragment `name` for `key` (and the current language), with its small metadata.

    `render` returns (html, meta) on a miss; meta carries facts the view needs even on a hit,
    such as "some filters were invalid".
    """
    digest = hashlib.sha256(f"{catalog_version()}|{name}|{get_language()}|{key}".encode()).hexdigest()
    cache_key = f"catalog:fragment:{digest}"
    cached = cache.get(cache_key)
    if cached is None:
        cached = render()
        cache.set(cache_key, cached, FRAGMENT_TTL)
    html, meta = cached
    return mark_safe(html), meta  # noqa: S308 - our own template output, escaped when rendered
