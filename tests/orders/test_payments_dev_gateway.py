"""The built-in payment simulator, end to end through the test client: checkout, pay now, then
each of its three buttons delivering a signed notification."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from marketplace.models import Notification
from orders.enums import OrderStatus, PaymentMethod, PaymentStatus
from orders.models import Cart, CartItem, Checkout, Payment, PaymentNotification
from shops.models import ProductVariant
from tests.factories import AddressFactory, ShopFactory, UserFactory
from tests.orders.factories import fast_password_hashing, make_variant, place

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]


@pytest.fixture(autouse=True)
def _dev_gateway(settings):
    settings.PAYMENT_GATEWAY = "dev"


@pytest.fixture
def variant():
    return make_variant(shop=ShopFactory(name="Toko Kemeja"), price=125_000, stock=5)


@pytest.fixture
def buyer_client(client):
    buyer = UserFactory(username="sari")
    AddressFactory(user=buyer, is_default=True)
    client.force_login(buyer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.buyer = buyer
    return client


def checkout_by_bank_transfer(client, variant) -> Checkout:
    """Put two of `variant` in the cart and place the checkout as the browser would."""
    cart = Cart.objects.create(user=client.buyer)
    CartItem.objects.create(cart=cart, variant=variant, quantity=2, price_when_added=variant.price)
    html = client.get(reverse("checkout")).content.decode()
    data = {
        "action": "place",
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1),
        "line": re.findall(r'name="line" value="(\d+)"', html),
        "address": re.search(r'name="address" value="(\d+)"[^>]*checked', html).group(1),
        "payment_method": PaymentMethod.BANK_TRANSFER,
    }
    response = client.post(reverse("checkout"), data)
    checkout = Checkout.objects.get()
    assert response.url == reverse("checkout_done", args=[checkout.pk])
    return checkout


def start_payment(client, checkout) -> str:
    """Press "Pay now" on the confirmation page; returns the gateway page's URL."""
    done = client.get(reverse("checkout_done", args=[checkout.pk])).content.decode()
    assert f'action="{reverse("payment_start", args=[checkout.pk])}"' in done
    response = client.post(reverse("payment_start", args=[checkout.pk]))
    assert response.status_code == 302
    return response.url


def test_paying_on_the_dev_gateway_ships_the_order(buyer_client, variant):
    checkout = checkout_by_bank_transfer(buyer_client, variant)
    order = checkout.orders.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT

    gateway_url = start_payment(buyer_client, checkout)

    payment = Payment.objects.get()
    assert gateway_url == f"/dev-gateway/LPK-{checkout.pk}-1/"
    assert (payment.provider, payment.amount, payment.method) == (
        "dev",
        order.total,
        PaymentMethod.BANK_TRANSFER,
    )
    page = buyer_client.get(gateway_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"LPK-{checkout.pk}-1" in html
    assert re.findall(r'name="outcome" value="(\w+)"', html) == ["pay", "fail", "expire"]

    response = buyer_client.post(gateway_url, {"outcome": "pay"}, follow=True)

    assert response.redirect_chain == [(reverse("order_detail", args=[order.number]), 302)]
    order.refresh_from_db()
    assert order.status == OrderStatus.TO_SHIP
    assert Payment.objects.get().status == PaymentStatus.PAID
    assert PaymentNotification.objects.get().is_signature_valid is True
    assert Notification.objects.filter(user=buyer_client.buyer, kind="order_paid").count() == 1
    assert "Paid via Dev gateway" in response.content.decode()
    assert "data-pay-now" not in response.content.decode()


def test_a_failed_payment_leaves_the_order_awaiting_and_payable(buyer_client, variant):
    checkout = checkout_by_bank_transfer(buyer_client, variant)
    gateway_url = start_payment(buyer_client, checkout)

    response = buyer_client.post(gateway_url, {"outcome": "fail"}, follow=True)

    order = checkout.orders.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert "data-pay-now" in response.content.decode()  # the order page offers another try
    assert start_payment(buyer_client, checkout) == f"/dev-gateway/LPK-{checkout.pk}-2/"


def test_letting_it_expire_cancels_the_order_and_releases_stock(buyer_client, variant):
    checkout = checkout_by_bank_transfer(buyer_client, variant)
    assert ProductVariant.objects.get(pk=variant.pk).stock == 3
    gateway_url = start_payment(buyer_client, checkout)

    buyer_client.post(gateway_url, {"outcome": "expire"})

    assert checkout.orders.get().status == OrderStatus.CANCELLED
    assert Payment.objects.get().status == PaymentStatus.EXPIRED
    assert ProductVariant.objects.get(pk=variant.pk).stock == 5
    assert buyer_client.get(gateway_url).content.decode().count('name="outcome"') == 0


def test_pressing_pay_twice_pays_once(buyer_client, variant):
    checkout = checkout_by_bank_transfer(buyer_client, variant)
    gateway_url = start_payment(buyer_client, checkout)

    buyer_client.post(gateway_url, {"outcome": "pay"})
    buyer_client.post(gateway_url, {"outcome": "pay"})

    assert PaymentNotification.objects.count() == 1
    assert Notification.objects.filter(kind="order_paid").count() == 1


def test_an_unknown_button_is_a_400(buyer_client, variant):
    checkout = checkout_by_bank_transfer(buyer_client, variant)
    gateway_url = start_payment(buyer_client, checkout)

    assert buyer_client.post(gateway_url, {"outcome": "steal"}).status_code == 400
    assert PaymentNotification.objects.count() == 0


def test_the_dev_gateway_is_404_when_midtrans_is_active(buyer_client, variant, settings):
    checkout = place(buyer_client.buyer, [(variant, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    gateway_url = start_payment(buyer_client, checkout)
    settings.PAYMENT_GATEWAY = "midtrans"

    assert buyer_client.get(gateway_url).status_code == 404
    assert buyer_client.post(gateway_url, {"outcome": "pay"}).status_code == 404
    assert checkout.orders.get().status == OrderStatus.AWAITING_PAYMENT


def test_another_buyer_cannot_start_payment_for_your_checkout(client, variant):
    owner = UserFactory()
    checkout = place(owner, [(variant, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    client.force_login(UserFactory(username="stranger"))

    response = client.post(reverse("payment_start", args=[checkout.pk]))

    assert response.status_code == 404
    assert Payment.objects.count() == 0


def test_starting_payment_needs_login_and_post(client, variant):
    checkout = place(UserFactory(), [(variant, 1)], payment_method=PaymentMethod.BANK_TRANSFER)

    assert client.post(reverse("payment_start", args=[checkout.pk])).status_code == 302
    client.force_login(checkout.buyer)
    assert client.get(reverse("payment_start", args=[checkout.pk])).status_code == 405
    assert Payment.objects.count() == 0


def test_cod_checkouts_show_no_pay_button(buyer_client, variant):
    checkout = place(buyer_client.buyer, [(variant, 1)], payment_method=PaymentMethod.COD)

    done = buyer_client.get(reverse("checkout_done", args=[checkout.pk])).content.decode()

    assert "data-pay-now" not in done
