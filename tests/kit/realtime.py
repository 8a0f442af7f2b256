"""Helpers for the room's WebSocket tests: a communicator per viewer, logged in by cookie."""

import uuid

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

ORIGIN = b"http://testserver"


def channel_layers_for_test(prefix: str | None = None) -> dict:
    """The real Redis channel layer under a prefix of its own, so parallel runs do not cross."""
    layers = {**settings.CHANNEL_LAYERS}
    config = {**layers["default"]["CONFIG"], "prefix": prefix or f"test-{uuid.uuid4().hex[:12]}"}
    return {"default": {**layers["default"], "CONFIG": config}}


def session_cookie(user) -> bytes:
    """Sync (call it outside the event loop): logs the user in and returns the Cookie header."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def communicator(
    session_id: int, cookie: bytes | None = None, *, origin: bytes | None = ORIGIN, query: str = ""
):
    """A socket from a page of `origin` (the site's own, tests/conftest.py's SITE_URL; None: no
    Origin header at all)."""
    # Imported late: the ASGI module sets Django up, which collection must do first.
    from marketplace.asgi import application

    headers = [(b"host", b"testserver")]
    if origin is not None:
        headers.append((b"origin", origin))
    if cookie:
        headers.append((b"cookie", cookie))
    path = f"/ws/live/{session_id}/" + (f"?{query}" if query else "")
    return WebsocketCommunicator(application, path, headers=headers)


async def receive_type(comm, event_type: str, timeout: float = 2) -> dict:
    """The next event of `event_type`, skipping others (stats, greetings) on the way."""
    while True:
        event = await comm.receive_json_from(timeout=timeout)
        if event["type"] == event_type:
            return event


async def drain(comm) -> None:
    """Reads what is already queued (history, greetings) so the next receive is the test's."""
    while not await comm.receive_nothing(timeout=0.15):
        await comm.receive_output()


async def connect_all(session_id: int, *cookies: bytes | None) -> list:
    """A connected socket per cookie (None: anonymous), each drained once all have joined (so no
    greeting of a later one waits in an earlier one)."""
    comms = [communicator(session_id, cookie) for cookie in cookies]
    for comm in comms:
        connected, _code = await comm.connect(timeout=5)
        assert connected
    for comm in comms:
        await drain(comm)
    return comms


async def disconnect_all(*comms) -> None:
    for comm in comms:
        await comm.disconnect()


def ban_and_mute_refusals(session_id: int, cookie: bytes, user_id: int) -> tuple[dict, dict]:
    """Sync: the error events a moderator's socket gets for banning, then muting, `user_id`."""

    async def scenario():
        mod = communicator(session_id, cookie)
        await mod.connect()
        await drain(mod)
        await mod.send_json_to({"type": "ban", "user_id": user_id})
        ban_refusal = await receive_type(mod, "error")
        await mod.send_json_to({"type": "mute", "user_id": user_id, "minutes": 10})
        mute_refusal = await receive_type(mod, "error")
        await mod.disconnect()
        return ban_refusal, mute_refusal

    return async_to_sync(scenario)()
