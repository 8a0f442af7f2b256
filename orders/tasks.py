"""Celery jobs: each a few lines calling a service, safe to run twice, late-acked and retried.

Every service here works one order (or voucher, or parcel) per transaction and re-checks it under
its row lock, so a redelivered or retried message changes nothing twice: acks_late is safe. A lost
database connection is worth a retry with backoff; anything else is a bug to see, not to retry.
"""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from orders import lifecycle, returns
from orders.tracking import TrackingUnavailable
from orders.tracking.services import shipment_ids_to_track, shipment_track
from orders.vouchers import expiry as voucher_expiry

# How often beat polls the carriers (marketplace/settings.py); a per-shipment message older than
# that is dropped, since the next poll sends a fresh one.
TRACKING_POLL_SECONDS = settings.CELERY_BEAT_SCHEDULE["poll-active-shipments"]["schedule"]

db_job = shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)


@db_job
def expire_unpaid_orders() -> int:
    return lifecycle.orders_expire_unpaid()


@db_job
def poll_active_shipments() -> int:
    """Fan out one `track_shipment` per parcel on its way."""
    shipment_ids = shipment_ids_to_track()
    for shipment_id in shipment_ids:
        track_shipment.apply_async((shipment_id,), expires=TRACKING_POLL_SECONDS)
    return len(shipment_ids)


# Scans are stored with ON CONFLICT DO NOTHING and the delivery is decided under the order's row
# lock. A carrier timeout or 5xx (TrackingUnavailable) is retried too; an unknown waybill is
# logged and skipped by the service, never retried.
@shared_task(
    acks_late=True,
    autoretry_for=(TrackingUnavailable, OperationalError),
    retry_backoff=30,
    retry_backoff_max=TRACKING_POLL_SECONDS,
    retry_jitter=True,
    max_retries=5,
)
def track_shipment(shipment_id: int) -> int:
    return shipment_track(shipment_id=shipment_id).stored


@db_job
def auto_complete_delivered_orders() -> int:
    return returns.orders_auto_complete()


@db_job
def auto_approve_overdue_returns() -> int:
    return returns.returns_auto_approve()


# A holder already warned about a voucher is skipped; an inactive voucher is not touched again.
@db_job
def warn_expiring_vouchers() -> int:
    return voucher_expiry.vouchers_warn_expiring()


@db_job
def deactivate_expired_vouchers() -> int:
    return voucher_expiry.vouchers_deactivate_expired()
