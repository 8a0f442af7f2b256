"""The order state machine: every allowed move logged with its actor, every other refused."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from marketplace.transitions import TransitionNotAllowed
from orders.enums import ORDER_TRANSITIONS, OrderStatus, PaymentMethod
from orders.lifecycle import (
    CancelReasonRequired,
    ShipmentInvalid,
    order_cancel,
    order_confirm_received,
    order_ship,
    order_transition,
)
from orders.models import Order, OrderEvent, Shipment, Voucher, VoucherRedemption
from orders.selectors import ShopChoice
from shops.models import Product, ProductVariant
from tests.kit.buying import place
from tests.kit.factories import OrderFactory, UserFactory, VoucherFactory, make_variant

pytestmark = [pytest.mark.django_db]

ALL_PAIRS = list(itertools.product(OrderStatus.values, repeat=2))
ALLOWED = [(current, target) for current, target in ALL_PAIRS if target in ORDER_TRANSITIONS[current]]
REFUSED = [(current, target) for current, target in ALL_PAIRS if target not in ORDER_TRANSITIONS[current]]


def test_the_table_covers_every_status():
    assert set(ORDER_TRANSITIONS) == set(OrderStatus.values)
    assert len(ALLOWED) + len(REFUSED) == len(OrderStatus.values) ** 2 == 64


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_an_allowed_move_succeeds_and_is_logged_with_its_actor(current, target):
    order = OrderFactory(status=current)
    actor = UserFactory()

    moved = order_transition(order=order, to=target, actor=actor, note="catatan")

    assert moved.status == target
    assert order.status == target  # the caller's instance follows
    assert Order.objects.get(pk=order.pk).status == target
    event = OrderEvent.objects.get(order=order)
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        current,
        target,
        actor,
        "catatan",
    )


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_any_other_move_is_refused_and_writes_nothing(current, target):
    order = OrderFactory(status=current)
    before = Order.objects.values().get(pk=order.pk)

    with pytest.raises(TransitionNotAllowed) as refusal:
        order_transition(order=order, to=target, actor=UserFactory(), note="catatan")

    assert (refusal.value.current, refusal.value.target) == (current, target)
    assert Order.objects.values().get(pk=order.pk) == before
    assert not OrderEvent.objects.exists()


def test_the_transition_reads_the_locked_row_not_the_callers_stale_copy():
    order = OrderFactory(status=OrderStatus.AWAITING_PAYMENT)
    stale = Order.objects.get(pk=order.pk)
    order_cancel(order=order, actor=order.buyer, reason="")

    with pytest.raises(TransitionNotAllowed):
        order_transition(order=stale, to=OrderStatus.TO_SHIP, actor=None)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


# --- Cancel -----------------------------------------------------------------------------------


@pytest.mark.parametrize("payment_method", [PaymentMethod.BANK_TRANSFER, PaymentMethod.COD])
def test_cancel_releases_stock_and_the_voucher(payment_method):
    buyer = UserFactory()
    variant = make_variant(stock=10)
    voucher = VoucherFactory(code="BATAL", shop=variant.product.shop)
    shop = variant.product.shop
    order = place(
        buyer,
        [(variant, 3)],
        payment_method=payment_method,
        choices={shop.pk: ShopChoice(voucher_code="BATAL")},
    ).orders.get()
    started = order.status
    assert ProductVariant.objects.get(pk=variant.pk).stock == 7
    seller = UserFactory()

    cancelled = order_cancel(order=order, actor=seller, reason="Stok rusak")

    assert cancelled.status == OrderStatus.CANCELLED
    assert cancelled.cancel_reason == "Stok rusak"
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    assert Product.objects.get(pk=variant.product_id).stock_total == 10
    assert Voucher.objects.get(pk=voucher.pk).used_count == 0
    assert VoucherRedemption.objects.get().released_at is not None
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        started,
        OrderStatus.CANCELLED,
        seller,
        "Stok rusak",
    )


def test_a_seller_or_the_system_must_give_a_reason_the_buyer_may_not():
    buyer = UserFactory()
    order = OrderFactory(status=OrderStatus.TO_SHIP, checkout__buyer=buyer)

    with pytest.raises(CancelReasonRequired):
        order_cancel(order=order, actor=UserFactory(), reason="  ")
    with pytest.raises(CancelReasonRequired):
        order_cancel(order=order, actor=None, reason="")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.TO_SHIP
    assert not OrderEvent.objects.exists()

    assert order_cancel(order=order, actor=buyer, reason="").status == OrderStatus.CANCELLED


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED])
def test_cancel_is_refused_once_the_parcel_left_and_releases_nothing(status):
    buyer = UserFactory()
    variant = make_variant(stock=10)
    order = place(buyer, [(variant, 2)]).orders.get()
    Order.objects.filter(pk=order.pk).update(status=status)

    with pytest.raises(TransitionNotAllowed):
        order_cancel(order=order, actor=buyer, reason="Berubah pikiran")

    assert ProductVariant.objects.get(pk=variant.pk).stock == 8
    assert Order.objects.get(pk=order.pk).status == status


def test_cancelling_twice_releases_once():
    buyer = UserFactory()
    variant = make_variant(stock=10)
    order = place(buyer, [(variant, 2)]).orders.get()
    order_cancel(order=order, actor=buyer, reason="")

    with pytest.raises(TransitionNotAllowed):
        order_cancel(order=order, actor=buyer, reason="")

    assert ProductVariant.objects.get(pk=variant.pk).stock == 10


# --- Ship, deliver, complete --------------------------------------------------------------------


def test_ship_creates_the_shipment():
    order = OrderFactory(status=OrderStatus.TO_SHIP)
    seller = UserFactory()

    shipped = order_ship(order=order, carrier=" JNE ", tracking_number=" JNE123456 ", actor=seller)

    assert shipped.status == OrderStatus.SHIPPED
    shipment = Shipment.objects.get(order=order)
    assert (shipment.carrier, shipment.tracking_number, shipment.delivered_at) == ("JNE", "JNE123456", None)
    event = OrderEvent.objects.get(order=order)
    assert (event.from_status, event.to_status, event.actor) == (
        OrderStatus.TO_SHIP,
        OrderStatus.SHIPPED,
        seller,
    )


@pytest.mark.parametrize(
    ("carrier", "tracking"), [("", "X1"), ("JNE", ""), ("JNE", "x" * 65), ("J" * 41, "X1")]
)
def test_ship_needs_a_carrier_and_tracking_number(carrier, tracking):
    order = OrderFactory(status=OrderStatus.TO_SHIP)

    with pytest.raises(ShipmentInvalid):
        order_ship(order=order, carrier=carrier, tracking_number=tracking, actor=None)

    assert Order.objects.get(pk=order.pk).status == OrderStatus.TO_SHIP
    assert not Shipment.objects.exists()
    assert not OrderEvent.objects.exists()


def test_a_tracking_number_is_used_once_per_carrier():
    order_ship(
        order=OrderFactory(status=OrderStatus.TO_SHIP), carrier="JNE", tracking_number="A1", actor=None
    )
    second = OrderFactory(status=OrderStatus.TO_SHIP)

    with pytest.raises(ShipmentInvalid):
        order_ship(order=second, carrier="jne", tracking_number="A1", actor=None)

    assert Order.objects.get(pk=second.pk).status == OrderStatus.TO_SHIP
    order_ship(order=second, carrier="SiCepat", tracking_number="A1", actor=None)


def test_an_unpaid_order_cannot_ship():
    order = OrderFactory(status=OrderStatus.AWAITING_PAYMENT)

    with pytest.raises(TransitionNotAllowed):
        order_ship(order=order, carrier="JNE", tracking_number="B2", actor=None)

    assert not Shipment.objects.exists()
    assert not OrderEvent.objects.exists()


def test_delivery_stamps_the_shipment_and_the_buyer_confirms_receipt():
    order = OrderFactory(status=OrderStatus.TO_SHIP)
    order_ship(order=order, carrier="JNE", tracking_number="C3", actor=None)
    order_transition(order=order, to=OrderStatus.DELIVERED, actor=None, note="Courier scan")
    assert Shipment.objects.get(order=order).delivered_at is not None

    with pytest.raises(PermissionDenied):
        order_confirm_received(order=order, actor=UserFactory())
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED

    completed = order_confirm_received(order=order, actor=order.buyer)

    assert completed.status == OrderStatus.COMPLETED
    assert OrderEvent.objects.filter(order=order).last().actor == order.buyer


def test_sold_counts_only_completed_orders():
    variant = make_variant(stock=10)
    product = variant.product
    kept = place(UserFactory(), [(variant, 3)]).orders.get()
    cancelled = place(UserFactory(), [(variant, 2)]).orders.get()

    order_cancel(order=cancelled, actor=cancelled.buyer, reason="")
    order_ship(order=kept, carrier="JNE", tracking_number="S1", actor=None)
    order_transition(order=kept, to=OrderStatus.DELIVERED, actor=None)
    assert Product.objects.get(pk=product.pk).sold_count == 0  # delivered is not yet sold

    order_confirm_received(order=kept, actor=kept.buyer)

    assert Product.objects.get(pk=product.pk).sold_count == 3
