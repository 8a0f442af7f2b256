"""Order notifications: placed, shipped, cancelled, each to the party that needs to know."""

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.models import Notification
from orders.enums import OrderStatus
from orders.lifecycle import order_cancel, order_ship
from tests.kit.buying import place
from tests.kit.factories import make_order, make_variant

pytestmark = pytest.mark.django_db


def kinds(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("kind", "url"))


def test_placing_a_checkout_notifies_the_buyer(buyer):
    first, second = make_variant(), make_variant()

    checkout = place(buyer, [(first, 1), (second, 1)])
    place(buyer, [(first, 1)], key="sama")
    place(buyer, [(first, 1)], key="sama")  # a double submit places, and tells, once

    placed = Notification.objects.filter(user=buyer, kind="order_placed").order_by("id")
    assert placed.count() == 2
    body = placed.first().body
    assert all(order.number in body for order in checkout.orders.all())


def test_shipping_notifies_the_buyer(shop_factory, buyer, seller_factory):
    order = make_order(shop=shop_factory(), buyer=buyer, status=OrderStatus.TO_SHIP)

    order_ship(order=order, carrier="JNE", tracking_number="JNE123", actor=seller_factory(order.shop))

    assert kinds(buyer) == [("order_shipped", reverse("order_detail", args=[order.number]))]


def test_a_seller_cancel_notifies_the_buyer(shop_factory, buyer, seller_factory):
    order = make_order(shop=shop_factory(), buyer=buyer, status=OrderStatus.TO_SHIP)
    seller = seller_factory(order.shop)

    order_cancel(order=order, actor=seller, reason="Stok habis")

    assert kinds(buyer) == [("order_cancelled", reverse("order_detail", args=[order.number]))]
    assert Notification.objects.get(user=buyer).body == "Stok habis"
    assert kinds(seller) == []


def test_a_buyer_cancel_notifies_the_shop_owner(shop_factory, buyer, seller_factory):
    order = make_order(shop=shop_factory(), buyer=buyer, status=OrderStatus.TO_SHIP)
    owner = seller_factory(order.shop)
    staff = seller_factory(order.shop, username="staf", role="staff")

    order_cancel(order=order, actor=buyer, reason="")

    assert kinds(owner) == [("order_cancelled", reverse("admin:orders_order_change", args=[order.pk]))]
    assert kinds(buyer) == []
    assert kinds(staff) == []


def test_a_refused_cancel_notifies_nobody(shop_factory, buyer):
    order = make_order(shop=shop_factory(), buyer=buyer, status=OrderStatus.SHIPPED)

    with translation.override("en"), pytest.raises(Exception, match="cannot go"):
        order_cancel(order=order, actor=buyer, reason="")

    assert Notification.objects.count() == 0
