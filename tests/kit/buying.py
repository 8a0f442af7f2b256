"""Buying through the services, with test defaults: checkouts, live purchases, flash deals."""

import uuid
from datetime import timedelta

from django.utils import timezone

from live import deals
from live.checkout import live_checkout_place
from live.models import FlashDeal
from orders.checkout import checkout_place
from orders.enums import PaymentMethod
from orders.selectors import Line, ShopChoice
from shops.models import ProductVariant
from tests.kit.factories import AddressFactory


def place(
    buyer,
    lines: list[tuple[ProductVariant | int, int]],
    *,
    address_id: int | None = None,
    key: str | None = None,
    payment_method: str = PaymentMethod.COD,
    choices: dict[int, ShopChoice] | None = None,
    platform_voucher_code: str = "",
    acknowledged_defects=frozenset(),
):
    """checkout_place with test defaults: (variant, quantity) pairs, the buyer's first address."""
    if address_id is None:
        address_id = AddressFactory(user=buyer).pk
    return checkout_place(
        buyer=buyer,
        idempotency_key=key or uuid.uuid4().hex,
        lines=[Line(getattr(variant, "pk", variant), quantity) for variant, quantity in lines],
        address_id=address_id,
        choices=choices or {},
        platform_voucher_code=platform_voucher_code,
        payment_method=payment_method,
        acknowledged_defects=acknowledged_defects,
    )


def buy(buyer, address_id: int, session, *, payment_method: str = PaymentMethod.BANK_TRANSFER, **what):
    """live_checkout_place with a fresh idempotency key."""
    return live_checkout_place(
        buyer=buyer,
        session=session,
        address_id=address_id,
        payment_method=payment_method,
        idempotency_key=uuid.uuid4().hex,
        **what,
    )


def host_launches(session, variant, **fields):
    """The session's host launches a flash deal on one variant (price, units, duration_seconds,
    per_buyer_limit as deals.deal_launch takes them)."""
    return deals.deal_launch(
        session=session, actor=session.host, product=variant.product, variant=variant, **fields
    )


# The price of the flash deals `launch` starts.
DEAL_PRICE = 49_000


def launch(session, variant, **overrides):
    """host_launches with defaults: 5 units at DEAL_PRICE for two minutes, one per buyer."""
    fields = {"price": DEAL_PRICE, "units": 5, "duration_seconds": 120, "per_buyer_limit": 1}
    fields.update(overrides)
    return host_launches(session, variant, **fields)


def expire(deal):
    """Move the deal's window into the past, as if its time ran out (the job has not run)."""
    past = timezone.now() - timedelta(seconds=1)
    FlashDeal.objects.filter(pk=deal.pk).update(started_at=past - timedelta(minutes=2), ends_at=past)
    deal.refresh_from_db()
