"""Both ways an unpaid order expires (the beat job, the gateway's expire notice) are one
`order_expire`: the buyer is told, and the order page and the admin say why in the reader's
language, never the English sentence the code once stored."""

import importlib
import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.models import Notification
from orders import payments, tasks
from orders.enums import OrderEventKind, OrderStatus, PaymentMethod
from orders.models import Order, OrderEvent
from orders.payments.midtrans import signature
from orders.payments.services import payment_start
from tests.kit.buying import place
from tests.kit.factories import ShopFactory, UserFactory, make_variant

pytestmark = [pytest.mark.django_db]

EXPIRED_ID = "Batas waktu pembayaran habis"
TOLD_ID = "Waktu pembayaran sudah habis, jadi penjual tidak akan mengirimnya. Anda bisa memesan lagi."


@pytest.fixture(autouse=True)
def _indonesian_and_dev_gateway(settings):
    settings.LANGUAGE_CODE = "id"
    # The dev gateway runs only with DEBUG on; tests run with it off.
    settings.PAYMENT_GATEWAY = "dev"
    settings.DEBUG = True


def unpaid_order() -> Order:
    variant = make_variant(shop=ShopFactory(), price=50_000, stock=10)
    checkout = place(UserFactory(), [(variant, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    return checkout.orders.get()


def expire_notice(payment) -> dict:
    amount = f"{payment.amount}.00"
    return {
        "transaction_status": "expire",
        "transaction_id": "b1d0e0c4-expire",
        "status_code": "202",
        "signature_key": signature(
            order_id=payment.gateway_order_id,
            status_code="202",
            gross_amount=amount,
            server_key=payments.provider_get("dev").server_key,
        ),
        "order_id": payment.gateway_order_id,
        "gross_amount": amount,
        "fraud_status": "accept",
        "currency": "IDR",
    }


def cancellations(order) -> list[tuple[int, str, str, str]]:
    return list(
        Notification.objects.filter(kind="order_cancelled").values_list("user_id", "title", "body", "url")
    )


def told_the_buyer(order) -> list[tuple[int, str, str, str]]:
    return [
        (
            order.buyer_id,
            f"Pesanan {order.number} dibatalkan",
            TOLD_ID,
            reverse("order_detail", args=[order.number]),
        )
    ]


def test_the_gateways_expire_notice_tells_the_buyer_in_their_language(client):
    order = unpaid_order()
    payment = payment_start(checkout=order.checkout)

    response = client.post(
        reverse("payment_notification"),
        data=json.dumps(expire_notice(payment)),
        content_type="application/json",
    )

    assert response.json()["reason"] == "expired"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert cancellations(order) == told_the_buyer(order)
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.kind, event.params, event.actor) == (OrderEventKind.PAYMENT_EXPIRED, {}, None)


def test_the_expiry_job_tells_the_buyer_too():
    order = unpaid_order()
    Order.objects.filter(pk=order.pk).update(payment_due_at=timezone.now() - timedelta(minutes=1))

    assert tasks.expire_unpaid_orders() == 1

    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert cancellations(order) == told_the_buyer(order)
    assert OrderEvent.objects.filter(order=order).last().kind == OrderEventKind.PAYMENT_EXPIRED


def test_the_order_page_says_why_in_indonesian(client):
    order = unpaid_order()
    Order.objects.filter(pk=order.pk).update(payment_due_at=timezone.now() - timedelta(minutes=1))
    tasks.expire_unpaid_orders()
    client.force_login(order.buyer)

    page = client.get(reverse("order_detail", args=[order.number])).content.decode()

    assert page.count(EXPIRED_ID) == 2  # the banner and the timeline
    assert "Payment window expired" not in page


def test_a_reason_a_person_typed_shows_as_typed(client):
    order = unpaid_order()
    client.force_login(order.buyer)
    client.post(reverse("order_cancel", args=[order.number]), {"reason": "Salah pilih warna"})

    page = client.get(reverse("order_detail", args=[order.number])).content.decode()

    assert "Dibatalkan: Salah pilih warna" in page


def test_the_admin_timeline_reads_in_the_readers_language(client, staff_user):
    order = unpaid_order()
    Order.objects.filter(pk=order.pk).update(payment_due_at=timezone.now() - timedelta(minutes=1))
    tasks.expire_unpaid_orders()
    client.force_login(staff_user)

    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert EXPIRED_ID in page
    assert "Payment window expired" not in page
    with translation.override("en"):
        assert OrderEvent.objects.filter(order=order).last().message == "Payment window expired"


# --- The data migration reads old rows into their kind ------------------------------------------

migration = importlib.import_module("orders.migrations.0004_order_event_kind_params")


def old(from_status, to_status, note=""):
    return SimpleNamespace(from_status=from_status, to_status=to_status, note=note)


@pytest.mark.parametrize(
    ("event", "shipment", "expected"),
    [
        (old("", "awaiting_payment"), None, ("placed", {})),
        (old("awaiting_payment", "cancelled", "Payment window expired"), None, ("payment_expired", {})),
        (old("to_ship", "cancelled", "Stok habis"), None, ("cancelled", {"note": "Stok habis"})),
        (old("awaiting_payment", "cancelled"), None, ("cancelled", {})),
        (old("awaiting_payment", "to_ship", "Paid via Midtrans"), None, ("paid", {"gateway": "Midtrans"})),
        (
            old("to_ship", "shipped", "J&T Express JP123"),
            SimpleNamespace(carrier="J&T Express", tracking_number="JP123"),
            ("shipped", {"carrier": "J&T Express", "tracking_number": "JP123"}),
        ),
        (old("shipped", "delivered", "Diterima"), None, ("delivered", {"note": "Diterima"})),
        (
            old("delivered", "completed", "Completed automatically after delivery"),
            None,
            ("auto_completed", {}),
        ),
        (old("delivered", "completed"), None, ("completed", {})),
        (old("delivered", "return_requested", "Rusak"), None, ("return_requested", {"note": "Rusak"})),
        (
            old("return_requested", "returned", migration.AUTO_APPROVE_NOTE),
            None,
            ("return_auto_approved", {}),
        ),
        (old("return_requested", "returned"), None, ("return_approved", {})),
        (
            old("return_requested", "completed", "Foto tidak jelas"),
            None,
            ("return_rejected", {"note": "Foto tidak jelas"}),
        ),
    ],
)
def test_old_events_get_their_kind(event, shipment, expected):
    assert migration.kind_and_params(event, shipment) == expected
