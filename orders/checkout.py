"""Placing a checkout: one order per shop, its stock reserved and its vouchers counted, or nothing.

Plain functions with keyword-only arguments, one transaction each; locks in the order
orders/lifecycle.py documents (buyer row first, then the order, checkout, variant, product and
voucher rows).

`checkout_place(unit_price_overrides=...)` lets a service built on top of `orders` (live
selling) pass a price it decided under its own locks (a flash deal's price for units the buyer
holds). Views never pass it; it can only lower a price (orders.selectors.checkout_quote_build
refuses anything else).
"""

import secrets
import string
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Refusal
from marketplace.models import Address, User
from marketplace.notifications import notify
from orders.enums import OrderEventKind, OrderStatus, PaymentMethod
from orders.models import Checkout, Order, OrderEvent, OrderItem
from orders.selectors import Line, Quote, ShopChoice, ShopQuote, checkout_quote_build
from orders.vouchers.rules import Problem
from orders.vouchers.services import voucher_redemptions_record, vouchers_count_use
from shops.models import Product, ProductVariant

ORDER_NUMBER_ALPHABET = string.ascii_uppercase + string.digits


class CheckoutError(Refusal):
    """A refusal the buyer can act on; each raise names its precise `code`."""

    code = "checkout_refused"

    @classmethod
    def from_problem(cls, problem: Problem) -> "CheckoutError":
        return cls(problem.message, code=problem.code)


def checkout_quote(
    *,
    buyer,
    lines: list[Line],
    address: Address | None,
    choices: dict[int, ShopChoice],
    platform_voucher_code: str = "",
) -> Quote:
    """What the checkout page shows. Read-only; see orders.selectors.checkout_quote_build."""
    return checkout_quote_build(
        buyer=buyer,
        lines=lines,
        address=address,
        choices=choices,
        platform_voucher_code=platform_voucher_code,
    )


def checkout_place(
    *,
    buyer,
    idempotency_key: str,
    lines: list[Line],
    address_id: int,
    choices: dict[int, ShopChoice],
    platform_voucher_code: str = "",
    payment_method: str,
    acknowledged_defects: set[int] | frozenset[int] = frozenset(),
    unit_price_overrides: Mapping[int, int] | None = None,
) -> Checkout:
    """Place one order per shop for `lines`, or raise CheckoutError and write nothing.

    Invariants: stock never goes below zero and is reserved once per checkout; voucher usage
    never passes its limits; every amount comes from the database, never from the caller (the
    quote the page showed is recomputed here), except `unit_price_overrides`, which only a
    service that checked them may pass and which can only lower a price (module docstring);
    each order's total adds up and is never negative.
    The same (buyer, idempotency_key) returns the checkout placed first, however many submits
    race: the buyer's row lock serializes them, and the unique index catches the rest.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise CheckoutError(_("This form has expired: please reload the page."), code="invalid_request")
    try:
        with transaction.atomic():
            return _checkout_place(
                buyer=buyer,
                key=key,
                lines=lines,
                address_id=address_id,
                choices=choices,
                platform_voucher_code=platform_voucher_code,
                payment_method=payment_method,
                acknowledged_defects=acknowledged_defects,
                unit_price_overrides=unit_price_overrides,
            )
    except IntegrityError:
        # A concurrent submit with the same key won the unique index: return its checkout.
        existing = Checkout.objects.filter(buyer=buyer, idempotency_key=key).first()
        if existing is None:
            raise
        return existing


def _checkout_place(
    *,
    buyer,
    key: str,
    lines: list[Line],
    address_id: int,
    choices: dict[int, ShopChoice],
    platform_voucher_code: str,
    payment_method: str,
    acknowledged_defects,
    unit_price_overrides: Mapping[int, int] | None = None,
) -> Checkout:
    # One buyer's submits run one at a time: per-buyer voucher limits and the idempotency check
    # below are exact under this lock.
    User.objects.select_for_update().filter(pk=buyer.pk).first()
    existing = Checkout.objects.filter(buyer=buyer, idempotency_key=key).first()
    if existing is not None:
        return existing

    if payment_method not in PaymentMethod.values:
        raise CheckoutError(_("Choose a payment method."), code="payment_method_invalid")
    address = Address.objects.filter(pk=address_id, user=buyer).first() if _is_id(address_id) else None
    if address is None:
        raise CheckoutError(_("Choose one of your shipping addresses."), code="address_invalid")

    now = timezone.now()
    # Inserted before any other write so that a concurrent duplicate blocks on the unique index.
    checkout = Checkout.objects.create(
        buyer=buyer,
        idempotency_key=key,
        payment_method=payment_method,
        recipient_name=address.recipient_name,
        phone=address.phone,
        province=address.province,
        city=address.city,
        district=address.district,
        postal_code=address.postal_code,
        street=address.street,
        grand_total=0,
    )

    quote = checkout_quote_build(
        buyer=buyer,
        lines=lines,
        address=address,
        choices=choices,
        platform_voucher_code=platform_voucher_code,
        now=now,
        unit_price_overrides=unit_price_overrides,
    )
    _check_quote(quote, acknowledged_defects=acknowledged_defects)
    if payment_method == PaymentMethod.COD and not quote.cod_allowed:
        raise CheckoutError(quote.cod_reason, code="cod_not_available")

    # Cash on delivery is paid to the courier; an order the vouchers paid in full has nothing
    # left to pay. Either goes straight to the seller; the rest wait for the gateway.
    payment_due_at = now + timedelta(minutes=settings.ORDER_PAYMENT_WINDOW_MINUTES)
    orders = []
    for part in quote.shops:
        paid_already = payment_method == PaymentMethod.COD or part.order_total == 0
        orders.append(
            _order_create(
                part,
                checkout=checkout,
                status=OrderStatus.TO_SHIP if paid_already else OrderStatus.AWAITING_PAYMENT,
                payment_due_at=None if paid_already else payment_due_at,
            )
        )
    OrderItem.objects.bulk_create(
        [
            OrderItem(
                order=order,
                product=item.product,
                variant=item.variant,
                title=item.product.title,
                variant_label=item.variant.label,
                sku=item.variant.sku,
                unit_price=item.unit_price,
                quantity=item.quantity,
                line_total=item.line_total,
            )
            for order, part in zip(orders, quote.shops, strict=True)
            for item in part.items
        ]
    )
    OrderEvent.objects.bulk_create(
        [
            OrderEvent(
                order=order,
                kind=OrderEventKind.PLACED,
                from_status="",
                to_status=order.status,
                actor=buyer,
            )
            for order in orders
        ]
    )
    voucher_redemptions_record(quote=quote, checkout=checkout, buyer=buyer)

    checkout.platform_voucher = quote.platform_voucher
    checkout.grand_total = sum(order.total for order in orders)
    checkout.save(update_fields=["platform_voucher", "grand_total"])
    notify(
        user=buyer,
        kind="order_placed",
        title=_("Order placed"),
        body=", ".join(order.number for order in orders),
        url=reverse("checkout_done", args=[checkout.pk]),
    )
    # The contended writes come last: a flash sale's variant row stays locked from this UPDATE to
    # the commit, so every buyer behind it waits only for these few statements, not for the
    # order rows above (measured in docs/benchmarks.md). Sold out here rolls all of it back.
    _reserve_stock(quote)
    used = [part.voucher for part in quote.shops if part.voucher]
    if quote.platform_voucher:
        used.append(quote.platform_voucher)
    if vouchers_count_use(vouchers=used) is not None:
        raise CheckoutError(_("This voucher has run out."), code="voucher_used_up")
    return checkout


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _check_quote(quote: Quote, *, acknowledged_defects) -> None:
    if not quote.shops and not quote.blocking:
        raise CheckoutError(_("Your cart is empty."), code="empty")
    if quote.blocking:
        raise CheckoutError.from_problem(quote.blocking[0])
    for part in quote.shops:
        if part.voucher_refusal is not None:
            raise CheckoutError.from_problem(part.voucher_refusal)
    if quote.platform_voucher_refusal is not None:
        raise CheckoutError.from_problem(quote.platform_voucher_refusal)
    acknowledged = set(acknowledged_defects or ())
    for product in quote.products_with_defects:
        if product.pk not in acknowledged:
            raise CheckoutError(
                _("Please confirm you have seen the defects of %(title)s.") % {"title": product.title},
                code="defects_not_acknowledged",
            )


def _reserve_stock(quote: Quote) -> None:
    """One conditional UPDATE per variant, in id order; 0 rows means someone bought it first."""
    needed: dict[int, int] = defaultdict(int)
    titles: dict[int, str] = {}
    per_product: dict[int, int] = defaultdict(int)
    for item in quote.items:
        needed[item.variant.pk] += item.quantity
        titles[item.variant.pk] = item.product.title
        per_product[item.product.pk] += item.quantity
    for variant_id in sorted(needed):
        quantity = needed[variant_id]
        reserved = ProductVariant.objects.filter(pk=variant_id, stock__gte=quantity).update(
            stock=F("stock") - quantity
        )
        if not reserved:
            raise CheckoutError(_("%(title)s is sold out.") % {"title": titles[variant_id]}, code="sold_out")
    # The list summary moves with the variants (an UPDATE, not save(): no signals, no rewrite).
    for product_id in sorted(per_product):
        Product.objects.filter(pk=product_id).update(stock_total=F("stock_total") - per_product[product_id])


def _new_order_number(now: datetime) -> str:
    suffix = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(6))
    return f"LPK-{timezone.localtime(now):%y%m%d}-{suffix}"


def _order_create(part: ShopQuote, *, checkout: Checkout, status: str, payment_due_at) -> Order:
    assert part.shipping_option is not None  # noqa: S101 - the quote refused otherwise
    order = Order(
        checkout=checkout,
        shop=part.shop,
        buyer_id=checkout.buyer_id,
        status=status,
        payment_method=checkout.payment_method,
        shop_voucher=part.voucher,
        shipping_option=part.shipping_option.label,
        subtotal=part.subtotal,
        shipping_fee=part.shipping_fee,
        discount=part.order_discount,
        shipping_discount=part.order_shipping_discount,
        total=part.order_total,
        weight_grams=part.weight_grams,
        payment_due_at=payment_due_at,
    )
    # 36**6 numbers a day make a clash rare; retry it in a savepoint rather than fail the checkout.
    attempts = 5
    for attempt in range(attempts):
        order.number = _new_order_number(checkout.created_at)
        try:
            with transaction.atomic():
                order.save(force_insert=True)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            order.pk = None
        else:
            return order
    raise AssertionError("unreachable")
