"""One idempotency key places one checkout, however many times (or at once) it is submitted."""

import pytest

from orders.models import Checkout, Order, OrderEvent, OrderItem, Voucher, VoucherRedemption
from shops.models import Product, ProductVariant
from tests.kit.buying import place
from tests.kit.concurrency import run_at_once
from tests.kit.factories import AddressFactory, UserFactory, VoucherFactory, make_variant


@pytest.mark.django_db
def test_the_same_key_twice_returns_the_first_checkout():
    buyer = UserFactory()
    address = AddressFactory(user=buyer)
    variant = make_variant(stock=5)
    VoucherFactory(code="SEKALI")

    first = place(buyer, [(variant, 2)], address_id=address.pk, key="k-1", platform_voucher_code="SEKALI")
    second = place(buyer, [(variant, 2)], address_id=address.pk, key="k-1", platform_voucher_code="SEKALI")

    assert second.pk == first.pk
    assert Checkout.objects.count() == 1
    assert Order.objects.count() == 1
    assert OrderEvent.objects.count() == 1
    assert ProductVariant.objects.get(pk=variant.pk).stock == 3
    assert Voucher.objects.get(code="SEKALI").used_count == 1
    assert VoucherRedemption.objects.count() == 1


@pytest.mark.django_db
def test_another_key_places_another_checkout():
    buyer = UserFactory()
    address = AddressFactory(user=buyer)
    variant = make_variant(stock=5)

    place(buyer, [(variant, 1)], address_id=address.pk, key="k-1")
    place(buyer, [(variant, 1)], address_id=address.pk, key="k-2")

    assert Checkout.objects.count() == 2
    assert ProductVariant.objects.get(pk=variant.pk).stock == 3


@pytest.mark.django_db
def test_keys_are_per_buyer():
    variant = make_variant(stock=5)
    place(UserFactory(), [(variant, 1)], key="same")
    place(UserFactory(), [(variant, 1)], key="same")

    assert Checkout.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_ten_submits_at_once_place_one_checkout_and_reserve_stock_once(transactional_db):
    buyer = UserFactory()
    address = AddressFactory(user=buyer)
    shirt = make_variant(stock=10)
    batik = make_variant(stock=10)

    results = run_at_once(
        10, lambda i: place(buyer, [(shirt, 2), (batik, 1)], address_id=address.pk, key="double-click")
    )

    assert all(isinstance(r, Checkout) for r in results), results
    assert {r.pk for r in results} == {Checkout.objects.get().pk}
    assert Order.objects.count() == 2
    assert OrderItem.objects.count() == 2
    assert ProductVariant.objects.get(pk=shirt.pk).stock == 8
    assert ProductVariant.objects.get(pk=batik.pk).stock == 9
    assert Product.objects.get(pk=shirt.product_id).stock_total == 8
