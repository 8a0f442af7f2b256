"""The live room's WebSocket, end to end: real Redis channel layer, real PostgreSQL."""

from datetime import timedelta
from importlib import import_module

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from live import chat, chat_rules, protocol, rate_limits
from live.enums import ChatMessageStatus, HeldReason, LiveStatus
from live.models import ChatMessage, LiveBan, LiveBlockedWord, LiveModerator, LiveMute, LiveSession
from shops.enums import MemberRole, ShopStatus
from tests.kit.factories import ShopMemberFactory, UserFactory, live_session
from tests.kit.realtime import (
    ban_and_mute_refusals,
    communicator,
    connect_all,
    disconnect_all,
    drain,
    receive_type,
    session_cookie,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("room_channel_layer")]


@pytest.fixture
def room():
    return live_session(status=LiveStatus.LIVE)


@pytest.fixture
def viewer(db):
    return UserFactory(username="pembeli", display_name="Pembeli")


def _moderator_of(session):
    member = ShopMemberFactory(shop=session.shop, role=MemberRole.STAFF, user__username="mod")
    LiveModerator.objects.create(member=member)
    return member.user


def _owner_of(session):
    return ShopMemberFactory(shop=session.shop, role=MemberRole.OWNER, user__username="owner").user


def _count(model, **filters):
    return database_sync_to_async(lambda: model.objects.filter(**filters).count())()


# --- Connecting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "is_accepted"),
    [("live", True), ("unknown", False), ("cancelled", False), ("suspended_shop", False)],
)
def test_sessions_hidden_from_shoppers_are_refused(kind, is_accepted, viewer):
    # given
    session = live_session(status=LiveStatus.CANCELLED if kind == "cancelled" else LiveStatus.LIVE)
    if kind == "suspended_shop":
        session.shop.status = ShopStatus.SUSPENDED
        session.shop.save()
    session_id = session.pk + 1000 if kind == "unknown" else session.pk
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(session_id, cookie)
        connected, _code = await comm.connect()
        await comm.disconnect()
        return connected

    # then
    assert async_to_sync(scenario)() is is_accepted


def test_foreign_origin_is_refused(room):
    async def scenario():
        comm = communicator(room.pk, origin=b"https://evil.example")
        connected, _code = await comm.connect()
        await comm.disconnect()
        return connected

    assert async_to_sync(scenario)() is False


def test_logged_in_connect_gets_history_and_state_in_eight_queries(room, viewer):
    ChatMessage.objects.create(session=room, user=viewer, text="halo kak")
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie)
        connected, _code = await comm.connect()
        history = await receive_type(comm, "history")
        await comm.disconnect()
        return connected, history

    with CaptureQueriesContext(connection) as queries:
        connected, history = async_to_sync(scenario)()
    assert connected is True
    assert [m["text"] for m in history["messages"]] == ["halo kak"]
    assert history["complete"] is True
    # The user (the auth session comes from the cache), the visible session, the ban, the role,
    # the history; then the room's state: the session, its running deal, its featured products.
    assert len(queries) == 8, [q["sql"] for q in queries]


def test_anonymous_receives_but_any_send_needs_login(room, viewer):
    cookie = session_cookie(viewer)

    async def scenario():
        anonymous = communicator(room.pk)
        assert (await anonymous.connect())[0]
        member = communicator(room.pk, cookie)
        assert (await member.connect())[0]
        await drain(anonymous)
        await drain(member)
        await anonymous.send_json_to({"type": "chat", "text": "halo"})
        refusal = await receive_type(anonymous, "error")
        await anonymous.send_json_to({"type": "like"})
        like_refusal = await receive_type(anonymous, "error")
        await member.send_json_to({"type": "chat", "text": "ada ukuran M?"})
        seen = await receive_type(anonymous, "chat")
        await anonymous.disconnect()
        await member.disconnect()
        return refusal, like_refusal, seen

    refusal, like_refusal, seen = async_to_sync(scenario)()
    assert refusal["code"] == like_refusal["code"] == "login_required"
    assert seen["message"]["text"] == "ada ukuran M?"
    assert list(ChatMessage.objects.values_list("text", flat=True)) == ["ada ukuran M?"]


@pytest.mark.parametrize("how", ["logged out", "password changed", "deactivated"])
def test_a_login_that_ended_while_connected_is_refused_on_the_next_message(room, viewer, how):
    cookie = session_cookie(viewer)
    session_key = cookie.decode().split("=", 1)[1]

    def end_login():
        if how == "logged out":
            import_module(settings.SESSION_ENGINE).SessionStore(session_key).delete()
        elif how == "password changed":
            viewer.set_password("a-new-password-123")
            viewer.save()
        else:
            viewer.is_active = False
            viewer.save()

    async def scenario():
        comm = communicator(room.pk, cookie)
        assert (await comm.connect())[0]
        await drain(comm)
        await comm.send_json_to({"type": "chat", "text": "masih di sini"})
        before = await receive_type(comm, "chat")
        await database_sync_to_async(end_login)()
        await comm.send_json_to({"type": "chat", "text": "sudah keluar"})
        refusal = await receive_type(comm, "error")
        await comm.send_json_to({"type": "like"})
        like_refusal = await receive_type(comm, "error")
        await comm.disconnect()
        return before, refusal, like_refusal

    before, refusal, like_refusal = async_to_sync(scenario)()
    assert before["message"]["text"] == "masih di sini"
    assert refusal["code"] == like_refusal["code"] == "login_required"
    assert list(ChatMessage.objects.values_list("text", flat=True)) == ["masih di sini"]


def test_greeting_once_per_minute_per_user(room, viewer):
    cookie = session_cookie(viewer)

    async def scenario():
        watcher = communicator(room.pk)
        await watcher.connect()
        await drain(watcher)
        first = communicator(room.pk, cookie)
        await first.connect()
        greeting = await receive_type(watcher, "greeting")
        await first.disconnect()
        again = communicator(room.pk, cookie)
        await again.connect()
        quiet = await watcher.receive_nothing(timeout=0.3)
        await again.disconnect()
        await watcher.disconnect()
        return greeting, quiet

    greeting, quiet = async_to_sync(scenario)()
    assert greeting == {"type": "greeting", "user_id": viewer.pk, "name": "Pembeli"}
    assert quiet is True


# --- Chat ---------------------------------------------------------------------------------------


def test_html_arrives_as_the_same_plain_string(room, viewer):
    text = "<script>alert('x')</script> <b>murah</b>"
    cookie = session_cookie(viewer)

    async def scenario():
        other = communicator(room.pk)
        await other.connect()
        await drain(other)
        sender = communicator(room.pk, cookie)
        await sender.connect()
        await sender.send_json_to({"type": "chat", "text": text})
        received = await receive_type(other, "chat")
        await sender.disconnect()
        await other.disconnect()
        return received

    received = async_to_sync(scenario)()
    assert received["message"]["text"] == text
    assert received["message"]["name"] == "Pembeli"
    assert ChatMessage.objects.get().text == text


def test_refused_input_gets_an_error_and_the_socket_stays_open(room, viewer):
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie)
        await comm.connect()
        await drain(comm)
        codes = []
        for frame in [
            "not json",
            '{"type": "chat"}',
            '{"type": "chat", "text": "hi", "html": true}',
            '{"type": "teleport"}',
            '{"type": "chat", "text": "' + "a" * (protocol.MAX_FRAME_CHARS + 1) + '"}',
            '{"type": "chat", "text": "' + "a" * (chat_rules.MAX_MESSAGE_LENGTH + 1) + '"}',
            '{"type": "chat", "text": "   "}',
        ]:
            await comm.send_to(text_data=frame)
            codes.append((await receive_type(comm, "error"))["code"])
        await comm.send_json_to({"type": "chat", "text": "masih di sini"})
        still_open = await receive_type(comm, "chat")
        await comm.disconnect()
        return codes, still_open

    codes, still_open = async_to_sync(scenario)()
    assert codes == ["invalid", "invalid", "invalid", "invalid", "too_large", "too_long", "empty"]
    assert still_open["message"]["text"] == "masih di sini"
    assert ChatMessage.objects.count() == 1


def test_rate_limit_per_user_per_room(room, viewer, monkeypatch):
    monkeypatch.setattr(rate_limits, "CHAT_RATE", (3, 3600))
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie)
        await comm.connect()
        await drain(comm)
        for n in range(3):
            await comm.send_json_to({"type": "chat", "text": f"pesan {n}"})
            await receive_type(comm, "chat")
        await comm.send_json_to({"type": "chat", "text": "satu lagi"})
        refusal = await receive_type(comm, "error")
        await comm.disconnect()
        # A second socket (as another process would have) shares the same count in Redis.
        second = communicator(room.pk, cookie)
        await second.connect()
        await drain(second)
        await second.send_json_to({"type": "chat", "text": "dari tab lain"})
        second_refusal = await receive_type(second, "error")
        await second.disconnect()
        return refusal, second_refusal

    refusal, second_refusal = async_to_sync(scenario)()
    assert refusal["code"] == second_refusal["code"] == "rate_limited"
    assert ChatMessage.objects.count() == 3


def test_slow_mode_spaces_a_viewers_messages_but_not_the_hosts(room, viewer):
    LiveSession.objects.filter(pk=room.pk).update(slow_mode_seconds=30)
    cookie, host_cookie = session_cookie(viewer), session_cookie(room.host)

    async def scenario():
        comm = communicator(room.pk, cookie)
        host = communicator(room.pk, host_cookie)
        await comm.connect()
        await host.connect()
        await drain(comm)
        await drain(host)
        await comm.send_json_to({"type": "chat", "text": "satu"})
        await receive_type(comm, "chat")
        await comm.send_json_to({"type": "chat", "text": "dua"})
        refusal = await receive_type(comm, "error")
        for text in ("halo semua", "selamat datang"):
            await host.send_json_to({"type": "chat", "text": text})
            await receive_type(host, "chat")
        await comm.disconnect()
        await host.disconnect()
        return refusal

    refusal = async_to_sync(scenario)()
    assert refusal["code"] == "slow_mode"
    assert list(ChatMessage.objects.values_list("text", flat=True)) == [
        "satu",
        "halo semua",
        "selamat datang",
    ]


def test_moderator_sets_slow_mode_for_the_room(room, viewer):
    moderator = _moderator_of(room)
    cookie, mod_cookie = session_cookie(viewer), session_cookie(moderator)

    async def scenario():
        comm, mod = communicator(room.pk, cookie), communicator(room.pk, mod_cookie)
        await comm.connect()
        await mod.connect()
        await drain(comm)
        await mod.send_json_to({"type": "slow_mode", "seconds": 10})
        announced = await receive_type(comm, "slow_mode")
        await comm.send_json_to({"type": "chat", "text": "satu"})
        await receive_type(comm, "chat")
        await comm.send_json_to({"type": "chat", "text": "dua"})
        refusal = await receive_type(comm, "error")
        await comm.send_json_to({"type": "slow_mode", "seconds": 0})
        not_allowed = await receive_type(comm, "error")
        await comm.disconnect()
        await mod.disconnect()
        return announced, refusal, not_allowed

    announced, refusal, not_allowed = async_to_sync(scenario)()
    assert announced == {"type": "slow_mode", "seconds": 10}
    assert refusal["code"] == "slow_mode"
    assert not_allowed["code"] == "forbidden"
    assert LiveSession.objects.get(pk=room.pk).slow_mode_seconds == 10


def test_blocked_word_is_held_for_moderators_only(room, viewer):
    LiveBlockedWord.objects.create(shop=room.shop, word="goblok")
    moderator = _moderator_of(room)
    cookie, mod_cookie = session_cookie(viewer), session_cookie(moderator)

    async def scenario():
        sender, mod, other = await connect_all(room.pk, cookie, mod_cookie, None)
        await sender.send_json_to({"type": "chat", "text": "Admin GOBLOK banget"})
        notice = await receive_type(sender, "notice")
        held = await receive_type(mod, "held")
        other_quiet = await other.receive_nothing(timeout=0.3)
        await disconnect_all(sender, mod, other)
        return notice, held, other_quiet

    notice, held, other_quiet = async_to_sync(scenario)()
    assert notice["code"] == "held"
    assert held["message"]["text"] == "Admin GOBLOK banget"
    assert held["message"]["held_reason"] == HeldReason.BLOCKED_WORD
    assert other_quiet is True
    message = ChatMessage.objects.get()
    assert (message.status, message.held_reason) == (ChatMessageStatus.HELD, HeldReason.BLOCKED_WORD)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("langsung aja kak 0812-3456-7890", HeldReason.PHONE),
        ("hubungi +62 812 3456 7890 ya", HeldReason.PHONE),
        ("chat WA 081234567890 lebih murah", HeldReason.WHATSAPP),
        ("klik wa.me/6281234567890", HeldReason.WHATSAPP),
        ("tf ke rek BCA 123 456 7890 aja", HeldReason.BANK_ACCOUNT),
        ("nol delapan satu dua 3456 7890", HeldReason.PHONE),
        ("email aku budi [at] yahoo", HeldReason.EMAIL),
        ("dm ya kak", HeldReason.SOCIAL),
        ("t.me/tokobaju", HeldReason.LINK),
    ],
)
def test_off_platform_contacts_are_held_and_not_broadcast(room, viewer, text, reason):
    cookie = session_cookie(viewer)

    async def scenario():
        sender, other = communicator(room.pk, cookie), communicator(room.pk)
        await sender.connect()
        await other.connect()
        await drain(other)
        await sender.send_json_to({"type": "chat", "text": text})
        notice = await receive_type(sender, "notice")
        quiet = await other.receive_nothing(timeout=0.3)
        await sender.disconnect()
        await other.disconnect()
        return notice, quiet

    notice, quiet = async_to_sync(scenario)()
    assert notice["code"] == "held"
    assert quiet is True
    message = ChatMessage.objects.get()
    assert (message.text, message.status, message.held_reason) == (text, ChatMessageStatus.HELD, reason)


def test_reconnect_catches_up_from_the_last_seen_id(room, viewer):
    first = ChatMessage.objects.create(session=room, user=viewer, text="lama")
    ChatMessage.objects.create(session=room, user=viewer, text="dihapus", status=ChatMessageStatus.DELETED)
    missed = [ChatMessage.objects.create(session=room, user=viewer, text=f"baru {n}") for n in range(3)]
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie, query=f"last_id={first.pk}")
        await comm.connect()
        history = await receive_type(comm, "history")
        await comm.send_json_to({"type": "catchup", "last_id": missed[1].pk})
        later = await receive_type(comm, "history")
        await comm.disconnect()
        return history, later

    history, later = async_to_sync(scenario)()
    assert [m["id"] for m in history["messages"]] == [m.pk for m in missed]
    assert history["complete"] is True
    assert [m["text"] for m in later["messages"]] == ["baru 2"]


def test_catch_up_is_bounded(room, viewer):
    ChatMessage.objects.bulk_create(
        [ChatMessage(session=room, user=viewer, text=f"pesan {n}") for n in range(chat.CATCH_UP_LIMIT + 5)]
    )

    async def scenario():
        comm = communicator(room.pk, query="last_id=1")
        await comm.connect()
        history = await receive_type(comm, "history")
        await comm.disconnect()
        return history

    history = async_to_sync(scenario)()
    assert len(history["messages"]) == chat.CATCH_UP_LIMIT
    assert history["messages"][-1]["text"] == f"pesan {chat.CATCH_UP_LIMIT + 4}"
    assert history["complete"] is False


# --- Moderation ---------------------------------------------------------------------------------


def test_mute_for_minutes_refuses_the_users_messages(room, viewer):
    moderator = _moderator_of(room)
    cookie, mod_cookie = session_cookie(viewer), session_cookie(moderator)

    async def scenario():
        comm, mod = communicator(room.pk, cookie), communicator(room.pk, mod_cookie)
        await comm.connect()
        await mod.connect()
        await drain(comm)
        await drain(mod)
        await mod.send_json_to({"type": "mute", "user_id": viewer.pk, "minutes": 5})
        acknowledged = await receive_type(mod, "moderated")
        told = await receive_type(comm, "error")
        await comm.send_json_to({"type": "chat", "text": "kenapa?"})
        refusal = await receive_type(comm, "error")
        await comm.disconnect()
        await mod.disconnect()
        return acknowledged, told, refusal

    acknowledged, told, refusal = async_to_sync(scenario)()
    assert acknowledged == {"type": "moderated", "action": "mute", "user_id": viewer.pk}
    assert told["code"] == refusal["code"] == "muted"
    mute = LiveMute.objects.get()
    assert (mute.user, mute.muted_by) == (viewer, moderator)
    assert timedelta(minutes=4) < mute.expires_at - timezone.now() <= timedelta(minutes=5)
    assert not ChatMessage.objects.exists()


def test_expired_mute_no_longer_applies(room, viewer):
    LiveMute.objects.create(session=room, user=viewer, expires_at=timezone.now() + timedelta(seconds=1))
    LiveMute.objects.filter(user=viewer).update(
        created_at=timezone.now() - timedelta(minutes=10), expires_at=timezone.now() - timedelta(minutes=5)
    )
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie)
        await comm.connect()
        await comm.send_json_to({"type": "chat", "text": "sudah boleh"})
        received = await receive_type(comm, "chat")
        await comm.disconnect()
        return received

    assert async_to_sync(scenario)()["message"]["text"] == "sudah boleh"


def test_ban_closes_the_users_open_sockets_and_refuses_them_later(room, viewer):
    owner = _owner_of(room)
    other_live = live_session(status=LiveStatus.SCHEDULED, shop=room.shop)
    cookie, owner_cookie = session_cookie(viewer), session_cookie(owner)

    async def scenario():
        comm, owner_comm = communicator(room.pk, cookie), communicator(room.pk, owner_cookie)
        await comm.connect()
        await owner_comm.connect()
        await drain(comm)
        await owner_comm.send_json_to({"type": "ban", "user_id": viewer.pk, "reason": "spam"})
        told = await receive_type(comm, "error")
        closed = await comm.receive_output(timeout=2)
        await owner_comm.disconnect()
        again = communicator(other_live.pk, cookie)
        connected, _code = await again.connect()
        refusal = await receive_type(again, "error")
        closed_again = await again.receive_output(timeout=2)
        return told, closed, connected, refusal, closed_again

    told, closed, connected, refusal, closed_again = async_to_sync(scenario)()
    assert told["code"] == "banned"
    assert closed == {"type": "websocket.close", "code": 4003}
    assert connected is True
    assert refusal["code"] == "banned"
    assert closed_again == {"type": "websocket.close", "code": 4003}
    ban = LiveBan.objects.get()
    assert (ban.shop, ban.user, ban.banned_by, ban.reason) == (room.shop, viewer, owner, "spam")


@pytest.mark.parametrize("target", ["owner", "host"])
def test_a_moderator_cannot_mute_or_ban_the_owner_or_the_host(room, target):
    owner = _owner_of(room)
    moderator = _moderator_of(room)
    target_user = owner if target == "owner" else room.host
    mod_cookie = session_cookie(moderator)

    ban_refusal, mute_refusal = ban_and_mute_refusals(room.pk, mod_cookie, target_user.pk)
    assert ban_refusal["code"] == mute_refusal["code"] == "protected"
    assert not LiveBan.objects.exists()
    assert not LiveMute.objects.exists()


def test_a_viewer_cannot_moderate(room, viewer):
    victim = UserFactory(username="korban")
    message = ChatMessage.objects.create(session=room, user=victim, text="halo")
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie)
        await comm.connect()
        await drain(comm)
        codes = []
        for event in (
            {"type": "ban", "user_id": victim.pk},
            {"type": "mute", "user_id": victim.pk, "minutes": 5},
            {"type": "delete", "message_id": message.pk},
            {"type": "answer", "message_id": message.pk},
        ):
            await comm.send_json_to(event)
            codes.append((await receive_type(comm, "error"))["code"])
        await comm.disconnect()
        return codes

    assert async_to_sync(scenario)() == ["forbidden"] * 4
    assert not LiveBan.objects.exists()
    assert not LiveMute.objects.exists()
    assert ChatMessage.objects.get().status == ChatMessageStatus.VISIBLE


def test_host_deletes_a_message_and_answers_a_question(room, viewer):
    rude = ChatMessage.objects.create(session=room, user=viewer, text="jelek")
    question = ChatMessage.objects.create(session=room, user=viewer, text="bahan apa?", is_question=True)
    host_cookie = session_cookie(room.host)

    async def scenario():
        watcher, host = communicator(room.pk), communicator(room.pk, host_cookie)
        await watcher.connect()
        await host.connect()
        await drain(watcher)
        await host.send_json_to({"type": "delete", "message_id": rude.pk})
        removed = await receive_type(watcher, "removed")
        await host.send_json_to({"type": "answer", "message_id": question.pk})
        answered = await receive_type(watcher, "answered")
        await host.send_json_to({"type": "highlight", "message_id": question.pk})
        highlighted = await receive_type(watcher, "highlight")
        await watcher.disconnect()
        await host.disconnect()
        return removed, answered, highlighted

    removed, answered, highlighted = async_to_sync(scenario)()
    assert removed == {"type": "removed", "id": rude.pk}
    assert answered == {"type": "answered", "id": question.pk}
    assert highlighted["message"]["text"] == "bahan apa?"
    assert highlighted["message"]["answered"] is True
    rude.refresh_from_db()
    assert (rude.status, rude.moderated_by) == (ChatMessageStatus.DELETED, room.host)
    question.refresh_from_db()
    assert question.answered_at is not None


def test_a_question_is_sent_as_one(room, viewer):
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(room.pk, cookie)
        await comm.connect()
        await comm.send_json_to({"type": "chat", "text": "ready size L?", "question": True})
        received = await receive_type(comm, "chat")
        await comm.disconnect()
        return received

    assert async_to_sync(scenario)()["message"]["question"] is True
    assert ChatMessage.objects.get().is_question is True


def test_chat_closes_when_the_session_is_not_live(viewer):
    ended = live_session(status=LiveStatus.ENDED)
    cookie = session_cookie(viewer)

    async def scenario():
        comm = communicator(ended.pk, cookie)
        connected, _code = await comm.connect()
        await comm.send_json_to({"type": "chat", "text": "halo"})
        refusal = await receive_type(comm, "error")
        await comm.disconnect()
        return connected, refusal

    connected, refusal = async_to_sync(scenario)()
    assert connected is True
    assert refusal["code"] == "chat_closed"
    assert not ChatMessage.objects.exists()


# --- Presence -----------------------------------------------------------------------------------


def test_stats_tick_carries_likes_and_viewers_and_persists_peaks(room, viewer, settings):
    settings.LIVE_TICK_SECONDS = 0.3
    LiveSession.objects.filter(pk=room.pk).update(like_count=10)
    cookie = session_cookie(viewer)

    async def scenario():
        liker, anonymous = communicator(room.pk, cookie), communicator(room.pk)
        await liker.connect()
        await anonymous.connect()
        for _ in range(3):
            await liker.send_json_to({"type": "like"})
        # Likes are not pushed one by one: the next event anyone gets about them is the tick.
        while True:
            stats = await receive_type(anonymous, "stats", timeout=3)
            if stats["likes"] == 13:
                break
        await liker.disconnect()
        await anonymous.disconnect()
        return stats

    stats = async_to_sync(scenario)()
    assert stats == {"type": "stats", "viewers": 2, "likes": 13, "orders": 0, "deal": None}
    session = LiveSession.objects.get(pk=room.pk)
    assert (session.peak_viewers, session.like_count, session.unique_viewers) == (2, 13, 2)


# --- The room page ------------------------------------------------------------------------------


def test_room_page_renders_the_chat_escaped_and_loads_the_client(client, room, viewer):
    message = ChatMessage.objects.create(session=room, user=viewer, text="<script>alert(1)</script>")
    ChatMessage.objects.create(
        session=room, user=viewer, text="rahasia", status=ChatMessageStatus.HELD, held_reason=HeldReason.PHONE
    )

    html = client.get(room.get_absolute_url()).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "rahasia" not in html
    assert f'data-last-id="{message.pk}"' in html
    assert "js/live-room.js" in html
