"""The tracking poll's writes: store a parcel's new scans, and mark it delivered when it is.

`shipment_track` is what the Celery task calls for one shipment. It asks the carrier outside any
transaction (an HTTP call must not hold a row lock), then in one transaction locks the order row
(the lock order of orders.lifecycle: order first) and re-checks that it is still SHIPPED. Scans
are inserted with `ON CONFLICT DO NOTHING` on the `tracking_event_once` key, so running it twice
stores nothing twice; the notifications are decided under the same lock, so they go out once.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.notifications import notify
from orders.enums import OrderStatus, TrackingCode
from orders.lifecycle import order_transition
from orders.models import Order, Shipment, TrackingEvent
from orders.tracking import TrackingUpdate, WaybillNotFound, tracker_for

logger = logging.getLogger(__name__)

__all__ = ["TrackResult", "shipment_ids_to_track", "shipment_track"]


@dataclass(frozen=True)
class TrackResult:
    stored: int = 0
    delivered: bool = False
    skipped: bool = False


def shipment_ids_to_track() -> list[int]:
    """Shipments whose order is still on its way, oldest first."""
    return list(
        Shipment.objects.filter(order__status=OrderStatus.SHIPPED, delivered_at__isnull=True)
        .order_by("shipped_at", "id")
        .values_list("pk", flat=True)
    )


def shipment_track(*, shipment_id: int, now: datetime | None = None) -> TrackResult:
    """Fetch the carrier's scans of one parcel and store the new ones; deliver the order when due.

    Raises TrackingUnavailable (transient, for the task to retry). An unknown waybill is logged
    and skipped. Returns what was done; a second run stores 0 and notifies nobody.
    """
    shipment = (
        Shipment.objects.select_related("order__shop", "order__checkout", "order__buyer")
        .filter(pk=shipment_id, order__status=OrderStatus.SHIPPED)
        .first()
    )
    if shipment is None:
        return TrackResult(skipped=True)
    try:
        updates = tracker_for(shipment, now=now).track(shipment.tracking_number)
    except WaybillNotFound as error:
        logger.warning("Tracking %s skipped: %s", shipment, error)
        return TrackResult(skipped=True)
    return _store(shipment, updates)


@transaction.atomic
def _store(shipment: Shipment, updates: list[TrackingUpdate]) -> TrackResult:
    order = Order.objects.select_for_update().select_related("buyer").get(pk=shipment.order_id)
    if order.status != OrderStatus.SHIPPED:  # confirmed or delivered by another run meanwhile
        return TrackResult(skipped=True)
    was_out_for_delivery = shipment.tracking_events.filter(code=TrackingCode.OUT_FOR_DELIVERY).exists()
    before = shipment.tracking_events.count()
    TrackingEvent.objects.bulk_create(
        [
            TrackingEvent(
                shipment=shipment,
                code=update.code,
                description=update.description[:200],
                location=update.location[:100],
                occurred_at=update.occurred_at,
            )
            for update in updates
        ],
        ignore_conflicts=True,
    )
    stored = shipment.tracking_events.count() - before
    url = reverse("order_detail", args=[order.number])
    delivered = next((u for u in reversed(updates) if u.code == TrackingCode.DELIVERED), None)
    if delivered is not None:
        # The courier's time, not ours: auto-completion and the return window count from it.
        Shipment.objects.filter(pk=shipment.pk, delivered_at__isnull=True).update(
            delivered_at=delivered.occurred_at
        )
        order_transition(order=order, to=OrderStatus.DELIVERED, actor=None, note=delivered.description)
        notify(
            user=order.buyer,
            kind="order_delivered",
            title=_("Order %(number)s has arrived") % {"number": order.number},
            body=_("Check your parcel, then confirm you received it or ask for a return."),
            url=url,
        )
        return TrackResult(stored=stored, delivered=True)
    if not was_out_for_delivery and any(u.code == TrackingCode.OUT_FOR_DELIVERY for u in updates):
        notify(
            user=order.buyer,
            kind="order_out_for_delivery",
            title=_("Order %(number)s is out for delivery") % {"number": order.number},
            body=_("The courier is bringing your parcel today."),
            url=url,
        )
    return TrackResult(stored=stored)
