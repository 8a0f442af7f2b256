"""Live video: WebRTC from the host's browser to each viewer, signalled over the room's socket.

The room's consumer (live/consumers.py) hands every `rtc_*` event to one `VideoSignalling` object
per socket; which class that is comes from settings.LIVE_VIDEO_BACKEND. The peer-to-peer class
below is the first; a Janus SFU class can replace it later without touching the consumer or the
browsers (see "A Janus backend" at the end of this docstring).

Peer to peer: the publisher (the session's host or the shop's owner, on the console) keeps one
RTCPeerConnection per admitted viewer and sends each its own copy of the camera, so the host's
uplink is the limit: at most settings.LIVE_P2P_MAX_VIEWERS viewers get video, counted across
daphne processes in Redis. Everyone else (and browsers without WebRTC) keeps the chat, the
products and the deals, and is told why there is no video.

Protocol (JSON over the room's socket; shapes checked by live.protocol.parse_event first)

  viewer → server     rtc_watch {}                       I want the video (again, after a reconnect)
                      rtc_answer {sdp}                   answer to the publisher's offer
                      rtc_ice {candidate}                to the publisher
  publisher → server  rtc_publish {}                     camera on and the session live: take viewers
                      rtc_unpublish {}                   camera off
                      rtc_offer {peer, sdp}              to one admitted viewer
                      rtc_ice {peer, candidate}          to one admitted viewer
  server → viewer     rtc_offer {sdp}                    from the publisher
                      rtc_ice {candidate}                from the publisher
                      rtc_unavailable {reason, message}  "full" | "no_publisher"
  server → room       rtc_publisher {live: bool}         video came or went: viewers send rtc_watch
  server → publisher  rtc_viewer {peer}                  make an offer to this viewer (again: anew)
                      rtc_answer {peer, sdp}
                      rtc_ice {peer, candidate}
                      rtc_leave {peer}                   that viewer went: close its connection
                      rtc_unavailable {reason: "replaced", message}
                                                         another socket of the shop publishes now

`sdp` is a string of at most MAX_SDP_CHARS; `candidate` is RTCIceCandidate.toJSON():
{candidate (at most MAX_CANDIDATE_CHARS), sdpMid?, sdpMLineIndex?, usernameFragment?}. Refusals
are the room's usual `error` event {code, message}: forbidden, not_live, not_publishing,
unknown_peer, not_watching, too_large, invalid, rate_limited. The viewer events are open to
anonymous sockets (they may watch and read, not chat): see ANONYMOUS_EVENTS.

Who talks to whom: a viewer can only address the publisher (the server adds the viewer's peer
id); the publisher can only address a peer id the server admitted for this session. Peer ids are
random tokens, never channel names; Redis maps them to channel names:

  live:video:<session>:publisher   the publisher's channel name
  live:video:<session>:peers       hash {peer id: viewer's channel name}, one entry per video slot

Both expire (presence.ROOM_KEY_TTL) and are cleared when the publisher leaves or publishes
again. A viewer leaving frees its slot. A socket whose daphne process died stops being vouched
for in the room's register of open sockets (presence.socket_register_key, live/local_room.py);
its slot, or its publishing, is dropped at the next admission, so a crash does not keep seats
taken. Every socket is in that register, the publisher's too, though the viewer count leaves the
shop's own out.

A Janus backend: subclass VideoSignalling with the same methods. To the publisher's browser the
SFU is one viewer (one `rtc_viewer {peer: <the SFU's id>}`; the offer goes to Janus, Janus's
answer comes back as `rtc_answer`); to each viewer it is the publisher (Janus's subscriber offer
goes out as `rtc_offer`, the viewer's answer goes to Janus). The clients stay as they are, and
the limit becomes the SFU's.
"""

import abc
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from live import errors, policy, presence, room_access
from live.broadcast import room_group, room_message
from live.enums import LiveStatus
from live.local_room import tick_seconds
from live.models import LiveSession
from live.policy import Action

MAX_SDP_CHARS = 16 * 1024
MAX_CANDIDATE_CHARS = 1024
# A viewer's side of the video, allowed to sockets that are not logged in.
ANONYMOUS_EVENTS = frozenset({"rtc_watch", "rtc_answer", "rtc_ice"})

# (events, seconds) per socket. Counted in the consumer's own memory: a socket lives in one
# process. Signalling is bursty (a publisher answers every viewer at once after re-publishing,
# with a dozen candidates each), watching is not.
WATCH_RATE = (6, 30)
PUBLISH_RATE = (5, 30)
SIGNAL_RATE = (300, 10)

_PEER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ICE_URL = re.compile(r"^(stun|stuns|turn|turns):\S+$")


# --- Settings -----------------------------------------------------------------------------------


def _is_ice_server(server: Any) -> bool:
    if not isinstance(server, dict) or not set(server) <= {"urls", "username", "credential"}:
        return False
    urls = server.get("urls")
    urls = [urls] if isinstance(urls, str) else urls
    return (
        isinstance(urls, list)
        and bool(urls)
        and all(isinstance(url, str) and _ICE_URL.match(url) for url in urls)
        and all(isinstance(server.get(name, ""), str) for name in ("username", "credential"))
    )


def ice_servers() -> list[dict[str, Any]]:
    """settings.LIVE_ICE_SERVERS, checked: a wrong value is the operator's to fix, loudly."""
    servers = settings.LIVE_ICE_SERVERS
    if not isinstance(servers, list) or not all(_is_ice_server(server) for server in servers):
        raise ImproperlyConfigured(
            "LIVE_ICE_SERVERS must be a JSON list of {urls, username?, credential?} with "
            "stun:, stuns:, turn: or turns: URLs."
        )
    return servers


def max_viewers() -> int:
    return max(int(settings.LIVE_P2P_MAX_VIEWERS), 0)


# --- Checks on what browsers send ---------------------------------------------------------------


def check_sdp(sdp: str) -> str:
    if len(sdp) > MAX_SDP_CHARS:
        raise errors.SignalTooLarge()
    if not sdp.startswith("v=0"):
        raise errors.EventInvalid()
    return sdp


def check_candidate(candidate: dict[str, Any]) -> dict[str, Any]:
    """RTCIceCandidate.toJSON(), with nothing else in it (an empty `candidate` ends the list)."""
    fields = {"candidate": str, "sdpMid": str, "sdpMLineIndex": int, "usernameFragment": str}
    if set(candidate) - set(fields) or not isinstance(candidate.get("candidate"), str):
        raise errors.EventInvalid()
    if len(candidate["candidate"]) > MAX_CANDIDATE_CHARS:
        raise errors.SignalTooLarge()
    for name, kind in fields.items():
        value = candidate.get(name)
        if value is None:
            continue
        if not isinstance(value, kind) or isinstance(value, bool):
            raise errors.EventInvalid()
        if kind is str and name != "candidate" and len(value) > 256:
            raise errors.EventInvalid()
        if kind is int and not 0 <= value <= 1024:
            raise errors.EventInvalid()
    return {name: candidate[name] for name in fields if name in candidate}


def check_peer_id(peer: str) -> str:
    if not _PEER_ID.match(peer):
        raise errors.PeerUnknown()
    return peer


def check_may_publish(*, room: room_access.Room) -> None:
    """The role and the session's status are read again: a host replaced mid-live, or a live that
    has ended, stops being publishable at once. Two queries at most."""
    if not policy.may(role=room.role, action=Action.PUBLISH_VIDEO):
        raise errors.PublishNotAllowed()
    session = LiveSession.objects.only("status", "shop_id", "host_id").get(pk=room.session_id)
    if not policy.may(
        role=policy.room_role(session=session, user_id=room.user_id), action=Action.PUBLISH_VIDEO
    ):
        raise errors.PublishNotAllowed()
    if session.status != LiveStatus.LIVE:
        raise errors.VideoNotLive()


# --- The interface ------------------------------------------------------------------------------

Send = Callable[[dict[str, Any]], Awaitable[None]]


class VideoSignalling(abc.ABC):
    """One socket's part in the room's video. The consumer calls one method per inbound event
    (after live.protocol.parse_event), `deliver` for what the channel layer brings as `rtc.signal`,
    and `leave` when the socket goes (twice is harmless). Methods refuse with ChatRefused."""

    def __init__(self, *, room: room_access.Room, channel_name: str, channel_layer, send: Send):
        self.room = room
        self.channel_name = channel_name
        self.channel_layer = channel_layer
        self.send = send
        self._windows: dict[str, tuple[float, int]] = {}

    @abc.abstractmethod
    async def publish(self) -> None: ...

    @abc.abstractmethod
    async def unpublish(self) -> None: ...

    @abc.abstractmethod
    async def watch(self) -> None: ...

    @abc.abstractmethod
    async def offer(self, *, peer: str, sdp: str) -> None: ...

    @abc.abstractmethod
    async def answer(self, *, sdp: str) -> None: ...

    @abc.abstractmethod
    async def ice(self, *, candidate: dict[str, Any], peer: str | None) -> None: ...

    @abc.abstractmethod
    async def leave(self) -> None: ...

    async def deliver(self, payload: dict[str, Any]) -> None:
        """A signal another socket (or the backend) addressed to this one."""
        await self.send(payload)

    # Helpers for subclasses.

    def check_rate(self, kind: str, rate: tuple[int, int]) -> None:
        limit, window = rate
        now = time.monotonic()
        started, count = self._windows.get(kind, (now, 0))
        if now - started >= window:
            started, count = now, 0
        self._windows[kind] = (started, count + 1)
        if count + 1 > limit:
            raise errors.RateLimited()

    async def to_channel(self, channel_name: str, payload: dict[str, Any]) -> None:
        await self.channel_layer.send(channel_name, {"type": "rtc.signal", "payload": payload})

    async def to_room(self, payload: dict[str, Any]) -> None:
        await self.channel_layer.group_send(room_group(self.room.session_id), room_message(payload))


def signalling_for(
    *, room: room_access.Room, channel_name: str, channel_layer, send: Send
) -> VideoSignalling:
    backend = import_string(settings.LIVE_VIDEO_BACKEND)
    return backend(room=room, channel_name=channel_name, channel_layer=channel_layer, send=send)


# --- Peer to peer -------------------------------------------------------------------------------

# KEYS: publisher, peers. ARGV: channel, ttl. Takes the publisher's place; the previous viewers'
# connections were to the previous publisher, so their slots go (they watch again on the
# broadcast). Returns the channel that published before, if any.
_PUBLISH = """
local previous = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('DEL', KEYS[2])
return previous
"""

# KEYS: publisher, peers. ARGV: channel. Only the publisher's own socket ends its publishing.
_UNPUBLISH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
return 0
"""

# KEYS: publisher, peers, the register of open sockets (zset channel -> last vouched). ARGV:
# channel, new peer id, limit, stale before (epoch seconds), ttl. Returns {status, peer,
# publisher channel}.
_WATCH = """
local publisher = redis.call('GET', KEYS[1])
if not publisher then return {'no_publisher'} end
local seen = redis.call('ZSCORE', KEYS[3], publisher)
if not seen or tonumber(seen) < tonumber(ARGV[4]) then
  redis.call('DEL', KEYS[1], KEYS[2])
  return {'no_publisher'}
end
local entries = redis.call('HGETALL', KEYS[2])
local taken = 0
for i = 1, #entries, 2 do
  local peer, channel = entries[i], entries[i + 1]
  if channel == ARGV[1] then
    return {'ok', peer, publisher}
  end
  local vouched = redis.call('ZSCORE', KEYS[3], channel)
  if not vouched or tonumber(vouched) < tonumber(ARGV[4]) then
    redis.call('HDEL', KEYS[2], peer)
  else
    taken = taken + 1
  end
end
if taken >= tonumber(ARGV[3]) then return {'full'} end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {'ok', ARGV[2], publisher}
"""

# KEYS: publisher, peers. ARGV: peer id, channel. Frees the slot if it is still this socket's;
# returns the publisher's channel to tell.
_VIEWER_LEAVE = """
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[2], ARGV[1])
  return redis.call('GET', KEYS[1])
end
return false
"""


def _key(session_id: int, name: str) -> str:
    return f"live:video:{session_id}:{name}"


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class PeerToPeerSignalling(VideoSignalling):
    """Relays offers, answers and candidates between the publisher and each admitted viewer."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # What this socket did, so most sockets leave without a Redis round trip; Redis decides.
        self.peer: str | None = None
        self.is_publishing = False
        self._publisher_key = _key(self.room.session_id, "publisher")
        self._peers_key = _key(self.room.session_id, "peers")

    async def _run(self, script: str, keys: list[str], args: list[Any]):
        return await presence.redis_async().eval(script, len(keys), *keys, *args)

    # Publisher side.

    async def publish(self) -> None:
        self.check_rate("publish", PUBLISH_RATE)
        await database_sync_to_async(check_may_publish)(room=self.room)
        previous = _text(
            await self._run(
                _PUBLISH,
                [self._publisher_key, self._peers_key],
                [self.channel_name, presence.ROOM_KEY_TTL],
            )
        )
        self.is_publishing = True
        self.peer = None
        if previous and previous != self.channel_name:
            message = _("Your camera now broadcasts from another window.")
            await self.to_channel(
                previous, {"type": "rtc_unavailable", "reason": "replaced", "message": message}
            )
        await self.to_room({"type": "rtc_publisher", "live": True})

    async def unpublish(self) -> None:
        if not policy.may(role=self.room.role, action=Action.PUBLISH_VIDEO):
            raise errors.PublishNotAllowed()
        await self._stop_publishing()

    async def _stop_publishing(self) -> None:
        self.is_publishing = False
        stopped = await self._run(_UNPUBLISH, [self._publisher_key, self._peers_key], [self.channel_name])
        if stopped:
            await self.to_room({"type": "rtc_publisher", "live": False})

    async def offer(self, *, peer: str, sdp: str) -> None:
        self.check_rate("signal", SIGNAL_RATE)
        check_sdp(sdp)
        viewer = await self._viewer_channel(peer)
        await self.to_channel(viewer, {"type": "rtc_offer", "sdp": sdp})

    async def _viewer_channel(self, peer: str) -> str:
        if not policy.may(role=self.room.role, action=Action.PUBLISH_VIDEO):
            raise errors.PublishNotAllowed()
        check_peer_id(peer)
        pipe = presence.redis_async().pipeline(transaction=False)
        pipe.get(self._publisher_key)
        pipe.hget(self._peers_key, peer)
        publisher, viewer = (_text(value) for value in await pipe.execute())
        if publisher != self.channel_name:
            raise errors.NotPublishing()
        if viewer is None:
            raise errors.PeerUnknown()
        return viewer

    # Viewer side.

    async def watch(self) -> None:
        self.check_rate("watch", WATCH_RATE)
        if self.is_publishing:
            raise errors.EventInvalid()
        stale_before = time.time() - max(presence.VIEWER_STALE_SECONDS, 3 * tick_seconds())
        found = await self._run(
            _WATCH,
            [self._publisher_key, self._peers_key, presence.socket_register_key(self.room.session_id)],
            [
                self.channel_name,
                secrets.token_urlsafe(16),
                max_viewers(),
                stale_before,
                presence.ROOM_KEY_TTL,
            ],
        )
        status = _text(found[0])
        if status == "ok":
            self.peer = _text(found[1])
            await self.to_channel(_text(found[2]), {"type": "rtc_viewer", "peer": self.peer})
            return
        self.peer = None
        if status == "full":
            limit = max_viewers()
            message = ngettext(
                "The video is full: it goes to %(limit)d viewer at a time. You can still chat, "
                "see the products and grab the deals.",
                "The video is full: it goes to %(limit)d viewers at a time. You can still chat, "
                "see the products and grab the deals.",
                limit,
            ) % {"limit": limit}
        else:
            message = _("The host's camera is off right now.")
        await self.send({"type": "rtc_unavailable", "reason": status, "message": message})

    async def answer(self, *, sdp: str) -> None:
        self.check_rate("signal", SIGNAL_RATE)
        check_sdp(sdp)
        publisher = await self._publisher_channel()
        await self.to_channel(publisher, {"type": "rtc_answer", "peer": self.peer, "sdp": sdp})

    async def ice(self, *, candidate: dict[str, Any], peer: str | None) -> None:
        self.check_rate("signal", SIGNAL_RATE)
        candidate = check_candidate(candidate)
        if peer is not None:
            viewer = await self._viewer_channel(peer)
            await self.to_channel(viewer, {"type": "rtc_ice", "candidate": candidate})
            return
        publisher = await self._publisher_channel()
        await self.to_channel(publisher, {"type": "rtc_ice", "peer": self.peer, "candidate": candidate})

    async def _publisher_channel(self) -> str:
        """The publisher's channel, while this socket still holds its video slot."""
        if self.peer is None:
            raise errors.NotWatching()
        pipe = presence.redis_async().pipeline(transaction=False)
        pipe.get(self._publisher_key)
        pipe.hget(self._peers_key, self.peer)
        publisher, viewer = (_text(value) for value in await pipe.execute())
        if publisher is None or viewer != self.channel_name:
            raise errors.NotWatching()
        return publisher

    # Both.

    async def deliver(self, payload: dict[str, Any]) -> None:
        if payload.get("type") == "rtc_unavailable" and payload.get("reason") == "replaced":
            self.is_publishing = False
        await self.send(payload)

    async def leave(self) -> None:
        if self.is_publishing:
            await self._stop_publishing()
        if self.peer is not None:
            peer, self.peer = self.peer, None
            publisher = _text(
                await self._run(
                    _VIEWER_LEAVE, [self._publisher_key, self._peers_key], [peer, self.channel_name]
                )
            )
            if publisher:
                await self.to_channel(publisher, {"type": "rtc_leave", "peer": peer})


def encode_ice_servers() -> str:
    """The ICE servers as JSON for a data attribute (the template escapes it)."""
    return json.dumps(ice_servers())
