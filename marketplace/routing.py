"""WebSocket routes of every app, composed here like urls.py composes HTTP routes."""

websocket_urlpatterns: list = []  # the live app adds its room consumer here
