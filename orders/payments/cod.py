"""Cash on delivery: the courier collects the money, so there is nothing to start and no
notification to verify. COD orders are placed straight into "to ship" (orders.checkout)."""

from orders.models import Payment
from orders.payments import PaymentGatewayError, provider_register


class CashOnDelivery:
    name = "cod"
    requires_payment = False

    def check_available(self) -> None:
        raise PaymentGatewayError("Cash on delivery has no online payment.")

    def start(self, *, payment: Payment) -> str:
        raise PaymentGatewayError("Cash on delivery has no online payment.")

    def verify_notification(self, payload: dict) -> bool:
        return False


provider_register(CashOnDelivery())
