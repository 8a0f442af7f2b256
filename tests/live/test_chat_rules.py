"""The chat's rules without a socket (live.chat, live.chat_rules, live.moderation,
live.protocol): content filters, the inbound schema, refusals that write nothing, and the
counters' GREATEST update."""

from datetime import timedelta

import pytest
from django.utils import timezone

from live import chat, chat_rules, errors, moderation, policy, protocol, room_access
from live.enums import ChatMessageStatus, HeldReason, LiveStatus
from live.models import ChatMessage, LiveBan, LiveModerator, LiveMute, LiveSession
from live.services import session_stats_record
from shops.enums import MemberRole
from tests.kit.factories import ShopMemberFactory, UserFactory, live_session


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0812 3456 7890", HeldReason.PHONE),
        ("0812-3456-7890", HeldReason.PHONE),
        ("+62 812-3456-7890", HeldReason.PHONE),
        ("+62-857.1234.5678 kak", HeldReason.PHONE),
        ("6281234567890", HeldReason.PHONE),
        ("WA aja 0812345678", HeldReason.WHATSAPP),
        ("whatsapp 0857 1234 5678", HeldReason.WHATSAPP),
        ("wa.me/6281234567890", HeldReason.WHATSAPP),
        ("norek 1234567890", HeldReason.BANK_ACCOUNT),
        ("transfer BRI 0123 0100 1234 567", HeldReason.BANK_ACCOUNT),
        ("1234567890123", HeldReason.BANK_ACCOUNT),
        # Disguises (the labelled set is tests/data/contact_messages.py).
        ("nol delapan satu dua 3456 7890", HeldReason.PHONE),
        ("o8l2-3456-7890", HeldReason.PHONE),
        ("0812\u200b3456\u200b7890", HeldReason.PHONE),
        ("DM aku kak", HeldReason.SOCIAL),
        ("budi at gmail dot com", HeldReason.EMAIL),
        ("shopee . co . id / tokobaju", HeldReason.LINK),
        ("resi JP1234567890 belum update", None),
        ("harganya Rp 150.000 kak", None),
        ("ukuran 38 39 40 41 42 ada?", None),
        ("cod bandung bisa? total 2.500.000", None),
        ("wa kak?", None),
        ("lingkar dada 98 cm, panjang 70", None),
    ],
)
def test_off_platform_contacts_are_found(text, reason):
    assert chat_rules.find_off_platform(text) == reason


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("dasar GOBLOK", "goblok"),
        ("main slot gacor yuk", "slot gacor"),
        ("bagoblok", None),  # whole words only
        ("tas ini bagus", None),
    ],
)
def test_blocked_words_match_whole_words(text, found):
    assert chat_rules.find_blocked_word(text, ["goblok", "slot gacor"]) == found


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"text": "no type"},
        {"type": "chat"},
        {"type": "chat", "text": 5},
        {"type": "chat", "text": "hi", "extra": 1},
        {"type": "mute", "user_id": True, "minutes": 5},
        {"type": "mute", "user_id": -1, "minutes": 5},
        {"type": "nope"},
    ],
)
def test_parse_event_refuses_what_does_not_match_its_schema(data):
    with pytest.raises(errors.EventInvalid):
        protocol.parse_event(data)


def test_parse_event_accepts_a_question():
    event = {"type": "chat", "text": "ready?", "question": True}
    assert protocol.parse_event(event) == event


def test_frame_size_is_checked_on_the_raw_text():
    protocol.check_frame_size("x" * protocol.MAX_FRAME_CHARS)
    with pytest.raises(errors.FrameTooLarge):
        protocol.check_frame_size("x" * (protocol.MAX_FRAME_CHARS + 1))


@pytest.fixture
def live(db):
    return live_session(status=LiveStatus.LIVE)


def _room(session, user):
    return room_access.room_open(session_id=session.pk, user=user)


def test_a_message_is_saved_visible(live, django_assert_num_queries):
    user = UserFactory()
    room = _room(live, user)
    # The session with ban and mute, the blocked words, the insert.
    with django_assert_num_queries(3):
        posted = chat.chat_message_post(room=room, user=user, text="  ada warna lain?  ")
    assert posted.is_held is False
    assert posted.message["text"] == "ada warna lain?"
    assert ChatMessage.objects.get().status == ChatMessageStatus.VISIBLE


@pytest.mark.parametrize("rule", ["banned", "muted", "ended"])
def test_refusals_write_nothing(live, rule):
    user = UserFactory()
    room = _room(live, user)
    if rule == "banned":
        LiveBan.objects.create(shop=live.shop, user=user)
    elif rule == "muted":
        LiveMute.objects.create(session=live, user=user, expires_at=timezone.now() + timedelta(minutes=5))
    else:
        LiveSession.objects.filter(pk=live.pk).update(status=LiveStatus.ENDED, ended_at=timezone.now())
    expected = {"banned": errors.UserBanned, "muted": errors.UserMuted, "ended": errors.ChatClosed}[rule]
    with pytest.raises(expected):
        chat.chat_message_post(room=room, user=user, text="halo")
    assert not ChatMessage.objects.exists()


def test_the_shops_people_are_not_held_for_their_own_contact(live):
    room = _room(live, live.host)
    posted = chat.chat_message_post(room=room, user=live.host, text="CS kami 0812-3456-7890")
    assert posted.is_held is False
    posted = chat.chat_message_post(room=room, user=live.host, text="follow ig kami @butik.rina")
    assert posted.is_held is False


def test_a_viewer_is_held_for_a_social_handle(live):
    viewer = UserFactory()
    posted = chat.chat_message_post(room=_room(live, viewer), user=viewer, text="follow ig kami @butik.rina")
    assert posted.is_held is True
    message = ChatMessage.objects.get()
    assert (message.status, message.held_reason) == (ChatMessageStatus.HELD, HeldReason.SOCIAL)


def test_roles(live):
    owner = ShopMemberFactory(shop=live.shop, role=MemberRole.OWNER).user
    staff = ShopMemberFactory(shop=live.shop, role=MemberRole.STAFF)
    LiveModerator.objects.create(member=staff)
    plain_staff = ShopMemberFactory(shop=live.shop, role=MemberRole.STAFF).user
    assert policy.room_role(session=live, user_id=owner.pk) == policy.Role.OWNER
    assert policy.room_role(session=live, user_id=live.host_id) == policy.Role.HOST
    assert policy.room_role(session=live, user_id=staff.user_id) == policy.Role.MODERATOR
    assert policy.room_role(session=live, user_id=plain_staff.pk) == policy.Role.VIEWER
    assert policy.room_role(session=live, user_id=None) == policy.Role.ANONYMOUS


def test_a_moderator_cannot_mute_another_moderator_but_the_host_can(live):
    first, second = (
        ShopMemberFactory(shop=live.shop, role=MemberRole.STAFF),
        ShopMemberFactory(shop=live.shop, role=MemberRole.STAFF),
    )
    LiveModerator.objects.create(member=first)
    LiveModerator.objects.create(member=second)
    with pytest.raises(errors.TargetProtected):
        moderation.chat_user_mute(room=_room(live, first.user), user_id=second.user_id, minutes=5)
    moderation.chat_user_mute(room=_room(live, live.host), user_id=second.user_id, minutes=5)
    assert LiveMute.objects.get().user_id == second.user_id


def test_a_removed_moderator_loses_the_role_at_once(live):
    member = ShopMemberFactory(shop=live.shop, role=MemberRole.STAFF)
    LiveModerator.objects.create(member=member)
    room = _room(live, member.user)
    LiveModerator.objects.all().delete()
    with pytest.raises(errors.ModerationNotAllowed):
        moderation.chat_slow_mode_set(room=room, seconds=10)
    assert LiveSession.objects.get(pk=live.pk).slow_mode_seconds == 0


def test_stats_only_ever_grow(live):
    assert session_stats_record(session_id=live.pk, viewers=40, likes=300, unique_viewers=55) is True
    # A later tick with fewer viewers (or a Redis restart) lowers nothing.
    assert session_stats_record(session_id=live.pk, viewers=12, likes=280, unique_viewers=20) is False
    session_stats_record(session_id=live.pk, viewers=30, likes=310, unique_viewers=50)
    live.refresh_from_db()
    assert (live.peak_viewers, live.like_count, live.unique_viewers) == (40, 310, 55)
