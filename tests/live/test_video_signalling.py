"""Live video signalling over the room's socket (live/video.py): who may publish, who hears what,
how many get video. Real Redis channel layer, real PostgreSQL."""

import html
import json
import re
import time

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string

from live import presence, rate_limits, video
from live.enums import LiveStatus
from live.models import ChatMessage, LiveModerator
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
CANDIDATE = {
    "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 54400 typ host generation 0",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
    "usernameFragment": "abcd",
}


@pytest.fixture(autouse=True)
def _channel_layer(room_channel_layer, settings):
    settings.LIVE_P2P_MAX_VIEWERS = 20


@pytest.fixture(autouse=True)
def _no_video_keys_left():
    # Session ids come back in a new test database; slots of an earlier run must not count.
    client = rate_limits.redis_client()
    for key in client.scan_iter(match="live:video:*"):
        client.delete(key)


@pytest.fixture
def room():
    return live_session(status=LiveStatus.LIVE)


def _viewers(count):
    return [session_cookie(UserFactory(username=f"penonton{n}")) for n in range(count)]


async def _connected(session_id, cookie=None):
    (comm,) = await connect_all(session_id, cookie)
    return comm


async def _publishing(session_id, cookie):
    host = await _connected(session_id, cookie)
    await host.send_json_to({"type": "rtc_publish"})
    assert await receive_type(host, "rtc_publisher") == {"type": "rtc_publisher", "live": True}
    return host


async def _admitted(host, viewer) -> str:
    """The viewer asks for video; returns the peer id the publisher is told about."""
    await viewer.send_json_to({"type": "rtc_watch"})
    return (await receive_type(host, "rtc_viewer"))["peer"]


async def _heard(comm, timeout=0.3) -> list[str]:
    """The video events that arrive until `timeout` passes in silence (greetings aside)."""
    types = []
    while not await comm.receive_nothing(timeout=timeout):
        event_type = (await comm.receive_json_from())["type"]
        if event_type.startswith("rtc_"):
            types.append(event_type)
    return types


# --- Publishing ---------------------------------------------------------------------------------


def test_only_the_host_or_the_owner_may_publish(room):
    owner = ShopMemberFactory(shop=room.shop, role=MemberRole.OWNER, user__username="owner").user
    moderator_member = ShopMemberFactory(shop=room.shop, role=MemberRole.STAFF, user__username="mod")
    LiveModerator.objects.create(member=moderator_member)
    viewer_cookie, mod_cookie, owner_cookie, host_cookie = (
        session_cookie(UserFactory(username="pembeli")),
        session_cookie(moderator_member.user),
        session_cookie(owner),
        session_cookie(room.host),
    )

    async def scenario():
        watcher = await _connected(room.pk)
        refusals = []
        for cookie in (viewer_cookie, mod_cookie):
            comm = await _connected(room.pk, cookie)
            await comm.send_json_to({"type": "rtc_publish"})
            refusals.append((await receive_type(comm, "error"))["code"])
            await comm.disconnect()
        announced_before = await _heard(watcher)
        owner_comm = await _publishing(room.pk, owner_cookie)
        owner_announced = await receive_type(watcher, "rtc_publisher")
        host = await _publishing(room.pk, host_cookie)
        host_announced = await receive_type(watcher, "rtc_publisher")
        replaced = await receive_type(owner_comm, "rtc_unavailable")
        await disconnect_all(watcher, owner_comm, host)
        return refusals, announced_before, owner_announced, host_announced, replaced

    refusals, announced_before, owner_announced, host_announced, replaced = async_to_sync(scenario)()
    assert refusals == ["forbidden", "forbidden"]
    assert announced_before == []
    assert owner_announced == host_announced == {"type": "rtc_publisher", "live": True}
    # One camera per live: the latest window takes over and the earlier one is told.
    assert replaced["reason"] == "replaced"


@pytest.mark.parametrize("status", [LiveStatus.SCHEDULED, LiveStatus.ENDED])
def test_no_publishing_outside_the_live(status):
    session = live_session(status=status)
    cookie = session_cookie(session.host)

    async def scenario():
        host = await _connected(session.pk, cookie)
        await host.send_json_to({"type": "rtc_publish"})
        refusal = await receive_type(host, "error")
        await host.disconnect()
        return refusal

    assert async_to_sync(scenario)()["code"] == "not_live"
    assert not rate_limits.redis_client().exists(f"live:video:{session.pk}:publisher")


def test_watching_without_a_publisher_says_so(room):
    async def scenario():
        viewer = await _connected(room.pk)
        await viewer.send_json_to({"type": "rtc_watch"})
        unavailable = await receive_type(viewer, "rtc_unavailable")
        await viewer.disconnect()
        return unavailable

    assert async_to_sync(scenario)()["reason"] == "no_publisher"


# --- Routing ------------------------------------------------------------------------------------


def test_an_offer_reaches_only_the_viewer_it_is_addressed_to(room):
    host_cookie, (first_cookie, second_cookie) = session_cookie(room.host), _viewers(2)

    async def scenario():
        host = await _publishing(room.pk, host_cookie)
        first, second = await _connected(room.pk, first_cookie), await _connected(room.pk, second_cookie)
        first_peer = await _admitted(host, first)
        second_peer = await _admitted(host, second)
        await host.send_json_to({"type": "rtc_offer", "peer": first_peer, "sdp": SDP})
        offer = await receive_type(first, "rtc_offer")
        await host.send_json_to({"type": "rtc_ice", "peer": first_peer, "candidate": CANDIDATE})
        candidate = await receive_type(first, "rtc_ice")
        second_quiet = await _heard(second)
        channels = await presence.redis_async().hgetall(f"live:video:{room.pk}:peers")
        await disconnect_all(host, first, second)
        return first_peer, second_peer, offer, candidate, second_quiet, channels

    first_peer, second_peer, offer, candidate, second_quiet, channels = async_to_sync(scenario)()
    # The viewer hears the offer, not who it is to the server.
    assert offer == {"type": "rtc_offer", "sdp": SDP}
    assert candidate == {"type": "rtc_ice", "candidate": CANDIDATE}
    assert second_quiet == []
    # Peer ids are opaque tokens, distinct from the sockets' channel names they stand for.
    assert first_peer != second_peer
    assert {key.decode() for key in channels} == {first_peer, second_peer}
    assert not {first_peer, second_peer} & {value.decode() for value in channels.values()}


def test_answers_and_candidates_reach_only_the_publisher(room):
    owner = ShopMemberFactory(shop=room.shop, role=MemberRole.OWNER, user__username="owner").user
    host_cookie, owner_cookie, (viewer_cookie, other_cookie) = (
        session_cookie(room.host),
        session_cookie(owner),
        _viewers(2),
    )

    async def scenario():
        host = await _publishing(room.pk, host_cookie)
        owner_comm = await _connected(room.pk, owner_cookie)
        viewer, other = await _connected(room.pk, viewer_cookie), await _connected(room.pk, other_cookie)
        peer = await _admitted(host, viewer)
        await host.send_json_to({"type": "rtc_offer", "peer": peer, "sdp": SDP})
        await receive_type(viewer, "rtc_offer")
        await viewer.send_json_to({"type": "rtc_answer", "sdp": SDP})
        answer = await receive_type(host, "rtc_answer")
        await viewer.send_json_to({"type": "rtc_ice", "candidate": CANDIDATE})
        candidate = await receive_type(host, "rtc_ice")
        owner_quiet = await _heard(owner_comm)
        other_quiet = await _heard(other)
        await disconnect_all(host, owner_comm, viewer, other)
        return peer, answer, candidate, owner_quiet, other_quiet

    peer, answer, candidate, owner_quiet, other_quiet = async_to_sync(scenario)()
    assert answer == {"type": "rtc_answer", "peer": peer, "sdp": SDP}
    assert candidate == {"type": "rtc_ice", "peer": peer, "candidate": CANDIDATE}
    assert owner_quiet == other_quiet == []


def test_forged_or_foreign_peer_ids_are_refused(room):
    other_room = live_session(status=LiveStatus.LIVE)
    host_cookie, other_host_cookie, (viewer_cookie, snoop_cookie) = (
        session_cookie(room.host),
        session_cookie(other_room.host),
        _viewers(2),
    )

    async def scenario():
        host = await _publishing(room.pk, host_cookie)
        other_host = await _publishing(other_room.pk, other_host_cookie)
        viewer, snoop = await _connected(room.pk, viewer_cookie), await _connected(room.pk, snoop_cookie)
        peer = await _admitted(host, viewer)
        viewer_channel = (await presence.redis_async().hget(f"live:video:{room.pk}:peers", peer)).decode()
        codes = {}
        # The publisher of another live cannot reach this one's viewer, by peer id or channel name.
        for name, event in {
            "other_live": {"type": "rtc_offer", "peer": peer, "sdp": SDP},
            "channel_name": {"type": "rtc_offer", "peer": viewer_channel, "sdp": SDP},
        }.items():
            await other_host.send_json_to(event)
            codes[name] = (await receive_type(other_host, "error"))["code"]
        await host.send_json_to({"type": "rtc_offer", "peer": "made-up-peer", "sdp": SDP})
        codes["made_up"] = (await receive_type(host, "error"))["code"]
        # A viewer cannot play the publisher towards another viewer, nor answer unasked.
        await snoop.send_json_to({"type": "rtc_offer", "peer": peer, "sdp": SDP})
        codes["viewer_offer"] = (await receive_type(snoop, "error"))["code"]
        await snoop.send_json_to({"type": "rtc_ice", "peer": peer, "candidate": CANDIDATE})
        codes["viewer_ice"] = (await receive_type(snoop, "error"))["code"]
        await snoop.send_json_to({"type": "rtc_answer", "sdp": SDP})
        codes["not_admitted"] = (await receive_type(snoop, "error"))["code"]
        viewer_quiet = await _heard(viewer)
        host_quiet = await _heard(host)
        await disconnect_all(host, other_host, viewer, snoop)
        return codes, viewer_quiet, host_quiet

    codes, viewer_quiet, host_quiet = async_to_sync(scenario)()
    assert codes == {
        "other_live": "unknown_peer",
        "channel_name": "unknown_peer",
        "made_up": "unknown_peer",
        "viewer_offer": "forbidden",
        "viewer_ice": "forbidden",
        "not_admitted": "not_watching",
    }
    assert viewer_quiet == host_quiet == []


# --- How many get video -------------------------------------------------------------------------


def test_past_the_limit_a_viewer_is_told_and_keeps_the_chat_until_a_slot_frees(room, settings):
    settings.LIVE_P2P_MAX_VIEWERS = 2
    host_cookie, cookies = session_cookie(room.host), _viewers(3)

    async def scenario():
        host = await _publishing(room.pk, host_cookie)
        first, second, third = [await _connected(room.pk, cookie) for cookie in cookies]
        first_peer = await _admitted(host, first)
        await _admitted(host, second)
        await third.send_json_to({"type": "rtc_watch"})
        full = await receive_type(third, "rtc_unavailable")
        host_not_told = await _heard(host)
        await host.send_json_to({"type": "chat", "text": "halo semua"})
        chat_seen = await receive_type(third, "chat")
        await first.disconnect()
        left = await receive_type(host, "rtc_leave")
        third_peer = await _admitted(host, third)
        await disconnect_all(host, second, third)
        return full, host_not_told, chat_seen, first_peer, left, third_peer

    full, host_not_told, chat_seen, first_peer, left, third_peer = async_to_sync(scenario)()
    assert full["type"] == "rtc_unavailable"
    assert full["reason"] == "full"
    assert full["message"]
    assert host_not_told == []
    assert chat_seen["message"]["text"] == "halo semua"
    assert left == {"type": "rtc_leave", "peer": first_peer}
    assert third_peer not in (first_peer, "")


def test_watching_again_keeps_the_same_slot(room, settings):
    settings.LIVE_P2P_MAX_VIEWERS = 1
    host_cookie, (viewer_cookie,) = session_cookie(room.host), _viewers(1)

    async def scenario():
        host = await _publishing(room.pk, host_cookie)
        viewer = await _connected(room.pk, viewer_cookie)
        first = await _admitted(host, viewer)
        again = await _admitted(host, viewer)
        await disconnect_all(host, viewer)
        return first, again

    first, again = async_to_sync(scenario)()
    # A viewer renegotiating (after an ICE failure) does not take a second seat.
    assert first == again


def test_slots_of_sockets_nobody_vouches_for_are_given_back(room, settings):
    settings.LIVE_P2P_MAX_VIEWERS = 1
    host_cookie = session_cookie(room.host)

    async def scenario():
        host = await _publishing(room.pk, host_cookie)
        # A viewer whose daphne process died: its slot stays, its presence stops being vouched.
        client = presence.redis_async()
        await client.hset(f"live:video:{room.pk}:peers", "ghost", "specific.dead!channel")
        await client.zadd(f"live:room:{room.pk}:viewers", {"specific.dead!channel": time.time() - 3600})
        viewer = await _connected(room.pk)
        peer = await _admitted(host, viewer)
        peers = await client.hkeys(f"live:video:{room.pk}:peers")
        await disconnect_all(host, viewer)
        return peer, peers

    peer, peers = async_to_sync(scenario)()
    assert [key.decode() for key in peers] == [peer]


def test_when_the_publisher_leaves_viewers_are_told_and_slots_are_freed(room):
    host_cookie, (viewer_cookie,) = session_cookie(room.host), _viewers(1)

    async def scenario():
        host = await _publishing(room.pk, host_cookie)
        viewer = await _connected(room.pk, viewer_cookie)
        await _admitted(host, viewer)
        await host.disconnect()
        told = await receive_type(viewer, "rtc_publisher")
        await viewer.send_json_to({"type": "rtc_watch"})
        unavailable = await receive_type(viewer, "rtc_unavailable")
        await viewer.send_json_to({"type": "rtc_answer", "sdp": SDP})
        refusal = await receive_type(viewer, "error")
        peers = await presence.redis_async().hlen(f"live:video:{room.pk}:peers")
        await viewer.disconnect()
        return told, unavailable, refusal, peers

    told, unavailable, refusal, peers = async_to_sync(scenario)()
    assert told == {"type": "rtc_publisher", "live": False}
    assert unavailable["reason"] == "no_publisher"
    assert refusal["code"] == "not_watching"
    assert peers == 0


def test_unpublishing_turns_the_video_off_for_the_room(room):
    host_cookie = session_cookie(room.host)

    async def scenario():
        host = await _publishing(room.pk, host_cookie)
        viewer = await _connected(room.pk)
        await host.send_json_to({"type": "rtc_unpublish"})
        told = await receive_type(viewer, "rtc_publisher")
        await disconnect_all(host, viewer)
        return told

    assert async_to_sync(scenario)() == {"type": "rtc_publisher", "live": False}
    assert not rate_limits.redis_client().exists(f"live:video:{room.pk}:publisher")


# --- Sizes and shapes ---------------------------------------------------------------------------


def test_signalling_sizes_are_bounded(room):
    host_cookie, (viewer_cookie,) = session_cookie(room.host), _viewers(1)
    largest = SDP + "a=x-pad:" + "p" * (video.MAX_SDP_CHARS - len(SDP) - 10) + "\r\n"
    assert len(largest) == video.MAX_SDP_CHARS

    async def scenario():
        host = await _publishing(room.pk, host_cookie)
        viewer = await _connected(room.pk, viewer_cookie)
        await _admitted(host, viewer)
        codes = []
        for event in (
            {"type": "rtc_answer", "sdp": largest + "x"},
            {
                "type": "rtc_ice",
                "candidate": {**CANDIDATE, "candidate": "c" * (video.MAX_CANDIDATE_CHARS + 1)},
            },
            {"type": "rtc_answer", "sdp": "not an sdp"},
            {"type": "rtc_ice", "candidate": {**CANDIDATE, "onload": "x"}},
            {"type": "rtc_ice", "candidate": "candidate:1 1 udp"},
        ):
            await viewer.send_json_to(event)
            codes.append((await receive_type(viewer, "error"))["code"])
        host_quiet = await _heard(host)
        # The largest SDP allowed fits in one frame and goes through whole.
        await viewer.send_json_to({"type": "rtc_answer", "sdp": largest})
        answer = await receive_type(host, "rtc_answer")
        await disconnect_all(host, viewer)
        return codes, host_quiet, answer

    codes, host_quiet, answer = async_to_sync(scenario)()
    assert codes == ["too_large", "too_large", "invalid", "invalid", "invalid"]
    assert host_quiet == []
    assert answer["sdp"] == largest


def test_an_anonymous_viewer_may_watch_but_not_chat_nor_publish(room):
    host_cookie = session_cookie(room.host)

    async def scenario():
        host = await _publishing(room.pk, host_cookie)
        anonymous = await _connected(room.pk)
        peer = await _admitted(host, anonymous)
        await host.send_json_to({"type": "rtc_offer", "peer": peer, "sdp": SDP})
        offer = await receive_type(anonymous, "rtc_offer")
        await anonymous.send_json_to({"type": "rtc_answer", "sdp": SDP})
        answer = await receive_type(host, "rtc_answer")
        codes = []
        for event in ({"type": "chat", "text": "halo"}, {"type": "rtc_publish"}):
            await anonymous.send_json_to(event)
            codes.append((await receive_type(anonymous, "error"))["code"])
        await disconnect_all(host, anonymous)
        return offer, answer, peer, codes

    offer, answer, peer, codes = async_to_sync(scenario)()
    assert offer["sdp"] == answer["sdp"] == SDP
    assert answer["peer"] == peer
    assert codes == ["login_required", "login_required"]
    assert not ChatMessage.objects.exists()


# --- The pages' video partial -------------------------------------------------------------------


def _partial(session, mode):
    return render_to_string("live/_video.html", {"session": session, "mode": mode})


def test_the_partial_carries_the_ice_servers_and_loads_the_script(room, settings):
    settings.LIVE_ICE_SERVERS = [
        {"urls": ["stun:stun.lapak.test:3478"]},
        {"urls": "turn:turn.lapak.test:3478", "username": "lapak", "credential": 'p"<ss>'},
    ]

    watch, publish = _partial(room, "watch"), _partial(room, "publish")

    attribute = re.search(r'data-ice-servers="([^"]*)"', watch).group(1)
    assert json.loads(html.unescape(attribute)) == settings.LIVE_ICE_SERVERS
    assert 'data-live-video="watch"' in watch
    assert 'data-session-status="live"' in watch
    assert "data-video-unmute" in watch
    assert "data-video-camera" not in watch
    assert 'data-live-video="publish"' in publish
    for control in (
        "data-video-start",
        "data-video-mute",
        "data-video-hide",
        "data-video-camera",
        "data-video-microphone",
    ):
        assert control in publish
    assert watch.count("js/live-video.js") == publish.count("js/live-video.js") == 1
    assert "<script>" not in watch + publish


@pytest.mark.parametrize(
    "servers",
    [
        {"urls": "stun:x"},
        [{"urls": "http://stun.example"}],
        [{"urls": "stun:x", "password": "p"}],
        [{"urls": []}],
    ],
)
def test_a_wrong_ice_server_setting_is_refused_loudly(servers, settings):
    settings.LIVE_ICE_SERVERS = servers

    with pytest.raises(ImproperlyConfigured):
        video.ice_servers()
