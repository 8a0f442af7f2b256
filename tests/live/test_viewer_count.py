"""Who the live room counts as watching: shoppers, not the shop's own people on the console
(live/presence.py). Every socket stays in the room's register of open sockets all the same,
which video signalling reads (live/video.py). Real Redis channel layer, real PostgreSQL."""

import time
import uuid

import pytest
from asgiref.sync import async_to_sync

from live import presence, rate_limits
from live.enums import LiveStatus
from live.models import LiveModerator, LiveSession
from shops.enums import MemberRole
from tests.kit.factories import ShopMemberFactory, UserFactory, live_session
from tests.kit.realtime import (
    connect_all,
    disconnect_all,
    receive_type,
    session_cookie,
)

pytestmark = pytest.mark.django_db(transaction=True)

SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


@pytest.fixture(autouse=True)
def _channel_layer(room_channel_layer, settings):
    settings.LIVE_TICK_SECONDS = 0.3


@pytest.fixture(autouse=True)
def _no_video_keys_left():
    # Session ids come back in a new test database; an earlier run's keys must not count.
    client = rate_limits.redis_client()
    for pattern in ("live:video:*", "live:room:*"):
        for key in client.scan_iter(match=pattern):
            client.delete(key)


@pytest.fixture
def room():
    return live_session(status=LiveStatus.LIVE)


async def _stats_once_all_joined(*comms) -> list[dict]:
    """The first tick each socket hears after all have joined (each one's register entry and
    count are written before it is sent its history)."""
    for comm in comms:
        await receive_type(comm, "stats", timeout=3)  # may have been counted before the last joined
    return [await receive_type(comm, "stats", timeout=3) for comm in comms]


def test_one_viewer_and_the_host_console_are_one_viewer_everywhere(room):
    # given: the host's console and one shopper in the room
    cookies = [session_cookie(room.host), session_cookie(UserFactory(username="pembeli"))]

    async def scenario():
        console, shopper = await connect_all(room.pk, *cookies)
        stats = await _stats_once_all_joined(console, shopper)
        await disconnect_all(console, shopper)
        return stats

    # when
    console_stats, shopper_stats = async_to_sync(scenario)()

    # then: the console, the room, the pages (the cache) and the session's summary say 1
    assert (console_stats["viewers"], shopper_stats["viewers"]) == (1, 1)
    assert presence.viewer_counts(session_ids=[room.pk]) == {room.pk: 1}
    session = LiveSession.objects.get(pk=room.pk)
    assert (session.peak_viewers, session.unique_viewers) == (1, 1)


def test_the_shops_owner_hosts_and_moderators_are_not_viewers_and_shoppers_are(room, staff_user):
    # given: everyone who runs the room, and two shoppers (one anonymous)
    owner = ShopMemberFactory(shop=room.shop, role=MemberRole.OWNER).user
    colleague = ShopMemberFactory(shop=room.shop, role=MemberRole.HOST).user
    moderator = ShopMemberFactory(shop=room.shop, role=MemberRole.STAFF)
    LiveModerator.objects.create(member=moderator)
    team = [room.host, owner, colleague, moderator.user, staff_user]
    cookies = [session_cookie(user) for user in team] + [session_cookie(UserFactory()), None]

    async def scenario():
        comms = await connect_all(room.pk, *cookies)
        register = await presence.redis_async().zcard(presence.socket_register_key(room.pk))
        stats = await _stats_once_all_joined(*comms)
        await disconnect_all(*comms)
        return register, stats

    # when
    register, stats = async_to_sync(scenario)()

    # then: all seven sockets are live in the register; two are viewers, seen by all
    assert register == 7
    assert [event["viewers"] for event in stats] == [2] * 7
    session = LiveSession.objects.get(pk=room.pk)
    assert (session.peak_viewers, session.unique_viewers) == (2, 2)


def test_the_host_console_uncounted_still_publishes_video_to_a_viewer(room):
    # given: the host's console broadcasting, past a few ticks (its socket vouched for each)
    cookies = [session_cookie(room.host), session_cookie(UserFactory(username="pembeli"))]

    async def scenario():
        console, shopper = await connect_all(room.pk, *cookies)
        await console.send_json_to({"type": "rtc_publish"})
        await receive_type(console, "rtc_publisher")
        await receive_type(shopper, "rtc_publisher")
        for _ in range(3):
            stats = await receive_type(shopper, "stats", timeout=3)
        # when: the shopper asks for the video
        await shopper.send_json_to({"type": "rtc_watch"})
        peer = (await receive_type(console, "rtc_viewer"))["peer"]
        await console.send_json_to({"type": "rtc_offer", "peer": peer, "sdp": SDP})
        offer = await receive_type(shopper, "rtc_offer")
        await disconnect_all(console, shopper)
        return stats, offer

    stats, offer = async_to_sync(scenario)()

    # then: the shopper is the one viewer, and gets the host's offer
    assert stats["viewers"] == 1
    assert offer == {"type": "rtc_offer", "sdp": SDP}


def test_a_dead_processs_sockets_leave_the_register_and_the_count_staff_or_not():
    session_id = 900_000_001
    alive = [f"alive.{uuid.uuid4().hex}" for _ in range(3)]
    dead = [f"dead.{uuid.uuid4().hex}" for _ in range(2)]

    async def run():
        for name, is_audience in [(alive[0], False), (alive[1], True), (alive[2], True), (dead[0], False)]:
            await presence.viewer_join(
                session_id=session_id,
                channel_name=name,
                visitor=f"c:{name}",
                like_count=0,
                is_audience=is_audience,
            )
        await presence.viewer_join(
            session_id=session_id,
            channel_name=dead[1],
            visitor=f"c:{dead[1]}",
            like_count=0,
            is_audience=True,
        )
        # The dead process last vouched for its sockets long ago; the live one just now.
        stale = time.time() - presence.VIEWER_STALE_SECONDS - 5
        await presence.redis_async().zadd(
            presence.socket_register_key(session_id), dict.fromkeys(dead, stale)
        )
        await presence.viewers_vouch(session_id=session_id, channel_names=alive)
        counted = await presence.room_stats(session_id=session_id)
        register = await presence.redis_async().zrange(presence.socket_register_key(session_id), 0, -1)
        # The host leaves; a shopper leaves.
        await presence.viewer_leave(session_id=session_id, channel_name=alive[0])
        await presence.viewer_leave(session_id=session_id, channel_name=alive[1])
        return (
            counted,
            sorted(name.decode() for name in register),
            await presence.room_stats(session_id=session_id),
        )

    counted, register, after = async_to_sync(run)()

    assert counted["viewers"] == 2
    assert register == sorted(alive)
    assert after["viewers"] == 1
    assert counted["unique_viewers"] == 3  # a HyperLogLog, exact at this size: shoppers only
