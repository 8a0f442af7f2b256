"""Moderating a live room's chat: delete, release held messages, answer and highlight
questions, mute, ban and slow mode, each in one transaction.

Who may do each, and to whom, is live.policy's to say, asked afresh at every action. Each
function returns what the consumer broadcasts after the commit.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from live import policy
from live.chat import message_payload
from live.enums import ChatMessageStatus
from live.errors import (
    EventInvalid,
    MessageNotFound,
    MessageProtected,
    ModerationNotAllowed,
    TargetProtected,
    UserNotFound,
)
from live.models import MAX_SLOW_MODE_SECONDS, ChatMessage, LiveBan, LiveMute, LiveSession
from live.policy import Action
from live.rate_limits import slow_mode_reset
from live.room_access import Room
from marketplace.models import User

MAX_MUTE_MINUTES = 24 * 60
MAX_REASON_LENGTH = 200


def check_may(*, room: Room, action: Action) -> None:
    """The role is read again at each action: a moderator removed mid-live loses it at once."""
    if not policy.may(role=room.role, action=action):
        raise ModerationNotAllowed()
    session = LiveSession.objects.only("shop_id", "host_id").get(pk=room.session_id)
    if not policy.may(role=policy.room_role(session=session, user_id=room.user_id), action=action):
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


def _target(*, room: Room, user_id: int, action: Action) -> User:
    """The person `action` is done to, if live.policy lets this room's role do it to theirs."""
    if user_id == room.user_id:
        raise TargetProtected()
    try:
        target = User.objects.get(pk=user_id)
    except User.DoesNotExist:
        raise UserNotFound() from None
    session = LiveSession.objects.only("shop_id", "host_id").get(pk=room.session_id)
    target_role = policy.room_role(session=session, user_id=target.pk)
    if not policy.may(role=room.role, action=action, target_role=target_role):
        raise TargetProtected()
    return target


@transaction.atomic
def chat_message_delete(*, room: Room, message_id: int) -> int:
    """Hides a visible or held message for good; returns its id for the 'removed' broadcast.
    One's own messages, and those of whoever one may mute: a moderator cannot silence the host,
    the owner or another moderator by deleting what they say."""
    check_may(room=room, action=Action.DELETE)
    message = _message_in_room(
        room=room, message_id=message_id, statuses=[ChatMessageStatus.VISIBLE, ChatMessageStatus.HELD]
    )
    if message.user_id is not None and message.user_id != room.user_id:
        try:
            _target(room=room, user_id=message.user_id, action=Action.DELETE)
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
    check_may(room=room, action=Action.RELEASE)
    message = _message_in_room(room=room, message_id=message_id, statuses=[ChatMessageStatus.HELD])
    message.status = ChatMessageStatus.VISIBLE
    message.moderated_by_id = room.user_id
    message.moderated_at = timezone.now()
    message.save(update_fields=["status", "moderated_by", "moderated_at"])
    return message_payload(message)


@transaction.atomic
def chat_question_answer(*, room: Room, message_id: int) -> int:
    check_may(room=room, action=Action.ANSWER)
    message = _message_in_room(room=room, message_id=message_id, statuses=[ChatMessageStatus.VISIBLE])
    if not message.is_question:
        raise MessageNotFound()
    if message.answered_at is None:
        message.answered_at = timezone.now()
        message.save(update_fields=["answered_at"])
    return message.pk


def chat_question_highlight(*, room: Room, message_id: int) -> dict[str, Any]:
    """Highlighting is a moment on screen, not state: nothing is written."""
    check_may(room=room, action=Action.HIGHLIGHT)
    try:
        message = ChatMessage.objects.select_related("user").get(
            pk=message_id, session_id=room.session_id, status=ChatMessageStatus.VISIBLE
        )
    except ChatMessage.DoesNotExist:
        raise MessageNotFound() from None
    return message_payload(message)


@transaction.atomic
def chat_user_mute(*, room: Room, user_id: int, minutes: int, reason: str = "") -> LiveMute:
    check_may(room=room, action=Action.MUTE)
    if not 1 <= minutes <= MAX_MUTE_MINUTES or len(reason) > MAX_REASON_LENGTH:
        raise EventInvalid()
    target = _target(room=room, user_id=user_id, action=Action.MUTE)
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
    check_may(room=room, action=Action.BAN)
    if len(reason) > MAX_REASON_LENGTH:
        raise EventInvalid()
    target = _target(room=room, user_id=user_id, action=Action.BAN)
    ban, _created = LiveBan.objects.get_or_create(
        shop_id=room.shop_id, user=target, defaults={"banned_by_id": room.user_id, "reason": reason}
    )
    return ban


@transaction.atomic
def chat_slow_mode_set(*, room: Room, seconds: int) -> int:
    check_may(room=room, action=Action.SLOW_MODE)
    if not 0 <= seconds <= MAX_SLOW_MODE_SECONDS:
        raise EventInvalid()
    LiveSession.objects.filter(pk=room.session_id).update(
        slow_mode_seconds=seconds, updated_at=timezone.now()
    )
    transaction.on_commit(lambda: slow_mode_reset(session_id=room.session_id), robust=True)
    return seconds
