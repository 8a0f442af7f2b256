"""A tampered or stale checkout form is refused with a reason, and nothing is written."""

import pytest

from orders.checkout import CheckoutError, checkout_place
from orders.models import Checkout, Order, OrderEvent, OrderItem, Voucher, VoucherRedemption
from orders.selectors import MAX_QUANTITY_PER_LINE, Line, ShopChoice
from shops.enums import ProductStatus, ShopStatus
from shops.models import Product, ProductVariant, Shop
from tests.kit.buying import place
from tests.kit.factories import (
    AddressFactory,
    ProductDefectFactory,
    UserFactory,
    VoucherFactory,
    make_variant,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def buyer():
    return UserFactory(username="pembeli")


@pytest.fixture
def variant():
    return make_variant(stock=10)


def assert_nothing_written(variant):
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    assert Product.objects.get(pk=variant.product_id).stock_total == 10
    assert Checkout.objects.count() == 0
    assert Order.objects.count() == 0
    assert OrderItem.objects.count() == 0
    assert OrderEvent.objects.count() == 0
    assert VoucherRedemption.objects.count() == 0
    assert not Voucher.objects.filter(used_count__gt=0).exists()


def refused(code, **kwargs):
    with pytest.raises(CheckoutError) as refusal:
        place(**kwargs)
    assert refusal.value.code == code, refusal.value.message
    assert refusal.value.message
    return refusal.value


@pytest.mark.parametrize("quantity", [0, -1, -100, MAX_QUANTITY_PER_LINE + 1, 10**12, "2", 1.5, True])
def test_a_bad_quantity_is_refused(buyer, variant, quantity):
    refused("invalid_quantity", buyer=buyer, lines=[(variant, quantity)])
    assert_nothing_written(variant)


def test_split_lines_may_not_add_up_past_the_maximum(buyer, variant):
    ProductVariant.objects.filter(pk=variant.pk).update(stock=10)
    refused("invalid_quantity", buyer=buyer, lines=[(variant, 60), (variant, 60)])
    assert_nothing_written(variant)


def test_an_empty_cart_is_refused(buyer, variant):
    refused("empty", buyer=buyer, lines=[])
    assert_nothing_written(variant)


@pytest.mark.parametrize(
    "hide",
    [
        lambda v: Product.objects.filter(pk=v.product_id).update(status=ProductStatus.PENDING_REVIEW),
        lambda v: Product.objects.filter(pk=v.product_id).update(status=ProductStatus.ARCHIVED),
        lambda v: Shop.objects.filter(pk=v.product.shop_id).update(status=ShopStatus.SUSPENDED),
        lambda v: ProductVariant.objects.filter(pk=v.pk).update(is_active=False),
    ],
    ids=["pending-review", "archived", "shop-suspended", "variant-inactive"],
)
def test_a_hidden_product_cannot_be_bought(buyer, variant, hide):
    hide(variant)
    refused("unavailable", buyer=buyer, lines=[(variant, 1)])
    assert_nothing_written(variant)


def test_a_variant_that_does_not_exist_is_refused(buyer, variant):
    refused("unavailable", buyer=buyer, lines=[(variant, 1), (10**9, 1)])
    assert_nothing_written(variant)


def test_another_users_address_is_refused(buyer, variant):
    stranger_address = AddressFactory(user=UserFactory())
    refused("address_invalid", buyer=buyer, lines=[(variant, 1)], address_id=stranger_address.pk)
    assert_nothing_written(variant)


@pytest.mark.parametrize("address_id", [0, -1, 10**9, "1"])
def test_a_made_up_address_id_is_refused(buyer, variant, address_id):
    refused("address_invalid", buyer=buyer, lines=[(variant, 1)], address_id=address_id)
    assert_nothing_written(variant)


def test_another_shops_voucher_for_this_shop_is_refused(buyer, variant):
    other = make_variant()
    VoucherFactory(code="TOKOLAIN", shop=other.product.shop)
    choices = {variant.product.shop_id: ShopChoice(voucher_code="TOKOLAIN")}
    refused("voucher_wrong_shop", buyer=buyer, lines=[(variant, 1)], choices=choices)
    assert_nothing_written(variant)


def test_a_shop_voucher_as_the_platform_voucher_is_refused(buyer, variant):
    VoucherFactory(code="TOKOKU", shop=variant.product.shop)
    refused("voucher_wrong_shop", buyer=buyer, lines=[(variant, 1)], platform_voucher_code="TOKOKU")
    assert_nothing_written(variant)


def test_a_platform_voucher_as_a_shop_voucher_is_refused(buyer, variant):
    VoucherFactory(code="LAPAK")
    choices = {variant.product.shop_id: ShopChoice(voucher_code="LAPAK")}
    refused("voucher_is_platform", buyer=buyer, lines=[(variant, 1)], choices=choices)
    assert_nothing_written(variant)


def test_an_unknown_payment_method_is_refused(buyer, variant):
    refused("payment_method_invalid", buyer=buyer, lines=[(variant, 1)], payment_method="free")
    assert_nothing_written(variant)


def test_an_unknown_shipping_option_is_refused(buyer, variant):
    choices = {variant.product.shop_id: ShopChoice(shipping_option="teleport")}
    refused("shipping_invalid", buyer=buyer, lines=[(variant, 1)], choices=choices)
    assert_nothing_written(variant)


@pytest.mark.parametrize("key", ["", "   ", "x" * 65])
def test_a_missing_or_oversized_idempotency_key_is_refused(buyer, variant, key):
    address = AddressFactory(user=buyer)
    with pytest.raises(CheckoutError) as refusal:
        checkout_place(
            buyer=buyer,
            idempotency_key=key,
            lines=[Line(variant.pk, 1)],
            address_id=address.pk,
            choices={},
            payment_method="cod",
        )
    assert refusal.value.code == "invalid_request"
    assert_nothing_written(variant)


def test_disclosed_defects_must_be_acknowledged(buyer, variant):
    clean = make_variant()
    ProductDefectFactory(product=variant.product, photo="")
    lines = [(variant, 1), (clean, 1)]

    refused("defects_not_acknowledged", buyer=buyer, lines=lines)
    refused("defects_not_acknowledged", buyer=buyer, lines=lines, acknowledged_defects={clean.product_id})
    assert_nothing_written(variant)

    checkout = place(buyer, lines, acknowledged_defects={variant.product_id})
    assert checkout.orders.count() == 2


def test_a_refusal_after_stock_was_reserved_rolls_the_stock_back(buyer, variant, monkeypatch):
    # given: the page's quote saw stock, then someone bought the scarce item before our UPDATE
    from orders import checkout as checkout_module

    scarce = make_variant(stock=1)
    build = checkout_module.checkout_quote_build

    def quote_then_sell_out(**kwargs):
        quote = build(**kwargs)
        ProductVariant.objects.filter(pk=scarce.pk).update(stock=0)
        return quote

    monkeypatch.setattr(checkout_module, "checkout_quote_build", quote_then_sell_out)

    # when: the first variant (lower id) is reserved, the second UPDATE matches no row
    error = refused("sold_out", buyer=buyer, lines=[(variant, 3), (scarce, 1)])

    # then: the whole transaction rolled back, the first reservation included
    assert scarce.product.title in error.message
    assert_nothing_written(variant)
