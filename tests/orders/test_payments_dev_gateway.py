"""The built-in payment simulator, end to end through the test client: checkout, pay now, then
each of its three buttons delivering a signed notification. Only the checkout's buyer may use it,
and only while DEBUG is on: tests run with DEBUG off, so the fixture turns it on explicitly."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from marketplace.models import Notification
from orders import payments
from orders.enums import OrderStatus, PaymentMethod, PaymentStatus
from orders.models import Cart, CartItem, Checkout, Payment, PaymentNotification
from orders.payments.services import PaymentError, payment_start
from shops.models import ProductVariant
from tests.kit.buying import place
from tests.kit.factories import AddressFactory, ShopFactory, UserFactory, make_variant

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _dev_gateway(settings):
    settings.PAYMENT_GATEWAY = "dev"
    settings.DEBUG = True


def gateway_url_pattern(checkout, attempt: int = 1) -> str:
    # LPK-<checkout>-<attempt>-<22 random url-safe characters>: readable for support, not guessable.
    return rf"^/dev-gateway/(LPK-{checkout.pk}-{attempt}-[A-Za-z0-9_-]{{22}})/$"


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
    assert re.fullmatch(gateway_url_pattern(checkout), gateway_url)
    assert gateway_url == f"/dev-gateway/{payment.gateway_order_id}/"
    assert (payment.provider, payment.amount, payment.method) == (
        "dev",
        order.total,
        PaymentMethod.BANK_TRANSFER,
    )
    page = buyer_client.get(gateway_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert payment.gateway_order_id in html
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
    assert re.fullmatch(gateway_url_pattern(checkout, attempt=2), start_payment(buyer_client, checkout))


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


# --- Who may use it -------------------------------------------------------------------------------


def assert_still_unpaid(checkout) -> None:
    assert checkout.orders.get().status == OrderStatus.AWAITING_PAYMENT
    assert Payment.objects.get(checkout=checkout).status == PaymentStatus.PENDING
    assert PaymentNotification.objects.count() == 0


@pytest.mark.parametrize("outcome", ["pay", "expire"])
def test_an_anonymous_visitor_is_sent_to_log_in_and_cannot_act(buyer_client, variant, outcome):
    checkout = checkout_by_bank_transfer(buyer_client, variant)
    gateway_url = start_payment(buyer_client, checkout)
    login = reverse(settings.LOGIN_URL)
    client = Client()

    page = client.get(gateway_url)
    pressed = client.post(gateway_url, {"outcome": outcome})

    assert (page.status_code, page.url) == (302, f"{login}?next={gateway_url}")
    assert (pressed.status_code, pressed.url) == (302, f"{login}?next={gateway_url}")
    assert_still_unpaid(checkout)


@pytest.mark.parametrize("outcome", ["pay", "expire"])
def test_another_buyer_cannot_see_or_act_on_your_payment(buyer_client, variant, outcome):
    checkout = checkout_by_bank_transfer(buyer_client, variant)
    gateway_url = start_payment(buyer_client, checkout)
    client = Client()
    client.force_login(UserFactory(username="stranger"))

    page = client.get(gateway_url)
    pressed = client.post(gateway_url, {"outcome": outcome})

    # 404 as for an id that does not exist: nothing says the payment is there, nor its order number.
    assert (page.status_code, pressed.status_code) == (404, 404)
    assert checkout.orders.get().number not in page.content.decode() + pressed.content.decode()
    assert_still_unpaid(checkout)


def test_gateway_order_ids_are_random_and_fit_midtrans_limits(variant):
    first = place(UserFactory(), [(variant, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    second = place(UserFactory(), [(variant, 1)], payment_method=PaymentMethod.BANK_TRANSFER)

    ids = [payment_start(checkout=checkout).gateway_order_id for checkout in (first, second)]

    for checkout, gateway_order_id in zip((first, second), ids, strict=True):
        # Midtrans: order_id up to 50 characters of letters, digits, "-", "_", "~" and ".".
        assert re.fullmatch(rf"LPK-{checkout.pk}-1-[A-Za-z0-9_-]{{22}}", gateway_order_id)
        assert len(gateway_order_id) <= 50
    assert ids[0].rsplit("-", 1)[1] != ids[1].rsplit("-", 1)[1]
    # Looked up by the stored id, never parsed: the next attempt's guessable prefix finds nothing.
    assert Payment.objects.filter(gateway_order_id=f"LPK-{first.pk}-1").count() == 0


# --- Only while DEBUG is on -----------------------------------------------------------------------


def test_the_dev_gateway_is_404_when_debug_is_off(buyer_client, variant, settings):
    checkout = checkout_by_bank_transfer(buyer_client, variant)
    gateway_url = start_payment(buyer_client, checkout)
    settings.DEBUG = False

    assert buyer_client.get(gateway_url).status_code == 404
    assert buyer_client.post(gateway_url, {"outcome": "pay"}).status_code == 404
    # Not even a login redirect for a visitor: the page does not exist.
    assert Client().get(gateway_url).status_code == 404
    assert_still_unpaid(checkout)


def test_the_dev_gateway_starts_no_payment_when_debug_is_off(variant, settings):
    checkout = place(UserFactory(), [(variant, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    settings.DEBUG = False

    with pytest.raises(PaymentError) as refused:
        payment_start(checkout=checkout)

    assert refused.value.code == "gateway_unavailable"
    assert Payment.objects.count() == 0


def test_a_dev_signed_notification_is_refused_when_debug_is_off(buyer_client, variant, settings):
    checkout = checkout_by_bank_transfer(buyer_client, variant)
    start_payment(buyer_client, checkout)
    payload = payments.provider_get("dev").notification_build(payment=Payment.objects.get(), outcome="pay")
    settings.DEBUG = False

    response = Client().post(reverse("payment_notification"), data=payload, content_type="application/json")

    assert (response.status_code, response.json()["reason"]) == (403, "invalid signature")
    assert_still_unpaid(checkout)


def run_with_env(*command: str, **env: str) -> subprocess.CompletedProcess:
    child_env = {
        key: value for key, value in os.environ.items() if not key.startswith(("MIDTRANS_", "PAYMENT_"))
    }
    child_env.update(SECRET_KEY=secrets.token_urlsafe(50), **env)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *command],
        cwd=settings.BASE_DIR,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [("manage.py", "check"), ("-c", "import marketplace.wsgi"), ("-c", "import marketplace.asgi")],
)
def test_nothing_starts_with_the_dev_gateway_and_debug_off(command):
    result = run_with_env(*command, DEBUG="0", PAYMENT_GATEWAY="dev")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "PAYMENT_GATEWAY=dev needs DEBUG=1" in result.stderr


def test_with_debug_off_and_no_keys_the_gateway_is_midtrans_and_the_deploy_check_fails():
    result = run_with_env("manage.py", "check", "--deploy", DEBUG="0", ALLOWED_HOSTS="lapak.example.com")

    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "orders.E001" in output
    assert "MIDTRANS_SERVER_KEY" in output
