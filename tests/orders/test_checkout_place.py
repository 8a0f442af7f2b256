"""Placing a checkout: one order per shop, snapshots, totals from the database, initial events."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.checkout import checkout_quote
from orders.enums import OrderStatus, PaymentMethod, VoucherKind
from orders.models import Checkout, Order, OrderEvent
from orders.payments.services import PaymentError, payment_start
from orders.selectors import Line, ShopChoice
from shops.models import Product
from tests.kit.buying import place
from tests.kit.factories import AddressFactory, ShopFactory, UserFactory, VoucherFactory, make_variant

pytestmark = [pytest.mark.django_db]


def test_two_shops_make_two_orders_with_snapshots_and_totals(settings):
    # given: Bandung and Surabaya shops, a buyer in Jakarta (same island: Hemat 11.000 per kg)
    buyer = UserFactory()
    shirt = make_variant(shop=ShopFactory(city="Bandung"), price=120_000, stock=5, title="Kemeja Flanel")
    batik = make_variant(shop=ShopFactory(city="Surabaya"), price=250_000, stock=3, weight_grams=1200)
    settings.ORDER_PAYMENT_WINDOW_MINUTES = 90

    # when
    checkout = place(buyer, [(shirt, 2), (batik, 1)], payment_method=PaymentMethod.BANK_TRANSFER)

    # then
    orders = list(checkout.orders.order_by("id"))
    assert [o.shop_id for o in orders] == [shirt.product.shop_id, batik.product.shop_id]
    first, second = orders
    assert (first.subtotal, first.shipping_fee, first.total) == (240_000, 11_000, 251_000)
    assert (second.subtotal, second.shipping_fee, second.total) == (250_000, 22_000, 272_000)
    assert second.weight_grams == 1200
    assert first.shipping_option == "Hemat"
    assert checkout.grand_total == 523_000
    assert first.status == OrderStatus.AWAITING_PAYMENT
    assert timedelta(minutes=89) < first.payment_due_at - timezone.now() <= timedelta(minutes=90)
    assert first.number.startswith("LPK-")
    assert len(first.number) == len("LPK-251123-ABC123")
    item = first.items.get()
    assert (item.title, item.variant_label, item.sku, item.unit_price, item.quantity, item.line_total) == (
        "Kemeja Flanel",
        "M",
        shirt.sku,
        120_000,
        2,
        240_000,
    )
    shirt.refresh_from_db()
    assert shirt.stock == 3
    assert Product.objects.get(pk=shirt.product_id).stock_total == 3
    events = list(
        OrderEvent.objects.filter(order__checkout=checkout).values_list("from_status", "to_status", "actor")
    )
    assert events == [("", OrderStatus.AWAITING_PAYMENT, buyer.pk)] * 2


def test_cash_on_delivery_starts_to_ship_without_a_payment_deadline():
    buyer = UserFactory()
    variant = make_variant()

    checkout = place(buyer, [(variant, 1)], payment_method=PaymentMethod.COD)

    order = checkout.orders.get()
    assert order.status == OrderStatus.TO_SHIP
    assert order.payment_due_at is None


def test_an_order_the_vouchers_pay_in_full_goes_to_the_seller_with_nothing_to_pay():
    buyer = UserFactory()
    free = make_variant(price=50_000)
    paid = make_variant(price=80_000)
    VoucherFactory(code="LUNAS", shop=free.product.shop, kind=VoucherKind.FIXED, value=50_000)
    VoucherFactory(code="ONGKIR", kind=VoucherKind.FREE_SHIPPING, max_discount=None)

    checkout = place(
        buyer,
        [(free, 1)],
        payment_method=PaymentMethod.EWALLET,
        choices={free.product.shop_id: ShopChoice(voucher_code="LUNAS")},
        platform_voucher_code="ONGKIR",
    )

    order = checkout.orders.get()
    assert (order.total, order.status, order.payment_due_at) == (0, OrderStatus.TO_SHIP, None)
    assert checkout.grand_total == 0
    with pytest.raises(PaymentError) as refused:
        payment_start(checkout=checkout)
    assert refused.value.code == "nothing_to_pay"
    # A paying order beside it still waits for the gateway.
    other = place(UserFactory(), [(paid, 1)], payment_method=PaymentMethod.EWALLET).orders.get()
    assert other.status == OrderStatus.AWAITING_PAYMENT


def test_the_chosen_shipping_option_is_charged():
    buyer = UserFactory()
    variant = make_variant(shop=ShopFactory(city="Yogyakarta"), weight_grams=2500)
    shop_id = variant.product.shop_id

    checkout = place(buyer, [(variant, 1)], choices={shop_id: ShopChoice(shipping_option="kilat")})

    order = checkout.orders.get()
    assert (order.shipping_option, order.shipping_fee) == ("Kilat", 69_000)  # 3 kg × 23.000


def test_prices_come_from_the_database_at_placement():
    buyer = UserFactory()
    variant = make_variant(price=100_000)
    address = AddressFactory(user=buyer)
    quote = checkout_quote(buyer=buyer, lines=[Line(variant.pk, 1)], address=address, choices={})
    assert quote.grand_total == 111_000

    # the seller raises the price between the page and the submit
    type(variant).objects.filter(pk=variant.pk).update(price=150_000)
    checkout = place(buyer, [(variant, 1)], address_id=address.pk)

    assert checkout.grand_total == 161_000
    assert Checkout.objects.count() == 1
    assert Order.objects.count() == 1
