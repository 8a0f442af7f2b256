"""A room's sockets in one process share one channel-layer subscription (live/local_room.py):
a push is received once per process and handed to each socket, in order, and a process that loses
its channel layer closes the room's sockets so their clients reconnect and read the room again."""

import asyncio
import time

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings

from live import broadcast, local_room, presence
from live import consumers as live_consumers
from live.enums import LiveStatus
from tests.kit.factories import UserFactory, live_session
from tests.kit.realtime import (
    channel_layers_for_test,
    communicator,
    connect_all,
    disconnect_all,
    drain,
    receive_type,
    session_cookie,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room():
    return live_session(status=LiveStatus.LIVE)


def _group_members(session_id: int) -> int:
    """How many channels the Redis channel layer holds in the room's group."""
    return _members(broadcast.room_group(session_id))


def _members(group: str) -> int:
    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    client = redis.Redis.from_url(config["hosts"][0]["address"])
    try:
        return client.zcard(f"{config['prefix']}:group:{group}")
    finally:
        client.close()


def _push_from_another_process(session_id: int, text: str) -> None:
    """What a view or a Celery job does (sync code, its own connection to the layer)."""
    broadcast._send_now(broadcast.room_group(session_id), {"type": "notice", "code": "test", "message": text})


def test_every_socket_hears_a_push_through_one_channel_per_process(settings, room):
    settings.CHANNEL_LAYERS = channel_layers_for_test()
    settings.LIVE_TICK_SECONDS = 30
    cookie = session_cookie(UserFactory(username="pembeli"))

    async def scenario():
        comms = await connect_all(room.pk, cookie, None, None)
        members_open = await asyncio.to_thread(_group_members, room.pk)
        await asyncio.to_thread(_push_from_another_process, room.pk, "Diskon mulai")
        heard = [await receive_type(comm, "notice", timeout=3) for comm in comms]
        await disconnect_all(*comms)
        members_closed = await asyncio.to_thread(_group_members, room.pk)
        return members_open, heard, members_closed

    members_open, heard, members_closed = async_to_sync(scenario)()
    assert members_open == 1  # not one per socket
    assert [event["message"] for event in heard] == ["Diskon mulai"] * 3
    assert members_closed == 0  # the last socket out takes the room's channel out of the group
    assert not local_room._rooms


def test_pushes_that_come_while_a_socket_reads_the_room_follow_its_history(settings, room, monkeypatch):
    settings.CHANNEL_LAYERS = channel_layers_for_test()
    settings.LIVE_TICK_SECONDS = 30
    read_state = live_consumers.room_state

    def slow_state(session_id):
        # A push lands while this socket is still reading the room.
        _push_from_another_process(session_id, "Selama membaca")
        time.sleep(0.5)
        return read_state(session_id)

    async def scenario():
        first = communicator(room.pk)  # keeps the room's channel subscribed already
        assert (await first.connect(timeout=5))[0]
        await drain(first)
        monkeypatch.setattr(live_consumers, "room_state", slow_state)
        late = communicator(room.pk)
        assert (await late.connect(timeout=5))[0]
        events = [await late.receive_json_from(timeout=3) for _ in range(3)]
        await late.disconnect()
        await first.disconnect()
        return events

    events = async_to_sync(scenario)()
    assert [event["type"] for event in events] == ["history", "state", "notice"]
    assert events[2]["message"] == "Selama membaca"


def test_a_quiet_room_keeps_its_sockets_longer_than_redis_reads_wait_by_default(settings, room):
    # redis-py 8 reads with a 5 s timeout by default; the channel layer's receive waits in a
    # BZPOPMIN of 5 s, so a process that heard nothing for 5 s lost its receives and its sockets.
    settings.CHANNEL_LAYERS = channel_layers_for_test()
    settings.LIVE_TICK_SECONDS = 30  # no stats either: nothing at all reaches this process

    async def scenario():
        comm = communicator(room.pk)
        assert (await comm.connect(timeout=5))[0]
        await drain(comm)
        quiet = await comm.receive_nothing(timeout=6.5)
        await asyncio.to_thread(_push_from_another_process, room.pk, "Masih di sini?")
        heard = await receive_type(comm, "notice", timeout=3)
        await comm.disconnect()
        return quiet, heard

    quiet, heard = async_to_sync(scenario)()
    assert quiet is True
    assert heard["message"] == "Masih di sini?"


async def _subscription_refused(room):
    raise redis.exceptions.ConnectionError("Error 111 connecting to localhost:6379. Connection refused.")


def _reply_lost(step):
    """`step` done in Redis, then its reply lost with the connection (a restart mid-call)."""

    async def failing(**kwargs):
        await step(**kwargs)
        raise redis.exceptions.ConnectionError("Connection closed by server.")

    return failing


@pytest.mark.parametrize("failing_step", ["room_join", "viewer_join"])
def test_a_socket_whose_room_join_fails_in_redis_is_refused_and_leaves_nothing(
    settings, room, monkeypatch, failing_step
):
    # Accepted first, such a socket was dropped with 1011; refused, its client retries with backoff.
    settings.CHANNEL_LAYERS = channel_layers_for_test()
    settings.LIVE_TICK_SECONDS = 30
    host = room.host  # in the mods and user groups, and the register's staff
    cookie = session_cookie(host)
    if failing_step == "room_join":
        monkeypatch.setattr(local_room, "_subscribe", _subscription_refused)
    else:
        monkeypatch.setattr(presence, "viewer_join", _reply_lost(presence.viewer_join))

    async def registers():
        client = presence.redis_async()
        return {
            "register": await client.zcard(presence.socket_register_key(room.pk)),
            "staff": await client.scard(presence._room_key(room.pk, "staff")),
            "groups": [
                await asyncio.to_thread(_members, group)
                for group in (
                    broadcast.room_group(room.pk),
                    broadcast.mods_group(room.pk),
                    broadcast.user_group(host.pk),
                )
            ],
            "rooms": len(local_room._rooms),
        }

    async def scenario():
        comm = communicator(room.pk, cookie)
        connected, _code = await comm.connect(timeout=5)
        nothing_more = await comm.receive_nothing(timeout=0.3)  # no accept after the refusal
        await comm.disconnect()
        left = await registers()

        monkeypatch.undo()  # Redis is back
        again = communicator(room.pk, cookie)
        reconnected, _code = await again.connect(timeout=5)
        opening = [(await again.receive_json_from(timeout=3))["type"] for _ in range(2)]
        await again.disconnect()
        return connected, nothing_more, left, reconnected, opening

    connected, nothing_more, left, reconnected, opening = async_to_sync(scenario)()
    assert connected is False
    assert nothing_more is True
    assert left == {"register": 0, "staff": 0, "groups": [0, 0, 0], "rooms": 0}
    assert reconnected is True
    assert opening == ["history", "state"]


class BreakingLayer(InMemoryChannelLayer):
    """An in-memory layer whose receive fails, once told, for the channels in a room's group (a
    room's fan-out; sockets are in none), as Redis's does when the server goes away."""

    broken: asyncio.Event

    async def receive(self, channel):
        rooms = [group for group in self.groups if group.count(".") == 1]  # live.<id>
        if not any(channel in self.groups[group] for group in rooms):
            return await super().receive(channel)
        received = asyncio.ensure_future(super().receive(channel))
        broken = asyncio.ensure_future(type(self).broken.wait())
        await asyncio.wait({received, broken}, return_when=asyncio.FIRST_COMPLETED)
        if received.done():
            broken.cancel()
            return received.result()
        received.cancel()
        raise ConnectionError("Connection closed by server.")


def test_a_process_that_loses_the_channel_layer_closes_the_rooms_sockets_to_reconnect(settings, room):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.BreakingLayer"}}
    settings.LIVE_TICK_SECONDS = 30

    async def scenario():
        BreakingLayer.broken = asyncio.Event()
        comms = [communicator(room.pk), communicator(room.pk)]
        for comm in comms:
            assert (await comm.connect(timeout=5))[0]
            await drain(comm)
        BreakingLayer.broken.set()
        closes = [await comm.receive_output(timeout=3) for comm in comms]
        for comm in comms:
            await comm.disconnect()

        # Back: the next socket of the room starts it afresh and hears pushes again.
        BreakingLayer.broken = asyncio.Event()
        again = communicator(room.pk)
        assert (await again.connect(timeout=5))[0]
        await drain(again)
        await get_channel_layer().group_send(
            broadcast.room_group(room.pk), broadcast.room_message({"type": "notice", "message": "Kembali"})
        )
        heard = await receive_type(again, "notice")
        await again.disconnect()
        return closes, heard

    closes, heard = async_to_sync(scenario)()
    assert closes == [{"type": "websocket.close", "code": local_room.CLOSE_RECONNECT}] * 2
    assert heard["message"] == "Kembali"
    assert not local_room._rooms


def test_a_socket_its_room_closes_while_it_joins_is_refused_and_never_accepted(settings, room, monkeypatch):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.BreakingLayer"}}
    settings.LIVE_TICK_SECONDS = 30
    read_state = live_consumers.room_state

    async def scenario():
        BreakingLayer.broken = asyncio.Event()
        loop = asyncio.get_running_loop()

        def state_as_redis_goes(session_id):
            # The room's fan-out loses the channel layer while this socket reads the room.
            loop.call_soon_threadsafe(BreakingLayer.broken.set)
            time.sleep(0.3)
            return read_state(session_id)

        first = communicator(room.pk)
        assert (await first.connect(timeout=5))[0]
        await drain(first)
        monkeypatch.setattr(live_consumers, "room_state", state_as_redis_goes)
        late = communicator(room.pk)
        joined = await late.connect(timeout=5)
        nothing_more = await late.receive_nothing(timeout=1)  # an accept after it: daphne errs
        await late.disconnect()
        await first.disconnect()
        return joined, nothing_more

    joined, nothing_more = async_to_sync(scenario)()
    assert joined == (False, local_room.CLOSE_RECONNECT)
    assert nothing_more is True
    assert not local_room._rooms


class CancelSwallowingLayer(InMemoryChannelLayer):
    """An in-memory layer whose receive ignores its first cancellation, as a receive from Redis
    can on Python 3.11: asyncio.wait_for, which redis-py's send goes through, swallows a
    cancellation that comes as what it waits for completes."""

    async def receive(self, channel):
        try:
            return await super().receive(channel)
        except asyncio.CancelledError:
            return await super().receive(channel)


class StandInSocket:
    def __init__(self, channel_name: str):
        self.channel_name = channel_name

    async def room_push(self, text, prepared):
        pass

    async def close(self, code=None):
        pass


def test_the_last_socket_leaves_at_once_though_the_rooms_receive_ignores_a_cancellation(settings, room):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.CancelSwallowingLayer"}}
    settings.LIVE_TICK_SECONDS = 30

    async def scenario():
        socket = StandInSocket("specific.test!viewer")
        await local_room.room_join(session_id=room.pk, socket=socket)
        [part] = local_room._rooms.values()
        await asyncio.sleep(0.05)  # its fan-out waits in the channel layer's receive
        started = time.monotonic()
        await asyncio.wait_for(local_room.room_leave(session_id=room.pk, socket=socket), timeout=3)
        left_after = time.monotonic() - started
        await asyncio.wait({part.fan_out, part.ticker}, timeout=3)
        return left_after, part

    left_after, part = async_to_sync(scenario)()
    assert left_after < 0.5  # the leaving socket (a ban's close, a disconnect) does not wait
    assert part.fan_out.cancelled()  # and the room's receive is ended all the same
    assert part.ticker.cancelled()
    assert not local_room._rooms


def test_a_crowd_of_sockets_joins_and_leaves_its_groups_at_once(settings):
    # What 300 logged-in viewers reconnecting together after a Redis restart ask of the layer:
    # redis-py's default pool refused past 100 connections, so most of their handshakes failed.
    settings.CHANNEL_LAYERS = channel_layers_for_test()
    crowd = [f"specific.crowd!{n}" for n in range(300)]

    async def run():
        layer = get_channel_layer()
        joined = await asyncio.gather(
            *(layer.group_add(broadcast.user_group(n), name) for n, name in enumerate(crowd)),
            return_exceptions=True,
        )
        left = await asyncio.gather(
            *(layer.group_discard(broadcast.user_group(n), name) for n, name in enumerate(crowd)),
            return_exceptions=True,
        )
        await layer.flush()
        return joined, left

    joined, left = async_to_sync(run)()
    assert [result for result in joined + left if result is not None] == []
