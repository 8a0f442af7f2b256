"""System checks for deploying the orders app (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_payment_gateway(app_configs, **kwargs):
    # Without Midtrans keys the built-in dev gateway stands in, and anyone may press "Pay".
    if settings.PAYMENT_GATEWAY == "dev":
        return [
            Warning(
                "The built-in development payment gateway is active: anyone can mark an order paid.",
                hint="Set MIDTRANS_SERVER_KEY and MIDTRANS_CLIENT_KEY (and MIDTRANS_IS_PRODUCTION=1).",
                id="orders.W001",
            )
        ]
    return []
