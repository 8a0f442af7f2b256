"""Ids and quantities that are not plain ASCII numbers, on every cart, checkout and payment
parameter: a form error, a 400 or a 404, never a 500, and nothing written.

"²" passes str.isdigit() and fails int(); "١٢" and the fullwidth "１２" are read by int() as 12.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from orders.enums import PaymentMethod
from orders.models import CartItem, Checkout, Order, PaymentNotification
from tests.kit import factories

pytestmark = pytest.mark.django_db

BAD = ["²", "١٢", "１２", "-1", "1e3", "99999999999999999999999", ""]


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def shirt():
    shop = factories.ShopFactory(city="Bandung")
    product = factories.ProductFactory(shop=shop, title="Kemeja Flanel")
    return factories.ProductVariantFactory(product=product, price=125_000, stock=50, size="M")


@pytest.fixture
def in_cart(client, buyer, shirt):
    """The buyer, logged in, with two shirts in the cart and a default address."""
    factories.AddressFactory(user=buyer, is_default=True)
    client.force_login(buyer)
    client.post(reverse("cart_add"), {"variant": shirt.pk, "quantity": 2})
    client.get(reverse("cart"))  # reads the "added" message, so each test sees only its own
    return client


def _messages(client, response) -> list[str]:
    assert response.status_code == 302
    return [str(message) for message in client.get(response.url).context["messages"]]


@pytest.mark.parametrize("raw", BAD)
def test_adding_to_the_cart_refuses_a_bad_quantity(client, shirt, raw):
    response = client.post(reverse("cart_add"), {"variant": shirt.pk, "quantity": raw})

    assert _messages(client, response) == ["Enter a whole number of items from 1 to 99."]
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("raw", BAD)
def test_adding_to_the_cart_refuses_a_bad_variant(client, shirt, raw):
    response = client.post(reverse("cart_add"), {"variant": raw, "quantity": 1})

    assert response.status_code in (302, 404)
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("raw", BAD)
def test_changing_a_quantity_refuses_a_bad_number(in_cart, raw):
    item = CartItem.objects.get()

    response = in_cart.post(reverse("cart_update", args=[item.pk]), {"quantity": raw})

    assert _messages(in_cart, response) == ["Enter a whole number of items from 1 to 99."]
    assert CartItem.objects.get().quantity == 2


@pytest.mark.parametrize("raw", BAD)
def test_the_checkout_ignores_a_bad_variant_selection(in_cart, raw):
    response = in_cart.get(reverse("checkout"), {"variant": raw})

    assert response.status_code == 200
    assert "Kemeja Flanel" in response.content.decode()


def _checkout_post(client, page, **overrides) -> dict:
    html = page.content.decode()
    data = {
        "action": "place",
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1),
        "line": re.findall(r'name="line" value="(\d+)"', html),
        "address": re.search(r'name="address" value="(\d+)"', html).group(1),
        "payment_method": PaymentMethod.COD,
    }
    data.update(overrides)
    return client.post(reverse("checkout"), data)


@pytest.mark.parametrize("field", ["line", "defect", "variant", "address"])
@pytest.mark.parametrize("raw", BAD)
def test_placing_a_checkout_with_a_bad_id_is_refused_or_ignored_never_an_error(in_cart, field, raw):
    page = in_cart.get(reverse("checkout"))

    response = _checkout_post(in_cart, page, **{field: raw})

    assert response.status_code in (200, 302)
    if field in ("line", "address"):
        # The lines the page showed, or the address: without them nothing can be placed.
        assert not Checkout.objects.exists()
        assert not Order.objects.exists()


@pytest.mark.parametrize("raw", ["²", "١٢", "１２", "-1", "1e3", "abc", "99999999999999999999999"])
def test_a_payment_notification_with_a_bad_content_length_is_refused(client, raw):
    response = client.post(
        reverse("payment_notification"), b"{}", content_type="application/json", CONTENT_LENGTH=raw
    )

    assert (response.status_code, response.json()["reason"]) == (400, "bad content length")
    assert not PaymentNotification.objects.exists()


def test_a_payment_notification_declaring_a_huge_body_is_refused_unread(client):
    response = client.post(
        reverse("payment_notification"),
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH="9999999999",
    )

    assert (response.status_code, response.json()["reason"]) == (413, "body too large")
