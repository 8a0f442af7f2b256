"""Biteship's tracking API (https://biteship.com/id/docs/api/trackings), which covers JNE, J&T,
SiCepat, AnterAja, Pos Indonesia and others behind one endpoint.

`GET https://api.biteship.com/v1/trackings/{waybill_id}/couriers/{courier_code}` with the API key
in the Authorization header; the answer's `history` is a list of `{note, status, updated_at}`.
Biteship's statuses are mapped onto our TrackingCode; the ones before pickup (confirmed,
allocated, picking_up...) are not parcel scans and are left out. Biteship gives no location.
Only `http_get` touches the network: tests replace it with recorded responses.
"""

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.utils import timezone

from orders.enums import TrackingCode
from orders.tracking import TrackingUnavailable, TrackingUpdate, WaybillNotFound

logger = logging.getLogger(__name__)

API_URL = "https://api.biteship.com/v1/trackings/{waybill_id}/couriers/{courier_code}"
TIMEOUT_SECONDS = 10
JAKARTA = ZoneInfo("Asia/Jakarta")

# Our carrier names (orders.admin.CARRIERS) → Biteship courier codes.
COURIER_CODES = {
    "jne": "jne",
    "j&t": "jnt",
    "sicepat": "sicepat",
    "anteraja": "anteraja",
    "pos indonesia": "pos",
}

STATUS_CODES = {
    "picked": TrackingCode.PICKED_UP,
    "dropping_off": TrackingCode.IN_TRANSIT,
    "delivered": TrackingCode.DELIVERED,
    # The courier tried and the parcel did not reach the buyer (yet): the buyer should know.
    "rejected": TrackingCode.FAILED_ATTEMPT,
    "on_hold": TrackingCode.FAILED_ATTEMPT,
    "return_in_transit": TrackingCode.FAILED_ATTEMPT,
    "returned": TrackingCode.FAILED_ATTEMPT,
    # Not scans of a parcel in the courier's hands: confirmed, scheduled, allocated,
    # picking_up, courier_not_found, cancelled, disposed.
}


def http_get(url: str, *, headers: dict[str, str], timeout: float) -> tuple[int, dict]:
    """GET `url`; returns (HTTP status, decoded JSON body). Raises TrackingUnavailable on network errors."""
    request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310 - https only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            body = json.loads(error.read() or b"{}")
        except ValueError:
            body = {}
        return error.code, body
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise TrackingUnavailable(f"Biteship did not answer: {error}") from error


class BiteshipTracker:
    def __init__(self, *, api_key: str, courier_code: str):
        self.api_key = api_key
        self.courier_code = courier_code

    @classmethod
    def for_carrier(cls, carrier: str, *, api_key: str) -> "BiteshipTracker":
        code = COURIER_CODES.get(carrier.strip().casefold(), carrier.strip().casefold())
        return cls(api_key=api_key, courier_code=code)

    def track(self, tracking_number: str) -> list[TrackingUpdate]:
        url = API_URL.format(
            waybill_id=quote(tracking_number, safe=""), courier_code=quote(self.courier_code, safe="")
        )
        status, body = http_get(
            url,
            headers={"Authorization": self.api_key, "Accept": "application/json"},
            timeout=TIMEOUT_SECONDS,
        )
        if status >= 500 or status == 429:
            raise TrackingUnavailable(f"Biteship answered {status} for {tracking_number}")
        if status != 200 or not body.get("success", False):
            # 404 (unknown waybill) or 400 (a courier Biteship does not track): asking again won't help.
            raise WaybillNotFound(
                f"Biteship answered {status} for {tracking_number}: {body.get('error', '')}"
            )
        return parse_history(body)


def parse_history(body: dict) -> list[TrackingUpdate]:
    updates = []
    for entry in body.get("history") or []:
        code = STATUS_CODES.get(str(entry.get("status", "")).lower())
        if code is None:
            continue
        try:
            occurred_at = datetime.fromisoformat(entry["updated_at"])
        except (KeyError, TypeError, ValueError):
            logger.warning("Biteship history entry without a usable time: %r", entry)
            continue
        if timezone.is_naive(occurred_at):  # Biteship writes +07:00; a bare time is Jakarta's
            occurred_at = occurred_at.replace(tzinfo=JAKARTA)
        updates.append(
            TrackingUpdate(code=code, description=(entry.get("note") or "")[:200], occurred_at=occurred_at)
        )
    return sorted(updates, key=lambda update: update.occurred_at)
