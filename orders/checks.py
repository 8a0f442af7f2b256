"""System checks for deploying the orders app (run by `manage.py check --deploy`).

The dev payment gateway needs no check here: with DEBUG off no process starts with it
(orders.payments.gateway_check_configured, run by OrdersConfig.ready).
"""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_payment_gateway(app_configs, **kwargs):
    # Without a server key Midtrans refuses every payment: buyers could place orders they cannot pay.
    if settings.PAYMENT_GATEWAY == "midtrans" and not settings.MIDTRANS_SERVER_KEY:
        return [
            Error(
                "Online payments go through Midtrans, but MIDTRANS_SERVER_KEY is not set: "
                "no buyer could pay.",
                hint="Set MIDTRANS_SERVER_KEY and MIDTRANS_CLIENT_KEY (and MIDTRANS_IS_PRODUCTION=1).",
                id="orders.E001",
            )
        ]
    return []
