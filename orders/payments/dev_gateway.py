"""The built-in payment simulator, active whenever no Midtrans keys are configured.

`start` sends the buyer to /dev-gateway/<gateway_order_id>/, where three buttons (pay, fail, let
it expire) make the server deliver a Midtrans-format notification, signed with this gateway's
key, to the same handler the real notification endpoint uses. So development exercises exactly
the code paths production does: signature, amount check, idempotency, state changes.
"""

import hashlib
import hmac
import uuid

from django.conf import settings
from django.urls import reverse

from orders.models import Payment
from orders.payments import provider_register
from orders.payments.midtrans import Midtrans, signature

# What each button sends, as Midtrans would: (transaction_status, status_code).
OUTCOMES = {
    "pay": ("settlement", "200"),
    "fail": ("deny", "202"),
    "expire": ("expire", "407"),
}


class DevGateway(Midtrans):
    name = "dev"
    label = "Dev gateway"

    @property
    def server_key(self) -> str:
        # Derived from SECRET_KEY: a notification can only be forged by someone who has it.
        return hmac.new(settings.SECRET_KEY.encode(), b"lapak-dev-gateway", hashlib.sha256).hexdigest()

    def start(self, *, payment: Payment) -> str:
        return reverse("dev_gateway", args=[payment.gateway_order_id])

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
