"""`manage.py seed_demo_live`: the thrift shop's demo lives, created once."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from live.enums import LiveStatus
from live.models import ChatMessage, LiveBlockedWord, LiveOrder, LiveSession
from marketplace.management.commands import seed_demo_live
from orders.enums import OrderStatus
from orders.models import Order, Review
from shops.enums import MemberRole
from shops.models import Shop
from tests.kit import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def thrift():
    shop = factories.ShopFactory(slug="lemari-thrift-jogja", name="Lemari Thrift Jogja")
    factories.ShopMemberFactory(shop=shop, role=MemberRole.OWNER, user__username="thrift")
    factories.ShopMemberFactory(shop=shop, role=MemberRole.HOST, user__username="host_thrift")
    for i in range(5):
        factories.active_product(shop=shop, title=f"Jaket {i}")
    return shop


def test_running_twice_creates_one_upcoming_and_one_past_session(thrift):
    call_command("seed_demo_live", verbosity=0)
    call_command("seed_demo_live", verbosity=0)

    sessions = {s.status: s for s in LiveSession.objects.filter(shop=thrift)}
    assert LiveSession.objects.count() == 2
    upcoming, past = sessions[LiveStatus.SCHEDULED], sessions[LiveStatus.ENDED]
    assert upcoming.host.username == past.host.username == "host_thrift"
    assert upcoming.planned_start > timezone.now()
    # No demo buyers here: the room's numbers, the host's chat, and no orders.
    assert (past.peak_viewers, past.unique_viewers, past.like_count) == (148, 612, 5_210)
    assert (past.order_count, past.revenue, past.message_count) == (0, 0, 4)
    assert past.started_at < past.ended_at < timezone.now()
    assert upcoming.session_products.count() == past.session_products.count() == 4
    assert LiveBlockedWord.objects.filter(shop=thrift).exists()


def test_a_passed_demo_session_moves_to_tomorrow(thrift):
    call_command("seed_demo_live", verbosity=0)
    upcoming = LiveSession.objects.get(title=seed_demo_live.UPCOMING_TITLE)
    LiveSession.objects.filter(pk=upcoming.pk).update(
        planned_start=timezone.now() - timezone.timedelta(days=2)
    )

    call_command("seed_demo_live", verbosity=0)

    upcoming.refresh_from_db()
    assert upcoming.planned_start > timezone.now()
    assert LiveSession.objects.count() == 2


def test_after_the_demo_live_has_ended_the_next_start_schedules_a_fresh_one(thrift):
    call_command("seed_demo_live", verbosity=0)
    LiveSession.objects.filter(title=seed_demo_live.UPCOMING_TITLE).update(
        status=LiveStatus.ENDED, started_at=timezone.now(), ended_at=timezone.now()
    )

    call_command("seed_demo_live", verbosity=0)

    fresh = LiveSession.objects.get(title=seed_demo_live.UPCOMING_TITLE, status=LiveStatus.SCHEDULED)
    assert fresh.planned_start > timezone.now()
    assert fresh.session_products.count() == 4
    assert LiveSession.objects.filter(status=LiveStatus.ENDED).count() == 2


def test_a_missing_thrift_shop_is_skipped():
    factories.ShopFactory(slug="toko-lain")

    call_command("seed_demo_live", verbosity=0)

    assert not LiveSession.objects.exists()


@pytest.fixture
def demo(db):
    call_command("seed_demo", products_per_shop=2, stdout=io.StringIO())
    call_command("seed_demo_live", verbosity=0)
    return Shop.objects.get(slug="lemari-thrift-jogja")


def test_the_past_live_sums_up_its_real_orders_and_chat(demo):
    past = LiveSession.objects.get(shop=demo, title=seed_demo_live.PAST_TITLE)
    live_orders = [live_order.order for live_order in LiveOrder.objects.filter(session=past)]
    sold = [order for order in live_orders if order.status != OrderStatus.CANCELLED]

    assert sorted(order.status for order in live_orders) == [
        OrderStatus.CANCELLED,
        OrderStatus.COMPLETED,
        OrderStatus.COMPLETED,
        OrderStatus.COMPLETED,
    ]
    assert past.status == LiveStatus.ENDED
    assert (past.order_count, past.revenue) == (3, sum(order.subtotal - order.discount for order in sold))
    assert past.revenue > 0
    assert (
        past.message_count
        == ChatMessage.objects.filter(session=past).count()
        == len(seed_demo_live.PAST_CHAT)
    )
    assert (past.peak_viewers, past.unique_viewers, past.like_count) == (148, 612, 5_210)
    now = timezone.now()
    assert now - timedelta(days=7) < past.started_at < past.ended_at < now - timedelta(days=5)
    for order in live_orders:
        assert past.started_at < order.created_at < past.ended_at
    for message in ChatMessage.objects.filter(session=past):
        assert past.started_at < message.created_at < past.ended_at
    # It features the one-off pieces it sold; the upcoming live features pieces still on sale.
    assert {p.product_id for p in past.session_products.all()} == {
        o.items.get().product_id for o in live_orders
    }
    upcoming = LiveSession.objects.get(shop=demo, title=seed_demo_live.UPCOMING_TITLE)
    assert all(p.product.stock_total == 1 for p in upcoming.session_products.select_related("product"))
    assert Review.objects.filter(order_item__order__in=live_orders).count() == 2


def test_the_past_live_is_told_once(demo):
    counts = (LiveSession.objects.count(), Order.objects.count(), ChatMessage.objects.count())

    call_command("seed_demo_live", verbosity=0)

    assert (LiveSession.objects.count(), Order.objects.count(), ChatMessage.objects.count()) == counts
