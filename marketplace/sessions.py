"""The session engine (settings.SESSION_ENGINE): Django's cached_db, taking only keys it makes.

Django takes any session cookie of 8 characters or more for a key and looks it up in the cache
and then in PostgreSQL. The cookie parser unquotes octal escapes, so a cookie of
`"\\000abcdefgh"` is a key holding a NUL, which PostgreSQL refuses: a DataError, a 500 on every
page (and a crashed WebSocket connect). A key is what Django generates (32 of a-z and 0-9, the
column holds 40) or it is no key: the visitor gets a new, empty session.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore

_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(CachedDbSessionStore):
    def _validate_session_key(self, key):
        return bool(key) and 8 <= len(key) <= 40 and _KEY_CHARS.issuperset(key)
