"""After delivery: the buyer confirms, asks for a return, or the order completes by itself.

A buyer has settings.RETURN_WINDOW_DAYS after delivery to ask for a return (a reason and up to
MAX_RETURN_PHOTOS photos); the order moves DELIVERED → RETURN_REQUESTED and the seller has
settings.RETURN_RESPONSE_HOURS to approve (→ RETURNED, refund recorded) or reject with a note
(→ COMPLETED). Past that deadline the request is approved automatically, as Indonesian
marketplaces do. An order delivered settings.ORDER_AUTO_COMPLETE_DAYS ago with no return request
completes by itself.

The refund is recorded here (amount and time); moving the money back is the payment gateway's
refund API, which is not wired in yet.

Locks follow orders.lifecycle: the order row first, then the return request row. Every function
re-checks state under those locks, so the beat jobs and a seller's click can race safely and a
second run changes nothing.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Refusal
from marketplace.images import sanitize_image
from marketplace.money import format_rupiah
from marketplace.notifications import notify
from orders.enums import OrderEventKind, OrderStatus, ReturnStatus
from orders.lifecycle import order_transition
from orders.models import Order, ReturnPhoto, ReturnRequest, Shipment

__all__ = [
    "MAX_RETURN_PHOTOS",
    "ReturnNotAllowed",
    "orders_auto_complete",
    "return_approve",
    "return_deadline",
    "return_reject",
    "return_request_create",
    "returns_auto_approve",
]

MAX_RETURN_PHOTOS = 3


class ReturnNotAllowed(Refusal):
    """A return that cannot be asked for or decided now; each raise names its precise `code`."""

    code = "return_not_allowed"


def return_deadline(delivered_at: datetime) -> datetime:
    """Until when the buyer of a parcel delivered at `delivered_at` may ask for a return."""
    return delivered_at + timedelta(days=settings.RETURN_WINDOW_DAYS)


@transaction.atomic
def return_request_create(
    *, order: Order, buyer, reason: str, photos=(), now: datetime | None = None
) -> ReturnRequest:
    """The buyer asks to return a delivered order, within the window: DELIVERED → RETURN_REQUESTED.

    `photos` are uploaded files, validated and re-encoded here (marketplace.images). Refuses
    with ReturnNotAllowed and writes nothing when it is not the buyer's order, not delivered,
    past the window, or already has a request (one per order).
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    photos = list(photos)
    if buyer is None or order.buyer_id != buyer.pk:
        raise ReturnNotAllowed(_("Only the buyer can ask to return this order."), code="not_buyer")
    if not reason:
        raise ReturnNotAllowed(_("Tell the seller why you are returning the order."), code="reason_required")
    if len(photos) > MAX_RETURN_PHOTOS:
        raise ReturnNotAllowed(
            _("Attach at most %(count)d photos.") % {"count": MAX_RETURN_PHOTOS}, code="too_many_photos"
        )
    # Validate every photo before anything is written (a ValidationError leaves no row behind).
    images = [sanitize_image(photo) for photo in photos]
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.DELIVERED or ReturnRequest.objects.filter(order=locked).exists():
        raise ReturnNotAllowed(
            _("A return can only be requested for a delivered order."), code="not_delivered"
        )
    delivered_at = Shipment.objects.filter(order=locked).values_list("delivered_at", flat=True).first()
    if delivered_at is None or now > return_deadline(delivered_at):
        raise ReturnNotAllowed(
            _("The return window has closed (%(days)d days after delivery).")
            % {"days": settings.RETURN_WINDOW_DAYS},
            code="window_closed",
        )
    return_request = ReturnRequest.objects.create(
        order=locked,
        reason=reason,
        respond_by=now + timedelta(hours=settings.RETURN_RESPONSE_HOURS),
    )
    for image in images:
        ReturnPhoto.objects.create(return_request=return_request, image=image)
    order_transition(order=order, to=OrderStatus.RETURN_REQUESTED, actor=buyer, note=reason[:500])
    return return_request


def _decide(return_request: ReturnRequest, *, status: str, actor, note: str, now: datetime) -> ReturnRequest:
    """Record the decision on a REQUESTED return and move its order; caller holds the atomic block."""
    order = Order.objects.select_for_update().select_related("buyer").get(pk=return_request.order_id)
    locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    if locked.status != ReturnStatus.REQUESTED or order.status != OrderStatus.RETURN_REQUESTED:
        raise ReturnNotAllowed(_("This return has already been decided."), code="already_decided")
    locked.status = status
    locked.decided_at = now
    locked.decided_by = actor
    locked.decision_note = note
    fields = ["status", "decided_at", "decided_by", "decision_note"]
    approved = status in (ReturnStatus.APPROVED, ReturnStatus.AUTO_APPROVED)
    if approved:
        locked.refund_amount = order.total
        locked.refunded_at = now
        fields += ["refund_amount", "refunded_at"]
    locked.save(update_fields=fields)
    order_transition(
        order=order,
        to=OrderStatus.RETURNED if approved else OrderStatus.COMPLETED,
        actor=actor,
        note=note,
        kind=OrderEventKind.RETURN_AUTO_APPROVED if status == ReturnStatus.AUTO_APPROVED else None,
    )
    if approved:
        title = _("Your return of order %(number)s is approved") % {"number": order.number}
        body = _("We are refunding %(amount)s.") % {"amount": format_rupiah(order.total)}
    else:
        title = _("Your return of order %(number)s was declined") % {"number": order.number}
        body = note
    notify(
        user=order.buyer,
        kind="return_decided",
        title=title,
        body=body,
        url=reverse("order_detail", args=[order.number]),
    )
    return locked


@transaction.atomic
def return_approve(*, return_request: ReturnRequest, actor, now: datetime | None = None) -> ReturnRequest:
    """The seller accepts the return: order → RETURNED, refund of the order's total recorded."""
    return _decide(
        return_request, status=ReturnStatus.APPROVED, actor=actor, note="", now=now or timezone.now()
    )


@transaction.atomic
def return_reject(
    *, return_request: ReturnRequest, actor, note: str, now: datetime | None = None
) -> ReturnRequest:
    """The seller refuses the return with a note the buyer reads: order → COMPLETED."""
    note = (note or "").strip()
    if not note:
        raise ReturnNotAllowed(_("Tell the buyer why the return is declined."), code="note_required")
    return _decide(
        return_request, status=ReturnStatus.REJECTED, actor=actor, note=note, now=now or timezone.now()
    )


def returns_auto_approve(*, now: datetime | None = None) -> int:
    """Approve every return the seller left undecided past respond_by; returns how many.

    One transaction per request, re-checked under its locks: one decided meanwhile is skipped.
    """
    now = now or timezone.now()
    overdue = list(
        ReturnRequest.objects.filter(status=ReturnStatus.REQUESTED, respond_by__lte=now)
        .order_by("respond_by", "id")
        .values_list("pk", "order_id")
    )
    approved = 0
    for return_id, _order_id in overdue:
        with transaction.atomic():
            return_request = ReturnRequest.objects.filter(pk=return_id).first()
            if return_request is None:
                continue
            try:
                _decide(return_request, status=ReturnStatus.AUTO_APPROVED, actor=None, note="", now=now)
            except ReturnNotAllowed:
                continue
            approved += 1
    return approved


def orders_auto_complete(*, now: datetime | None = None) -> int:
    """Complete every order delivered ORDER_AUTO_COMPLETE_DAYS ago with no return request.

    An open return keeps its order in RETURN_REQUESTED, so only DELIVERED orders are looked at;
    each is re-checked under its row lock (the buyer may confirm or ask for a return meanwhile).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ORDER_AUTO_COMPLETE_DAYS)
    due = list(
        Order.objects.filter(
            status=OrderStatus.DELIVERED,
            shipment__delivered_at__lte=cutoff,
            return_request__isnull=True,
        )
        .order_by("shipment__delivered_at", "id")
        .values_list("pk", flat=True)
    )
    completed = 0
    for order_id in due:
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=order_id).first()
            if (
                order is None
                or order.status != OrderStatus.DELIVERED
                or ReturnRequest.objects.filter(order=order).exists()
            ):
                continue
            order_transition(
                order=order, to=OrderStatus.COMPLETED, actor=None, kind=OrderEventKind.AUTO_COMPLETED
            )
            completed += 1
    return completed
