"""Payment providers: how a checkout's Payment is started at a gateway and how its notifications
are verified. The state changes themselves live in orders.payments.services (payment_start,
payment_handle_notification); a provider only talks to its gateway.

Providers are registered by name: "cod" (no gateway, no Payment row), "midtrans" (Snap) and
"dev" (the built-in simulator, the default under DEBUG when no Midtrans key is configured). The
active gateway for non-COD checkouts is settings.PAYMENT_GATEWAY.

The dev gateway lets whoever holds a payment's page mark it paid, so it exists only while DEBUG
is on: `gateway_check_configured` (run by OrdersConfig.ready) stops every process from starting
with it and DEBUG off, and its page, start and signature all refuse if DEBUG is turned off later.
"""

from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from orders.models import Payment


class PaymentGatewayError(Exception):
    """The gateway could not start a payment (network, HTTP error, malformed answer).

    `message` is for the buyer (translated), the exception's args for the log.
    """

    def __init__(self, message: str, *, detail: str = ""):
        super().__init__(detail or message)
        self.message = message


class PaymentProvider(Protocol):
    name: str
    # False for cash on delivery: nothing to start, no Payment row, no notifications.
    requires_payment: bool

    def check_available(self) -> None:
        """Raise PaymentGatewayError when this gateway cannot take payments now (no key, or the dev
        gateway with DEBUG off), so that payment_start refuses before writing anything."""
        ...

    def start(self, *, payment: Payment) -> str:
        """Create the transaction at the gateway; return the URL to send the buyer to."""
        ...

    def verify_notification(self, payload: dict) -> bool:
        """True when the notification's signature proves it came from the gateway."""
        ...


_registry: dict[str, PaymentProvider] = {}


def provider_register(provider: PaymentProvider) -> PaymentProvider:
    _registry[provider.name] = provider
    return provider


def provider_get(name: str) -> PaymentProvider:
    """The registered provider called `name`; KeyError for an unknown one."""
    return _registry[name]


def gateway_get() -> PaymentProvider:
    """The provider that takes non-COD payments now (settings.PAYMENT_GATEWAY)."""
    return provider_get(settings.PAYMENT_GATEWAY)


def dev_gateway_is_allowed() -> bool:
    return bool(settings.DEBUG)


def dev_gateway_is_active() -> bool:
    return settings.PAYMENT_GATEWAY == "dev" and dev_gateway_is_allowed()


def gateway_check_configured() -> None:
    """Raise ImproperlyConfigured when settings.PAYMENT_GATEWAY is the dev one and DEBUG is off.

    Called at startup by every process (web, ws, worker, manage.py), since gunicorn and daphne do
    not run the system checks: a production host that would hand out "Pay" buttons refuses to run.
    """
    if settings.PAYMENT_GATEWAY == "dev" and not dev_gateway_is_allowed():
        raise ImproperlyConfigured(
            "PAYMENT_GATEWAY=dev needs DEBUG=1: the dev payment gateway lets anyone with the page mark "
            "an order paid. Set MIDTRANS_SERVER_KEY and MIDTRANS_CLIENT_KEY (PAYMENT_GATEWAY=midtrans)."
        )


# Imported last: each module registers its provider with the functions above.
from orders.payments import cod, dev_gateway, midtrans  # noqa: E402, F401, I001
