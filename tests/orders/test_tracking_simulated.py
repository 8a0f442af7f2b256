"""The simulated courier: a deterministic journey per tracking number, revealed as time passes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from orders.enums import TrackingCode
from orders.tracking.simulated import SimulatedCourier

WIB = ZoneInfo("Asia/Jakarta")
SHIPPED = datetime(2025, 3, 3, 9, 0, tzinfo=WIB)


def courier(now):
    return SimulatedCourier(shipped_at=SHIPPED, origin_city="Bandung", destination_city="Surabaya", now=now)


def summary(updates):
    return [(u.code, u.occurred_at, u.location) for u in updates]


def test_journey_is_revealed_as_time_passes():
    # given JNE0001's journey (fixed by its number)
    picked = (TrackingCode.PICKED_UP, datetime(2025, 3, 3, 10, 34, tzinfo=WIB), "Bandung")
    origin_hub = (TrackingCode.IN_TRANSIT, datetime(2025, 3, 3, 12, 53, tzinfo=WIB), "Hub Bandung")
    national = (TrackingCode.IN_TRANSIT, datetime(2025, 3, 4, 6, 11, tzinfo=WIB), "Hub Jakarta")
    destination_hub = (TrackingCode.IN_TRANSIT, datetime(2025, 3, 5, 9, 22, tzinfo=WIB), "Hub Surabaya")
    out = (TrackingCode.OUT_FOR_DELIVERY, datetime(2025, 3, 5, 14, 55, tzinfo=WIB), "Surabaya")
    delivered = (TrackingCode.DELIVERED, datetime(2025, 3, 5, 16, 4, tzinfo=WIB), "Surabaya")

    assert courier(SHIPPED + timedelta(hours=1)).track("JNE0001") == []
    assert summary(courier(SHIPPED + timedelta(hours=2)).track("JNE0001")) == [picked]
    assert summary(courier(datetime(2025, 3, 4, 12, 0, tzinfo=WIB)).track("JNE0001")) == [
        picked,
        origin_hub,
        national,
    ]
    assert summary(courier(datetime(2025, 3, 5, 15, 0, tzinfo=WIB)).track("JNE0001")) == [
        picked,
        origin_hub,
        national,
        destination_hub,
        out,
    ]
    assert summary(courier(SHIPPED + timedelta(days=10)).track("JNE0001")) == [
        picked,
        origin_hub,
        national,
        destination_hub,
        out,
        delivered,
    ]


def test_reading_twice_gives_the_same_events():
    now = SHIPPED + timedelta(days=10)

    assert courier(now).track("JNE0003") == courier(now).track("JNE0003")


def test_some_parcels_meet_an_empty_house_first():
    updates = courier(SHIPPED + timedelta(days=10)).track("JNE0002")

    assert [u.code for u in updates] == [
        TrackingCode.PICKED_UP,
        TrackingCode.IN_TRANSIT,
        TrackingCode.IN_TRANSIT,
        TrackingCode.IN_TRANSIT,
        TrackingCode.OUT_FOR_DELIVERY,
        TrackingCode.FAILED_ATTEMPT,
        TrackingCode.OUT_FOR_DELIVERY,
        TrackingCode.DELIVERED,
    ]
    assert updates[5].description == "Penerima tidak di tempat"
    assert updates[5].occurred_at == datetime(2025, 3, 6, 8, 51, tzinfo=WIB)


def test_failed_attempts_happen_for_some_numbers_only():
    numbers = [f"JNE{n:04d}" for n in range(1, 101)]
    failed = [
        n
        for n in numbers
        if any(u.code == TrackingCode.FAILED_ATTEMPT for u in courier(SHIPPED + timedelta(days=10)).track(n))
    ]

    assert 10 < len(failed) < 60
    assert "JNE0002" in failed
    assert "JNE0001" not in failed


def test_every_parcel_is_delivered_within_two_to_four_days_and_never_in_the_future():
    for n in range(1, 101):
        number = f"SCP{n:05d}"
        journey = courier(None).journey(number)
        assert journey[-1].code == TrackingCode.DELIVERED
        assert timedelta(days=1) < journey[-1].occurred_at - SHIPPED < timedelta(days=4, hours=12)
        assert [u.occurred_at for u in journey] == sorted(u.occurred_at for u in journey)
        now = SHIPPED + timedelta(hours=n)
        assert all(u.occurred_at <= now for u in courier(now).track(number))


def test_same_city_skips_the_national_hub():
    same_city = SimulatedCourier(
        shipped_at=SHIPPED,
        origin_city="Bandung",
        destination_city="Bandung",
        now=SHIPPED + timedelta(days=10),
    )

    locations = [u.location for u in same_city.track("JNE0001")]

    assert "Hub Jakarta" not in locations
    assert "Sortation Center Cikarang" not in locations
    assert locations[:2] == ["Bandung", "Hub Bandung"]


def test_demo_speed_runs_the_same_journey_faster():
    # make run sets SIMULATED_COURIER_SPEED=720: the route of days passes in minutes, same stops.
    real_time = courier(SHIPPED + timedelta(days=10)).track("JNE0001")
    demo = SimulatedCourier(
        shipped_at=SHIPPED, origin_city="Bandung", destination_city="Surabaya", now=SHIPPED, speed=720
    ).journey("JNE0001")

    assert [(u.code, u.location) for u in demo] == [(u.code, u.location) for u in real_time]
    for fast, slow in zip(demo, real_time, strict=True):
        expected = (slow.occurred_at - SHIPPED) / 720
        assert abs((fast.occurred_at - SHIPPED) - expected) < timedelta(milliseconds=10)
    assert demo[-1].occurred_at - SHIPPED < timedelta(minutes=10)
