from django.db import models
from django.utils.translation import gettext_lazy as _


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
# orders.lifecycle.order_transition, which refuses anything not listed here.
ORDER_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.AWAITING_PAYMENT: {OrderStatus.TO_SHIP, OrderStatus.CANCELLED},
    OrderStatus.TO_SHIP: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED},
    OrderStatus.DELIVERED: {OrderStatus.COMPLETED, OrderStatus.RETURN_REQUESTED},
    # A rejected return completes the order; an approved one ends it refunded.
    OrderStatus.RETURN_REQUESTED: {OrderStatus.RETURNED, OrderStatus.COMPLETED},
    OrderStatus.COMPLETED: set(),
    OrderStatus.CANCELLED: set(),
    OrderStatus.RETURNED: set(),
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
