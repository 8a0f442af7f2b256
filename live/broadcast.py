"""Telling a live room what changed, from synchronous code (views, services, Celery jobs).

The room's groups on the channel layer:
- `live.<id>`: the whole room (viewers, anonymous or not, and the host console). Its members are
  one channel per daphne process with sockets in the room, which hands each push to them
  (live/local_room.py).
- `live.<id>.mods`: the sockets of the owner, the host and the chat moderators.
- `live.user.<user id>`: all sockets of one user, in any room.

A push is a courtesy, never the record: everything it says is in PostgreSQL first, and a client
that missed it (Redis restarting, a reconnect) reads the same from the `state` event it gets on
connecting (live/state.py). So a push is sent only after the transaction that wrote the change
commits, and a channel layer that is down is logged, not raised: no order, payment or stock
change may fail because a message could not be delivered.
"""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def room_group(session_id: int) -> str:
    return f"live.{session_id}"


def mods_group(session_id: int) -> str:
    return f"live.{session_id}.mods"


def user_group(user_id: int) -> str:
    return f"live.user.{user_id}"


def room_message(payload: dict) -> dict:
    """The channel-layer message for `payload`, encoded once here rather than by each of the
    thousand sockets it reaches (LiveRoomConsumer.room_event sends the text as it is)."""
    return {"type": "room.event", "text": json.dumps(payload, ensure_ascii=False)}


def _send_now(group: str, payload: dict) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(group, room_message(payload))
    except Exception:
        logger.warning("live push to %s failed (%s)", group, payload.get("type"), exc_info=True)


def push(group: str, payload: dict) -> None:
    """Send `payload` to `group` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _send_now(group, payload))


def room_push(session_id: int, payload: dict) -> None:
    push(room_group(session_id), payload)


def mods_push(session_id: int, payload: dict) -> None:
    push(mods_group(session_id), payload)


def user_push(user_id: int, payload: dict) -> None:
    push(user_group(user_id), payload)
