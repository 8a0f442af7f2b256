"""Midtrans, through its Snap API: one POST creates the transaction and gives a payment page URL;
Midtrans then POSTs HTTP notifications (JSON) to /payments/notification/.

Request and notification shapes follow Midtrans' public documentation:
- POST {base}/snap/v1/transactions, Basic auth with the server key as user and no password,
  body {"transaction_details": {"order_id", "gross_amount"}, "customer_details", "item_details"};
  the item prices × quantities must sum to gross_amount. Answer 201 {"token", "redirect_url"}.
- A notification carries signature_key = SHA512(order_id + status_code + gross_amount + server key),
  the strings concatenated exactly as received (gross_amount like "125000.00").
"""

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from orders.enums import OrderStatus
from orders.models import Payment
from orders.payments import PaymentGatewayError, provider_register

logger = logging.getLogger(__name__)

SNAP_URL_SANDBOX = "https://app.sandbox.midtrans.com/snap/v1/transactions"
SNAP_URL_PRODUCTION = "https://app.midtrans.com/snap/v1/transactions"
# Seconds; the buyer is waiting on this call.
HTTP_TIMEOUT = 15
MAX_RESPONSE_BYTES = 64 * 1024
# Midtrans truncates longer item names; we cut them ourselves so the sum check is ours to keep.
ITEM_NAME_MAX = 50


def gateway_unavailable_message() -> str:
    return _("The payment gateway is not responding. Please try again in a moment.")


def signature(*, order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    text = f"{order_id}{status_code}{gross_amount}{server_key}"
    return hashlib.sha512(text.encode()).hexdigest()


def signature_is_valid(payload: dict, *, server_key: str) -> bool:
    """Constant-time check of the payload's signature_key; False for any missing or odd field."""
    if not server_key:
        return False
    fields = [payload.get(name) for name in ("order_id", "status_code", "gross_amount", "signature_key")]
    if not all(isinstance(value, str) and value for value in fields):
        return False
    order_id, status_code, gross_amount, given = fields
    expected = signature(
        order_id=order_id, status_code=status_code, gross_amount=gross_amount, server_key=server_key
    )
    return hmac.compare_digest(expected.encode(), given.encode())


def http_post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """POST `body`; (status, response body). Network failures raise urllib.error.URLError/OSError."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - fixed https URL
            return response.status, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as error:
        return error.code, error.read(MAX_RESPONSE_BYTES)


def snap_request_body(payment: Payment) -> dict:
    """The Snap transaction for `payment`: one item per order still awaiting payment."""
    checkout = payment.checkout
    buyer = checkout.buyer
    orders = list(
        checkout.orders.filter(status=OrderStatus.AWAITING_PAYMENT).select_related("shop").order_by("id")
    )
    items = [
        {
            "id": order.number,
            "price": order.total,
            "quantity": 1,
            "name": f"{order.shop.name} · {order.number}"[:ITEM_NAME_MAX],
        }
        for order in orders
    ]
    if sum(item["price"] * item["quantity"] for item in items) != payment.amount:
        # An order was cancelled since the payment was created: start a fresh attempt instead.
        raise PaymentGatewayError(
            _("Your orders changed. Please try paying again."),
            detail=f"{payment.gateway_order_id}: item total differs from amount {payment.amount}",
        )
    customer = {
        "first_name": (buyer.display_name or buyer.username)[:50],
        "phone": checkout.phone,
        "shipping_address": {
            "first_name": checkout.recipient_name[:50],
            "phone": checkout.phone,
            "address": checkout.street[:200],
            "city": checkout.city,
            "postal_code": checkout.postal_code,
            "country_code": "IDN",
        },
    }
    if buyer.email:  # Snap refuses an empty email
        customer["email"] = buyer.email
    return {
        "transaction_details": {"order_id": payment.gateway_order_id, "gross_amount": payment.amount},
        "customer_details": customer,
        "item_details": items,
    }


class Midtrans:
    name = "midtrans"
    requires_payment = True
    label = "Midtrans"

    @property
    def server_key(self) -> str:
        return settings.MIDTRANS_SERVER_KEY

    @property
    def snap_url(self) -> str:
        return SNAP_URL_PRODUCTION if settings.MIDTRANS_IS_PRODUCTION else SNAP_URL_SANDBOX

    def check_available(self) -> None:
        if not self.server_key:
            raise PaymentGatewayError(gateway_unavailable_message(), detail="MIDTRANS_SERVER_KEY is not set")

    def start(self, *, payment: Payment) -> str:
        unavailable = gateway_unavailable_message()
        self.check_available()
        body = json.dumps(snap_request_body(payment)).encode()
        token = base64.b64encode(f"{self.server_key}:".encode()).decode()
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": f"Basic {token}",
        }
        try:
            status, raw = http_post(self.snap_url, body=body, headers=headers, timeout=HTTP_TIMEOUT)
        except (urllib.error.URLError, OSError) as error:
            raise PaymentGatewayError(unavailable, detail=f"Snap unreachable: {error}") from error
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = {}
        redirect_url = answer.get("redirect_url") if isinstance(answer, dict) else None
        if (
            status not in (200, 201)
            or not isinstance(redirect_url, str)
            or not redirect_url.startswith("https://")
        ):
            raise PaymentGatewayError(unavailable, detail=f"Snap answered {status}: {raw[:500]!r}")
        return redirect_url

    def verify_notification(self, payload: dict) -> bool:
        return signature_is_valid(payload, server_key=self.server_key)


provider_register(Midtrans())
