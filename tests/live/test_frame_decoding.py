"""live.protocol.event_from_frame, the room socket's decoding, apart from any socket: whatever text a
frame carries, the answer is an event that fits EVENT_SCHEMAS with storable text, or a ChatRefused
(which the consumer sends as an error event), never another exception."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from live import errors, protocol
from marketplace.parsing import text_clean

_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.characters(max_codepoint=0x1F),
        st.sampled_from('[]{}"\\:,'),
    )
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)
_FIELD_NAMES = sorted({name for schema in protocol.EVENT_SCHEMAS.values() for name in schema})
# Near-valid events: a known type with any of the known fields, of any JSON type.
_EVENT = st.fixed_dictionaries(
    {"type": st.sampled_from(sorted(protocol.EVENT_SCHEMAS))},
    optional=dict.fromkeys(_FIELD_NAMES, _JSON),
)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _decode(frame: str):
    refusal = None
    try:
        event = protocol.event_from_frame(frame)
    except errors.ChatRefused as refused:
        refusal = refused
    if refusal is not None:
        assert refusal.code in ("invalid", "too_large")
        assert refusal.message
        return None
    schema = protocol.EVENT_SCHEMAS[event["type"]]
    assert set(event) - {"type"} <= set(schema)
    for text in _strings(event):
        text.encode("utf-8")  # storable in PostgreSQL and sendable: no lone surrogate
        assert "\x00" not in text
    return event


@settings(max_examples=500)
@given(st.one_of(_TEXT, _JSON.map(json.dumps), _EVENT.map(json.dumps), _EVENT.map(str)))
def test_any_frame_decodes_to_a_valid_event_or_a_refusal(frame):
    _decode(frame)


@settings(max_examples=200)
@given(_TEXT)
def test_chat_text_of_any_characters_decodes_to_storable_text(text):
    event = _decode(json.dumps({"type": "chat", "text": text}))
    assert event is not None
    assert event["text"] == text_clean(text)


@given(st.integers(min_value=protocol.MAX_FRAME_DEPTH + 1, max_value=12_000), st.sampled_from("[{"))
def test_nesting_past_the_bound_is_refused_before_decoding(depth, opener):
    body = "[" * depth + "]" * depth if opener == "[" else '{"a":' * depth + "1" + "}" * depth
    with pytest.raises(errors.EventInvalid):
        protocol.event_from_frame(body[: protocol.MAX_FRAME_CHARS])


@pytest.mark.parametrize(
    "frame",
    [
        # Brackets inside strings are text, however many: escaped quotes do not end the string.
        json.dumps({"type": "chat", "text": '[[[[[[[[{{{{{{{{ \\" ]]]] "[[[['}),
        json.dumps({"type": "rtc_ice", "candidate": {"candidate": "[[[[[[[[[[", "sdpMid": "0"}}),
    ],
)
def test_brackets_inside_strings_do_not_count_as_nesting(frame):
    assert protocol.event_from_frame(frame) == json.loads(frame)


@pytest.mark.parametrize(
    "frame", ['{"type": "slow_mode", "seconds": NaN}', '{"type": "like", "x": Infinity}']
)
def test_nan_and_infinity_are_not_json(frame):
    with pytest.raises(errors.EventInvalid):
        protocol.event_from_frame(frame)


def test_a_binary_frame_is_invalid():
    with pytest.raises(errors.EventInvalid):
        protocol.event_from_frame(None)
