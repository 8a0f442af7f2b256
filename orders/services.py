"""Every write of the orders app: placing a checkout, moving orders through their lifecycle.

Plain functions with keyword-only arguments, one transaction each, called by views, admin
actions, tasks and tests alike. Callers check who may do what (a buyer cancels only their own
order, a seller ships only their shop's); these functions trust their actor.

Locks are always taken in this order, so two transactions never wait on each other in a cycle:
the buyer's user row → payment rows → order rows (by id) → the checkout row → variant rows
(by id) → product rows (by id) → voucher rows (by id) → whatever the release hooks lock.

Two small hooks let apps built on top of `orders` (live selling) take part without `orders`
importing them (the dependency runs live → orders → shops, never back):
- `checkout_place(unit_price_overrides=...)`: a price the calling service decided under its own
  locks (a flash deal's price for units the buyer holds). Views never pass it; it can only lower
  a price (orders.selectors.checkout_quote_build refuses anything else).
- `order_release_hook_register(hook)`: `hook(order)` runs whenever an order gives its stock back
  (cancelled or expired unpaid), inside that transaction, after the stock and vouchers, with
  the order's row lock held; it locks its own rows last. Registered in the app's `ready()`.
  A registry rather than a signal: the list is explicit, ordered, and the call is visible here.
- `order_paid_hook_register(hook)`: `hook(order)` runs when an order's payment arrives
  (awaiting payment → to ship), in that transaction with the order's row lock held.
"""

import logging
import secrets
import string
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import Address, User
from marketplace.notifications import notify
from orders import payments
from orders.enums import ORDER_TRANSITIONS, STOCK_HOLDING_STATUSES, OrderStatus, PaymentMethod, PaymentStatus
from orders.models import (
    Checkout,
    Order,
    OrderEvent,
    OrderItem,
    Payment,
    PaymentNotification,
    Shipment,
    Voucher,
    VoucherClaim,
    VoucherRedemption,
)
from orders.selectors import (
    MAX_QUANTITY_PER_LINE,
    Line,
    Quote,
    QuoteItem,
    ShopChoice,
    ShopQuote,
    checkout_quote_build,
)
from orders.shipping import ShippingOption
from orders.vouchers import Problem
from shops.enums import MemberRole
from shops.models import Product, ProductVariant, ShopMember

__all__ = [
    "MAX_QUANTITY_PER_LINE",
    "CancelReasonRequired",
    "CheckoutError",
    "Line",
    "NotificationRejected",
    "OrderTransitionNotAllowed",
    "PaymentError",
    "Quote",
    "QuoteItem",
    "ShipmentInvalid",
    "ShippingOption",
    "ShopChoice",
    "ShopQuote",
    "checkout_place",
    "checkout_quote",
    "order_cancel",
    "order_paid_hook_register",
    "order_release_hook_register",
    "order_confirm_received",
    "order_ship",
    "order_transition",
    "orders_expire_unpaid",
    "payment_handle_notification",
    "payment_start",
    "voucher_claim",
]

logger = logging.getLogger(__name__)

PAYMENT_EXPIRED_REASON = "Payment window expired"
ORDER_NUMBER_ALPHABET = string.ascii_uppercase + string.digits

# Called with the (locked) order each time it gives its stock back; see the module docstring.
_ORDER_RELEASE_HOOKS: list[Callable[[Order], None]] = []


def order_release_hook_register(hook: Callable[[Order], None]) -> None:
    """Have `hook(order)` run in the transaction that cancels or expires a stock-holding order.

    Idempotent (ready() may run twice in tests). A hook that raises rolls the release back.
    """
    if hook not in _ORDER_RELEASE_HOOKS:
        _ORDER_RELEASE_HOOKS.append(hook)


_ORDER_PAID_HOOKS: list[Callable[[Order], None]] = []


def order_paid_hook_register(hook: Callable[[Order], None]) -> None:
    """Have `hook(order)` run in the transaction that marks an order paid. Idempotent."""
    if hook not in _ORDER_PAID_HOOKS:
        _ORDER_PAID_HOOKS.append(hook)


class CheckoutError(Exception):
    """A refusal the buyer can act on. `message` is translated (gettext), `code` machine-readable."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    @classmethod
    def from_problem(cls, problem: Problem) -> "CheckoutError":
        return cls(problem.message, code=problem.code)


class OrderTransitionNotAllowed(Exception):
    def __init__(self, current: str, target: str):
        self.current, self.target = current, target
        super().__init__(f"An order cannot go from {current} to {target}.")


class CancelReasonRequired(ValueError):
    def __init__(self):
        super().__init__(_("A reason is required to cancel: the buyer reads it."))


class ShipmentInvalid(ValueError):
    """Carrier or tracking number missing, too long, or already used by another parcel."""


# --- Checkout -----------------------------------------------------------------------------------


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
        [OrderEvent(order=order, from_status="", to_status=order.status, actor=buyer) for order in orders]
    )
    _record_redemptions(quote, checkout=checkout, buyer=buyer)

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
    _use_vouchers(quote)
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


def _use_vouchers(quote: Quote) -> None:
    """Count one use of each applied voucher, in id order; refuse when the limit is reached.

    The conditional UPDATE is what makes usage_limit hold under concurrency (the quote's check
    read a count that may be stale by now); the voucher_never_over_used CHECK backs it.
    """
    used = [part.voucher for part in quote.shops if part.voucher] + (
        [quote.platform_voucher] if quote.platform_voucher else []
    )
    for voucher in sorted(used, key=lambda v: v.pk):
        counted = (
            Voucher.objects.filter(pk=voucher.pk)
            .filter(_under_limit())
            .update(used_count=F("used_count") + 1)
        )
        if not counted:
            raise CheckoutError(_("This voucher has run out."), code="voucher_used_up")


def _under_limit() -> Q:
    return Q(usage_limit__isnull=True) | Q(used_count__lt=F("usage_limit"))


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


def _record_redemptions(quote: Quote, *, checkout: Checkout, buyer) -> None:
    redemptions = [
        VoucherRedemption(
            voucher=part.voucher,
            user=buyer,
            checkout=checkout,
            amount=part.discount + part.shipping_discount,
        )
        for part in quote.shops
        if part.voucher
    ]
    if quote.platform_voucher:
        redemptions.append(
            VoucherRedemption(
                voucher=quote.platform_voucher, user=buyer, checkout=checkout, amount=quote.platform_discount
            )
        )
    VoucherRedemption.objects.bulk_create(redemptions)


# --- Vouchers -----------------------------------------------------------------------------------


@transaction.atomic
def voucher_claim(*, user, voucher: Voucher) -> bool:
    """Save a claimable voucher into the user's wallet; False when already there.

    Claiming does not count as a use (used_count moves at checkout only).
    """
    if not voucher.is_claimable:
        raise PermissionDenied("This voucher is not offered for claiming.")
    _, created = VoucherClaim.objects.get_or_create(voucher=voucher, user=user)
    return created


# --- Order lifecycle ----------------------------------------------------------------------------


@transaction.atomic
def order_transition(*, order: Order, to: str, actor, note: str = "") -> Order:
    """Move `order` to status `to`, as ORDER_TRANSITIONS allows, and log it with `actor`.

    Locks the order row, so two moves of one order serialize and the second sees the first's
    result. Moving a stock-holding order to CANCELLED releases its stock and voucher usage in the
    same transaction, whichever caller asked for it. Returns the updated (locked) order.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if to not in ORDER_TRANSITIONS.get(locked.status, set()):
        raise OrderTransitionNotAllowed(locked.status, to)
    previous = locked.status
    locked.status = to
    fields = ["status", "updated_at"]
    if to == OrderStatus.CANCELLED:
        locked.cancel_reason = note
        fields.append("cancel_reason")
    locked.save(update_fields=fields)
    OrderEvent.objects.create(order=locked, from_status=previous, to_status=to, actor=actor, note=note)
    if to == OrderStatus.CANCELLED and previous in STOCK_HOLDING_STATUSES:
        _release_holdings(locked)
    if previous == OrderStatus.AWAITING_PAYMENT and to == OrderStatus.TO_SHIP:
        for hook in _ORDER_PAID_HOOKS:
            hook(locked)
    if to == OrderStatus.DELIVERED:
        Shipment.objects.filter(order=locked, delivered_at__isnull=True).update(delivered_at=timezone.now())
    if to == OrderStatus.COMPLETED:
        _count_sold(locked)
    _refresh(order, locked)
    return locked


def _count_sold(order: Order) -> None:
    """ "Sold" on product pages and the popular sort count completed orders only: a cancelled or
    returned order never sold anything. Products in id order (the lock order)."""
    per_product: dict[int, int] = defaultdict(int)
    for product_id, quantity in order.items.values_list("product_id", "quantity"):
        if product_id is not None:
            per_product[product_id] += quantity
    for product_id in sorted(per_product):
        Product.objects.filter(pk=product_id).update(sold_count=F("sold_count") + per_product[product_id])


def _refresh(order: Order, locked: Order) -> None:
    """Let the caller's instance see the new state too (views keep using it)."""
    if order is not locked:
        order.status, order.cancel_reason, order.updated_at = (
            locked.status,
            locked.cancel_reason,
            locked.updated_at,
        )


def _release_holdings(order: Order) -> None:
    """Give back the order's stock and its vouchers' usage (caller holds the order's lock)."""
    Checkout.objects.select_for_update().filter(pk=order.checkout_id).first()
    per_variant: dict[int, int] = defaultdict(int)
    per_product: dict[int, int] = defaultdict(int)
    items = order.items.filter(variant__isnull=False).values_list(
        "variant_id", "product_id", "variant__is_active", "quantity"
    )
    for variant_id, product_id, is_active, quantity in items:
        per_variant[variant_id] += quantity
        # stock_total sums the available variants only (product_refresh_summary).
        if is_active and product_id:
            per_product[product_id] += quantity
    for variant_id in sorted(per_variant):
        ProductVariant.objects.filter(pk=variant_id).update(stock=F("stock") + per_variant[variant_id])
    for product_id in sorted(per_product):
        Product.objects.filter(pk=product_id).update(stock_total=F("stock_total") + per_product[product_id])

    now = timezone.now()
    to_release = []
    if order.shop_voucher_id:
        to_release.append(order.shop_voucher_id)
    platform_voucher_id = (
        Checkout.objects.filter(pk=order.checkout_id).values_list("platform_voucher_id", flat=True).first()
    )
    # A platform voucher counted once for the whole checkout: it comes back only when no order of
    # the checkout still uses it (the checkout row lock above makes "the last one" exact).
    if (
        platform_voucher_id
        and not Order.objects.filter(checkout_id=order.checkout_id)
        .exclude(status=OrderStatus.CANCELLED)
        .exists()
    ):
        to_release.append(platform_voucher_id)
    for voucher_id in sorted(set(to_release)):
        released = VoucherRedemption.objects.filter(
            voucher_id=voucher_id, checkout_id=order.checkout_id, released_at__isnull=True
        ).update(released_at=now)
        if released:
            Voucher.objects.filter(pk=voucher_id, used_count__gt=0).update(used_count=F("used_count") - 1)
    for hook in _ORDER_RELEASE_HOOKS:
        hook(order)


def order_cancel(*, order: Order, actor, reason: str) -> Order:
    """Cancel an order that is awaiting payment or to ship; releases its stock and vouchers.

    A seller or the system (actor None) must give a reason, the buyer reads it; the buyer may.
    """
    reason = (reason or "").strip()
    is_buyer = actor is not None and actor.pk == order.buyer_id
    if not reason and not is_buyer:
        raise CancelReasonRequired()
    with transaction.atomic():
        cancelled = order_transition(order=order, to=OrderStatus.CANCELLED, actor=actor, note=reason)
        # --- Notifications (order_cancelled): the other party hears of it. ---
        _notify_order_cancelled(order=cancelled, by_buyer=is_buyer, reason=reason)
    return cancelled


def _notify_order_cancelled(*, order: Order, by_buyer: bool, reason: str) -> None:
    """The buyer, when the seller or the system cancelled; the shop's owners when the buyer did."""
    if not by_buyer:
        notify(
            user=order.buyer,
            kind="order_cancelled",
            title=_("Order %(number)s was cancelled") % {"number": order.number},
            body=reason,
            url=reverse("order_detail", args=[order.number]),
        )
        return
    owners = ShopMember.objects.filter(shop_id=order.shop_id, role=MemberRole.OWNER).select_related("user")
    for member in owners.order_by("id"):
        notify(
            user=member.user,
            kind="order_cancelled",
            title=_("The buyer cancelled order %(number)s") % {"number": order.number},
            body=reason,
            url=reverse("admin:orders_order_change", args=[order.pk]),
        )


@transaction.atomic
def order_ship(*, order: Order, carrier: str, tracking_number: str, actor) -> Order:
    """Hand the parcel to a carrier: TO_SHIP → SHIPPED with its Shipment, or refuse and write nothing."""
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    if not carrier or not tracking_number:
        raise ShipmentInvalid(_("Enter the carrier and the tracking number."))
    if len(carrier) > 40 or len(tracking_number) > 64:
        raise ShipmentInvalid(_("The carrier or tracking number is too long."))
    if Shipment.objects.filter(carrier__iexact=carrier, tracking_number=tracking_number).exists():
        raise ShipmentInvalid(_("This tracking number is already used by another order."))
    shipped = order_transition(
        order=order, to=OrderStatus.SHIPPED, actor=actor, note=f"{carrier} {tracking_number}"
    )
    try:
        with transaction.atomic():
            Shipment.objects.create(order=shipped, carrier=carrier, tracking_number=tracking_number)
    except IntegrityError as error:  # the same number entered for another parcel at the same moment
        raise ShipmentInvalid(_("This tracking number is already used by another order.")) from error
    # --- Notifications (order_shipped) ---
    notify(
        user=shipped.buyer,
        kind="order_shipped",
        title=_("Order %(number)s is on its way") % {"number": shipped.number},
        body=_("%(carrier)s, tracking number %(tracking)s.")
        % {"carrier": carrier, "tracking": tracking_number},
        url=reverse("order_detail", args=[shipped.number]),
    )
    return shipped


def order_confirm_received(*, order: Order, actor) -> Order:
    """The buyer says the parcel arrived as described: DELIVERED → COMPLETED."""
    if actor is None or actor.pk != order.buyer_id:
        raise PermissionDenied("Only the buyer confirms receipt.")
    return order_transition(order=order, to=OrderStatus.COMPLETED, actor=actor)


def orders_expire_unpaid(*, now: datetime | None = None) -> int:
    """Cancel every order still awaiting payment after its payment window; returns how many.

    Each order in its own transaction (a failure leaves the rest done), re-checked under its row
    lock so an order paid meanwhile is left alone. Running it twice cancels nothing more.
    """
    now = now or timezone.now()
    overdue = list(
        Order.objects.filter(status=OrderStatus.AWAITING_PAYMENT, payment_due_at__lte=now)
        .order_by("payment_due_at", "id")
        .values_list("pk", "checkout_id")
    )
    expired = 0
    for order_id, checkout_id in overdue:
        with transaction.atomic():
            # Payment rows before the order row (the module's lock order), so a notification
            # being handled for this checkout finishes first, or waits for this to finish.
            pending = list(
                Payment.objects.select_for_update()
                .filter(checkout_id=checkout_id, status=PaymentStatus.PENDING)
                .order_by("id")
            )
            order = Order.objects.select_for_update().filter(pk=order_id).first()
            if (
                order is None
                or order.status != OrderStatus.AWAITING_PAYMENT
                or order.payment_due_at is None
                or order.payment_due_at > now
            ):
                continue
            order_transition(order=order, to=OrderStatus.CANCELLED, actor=None, note=PAYMENT_EXPIRED_REASON)
            expired += 1
            awaiting = Order.objects.filter(checkout_id=checkout_id, status=OrderStatus.AWAITING_PAYMENT)
            if pending and not awaiting.exists():
                Payment.objects.filter(pk__in=[p.pk for p in pending]).update(status=PaymentStatus.EXPIRED)
    return expired


# --- Payments -----------------------------------------------------------------------------------

# Midtrans transaction_status values (https://docs.midtrans.com, "Transaction Status").
PAYMENT_FAILED_STATUSES = {"deny", "cancel", "failure"}
# The status_code Midtrans' notifications carry with each status we act on (docs "Status Codes",
# "Best Practices to Handle Notification": a payment succeeded only with 200). Cancel is 200 for
# cards and 202 for other methods; 407 is the Expire *API* answer, never a notification's.
# "failure" comes with codes Midtrans does not list and only marks an attempt failed: unchecked.
NOTIFICATION_STATUS_CODES = {
    "capture": {"200"},
    "settlement": {"200"},
    "pending": {"201"},
    "deny": {"202"},
    "cancel": {"200", "202"},
    "expire": {"202"},
}
NOTIFICATION_REQUIRED_FIELDS = (
    "order_id",
    "transaction_id",
    "transaction_status",
    "status_code",
    "gross_amount",
)


class PaymentError(Exception):
    """Paying cannot start now; `message` is for the buyer (translated), `code` machine-readable."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class NotificationRejected(Exception):
    """A gateway notification refused before anything was written; `status` is the HTTP answer."""

    def __init__(self, reason: str, *, status: int = 400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def payment_start(*, checkout: Checkout) -> Payment:
    """Start paying what `checkout` still owes at the active gateway (settings.PAYMENT_GATEWAY);
    the returned Payment's redirect_url is where the buyer goes next. Callers check that the
    user is the checkout's buyer.

    The amount is the sum of the checkout's orders still awaiting payment, from the database.
    While choosing the attempt the checkout's order rows are locked (by id), so two clicks make
    one Payment; a pending attempt already started for the same amount is reused. A gateway that
    cannot take payments (no key; the dev one with DEBUG off) is refused before any attempt is
    written. The gateway is called after that transaction, holding no lock; when it fails the
    Payment stays pending without a redirect_url and PaymentError asks the buyer to try again (a
    new attempt).
    """
    if checkout.payment_method == PaymentMethod.COD:
        raise PaymentError(_("Cash on delivery orders are paid to the courier."), code="cod")
    provider = payments.gateway_get()
    now = timezone.now()
    with transaction.atomic():
        orders = list(Order.objects.select_for_update().filter(checkout=checkout).order_by("id"))
        awaiting = [order for order in orders if order.status == OrderStatus.AWAITING_PAYMENT]
        amount = sum(order.total for order in awaiting)
        if not awaiting or amount <= 0:
            raise PaymentError(_("There is nothing left to pay for this order."), code="nothing_to_pay")
        if any(order.payment_due_at is not None and order.payment_due_at <= now for order in awaiting):
            raise PaymentError(_("The time to pay for this order has run out."), code="payment_window_closed")
        try:
            # A local check (keys, DEBUG), no network: refuse before an attempt is written.
            provider.check_available()
        except payments.PaymentGatewayError as error:
            logger.warning("Payments cannot start: %s", error)
            raise PaymentError(error.message, code="gateway_unavailable") from error
        reusable = (
            Payment.objects.filter(
                checkout=checkout, provider=provider.name, status=PaymentStatus.PENDING, amount=amount
            )
            .exclude(redirect_url="")
            .order_by("-id")
            .first()
        )
        if reusable is not None:
            return reusable
        attempt = Payment.objects.filter(checkout=checkout).count() + 1
        payment = Payment.objects.create(
            checkout=checkout,
            provider=provider.name,
            method=checkout.payment_method,
            amount=amount,
            gateway_order_id=_gateway_order_id(checkout=checkout, attempt=attempt),
        )
    try:
        redirect_url = provider.start(payment=payment)
    except payments.PaymentGatewayError as error:
        logger.warning("Payment %s could not start: %s", payment.gateway_order_id, error)
        raise PaymentError(error.message, code="gateway_unavailable") from error
    Payment.objects.filter(pk=payment.pk).update(redirect_url=redirect_url)
    payment.redirect_url = redirect_url
    return payment


def _gateway_order_id(*, checkout: Checkout, attempt: int) -> str:
    """ "LPK-<checkout>-<attempt>-<random>": the prefix is for people reading the gateway's
    dashboard, the 128 random bits make it unguessable (the dev gateway's page is found by it).
    Midtrans allows 50 characters of [A-Za-z0-9-_~.]: 22 url-safe ones leave 24 for the prefix.
    Payments are always looked up by this stored value, never by parsing it."""
    return f"LPK-{checkout.pk}-{attempt}-{secrets.token_urlsafe(16)}"


def _notification_check(payload) -> None:
    if not isinstance(payload, dict):
        raise NotificationRejected("expected a JSON object")
    if not isinstance(payload.get("signature_key"), str) or not payload["signature_key"]:
        raise NotificationRejected("signature_key missing", status=403)
    for name in NOTIFICATION_REQUIRED_FIELDS:
        value = payload.get(name)
        if not isinstance(value, str) or not value or len(value) > 64:
            raise NotificationRejected(f"{name} missing or invalid")
    fraud_status = payload.get("fraud_status", "")
    if not isinstance(fraud_status, str) or len(fraud_status) > 16:
        raise NotificationRejected("fraud_status invalid")


def _notification_rejection(payload: dict, *, payment: Payment) -> str:
    """Why a signed notification must not be applied to `payment` ("" when it may)."""
    if (
        _gross_amount(payload["gross_amount"]) != payment.amount
        or payload.get("currency") != payment.currency
    ):
        return "amount_mismatch"
    expected_codes = NOTIFICATION_STATUS_CODES.get(payload["transaction_status"])
    if expected_codes is not None and payload["status_code"] not in expected_codes:
        return "status_code_mismatch"
    return ""


def _gross_amount(text: str) -> int | None:
    """ "125000.00" → 125000; None for anything that is not a whole number of rupiah."""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount != amount.to_integral_value():
        return None
    return int(amount)


def payment_handle_notification(*, payload) -> str:
    """Apply one HTTP notification of the active gateway; returns what happened: "paid",
    "failed", "expired", "ignored", "duplicate", "amount_mismatch" or "status_code_mismatch".

    Refuses with NotificationRejected, writing nothing, anything not signed with the gateway's
    key (checked before any database access) or not naming one of its payments. A signed one
    whose amount, currency or status code is not what we expect is recorded for staff and applied
    to nothing. The others are recorded once per (transaction_id, transaction_status,
    fraud_status) — the key is claimed only after those checks, so a refused notice never shadows
    the genuine one — with the payment row locked first (select_for_update), then the orders (by
    id), so replays, however concurrent, run one at a time and all but the first find the
    recorded event and change nothing. Never downgrades: a paid Payment stays paid whatever
    arrives after; nothing resurrects an expired checkout.
    """
    _notification_check(payload)
    provider = payments.gateway_get()
    if not provider.verify_notification(payload):
        raise NotificationRejected("invalid signature", status=403)

    transaction_id, transaction_status = payload["transaction_id"], payload["transaction_status"]
    fraud_status = payload.get("fraud_status", "")
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("checkout__buyer")
            .filter(gateway_order_id=payload["order_id"], provider=provider.name)
            .first()
        )
        if payment is None:
            raise NotificationRejected("unknown order_id", status=404)
        # A fraud "challenge" and its later "accept" are both "capture": the key tells them apart.
        event_key = f"{transaction_id}:{transaction_status}:{fraud_status}"
        rejection = _notification_rejection(payload, payment=payment)
        if rejection:
            # Signed by the gateway, so the money or the status really differs from what we
            # expect: never apply it; the recorded notification is there for staff to settle.
            logger.warning(
                "Payment %s: %s (notified %s %s, status %s %s; expected %s %s)",
                payment.gateway_order_id,
                rejection,
                payload["gross_amount"],
                payload.get("currency"),
                transaction_status,
                payload["status_code"],
                payment.amount,
                payment.currency,
            )
            PaymentNotification.objects.create(
                payment=payment,
                event_key=event_key,
                transaction_status=transaction_status,
                rejection=rejection,
                is_signature_valid=True,
                payload=payload,
            )
            return rejection
        try:
            with transaction.atomic():
                PaymentNotification.objects.create(
                    payment=payment,
                    event_key=event_key,
                    transaction_status=transaction_status,
                    is_signature_valid=True,
                    payload=payload,
                )
        except IntegrityError:
            return "duplicate"

        if transaction_status == "settlement" or (
            transaction_status == "capture" and fraud_status == "accept"
        ):
            return _payment_mark_paid(payment, transaction_id=transaction_id, label=provider.label)
        if transaction_status in PAYMENT_FAILED_STATUSES:
            if payment.status != PaymentStatus.PENDING:
                return "ignored"
            payment.status = PaymentStatus.FAILED
            payment.save(update_fields=["status"])
            return "failed"
        if transaction_status == "expire":
            return _payment_expire(payment)
        # "pending", a fraud "challenge", refunds...: recorded, nothing to do (yet).
        return "ignored"


def _payment_mark_paid(payment: Payment, *, transaction_id: str, label: str) -> str:
    if payment.status in (PaymentStatus.PAID, PaymentStatus.EXPIRED):
        # Paid already (a capture then a settlement), or paid after this attempt expired: recorded
        # above; a real refund flow would pick up money that arrived for an expired attempt.
        return "ignored"
    orders = list(Order.objects.select_for_update().filter(checkout_id=payment.checkout_id).order_by("id"))
    awaiting = [order for order in orders if order.status == OrderStatus.AWAITING_PAYMENT]
    if not awaiting:
        # The orders were cancelled (expired, or by the buyer) before the money arrived: they stay
        # cancelled, their stock is gone. Recorded above for a refund flow to pick up.
        logger.warning("Payment %s paid for a cancelled checkout", payment.gateway_order_id)
        return "ignored"
    note = f"Paid via {label}"
    for order in awaiting:
        order_transition(order=order, to=OrderStatus.TO_SHIP, actor=None, note=note)
    payment.status = PaymentStatus.PAID
    payment.paid_at = timezone.now()
    payment.gateway_transaction_id = transaction_id
    payment.save(update_fields=["status", "paid_at", "gateway_transaction_id"])
    numbers = ", ".join(order.number for order in awaiting)
    url = reverse("order_detail", args=[awaiting[0].number]) if len(awaiting) == 1 else reverse("order_list")
    notify(
        user=payment.checkout.buyer,
        kind="order_paid",
        title=_("Payment received"),
        body=_("We received your payment for %(numbers)s; the seller is packing it now.")
        % {"numbers": numbers},
        url=url,
    )
    return "paid"


def _payment_expire(payment: Payment) -> str:
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.FAILED):
        return "ignored"
    payment.status = PaymentStatus.EXPIRED
    payment.save(update_fields=["status"])
    # A newer attempt still open means the buyer is paying again: that one decides.
    if Payment.objects.filter(
        checkout_id=payment.checkout_id, status=PaymentStatus.PENDING, pk__gt=payment.pk
    ).exists():
        return "expired"
    orders = Order.objects.select_for_update().filter(
        checkout_id=payment.checkout_id, status=OrderStatus.AWAITING_PAYMENT
    )
    for order in orders.order_by("id"):
        order_cancel(order=order, actor=None, reason=PAYMENT_EXPIRED_REASON)
    return "expired"
