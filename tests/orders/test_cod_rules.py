"""Sellers limit cash on delivery per shop, per product and by order total; the checkout shows
COD disabled with the reason, and checkout_place refuses it without writing anything."""

import pytest
from django.conf import settings
from django.urls import reverse

from marketplace.models import Notification
from orders.checkout import CheckoutError, checkout_quote
from orders.enums import OrderStatus, PaymentMethod
from orders.models import Cart, CartItem, Checkout, Order, Voucher
from orders.selectors import Line, ShopChoice
from shops.models import ProductVariant
from tests.kit.buying import place
from tests.kit.factories import AddressFactory, ShopFactory, UserFactory, VoucherFactory, make_variant

pytestmark = [pytest.mark.django_db, pytest.mark.english]


def quote_for(buyer, variants, quantity=1, **kwargs):
    return checkout_quote(
        buyer=buyer,
        lines=[Line(variant.pk, quantity) for variant in variants],
        address=AddressFactory(user=buyer),
        choices={},
        **kwargs,
    )


def assert_cod_refused(buyer, variants, reason: str, **kwargs) -> None:
    stock_before = {v.pk: ProductVariant.objects.get(pk=v.pk).stock for v in variants}
    with pytest.raises(CheckoutError) as refused:
        place(buyer, [(variant, 1) for variant in variants], payment_method=PaymentMethod.COD, **kwargs)
    assert (refused.value.code, refused.value.message) == ("cod_not_available", reason)
    assert Checkout.objects.count() == 0
    assert Order.objects.count() == 0
    assert Notification.objects.count() == 0
    assert {v.pk: ProductVariant.objects.get(pk=v.pk).stock for v in variants} == stock_before
    assert list(Voucher.objects.values_list("used_count", flat=True)) == [0] * Voucher.objects.count()


def test_a_shop_that_turned_cod_off_blocks_cod_for_the_whole_checkout():
    buyer = UserFactory()
    ok = make_variant(shop=ShopFactory(name="Toko Buka"))
    off = make_variant(shop=ShopFactory(name="Toko Tutup", accepts_cod=False))

    quote = quote_for(buyer, [ok, off])

    assert [part.cod_allowed for part in quote.shops] == [True, False]
    assert (quote.cod_allowed, quote.cod_reason) == (False, "Toko Tutup does not accept cash on delivery.")
    assert quote.can_place  # other methods remain
    assert_cod_refused(buyer, [ok, off], "Toko Tutup does not accept cash on delivery.")


def test_a_product_without_cod_blocks_it():
    buyer = UserFactory()
    variant = make_variant(title="Kamera Analog", allows_cod=False)

    quote = quote_for(buyer, [variant])

    assert (quote.cod_allowed, quote.cod_reason) == (
        False,
        "Kamera Analog cannot be paid by cash on delivery.",
    )
    assert_cod_refused(buyer, [variant], "Kamera Analog cannot be paid by cash on delivery.")


def test_cod_above_the_shops_maximum_total_is_refused():
    buyer = UserFactory()
    shop = ShopFactory(name="Toko Mahal", cod_max_total=500_000)
    variant = make_variant(shop=shop, price=500_000)

    quote = quote_for(buyer, [variant])

    assert quote.shops[0].order_total > 500_000  # the item plus shipping
    reason = "Toko Mahal does not accept cash on delivery above Rp 500.000."
    assert (quote.cod_allowed, quote.cod_reason) == (False, reason)
    assert_cod_refused(buyer, [variant], reason)


def test_the_maximum_compares_the_total_after_discounts():
    buyer = UserFactory()
    shop = ShopFactory(name="Toko Hemat", cod_max_total=500_000)
    variant = make_variant(shop=shop, price=500_000)
    VoucherFactory(code="POTONG", value=100_000, shop=shop)

    checkout = place(
        buyer,
        [(variant, 1)],
        payment_method=PaymentMethod.COD,
        choices={shop.pk: ShopChoice(voucher_code="POTONG")},
    )

    order = checkout.orders.get()
    assert order.total <= 500_000
    assert order.status == OrderStatus.TO_SHIP


def test_other_payment_methods_are_still_placed():
    buyer = UserFactory()
    variant = make_variant(shop=ShopFactory(accepts_cod=False))

    checkout = place(buyer, [(variant, 1)], payment_method=PaymentMethod.BANK_TRANSFER)

    assert checkout.orders.get().status == OrderStatus.AWAITING_PAYMENT


def test_cod_is_allowed_when_every_rule_holds():
    buyer = UserFactory()
    shop = ShopFactory(accepts_cod=True, cod_max_total=1_000_000)
    variant = make_variant(shop=shop, price=100_000)

    quote = quote_for(buyer, [variant])
    checkout = place(buyer, [(variant, 1)], payment_method=PaymentMethod.COD)

    assert (quote.cod_allowed, quote.cod_reason) == (True, "")
    assert checkout.orders.get().status == OrderStatus.TO_SHIP


def test_the_checkout_page_shows_cod_disabled_with_the_reason(client):
    buyer = UserFactory()
    AddressFactory(user=buyer, is_default=True)
    variant = make_variant(shop=ShopFactory(name="Toko Tutup", accepts_cod=False))
    cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=cart, variant=variant, quantity=1, price_when_added=variant.price)
    client.force_login(buyer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse("checkout")).content.decode()

    assert 'name="payment_method" value="cod" disabled' in html
    assert "Toko Tutup does not accept cash on delivery." in html
    assert 'name="payment_method" value="bank_transfer" checked' in html


def test_the_checkout_page_offers_cod_when_allowed(client):
    buyer = UserFactory()
    AddressFactory(user=buyer, is_default=True)
    variant = make_variant()
    cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=cart, variant=variant, quantity=1, price_when_added=variant.price)
    client.force_login(buyer)

    html = client.get(reverse("checkout")).content.decode()

    assert 'name="payment_method" value="cod" checked' in html
    assert "data-cod-reason" not in html
