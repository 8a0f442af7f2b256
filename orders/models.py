"""Carts, checkouts, orders and vouchers. Money is integer rupiah in BigIntegerField everywhere.

A checkout groups the orders a buyer placed at once, one order per shop; its totals are the sums
of its orders'. Orders keep snapshots (address, titles, unit prices) so later edits to products
or addresses never change what was bought.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from marketplace.images import SafeImageField
from marketplace.transitions import AuditEvent
from orders.enums import (
    ORDER_TRANSITIONS,
    OrderEventKind,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    ReturnStatus,
    TrackingCode,
    VoucherKind,
)
from shops.models import Product, ProductVariant, Shop


class Cart(models.Model):
    """A logged-in buyer's cart, or an anonymous visitor's (by session), merged at login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="cart"
    )
    session_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(session_key__isnull=False), name="cart_has_an_owner"
            )
        ]

    def __str__(self) -> str:
        return f"Cart #{self.pk}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="cart_items")
    quantity = models.PositiveIntegerField(_("quantity"))
    # The price the buyer saw when adding: a later change is shown to them, never applied silently.
    price_when_added = models.BigIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="one_cart_line_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant}"


class Voucher(models.Model):
    """A platform voucher (no shop, made by staff) or a shop's voucher (made by its seller)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    shop = models.ForeignKey(
        Shop,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="vouchers",
        help_text=_("Empty for a platform voucher."),
    )
    title = models.CharField(_("title"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=VoucherKind)
    # Percent for PERCENT (1-100); rupiah off for FIXED; unused for FREE_SHIPPING.
    value = models.PositiveIntegerField(_("value"), default=0)
    # The most a PERCENT or FREE_SHIPPING voucher takes off, in rupiah.
    max_discount = models.BigIntegerField(_("maximum discount (Rp)"), null=True, blank=True)
    min_spend = models.BigIntegerField(_("minimum spend (Rp)"), default=0)
    starts_at = models.DateTimeField(_("valid from"))
    ends_at = models.DateTimeField(_("valid until"))
    usage_limit = models.PositiveIntegerField(_("total uses"), null=True, blank=True)
    per_user_limit = models.PositiveIntegerField(_("uses per buyer"), default=1)
    # Moved only by conditional UPDATEs in orders.vouchers.services (never past usage_limit).
    used_count = models.PositiveIntegerField(_("used"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_claimable = models.BooleanField(_("shown for claiming"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["shop", "is_active", "ends_at"], name="voucher_shop_active_ends"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="voucher_window_valid"),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(used_count__lte=F("usage_limit")),
                name="voucher_never_over_used",
            ),
            models.CheckConstraint(
                condition=~Q(kind=VoucherKind.PERCENT) | Q(value__gte=1, value__lte=100),
                name="voucher_percent_in_range",
            ),
            models.CheckConstraint(condition=Q(kind__in=VoucherKind.values), name="voucher_kind_valid"),
        ]
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")

    def __str__(self) -> str:
        return self.code

    @property
    def is_platform(self) -> bool:
        return self.shop_id is None


class VoucherClaim(models.Model):
    """A voucher a shopper saved into their wallet from a shop page or the platform."""

    voucher = models.ForeignKey(Voucher, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voucher_claims"
    )
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["voucher", "user"], name="claim_voucher_once")]

    def __str__(self) -> str:
        return f"{self.user} ← {self.voucher}"


class Checkout(models.Model):
    """One buyer's "place order": the orders it created (one per shop) and what they share."""

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkouts")
    # A double submit (or ten at once) with the same key finds this row instead of placing again.
    idempotency_key = models.CharField(max_length=64)
    payment_method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod)
    platform_voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="platform_checkouts"
    )
    # Address snapshot (marketplace.Address may change or vanish later).
    recipient_name = models.CharField(max_length=100)
    phone = models.CharField(max_length=20)
    province = models.CharField(max_length=60)
    city = models.CharField(max_length=60)
    district = models.CharField(max_length=60)
    postal_code = models.CharField(max_length=5)
    street = models.TextField()
    grand_total = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "idempotency_key"], name="checkout_idempotent"),
            models.CheckConstraint(condition=Q(grand_total__gte=0), name="checkout_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Checkout #{self.pk}"


class Order(models.Model):
    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("order number"), max_length=24, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus, default=OrderStatus.AWAITING_PAYMENT
    )
    payment_method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod)
    shop_voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="shop_orders"
    )
    shipping_option = models.CharField(_("shipping"), max_length=40)
    subtotal = models.BigIntegerField(_("items"))
    shipping_fee = models.BigIntegerField(_("shipping fee"))
    # This order's share of the shop voucher and of the platform voucher.
    discount = models.BigIntegerField(_("discount"), default=0)
    shipping_discount = models.BigIntegerField(_("shipping discount"), default=0)
    total = models.BigIntegerField(_("total"))
    weight_grams = models.PositiveIntegerField(default=0)
    # Unpaid orders expire (a Celery job, and a check at payment time) and release what they hold.
    payment_due_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "status", "-created_at"], name="order_buyer_status_created"),
            models.Index(fields=["shop", "status", "-created_at"], name="order_shop_status_created"),
            models.Index(fields=["status", "payment_due_at"], name="order_status_payment_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="order_status_valid"),
            models.CheckConstraint(
                condition=Q(
                    subtotal__gte=0,
                    shipping_fee__gte=0,
                    discount__gte=0,
                    shipping_discount__gte=0,
                    total__gte=0,
                ),
                name="order_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(total=F("subtotal") + F("shipping_fee") - F("discount") - F("shipping_discount")),
                name="order_total_adds_up",
            ),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.number

    def can_move_to(self, status: str) -> bool:
        return status in ORDER_TRANSITIONS[self.status]


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, related_name="order_items")
    variant = models.ForeignKey(
        ProductVariant, on_delete=models.SET_NULL, null=True, related_name="order_items"
    )
    # Snapshots: what the buyer bought, whatever happens to the listing later.
    title = models.CharField(max_length=120)
    variant_label = models.CharField(max_length=64, blank=True)
    sku = models.CharField(max_length=64)
    unit_price = models.BigIntegerField()
    quantity = models.PositiveIntegerField()
    line_total = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_item_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="order_item_price_positive"),
            models.CheckConstraint(
                condition=Q(line_total=F("unit_price") * F("quantity")), name="order_item_line_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class OrderEvent(AuditEvent):
    """Every status change of an order: from, to, who, what (`kind` and its `params`), when.
    Written with the change. `message` is the sentence in the reader's language; `note` is what
    a person (or the courier) wrote, shown as written."""

    MESSAGES = {
        OrderEventKind.PLACED: _("Order placed"),
        OrderEventKind.PAID: _("Paid via %(gateway)s"),
        OrderEventKind.CANCELLED: _("Cancelled"),
        OrderEventKind.PAYMENT_EXPIRED: _("Payment window expired"),
        OrderEventKind.SHIPPED: _("Shipped with %(carrier)s, tracking number %(tracking_number)s"),
        OrderEventKind.DELIVERED: _("Delivered"),
        OrderEventKind.COMPLETED: _("Completed"),
        OrderEventKind.AUTO_COMPLETED: _("Completed automatically after delivery"),
        OrderEventKind.RETURN_REQUESTED: _("Return requested"),
        OrderEventKind.RETURN_APPROVED: _("Return approved"),
        OrderEventKind.RETURN_AUTO_APPROVED: _(
            "Return approved automatically: the seller did not respond in time"
        ),
        OrderEventKind.RETURN_REJECTED: _("Return declined"),
    }

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=32, choices=OrderEventKind)
    from_status = models.CharField(max_length=20, choices=OrderStatus, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus)
    # Null for the system (payment expiry, auto-completion).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="orderevent_order_created")]

    def __str__(self) -> str:
        return f"{self.order}: {self.from_status or '∅'} → {self.to_status}"

    @property
    def note(self) -> str:
        return self.params.get("note", "")


class VoucherRedemption(models.Model):
    """One use of a voucher by a checkout. Released (not deleted) when its orders are cancelled."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="voucher_redemptions"
    )
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="voucher_redemptions")
    amount = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["voucher", "user", "released_at"], name="redemption_voucher_user")]
        constraints = [
            models.UniqueConstraint(fields=["voucher", "checkout"], name="redeem_voucher_once_per_checkout")
        ]

    def __str__(self) -> str:
        return f"{self.voucher} by {self.user}"


class Shipment(models.Model):
    """The parcel of an order: the carrier and tracking number the seller entered when shipping."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="shipment")
    carrier = models.CharField(_("carrier"), max_length=40)
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    shipped_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="tracking_number_unique_per_carrier"
            )
        ]
        indexes = [models.Index(fields=["delivered_at"], name="shipment_delivered")]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class TrackingEvent(models.Model):
    """A courier scan of a parcel, stored once however often the tracking job reads it."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="tracking_events")
    code = models.CharField(max_length=20, choices=TrackingCode)
    description = models.CharField(max_length=200)
    location = models.CharField(max_length=100, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "code", "occurred_at", "location"], name="tracking_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment}: {self.code} at {self.occurred_at}"


class Payment(models.Model):
    """One attempt to pay a checkout through a gateway (COD orders have none)."""

    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    method = models.CharField(max_length=16, choices=PaymentMethod)
    status = models.CharField(max_length=10, choices=PaymentStatus, default=PaymentStatus.PENDING)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="IDR")
    # The order id we send the gateway (Midtrans "order_id"), unique across attempts.
    gateway_order_id = models.CharField(max_length=64, unique=True)
    gateway_transaction_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    redirect_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"),
        ]

    def __str__(self) -> str:
        return self.gateway_order_id


class PaymentNotification(models.Model):
    """Every signed HTTP notification the gateway sent for one of our payments. Those applied
    (`rejection` empty) are unique per event_key (gateway transaction, status, fraud status), so
    replays are harmless; those refused for their amount, currency or status code are kept for
    staff beside them and claim no key, so they cannot shadow the genuine notification."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    event_key = models.CharField(max_length=160)
    transaction_status = models.CharField(max_length=32)
    # "" when applied; else why not ("amount_mismatch", "status_code_mismatch").
    rejection = models.CharField(max_length=32, blank=True, default="")
    is_signature_valid = models.BooleanField()
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key"], condition=Q(rejection=""), name="payment_notification_applied_once"
            ),
        ]

    def __str__(self) -> str:
        return self.event_key


class ReturnRequest(models.Model):
    """A buyer's request to return a delivered order; the seller decides within a deadline or it
    is approved automatically, as Indonesian marketplaces do."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="return_request")
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReturnStatus, default=ReturnStatus.REQUESTED
    )
    respond_by = models.DateTimeField(_("seller must respond by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("seller's note"), blank=True)
    refund_amount = models.BigIntegerField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "respond_by"], name="return_status_respond_by")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReturnStatus.values), name="return_status_valid"),
        ]
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")

    def __str__(self) -> str:
        return f"Return of {self.order}"


class ReturnPhoto(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos")
    image = SafeImageField(upload_to="returns/")

    def __str__(self) -> str:
        return f"Photo of {self.return_request}"


class Review(models.Model):
    """A verified-purchase review: one per order item, by that order's buyer, after delivery."""

    order_item = models.OneToOneField(OrderItem, on_delete=models.CASCADE, related_name="review")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="reviews")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("review"), blank=True)
    seller_reply = models.TextField(_("seller's reply"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["product", "-created_at"], name="review_product_created"),
            models.Index(fields=["shop", "-created_at"], name="review_shop_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.rating}★ {self.product}"


class ReviewPhoto(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = SafeImageField(upload_to="reviews/")
    thumbnail = models.ImageField(upload_to="reviews/thumbs/", blank=True, editable=False)

    def __str__(self) -> str:
        return f"Photo of {self.review}"
