"""The Biteship adapter against recorded responses (only its http_get is replaced)."""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from orders.enums import TrackingCode
from orders.tracking import TrackingUnavailable, TrackingUpdate, WaybillNotFound, biteship, tracker_for
from orders.tracking.biteship import BiteshipTracker

FIXTURES = Path(__file__).parent / "fixtures"
WIB = ZoneInfo("Asia/Jakarta")


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / f"biteship_{name}.json").read_text())


@pytest.fixture
def http(monkeypatch):
    """Answers with a recorded response and remembers each request."""
    calls = []
    answer = {"status": 200, "body": {}}

    def fake_get(url, *, headers, timeout):
        calls.append({"url": url, "headers": headers, "timeout": timeout})
        return answer["status"], answer["body"]

    monkeypatch.setattr(biteship, "http_get", fake_get)

    def respond(status: int, name: str):
        answer.update(status=status, body=recorded(name))
        return calls

    return respond


def test_delivered_history_is_mapped_exactly(http):
    calls = http(200, "delivered")

    updates = BiteshipTracker(api_key="biteship_test.key", courier_code="jne").track("0123082100003094")

    assert updates == [
        TrackingUpdate(
            code=TrackingCode.PICKED_UP,
            description="SHIPMENT RECEIVED BY JNE COUNTER OFFICER AT [BANDUNG]",
            occurred_at=datetime(2021, 3, 16, 19, 2, tzinfo=WIB),
        ),
        TrackingUpdate(
            code=TrackingCode.IN_TRANSIT,
            description="SHIPMENT FORWARDED TO DESTINATION [SURABAYA]",
            occurred_at=datetime(2021, 3, 17, 7, 45, tzinfo=WIB),
        ),
        TrackingUpdate(
            code=TrackingCode.DELIVERED,
            description="DELIVERED TO [SITI RAHMA | 18-03-2021 10:12 | SURABAYA ]",
            occurred_at=datetime(2021, 3, 18, 10, 12, tzinfo=WIB),
        ),
    ]
    assert calls == [
        {
            "url": "https://api.biteship.com/v1/trackings/0123082100003094/couriers/jne",
            "headers": {"Authorization": "biteship_test.key", "Accept": "application/json"},
            "timeout": 10,
        }
    ]


def test_on_hold_is_a_failed_attempt(http):
    http(200, "on_hold")

    updates = BiteshipTracker(api_key="k", courier_code="sicepat").track("SCP1234567890")

    assert [(u.code, u.description) for u in updates] == [
        (TrackingCode.PICKED_UP, "Paket telah di pick up oleh kurir"),
        (TrackingCode.IN_TRANSIT, "Paket keluar dari Sortation Center Cikarang"),
        (TrackingCode.FAILED_ATTEMPT, "Penerima tidak di tempat"),
    ]


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_are_transient(http, status):
    http(status, "server_error")

    with pytest.raises(TrackingUnavailable):
        BiteshipTracker(api_key="k", courier_code="jne").track("0123082100003094")


def test_unknown_waybill_is_not_found(http):
    http(404, "not_found")

    with pytest.raises(WaybillNotFound):
        BiteshipTracker(api_key="k", courier_code="jne").track("NOPE")


def test_network_timeout_is_transient(monkeypatch):
    def slow(request, timeout):
        assert timeout == 10
        raise TimeoutError("timed out")

    monkeypatch.setattr(biteship.urllib.request, "urlopen", slow)

    with pytest.raises(TrackingUnavailable):
        BiteshipTracker(api_key="k", courier_code="jne").track("0123082100003094")


@pytest.mark.parametrize(
    ("carrier", "code"),
    [
        ("JNE", "jne"),
        ("J&T", "jnt"),
        ("SiCepat", "sicepat"),
        ("AnterAja", "anteraja"),
        ("Pos Indonesia", "pos"),
    ],
)
def test_carrier_names_map_to_courier_codes(settings, carrier, code):
    settings.TRACKING_BACKEND = "biteship"
    settings.BITESHIP_API_KEY = "biteship_live.key"

    class FakeShipment:
        pass

    shipment = FakeShipment()
    shipment.carrier = carrier

    tracker = tracker_for(shipment)

    assert (tracker.courier_code, tracker.api_key) == (code, "biteship_live.key")
