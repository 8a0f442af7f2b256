"""Posting in a live room's chat and reading it back, apart from any socket.

The room's consumer (live/consumers.py) decodes frames (live/protocol.py), calls these functions
and those of live/moderation.py, and relays what they return; everything runs (and is tested)
without a WebSocket.

Order of the checks for a message: login, length (live/chat_rules.py), rate limit (Redis, so it
holds across daphne processes: live/rate_limits.py), then one query for the session's state, the
ban and the mute, then slow mode (Redis), then content. Content never refuses: a message with a
blocked word or an off-platform contact is saved HELD with its reason for the moderators. What
each role may skip (slow mode, the screening) is live.policy's to say.

Text is stored raw and sent as a JSON string: it is never HTML anywhere (templates escape it,
the client sets `textContent`).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from live import policy, rate_limits
from live.chat_rules import check_text, find_blocked_word, find_off_platform
from live.enums import ChatMessageStatus, HeldReason, LiveStatus
from live.errors import ChatClosed, LoginRequired, UserBanned, UserMuted
from live.models import ChatMessage, LiveBan, LiveBlockedWord, LiveMute, LiveSession
from live.policy import Action
from live.rate_limits import check_rate, check_slow_mode
from live.room_access import Room

CATCH_UP_LIMIT = 50


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
    check_rate(kind="chat", session_id=room.session_id, who=str(user.pk), rate=rate_limits.CHAT_RATE)
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
    if not policy.may(role=room.role, action=Action.SKIP_SLOW_MODE):
        check_slow_mode(session_id=room.session_id, user_id=user.pk, seconds=state["slow_mode_seconds"])

    words = list(LiveBlockedWord.objects.filter(shop_id=state["shop_id"]).values_list("word", flat=True))
    reason = HeldReason.BLOCKED_WORD if find_blocked_word(text, words) else find_off_platform(text)
    if reason and policy.may(role=room.role, action=Action.POST_UNSCREENED):
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
    if policy.may(role=room.role, action=Action.WATCH_BACKSTAGE):
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
