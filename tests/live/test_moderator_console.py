"""The shop's chat moderators and platform staff moderate from the console, and only moderate.

The console in moderation mode (the page and the host actions it must not reach), who counts as a
moderator in the room's chat (live.policy.room_role), staff moderating over the room's socket, and the
Seller Center where the shop names its moderators.
"""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from live import errors, moderation, policy, room_access
from live.enums import ChatMessageStatus, FlashDealStatus, HeldReason, LiveStatus
from live.models import ChatMessage, FlashDeal, LiveBan, LiveModerator, LiveMute, LiveSession
from shops.enums import MemberRole
from tests.kit import factories
from tests.kit.factories import LiveSessionProductFactory, live_session
from tests.kit.logins import logged_in, moderator_of, owner_of, staff_by_group, superuser
from tests.kit.pages import find, one, options, scripts
from tests.kit.pages import tags as page_of
from tests.kit.realtime import (
    ban_and_mute_refusals,
    communicator,
    connect_all,
    disconnect_all,
    drain,
    receive_type,
    session_cookie,
)

pytestmark = pytest.mark.english

JSON = {"HTTP_ACCEPT": "application/json"}


def console(session) -> str:
    return reverse("live_console", args=[session.pk])


# --- Reading the page -------------------------------------------------------------------------


def post_forms_to_console(page, session) -> list[str]:
    consoles = console(session)
    return [
        attrs.get("action")
        for tag, attrs in page
        if tag == "form" and attrs.get("method") == "post" and attrs.get("action", "").startswith(consoles)
    ]


def protected_ids(page) -> set[int]:
    return {int(value) for value in one(page, "data-console")["data-protected-ids"].split()}


HOST_CONTROLS = (
    "data-console-go-live-form",
    "data-console-end-box",
    "data-console-end-confirm",
    "data-live-video",
    "data-console-products",
    "data-console-pin",
    "data-console-unpin-form",
    "data-console-deal-form",
    "data-console-deal",
    "data-console-orders",
    "data-console-blocked-words-link",
    "data-console-moderators-link",
)


# --- The console in moderation mode -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["named moderator", "superuser", "staff by group"])
def test_moderators_get_the_chat_and_the_numbers_and_no_host_controls(who):
    session = live_session(status=LiveStatus.LIVE, slow_mode_seconds=10)
    product = factories.active_product(shop=session.shop)
    LiveSessionProductFactory(session=session, product=product)
    user = {
        "named moderator": lambda: moderator_of(session.shop),
        "superuser": superuser,
        "staff by group": staff_by_group,
    }[who]()

    response = logged_in(user).get(console(session))

    page = page_of(response)
    assert one(page, "data-console")["data-mode"] == "moderate"
    assert "<title>Moderation console · " in response.content.decode()
    # The chat, shown, with every moderation action live.policy lets a moderator take.
    panels = find(page, "data-console-live-panel")
    assert len(panels) == 1
    assert "data-console-chat" in panels[0]
    assert "hidden" not in panels[0]
    assert one(page, "data-console-chat-form")
    assert one(page, "data-console-held-box")
    assert [o["value"] for o in options(page, "data-console-slow-mode") if "selected" in o] == ["10"]
    actions = {attrs["data-console-action"] for attrs in find(page, "data-console-action")}
    assert actions == {"release", "answer", "highlight", "delete", "mute", "ban", "ban-confirm", "ban-cancel"}
    assert [b["data-console-mute-minutes"] for b in find(page, "data-console-mute-minutes")] == [
        "5",
        "15",
        "60",
    ]
    for stat in ("viewers", "likes", "orders", "revenue"):
        assert one(page, "data-console-stat", stat)
    # Nothing that runs the live: no camera, no going live or ending, no pins, deals or orders.
    for control in HOST_CONTROLS:
        assert not find(page, control), control
    assert post_forms_to_console(page, session) == []
    assert scripts(page).index("live-socket.js") < scripts(page).index("live-console.js")
    assert "live-video.js" not in scripts(page)


@pytest.mark.django_db
def test_a_moderator_waits_for_a_scheduled_live_with_the_chat_folded():
    session = live_session()
    user = moderator_of(session.shop)

    page = page_of(logged_in(user).get(console(session)))

    assert one(page, "data-console")["data-mode"] == "moderate"
    assert one(page, "data-console-before")
    assert "hidden" in one(page, "data-console-chat")
    assert not find(page, "data-console-go-live-form")
    assert not find(page, "data-live-video")


@pytest.mark.django_db
def test_a_moderator_sees_an_ended_lives_summary_and_nothing_to_run():
    session = live_session(status=LiveStatus.ENDED, message_count=260)
    user = moderator_of(session.shop)

    response = logged_in(user).get(console(session))

    page = page_of(response)
    assert one(page, "data-console-summary")
    assert 'data-console-summary-stat="messages">260</dd>' in response.content.decode()
    assert "live-console.js" not in scripts(page)
    assert post_forms_to_console(page, session) == []


@pytest.mark.django_db
def test_platform_staff_who_own_the_shop_get_the_whole_console():
    session = live_session(status=LiveStatus.LIVE)
    boss = superuser()
    factories.ShopMemberFactory(shop=session.shop, user=boss, role=MemberRole.OWNER)

    page = page_of(logged_in(boss).get(console(session)))

    assert one(page, "data-console")["data-mode"] == "host"
    assert one(page, "data-console-end-box")
    assert one(page, "data-live-video")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["another shop's moderator", "seller of another shop", "moderator removed"])
def test_the_console_stays_hidden_from_everyone_else(who):
    session = live_session(status=LiveStatus.LIVE)
    if who == "another shop's moderator":
        user = moderator_of(factories.ShopFactory())
    elif who == "seller of another shop":
        # `is_staff` lets a seller into the Seller Center; it makes nobody platform staff.
        user = owner_of(factories.ShopFactory())
        assert user.is_staff
    else:
        user = moderator_of(session.shop)
        client = logged_in(user)
        assert client.get(console(session)).status_code == 200
        LiveModerator.objects.filter(member__user=user).delete()

    response = logged_in(user).get(console(session))

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_moderation_page_costs_a_bounded_number_of_queries(django_assert_max_num_queries):
    session = live_session(status=LiveStatus.LIVE)
    for _ in range(3):
        moderator_of(session.shop)
    client = logged_in(moderator_of(session.shop))

    # User, session, host check, permissions (2), moderator check, the protected people.
    with django_assert_max_num_queries(7):
        response = client.get(console(session))

    assert response.status_code == 200


# --- Nobody is offered a mute or a ban the chat would refuse -----------------------------------


@pytest.fixture
def people(db):
    """A live with its owner, host, a second live host, two moderators, staff and ordinary people."""
    session = live_session(status=LiveStatus.LIVE)
    return {
        "session": session,
        "owner": owner_of(session.shop, "pemilik"),
        "host": session.host,
        "other host": factories.ShopMemberFactory(shop=session.shop, role=MemberRole.HOST).user,
        "moderator": moderator_of(session.shop, "mod-satu"),
        "other moderator": moderator_of(session.shop, "mod-dua"),
        "superuser": superuser(),
        "staff by group": staff_by_group(),
        "shop staff": factories.ShopMemberFactory(shop=session.shop, role=MemberRole.STAFF).user,
        "shopper": factories.UserFactory(username="pembeli"),
        "seller elsewhere": owner_of(factories.ShopFactory(), "penjual-lain"),
    }


def ids(people, *names) -> set[int]:
    return {people[name].pk for name in names}


def test_a_moderator_is_offered_no_mute_or_ban_against_the_shops_people_or_other_moderators(people):
    page = page_of(logged_in(people["moderator"]).get(console(people["session"])))

    assert protected_ids(page) == ids(
        people, "owner", "host", "other host", "moderator", "other moderator", "superuser", "staff by group"
    )


def test_the_host_is_offered_no_mute_or_ban_against_the_owner_or_the_hosts_only(people):
    page = page_of(logged_in(people["host"]).get(console(people["session"])))

    assert protected_ids(page) == ids(people, "owner", "host", "other host")


# (actor, target, refused): whom each may mute and ban, and whose messages each may delete.
WHOM = [
    ("moderator", "owner", True),
    ("moderator", "host", True),
    ("moderator", "other host", True),
    ("moderator", "other moderator", True),
    ("moderator", "superuser", True),
    ("staff by group", "host", True),
    ("staff by group", "moderator", True),
    ("host", "moderator", False),
    ("moderator", "shop staff", False),
    ("moderator", "shopper", False),
    ("superuser", "seller elsewhere", False),
]


@pytest.mark.parametrize(("actor", "target", "is_refused"), WHOM)
def test_the_chat_refuses_exactly_whom_the_console_does_not_offer(people, actor, target, is_refused):
    session = people["session"]
    page = page_of(logged_in(people[actor]).get(console(session)))
    room = room_access.room_open(session_id=session.pk, user=people[actor])

    if is_refused:
        with pytest.raises(errors.TargetProtected):
            moderation.chat_user_mute(room=room, user_id=people[target].pk, minutes=5)
    else:
        moderation.chat_user_mute(room=room, user_id=people[target].pk, minutes=5)

    assert (people[target].pk in protected_ids(page)) is is_refused
    assert LiveMute.objects.filter(user=people[target]).exists() is not is_refused


@pytest.mark.parametrize(
    ("actor", "author", "is_refused"),
    [*WHOM, ("host", "host", False), ("moderator", "moderator", False)],  # and one's own messages
)
def test_a_moderator_cannot_delete_what_the_people_they_cannot_mute_say(people, actor, author, is_refused):
    session = people["session"]
    message = ChatMessage.objects.create(session=session, user=people[author], text="Ready stok, kak")
    room = room_access.room_open(session_id=session.pk, user=people[actor])

    if is_refused:
        with pytest.raises(errors.MessageProtected):
            moderation.chat_message_delete(room=room, message_id=message.pk)
    else:
        moderation.chat_message_delete(room=room, message_id=message.pk)

    message.refresh_from_db()
    assert (message.status == ChatMessageStatus.VISIBLE) is is_refused


def test_a_message_whose_author_left_can_still_be_deleted(people):
    session = people["session"]
    message = ChatMessage.objects.create(session=session, user=people["shopper"], text="jelek")
    people["shopper"].delete()  # the message stays, without its author
    room = room_access.room_open(session_id=session.pk, user=people["moderator"])

    moderation.chat_message_delete(room=room, message_id=message.pk)

    message.refresh_from_db()
    assert (message.user, message.status) == (None, ChatMessageStatus.DELETED)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("room_channel_layer")
def test_a_moderator_deleting_the_hosts_message_over_the_socket_is_told_why():
    session = live_session(status=LiveStatus.LIVE)
    said = ChatMessage.objects.create(session=session, user=session.host, text="Diskon 50% jam 8!")
    moderator_cookie = session_cookie(moderator_of(session.shop))

    async def scenario():
        mod = communicator(session.pk, moderator_cookie)
        await mod.connect()
        await drain(mod)
        await mod.send_json_to({"type": "delete", "message_id": said.pk})
        refusal = await receive_type(mod, "error")
        await mod.disconnect()
        return refusal

    refusal = async_to_sync(scenario)()
    assert refusal["code"] == "protected"
    assert refusal["message"] == "You cannot delete this person's messages."
    said.refresh_from_db()
    assert said.status == ChatMessageStatus.VISIBLE


# --- The host's actions stay the host's ---------------------------------------------------------


ACTIONS = [
    ("live_console_start", LiveStatus.SCHEDULED),
    ("live_console_end", LiveStatus.LIVE),
    ("live_console_pin", LiveStatus.LIVE),
    ("live_console_deal_launch", LiveStatus.LIVE),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["named moderator", "superuser"])
@pytest.mark.parametrize(("name", "status"), ACTIONS)
def test_moderators_cannot_run_the_live_through_the_consoles_actions(who, name, status):
    session = live_session(status=status)
    product = factories.active_product(shop=session.shop)
    LiveSessionProductFactory(session=session, product=product)
    user = moderator_of(session.shop) if who == "named moderator" else superuser()
    data = {"product": product.pk, "price": 1_000, "units": 5, "minutes": 3, "per_buyer_limit": 1}

    response = logged_in(user).post(reverse(name, args=[session.pk]), data, **JSON)

    assert response.status_code == 404
    session.refresh_from_db()
    assert (session.status, session.pinned_product_id) == (status, None)
    assert not FlashDeal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["named moderator", "superuser"])
def test_moderators_cannot_stop_a_running_deal(who):
    session = live_session(status=LiveStatus.LIVE)
    product = factories.active_product(shop=session.shop)
    LiveSessionProductFactory(session=session, product=product)
    launched = logged_in(session.host).post(
        reverse("live_console_deal_launch", args=[session.pk]),
        {"product": product.pk, "price": 1_000, "units": 5, "minutes": 3, "per_buyer_limit": 1},
        **JSON,
    )
    deal_id = launched.json()["deal"]["id"]
    user = moderator_of(session.shop) if who == "named moderator" else superuser()

    response = logged_in(user).post(reverse("live_console_deal_stop", args=[session.pk, deal_id]), **JSON)

    assert response.status_code == 404
    assert FlashDeal.objects.get(pk=deal_id).status == FlashDealStatus.ACTIVE


# --- Who moderates in the chat ------------------------------------------------------------------


@pytest.mark.django_db
def test_platform_staff_moderate_every_room_but_the_shops_own_roles_come_first(django_assert_num_queries):
    session = live_session(status=LiveStatus.LIVE)
    direct = factories.UserFactory(username="langsung", is_staff=True)
    direct.user_permissions.add(Permission.objects.get(codename="moderate_product"))
    gone = superuser("mantan")
    gone.is_active = False
    gone.save()
    owning_staff = superuser("pemilik-staf")
    factories.ShopMemberFactory(shop=session.shop, user=owning_staff, role=MemberRole.OWNER)
    expected = {
        superuser().pk: policy.Role.PLATFORM_STAFF,
        staff_by_group().pk: policy.Role.PLATFORM_STAFF,
        direct.pk: policy.Role.PLATFORM_STAFF,
        gone.pk: policy.Role.VIEWER,
        owning_staff.pk: policy.Role.OWNER,
        owner_of(factories.ShopFactory()).pk: policy.Role.VIEWER,  # a seller elsewhere: is_staff only
    }

    with django_assert_num_queries(len(expected)):
        roles = {user_id: policy.room_role(session=session, user_id=user_id) for user_id in expected}

    assert roles == expected
    # Platform staff moderate every room as the shop's named moderators do.
    assert all(
        policy.may(role=roles[user_id], action=action)
        for user_id, role in expected.items()
        if role == policy.Role.PLATFORM_STAFF
        for action in policy.allowed_actions(role=policy.Role.MODERATOR)
    )


@pytest.mark.django_db
def test_staff_who_lose_the_permission_mid_live_stop_moderating_at_once():
    session = live_session(status=LiveStatus.LIVE)
    staff = staff_by_group()
    room = room_access.room_open(session_id=session.pk, user=staff)
    staff.groups.clear()

    with pytest.raises(errors.ModerationNotAllowed):
        moderation.chat_slow_mode_set(room=room, seconds=30)

    assert LiveSession.objects.get(pk=session.pk).slow_mode_seconds == 0


# --- Staff over the room's socket ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("room_channel_layer")
def test_platform_staff_review_held_messages_delete_and_mute_over_the_socket():
    session = live_session(status=LiveStatus.LIVE)
    staff = superuser()
    viewer = factories.UserFactory(username="pembeli")
    rude = ChatMessage.objects.create(session=session, user=viewer, text="jelek")
    staff_cookie, viewer_cookie = session_cookie(staff), session_cookie(viewer)

    async def scenario():
        mod, comm, watcher = await connect_all(session.pk, staff_cookie, viewer_cookie, None)
        await comm.send_json_to({"type": "chat", "text": "WA aja 0812345678"})
        held = await receive_type(mod, "held")
        await mod.send_json_to({"type": "delete", "message_id": rude.pk})
        removed = await receive_type(watcher, "removed")
        await mod.send_json_to({"type": "mute", "user_id": viewer.pk, "minutes": 15})
        acknowledged = await receive_type(mod, "moderated")
        told = await receive_type(comm, "error")
        await disconnect_all(mod, comm, watcher)
        return held, removed, acknowledged, told

    held, removed, acknowledged, told = async_to_sync(scenario)()
    assert (held["message"]["text"], held["message"]["held_reason"]) == (
        "WA aja 0812345678",
        HeldReason.WHATSAPP,
    )
    assert removed == {"type": "removed", "id": rude.pk}
    assert acknowledged == {"type": "moderated", "action": "mute", "user_id": viewer.pk}
    assert told["code"] == "muted"
    rude.refresh_from_db()
    assert (rude.status, rude.moderated_by) == (ChatMessageStatus.DELETED, staff)
    mute = LiveMute.objects.get()
    assert (mute.user, mute.muted_by) == (viewer, staff)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("room_channel_layer")
@pytest.mark.parametrize("target", ["owner", "host", "named moderator"])
def test_platform_staff_cannot_mute_or_ban_the_owner_the_host_or_a_moderator(target):
    session = live_session(status=LiveStatus.LIVE)
    target_user = {
        "owner": lambda: owner_of(session.shop),
        "host": lambda: session.host,
        "named moderator": lambda: moderator_of(session.shop),
    }[target]()
    staff_cookie = session_cookie(staff_by_group())

    ban_refusal, mute_refusal = ban_and_mute_refusals(session.pk, staff_cookie, target_user.pk)
    assert ban_refusal["code"] == mute_refusal["code"] == "protected"
    assert not LiveBan.objects.exists()
    assert not LiveMute.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("room_channel_layer")
@pytest.mark.parametrize("actor", ["owner", "host"])
def test_the_shop_cannot_mute_or_ban_platform_staff_but_can_its_own_moderator(actor):
    session = live_session(status=LiveStatus.LIVE)
    shop_side = owner_of(session.shop) if actor == "owner" else session.host
    cookie = session_cookie(shop_side)

    ban_refusal, mute_refusal = ban_and_mute_refusals(session.pk, cookie, staff_by_group().pk)
    assert ban_refusal["code"] == mute_refusal["code"] == "protected"
    assert not LiveBan.objects.exists()
    assert not LiveMute.objects.exists()

    own_moderator = moderator_of(session.shop)
    room = room_access.room_open(session_id=session.pk, user=shop_side)
    moderation.chat_user_mute(room=room, user_id=own_moderator.pk, minutes=5)
    assert LiveMute.objects.get().user == own_moderator


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("room_channel_layer")
def test_a_named_moderator_cannot_mute_platform_staff_and_a_seller_elsewhere_cannot_moderate():
    session = live_session(status=LiveStatus.LIVE)
    staff = superuser()
    message = ChatMessage.objects.create(session=session, user=staff, text="Halo semua, tim Lapak di sini")
    moderator_cookie = session_cookie(moderator_of(session.shop))
    seller_cookie = session_cookie(owner_of(factories.ShopFactory()))

    async def scenario():
        mod, seller = communicator(session.pk, moderator_cookie), communicator(session.pk, seller_cookie)
        await mod.connect()
        await seller.connect()
        await drain(mod)
        await drain(seller)
        await mod.send_json_to({"type": "mute", "user_id": staff.pk, "minutes": 5})
        protected = await receive_type(mod, "error")
        await seller.send_json_to({"type": "delete", "message_id": message.pk})
        forbidden = await receive_type(seller, "error")
        await mod.disconnect()
        await seller.disconnect()
        return protected, forbidden

    protected, forbidden = async_to_sync(scenario)()
    assert protected["code"] == "protected"
    assert forbidden["code"] == "forbidden"
    assert not LiveMute.objects.exists()
    assert ChatMessage.objects.get().status == ChatMessageStatus.VISIBLE


# --- Naming moderators in the Seller Center -----------------------------------------------------


MODERATORS = reverse("admin:live_livemoderator_changelist")


def moderator_delete_url(moderator: LiveModerator) -> str:
    return reverse("admin:live_livemoderator_delete", args=[moderator.pk])


@pytest.mark.django_db
def test_an_owner_names_a_moderator_who_then_moderates_until_removed():
    session = live_session(status=LiveStatus.LIVE)
    owner = owner_of(session.shop, "pemilik")
    member = factories.ShopMemberFactory(shop=session.shop, role=MemberRole.STAFF, user__username="sari")
    owner_client, member_client = logged_in(owner), logged_in(member.user)
    assert member_client.get(console(session)).status_code == 404

    named = owner_client.post(reverse("admin:live_livemoderator_add"), {"member": member.pk})
    page = page_of(member_client.get(console(session)))
    session_admin = page_of(member_client.get(reverse("admin:live_livesession_change", args=[session.pk])))
    moderator = LiveModerator.objects.get()
    removed = owner_client.post(moderator_delete_url(moderator), {"post": "yes"})

    assert named.status_code == 302
    assert (moderator.member, moderator.appointed_by) == (member, owner)
    assert one(page, "data-console")["data-mode"] == "moderate"
    assert one(session_admin, "data-admin-console-link")["href"] == console(session)
    assert removed.status_code == 302
    assert not LiveModerator.objects.exists()
    assert member_client.get(console(session)).status_code == 404


@pytest.mark.django_db
def test_an_owner_lists_and_removes_only_their_own_shops_moderators():
    mine, theirs = factories.ShopFactory(name="Toko Andalas"), factories.ShopFactory(name="Toko Bromo")
    owner = owner_of(mine, "ani")
    moderator_of(mine, "sari")
    moderator_of(theirs, "bayu")
    client = logged_in(owner)
    foreign = LiveModerator.objects.get(member__shop=theirs)

    listing = client.get(MODERATORS)
    removal = client.post(moderator_delete_url(foreign), {"post": "yes"})
    again = client.post(
        reverse("admin:live_livemoderator_add"), {"member": mine.memberships.get(user__username="sari").pk}
    )

    assert [row.member.user.username for row in listing.context["cl"].result_list] == ["sari"]
    assert (removal.status_code, removal.url) == (302, reverse("admin:index"))
    assert LiveModerator.objects.filter(pk=foreign.pk).exists()
    # Naming the same member twice is a form error, not a second row (nor a 500).
    assert again.status_code == 200
    assert "member" in again.context["adminform"].form.errors
    assert LiveModerator.objects.filter(member__shop=mine).count() == 1


def test_the_refusal_to_delete_reads_in_indonesian():
    with translation.override("id"):
        assert str(errors.MessageProtected()) == "Anda tidak dapat menghapus pesan orang ini."
