"""Starting a Midtrans Snap transaction: the request we send and what we do with the answer.
Only the HTTP client (urllib.request.urlopen) is replaced; bodies follow Midtrans' documentation."""

import base64
import hashlib
import io
import json
import re
import urllib.error
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from orders.enums import OrderEventKind, OrderStatus, PaymentMethod, PaymentStatus
from orders.models import Payment
from orders.payments import midtrans
from orders.payments.services import PaymentError, payment_start
from tests.kit.buying import place
from tests.kit.factories import ShopFactory, UserFactory, make_variant

pytestmark = [pytest.mark.django_db]

SERVER_KEY = "SB-Mid-server-TEST-abc123"
# Midtrans' documented answer to POST /snap/v1/transactions (HTTP 201).
SNAP_RESPONSE = {
    "token": "66e4fa55-fdac-4ef9-91b5-733b97d1b862",
    "redirect_url": "https://app.sandbox.midtrans.com/snap/v2/vtweb/66e4fa55-fdac-4ef9-91b5-733b97d1b862",
}


@pytest.fixture(autouse=True)
def _midtrans(settings):
    settings.PAYMENT_GATEWAY = "midtrans"
    settings.MIDTRANS_SERVER_KEY = SERVER_KEY
    settings.MIDTRANS_IS_PRODUCTION = False


class FakeResponse(io.BytesIO):
    def __init__(self, body: bytes, status: int = 201):
        super().__init__(body)
        self.status = status


@pytest.fixture
def snap():
    """urlopen answering like Snap; `.call_args` holds the request and the timeout."""
    with mock.patch("urllib.request.urlopen") as urlopen:
        urlopen.return_value = FakeResponse(json.dumps(SNAP_RESPONSE).encode())
        yield urlopen


def two_shop_checkout():
    buyer = UserFactory(username="sari", email="sari@example.com")
    first = make_variant(shop=ShopFactory(name="Toko Kemeja"), price=125_000)
    second = make_variant(shop=ShopFactory(name="Lemari Thrift"), price=80_000)
    return place(buyer, [(first, 2), (second, 1)], payment_method=PaymentMethod.BANK_TRANSFER)


def test_the_snap_request_has_the_documented_shape(snap):
    checkout = two_shop_checkout()

    payment = payment_start(checkout=checkout)

    (request,), kwargs = snap.call_args
    assert kwargs == {"timeout": midtrans.HTTP_TIMEOUT}
    assert midtrans.HTTP_TIMEOUT == 15
    assert (request.full_url, request.get_method()) == (midtrans.SNAP_URL_SANDBOX, "POST")
    expected_auth = "Basic " + base64.b64encode(f"{SERVER_KEY}:".encode()).decode()
    assert request.get_header("Authorization") == expected_auth
    assert request.get_header("Content-type") == "application/json"
    body = json.loads(request.data)
    assert body["transaction_details"] == {
        "order_id": payment.gateway_order_id,
        "gross_amount": checkout.grand_total,
    }
    assert re.fullmatch(rf"LPK-{checkout.pk}-1-[A-Za-z0-9_-]{{22}}", payment.gateway_order_id)
    assert isinstance(body["transaction_details"]["gross_amount"], int)
    orders = list(checkout.orders.order_by("id"))
    assert [(i["id"], i["price"], i["quantity"]) for i in body["item_details"]] == [
        (order.number, order.total, 1) for order in orders
    ]
    assert sum(i["price"] * i["quantity"] for i in body["item_details"]) == checkout.grand_total
    assert all(len(i["name"]) <= 50 for i in body["item_details"])
    assert body["customer_details"]["email"] == "sari@example.com"
    assert body["customer_details"]["phone"] == checkout.phone
    assert (payment.amount, payment.provider, payment.status) == (
        checkout.grand_total,
        "midtrans",
        PaymentStatus.PENDING,
    )
    assert payment.redirect_url == SNAP_RESPONSE["redirect_url"]


def test_production_uses_the_production_endpoint(snap, settings):
    settings.MIDTRANS_IS_PRODUCTION = True

    payment_start(checkout=two_shop_checkout())

    assert snap.call_args.args[0].full_url == "https://app.midtrans.com/snap/v1/transactions"


def test_the_buyer_is_sent_to_the_redirect_url(snap, client):
    checkout = two_shop_checkout()
    client.force_login(checkout.buyer)

    response = client.post(reverse("payment_start", args=[checkout.pk]))

    assert (response.status_code, response.url) == (302, SNAP_RESPONSE["redirect_url"])
    assert Payment.objects.get().redirect_url == SNAP_RESPONSE["redirect_url"]


def test_a_second_click_reuses_the_started_transaction(snap):
    checkout = two_shop_checkout()

    first = payment_start(checkout=checkout)
    second = payment_start(checkout=checkout)

    assert first.pk == second.pk
    assert snap.call_count == 1


@pytest.mark.parametrize(
    "failure",
    [
        urllib.error.HTTPError(
            midtrans.SNAP_URL_SANDBOX,
            401,
            "Unauthorized",
            {},
            io.BytesIO(b'{"error_messages":["Access denied"]}'),
        ),
        urllib.error.URLError(TimeoutError("timed out")),
        FakeResponse(b"<html>Bad gateway</html>", status=502),
        FakeResponse(b'{"token": "x"}', status=201),
    ],
    ids=["http-401", "timeout", "html-502", "no-redirect-url"],
)
def test_a_gateway_error_is_told_to_the_buyer_and_the_payment_stays_pending(snap, client, failure):
    if isinstance(failure, Exception):
        snap.side_effect = failure
    else:
        snap.return_value = failure
    checkout = two_shop_checkout()
    client.force_login(checkout.buyer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(reverse("payment_start", args=[checkout.pk]), follow=True)

    assert response.redirect_chain == [(reverse("checkout_done", args=[checkout.pk]), 302)]
    assert "The payment gateway is not responding. Please try again in a moment." in response.content.decode()
    payment = Payment.objects.get()
    assert (payment.status, payment.redirect_url) == (PaymentStatus.PENDING, "")
    assert [o.status for o in checkout.orders.all()] == [OrderStatus.AWAITING_PAYMENT] * 2


def test_a_retry_after_a_gateway_error_is_a_new_attempt(snap):
    checkout = two_shop_checkout()
    snap.side_effect = urllib.error.URLError("down")
    with pytest.raises(PaymentError):
        payment_start(checkout=checkout)
    snap.side_effect = None

    payment = payment_start(checkout=checkout)

    assert payment.gateway_order_id.startswith(f"LPK-{checkout.pk}-2-")
    assert payment.redirect_url == SNAP_RESPONSE["redirect_url"]


def test_no_server_key_means_no_call(snap, settings):
    settings.MIDTRANS_SERVER_KEY = ""

    with pytest.raises(PaymentError) as refused:
        payment_start(checkout=two_shop_checkout())

    assert refused.value.code == "gateway_unavailable"
    snap.assert_not_called()
    assert Payment.objects.count() == 0  # refused before an attempt is written


def test_cod_checkouts_have_nothing_to_start(snap):
    checkout = place(UserFactory(), [(make_variant(), 1)], payment_method=PaymentMethod.COD)

    with pytest.raises(PaymentError) as refused:
        payment_start(checkout=checkout)

    assert refused.value.code == "cod"
    assert Payment.objects.count() == 0


def test_a_notification_signed_with_the_server_key_pays(snap, client):
    checkout = two_shop_checkout()
    payment = payment_start(checkout=checkout)
    gross = f"{payment.amount}.00"
    body = {
        "transaction_status": "settlement",
        "transaction_id": "513f1f01-c9da-474c-9fc9-d5c64364b709",
        "status_code": "200",
        "order_id": payment.gateway_order_id,
        "gross_amount": gross,
        "currency": "IDR",
        "payment_type": "bank_transfer",
        "fraud_status": "accept",
        "signature_key": midtrans.signature(
            order_id=payment.gateway_order_id, status_code="200", gross_amount=gross, server_key=SERVER_KEY
        ),
    }

    response = client.post(reverse("payment_notification"), data=body, content_type="application/json")

    assert response.json()["reason"] == "paid"
    assert [o.status for o in checkout.orders.all()] == [OrderStatus.TO_SHIP] * 2
    event = checkout.orders.first().events.last()
    assert (event.kind, event.params) == (OrderEventKind.PAID, {"gateway": "Midtrans"})
    with translation.override("en"):
        assert event.message == "Paid via Midtrans"


def test_the_signature_is_sha512_of_the_fields_as_received():
    assert midtrans.signature(
        order_id="A-1", status_code="200", gross_amount="125000.00", server_key="k"
    ) == (hashlib.sha512(b"A-1200125000.00k").hexdigest())
