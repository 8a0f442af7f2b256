"""Paying a checkout at the active gateway and applying what the gateway notifies.

The gateways themselves (how a payment starts, how a notification is verified) are the
providers of this package; these functions are the state changes, in the lock order of
orders/lifecycle.py (payment rows before order rows).
"""

import logging
import secrets
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Refusal
from marketplace.notifications import notify
from orders import payments
from orders.enums import OrderStatus, PaymentMethod, PaymentStatus
from orders.lifecycle import order_expire, order_transition
from orders.models import Checkout, Order, Payment, PaymentNotification

logger = logging.getLogger(__name__)

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


class PaymentError(Refusal):
    """Paying cannot start now; each raise names its precise `code`."""

    code = "payment_refused"


class NotificationRejected(Exception):
    """A gateway notification refused before anything was written; `status` is the HTTP answer.
    Not a Refusal: no person reads it; the gateway gets the status and an English reason for its log."""

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
    for order in awaiting:
        order_transition(order=order, to=OrderStatus.TO_SHIP, actor=None, params={"gateway": label})
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
        order_expire(order=order)
    return "expired"
