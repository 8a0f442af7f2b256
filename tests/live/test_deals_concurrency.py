"""Flash deals under a burst: separate connections racing for the same deal row."""

import time

import pytest

from live import deals, errors
from live.enums import FlashClaimStatus
from live.models import FlashDeal, FlashDealClaim, LiveOrder
from orders.models import Checkout, Order, OrderItem
from shops.models import ProductVariant
from tests.kit.buying import buy, host_launches
from tests.kit.concurrency import run_at_once
from tests.kit.factories import live_with_item, make_buyers

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

DEAL_PRICE = 25_000


def test_a_hundred_buyers_racing_for_five_deal_units_get_exactly_five_orders():
    # given: a running deal of 5 units on a variant with plenty of stock, and 100 buyers
    session, variant = live_with_item(stock=50, price=100_000)
    deal = host_launches(session, variant, price=DEAL_PRICE, units=5, duration_seconds=300)
    buyers = make_buyers(100)

    # when: all of them buy the deal at the same moment
    started = time.monotonic()
    results = run_at_once(100, lambda i: buy(buyers[i][0], buyers[i][1], session, deal=deal))
    elapsed = time.monotonic() - started

    # then: exactly five orders, all at the deal price; the rest refused as sold out
    placed = [r for r in results if isinstance(r, Checkout)]
    refused = [r for r in results if not isinstance(r, Checkout)]
    assert len(placed) == 5
    assert {type(error) for error in refused} == {errors.DealSoldOut}
    assert Order.objects.count() == 5
    assert LiveOrder.objects.filter(session=session).count() == 5
    assert sorted(OrderItem.objects.values_list("unit_price", "quantity")) == [(DEAL_PRICE, 1)] * 5
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 5
    assert FlashDealClaim.objects.filter(status=FlashClaimStatus.ORDERED).count() == 5
    assert FlashDealClaim.objects.count() == 5
    assert ProductVariant.objects.get(pk=variant.pk).stock == 45
    print(f"100 concurrent deal checkouts in {elapsed:.2f}s")


def test_the_per_buyer_limit_holds_when_one_buyer_races_themselves():
    session, variant = live_with_item(stock=50)
    deal = host_launches(
        session, variant, price=DEAL_PRICE, units=20, duration_seconds=300, per_buyer_limit=2
    )
    buyer, address_id = make_buyers(1)[0]

    # ten tabs: half claim, half buy straight away
    results = run_at_once(
        10,
        lambda i: (
            deals.deal_claim(buyer=buyer, deal=deal) if i % 2 else buy(buyer, address_id, session, deal=deal)
        ),
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 8
    assert {type(error) for error in refused} == {errors.DealBuyerLimitReached}
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 2
    assert sum(FlashDealClaim.objects.filter(buyer=buyer).values_list("quantity", flat=True)) == 2


def test_the_end_job_racing_a_stop_ends_the_deal_once():
    session, variant = live_with_item()
    deal = host_launches(session, variant, price=DEAL_PRICE, units=5, duration_seconds=300)
    claim = deals.deal_claim(buyer=make_buyers(1)[0][0], deal=deal)

    results = run_at_once(
        4,
        lambda i: (
            deals.deal_stop(deal=FlashDeal.objects.get(pk=deal.pk), actor=session.host)
            if i
            else deals.deals_end_due()
        ),
    )

    assert sum(isinstance(r, FlashDeal) for r in results) == 1
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 0
    claim.refresh_from_db()
    assert claim.status == FlashClaimStatus.RELEASED
