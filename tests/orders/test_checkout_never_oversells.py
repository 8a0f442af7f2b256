"""Stock never oversells: many buyers racing for the last units, and tampered quantities."""

import time

import pytest

from orders.checkout import CheckoutError
from orders.models import Checkout, Order, OrderItem
from shops.models import Product, ProductVariant
from tests.kit.buying import place
from tests.kit.concurrency import run_at_once
from tests.kit.factories import UserFactory, make_buyers, make_variant

BUYERS = 50
UNITS = 10


@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_racing_for_ten_units_get_exactly_ten(transactional_db):
    # given: one variant with 10 units and 50 buyers, each with an address
    variant = make_variant(stock=UNITS)
    buyers = make_buyers(BUYERS)

    # when: all 50 submit at the same moment, each on its own connection
    started = time.monotonic()
    results = run_at_once(BUYERS, lambda i: place(buyers[i][0], [(variant, 1)], address_id=buyers[i][1]))
    elapsed = time.monotonic() - started

    # then: exactly 10 checkouts, the other 40 refused as sold out and nothing else
    placed = [r for r in results if isinstance(r, Checkout)]
    refused = [r for r in results if isinstance(r, CheckoutError)]
    assert len(placed) == UNITS
    assert len(refused) == BUYERS - UNITS
    assert {error.code for error in refused} == {"sold_out"}
    assert Checkout.objects.count() == UNITS
    assert Order.objects.count() == UNITS
    assert sum(OrderItem.objects.values_list("quantity", flat=True)) == UNITS
    assert ProductVariant.objects.get(pk=variant.pk).stock == 0
    assert Product.objects.get(pk=variant.product_id).stock_total == 0
    print(f"{BUYERS} concurrent checkouts in {elapsed:.2f}s")


@pytest.mark.django_db
def test_the_same_variant_on_two_lines_is_summed_against_stock():
    variant = make_variant(stock=3)
    buyer = UserFactory()

    with pytest.raises(CheckoutError) as refusal:
        place(buyer, [(variant, 2), (variant, 2)])

    assert refusal.value.code == "sold_out"
    assert ProductVariant.objects.get(pk=variant.pk).stock == 3
    assert Checkout.objects.count() == 0

    checkout = place(buyer, [(variant, 2), (variant, 1)])

    item = checkout.orders.get().items.get()
    assert item.quantity == 3
    assert ProductVariant.objects.get(pk=variant.pk).stock == 0


@pytest.mark.django_db(transaction=True)
def test_racing_buyers_with_split_lines_never_exceed_stock(transactional_db):
    variant = make_variant(stock=5)
    buyers = make_buyers(12, prefix="split")

    results = run_at_once(
        12, lambda i: place(buyers[i][0], [(variant, 1), (variant, 1)], address_id=buyers[i][1])
    )

    assert sum(isinstance(r, Checkout) for r in results) == 2
    assert {r.code for r in results if not isinstance(r, Checkout)} == {"sold_out"}
    assert ProductVariant.objects.get(pk=variant.pk).stock == 1
