"""The built-in payment simulator, the default under DEBUG when no Midtrans key is configured.

`start` sends the buyer to /dev-gateway/<gateway_order_id>/, where three buttons (pay, fail, let
it expire) make the server deliver a Midtrans-format notification, signed with this gateway's
key, to the same handler the real notification endpoint uses. So development exercises exactly
the code paths production does: signature, amount check, idempotency, state changes.

Only the checkout's buyer may open that page (orders.payment_views.dev_gateway), and nothing of
it works with DEBUG off: no process starts so configured (orders.payments), and should DEBUG be
turned off at run time, `start` refuses and no notification signed with this key is accepted.
"""

import hashlib
import hmac
import uuid

from django.conf import settings
from django.urls import reverse

from orders.models import Payment
from orders.payments import PaymentGatewayError, dev_gateway_is_allowed, provider_register
from orders.payments.midtrans import Midtrans, gateway_unavailable_message, signature

# What each button sends, as Midtrans' HTTP notifications do: (transaction_status, status_code).
# ("407" is the answer of Midtrans' Expire API call, not the status code of the notification.)
OUTCOMES = {
    "pay": ("settlement", "200"),
    "fail": ("deny", "202"),
    "expire": ("expire", "202"),
}


class DevGateway(Midtrans):
    name = "dev"
    label = "Dev gateway"

    @property
    def server_key(self) -> str:
        # Derived from SECRET_KEY: a notification can only be forged by someone who has it.
        return hmac.new(settings.SECRET_KEY.encode(), b"lapak-dev-gateway", hashlib.sha256).hexdigest()

    def check_available(self) -> None:
        if not dev_gateway_is_allowed():
            raise PaymentGatewayError(
                gateway_unavailable_message(), detail="the dev gateway runs only with DEBUG on"
            )

    def start(self, *, payment: Payment) -> str:
        self.check_available()
        return reverse("dev_gateway", args=[payment.gateway_order_id])

    def verify_notification(self, payload: dict) -> bool:
        return dev_gateway_is_allowed() and super().verify_notification(payload)

    def notification_build(self, *, payment: Payment, outcome: str) -> dict:
        """The JSON Midtrans would POST for `payment` ending in `outcome` ("pay", "fail", "expire")."""
        transaction_status, status_code = OUTCOMES[outcome]
        gross_amount = f"{payment.amount}.00"
        return {
            "transaction_time": payment.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            "transaction_status": transaction_status,
            "transaction_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"lapak-dev:{payment.gateway_order_id}")),
            "status_message": "dev gateway notification",
            "status_code": status_code,
            "signature_key": signature(
                order_id=payment.gateway_order_id,
                status_code=status_code,
                gross_amount=gross_amount,
                server_key=self.server_key,
            ),
            "payment_type": "bank_transfer",
            "order_id": payment.gateway_order_id,
            "merchant_id": "LAPAK-DEV",
            "gross_amount": gross_amount,
            "fraud_status": "accept",
            "currency": "IDR",
        }


provider_register(DevGateway())
