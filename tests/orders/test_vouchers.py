"""Voucher rules: the maths of each kind, validity, who may use which, limits, and release."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.checkout import CheckoutError, checkout_quote
from orders.enums import VoucherKind
from orders.lifecycle import order_cancel
from orders.models import Checkout, Order, Voucher, VoucherRedemption
from orders.selectors import Line, ShopChoice
from orders.vouchers.rules import allocate
from shops.models import ProductVariant
from tests.kit.buying import place
from tests.kit.factories import (
    AddressFactory,
    ShopFactory,
    UserFactory,
    VoucherClaimFactory,
    VoucherFactory,
    make_variant,
)

pytestmark = [pytest.mark.django_db, pytest.mark.english]

# A Bandung shop shipping 1 kg to Jakarta: Hemat, the cheapest option, costs Rp 11.000.
FEE = 11_000


def quote_for(buyer, lines, *, choices=None, platform=""):
    return checkout_quote(
        buyer=buyer,
        lines=[Line(variant.pk, quantity) for variant, quantity in lines],
        address=AddressFactory(user=buyer),
        choices=choices or {},
        platform_voucher_code=platform,
    )


def shop_choice(variant, code):
    return {variant.product.shop_id: ShopChoice(voucher_code=code)}


def assert_nothing_written(variant, stock, voucher):
    assert ProductVariant.objects.get(pk=variant.pk).stock == stock
    assert Voucher.objects.get(pk=voucher.pk).used_count == 0
    assert Checkout.objects.count() == 0
    assert Order.objects.count() == 0
    assert VoucherRedemption.objects.count() == 0


# --- Maths ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "expected"),
    [(100_000, 10_000), (300_000, 15_000)],  # 10%, then capped at 15.000
    ids=["percent", "percent-capped"],
)
def test_percent_voucher_takes_its_share_up_to_the_cap(price, expected):
    buyer = UserFactory()
    variant = make_variant(price=price)
    VoucherFactory(
        code="PERSEN", shop=variant.product.shop, kind=VoucherKind.PERCENT, value=10, max_discount=15_000
    )

    checkout = place(buyer, [(variant, 1)], choices=shop_choice(variant, "PERSEN"))

    order = checkout.orders.get()
    assert (order.discount, order.shipping_discount) == (expected, 0)
    assert order.total == price + FEE - expected
    assert VoucherRedemption.objects.get().amount == expected


def test_fixed_voucher_never_takes_more_than_the_items():
    buyer = UserFactory()
    variant = make_variant(price=15_000)
    VoucherFactory(code="POTONG", shop=variant.product.shop, kind=VoucherKind.FIXED, value=20_000)

    order = place(buyer, [(variant, 1)], choices=shop_choice(variant, "POTONG")).orders.get()

    assert (order.subtotal, order.discount, order.shipping_fee, order.total) == (15_000, 15_000, FEE, FEE)


@pytest.mark.parametrize(("cap", "expected"), [(10_000, 10_000), (None, FEE), (50_000, FEE)])
def test_free_shipping_covers_the_fee_up_to_its_cap(cap, expected):
    buyer = UserFactory()
    variant = make_variant(price=50_000)
    VoucherFactory(code="ONGKIR", shop=variant.product.shop, kind=VoucherKind.FREE_SHIPPING, max_discount=cap)

    order = place(buyer, [(variant, 1)], choices=shop_choice(variant, "ONGKIR")).orders.get()

    assert (order.discount, order.shipping_discount) == (0, expected)
    assert order.total == 50_000 + FEE - expected


def test_min_spend_counts_the_items_the_voucher_applies_to():
    buyer = UserFactory()
    variant = make_variant(price=99_000)
    voucher = VoucherFactory(code="MIN100", shop=variant.product.shop, min_spend=100_000)

    quote = quote_for(buyer, [(variant, 1)], choices=shop_choice(variant, "MIN100"))
    assert quote.shops[0].voucher is None
    assert quote.shops[0].discount == 0
    assert "Rp 100.000" in quote.shops[0].voucher_problem

    with pytest.raises(CheckoutError) as refusal:
        place(buyer, [(variant, 1)], choices=shop_choice(variant, "MIN100"))
    assert refusal.value.code == "voucher_min_spend"
    assert_nothing_written(variant, 10, voucher)

    order = place(buyer, [(variant, 2)], choices=shop_choice(variant, "MIN100")).orders.get()
    assert order.discount == 10_000


def test_platform_min_spend_counts_all_items():
    buyer = UserFactory()
    one = make_variant(price=60_000)
    other = make_variant(price=60_000)
    VoucherFactory(code="SEMUA", min_spend=100_000)

    checkout = place(buyer, [(one, 1), (other, 1)], platform_voucher_code="SEMUA")

    assert sum(checkout.orders.values_list("discount", flat=True)) == 10_000


# --- Validity: checked at quote and at placement, whatever Celery did ----------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            {
                "ends_at": timezone.now() - timedelta(minutes=1),
                "starts_at": timezone.now() - timedelta(days=2),
            },
            "voucher_expired",
        ),
        (
            {"starts_at": timezone.now() + timedelta(days=1), "ends_at": timezone.now() + timedelta(days=2)},
            "voucher_not_started",
        ),
        ({"is_active": False}, "voucher_inactive"),
    ],
    ids=["expired", "not-started", "inactive"],
)
@pytest.mark.parametrize("is_platform", [True, False], ids=["platform", "shop"])
def test_a_voucher_outside_its_window_is_refused_at_quote_and_placement(changes, code, is_platform):
    buyer = UserFactory()
    variant = make_variant()
    voucher = VoucherFactory(code="WAKTU", shop=None if is_platform else variant.product.shop)
    Voucher.objects.filter(pk=voucher.pk).update(**changes)  # no job runs
    kwargs = {"platform_voucher_code": "WAKTU"} if is_platform else {"choices": shop_choice(variant, "WAKTU")}

    quote = quote_for(
        buyer, [(variant, 1)], choices=kwargs.get("choices"), platform=kwargs.get("platform_voucher_code", "")
    )
    problem = quote.platform_voucher_problem if is_platform else quote.shops[0].voucher_problem
    assert problem
    assert quote.grand_total == 100_000 + FEE

    with pytest.raises(CheckoutError) as refusal:
        place(buyer, [(variant, 1)], **kwargs)
    assert refusal.value.code == code
    assert_nothing_written(variant, 10, voucher)


def test_an_unknown_code_is_refused():
    buyer = UserFactory()
    variant = make_variant()

    with pytest.raises(CheckoutError) as refusal:
        place(buyer, [(variant, 1)], platform_voucher_code="TIDAKADA")

    assert refusal.value.code == "voucher_not_found"
    assert Checkout.objects.count() == 0


def test_codes_match_whatever_the_case():
    buyer = UserFactory()
    variant = make_variant()
    VoucherFactory(code="Lapak10")

    order = place(buyer, [(variant, 1)], platform_voucher_code="lapak10").orders.get()

    assert order.discount == 10_000


# --- Whose voucher, for what ----------------------------------------------------------------


def test_a_shop_voucher_never_discounts_another_shops_items():
    buyer = UserFactory()
    ours = make_variant(shop=ShopFactory(name="Toko Kita"))
    theirs = make_variant()
    voucher = VoucherFactory(code="KITA", shop=ours.product.shop)

    quote = quote_for(buyer, [(ours, 1), (theirs, 1)], choices=shop_choice(theirs, "KITA"))
    assert quote.shop_quote(theirs.product.shop_id).discount == 0
    assert quote.shop_quote(theirs.product.shop_id).voucher_problem == "This voucher is only for Toko Kita."

    with pytest.raises(CheckoutError) as refusal:
        place(buyer, [(ours, 1), (theirs, 1)], choices=shop_choice(theirs, "KITA"))
    assert refusal.value.code == "voucher_wrong_shop"
    assert_nothing_written(ours, 10, voucher)

    checkout = place(buyer, [(ours, 1), (theirs, 1)], choices=shop_choice(ours, "KITA"))
    discounts = dict(checkout.orders.values_list("shop_id", "discount"))
    assert discounts == {ours.product.shop_id: 10_000, theirs.product.shop_id: 0}


def test_a_platform_voucher_is_split_over_shops_and_sums_exactly():
    buyer = UserFactory()
    small = make_variant(price=100_000)
    large = make_variant(price=200_000)
    VoucherFactory(code="BAGI", kind=VoucherKind.FIXED, value=10_000)

    checkout = place(buyer, [(small, 1), (large, 1)], platform_voucher_code="BAGI")

    discounts = dict(checkout.orders.values_list("shop_id", "discount"))
    assert discounts == {small.product.shop_id: 3_333, large.product.shop_id: 6_667}
    assert checkout.grand_total == 300_000 + 2 * FEE - 10_000
    assert VoucherRedemption.objects.get().amount == 10_000


def test_a_free_shipping_platform_voucher_is_split_over_the_fees_up_to_its_cap():
    buyer = UserFactory()
    light = make_variant(weight_grams=500)  # Rp 11.000
    heavy = make_variant(weight_grams=1200)  # 2 kg: Rp 22.000
    VoucherFactory(code="GRATIS", kind=VoucherKind.FREE_SHIPPING, max_discount=20_000)

    checkout = place(buyer, [(light, 1), (heavy, 1)], platform_voucher_code="GRATIS")

    shares = dict(checkout.orders.values_list("shop_id", "shipping_discount"))
    assert shares == {light.product.shop_id: 6_667, heavy.product.shop_id: 13_333}
    assert checkout.grand_total == 200_000 + 33_000 - 20_000


def test_shop_and_platform_vouchers_stack_without_going_negative():
    buyer = UserFactory()
    variant = make_variant(price=50_000)
    VoucherFactory(code="TOKO", shop=variant.product.shop, value=40_000)
    VoucherFactory(code="LAPAK", value=30_000)

    order = place(
        buyer, [(variant, 1)], choices=shop_choice(variant, "TOKO"), platform_voucher_code="LAPAK"
    ).orders.get()

    # the platform voucher only has the 10.000 the shop voucher left
    assert (order.discount, order.total) == (50_000, FEE)


def test_a_shop_voucher_entered_as_the_platform_voucher_is_refused():
    buyer = UserFactory()
    variant = make_variant()
    voucher = VoucherFactory(code="TOKOSAJA", shop=variant.product.shop)

    with pytest.raises(CheckoutError) as refusal:
        place(buyer, [(variant, 1)], platform_voucher_code="TOKOSAJA")

    assert refusal.value.code == "voucher_wrong_shop"
    assert_nothing_written(variant, 10, voucher)


def test_a_claimable_voucher_must_be_claimed_first():
    buyer = UserFactory()
    variant = make_variant()
    voucher = VoucherFactory(code="KLAIM", is_claimable=True)

    with pytest.raises(CheckoutError) as refusal:
        place(buyer, [(variant, 1)], platform_voucher_code="KLAIM")
    assert refusal.value.code == "voucher_not_claimed"
    assert_nothing_written(variant, 10, voucher)

    VoucherClaimFactory(voucher=voucher, user=buyer)
    order = place(buyer, [(variant, 1)], platform_voucher_code="KLAIM").orders.get()
    assert order.discount == 10_000


def test_claimed_vouchers_are_suggested_best_first():
    buyer = UserFactory()
    variant = make_variant(price=200_000)
    shop = variant.product.shop
    small = VoucherFactory(shop=shop, value=5_000, is_claimable=True)
    big = VoucherFactory(shop=shop, kind=VoucherKind.PERCENT, value=10, is_claimable=True)
    VoucherFactory(shop=shop, value=50_000, is_claimable=True)  # not claimed
    too_dear = VoucherFactory(shop=shop, value=90_000, min_spend=500_000, is_claimable=True)
    for voucher in (small, big, too_dear):
        VoucherClaimFactory(voucher=voucher, user=buyer)

    quote = quote_for(buyer, [(variant, 1)])

    assert quote.shops[0].suggested_vouchers == [(big, 20_000), (small, 5_000)]
    assert quote.shops[0].voucher is None  # suggested, not applied


def test_the_per_buyer_limit_counts_unreleased_uses():
    buyer = UserFactory()
    variant = make_variant()
    voucher = VoucherFactory(code="SEKALI", per_user_limit=1)
    place(buyer, [(variant, 1)], platform_voucher_code="SEKALI")

    with pytest.raises(CheckoutError) as refusal:
        place(buyer, [(variant, 1)], platform_voucher_code="SEKALI")

    assert refusal.value.code == "voucher_limit_reached"
    assert Voucher.objects.get(pk=voucher.pk).used_count == 1
    assert Checkout.objects.count() == 1
    place(UserFactory(), [(variant, 1)], platform_voucher_code="SEKALI")  # another buyer may
    assert Voucher.objects.get(pk=voucher.pk).used_count == 2


def test_a_used_up_voucher_is_refused_at_quote_and_placement():
    buyer = UserFactory()
    variant = make_variant()
    voucher = VoucherFactory(code="HABIS", usage_limit=1)
    Voucher.objects.filter(pk=voucher.pk).update(used_count=1)

    assert (
        quote_for(buyer, [(variant, 1)], platform="HABIS").platform_voucher_problem
        == "This voucher has run out."
    )
    with pytest.raises(CheckoutError) as refusal:
        place(buyer, [(variant, 1)], platform_voucher_code="HABIS")
    assert refusal.value.code == "voucher_used_up"
    assert Voucher.objects.get(pk=voucher.pk).used_count == 1
    assert Checkout.objects.count() == 0


# --- Release ----------------------------------------------------------------------------------


def test_cancelling_releases_a_shop_voucher_so_the_buyer_may_use_it_again():
    buyer = UserFactory()
    variant = make_variant()
    voucher = VoucherFactory(code="BALIK", shop=variant.product.shop, usage_limit=1)
    order = place(buyer, [(variant, 1)], choices=shop_choice(variant, "BALIK")).orders.get()
    assert Voucher.objects.get(pk=voucher.pk).used_count == 1

    order_cancel(order=order, actor=buyer, reason="")

    assert Voucher.objects.get(pk=voucher.pk).used_count == 0
    assert VoucherRedemption.objects.get().released_at is not None
    place(buyer, [(variant, 1)], choices=shop_choice(variant, "BALIK"))
    assert Voucher.objects.get(pk=voucher.pk).used_count == 1


def test_a_platform_voucher_comes_back_only_when_every_order_of_the_checkout_is_cancelled():
    buyer = UserFactory()
    one, other = make_variant(), make_variant()
    voucher = VoucherFactory(code="DUA")
    first, second = place(buyer, [(one, 1), (other, 1)], platform_voucher_code="DUA").orders.order_by("id")

    order_cancel(order=first, actor=buyer, reason="Salah ukuran")
    assert Voucher.objects.get(pk=voucher.pk).used_count == 1
    assert VoucherRedemption.objects.get().released_at is None

    order_cancel(order=second, actor=buyer, reason="")
    assert Voucher.objects.get(pk=voucher.pk).used_count == 0
    assert VoucherRedemption.objects.get().released_at is not None


# --- Allocation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (10_000, [100_000, 200_000], [3_333, 6_667]),
        (2, [1, 1, 1], [1, 1, 0]),
        (0, [5, 5], [0, 0]),
        (7, [0, 7], [0, 7]),
        (100, [33, 33, 34], [33, 33, 34]),
    ],
)
def test_allocate_splits_exactly(total, weights, parts):
    assert allocate(total, weights) == parts
    assert sum(parts) == total
    assert all(part <= weight for part, weight in zip(parts, weights, strict=True))
