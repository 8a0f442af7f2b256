"""The site's origins, and which pages may open its WebSockets: the one place that decides.

An origin is a scheme, a host and a port (RFC 6454). The site's are SITE_URL's and those of
CSRF_TRUSTED_ORIGINS (where a proxy serves the pages under more names); a socket's handshake is
accepted only from a page of one of them. Pages are gunicorn's and sockets daphne's, often on
another port or host (LIVE_WEBSOCKET_ORIGIN, `make run`'s PORT+100), so the Origin a socket
checks is the page's, never the socket's own.

Channels' AllowedHostsOriginValidator compared host names only: a page on another port of the
same host (any other program on that machine) or a plain-http page of an https site could open
a socket carrying the shopper's cookies, and chat, like or claim as them.

A handshake without an Origin is refused as well: every browser sends one (the WebSocket
standard requires it of them), and a client that is not a browser can send the site's.
"""

import functools
import logging
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
ORIGIN_HINT = "Write it as scheme://host[:port], e.g. https://lapak.example.com"


class Origin(NamedTuple):
    scheme: str  # "http" or "https"
    host: str  # lower case; "*.example.com" (CSRF_TRUSTED_ORIGINS) is the domain and its subdomains
    port: int  # the scheme's default when none is written


def origin_parse(value: str, *, is_configured: bool = False) -> Origin | None:
    """`scheme://host[:port]` as an Origin, or None when it is not one.

    An Origin header is exactly that; a configured URL may end in a path (SITE_URL's trailing
    slash, a site under a prefix), which is not part of its origin."""
    try:
        parts = urlsplit(value)
        port = parts.port  # raises for a port that is not a number in 0-65535
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    if not is_configured and (parts.path or parts.query or parts.fragment or value.endswith(("?", "#"))):
        return None
    return Origin(scheme, parts.hostname, DEFAULT_PORTS[scheme] if port is None else port)


def site_origins() -> tuple[Origin, ...]:
    """The site's origins: SITE_URL's first, then CSRF_TRUSTED_ORIGINS' (read each time, so a
    test's settings apply; parsed once per value)."""
    return _site_origins(settings.SITE_URL, tuple(settings.CSRF_TRUSTED_ORIGINS))


@functools.lru_cache(maxsize=16)
def _site_origins(site_url: str, trusted: tuple[str, ...]) -> tuple[Origin, ...]:
    parsed = (origin_parse(url, is_configured=True) for url in (site_url, *trusted))
    return tuple(dict.fromkeys(origin for origin in parsed if origin is not None))


def _host_matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        # As Django reads a wildcard of CSRF_TRUSTED_ORIGINS: the domain and its subdomains.
        domain = pattern[2:]
        return host == domain or host.endswith("." + domain)
    return host == pattern


def origin_allowed(value: str | None) -> bool:
    """True when `value` (an Origin header) is one of the site's origins: same scheme, same host
    and same port."""
    origin = origin_parse(value) if value else None
    if origin is None:
        return False
    return any(
        origin.scheme == allowed.scheme
        and origin.port == allowed.port
        and _host_matches(origin.host, allowed.host)
        for allowed in site_origins()
    )


class SiteOriginValidator:
    """ASGI middleware for the WebSocket stack: a handshake from a page that is not the site's
    is refused (HTTP 403) before anything else runs."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            values = [value for name, value in scope.get("headers", []) if name == b"origin"]
            # Two Origin headers: no browser sends that, and which one counts would be a guess.
            origin = values[0].decode("latin-1") if len(values) == 1 else None
            if not origin_allowed(origin):
                from channels.security.websocket import WebsocketDenier

                # Not personal data; cut short and repr'd, so a forged header cannot forge lines.
                logger.info("WebSocket refused: origin %r is not one of the site's", (origin or "")[:100])
                return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)


@register()
def check_site_origins(app_configs, **kwargs):
    """Every socket would be refused with an unusable SITE_URL: say so at start, not per handshake."""
    errors = []
    if origin_parse(settings.SITE_URL, is_configured=True) is None:
        errors.append(
            Error(
                f"SITE_URL is not an http(s) origin: {settings.SITE_URL!r}.",
                hint=ORIGIN_HINT,
                id="marketplace.E001",
            )
        )
    for url in settings.CSRF_TRUSTED_ORIGINS:
        if origin_parse(url, is_configured=True) is None:
            errors.append(
                Error(
                    f"CSRF_TRUSTED_ORIGINS has an entry that is not an http(s) origin: {url!r}.",
                    hint=ORIGIN_HINT,
                    id="marketplace.E001",
                )
            )
    return errors
