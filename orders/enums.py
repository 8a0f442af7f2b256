from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.transitions import StateMachine


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    TO_SHIP = "to_ship", _("To ship")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    RETURNED = "returned", _("Returned and refunded")


# The whole order lifecycle in one table: every status change goes through
# orders.lifecycle.order_transition (marketplace.transitions.transition with ORDER_MACHINE),
# which refuses anything not listed here.
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.AWAITING_PAYMENT: frozenset({OrderStatus.TO_SHIP, OrderStatus.CANCELLED}),
    OrderStatus.TO_SHIP: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.COMPLETED, OrderStatus.RETURN_REQUESTED}),
    # A rejected return completes the order; an approved one ends it refunded.
    OrderStatus.RETURN_REQUESTED: frozenset({OrderStatus.RETURNED, OrderStatus.COMPLETED}),
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.RETURNED: frozenset(),
}

ORDER_MACHINE = StateMachine(
    name="order",
    table=ORDER_TRANSITIONS,
    choices=OrderStatus,
    refusal_message=_("An order cannot go from “%(current)s” to “%(target)s”."),
)


class OrderEventKind(models.TextChoices):
    """What an OrderEvent records; its sentence is OrderEvent.MESSAGES[kind]."""

    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    PAYMENT_EXPIRED = "payment_expired", _("Payment expired")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    AUTO_COMPLETED = "auto_completed", _("Completed automatically")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    RETURN_APPROVED = "return_approved", _("Return approved")
    RETURN_AUTO_APPROVED = "return_auto_approved", _("Return approved automatically")
    RETURN_REJECTED = "return_rejected", _("Return declined")


# The kind a move records unless its service names a more precise one (payment expiry,
# automatic completion and approval).
ORDER_EVENT_KIND_BY_MOVE: dict[tuple[str, str], str] = {
    (OrderStatus.AWAITING_PAYMENT, OrderStatus.TO_SHIP): OrderEventKind.PAID,
    (OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED): OrderEventKind.CANCELLED,
    (OrderStatus.TO_SHIP, OrderStatus.CANCELLED): OrderEventKind.CANCELLED,
    (OrderStatus.TO_SHIP, OrderStatus.SHIPPED): OrderEventKind.SHIPPED,
    (OrderStatus.SHIPPED, OrderStatus.DELIVERED): OrderEventKind.DELIVERED,
    (OrderStatus.DELIVERED, OrderStatus.COMPLETED): OrderEventKind.COMPLETED,
    (OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED): OrderEventKind.RETURN_REQUESTED,
    (OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED): OrderEventKind.RETURN_APPROVED,
    (OrderStatus.RETURN_REQUESTED, OrderStatus.COMPLETED): OrderEventKind.RETURN_REJECTED,
}


# Statuses whose order still holds its stock and voucher usage.
STOCK_HOLDING_STATUSES = {OrderStatus.AWAITING_PAYMENT, OrderStatus.TO_SHIP}


class PaymentMethod(models.TextChoices):
    COD = "cod", _("Cash on delivery")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    EWALLET = "ewallet", _("E-wallet")


class VoucherKind(models.TextChoices):
    PERCENT = "percent", _("Percentage off (with a cap)")
    FIXED = "fixed", _("Fixed amount off")
    FREE_SHIPPING = "free_shipping", _("Free shipping (up to a cap)")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class TrackingCode(models.TextChoices):
    PICKED_UP = "picked_up", _("Picked up by the courier")
    IN_TRANSIT = "in_transit", _("At a hub")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    FAILED_ATTEMPT = "failed_attempt", _("Delivery attempt failed")
    DELIVERED = "delivered", _("Delivered")


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    AUTO_APPROVED = "auto_approved", _("Approved automatically")
    REJECTED = "rejected", _("Rejected")
