"""The checkout quote: what the page shows, at a fixed number of queries."""

import pytest

from orders.checkout import checkout_quote
from orders.enums import VoucherKind
from orders.selectors import Line, ShopChoice
from shops.models import ProductVariant
from tests.kit.factories import (
    AddressFactory,
    ProductDefectFactory,
    ShopFactory,
    UserFactory,
    VoucherClaimFactory,
    VoucherFactory,
    make_variant,
)

pytestmark = [pytest.mark.django_db, pytest.mark.english]

# Variants (with product and shop), their products' defects, the vouchers in play.
QUOTE_QUERIES = 3


def cart_of(items_per_shop: int, *, buyer):
    lines, choices = [], {}
    for city in ("Bandung", "Surabaya"):
        shop = ShopFactory(city=city)
        for _ in range(items_per_shop):
            variant = make_variant(shop=shop, price=50_000)
            ProductDefectFactory(product=variant.product, photo="")
            lines.append(Line(variant.pk, 1))
        voucher = VoucherFactory(shop=shop, is_claimable=True)
        VoucherClaimFactory(voucher=voucher, user=buyer)
        choices[shop.pk] = ShopChoice(shipping_option="reguler", voucher_code=voucher.code)
    VoucherClaimFactory(voucher=VoucherFactory(code="LAPAK", is_claimable=True), user=buyer)
    return lines, choices


@pytest.mark.parametrize("items_per_shop", [1, 3, 5])
def test_the_quote_costs_a_fixed_number_of_queries(django_assert_num_queries, items_per_shop):
    buyer = UserFactory()
    address = AddressFactory(user=buyer)
    lines, choices = cart_of(items_per_shop, buyer=buyer)

    with django_assert_num_queries(QUOTE_QUERIES):
        quote = checkout_quote(
            buyer=buyer, lines=lines, address=address, choices=choices, platform_voucher_code="LAPAK"
        )
        # everything the page renders is loaded already
        for part in quote.shops:
            assert part.shop.name
            assert part.voucher.shop.name
            for item in part.items:
                assert item.variant.product.shop.city
                assert item.defects[0].description

    assert quote.can_place
    assert [len(part.items) for part in quote.shops] == [items_per_shop, items_per_shop]
    assert len(quote.products_with_defects) == 2 * items_per_shop


def test_the_quote_adds_up_what_the_page_shows():
    buyer = UserFactory()
    address = AddressFactory(user=buyer)  # DKI Jakarta
    shirt = make_variant(shop=ShopFactory(city="Bandung"), price=120_000)
    shop = shirt.product.shop
    VoucherFactory(code="TOKO10", shop=shop, kind=VoucherKind.PERCENT, value=10, max_discount=20_000)
    VoucherFactory(code="ONGKIR", kind=VoucherKind.FREE_SHIPPING, max_discount=10_000)

    quote = checkout_quote(
        buyer=buyer,
        lines=[Line(shirt.pk, 2)],
        address=address,
        choices={shop.pk: ShopChoice(voucher_code="TOKO10")},
        platform_voucher_code="ONGKIR",
    )

    part = quote.shops[0]
    assert [(o.code, o.fee) for o in part.shipping_options] == [
        ("hemat", 11_000),
        ("reguler", 14_000),
        ("kilat", 23_000),
    ]
    assert part.shipping_option.code == "hemat"
    assert (part.subtotal, part.shipping_fee, part.discount, part.total) == (240_000, 11_000, 20_000, 231_000)
    assert (part.platform_shipping_discount, part.order_total) == (10_000, 221_000)
    assert (quote.platform_discount, quote.grand_total) == (10_000, 221_000)
    assert quote.problems == []


def test_the_quote_reports_blocking_problems_without_raising():
    buyer = UserFactory()
    scarce = make_variant(stock=1, title="Jaket Denim")
    ProductVariant.objects.filter(pk=scarce.pk).update(stock=1)

    quote = checkout_quote(buyer=buyer, lines=[Line(scarce.pk, 3)], address=None, choices={})

    assert quote.problems == ["Jaket Denim is sold out.", "Choose a shipping address."]
    assert not quote.can_place
    item = quote.shops[0].items[0]
    assert (item.available, item.problem) == (False, "Only 1 left.")


def test_an_anonymous_visitor_gets_a_quote_without_suggestions():
    from django.contrib.auth.models import AnonymousUser

    variant = make_variant()

    quote = checkout_quote(buyer=AnonymousUser(), lines=[Line(variant.pk, 1)], address=None, choices={})

    assert quote.shops[0].subtotal == 100_000
    assert quote.shops[0].suggested_vouchers == []
