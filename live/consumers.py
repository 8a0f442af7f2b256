"""The live room's WebSocket: /ws/live/<session_id>/ (the rules: live/chat.py, live/moderation.py,
live/policy.py).

Thin on purpose: parse the frame, call one function of live.chat or live.moderation (through
database_sync_to_async), relay the result to the right group once it is committed.

Groups: `live.<id>.mods` (owner, host and moderators, who hear about held messages) and
`live.user.<user id>` (all of one user's sockets, to close them on a ban or tell them about a
mute). What goes to the whole room (`live.<id>`) reaches the socket through its process's
live.local_room, one channel-layer subscription for all the room's sockets there.

Inbound events: see live.protocol.EVENT_SCHEMAS. Outbound: history, state, chat, held, removed,
answered, highlight, slow_mode, greeting, stats, notice, moderated, error; the pushes of
live/broadcast.py (pinned, deal, deal_ended, purchase, order, item, item_yours, session,
revenue); and the video signalling of live/video.py (rtc_*).
"""

import json
import logging
from datetime import datetime
from importlib import import_module
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from live import chat, errors, moderation, policy, presence, protocol, rate_limits, room_access, video
from live.broadcast import mods_group, room_group, room_message, user_group
from live.local_room import room_join, room_leave
from live.models import LiveSession
from live.policy import Action
from live.state import room_state
from marketplace.models import User
from marketplace.parsing import parse_id
from marketplace.wsserver_send import prepared_sender

logger = logging.getLogger(__name__)

# Tells the client not to reconnect (4000–4999 are the application's own close codes).
CLOSE_BANNED = 4003


RECHECK_LOGIN = frozenset({"rtc_publish"})


def still_logged_in(session_key: str | None, user_id: int) -> bool:
    """The login this socket opened with still holds: its session exists, is this user's, and
    the user is active with the password the session was made with (a password change or a
    logout anywhere ends it). Read again for each message: a socket outlives its login."""
    if not session_key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if session.get(SESSION_KEY) != str(user_id):
        return False
    user = User.objects.filter(pk=user_id, is_active=True).only("password").first()
    return user is not None and constant_time_compare(
        session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()
    )


def _last_id_from_query(scope) -> int | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("last_id")
    return parse_id(values[0]) if values else None


class LiveRoomConsumer(AsyncWebsocketConsumer):
    room: room_access.Room | None = None
    groups_joined: list[str]
    # Room pushes that came while connect() read the room: sent after it, in order (not None only
    # then). The room's pushes reach this socket through live.local_room, not a group of its own.
    held_pushes: list[str] | None = None
    # Sends a room push framed once for all sockets, when daphne serves this one (live.local_room).
    send_prepared = None
    # A close was sent: before the accept, it refused the handshake, which no accept may follow.
    closing = False

    async def connect(self):
        self.groups_joined = []
        user = self.scope["user"]
        try:
            self.room = await database_sync_to_async(room_access.room_open)(
                session_id=int(self.scope["url_route"]["kwargs"]["session_id"]), user=user
            )
        except LiveSession.DoesNotExist:
            await self.close()  # before accept: the handshake is refused
            return
        if self.room.is_banned:
            await self.accept()
            await self._send_error(errors.UserBanned())
            await self.close(code=CLOSE_BANNED)
            return
        try:
            opening = await self._join()
        except Exception:
            # Redis or PostgreSQL failed on the way in: refused, so the client tries again with
            # backoff, rather than accepted and then dropped with 1011.
            logger.warning("live room socket refused: joining the room failed", exc_info=True)
            await self._leave()
            if not self.closing:
                await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        if self.closing:
            return  # its room lost the channel layer meanwhile and refused it (live.local_room)
        await self.accept()
        for payload in opening:
            await self._send(payload)
        while self.held_pushes:
            await self.send(text_data=self.held_pushes.pop(0))
        self.held_pushes = None

    async def _join(self) -> list[dict]:
        """Every step of connect that can fail, before the handshake is accepted: the groups, the
        room's subscription, the register of open sockets, the reads of the room. Returns what the
        socket opens with (history, then state); the room's pushes wait in held_pushes."""
        room = self.room
        groups = []
        if room.user_id is not None:
            groups.append(user_group(room.user_id))
        if policy.may(role=room.role, action=Action.WATCH_BACKSTAGE):
            groups.append(mods_group(room.session_id))
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        # Held from the join on, so nothing reaches the socket before its accept and history (the
        # framed-once sender writes to daphne's socket directly).
        self.held_pushes = []
        self.send_prepared = prepared_sender(self.base_send)
        await room_join(session_id=room.session_id, socket=self)

        visitor = f"u:{room.user_id}" if room.user_id is not None else f"c:{self.channel_name}"
        await presence.viewer_join(
            session_id=room.session_id,
            channel_name=self.channel_name,
            visitor=visitor,
            like_count=room.like_count,
            is_audience=room.is_audience,
        )
        history = await self._history(_last_id_from_query(self.scope))
        # Pinned product, deal, item queues: read from PostgreSQL on every (re)connect, so a
        # client that missed pushes (a Redis restart, a dropped socket) shows the truth again.
        state = await database_sync_to_async(room_state)(room.session_id)
        if room.user_id is not None and await presence.greeting_due(
            session_id=room.session_id, user_id=room.user_id
        ):
            # To the room, this socket's copy held with the rest.
            await self._to_room(
                {"type": "greeting", "user_id": room.user_id, "name": self.scope["user"].public_name}
            )
        return [history, state]

    async def disconnect(self, code):
        await self._leave()

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            # When Redis goes away the channel layer's receive raises and the consumer ends
            # without a websocket.disconnect: leave the room all the same (what can be reached).
            await self._leave()

    async def _leave(self):
        """Idempotent, and each step on its own: one failing (Redis down) does not skip the rest."""
        groups, self.groups_joined = getattr(self, "groups_joined", []), []
        steps = [self.channel_layer.group_discard(group, self.channel_name) for group in groups]
        if getattr(self, "rtc", None) is not None:
            steps.append(self.rtc.leave())  # frees a viewer's slot; a publisher's viewers are told
            self.rtc = None
        if self.room is not None:
            steps.append(
                presence.viewer_leave(session_id=self.room.session_id, channel_name=self.channel_name)
            )
            steps.append(room_leave(session_id=self.room.session_id, socket=self))
        for step in steps:
            try:
                await step
            except Exception:
                logger.warning("leaving live room failed at one step", exc_info=True)

    async def dispatch(self, message):
        # Channels (4.2+) runs close_old_connections in a worker thread before every handler: a
        # thread hop for each message a socket is sent, most of daphne's CPU in a full room
        # (docs/benchmarks.md, live_room). Every database call here goes through
        # database_sync_to_async, which closes stale connections in its own thread before and
        # after, so the hop buys nothing.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- Inbound --------------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        try:
            event = protocol.event_from_frame(text_data)
            if event["type"] not in video.ANONYMOUS_EVENTS:
                if self.room.user_id is None:
                    raise errors.LoginRequired()
                # Each message that acts as the user; not each of the video's ICE candidates and
                # offers (dozens a second when viewers join), only the start of a broadcast.
                if event["type"] in RECHECK_LOGIN or not event["type"].startswith("rtc_"):
                    session_key = self.scope["session"].session_key
                    if not await database_sync_to_async(still_logged_in)(session_key, self.room.user_id):
                        raise errors.LoginRequired()
            await getattr(self, f"on_{event['type']}")(event)
        except errors.UserBanned as refusal:
            await self._send_error(refusal)
            await self._close_for_ban()
        except errors.ChatRefused as refusal:
            await self._send_error(refusal)

    async def on_chat(self, event):
        posted = await database_sync_to_async(chat.chat_message_post)(
            room=self.room,
            user=self.scope["user"],
            text=event["text"],
            is_question=event.get("question", False),
        )
        if posted.is_held:
            await self._send(
                {
                    "type": "notice",
                    "code": "held",
                    "message": _(
                        "Your message waits for a moderator: please keep contact details and "
                        "payments inside Lapak."
                    ),
                }
            )
            await self._to_group(
                mods_group(self.room.session_id), {"type": "held", "message": posted.message}
            )
        else:
            await self._to_room({"type": "chat", "message": posted.message})

    async def on_like(self, event):
        if not await presence.like_add(session_id=self.room.session_id, who=str(self.room.user_id)):
            raise errors.RateLimited()

    async def on_catchup(self, event):
        await database_sync_to_async(rate_limits.check_rate)(
            kind="catchup",
            session_id=self.room.session_id,
            who=str(self.room.user_id),
            rate=rate_limits.CATCH_UP_RATE,
        )
        await self._send_history(event.get("last_id"))

    async def on_delete(self, event):
        message_id = await database_sync_to_async(moderation.chat_message_delete)(
            room=self.room, message_id=event["message_id"]
        )
        await self._to_room({"type": "removed", "id": message_id})

    async def on_release(self, event):
        message = await database_sync_to_async(moderation.chat_message_release)(
            room=self.room, message_id=event["message_id"]
        )
        await self._to_room({"type": "chat", "message": message})

    async def on_answer(self, event):
        message_id = await database_sync_to_async(moderation.chat_question_answer)(
            room=self.room, message_id=event["message_id"]
        )
        await self._to_room({"type": "answered", "id": message_id})

    async def on_highlight(self, event):
        message = await database_sync_to_async(moderation.chat_question_highlight)(
            room=self.room, message_id=event["message_id"]
        )
        await self._to_room({"type": "highlight", "message": message})

    async def on_mute(self, event):
        mute = await database_sync_to_async(moderation.chat_user_mute)(
            room=self.room, user_id=event["user_id"], minutes=event["minutes"], reason=event.get("reason", "")
        )
        await self.channel_layer.group_send(
            user_group(mute.user_id),
            {"type": "user.muted", "session_id": self.room.session_id, "until": mute.expires_at.isoformat()},
        )
        await self._send({"type": "moderated", "action": "mute", "user_id": mute.user_id})

    async def on_ban(self, event):
        ban = await database_sync_to_async(moderation.chat_user_ban)(
            room=self.room, user_id=event["user_id"], reason=event.get("reason", "")
        )
        await self.channel_layer.group_send(
            user_group(ban.user_id), {"type": "user.banned", "shop_id": self.room.shop_id}
        )
        await self._send({"type": "moderated", "action": "ban", "user_id": ban.user_id})

    async def on_slow_mode(self, event):
        seconds = await database_sync_to_async(moderation.chat_slow_mode_set)(
            room=self.room, seconds=event["seconds"]
        )
        await self._to_room({"type": "slow_mode", "seconds": seconds})

    # --- Video signalling (live/video.py) -------------------------------------------------------
    # Inbound rtc_* events and the `rtc.signal` messages one socket addresses to another go to
    # this socket's VideoSignalling (settings.LIVE_VIDEO_BACKEND), made on first use.

    rtc: video.VideoSignalling | None = None

    def _rtc(self) -> video.VideoSignalling:
        if self.rtc is None:
            self.rtc = video.signalling_for(
                room=self.room,
                channel_name=self.channel_name,
                channel_layer=self.channel_layer,
                send=self._send,
            )
        return self.rtc

    async def on_rtc_publish(self, event):
        await self._rtc().publish()

    async def on_rtc_unpublish(self, event):
        await self._rtc().unpublish()

    async def on_rtc_watch(self, event):
        await self._rtc().watch()

    async def on_rtc_offer(self, event):
        await self._rtc().offer(peer=event["peer"], sdp=event["sdp"])

    async def on_rtc_answer(self, event):
        await self._rtc().answer(sdp=event["sdp"])

    async def on_rtc_ice(self, event):
        await self._rtc().ice(candidate=event["candidate"], peer=event.get("peer"))

    async def rtc_signal(self, event):
        await self._rtc().deliver(event["payload"])

    # --- End of video signalling ----------------------------------------------------------------

    # --- From the channel layer -----------------------------------------------------------------

    async def room_event(self, event):
        await self.room_push(event["text"])

    async def room_push(self, text: str, prepared=None):
        """A push to the whole room (live.local_room): `text` encoded once by
        broadcast.room_message and, under daphne, `prepared` framed once for every socket."""
        if self.held_pushes is not None:
            self.held_pushes.append(text)
        elif prepared is not None and self.send_prepared is not None:
            self.send_prepared(prepared)
        else:
            await self.send(text_data=text)

    async def user_banned(self, event):
        if self.room is not None and event["shop_id"] == self.room.shop_id:
            await self._send_error(errors.UserBanned())
            await self._close_for_ban()

    async def user_muted(self, event):
        if self.room is not None and event["session_id"] == self.room.session_id:
            await self._send_error(errors.UserMuted(datetime.fromisoformat(event["until"])))

    # --- Helpers --------------------------------------------------------------------------------

    async def close(self, code=None, reason=None):
        self.closing = True
        await super().close(code=code, reason=reason)

    async def _close_for_ban(self):
        await self._close_and_leave(CLOSE_BANNED)

    async def _close_and_leave(self, code: int):
        """Every close the server decides on after the handshake: the close frame goes first, so
        nothing the leaving waits on (Redis, the room's tasks) can hold it up."""
        await self.close(code=code)
        await self._leave()

    async def _send_history(self, last_id: int | None):
        await self._send(await self._history(last_id))

    async def _history(self, last_id: int | None) -> dict:
        caught = await database_sync_to_async(chat.chat_catch_up)(room=self.room, last_id=last_id)
        return {"type": "history", "messages": caught.messages, "complete": caught.is_complete}

    async def _send(self, payload: dict):
        await self.send(text_data=json.dumps(payload, ensure_ascii=False))

    async def _send_error(self, refusal: errors.ChatRefused):
        await self._send({"type": "error", "code": refusal.code, "message": refusal.message})

    async def _to_room(self, payload: dict):
        await self._to_group(room_group(self.room.session_id), payload)

    async def _to_group(self, group: str, payload: dict):
        await self.channel_layer.group_send(group, room_message(payload))
