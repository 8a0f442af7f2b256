"""Fifty buyers claiming one one-off item at once, each on its own connection."""

from datetime import timedelta

import pytest

from live import claims, errors
from live.enums import ItemClaimStatus
from live.models import ItemClaim
from marketplace.models import Notification
from orders.checkout import CheckoutError
from orders.models import Order
from shops.models import ProductVariant
from tests.kit.buying import buy
from tests.kit.concurrency import run_at_once
from tests.kit.factories import live_with_item, make_buyers

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


def test_fifty_claims_make_one_holder_and_a_queue_then_the_hold_passes_on():
    # given: a one-off item shown in a live and 50 buyers
    session, variant = live_with_item(stock=1)
    buyers = make_buyers(50)

    # when: all claim it at the same moment
    results = run_at_once(
        50, lambda i: claims.item_claim(buyer=buyers[i][0], session=session, variant=variant)
    )

    # then: one holder, 49 waiting with positions 1..49 in the order they were served
    assert all(isinstance(r, ItemClaim) for r in results)
    holders = [r for r in results if r.status == ItemClaimStatus.HOLDING]
    assert len(holders) == 1
    queue = list(ItemClaim.objects.filter(status=ItemClaimStatus.WAITING).order_by("created_at", "id"))
    assert [claims.item_claim_position(claim=c) for c in queue] == list(range(1, 50))
    assert [c.pk for c in queue] == sorted(c.pk for c in queue)
    assert claims.item_claim_queue_size(variant=variant) == 49
    assert ProductVariant.objects.get(pk=variant.pk).stock == 0

    # when: the winner does not pay in time (the job runs twice at once)
    later = holders[0].hold_expires_at + timedelta(seconds=1)
    passed = run_at_once(2, lambda i: claims.item_claims_pass_lapsed(now=later))

    # then: the first in line holds it and was told, once; stock never went below zero
    assert sorted(passed) == [0, 1]
    nxt = ItemClaim.objects.get(status=ItemClaimStatus.HOLDING)
    assert nxt.pk == queue[0].pk
    assert Notification.objects.filter(kind=claims.NOTIFICATION_KIND_ITEM_HELD).count() == 1
    assert Notification.objects.get(kind=claims.NOTIFICATION_KIND_ITEM_HELD).user_id == nxt.buyer_id
    assert ProductVariant.objects.get(pk=variant.pk).stock == 0


def test_the_holder_and_the_queue_racing_to_pay_sell_the_item_once():
    session, variant = live_with_item(stock=1)
    buyers = make_buyers(10)
    held = claims.item_claim(buyer=buyers[0][0], session=session, variant=variant)
    for buyer, _address in buyers[1:]:
        claims.item_claim(buyer=buyer, session=session, variant=variant)

    results = run_at_once(
        10,
        lambda i: (
            buy(buyers[i][0], buyers[i][1], session, claim=held)
            if i == 0
            else buy(buyers[i][0], buyers[i][1], session, variant=variant)
        ),
    )

    # then: the holder's order, and every other buyer refused: held by someone else, or (once
    # the holder's order took it) sold out
    assert not isinstance(results[0], Exception)
    assert all(isinstance(r, errors.ItemHeldByOther | CheckoutError) for r in results[1:])
    assert {r.code for r in results[1:] if isinstance(r, CheckoutError)} <= {"sold_out"}
    assert Order.objects.count() == 1
    assert ProductVariant.objects.get(pk=variant.pk).stock == 0
