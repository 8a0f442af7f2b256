"""ASGI entry point: Django views over HTTP, Channels consumers over WebSocket (served by daphne)."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
# Django must be set up before anything imports models (the routing below does).
django_asgi_app = get_asgi_application()
settings.SECRET_KEY  # noqa: B018 - refuse to start without one (settings.py)

from channels.auth import AuthMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import CookieMiddleware, InstanceSessionWrapper, SessionMiddleware  # noqa: E402

from marketplace.origins import SiteOriginValidator  # noqa: E402
from marketplace.routing import websocket_urlpatterns  # noqa: E402


class SocketSessionMiddleware(SessionMiddleware):
    """Channels' SessionMiddleware for sockets that read the session and never write it.

    Channels wraps `send` to save a changed session on an HTTP response; a WebSocket message
    never triggers that save, yet the wrapper still reads the session's state for every message
    sent: an eighth of daphne's CPU when a live room fans a chat line out to its viewers
    (docs/benchmarks.md, live_room). Logging in and out happen over HTTP.
    """

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await super().__call__(scope, receive, send)
        wrapper = InstanceSessionWrapper(scope, send)
        await wrapper.resolve_session()
        return await self.inner(wrapper.scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Only pages of the site's own origins (scheme, host and port) open its sockets.
        "websocket": SiteOriginValidator(
            CookieMiddleware(SocketSessionMiddleware(AuthMiddleware(URLRouter(websocket_urlpatterns))))
        ),
    }
)
