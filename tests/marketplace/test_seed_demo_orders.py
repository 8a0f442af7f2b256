"""`manage.py seed_demo_orders`: the demo shops' past, written by the real services and dated."""

import io
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from marketplace.demo import data as demo_data
from marketplace.demo import orders as demo_history
from marketplace.management.commands.seed_demo_orders import STORIES
from marketplace.models import Notification
from orders.enums import ORDER_TRANSITIONS, OrderStatus
from orders.lifecycle import orders_expire_unpaid
from orders.models import Order, OrderEvent, Payment, ReturnRequest, Review, Shipment, TrackingEvent
from orders.returns import orders_auto_complete, returns_auto_approve
from orders.reviews import REVIEWABLE_STATUSES
from shops.models import Product, ProductVariant, Shop

ORDERS = reverse("admin:orders_order_changelist")
OWNERS = {spec.slug: spec.owner["username"] for spec in demo_data.SHOPS}
# How each story's order stands once told: an expired payment cancels the order.
FINAL_STATUS = {
    demo_history.COMPLETED: OrderStatus.COMPLETED,
    demo_history.SHIPPED: OrderStatus.SHIPPED,
    demo_history.TO_SHIP: OrderStatus.TO_SHIP,
    demo_history.RETURN_REQUESTED: OrderStatus.RETURN_REQUESTED,
    demo_history.RETURNED: OrderStatus.RETURNED,
    demo_history.CANCELLED: OrderStatus.CANCELLED,
    demo_history.EXPIRED: OrderStatus.CANCELLED,
}
MODELS = [Order, OrderEvent, Payment, Shipment, TrackingEvent, ReturnRequest, Review, Notification, Product]


def snapshot() -> dict:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["stock"] = ProductVariant.objects.aggregate(total=Sum("stock"))["total"]
    counts["ratings"] = sorted(Shop.objects.values_list("slug", "rating_count", "rating_sum"))
    return counts


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The small demo catalog `make run`'s own test uses, then the past: seeded once per module,
    in a transaction rolled back at its end (each test's own transaction nests inside)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", products_per_shop=2, stdout=io.StringIO())
        call_command("seed_demo_vouchers", verbosity=0)
        before = dict(ProductVariant.objects.values_list("sku", "stock"))
        started = time.monotonic()
        call_command("seed_demo_orders", verbosity=0)
        elapsed = time.monotonic() - started
        yield {"stock_before": before, "elapsed": elapsed}
        transaction.set_rollback(True)


@pytest.fixture
def db_seeded(seeded, db):
    return seeded


def test_each_seller_sees_their_own_orders_in_every_state(db_seeded, client):
    for slug, username in OWNERS.items():
        shop = Shop.objects.get(slug=slug)
        client.force_login(shop.memberships.get(user__username=username).user)

        response = client.get(ORDERS)

        assert response.status_code == 200
        listed = list(response.context["cl"].result_list)
        assert {order.shop_id for order in listed} == {shop.pk}
        expected = Counter(FINAL_STATUS[story.ending] for story in STORIES[slug])
        assert Counter(order.status for order in listed) == expected
        assert {OrderStatus.COMPLETED, OrderStatus.SHIPPED, OrderStatus.TO_SHIP} <= set(expected)
        assert {OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED} & set(expected)
        assert OrderStatus.CANCELLED in expected


def test_reviews_are_verified_purchases_counted_on_products_and_shops(db_seeded):
    reviewed = [story for stories in STORIES.values() for story in stories if story.review]
    reviews = Review.objects.select_related("order_item__order")
    assert reviews.count() == len(reviewed)
    for review in reviews:
        order = review.order_item.order
        assert (review.buyer_id, review.shop_id, review.product_id) == (
            order.buyer_id,
            order.shop_id,
            review.order_item.product_id,
        )
        assert order.status in REVIEWABLE_STATUSES
        assert review.created_at > order.shipment.delivered_at
    for shop in Shop.objects.all():
        ratings = [s.review.rating for s in STORIES[shop.slug] if s.review]
        assert (shop.rating_count, shop.rating_sum) == (len(ratings), sum(ratings))
    assert Review.objects.filter(photos__isnull=False).distinct().count() == sum(
        1 for story in reviewed if story.review.photo
    )
    assert Review.objects.exclude(seller_reply="").count() == sum(
        1 for story in reviewed if story.review.reply
    )


def test_every_order_has_its_whole_trail_in_the_past_weeks(db_seeded):
    now = timezone.now()
    for order in Order.objects.prefetch_related("events"):
        events = sorted(order.events.all(), key=lambda event: (event.created_at, event.pk))
        assert events[0].from_status == ""
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in ORDER_TRANSITIONS[before.to_status]
        assert events[-1].to_status == order.status
        assert now - timedelta(days=30) < order.created_at == events[0].created_at < now - timedelta(hours=1)
        assert order.updated_at == events[-1].created_at < now
        assert order.number.startswith(f"LPK-{timezone.localtime(order.created_at):%y%m%d}-")


def test_the_past_leaves_nothing_due_for_the_jobs_and_no_email_to_send(db_seeded):
    now = timezone.now()

    assert orders_expire_unpaid(now=now) == 0
    assert orders_auto_complete(now=now) == 0
    assert returns_auto_approve(now=now) == 0
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert Notification.objects.filter(created_at__gt=now - timedelta(minutes=1)).count() == 0
    for request in ReturnRequest.objects.filter(decided_at__isnull=True):
        assert request.respond_by > now + timedelta(hours=12)
    # Every notification names the order by the number it has now.
    numbers = set(Order.objects.values_list("number", flat=True))
    for notification in Notification.objects.filter(kind__startswith="order_"):
        named = [word.strip(",.;:") for word in f"{notification.title} {notification.body}".split()]
        assert not [w for w in named if w.startswith("LPK-") and w not in numbers]


def test_parcels_on_their_way_are_where_the_courier_says(db_seeded):
    for shipment in Shipment.objects.filter(order__status=OrderStatus.SHIPPED):
        assert shipment.delivered_at is None
        assert shipment.tracking_events.exists()
    for shipment in Shipment.objects.exclude(order__status=OrderStatus.SHIPPED):
        last = shipment.tracking_events.order_by("occurred_at").last()
        assert last.occurred_at == shipment.delivered_at > shipment.shipped_at + timedelta(hours=12)


def test_the_demo_catalog_keeps_its_stock(db_seeded):
    before = db_seeded["stock_before"]
    for sku, stock in ProductVariant.objects.values_list("sku", "stock"):
        if sku.startswith(demo_data.PAST_PIECE_SKU_PREFIX):
            continue  # the pieces sold in the past
        assert stock == before[sku] or stock >= demo_history.STOCK_KEPT
    # The thrift shop's one-off items on sale before are all still on sale.
    thrift = [sku for sku, stock in before.items() if sku.startswith(demo_data.THRIFT.sku_prefix)]
    assert dict(ProductVariant.objects.filter(sku__in=thrift).values_list("sku", "stock")) == {
        sku: before[sku] for sku in thrift
    }


def test_running_again_adds_nothing(db_seeded):
    before = snapshot()

    call_command("seed_demo_orders", verbosity=0)

    assert snapshot() == before


def test_seeding_the_past_is_quick(db_seeded):
    assert db_seeded["elapsed"] < 20
