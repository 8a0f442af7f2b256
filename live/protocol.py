"""The room socket's inbound protocol: what a frame may weigh and hold, and the events it may carry.

`event_from_frame` decodes an inbound frame (size and nesting bounded before JSON parsing, every
string through marketplace.parsing.text_clean) and `parse_event` checks its shape against
`EVENT_SCHEMAS` before anything else happens. A refusal is an errors.ChatRefused, never another
exception, so a hostile frame is an `error` event and not a closed socket.
"""

from typing import Any

from live.errors import EventInvalid, FrameTooLarge
from marketplace.parsing import json_is_deeper_than, parse_json, text_clean

# What one inbound frame may weigh (characters), checked before JSON parsing: a video offer's
# 16 KiB SDP (live/video.py) JSON-escaped, its \r\n line ends doubled. Below daphne's
# --websocket-max-message-size (Procfile). Chat text has its own, much smaller limit.
MAX_FRAME_CHARS = 24 * 1024
# How deep one frame's JSON may nest: an event is an object, an ICE candidate one more.
MAX_FRAME_DEPTH = 4


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
