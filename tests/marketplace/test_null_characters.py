"""A NUL character in a request's path, query or form fields answers 400 (PostgreSQL refuses NUL
in text: each of these was a 500), and nothing is written."""

import re

import pytest
from django.urls import reverse

from live.enums import LiveStatus
from orders.enums import PaymentMethod
from orders.models import Checkout
from tests.kit import factories
from tests.kit.factories import live_with_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client, buyer):
    factories.AddressFactory(user=buyer, is_default=True)
    client.force_login(buyer)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/pesanan/%00/",  # an order number
        "/pesanan/LPK%00/diterima/",
        "/produk/?q=kemeja%00",
        "/produk/?min_price=%00",
        "/produk/?page=%00",
        "/keranjang/?x%00=1",
    ],
)
def test_a_nul_in_the_path_or_query_is_a_bad_request(shopper, url):
    assert shopper.get(url).status_code == 400


@pytest.mark.parametrize(
    "field", ["idempotency_key", "platform_voucher", "voucher-{shop}", "address", "line"]
)
def test_a_nul_in_a_checkout_field_is_a_bad_request_and_places_nothing(shopper, field):
    variant = factories.ProductVariantFactory(product=factories.ProductFactory(), stock=5)
    shopper.post(reverse("cart_add"), {"variant": variant.pk, "quantity": 1})
    page = shopper.get(reverse("checkout")).content.decode()
    data = {
        "action": "place",
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1),
        "line": [variant.pk],
        "address": re.search(r'name="address" value="(\d+)"', page).group(1),
        "payment_method": PaymentMethod.COD,
    }
    data[field.format(shop=variant.shop_id)] = "abc\x00"

    response = shopper.post(reverse("checkout"), data)

    assert response.status_code == 400
    assert not Checkout.objects.exists()


def test_a_nul_in_the_live_buy_pages_idempotency_key_is_a_bad_request(shopper):
    session, variant = live_with_item()
    assert session.status == LiveStatus.LIVE

    response = shopper.post(
        reverse("live_buy", args=[session.pk]),
        {"variant": variant.pk, "action": "place", "idempotency_key": "\x00"},
    )

    assert response.status_code == 400
    assert not Checkout.objects.exists()


def test_a_lone_surrogate_in_the_query_arrives_replaced(shopper):
    # %ED%A0%BD is half an emoji in UTF-8 (CESU); Django decodes it with U+FFFD.
    assert shopper.get("/produk/?q=%ED%A0%BD").status_code == 200
