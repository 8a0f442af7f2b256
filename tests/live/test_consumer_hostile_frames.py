"""Frames that used to crash the room's consumer (closed 1011, no error event, the client
reconnecting): JSON nested very deep, half an emoji (a lone UTF-16 surrogate, as JSON.stringify
writes it), a NUL in the text. Each gets an error event or is cleaned and kept, and the socket
stays open: the next message still works. Real consumer, Redis channel layer, PostgreSQL."""

import json

import pytest
from asgiref.sync import async_to_sync
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from live import protocol, rate_limits
from live.enums import ChatMessageStatus, LiveStatus
from live.models import ChatMessage, LiveMute
from shops.enums import MemberRole
from tests.kit.factories import ShopMemberFactory, UserFactory, live_session
from tests.kit.realtime import communicator, drain, receive_type, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("room_channel_layer")]


@pytest.fixture
def room():
    return live_session(status=LiveStatus.LIVE)


@pytest.fixture
def viewer(db):
    return UserFactory(username="pembeli", display_name="Pembeli")


async def _send_then_probe(comm, frame: str) -> dict:
    """Sends `frame` and then a plain message; returns the first event that is an error or a chat
    line (after checking the socket is still there for the probe)."""
    await comm.send_to(text_data=frame)
    return await receive_type_in(comm, {"error", "chat"})


async def receive_type_in(comm, types: set[str], timeout: float = 3) -> dict:
    while True:
        event = await comm.receive_json_from(timeout=timeout)
        if event["type"] in types:
            return event


def _deep(depth: int) -> str:
    return '{"type": "chat", "text": "x", "question": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize(
    "frame",
    [
        "[" * 100_000,  # too large as well as too deep
        "[" * 20_000,
        "{" * 20_000,
        '{"a":' * 4_000 + "1" + "}" * 4_000,
        _deep(3_000),
        '{"type": "rtc_ice", "candidate": ' + '{"a": ' * 2_000 + "1" + "}" * 2_000 + "}",
    ],
)
def test_deeply_nested_json_gets_an_error_and_the_socket_stays_open(room, viewer, frame):
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie)
        await comm.connect()
        await drain(comm)
        refusal = await _send_then_probe(comm, frame)
        await comm.send_json_to({"type": "chat", "text": "masih di sini"})
        still_open = await receive_type(comm, "chat")
        await comm.disconnect()
        return refusal, still_open

    refusal, still_open = async_to_sync(scenario)()
    assert refusal["type"] == "error"
    assert refusal["code"] in ("invalid", "too_large")
    assert still_open["message"]["text"] == "masih di sini"
    assert ChatMessage.objects.count() == 1


def test_half_an_emoji_is_kept_with_a_replacement_character(room, viewer):
    cookie = session_cookie(viewer)
    # What JSON.stringify writes for a string cut inside a surrogate pair.
    frame = '{"type": "chat", "text": "cantik banget \\ud83d"}'

    async def scenario():
        other = communicator(room.pk)
        await other.connect()
        await drain(other)
        sender = communicator(room.pk, cookie)
        await sender.connect()
        await drain(sender)
        await sender.send_to(text_data=frame)
        mine = await receive_type(sender, "chat")
        theirs = await receive_type(other, "chat")
        await sender.send_json_to({"type": "chat", "text": "masih di sini"})
        still_open = await receive_type(sender, "chat")
        await sender.disconnect()
        await other.disconnect()
        return mine, theirs, still_open

    mine, theirs, still_open = async_to_sync(scenario)()
    assert mine["message"]["text"] == theirs["message"]["text"] == "cantik banget \ufffd"
    assert still_open["message"]["text"] == "masih di sini"
    assert list(ChatMessage.objects.order_by("pk").values_list("text", flat=True)) == [
        "cantik banget \ufffd",
        "masih di sini",
    ]


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("ada\x00 ukuran L?", "ada ukuran L?"),
        ("\x00ready\x07 stok?\x1b", "ready stok?"),
        ("dua baris\nbaru", "dua baris\nbaru"),
    ],
)
def test_nul_and_control_characters_are_dropped_and_the_message_kept(room, viewer, text, stored):
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie)
        await comm.connect()
        await drain(comm)
        await comm.send_json_to({"type": "chat", "text": text, "question": True})
        posted = await receive_type(comm, "chat")
        await comm.send_json_to({"type": "chat", "text": "masih di sini"})
        still_open = await receive_type(comm, "chat")
        await comm.disconnect()
        return posted, still_open

    posted, still_open = async_to_sync(scenario)()
    assert posted["message"]["text"] == stored
    assert still_open["message"]["text"] == "masih di sini"
    assert ChatMessage.objects.filter(status=ChatMessageStatus.VISIBLE).count() == 2
    assert ChatMessage.objects.filter(text=stored, is_question=True).exists()


def test_only_nul_is_an_empty_message(room, viewer):
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie)
        await comm.connect()
        await drain(comm)
        refusal = await _send_then_probe(comm, json.dumps({"type": "chat", "text": "\x00 \x00"}))
        await comm.disconnect()
        return refusal

    assert async_to_sync(scenario)()["code"] == "empty"
    assert not ChatMessage.objects.exists()


def test_a_moderators_reason_is_cleaned_too(room, viewer):
    member = ShopMemberFactory(shop=room.shop, role=MemberRole.OWNER, user__username="owner")
    cookie = session_cookie(member.user)

    async def scenario():
        comm = communicator(room.pk, cookie)
        await comm.connect()
        await drain(comm)
        frame = f'{{"type": "mute", "user_id": {viewer.pk}, "minutes": 5, "reason": "spam\\u0000 \\udc00"}}'
        await comm.send_to(text_data=frame)
        done = await receive_type(comm, "moderated")
        await comm.disconnect()
        return done

    assert async_to_sync(scenario)()["action"] == "mute"
    assert LiveMute.objects.get().reason == "spam \ufffd"


# --- A fuzz over the real consumer --------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.characters(max_codepoint=0x1F),
    ),
    max_size=40,
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)
_EVENT = st.fixed_dictionaries(
    {"type": st.sampled_from(sorted(protocol.EVENT_SCHEMAS))},
    optional=dict.fromkeys(
        sorted({n for schema in protocol.EVENT_SCHEMAS.values() for n in schema}), _JSON | _TEXT
    ),
)
_FRAMES = st.one_of(
    _TEXT.filter(bool),  # the communicator sends no empty frame
    _JSON.map(json.dumps),
    _EVENT.map(json.dumps),
    st.builds(lambda text: json.dumps({"type": "chat", "text": text}), _TEXT),
    st.one_of(st.integers(1, 10), st.integers(900, 12_000)).map(lambda depth: "[" * depth + "]" * depth),
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(frames=st.lists(_FRAMES, min_size=1, max_size=5))
@example(frames=['{"type": "chat", "text": "a\\ud83d"}', '{"type": "chat", "text": "a\\u0000"}'])
def test_fuzzed_frames_never_close_the_socket(room, viewer, monkeypatch, frames):
    monkeypatch.setattr(rate_limits, "CHAT_RATE", (10_000, 10))
    monkeypatch.setattr(rate_limits, "CATCH_UP_RATE", (10_000, 10))
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie)
        connected, _code = await comm.connect(timeout=5)
        assert connected
        await drain(comm)
        for frame in frames:
            await comm.send_to(text_data=frame)
            # A probe after each: its history arrives only if the socket survived the frame.
            await comm.send_json_to({"type": "catchup", "last_id": 2**31})
            await receive_type(comm, "history", timeout=5)
        await comm.disconnect()

    async_to_sync(scenario)()
