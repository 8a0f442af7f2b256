"""The rules of a live room's chat, apart from any socket.

The room's consumer (live/consumers.py) only parses frames, calls these functions and relays what
they return; everything here runs (and is tested) without a WebSocket.

- `event_from_frame` decodes an inbound frame (size and nesting bounded, text cleaned) and
  `parse_event` checks its shape against `EVENT_SCHEMAS` before anything else.
- `check_*` functions refuse by raising one `ChatRefused` subclass per rule; its `code` and
  translated `message` become the client's `{"type": "error"}` event.
- `chat_message_post`, `chat_message_*` and `chat_user_*` write, each in one transaction, and
  return what the consumer broadcasts after the commit.

Order of the checks for a message: shape, login, length, rate limit (Redis, so it holds across
daphne processes), then one query for the session's state, the ban and the mute, then slow mode
(Redis), then content. Content never refuses: a message with a blocked word or an off-platform
contact (phone, WhatsApp, bank account, e-mail, social handle, link: marketplace.contact_detection)
is saved HELD with its reason for the moderators.

Text is stored raw and sent as a JSON string: it is never HTML anywhere (templates escape it,
the client sets `textContent`).
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import BooleanField, Case, Exists, Max, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from live.enums import ChatMessageStatus, HeldReason, LiveStatus
from live.models import (
    MAX_SLOW_MODE_SECONDS,
    ChatMessage,
    LiveBan,
    LiveBlockedWord,
    LiveModerator,
    LiveMute,
    LiveSession,
)
from marketplace.contact_detection import find_contact
from marketplace.models import User
from marketplace.parsing import json_is_deeper_than, parse_json, text_clean
from marketplace.permissions import MODERATE_PRODUCT
from shops.enums import MemberRole
from shops.models import ShopMember

MAX_MESSAGE_LENGTH = 200
# What one inbound frame may weigh (characters), checked before JSON parsing: a video offer's
# 16 KiB SDP (live/video.py) JSON-escaped, its \r\n line ends doubled. Below daphne's
# --websocket-max-message-size (Procfile). Chat text has its own, much smaller limit.
MAX_FRAME_CHARS = 24 * 1024
# How deep one frame's JSON may nest: an event is an object, an ICE candidate one more.
MAX_FRAME_DEPTH = 4
CATCH_UP_LIMIT = 50
MAX_MUTE_MINUTES = 24 * 60
MAX_REASON_LENGTH = 200

# (events, seconds): per user per room, counted in Redis.
CHAT_RATE = (5, 10)
CATCH_UP_RATE = (5, 10)


class Role:
    ANONYMOUS = "anonymous"
    VIEWER = "viewer"
    MODERATOR = "moderator"
    HOST = "host"
    OWNER = "owner"


MODERATING_ROLES = frozenset({Role.MODERATOR, Role.HOST, Role.OWNER})
# Nobody mutes or bans these; moderators do not act on each other either.
PROTECTED_ROLES = frozenset({Role.HOST, Role.OWNER})


# --- Refusals -----------------------------------------------------------------------------------


class ChatRefused(Exception):
    code = "invalid"

    def __init__(self, message: str = ""):
        self.message = message or _("This request is not valid.")
        super().__init__(self.message)


class EventInvalid(ChatRefused):
    code = "invalid"


class FrameTooLarge(ChatRefused):
    code = "too_large"

    def __init__(self):
        super().__init__(_("This message is too large."))


class LoginRequired(ChatRefused):
    code = "login_required"

    def __init__(self):
        super().__init__(_("Log in to take part in the chat."))


class ChatClosed(ChatRefused):
    code = "chat_closed"

    def __init__(self):
        super().__init__(_("The chat is open only while the session is live."))


class MessageEmpty(ChatRefused):
    code = "empty"

    def __init__(self):
        super().__init__(_("Write a message first."))


class MessageTooLong(ChatRefused):
    code = "too_long"

    def __init__(self):
        super().__init__(
            _("A message may have at most %(limit)d characters.") % {"limit": MAX_MESSAGE_LENGTH}
        )


class RateLimited(ChatRefused):
    code = "rate_limited"

    def __init__(self):
        super().__init__(_("You are sending too fast. Wait a moment."))


class SlowModeActive(ChatRefused):
    code = "slow_mode"

    def __init__(self, wait_seconds: int):
        self.wait_seconds = wait_seconds
        super().__init__(
            _("Slow mode is on: you can send again in %(seconds)d seconds.") % {"seconds": wait_seconds}
        )


class UserMuted(ChatRefused):
    code = "muted"

    def __init__(self, until):
        self.until = until
        super().__init__(
            _("You are muted in this live until %(time)s.")
            % {"time": timezone.localtime(until).strftime("%H:%M")}
        )


class UserBanned(ChatRefused):
    code = "banned"

    def __init__(self):
        super().__init__(_("You have been banned from this shop's live sessions."))


class ModerationNotAllowed(ChatRefused):
    code = "forbidden"

    def __init__(self):
        super().__init__(_("Only the shop's owner, the host and its chat moderators may do this."))


class TargetProtected(ChatRefused):
    code = "protected"

    def __init__(self):
        super().__init__(_("You cannot mute or ban this person."))


class MessageProtected(ChatRefused):
    code = "protected"

    def __init__(self):
        super().__init__(_("You cannot delete this person's messages."))


class MessageNotFound(ChatRefused):
    code = "not_found"

    def __init__(self):
        super().__init__(_("This message is no longer available."))


class UserNotFound(ChatRefused):
    code = "not_found"

    def __init__(self):
        super().__init__(_("This person was not found."))


# --- Inbound shape ------------------------------------------------------------------------------

# {event type: {field: (python type, required)}}; nothing else is accepted.
EVENT_SCHEMAS: dict[str, dict[str, tuple[type, bool]]] = {
    "chat": {"text": (str, True), "question": (bool, False)},
    "like": {},
    "catchup": {"last_id": (int, False)},
    "delete": {"message_id": (int, True)},
    "release": {"message_id": (int, True)},
    "answer": {"message_id": (int, True)},
    "highlight": {"message_id": (int, True)},
    "mute": {"user_id": (int, True), "minutes": (int, True), "reason": (str, False)},
    "ban": {"user_id": (int, True), "reason": (str, False)},
    "slow_mode": {"seconds": (int, True)},
    # Video signalling (live/video.py checks sizes, roles and peers).
    "rtc_publish": {},
    "rtc_unpublish": {},
    "rtc_watch": {},
    "rtc_offer": {"peer": (str, True), "sdp": (str, True)},
    "rtc_answer": {"sdp": (str, True)},
    "rtc_ice": {"candidate": (dict, True), "peer": (str, False)},
}
MODERATION_EVENTS = frozenset({"delete", "release", "answer", "highlight", "mute", "ban", "slow_mode"})


def check_frame_size(text: str) -> None:
    if len(text) > MAX_FRAME_CHARS:
        raise FrameTooLarge()


def check_frame_depth(text: str) -> None:
    """Refuses JSON nested deeper than MAX_FRAME_DEPTH before json.loads sees it: a frame of
    "[[[[…" recurses once per bracket (a RecursionError, which closed the socket with 1011)."""
    if json_is_deeper_than(text, MAX_FRAME_DEPTH):
        raise EventInvalid()


def _clean_strings(value: Any) -> Any:
    """Every string of a decoded frame, keys too, through text_clean (depth already bounded)."""
    if isinstance(value, str):
        return text_clean(value)
    if isinstance(value, dict):
        return {text_clean(key): _clean_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean_strings(item) for item in value]
    return value


def event_from_frame(text: str | None) -> dict[str, Any]:
    """The event an inbound text frame carries, or a ChatRefused (never another exception): its
    size and nesting bounded before decoding, its text made storable (lone surrogates become
    U+FFFD, NUL and other control characters go: marketplace.parsing.text_clean), then its shape
    checked against EVENT_SCHEMAS."""
    if text is None:  # a binary frame
        raise EventInvalid()
    check_frame_size(text)
    check_frame_depth(text)
    try:
        data = parse_json(text, max_depth=MAX_FRAME_DEPTH)
    except ValueError:  # JSONDecodeError, and integers of more than 4300 digits
        raise EventInvalid() from None
    return parse_event(_clean_strings(data))


def parse_event(data: Any) -> dict[str, Any]:
    """The event if it matches its schema exactly (known type, known fields, right types)."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise EventInvalid()
    schema = EVENT_SCHEMAS.get(data["type"])
    if schema is None or set(data) - {"type"} - set(schema):
        raise EventInvalid()
    for name, (kind, required) in schema.items():
        if name not in data:
            if required:
                raise EventInvalid()
            continue
        value = data[name]
        # bool is an int in Python; an id or a number of minutes must not be `true`.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise EventInvalid()
        if kind is int and not 0 <= value <= 2**31:
            raise EventInvalid()
    return data


# --- Content ------------------------------------------------------------------------------------


def find_off_platform(text: str) -> str | None:
    """The HeldReason when the text offers a way to deal outside Lapak, else None (the one
    detector, marketplace.contact_detection, decides; its kinds are HeldReason values)."""
    kind = find_contact(text)
    return HeldReason(kind.value) if kind else None


def find_blocked_word(text: str, words: list[str]) -> str | None:
    """The first blocked word or phrase found as a whole word (case-insensitive)."""
    lowered = text.lower()
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered):
            return word
    return None


def check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise MessageEmpty()
    if len(text) > MAX_MESSAGE_LENGTH:
        raise MessageTooLong()
    return text


# --- Redis: limits that hold across processes --------------------------------------------------


@cache
def _redis_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def redis_client() -> redis.Redis:
    return _redis_for(settings.REDIS_URL)


def check_rate(*, kind: str, session_id: int, who: str, rate: tuple[int, int]) -> None:
    """A fixed window of `rate[1]` seconds allowing `rate[0]` events, per `who` per room."""
    limit, window = rate
    now = int(timezone.now().timestamp())
    key = f"live:rate:{kind}:{session_id}:{who}:{now // window}"
    pipe = redis_client().pipeline()
    pipe.incr(key)
    pipe.expire(key, window + 1)
    count, _expiry_set = pipe.execute()
    if count > limit:
        raise RateLimited()


def check_slow_mode(*, session_id: int, user_id: int, seconds: int) -> None:
    """Claims this user's slot for `seconds`; refuses while the previous claim lasts."""
    if seconds <= 0:
        return
    client = redis_client()
    key = f"live:slow:{session_id}:{user_id}"
    if not client.set(key, 1, nx=True, ex=seconds):
        raise SlowModeActive(max(int(client.ttl(key)), 1))


def slow_mode_reset(*, session_id: int) -> None:
    """Changing slow mode starts everyone afresh (a shorter wait applies at once)."""
    client = redis_client()
    keys = list(client.scan_iter(match=f"live:slow:{session_id}:*", count=500))
    if keys:
        client.delete(*keys)


# --- Who is who ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    """What a consumer keeps about its session and its viewer (read once at connect)."""

    session_id: int
    shop_id: int
    host_id: int
    user_id: int | None
    status: str
    like_count: int
    role: str
    is_banned: bool

    @property
    def is_audience(self) -> bool:
        """Counted among the live's viewers (live.presence): shoppers, logged in or not. Not the
        shop's owner, its live hosts, nor the room's moderators (the shop's named ones, each a
        member of the shop, and platform staff): they run the room, mostly from the console,
        whose socket is in the room too."""
        return self.role not in MODERATING_ROLES


def platform_staff() -> Q:
    """marketplace.permissions.is_platform_staff as a condition on users, so a query can ask it of
    any user (or all of them) at once: active, and a superuser or holding the permission, directly
    or through a group. (Not `is_staff`: every seller has that, to log into the Seller Center.)"""
    app_label, codename = MODERATE_PRODUCT.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    direct = User.user_permissions.through.objects.filter(user_id=OuterRef("pk"), permission__in=permission)
    by_group = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__permissions__in=permission)
    return Q(is_active=True) & (Q(is_superuser=True) | Q(Exists(direct)) | Q(Exists(by_group)))


def role_of(*, session: LiveSession, user_id: int | None) -> str:
    """One query. The shop's owner and live hosts first; then its named chat moderators and
    platform staff, who moderate every room (and, being moderators, cannot act on each other)."""
    if user_id is None:
        return Role.ANONYMOUS
    if user_id == session.host_id:
        return Role.HOST
    who = (
        User.objects.filter(pk=user_id)
        .annotate(
            member_role=Subquery(
                ShopMember.objects.filter(shop_id=session.shop_id, user_id=OuterRef("pk")).values("role")[:1]
            ),
            is_moderator=Exists(
                LiveModerator.objects.filter(member__shop_id=session.shop_id, member__user_id=OuterRef("pk"))
            ),
            is_platform_staff=Case(
                When(platform_staff(), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .values("member_role", "is_moderator", "is_platform_staff")
        .first()
    )
    if who is None:
        return Role.VIEWER
    if who["member_role"] == MemberRole.OWNER:
        return Role.OWNER
    if who["member_role"] == MemberRole.HOST:
        # Any of the shop's live hosts may run the console of a colleague's session, so they
        # moderate (and are protected) like the session's own host.
        return Role.HOST
    return Role.MODERATOR if who["is_moderator"] or who["is_platform_staff"] else Role.VIEWER


def room_open(*, session_id: int, user) -> Room:
    """The room as this viewer may see it. Raises LiveSession.DoesNotExist for sessions shoppers
    may not see (unknown, cancelled, suspended shop): the consumer refuses the connection."""
    from live.selectors import session_get_visible

    session = session_get_visible(session_id=session_id)
    user_id = user.pk if user.is_authenticated else None
    is_banned = (
        user_id is not None and LiveBan.objects.filter(shop_id=session.shop_id, user_id=user_id).exists()
    )
    return Room(
        session_id=session.pk,
        shop_id=session.shop_id,
        host_id=session.host_id,
        user_id=user_id,
        status=session.status,
        like_count=session.like_count,
        role=role_of(session=session, user_id=user_id),
        is_banned=is_banned,
    )


# --- Messages -----------------------------------------------------------------------------------


def message_payload(message: ChatMessage) -> dict[str, Any]:
    """A message as the client receives it. `name` and `text` are plain strings, never HTML."""
    payload = {
        "id": message.pk,
        "user_id": message.user_id,
        "name": message.user.public_name if message.user else _("(account deleted)"),
        "text": message.text,
        "question": message.is_question,
        "answered": message.answered_at is not None,
        "created_at": message.created_at.isoformat(),
    }
    if message.status == ChatMessageStatus.HELD:
        payload["held_reason"] = message.held_reason
    return payload


@dataclass(frozen=True)
class Posted:
    message: dict[str, Any]
    is_held: bool


def chat_message_post(*, room: Room, user, text: str, is_question: bool = False) -> Posted:
    """Saves one chat line after every check, VISIBLE or HELD (with its reason).

    Refusals raise before anything is written. The session's state, the ban and the mute are read
    in one query at post time (not from `room`), so a mute or an end of the live applies at once.
    """
    if not user.is_authenticated:
        raise LoginRequired()
    text = check_text(text)
    check_rate(kind="chat", session_id=room.session_id, who=str(user.pk), rate=CHAT_RATE)
    now = timezone.now()
    state = (
        LiveSession.objects.filter(pk=room.session_id)
        .annotate(
            is_banned=Exists(LiveBan.objects.filter(shop_id=OuterRef("shop_id"), user_id=user.pk)),
            muted_until=LiveMute.objects.filter(
                session_id=OuterRef("pk"), user_id=user.pk, expires_at__gt=now
            )
            .values("session_id")
            .annotate(until=Max("expires_at"))
            .values("until"),
        )
        .values("status", "slow_mode_seconds", "shop_id", "is_banned", "muted_until")
        .get()
    )
    if state["is_banned"]:
        raise UserBanned()
    if state["status"] != LiveStatus.LIVE:
        raise ChatClosed()
    if state["muted_until"] is not None:
        raise UserMuted(state["muted_until"])
    if room.role not in MODERATING_ROLES:
        check_slow_mode(session_id=room.session_id, user_id=user.pk, seconds=state["slow_mode_seconds"])

    words = list(LiveBlockedWord.objects.filter(shop_id=state["shop_id"]).values_list("word", flat=True))
    reason = HeldReason.BLOCKED_WORD if find_blocked_word(text, words) else find_off_platform(text)
    if reason and room.role in MODERATING_ROLES:
        # The shop's own people may post their contact details and their words in their room.
        reason = None
    message = ChatMessage.objects.create(
        session_id=room.session_id,
        user=user,
        text=text,
        is_question=is_question,
        status=ChatMessageStatus.HELD if reason else ChatMessageStatus.VISIBLE,
        held_reason=reason or "",
    )
    return Posted(message=message_payload(message), is_held=bool(reason))


@dataclass(frozen=True)
class CatchUp:
    messages: list[dict[str, Any]]
    # False when more than CATCH_UP_LIMIT were missed: the client shows a gap.
    is_complete: bool


def chat_catch_up(*, room: Room, last_id: int | None) -> CatchUp:
    """The visible messages after `last_id` (the last CATCH_UP_LIMIT of them), oldest first.
    Moderators also get the held ones, to review. One query."""
    statuses = [ChatMessageStatus.VISIBLE]
    if room.role in MODERATING_ROLES:
        statuses.append(ChatMessageStatus.HELD)
    messages = ChatMessage.objects.filter(session_id=room.session_id, status__in=statuses)
    if last_id:
        messages = messages.filter(pk__gt=last_id)
    found = list(messages.select_related("user").order_by("-pk")[: CATCH_UP_LIMIT + 1])
    return CatchUp(
        messages=[message_payload(message) for message in reversed(found[:CATCH_UP_LIMIT])],
        is_complete=len(found) <= CATCH_UP_LIMIT,
    )


def chat_messages_recent(*, session_id: int, limit: int = CATCH_UP_LIMIT) -> list[ChatMessage]:
    """The last visible messages, oldest first, for the server-rendered room page."""
    found = (
        ChatMessage.objects.filter(session_id=session_id, status=ChatMessageStatus.VISIBLE)
        .select_related("user")
        .order_by("-pk")[:limit]
    )
    return list(reversed(found))


# --- Moderation ---------------------------------------------------------------------------------


def check_moderator(*, room: Room) -> None:
    """The role is read again at each action: a moderator removed mid-live loses it at once."""
    if room.role not in MODERATING_ROLES:
        raise ModerationNotAllowed()
    session = LiveSession.objects.only("shop_id", "host_id").get(pk=room.session_id)
    if role_of(session=session, user_id=room.user_id) not in MODERATING_ROLES:
        raise ModerationNotAllowed()


def _message_in_room(*, room: Room, message_id: int, statuses) -> ChatMessage:
    try:
        return (
            ChatMessage.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=message_id, session_id=room.session_id, status__in=statuses)
        )
    except ChatMessage.DoesNotExist:
        raise MessageNotFound() from None


def _target(*, room: Room, user_id: int) -> User:
    if user_id == room.user_id:
        raise TargetProtected()
    try:
        target = User.objects.get(pk=user_id)
    except User.DoesNotExist:
        raise UserNotFound() from None
    session = LiveSession.objects.only("shop_id", "host_id").get(pk=room.session_id)
    target_role = role_of(session=session, user_id=target.pk)
    if target_role in PROTECTED_ROLES:
        raise TargetProtected()
    # Moderators cannot act on each other, and a shop cannot silence the platform's staff
    # moderating its room; the owner and host may still mute the moderators they named.
    if target_role == Role.MODERATOR and (
        room.role == Role.MODERATOR or User.objects.filter(platform_staff(), pk=target.pk).exists()
    ):
        raise TargetProtected()
    return target


@transaction.atomic
def chat_message_delete(*, room: Room, message_id: int) -> int:
    """Hides a visible or held message for good; returns its id for the 'removed' broadcast.
    One's own messages, and those of whoever one may mute: a moderator cannot silence the host,
    the owner or another moderator by deleting what they say."""
    check_moderator(room=room)
    message = _message_in_room(
        room=room, message_id=message_id, statuses=[ChatMessageStatus.VISIBLE, ChatMessageStatus.HELD]
    )
    if message.user_id is not None and message.user_id != room.user_id:
        try:
            _target(room=room, user_id=message.user_id)
        except TargetProtected:
            raise MessageProtected() from None
    message.status = ChatMessageStatus.DELETED
    message.moderated_by_id = room.user_id
    message.moderated_at = timezone.now()
    message.save(update_fields=["status", "moderated_by", "moderated_at"])
    return message.pk


@transaction.atomic
def chat_message_release(*, room: Room, message_id: int) -> dict[str, Any]:
    """A held message a moderator found harmless joins the chat (its reason stays, as history)."""
    check_moderator(room=room)
    message = _message_in_room(room=room, message_id=message_id, statuses=[ChatMessageStatus.HELD])
    message.status = ChatMessageStatus.VISIBLE
    message.moderated_by_id = room.user_id
    message.moderated_at = timezone.now()
    message.save(update_fields=["status", "moderated_by", "moderated_at"])
    return message_payload(message)


@transaction.atomic
def chat_question_answer(*, room: Room, message_id: int) -> int:
    check_moderator(room=room)
    message = _message_in_room(room=room, message_id=message_id, statuses=[ChatMessageStatus.VISIBLE])
    if not message.is_question:
        raise MessageNotFound()
    if message.answered_at is None:
        message.answered_at = timezone.now()
        message.save(update_fields=["answered_at"])
    return message.pk


def chat_question_highlight(*, room: Room, message_id: int) -> dict[str, Any]:
    """Highlighting is a moment on screen, not state: nothing is written."""
    check_moderator(room=room)
    try:
        message = ChatMessage.objects.select_related("user").get(
            pk=message_id, session_id=room.session_id, status=ChatMessageStatus.VISIBLE
        )
    except ChatMessage.DoesNotExist:
        raise MessageNotFound() from None
    return message_payload(message)


@transaction.atomic
def chat_user_mute(*, room: Room, user_id: int, minutes: int, reason: str = "") -> LiveMute:
    check_moderator(room=room)
    if not 1 <= minutes <= MAX_MUTE_MINUTES or len(reason) > MAX_REASON_LENGTH:
        raise EventInvalid()
    target = _target(room=room, user_id=user_id)
    return LiveMute.objects.create(
        session_id=room.session_id,
        user=target,
        muted_by_id=room.user_id,
        reason=reason,
        expires_at=timezone.now() + timedelta(minutes=minutes),
    )


@transaction.atomic
def chat_user_ban(*, room: Room, user_id: int, reason: str = "") -> LiveBan:
    """Bars the user from every live of the shop (idempotent). The consumer then closes the
    user's open sockets through their per-user group."""
    check_moderator(room=room)
    if len(reason) > MAX_REASON_LENGTH:
        raise EventInvalid()
    target = _target(room=room, user_id=user_id)
    ban, _created = LiveBan.objects.get_or_create(
        shop_id=room.shop_id, user=target, defaults={"banned_by_id": room.user_id, "reason": reason}
    )
    return ban


@transaction.atomic
def chat_slow_mode_set(*, room: Room, seconds: int) -> int:
    check_moderator(room=room)
    if not 0 <= seconds <= MAX_SLOW_MODE_SECONDS:
        raise EventInvalid()
    LiveSession.objects.filter(pk=room.session_id).update(
        slow_mode_seconds=seconds, updated_at=timezone.now()
    )
    transaction.on_commit(lambda: slow_mode_reset(session_id=room.session_id), robust=True)
    return seconds
