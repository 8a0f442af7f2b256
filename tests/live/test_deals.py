"""Flash deals: launch, stop, the price honoured only while running, units back on expiry."""

from datetime import timedelta

import pytest

from live import deals, errors
from live.enums import FlashClaimStatus, FlashDealStatus
from live.models import FlashDeal, FlashDealClaim, LiveOrder
from marketplace.transitions import TransitionNotAllowed
from orders.checkout import CheckoutError, checkout_place
from orders.enums import OrderStatus
from orders.lifecycle import order_cancel, orders_expire_unpaid
from orders.models import Checkout, Order
from orders.selectors import Line
from shops.models import ProductVariant
from tests.kit.buying import DEAL_PRICE, buy, expire, launch
from tests.kit.factories import AddressFactory, UserFactory, live_with_item, make_buyers

pytestmark = pytest.mark.english


@pytest.mark.django_db
def test_launch_runs_the_deal_until_its_end_time():
    session, variant = live_with_item()

    deal = launch(session, variant, duration_seconds=90)

    assert deal.status == FlashDealStatus.ACTIVE
    assert deal.ends_at - deal.started_at == timedelta(seconds=90)
    assert deals.deal_is_running(deal)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price": 100_000}, "below the normal price"),
        ({"units": 0}, "at least 1"),
        ({"duration_seconds": 2 * 60 * 60}, "one hour"),
    ],
)
def test_launch_refuses_bad_terms_and_writes_nothing(overrides, message):
    session, variant = live_with_item(price=100_000)

    with pytest.raises(errors.DealInvalid, match=message):
        launch(session, variant, **overrides)

    assert FlashDeal.objects.count() == 0


@pytest.mark.django_db
def test_only_a_host_launches_and_one_deal_runs_at_a_time():
    session, variant = live_with_item()
    with pytest.raises(errors.LiveHostNotAllowed):
        deals.deal_launch(
            session=session,
            actor=UserFactory(),
            product=variant.product,
            price=1,
            units=1,
            duration_seconds=5,
        )
    launch(session, variant)

    with pytest.raises(errors.DealAlreadyRunning):
        launch(session, variant)

    assert FlashDeal.objects.count() == 1


@pytest.mark.django_db
def test_a_deal_past_its_end_time_does_not_block_the_next_launch():
    session, variant = live_with_item()
    first = launch(session, variant)
    expire(first)

    second = launch(session, variant)

    first.refresh_from_db()
    assert first.status == FlashDealStatus.ENDED
    assert second.status == FlashDealStatus.ACTIVE


@pytest.mark.django_db
def test_live_checkout_charges_the_deal_price_and_records_the_live_order():
    session, variant = live_with_item(price=100_000)
    deal = launch(session, variant)
    buyer = UserFactory()

    checkout = buy(buyer, AddressFactory(user=buyer).pk, session, deal=deal)

    order = checkout.orders.get()
    item = order.items.get()
    assert (item.unit_price, item.quantity, order.subtotal) == (DEAL_PRICE, 1, DEAL_PRICE)
    assert LiveOrder.objects.get(order=order).session == session
    claim = FlashDealClaim.objects.get()
    assert (claim.status, claim.order, claim.quantity) == (FlashClaimStatus.ORDERED, order, 1)
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 1
    assert ProductVariant.objects.get(pk=variant.pk).stock == 49


@pytest.mark.django_db
def test_a_held_claim_is_paid_at_the_deal_price():
    session, variant = live_with_item()
    deal = launch(session, variant, per_buyer_limit=2)
    buyer = UserFactory()
    claim = deals.deal_claim(buyer=buyer, deal=deal, quantity=2)
    assert deals.deal_price_for(buyer=buyer, variant=variant) == DEAL_PRICE

    checkout = buy(buyer, AddressFactory(user=buyer).pk, session, claim=claim)

    item = checkout.orders.get().items.get()
    assert (item.unit_price, item.quantity) == (DEAL_PRICE, 2)
    claim.refresh_from_db()
    assert claim.status == FlashClaimStatus.ORDERED
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 2


@pytest.mark.django_db
def test_after_the_end_time_the_deal_price_is_refused_without_the_job():
    session, variant = live_with_item()
    deal = launch(session, variant)
    holder, latecomer = UserFactory(), UserFactory()
    claim = deals.deal_claim(buyer=holder, deal=deal)
    expire(deal)
    assert deal.status == FlashDealStatus.ACTIVE  # the job has not run

    with pytest.raises(errors.DealNotRunning):
        buy(holder, AddressFactory(user=holder).pk, session, claim=claim)
    with pytest.raises(errors.DealNotRunning):
        buy(latecomer, AddressFactory(user=latecomer).pk, session, deal=deal)
    with pytest.raises(errors.DealNotRunning):
        deals.deal_claim(buyer=latecomer, deal=deal)

    assert deals.deal_price_for(buyer=holder, variant=variant) is None
    assert Checkout.objects.count() == 0
    assert FlashDealClaim.objects.count() == 1
    assert ProductVariant.objects.get(pk=variant.pk).stock == 50


@pytest.mark.django_db
def test_the_job_ends_due_deals_once_and_gives_back_claims_never_ordered():
    session, variant = live_with_item()
    deal = launch(session, variant)
    claim = deals.deal_claim(buyer=UserFactory(), deal=deal)
    expire(deal)

    assert deals.deals_end_due() == 1
    assert deals.deals_end_due() == 0

    deal.refresh_from_db()
    claim.refresh_from_db()
    assert (deal.status, deal.units_claimed, deal.stopped_at) == (FlashDealStatus.ENDED, 0, None)
    assert claim.status == FlashClaimStatus.RELEASED


@pytest.mark.django_db
def test_stop_early_refuses_the_price_from_then_on():
    session, variant = live_with_item()
    deal = launch(session, variant)
    buyer = UserFactory()

    deals.deal_stop(deal=deal, actor=session.host)

    assert deal.status == FlashDealStatus.STOPPED
    assert deal.stopped_at is not None
    with pytest.raises(errors.DealNotRunning):
        buy(buyer, AddressFactory(user=buyer).pk, session, deal=deal)
    with pytest.raises(TransitionNotAllowed):
        deals.deal_stop(deal=deal, actor=session.host)
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_the_per_buyer_limit_counts_held_and_ordered_units():
    session, variant = live_with_item()
    deal = launch(session, variant, per_buyer_limit=2)
    (buyer, address_id), other = make_buyers(1)[0], UserFactory()
    buy(buyer, address_id, session, deal=deal)
    deals.deal_claim(buyer=buyer, deal=deal)

    with pytest.raises(errors.DealBuyerLimitReached):
        buy(buyer, address_id, session, deal=deal)
    with pytest.raises(errors.DealBuyerLimitReached):
        deals.deal_claim(buyer=buyer, deal=deal)

    assert deals.deal_claim(buyer=other, deal=deal, quantity=2).quantity == 2
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 4
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_the_last_units_are_refused_as_sold_out():
    session, variant = live_with_item()
    deal = launch(session, variant, units=1)
    deals.deal_claim(buyer=UserFactory(), deal=deal)

    with pytest.raises(errors.DealSoldOut):
        deals.deal_claim(buyer=UserFactory(), deal=deal)


@pytest.mark.django_db
def test_an_expired_unpaid_order_returns_its_deal_units_and_stock():
    session, variant = live_with_item()
    deal = launch(session, variant, units=1)
    (buyer, address_id), (second, second_address) = make_buyers(2)
    checkout = buy(buyer, address_id, session, deal=deal)
    order = checkout.orders.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    with pytest.raises(errors.DealSoldOut):
        buy(second, second_address, session, deal=deal)

    expired = orders_expire_unpaid(now=order.payment_due_at + timedelta(seconds=1))

    assert expired == 1
    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 0
    assert FlashDealClaim.objects.get().status == FlashClaimStatus.RELEASED
    assert ProductVariant.objects.get(pk=variant.pk).stock == 50
    # The unit is back on the running deal: the next buyer gets it at the deal price.
    assert buy(second, second_address, session, deal=deal).orders.get().items.get().unit_price == DEAL_PRICE


@pytest.mark.django_db
def test_a_cancelled_order_returns_its_deal_units():
    session, variant = live_with_item()
    deal = launch(session, variant, units=2, per_buyer_limit=2)
    buyer, address_id = make_buyers(1)[0]
    order = buy(buyer, address_id, session, deal=deal, quantity=2).orders.get()

    order_cancel(order=order, actor=buyer, reason="")

    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 0
    assert FlashDealClaim.objects.get().status == FlashClaimStatus.RELEASED
    assert deals.deal_claim_release(claim=FlashDealClaim.objects.get()) is False


@pytest.mark.django_db
def test_a_held_claim_can_be_given_back_but_not_an_ordered_one():
    session, variant = live_with_item()
    deal = launch(session, variant, per_buyer_limit=2)
    buyer, address_id = make_buyers(1)[0]
    held = deals.deal_claim(buyer=buyer, deal=deal)
    ordered = FlashDealClaim.objects.get(order=buy(buyer, address_id, session, deal=deal).orders.get())

    assert deals.deal_claim_release(claim=held) is True
    assert deals.deal_claim_release(claim=held) is False
    with pytest.raises(errors.DealInvalid):
        deals.deal_claim_release(claim=ordered)

    assert FlashDeal.objects.get(pk=deal.pk).units_claimed == 1


@pytest.mark.django_db
def test_checkout_refuses_a_price_override_that_raises_the_price():
    session, variant = live_with_item(price=100_000)
    buyer, address_id = make_buyers(1)[0]

    with pytest.raises(CheckoutError) as refusal:
        checkout_place(
            buyer=buyer,
            idempotency_key="k",
            lines=[Line(variant.pk, 1)],
            address_id=address_id,
            choices={},
            payment_method="cod",
            unit_price_overrides={variant.pk: 100_001},
        )

    assert refusal.value.code == "price_invalid"
    assert Checkout.objects.count() == 0
