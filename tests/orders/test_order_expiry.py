"""Unpaid orders expire after the payment window and give back what they hold."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders import tasks
from orders.enums import OrderEventKind, OrderStatus, PaymentMethod
from orders.lifecycle import PAYMENT_EXPIRED_REASON, orders_expire_unpaid
from orders.models import Order, OrderEvent, Voucher, VoucherRedemption
from shops.models import Product, ProductVariant
from tests.kit.buying import place
from tests.kit.factories import UserFactory, VoucherFactory, make_variant

pytestmark = [pytest.mark.django_db]


def unpaid(buyer, variant, quantity=2, **kwargs):
    return place(
        buyer, [(variant, quantity)], payment_method=PaymentMethod.BANK_TRANSFER, **kwargs
    ).orders.get()


def make_overdue(order, minutes=1):
    Order.objects.filter(pk=order.pk).update(payment_due_at=timezone.now() - timedelta(minutes=minutes))


def test_an_overdue_unpaid_order_is_cancelled_and_releases_stock_and_voucher():
    # given
    buyer = UserFactory()
    variant = make_variant(stock=10)
    voucher = VoucherFactory(code="TELAT")
    order = unpaid(buyer, variant, platform_voucher_code="TELAT")
    make_overdue(order)
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8
    assert Voucher.objects.get(pk=voucher.pk).used_count == 1

    # when
    expired = orders_expire_unpaid()

    # then
    assert expired == 1
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, PAYMENT_EXPIRED_REASON)
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    assert Product.objects.get(pk=variant.product_id).stock_total == 10
    assert Voucher.objects.get(pk=voucher.pk).used_count == 0
    assert VoucherRedemption.objects.get().released_at is not None
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.from_status, event.to_status, event.actor, event.kind, event.note) == (
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.CANCELLED,
        None,
        OrderEventKind.PAYMENT_EXPIRED,
        "",
    )


def test_running_it_twice_changes_nothing_more():
    buyer = UserFactory()
    variant = make_variant(stock=10)
    make_overdue(unpaid(buyer, variant))
    assert orders_expire_unpaid() == 1
    events = OrderEvent.objects.count()

    assert orders_expire_unpaid() == 0

    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    assert OrderEvent.objects.count() == events


def test_orders_not_yet_due_and_cash_on_delivery_orders_are_left_alone():
    buyer = UserFactory()
    variant = make_variant(stock=10)
    not_due = unpaid(buyer, variant)
    cod = place(buyer, [(variant, 1)], payment_method=PaymentMethod.COD).orders.get()
    paid = unpaid(buyer, variant)
    make_overdue(paid)
    Order.objects.filter(pk=paid.pk).update(status=OrderStatus.TO_SHIP)  # paid just in time

    assert orders_expire_unpaid() == 0

    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {
        not_due.pk: OrderStatus.AWAITING_PAYMENT,
        cod.pk: OrderStatus.TO_SHIP,
        paid.pk: OrderStatus.TO_SHIP,
    }
    assert ProductVariant.objects.get(pk=variant.pk).stock == 5


def test_now_decides_what_is_overdue():
    buyer = UserFactory()
    variant = make_variant(stock=10)
    order = unpaid(buyer, variant)

    assert orders_expire_unpaid(now=order.payment_due_at - timedelta(seconds=1)) == 0
    assert orders_expire_unpaid(now=order.payment_due_at) == 1


def test_the_task_expires_overdue_orders():
    buyer = UserFactory()
    variant = make_variant(stock=10)
    order = unpaid(buyer, variant)
    make_overdue(order)

    assert tasks.expire_unpaid_orders() == 1
    assert tasks.expire_unpaid_orders() == 0
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


def test_the_task_runs_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["expire-unpaid-orders"]
    assert entry == {"task": "orders.tasks.expire_unpaid_orders", "schedule": 60}
    assert tasks.expire_unpaid_orders.name == entry["task"]
