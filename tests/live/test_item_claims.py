"""One-of-a-kind items: the first claim holds, the rest queue, a lapsed hold passes on."""

from datetime import timedelta

import pytest
from django.utils import timezone

from live import claims, errors
from live.enums import ItemClaimStatus
from live.models import ItemClaim
from marketplace.models import Notification
from orders.checkout import CheckoutError
from orders.enums import OrderStatus
from orders.lifecycle import orders_expire_unpaid
from orders.models import Order
from shops.models import ProductVariant
from tests.kit.buying import buy
from tests.kit.factories import live_with_item, make_buyers


def one_off():
    return live_with_item(stock=1, price=150_000)


def stock(variant) -> int:
    return ProductVariant.objects.get(pk=variant.pk).stock


@pytest.mark.django_db
def test_first_claim_holds_the_item_and_the_rest_queue_in_order():
    session, variant = one_off()
    (a, _), (b, _), (c, _) = make_buyers(3)

    first = claims.item_claim(buyer=a, session=session, variant=variant)
    second = claims.item_claim(buyer=b, session=session, variant=variant)
    third = claims.item_claim(buyer=c, session=session, variant=variant)

    assert first.status == ItemClaimStatus.HOLDING
    assert first.hold_expires_at > timezone.now()
    assert [claims.item_claim_position(claim=x) for x in (first, second, third)] == [0, 1, 2]
    assert claims.item_claim_queue_size(variant=variant) == 2
    assert stock(variant) == 0  # the hold keeps the unit off the shop page
    assert claims.item_claim(buyer=b, session=session, variant=variant).pk == second.pk


@pytest.mark.django_db
def test_the_holder_buys_it_and_nobody_else_can():
    session, variant = one_off()
    (holder, holder_address), (other, other_address) = make_buyers(2)
    hold = claims.item_claim(buyer=holder, session=session, variant=variant)
    claims.item_claim(buyer=other, session=session, variant=variant)

    with pytest.raises(errors.ItemHeldByOther):
        buy(other, other_address, session, variant=variant)
    checkout = buy(holder, holder_address, session, claim=hold)

    order = checkout.orders.get()
    hold.refresh_from_db()
    assert (hold.status, hold.order) == (ItemClaimStatus.ORDERED, order)
    assert order.items.get().unit_price == 150_000
    assert order.payment_due_at == hold.hold_expires_at
    assert stock(variant) == 0
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_a_lapsed_hold_passes_to_the_next_in_line_who_is_told():
    session, variant = one_off()
    (a, _), (b, b_address), (c, _) = make_buyers(3)
    first = claims.item_claim(buyer=a, session=session, variant=variant)
    second = claims.item_claim(buyer=b, session=session, variant=variant)
    claims.item_claim(buyer=c, session=session, variant=variant)
    later = first.hold_expires_at + timedelta(seconds=1)

    assert claims.item_claims_pass_lapsed(now=later) == 1
    assert claims.item_claims_pass_lapsed(now=later) == 0

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ItemClaimStatus.LAPSED
    assert second.status == ItemClaimStatus.HOLDING
    assert second.hold_expires_at > timezone.now()
    assert claims.item_claim_queue_size(variant=variant) == 1
    assert Notification.objects.filter(user=b, kind=claims.NOTIFICATION_KIND_ITEM_HELD).count() == 1
    assert stock(variant) == 0
    assert buy(b, b_address, session, claim=second).orders.get().buyer == b


@pytest.mark.django_db
def test_an_unpaid_order_past_the_hold_is_cancelled_and_the_item_passes_on():
    session, variant = one_off()
    (a, a_address), (b, _) = make_buyers(2)
    hold = claims.item_claim(buyer=a, session=session, variant=variant)
    order = buy(a, a_address, session, claim=hold).orders.get()
    waiting = claims.item_claim(buyer=b, session=session, variant=variant)
    assert waiting.status == ItemClaimStatus.WAITING

    assert claims.item_claims_pass_lapsed(now=hold.hold_expires_at + timedelta(seconds=1)) == 1

    order.refresh_from_db()
    hold.refresh_from_db()
    waiting.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert hold.status == ItemClaimStatus.LAPSED
    assert waiting.status == ItemClaimStatus.HOLDING
    assert Notification.objects.filter(user=b, kind=claims.NOTIFICATION_KIND_ITEM_HELD).count() == 1
    assert stock(variant) == 0


@pytest.mark.django_db
def test_an_order_expiring_unpaid_passes_the_item_on_too():
    session, variant = one_off()
    (a, a_address), (b, _) = make_buyers(2)
    hold = claims.item_claim(buyer=a, session=session, variant=variant)
    order = buy(a, a_address, session, claim=hold).orders.get()
    waiting = claims.item_claim(buyer=b, session=session, variant=variant)

    assert orders_expire_unpaid(now=order.payment_due_at + timedelta(seconds=1)) == 1

    waiting.refresh_from_db()
    assert waiting.status == ItemClaimStatus.HOLDING
    assert stock(variant) == 0


@pytest.mark.django_db
def test_with_nobody_waiting_a_lapsed_hold_goes_back_to_stock():
    session, variant = one_off()
    hold = claims.item_claim(buyer=make_buyers(1)[0][0], session=session, variant=variant)

    claims.item_claims_pass_lapsed(now=hold.hold_expires_at + timedelta(seconds=1))

    assert stock(variant) == 1
    assert ItemClaim.objects.get().status == ItemClaimStatus.LAPSED


@pytest.mark.django_db
def test_a_paid_item_is_sold_and_later_claims_are_refused():
    session, variant = one_off()
    (a, a_address), (b, _) = make_buyers(2)
    hold = claims.item_claim(buyer=a, session=session, variant=variant)
    buy(a, a_address, session, claim=hold, payment_method="cod")

    with pytest.raises(errors.ItemSoldOut):
        claims.item_claim(buyer=b, session=session, variant=variant)
    assert claims.item_claims_pass_lapsed(now=hold.hold_expires_at + timedelta(seconds=1)) == 0
    assert ItemClaim.objects.count() == 1


@pytest.mark.django_db
def test_withdrawing_the_hold_passes_it_on_and_leaving_the_queue_shortens_it():
    session, variant = one_off()
    (a, _), (b, _), (c, _) = make_buyers(3)
    first = claims.item_claim(buyer=a, session=session, variant=variant)
    second = claims.item_claim(buyer=b, session=session, variant=variant)
    third = claims.item_claim(buyer=c, session=session, variant=variant)

    claims.item_claim_withdraw(buyer=c, claim=third)
    claims.item_claim_withdraw(buyer=a, claim=first)

    second.refresh_from_db()
    assert second.status == ItemClaimStatus.HOLDING
    assert claims.item_claim_queue_size(variant=variant) == 0
    with pytest.raises(errors.ItemClaimNotOpen):
        claims.item_claim_withdraw(buyer=a, claim=first)


@pytest.mark.django_db
def test_the_shop_page_cannot_sell_a_held_item():
    from tests.kit.buying import place

    session, variant = one_off()
    (a, _), (b, b_address) = make_buyers(2)
    claims.item_claim(buyer=a, session=session, variant=variant)

    with pytest.raises(CheckoutError) as refusal:
        place(b, [(variant, 1)], address_id=b_address)

    assert refusal.value.code == "sold_out"
