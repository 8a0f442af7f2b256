"""What every viewer of a room hears when the host or a buyer changes something, and what a
socket reads on (re)connecting: pinned product, flash deal start / units / end, purchases,
one-off item queues, the end of the live. Real Redis channel layer, real PostgreSQL."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from live import claims, deals, errors, services
from live.enums import FlashClaimStatus, FlashDealStatus, ItemClaimStatus, LiveStatus
from live.models import FlashDeal, FlashDealClaim, ItemClaim, LiveSession, LiveSessionProduct
from orders.enums import OrderStatus, PaymentMethod
from orders.lifecycle import order_transition
from shops.enums import Condition, MemberRole
from tests.kit.buying import buy, host_launches
from tests.kit.factories import AddressFactory, ShopMemberFactory, UserFactory, live_with_item, make_variant
from tests.kit.realtime import (
    communicator,
    connect_all,
    disconnect_all,
    receive_type,
    session_cookie,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.english,
    pytest.mark.usefixtures("room_channel_layer"),
]


@pytest.fixture
def room():
    session, variant = live_with_item(stock=20, price=150_000)
    LiveSessionProduct.objects.create(session=session, product=variant.product, position=0)
    return session, variant


def _host_client(session) -> Client:
    client = Client()
    client.force_login(session.host)
    return client


def _post_json(client, url, data=None):
    # English answers (the site's default is Indonesian), as for a shopper who chose English.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(url, data or {}, HTTP_ACCEPT="application/json")


# --- Connecting: the state is read from PostgreSQL ----------------------------------------------


def test_a_socket_reads_pinned_product_and_running_deal_on_connect(room):
    # given a pinned product and a deal with two of five units claimed, pushed while nobody was
    # listening (as when Redis restarted)
    session, variant = room
    services.session_pin(session=session, actor=session.host, product=variant.product)
    deal = host_launches(session, variant, price=99_000, units=5, duration_seconds=300, per_buyer_limit=2)
    deals.deal_claim(buyer=UserFactory(), deal=deal, quantity=2)

    async def scenario():
        comm = communicator(session.pk)
        await comm.connect()
        state = await receive_type(comm, "state")
        await comm.disconnect()
        return state

    # when
    state = async_to_sync(scenario)()

    # then
    assert state["status"] == "live"
    assert state["pinned"]["id"] == variant.product_id
    assert state["pinned"]["price_display"] == "Rp 150.000"
    assert state["pinned"]["variants"][0]["buy_url"] == f"/live/{session.pk}/beli/?variant={variant.pk}"
    assert state["deal"]["id"] == deal.pk
    assert state["deal"]["price_display"] == "Rp 99.000"
    assert state["deal"]["normal_price_display"] == "Rp 150.000"
    assert state["deal"]["units_left"] == 3
    assert 290 <= state["deal"]["seconds_left"] <= 300
    assert state["deal"]["buy_url"] == f"/live/{session.pk}/beli/?variant={variant.pk}&deal={deal.pk}"


# --- The host's actions reach every viewer ------------------------------------------------------


def test_pinning_from_the_console_reaches_every_viewer_and_unpinning_too(room):
    session, variant = room
    viewer = UserFactory()
    cookie = session_cookie(viewer)
    host = _host_client(session)
    url = reverse("live_console_pin", args=[session.pk])

    async def scenario():
        anonymous, shopper = await connect_all(session.pk, None, cookie)
        answer = await database_sync_to_async(_post_json)(host, url, {"product": variant.product_id})
        pinned = [await receive_type(c, "pinned") for c in (anonymous, shopper)]
        await database_sync_to_async(_post_json)(host, url, {"product": ""})
        unpinned = await receive_type(anonymous, "pinned")
        await disconnect_all(anonymous, shopper)
        return answer, pinned, unpinned

    answer, pinned, unpinned = async_to_sync(scenario)()

    assert answer.status_code == 200
    assert answer.json()["ok"] is True
    assert [event["product"]["title"] for event in pinned] == [variant.product.title] * 2
    assert unpinned["product"] is None
    assert LiveSession.objects.get(pk=session.pk).pinned_product_id is None


def test_a_shopper_cannot_pin_or_launch_a_deal(room):
    session, variant = room
    shopper = Client()
    shopper.force_login(UserFactory())

    pin = _post_json(shopper, reverse("live_console_pin", args=[session.pk]), {"product": variant.product_id})
    launch = _post_json(
        shopper,
        reverse("live_console_deal_launch", args=[session.pk]),
        {"product": variant.product_id, "price": 1000, "units": 5, "minutes": 5, "per_buyer_limit": 1},
    )

    assert (pin.status_code, launch.status_code) == (404, 404)
    assert LiveSession.objects.get(pk=session.pk).pinned_product_id is None
    assert not FlashDeal.objects.filter(session=session).exists()


def test_flash_deal_start_units_and_stop_are_pushed_to_all_viewers(room, settings):
    session, variant = room
    host = _host_client(session)
    buyer = UserFactory()

    async def scenario():
        first, second = await connect_all(session.pk, None, None)
        answer = await database_sync_to_async(_post_json)(
            host,
            reverse("live_console_deal_launch", args=[session.pk]),
            {
                "product": variant.product_id,
                "variant": variant.pk,
                "price": 75_000,
                "units": 5,
                "minutes": 2,
                "per_buyer_limit": 2,
            },
        )
        started = [await receive_type(c, "deal") for c in (first, second)]
        deal = await database_sync_to_async(FlashDeal.objects.get)(session=session)
        await database_sync_to_async(deals.deal_claim)(buyer=buyer, deal=deal, quantity=2)
        # Units left ride on the next tick, not one push per claim.
        settings.LIVE_TICK_SECONDS = 0.2
        await disconnect_all(first, second)
        (watcher,) = await connect_all(session.pk, None)
        stats = await receive_type(watcher, "stats", timeout=3)
        settings.LIVE_TICK_SECONDS = 30
        await database_sync_to_async(_post_json)(
            host, reverse("live_console_deal_stop", args=[session.pk, deal.pk])
        )
        ended = await receive_type(watcher, "deal_ended")
        await disconnect_all(watcher)
        return answer, started, stats, ended, deal

    answer, started, stats, ended, deal = async_to_sync(scenario)()

    assert answer.status_code == 200
    for event in started:
        assert event["deal"]["price_display"] == "Rp 75.000"
        assert event["deal"]["units_left"] == 5
        assert 110 <= event["deal"]["seconds_left"] <= 120
    assert stats["deal"] == {"id": deal.pk, "units_left": 3}
    assert ended == {"type": "deal_ended", "id": deal.pk, "status": FlashDealStatus.STOPPED}
    # The held (never ordered) claim gave its units back when the deal stopped.
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 0


def test_a_deal_whose_time_is_up_ends_for_everyone_without_the_console(room):
    session, variant = room
    deal = host_launches(session, variant, price=75_000, units=5, duration_seconds=60)

    async def scenario():
        first, second = await connect_all(session.pk, None, None)
        past = timezone.now() - timedelta(seconds=1)
        await database_sync_to_async(FlashDeal.objects.filter(pk=deal.pk).update)(
            started_at=past - timedelta(minutes=1), ends_at=past
        )
        # The beat job's work (live.tasks.end_due_flash_deals).
        ended = await database_sync_to_async(deals.deals_end_due)()
        events = [await receive_type(c, "deal_ended") for c in (first, second)]
        await disconnect_all(first, second)
        return ended, events

    ended, events = async_to_sync(scenario)()

    assert ended == 1
    assert [e["id"] for e in events] == [deal.pk, deal.pk]
    assert {e["status"] for e in events} == {FlashDealStatus.ENDED}


def test_a_refused_deal_launch_answers_the_reason_and_pushes_nothing(room):
    session, variant = room
    host = _host_client(session)

    async def scenario():
        (viewer,) = await connect_all(session.pk, None)
        answer = await database_sync_to_async(_post_json)(
            host,
            reverse("live_console_deal_launch", args=[session.pk]),
            {"product": variant.product_id, "price": 150_000, "units": 5, "minutes": 2, "per_buyer_limit": 1},
        )
        quiet = await viewer.receive_nothing(timeout=0.5)
        await disconnect_all(viewer)
        return answer, quiet

    answer, quiet = async_to_sync(scenario)()

    assert answer.status_code == 400
    assert answer.json()["error"] == "The deal price must be below the normal price."
    assert quiet is True


# --- Buyers -------------------------------------------------------------------------------------


def test_a_purchase_toasts_the_room_and_only_the_host_sees_the_order(room):
    session, variant = room
    buyer = UserFactory(display_name="Andi")
    address = AddressFactory(user=buyer)
    viewer_cookie = session_cookie(UserFactory())
    host_cookie = session_cookie(session.host)

    async def scenario():
        viewer, host = await connect_all(session.pk, viewer_cookie, host_cookie)
        await database_sync_to_async(buy)(buyer, address.pk, session, variant=variant)
        toast = await receive_type(viewer, "purchase")
        order = await receive_type(host, "order")
        viewer_hears_nothing_more = await viewer.receive_nothing(timeout=0.5)
        await disconnect_all(viewer, host)
        return toast, order, viewer_hears_nothing_more

    toast, order, quiet = async_to_sync(scenario)()

    assert toast == {"type": "purchase", "name": "Andi", "product": variant.product.title}
    assert order["buyer"] == "Andi"
    assert order["quantity"] == 1
    assert order["total"] >= 150_000
    assert order["total_display"].startswith("Rp ")
    assert quiet is True  # no "order" event for viewers
    session.refresh_from_db()
    assert (session.order_count, session.revenue) == (1, 150_000)


def test_one_off_queue_is_shown_to_all_and_the_next_in_line_is_told_when_it_passes(room):
    session, _variant = room
    item = make_variant(shop=session.shop, stock=1, price=80_000)
    item.product.condition = Condition.GOOD
    item.product.save()
    LiveSessionProduct.objects.create(session=session, product=item.product, position=1)
    first, second = UserFactory(), UserFactory()
    second_cookie = session_cookie(second)

    async def scenario():
        watcher, second_socket = await connect_all(session.pk, None, second_cookie)
        holding = await database_sync_to_async(claims.item_claim)(buyer=first, session=session, variant=item)
        held = await receive_type(watcher, "item")
        await database_sync_to_async(claims.item_claim)(buyer=second, session=session, variant=item)
        queued = await receive_type(watcher, "item")
        await database_sync_to_async(claims.item_claim_withdraw)(buyer=first, claim=holding)
        yours = await receive_type(second_socket, "item_yours")
        after = await receive_type(watcher, "item")
        watcher_told_nothing = await watcher.receive_nothing(timeout=0.3)
        await disconnect_all(watcher, second_socket)
        return held, queued, yours, after, watcher_told_nothing

    held, queued, yours, after, quiet = async_to_sync(scenario)()

    assert held == {"type": "item", "variant_id": item.pk, "held": True, "waiting": 0}
    assert queued == {"type": "item", "variant_id": item.pk, "held": True, "waiting": 1}
    assert yours["variant_id"] == item.pk
    assert yours["title"] == item.product.title
    assert yours["buy_url"] == f"/live/{session.pk}/beli/?variant={item.pk}"
    assert after == {"type": "item", "variant_id": item.pk, "held": True, "waiting": 0}
    assert quiet is True  # item_yours went to the new holder only


@pytest.mark.parametrize("payment_method", [PaymentMethod.BANK_TRANSFER, PaymentMethod.COD])
def test_when_the_holder_pays_the_line_behind_closes_and_each_waiting_buyer_is_told(room, payment_method):
    session, _variant = room
    item = make_variant(shop=session.shop, stock=1, price=80_000)
    item.product.condition = Condition.GOOD
    item.product.save()
    LiveSessionProduct.objects.create(session=session, product=item.product, position=1)
    holder, waiting = UserFactory(), UserFactory()
    address = AddressFactory(user=holder)
    waiting_cookie = session_cookie(waiting)

    async def scenario():
        watcher, waiting_socket = await connect_all(session.pk, None, waiting_cookie)
        hold = await database_sync_to_async(claims.item_claim)(buyer=holder, session=session, variant=item)
        await database_sync_to_async(claims.item_claim)(buyer=waiting, session=session, variant=item)
        checkout = await database_sync_to_async(buy)(
            holder, address.pk, session, claim=hold, payment_method=payment_method
        )
        order = await database_sync_to_async(checkout.orders.get)()
        if order.status == OrderStatus.AWAITING_PAYMENT:
            # Still a backup while the transfer may never come: nobody is told anything yet.
            told = []
            while not await waiting_socket.receive_nothing(timeout=0.3):
                told.append((await waiting_socket.receive_json_from())["type"])
            assert "item_gone" not in told
            await database_sync_to_async(order_transition)(
                order=order, to=OrderStatus.TO_SHIP, actor=None, note="paid"
            )
        gone = await receive_type(waiting_socket, "item_gone")
        queue = await receive_type(watcher, "item")
        while queue["held"] or queue["waiting"]:  # the earlier queue changes come first
            queue = await receive_type(watcher, "item")
        await disconnect_all(watcher, waiting_socket)
        return gone, queue

    gone, queue = async_to_sync(scenario)()

    assert gone == {
        "type": "item_gone",
        "session_id": session.pk,
        "variant_id": item.pk,
        "title": item.product.title,
    }
    assert queue == {"type": "item", "variant_id": item.pk, "held": False, "waiting": 0}
    assert ItemClaim.objects.get(buyer=waiting).status == ItemClaimStatus.CLOSED
    with pytest.raises(errors.ItemSoldOut):
        claims.item_claim(buyer=UserFactory(), session=session, variant=item)


def test_ending_the_live_tells_the_room_and_returns_unordered_deal_units(room):
    session, variant = room
    deal = host_launches(session, variant, price=75_000, units=5, duration_seconds=300, per_buyer_limit=3)
    claim = deals.deal_claim(buyer=UserFactory(), deal=deal, quantity=3)
    host = _host_client(session)

    async def scenario():
        (viewer,) = await connect_all(session.pk, None)
        answer = await database_sync_to_async(_post_json)(
            host, reverse("live_console_end", args=[session.pk])
        )
        ended_deal = await receive_type(viewer, "deal_ended")
        ended = await receive_type(viewer, "session")
        await disconnect_all(viewer)
        return answer, ended_deal, ended

    answer, ended_deal, ended = async_to_sync(scenario)()

    assert answer.json()["status"] == LiveStatus.ENDED
    assert ended_deal["id"] == deal.pk
    assert ended == {"type": "session", "status": "ended"}
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 0
    assert FlashDealClaim.objects.get(pk=claim.pk).status == FlashClaimStatus.RELEASED


def test_a_host_member_may_run_the_console_of_another_shop_not(room):
    session, variant = room
    other_session, _ = live_with_item()
    host_member = ShopMemberFactory(shop=session.shop, role=MemberRole.HOST).user
    client = Client()
    client.force_login(host_member)
    url = reverse("live_console_pin", args=[session.pk])

    own = _post_json(client, url, {"product": variant.product_id})
    foreign = _post_json(client, reverse("live_console_pin", args=[other_session.pk]), {"product": ""})

    assert own.status_code == 200
    assert foreign.status_code == 404
