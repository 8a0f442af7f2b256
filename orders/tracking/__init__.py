"""Carrier tracking: one interface, `track(tracking_number) -> list[TrackingUpdate]`, and its backends.

`tracker_for(shipment)` picks the backend named by settings.TRACKING_BACKEND: "simulated" (the
default for development, demos and tests: parcels move with time, no network) or "biteship"
(Biteship's tracking API, which covers the Indonesian couriers). The poll job
(orders.tracking.services) stores what a backend returns; backends never write.

Errors: `TrackingUnavailable` means "try again later" (timeout, connection refused, 5xx) and the
task retries it; `WaybillNotFound` means the carrier does not know the number: it is logged and
skipped, never retried.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings

__all__ = [
    "TrackingError",
    "TrackingUnavailable",
    "TrackingUpdate",
    "WaybillNotFound",
    "tracker_for",
]


@dataclass(frozen=True)
class TrackingUpdate:
    """One scan of a parcel as the carrier reports it (code is an orders.enums.TrackingCode)."""

    code: str
    description: str
    occurred_at: datetime
    location: str = ""


class TrackingError(Exception):
    """The carrier could not tell us where the parcel is."""


class TrackingUnavailable(TrackingError):
    """Transient: the carrier timed out, refused the connection or answered 5xx. Retry later."""


class WaybillNotFound(TrackingError):
    """The carrier does not know this tracking number (404, or a rejected request): not retried."""


class Tracker(Protocol):
    def track(self, tracking_number: str) -> list[TrackingUpdate]: ...


def tracker_for(shipment, *, now: datetime | None = None) -> Tracker:
    """The backend that tracks `shipment` (a Shipment with order, shop and checkout at hand)."""
    backend = settings.TRACKING_BACKEND
    if backend == "simulated":
        from orders.tracking.simulated import SimulatedCourier

        return SimulatedCourier(
            shipped_at=shipment.shipped_at,
            origin_city=shipment.order.shop.city,
            destination_city=shipment.order.checkout.city,
            now=now,
            speed=settings.SIMULATED_COURIER_SPEED,
        )
    if backend == "biteship":
        from orders.tracking.biteship import BiteshipTracker

        return BiteshipTracker.for_carrier(shipment.carrier, api_key=settings.BITESHIP_API_KEY)
    raise ValueError(f"Unknown TRACKING_BACKEND {backend!r}: use 'simulated' or 'biteship'.")
