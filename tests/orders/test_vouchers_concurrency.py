"""A voucher's total usage limit holds when many buyers use it at the same moment."""

import pytest

from orders.checkout import CheckoutError
from orders.models import Checkout, Order, Voucher, VoucherClaim, VoucherRedemption
from orders.selectors import ShopChoice
from shops.models import ProductVariant
from tests.kit.buying import place
from tests.kit.concurrency import run_at_once
from tests.kit.factories import VoucherFactory, make_buyers, make_variant

BUYERS = 30
LIMIT = 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("is_platform", [True, False], ids=["platform", "shop"])
def test_thirty_buyers_share_a_voucher_limited_to_five(transactional_db, is_platform):
    # given: plenty of stock, a claimable voucher with 5 uses, claimed by all 30 buyers
    variant = make_variant(stock=100)
    shop = variant.product.shop
    voucher = VoucherFactory(
        code="LIMA", shop=None if is_platform else shop, usage_limit=LIMIT, is_claimable=True
    )
    buyers = make_buyers(BUYERS)
    VoucherClaim.objects.bulk_create([VoucherClaim(voucher=voucher, user=user) for user, _ in buyers])

    def checkout(i):
        user, address_id = buyers[i]
        if is_platform:
            return place(user, [(variant, 1)], address_id=address_id, platform_voucher_code="LIMA")
        return place(
            user, [(variant, 1)], address_id=address_id, choices={shop.pk: ShopChoice(voucher_code="LIMA")}
        )

    # when
    results = run_at_once(BUYERS, checkout)

    # then: 5 redemptions, the others refused cleanly, their stock untouched
    placed = [r for r in results if isinstance(r, Checkout)]
    refused = [r for r in results if not isinstance(r, Checkout)]
    assert len(placed) == LIMIT
    assert all(isinstance(r, CheckoutError) for r in refused)
    assert {r.code for r in refused} == {"voucher_used_up"}
    assert Voucher.objects.get(pk=voucher.pk).used_count == LIMIT
    assert VoucherRedemption.objects.filter(voucher=voucher, released_at__isnull=True).count() == LIMIT
    assert Checkout.objects.count() == LIMIT
    assert Order.objects.count() == LIMIT
    assert ProductVariant.objects.get(pk=variant.pk).stock == 100 - LIMIT
