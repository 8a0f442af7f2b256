"""An order's life after placement: paid, shipped, delivered, completed, or cancelled / expired.

Plain functions with keyword-only arguments, one transaction each, called by views, admin
actions, tasks and tests alike. Callers check who may do what (a buyer cancels only their own
order, a seller ships only their shop's); these functions trust their actor.

Locks are always taken in this order, so two transactions never wait on each other in a cycle:
the buyer's user row → payment rows → order rows (by id) → the checkout row → variant rows
(by id) → product rows (by id) → voucher rows (by id) → whatever the release hooks lock.

Two small hooks let apps built on top of `orders` (live selling) take part without `orders`
importing them (the dependency runs live → orders → shops, never back):
- `order_release_hook_register(hook)`: `hook(order)` runs whenever an order gives its stock back
  (cancelled or expired unpaid), inside that transaction, after the stock and vouchers, with
  the order's row lock held; it locks its own rows last. Registered in the app's `ready()`.
  A registry rather than a signal: the list is explicit, ordered, and the call is visible here.
- `order_paid_hook_register(hook)`: `hook(order)` runs when an order's payment arrives
  (awaiting payment → to ship), in that transaction with the order's row lock held.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.errors import Refusal
from marketplace.notifications import notify
from marketplace.transitions import transition
from orders.enums import (
    ORDER_EVENT_KIND_BY_MOVE,
    ORDER_MACHINE,
    STOCK_HOLDING_STATUSES,
    OrderEventKind,
    OrderStatus,
    PaymentStatus,
)
from orders.models import Checkout, Order, OrderEvent, Payment, Shipment
from orders.vouchers.services import vouchers_release_for_order
from shops.enums import MemberRole
from shops.models import Product, ProductVariant, ShopMember

PAYMENT_EXPIRED_REASON = "Payment window expired"

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


class CancelReasonRequired(Refusal):
    code = "cancel_reason_required"
    default_message = gettext_lazy("A reason is required to cancel: the buyer reads it.")


class ShipmentInvalid(Refusal):
    """Carrier or tracking number missing, too long, or already used by another parcel."""

    code = "shipment_invalid"


@transaction.atomic
def order_transition(
    *,
    order: Order,
    to: str,
    actor,
    note: str = "",
    kind: str | None = None,
    params: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> Order:
    """Move `order` to status `to`, as ORDER_MACHINE allows, and record an OrderEvent with `actor`.

    `kind` defaults to the move's (ORDER_EVENT_KIND_BY_MOVE); `params` fill its sentence; `note`
    is what a person wrote (a reason), kept as written and, for a cancellation, as the order's
    cancel_reason unless `changes` names another. Refuses with TransitionNotAllowed, writing
    nothing. Locks the order row (marketplace.transitions.transition), so two moves of one order
    serialize and the second sees the first's result. Moving a stock-holding order to CANCELLED
    releases its stock and voucher usage in the same transaction, whichever caller asked for it.
    Returns the updated (locked) order; the caller's instance sees the new fields too.
    """
    changes = dict(changes or {})
    if to == OrderStatus.CANCELLED:
        changes.setdefault("cancel_reason", note)
    event_params = dict(params or {})
    if note:
        event_params["note"] = note

    def record(locked: Order, previous: str) -> None:
        OrderEvent.objects.create(
            order=locked,
            kind=kind or ORDER_EVENT_KIND_BY_MOVE[(previous, to)],
            params=event_params,
            from_status=previous,
            to_status=to,
            actor=actor,
        )
        if to == OrderStatus.CANCELLED and previous in STOCK_HOLDING_STATUSES:
            _release_holdings(locked)
        if previous == OrderStatus.AWAITING_PAYMENT and to == OrderStatus.TO_SHIP:
            for hook in _ORDER_PAID_HOOKS:
                hook(locked)
        if to == OrderStatus.DELIVERED:
            Shipment.objects.filter(order=locked, delivered_at__isnull=True).update(
                delivered_at=timezone.now()
            )
        if to == OrderStatus.COMPLETED:
            _count_sold(locked)

    return transition(machine=ORDER_MACHINE, instance=order, to=to, record=record, changes=changes)


def _count_sold(order: Order) -> None:
    """ "Sold" on product pages and the popular sort count completed orders only: a cancelled or
    returned order never sold anything. Products in id order (the lock order)."""
    per_product: dict[int, int] = defaultdict(int)
    for product_id, quantity in order.items.values_list("product_id", "quantity"):
        if product_id is not None:
            per_product[product_id] += quantity
    for product_id in sorted(per_product):
        Product.objects.filter(pk=product_id).update(sold_count=F("sold_count") + per_product[product_id])


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

    vouchers_release_for_order(order=order)
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
        order=order,
        to=OrderStatus.SHIPPED,
        actor=actor,
        params={"carrier": carrier, "tracking_number": tracking_number},
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


def order_expire(*, order: Order) -> Order:
    """An unpaid order whose payment window closed (the beat job, or the gateway's expire notice):
    AWAITING_PAYMENT → CANCELLED, its stock and vouchers released, the buyer told.

    The caller holds the checkout's payment rows' locks when it looks at them (lock order above).
    Refuses with TransitionNotAllowed, writing nothing, an order that is no longer unpaid.
    """
    with transaction.atomic():
        expired = order_transition(
            order=order,
            to=OrderStatus.CANCELLED,
            actor=None,
            kind=OrderEventKind.PAYMENT_EXPIRED,
            changes={"cancel_reason": PAYMENT_EXPIRED_REASON},
        )
        notify(
            user=expired.buyer,
            kind="order_cancelled",
            title=_("Order %(number)s was cancelled") % {"number": expired.number},
            body=_("The time to pay ran out, so the seller will not send it. You can order again."),
            url=reverse("order_detail", args=[expired.number]),
        )
    return expired


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
            order_expire(order=order)
            expired += 1
            awaiting = Order.objects.filter(checkout_id=checkout_id, status=OrderStatus.AWAITING_PAYMENT)
            if pending and not awaiting.exists():
                Payment.objects.filter(pk__in=[p.pk for p in pending]).update(status=PaymentStatus.EXPIRED)
    return expired
