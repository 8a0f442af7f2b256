"""WebSocket routes of every app, composed here like urls.py composes HTTP routes."""

from live.routing import websocket_urlpatterns as live_websocket_urlpatterns

websocket_urlpatterns: list = [*live_websocket_urlpatterns]
