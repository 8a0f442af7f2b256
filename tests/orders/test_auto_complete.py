"""Delivered orders complete by themselves ORDER_AUTO_COMPLETE_DAYS after delivery, unless returned."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders import tasks
from orders.enums import OrderEventKind, OrderStatus, ReturnStatus
from orders.models import Order, OrderEvent, ReturnRequest, Shipment
from orders.returns import orders_auto_complete
from tests.kit.factories import ShopFactory, UserFactory, make_order

pytestmark = pytest.mark.django_db


def delivered(days_ago: float, status=OrderStatus.DELIVERED) -> Order:
    order = make_order(shop=ShopFactory(), buyer=UserFactory(), status=status)
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now() - timedelta(days=days_ago))
    return order


def test_delivered_n_days_ago_completes_once(settings):
    settings.ORDER_AUTO_COMPLETE_DAYS = 3
    order = delivered(3.1)

    assert tasks.auto_complete_delivered_orders() == 1
    assert tasks.auto_complete_delivered_orders() == 0

    assert Order.objects.get(pk=order.pk).status == OrderStatus.COMPLETED
    assert list(
        OrderEvent.objects.filter(order=order).values_list(
            "from_status", "to_status", "actor", "kind", "params"
        )
    ) == [
        ("", OrderStatus.DELIVERED, order.buyer_id, OrderEventKind.PLACED, {}),
        (OrderStatus.DELIVERED, OrderStatus.COMPLETED, None, OrderEventKind.AUTO_COMPLETED, {}),
    ]


def test_not_yet_n_days_is_untouched(settings):
    settings.ORDER_AUTO_COMPLETE_DAYS = 3
    order = delivered(2.9)

    assert orders_auto_complete() == 0
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    assert OrderEvent.objects.filter(order=order).count() == 1


def test_an_order_with_an_open_return_is_untouched(settings):
    settings.ORDER_AUTO_COMPLETE_DAYS = 3
    order = delivered(10, status=OrderStatus.RETURN_REQUESTED)
    ReturnRequest.objects.create(order=order, reason="Rusak", respond_by=timezone.now() + timedelta(hours=5))

    assert orders_auto_complete() == 0
    assert Order.objects.get(pk=order.pk).status == OrderStatus.RETURN_REQUESTED
    assert ReturnRequest.objects.get(order=order).status == ReturnStatus.REQUESTED
    assert OrderEvent.objects.filter(order=order).count() == 1


def test_the_setting_sets_the_delay(settings):
    settings.ORDER_AUTO_COMPLETE_DAYS = 7
    order = delivered(5)

    assert orders_auto_complete(now=timezone.now()) == 0
    assert orders_auto_complete(now=timezone.now() + timedelta(days=2.1)) == 1
    assert Order.objects.get(pk=order.pk).status == OrderStatus.COMPLETED
