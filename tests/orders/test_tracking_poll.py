"""The tracking poll stores each courier scan once and delivers the order once."""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from marketplace.models import Notification
from orders import tasks
from orders.enums import OrderStatus, TrackingCode
from orders.models import Order, OrderEvent, Shipment, TrackingEvent
from orders.tracking import TrackingUnavailable, biteship
from orders.tracking.services import TrackResult, shipment_ids_to_track, shipment_track
from tests.kit.factories import ShopFactory, UserFactory, make_order

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
SHIPPED = datetime(2025, 3, 3, 9, 0, tzinfo=WIB)


@pytest.fixture
def shipped_order():
    """A SHIPPED order from Bandung to Surabaya whose parcel is simulated number JNE0001."""
    order = make_order(
        shop=ShopFactory(city="Bandung"), buyer=UserFactory(), status=OrderStatus.SHIPPED, city="Surabaya"
    )
    Shipment.objects.filter(order=order).update(tracking_number="JNE0001", shipped_at=SHIPPED)
    return order


def scans(shipment):
    return list(
        TrackingEvent.objects.filter(shipment=shipment).values_list("code", "location", "occurred_at")
    )


def test_poll_stores_new_scans_once(shipped_order):
    shipment = shipped_order.shipment
    now = datetime(2025, 3, 4, 12, 0, tzinfo=WIB)

    first = shipment_track(shipment_id=shipment.pk, now=now)
    second = shipment_track(shipment_id=shipment.pk, now=now)

    assert (first, second) == (TrackResult(stored=3), TrackResult(stored=0))
    assert scans(shipment) == [
        (TrackingCode.PICKED_UP, "Bandung", datetime(2025, 3, 3, 10, 34, tzinfo=WIB)),
        (TrackingCode.IN_TRANSIT, "Hub Bandung", datetime(2025, 3, 3, 12, 53, tzinfo=WIB)),
        (TrackingCode.IN_TRANSIT, "Hub Jakarta", datetime(2025, 3, 4, 6, 11, tzinfo=WIB)),
    ]
    assert Order.objects.get(pk=shipped_order.pk).status == OrderStatus.SHIPPED
    assert not Notification.objects.exists()


def test_out_for_delivery_notifies_the_buyer_once(shipped_order):
    shipment = shipped_order.shipment
    now = datetime(2025, 3, 5, 15, 0, tzinfo=WIB)

    shipment_track(shipment_id=shipment.pk, now=now)
    shipment_track(shipment_id=shipment.pk, now=now)

    assert list(Notification.objects.values_list("user_id", "kind", "url")) == [
        (shipped_order.buyer_id, "order_out_for_delivery", f"/pesanan/{shipped_order.number}/")
    ]


def test_delivered_parcel_delivers_the_order_once(shipped_order):
    shipment = shipped_order.shipment
    now = datetime(2025, 3, 10, 12, 0, tzinfo=WIB)

    first = shipment_track(shipment_id=shipment.pk, now=now)
    second = shipment_track(shipment_id=shipment.pk, now=now)

    assert first == TrackResult(stored=6, delivered=True)
    assert second == TrackResult(skipped=True)
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 6
    order = Order.objects.get(pk=shipped_order.pk)
    assert order.status == OrderStatus.DELIVERED
    assert Shipment.objects.get(pk=shipment.pk).delivered_at == datetime(2025, 3, 5, 16, 4, tzinfo=WIB)
    assert list(OrderEvent.objects.filter(order=order).values_list("from_status", "to_status", "actor")) == [
        ("", OrderStatus.SHIPPED, shipped_order.buyer_id),
        (OrderStatus.SHIPPED, OrderStatus.DELIVERED, None),
    ]
    # Delivered in the same read as out-for-delivery: one notification, the one that matters.
    assert list(Notification.objects.values_list("user_id", "kind")) == [
        (shipped_order.buyer_id, "order_delivered")
    ]
    assert shipment_ids_to_track() == []


def test_poll_task_fans_out_one_message_per_parcel_on_its_way(shipped_order, monkeypatch):
    make_order(shop=ShopFactory(), buyer=UserFactory(), status=OrderStatus.DELIVERED)
    sent = []
    monkeypatch.setattr(
        tasks.track_shipment, "apply_async", lambda args, **options: sent.append((args, options))
    )

    assert tasks.poll_active_shipments() == 1
    assert sent == [((shipped_order.shipment.pk,), {"expires": tasks.TRACKING_POLL_SECONDS})]


def test_track_task_run_twice_stores_once(shipped_order):
    # The simulated parcel shipped in 2025 has long arrived by now.
    assert tasks.track_shipment(shipped_order.shipment.pk) == 6
    assert tasks.track_shipment(shipped_order.shipment.pk) == 0
    assert Notification.objects.filter(kind="order_delivered").count() == 1


def test_unknown_waybill_is_skipped_and_transient_errors_propagate(shipped_order, settings, monkeypatch):
    settings.TRACKING_BACKEND = "biteship"
    answers = iter([(404, {"success": False, "error": "not found"}), (503, {})])
    monkeypatch.setattr(biteship, "http_get", lambda url, *, headers, timeout: next(answers))

    assert shipment_track(shipment_id=shipped_order.shipment.pk) == TrackResult(skipped=True)
    with pytest.raises(TrackingUnavailable):
        shipment_track(shipment_id=shipped_order.shipment.pk)
    assert TrackingEvent.objects.count() == 0
    assert Order.objects.get(pk=shipped_order.pk).status == OrderStatus.SHIPPED


def test_biteship_delivery_is_stored_from_a_recorded_response(shipped_order, settings, monkeypatch):
    settings.TRACKING_BACKEND = "biteship"
    body = json.loads((Path(__file__).parent / "fixtures" / "biteship_delivered.json").read_text())
    monkeypatch.setattr(biteship, "http_get", lambda url, *, headers, timeout: (200, body))

    shipment_track(shipment_id=shipped_order.shipment.pk)
    shipment_track(shipment_id=shipped_order.shipment.pk)

    assert TrackingEvent.objects.count() == 3
    assert Order.objects.get(pk=shipped_order.pk).status == OrderStatus.DELIVERED
    assert Shipment.objects.get(pk=shipped_order.shipment.pk).delivered_at == datetime(
        2021, 3, 18, 10, 12, tzinfo=WIB
    )
