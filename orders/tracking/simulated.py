"""A built-in courier whose parcels move with time, for development, demos and tests.

Every tracking number gets its own journey, drawn from a `random.Random` seeded with the number:
the same number always takes the same route at the same pace, so re-reading returns the same
events (stored once by their unique key) and tests can state exact times. Only the events that
have happened by `now` are returned, never one in the future.

The route: picked up in the shop's city (about 2 hours after shipping), the origin city's hub, a
national sorting point (Hub Jakarta or Sortation Center Cikarang) when the cities differ, the
destination city's hub, out for delivery, and delivered, 2 to 4 days after shipping. About one
parcel in three meets an empty house first ("Penerima tidak di tempat") and goes out again the
next day. Descriptions are what an Indonesian courier writes: carrier data, not page text.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from orders.enums import TrackingCode
from orders.tracking import TrackingUpdate

NATIONAL_HUBS = ("Hub Jakarta", "Sortation Center Cikarang")
FAILED_ATTEMPT_CHANCE = 0.3
FAILED_ATTEMPT_NOTE = "Penerima tidak di tempat"


class SimulatedCourier:
    def __init__(
        self,
        *,
        shipped_at: datetime,
        origin_city: str,
        destination_city: str,
        now: datetime | None = None,
        speed: int = 1,
    ):
        self.shipped_at = shipped_at
        self.speed = max(1, speed)  # times faster than real time, for demos
        self.origin_city = origin_city or "Asal"
        self.destination_city = destination_city or "Tujuan"
        self.now = now

    def track(self, tracking_number: str) -> list[TrackingUpdate]:
        now = self.now or timezone.now()
        return [update for update in self.journey(tracking_number) if update.occurred_at <= now]

    def journey(self, tracking_number: str) -> list[TrackingUpdate]:
        """The parcel's whole route, past and future (str seeds are stable across processes)."""
        rng = random.Random(tracking_number)  # noqa: S311 - a simulation, not a secret
        at = self.shipped_at.replace(microsecond=0)
        events: list[TrackingUpdate] = []

        def step(minutes_low: int, minutes_high: int, code: str, description: str, location: str) -> None:
            nonlocal at
            at += timedelta(minutes=rng.randint(minutes_low, minutes_high)) / self.speed
            events.append(
                TrackingUpdate(code=code, description=description, occurred_at=at, location=location)
            )

        origin, destination = self.origin_city, self.destination_city
        step(90, 150, TrackingCode.PICKED_UP, "Paket telah diambil oleh kurir", origin)
        step(120, 360, TrackingCode.IN_TRANSIT, f"Paket tiba di Hub {origin}", f"Hub {origin}")
        if origin.casefold() != destination.casefold():
            national = rng.choice(NATIONAL_HUBS)
            step(12 * 60, 36 * 60, TrackingCode.IN_TRANSIT, f"Paket tiba di {national}", national)
            step(
                12 * 60,
                36 * 60,
                TrackingCode.IN_TRANSIT,
                f"Paket tiba di Hub {destination}",
                f"Hub {destination}",
            )
        step(
            120, 600, TrackingCode.OUT_FOR_DELIVERY, "Paket dibawa kurir menuju alamat penerima", destination
        )
        if rng.random() < FAILED_ATTEMPT_CHANCE:
            step(60, 240, TrackingCode.FAILED_ATTEMPT, FAILED_ATTEMPT_NOTE, destination)
            step(
                18 * 60,
                22 * 60,
                TrackingCode.OUT_FOR_DELIVERY,
                "Paket dikirim ulang ke alamat penerima",
                destination,
            )
        step(30, 180, TrackingCode.DELIVERED, "Paket telah diterima", destination)
        return events
