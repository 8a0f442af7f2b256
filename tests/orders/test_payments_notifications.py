"""Gateway notifications: only signed ones count, each counts once, amounts must match, and a
paid checkout never goes back. Signed with the dev gateway's key (the active gateway here)."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.models import Notification
from orders import payments
from orders.enums import OrderEventKind, OrderStatus, PaymentMethod, PaymentStatus
from orders.lifecycle import PAYMENT_EXPIRED_REASON, orders_expire_unpaid
from orders.models import Order, OrderEvent, Payment, PaymentNotification, Voucher, VoucherRedemption
from orders.payments.midtrans import signature
from orders.payments.services import payment_start
from shops.models import ProductVariant
from tests.kit.buying import place
from tests.kit.concurrency import run_at_once
from tests.kit.factories import ShopFactory, UserFactory, VoucherFactory, make_variant


@pytest.fixture(autouse=True)
def _dev_gateway(settings):
    # The dev gateway runs only with DEBUG on; tests run with it off.
    settings.PAYMENT_GATEWAY = "dev"
    settings.DEBUG = True


def started(*, shops: int = 1, stock: int = 10, quantity: int = 2, **place_kwargs):
    """A bank-transfer checkout (one order per shop), its payment started: (checkout, payment, variants)."""
    buyer = UserFactory(email="buyer@example.com")
    variants = [make_variant(shop=ShopFactory(), price=50_000, stock=stock) for _ in range(shops)]
    checkout = place(
        buyer,
        [(variant, quantity) for variant in variants],
        payment_method=PaymentMethod.BANK_TRANSFER,
        **place_kwargs,
    )
    return checkout, payment_start(checkout=checkout), variants


def notification(
    payment,
    transaction_status="settlement",
    *,
    status_code="200",
    gross_amount=None,
    currency="IDR",
    transaction_id="9aed5972-5b6a-401e-894b-a32c91ed1a3a",
    server_key=None,
    fraud_status="accept",
) -> dict:
    gross_amount = gross_amount or f"{payment.amount}.00"
    return {
        "transaction_time": "2025-06-01 10:00:00",
        "transaction_status": transaction_status,
        "transaction_id": transaction_id,
        "status_message": "midtrans payment notification",
        "status_code": status_code,
        "signature_key": signature(
            order_id=payment.gateway_order_id,
            status_code=status_code,
            gross_amount=gross_amount,
            server_key=server_key or payments.provider_get("dev").server_key,
        ),
        "payment_type": "bank_transfer",
        "order_id": payment.gateway_order_id,
        "gross_amount": gross_amount,
        "fraud_status": fraud_status,
        "currency": currency,
    }


def deliver(client, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(reverse("payment_notification"), data=raw, content_type="application/json")


def statuses(checkout) -> list[str]:
    return list(checkout.orders.order_by("id").values_list("status", flat=True))


def paid_notifications():
    return Notification.objects.filter(kind="order_paid")


def assert_nothing_written(checkout, payment, notifications_before: int) -> None:
    assert statuses(checkout) == [OrderStatus.AWAITING_PAYMENT]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert PaymentNotification.objects.count() == 0
    assert Notification.objects.count() == notifications_before
    assert OrderEvent.objects.filter(to_status=OrderStatus.TO_SHIP).count() == 0


# --- Refused: nothing written ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_forged_signature_is_refused_and_writes_nothing(client):
    checkout, payment, _ = started()
    before = Notification.objects.count()
    forged = notification(payment)
    forged["signature_key"] = "0" * 128

    response = deliver(client, forged)

    assert (response.status_code, response.json()["reason"]) == (403, "invalid signature")
    assert_nothing_written(checkout, payment, before)


@pytest.mark.django_db
def test_a_notification_signed_with_another_key_is_refused(client):
    checkout, payment, _ = started()
    before = Notification.objects.count()

    response = deliver(client, notification(payment, server_key="SB-Mid-server-someone-else"))

    assert response.status_code == 403
    assert_nothing_written(checkout, payment, before)


@pytest.mark.django_db
def test_a_missing_signature_is_refused_and_writes_nothing(client):
    checkout, payment, _ = started()
    before = Notification.objects.count()
    unsigned = notification(payment)
    del unsigned["signature_key"]

    response = deliver(client, unsigned)

    assert (response.status_code, response.json()["reason"]) == (403, "signature_key missing")
    assert_nothing_written(checkout, payment, before)


@pytest.mark.django_db
def test_a_signed_change_of_the_amount_breaks_the_signature(client):
    checkout, payment, _ = started()
    before = Notification.objects.count()
    tampered = notification(payment)
    tampered["gross_amount"] = "1.00"

    assert deliver(client, tampered).status_code == 403
    assert_nothing_written(checkout, payment, before)


@pytest.mark.django_db
def test_a_signed_notification_for_an_unknown_order_id_is_404(client):
    checkout, payment, _ = started()
    before = Notification.objects.count()
    payment.gateway_order_id = "LPK-999999-1"

    response = deliver(client, notification(payment))

    assert (response.status_code, response.json()["reason"]) == (404, "unknown order_id")
    assert_nothing_written(checkout, Payment.objects.get(), before)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "body is not JSON"),
        (b"\xff\xfe\x00", "body is not JSON"),
        (b"[1, 2, 3]", "expected a JSON object"),
        (b'"settlement"', "expected a JSON object"),
        (b"", "body is not JSON"),
        (json.dumps({"signature_key": "x", "order_id": 5}).encode(), "order_id missing or invalid"),
    ],
)
def test_garbage_is_a_400_not_a_500(client, body, reason):
    response = deliver(client, body)

    assert (response.status_code, response.json()["reason"]) == (400, reason)
    assert PaymentNotification.objects.count() == 0


@pytest.mark.django_db
def test_a_huge_body_is_refused_unread(client):
    response = deliver(client, b'{"pad": "' + b"x" * 100_000 + b'"}')

    assert (response.status_code, response.json()["reason"]) == (413, "body too large")
    assert PaymentNotification.objects.count() == 0


@pytest.mark.django_db
def test_only_post_is_accepted(client):
    assert client.get(reverse("payment_notification")).status_code == 405


# --- Settlement --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_settlement_pays_every_order_of_the_checkout(client):
    checkout, payment, _ = started(shops=2)

    response = deliver(client, notification(payment))

    assert (response.status_code, response.json()) == (200, {"status": "ok", "reason": "paid"})
    assert statuses(checkout) == [OrderStatus.TO_SHIP, OrderStatus.TO_SHIP]
    payment.refresh_from_db()
    assert (payment.status, payment.gateway_transaction_id) == (
        PaymentStatus.PAID,
        "9aed5972-5b6a-401e-894b-a32c91ed1a3a",
    )
    assert payment.paid_at is not None
    events = OrderEvent.objects.filter(to_status=OrderStatus.TO_SHIP)
    assert [(e.from_status, e.actor, e.kind, e.params) for e in events] == [
        (OrderStatus.AWAITING_PAYMENT, None, OrderEventKind.PAID, {"gateway": "Dev gateway"})
    ] * 2
    with translation.override("en"):
        assert events[0].message == "Paid via Dev gateway"
    (paid,) = paid_notifications()
    assert (paid.user_id, paid.url) == (checkout.buyer_id, reverse("order_list"))
    assert (
        PaymentNotification.objects.get().event_key
        == "9aed5972-5b6a-401e-894b-a32c91ed1a3a:settlement:accept"
    )


@pytest.mark.django_db
def test_a_capture_accepted_by_fraud_screening_pays(client):
    checkout, payment, _ = started()

    response = deliver(client, notification(payment, "capture"))

    assert response.json()["reason"] == "paid"
    assert statuses(checkout) == [OrderStatus.TO_SHIP]
    assert paid_notifications().get().url == reverse("order_detail", args=[checkout.orders.get().number])


@pytest.mark.django_db
def test_pending_changes_nothing_but_is_recorded(client):
    checkout, payment, _ = started()

    response = deliver(client, notification(payment, "pending", status_code="201"))

    assert response.json()["reason"] == "ignored"
    assert statuses(checkout) == [OrderStatus.AWAITING_PAYMENT]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert PaymentNotification.objects.get().transaction_status == "pending"


@pytest.mark.django_db
def test_the_same_notification_five_times_pays_once(client):
    checkout, payment, _ = started(shops=2)
    body = notification(payment)

    answers = [deliver(client, body).json()["reason"] for _ in range(5)]

    assert answers == ["paid", "duplicate", "duplicate", "duplicate", "duplicate"]
    assert statuses(checkout) == [OrderStatus.TO_SHIP, OrderStatus.TO_SHIP]
    assert PaymentNotification.objects.filter(event_key__endswith=":settlement:accept").count() == 1
    assert OrderEvent.objects.filter(to_status=OrderStatus.TO_SHIP).count() == 2
    assert paid_notifications().filter(user_id=checkout.buyer_id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_notification_five_times_at_once_pays_once():
    checkout, payment, _ = started(shops=2)
    raw = json.dumps(notification(payment)).encode()

    with mock.patch("marketplace.tasks.send_notification_email.delay") as send_email:
        results = run_at_once(
            5,
            lambda _: Client().post(
                reverse("payment_notification"), data=raw, content_type="application/json"
            ),
        )

    assert [r.status_code for r in results] == [200] * 5
    assert sorted(r.json()["reason"] for r in results) == ["duplicate"] * 4 + ["paid"]
    assert statuses(checkout) == [OrderStatus.TO_SHIP, OrderStatus.TO_SHIP]
    assert PaymentNotification.objects.count() == 1
    assert OrderEvent.objects.filter(to_status=OrderStatus.TO_SHIP).count() == 2
    paid = paid_notifications().get(user_id=checkout.buyer_id)
    send_email.assert_called_once_with(paid.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("late", ["deny", "cancel", "failure", "expire"])
def test_a_failure_after_success_never_downgrades(client, late):
    checkout, payment, _ = started()
    deliver(client, notification(payment))

    response = deliver(client, notification(payment, late, status_code="202"))

    assert (response.status_code, response.json()["reason"]) == (200, "ignored")
    assert statuses(checkout) == [OrderStatus.TO_SHIP]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    assert PaymentNotification.objects.count() == 2


# --- Amount and currency ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("gross_amount", ["1000.00", "100000.50", "1e5", "NaN", "lots"])
def test_a_signed_amount_mismatch_is_recorded_but_not_paid(client, gross_amount):
    checkout, payment, _ = started()
    assert payment.amount == checkout.grand_total

    response = deliver(client, notification(payment, gross_amount=gross_amount))

    assert (response.status_code, response.json()["reason"]) == (200, "amount_mismatch")
    assert statuses(checkout) == [OrderStatus.AWAITING_PAYMENT]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert PaymentNotification.objects.get().is_signature_valid is True
    assert paid_notifications().count() == 0


@pytest.mark.django_db
def test_the_amount_may_come_without_decimals(client):
    checkout, payment, _ = started()

    assert deliver(client, notification(payment, gross_amount=str(payment.amount))).json()["reason"] == "paid"


@pytest.mark.django_db
@pytest.mark.parametrize("currency", ["USD", "", None])
def test_a_currency_mismatch_is_not_paid(client, currency):
    checkout, payment, _ = started()
    body = notification(payment, currency=currency)
    if currency is None:
        del body["currency"]

    response = deliver(client, body)

    assert response.json()["reason"] == "amount_mismatch"
    assert statuses(checkout) == [OrderStatus.AWAITING_PAYMENT]
    assert paid_notifications().count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "wrong",
    [{"gross_amount": "1000.00"}, {"currency": "USD"}],
    ids=["amount", "currency"],
)
def test_a_wrong_amount_does_not_block_the_right_one_with_the_same_key(client, wrong):
    checkout, payment, _ = started()

    first = deliver(client, notification(payment, **wrong))
    second = deliver(client, notification(payment))

    assert (first.json()["reason"], second.json()["reason"]) == ("amount_mismatch", "paid")
    assert statuses(checkout) == [OrderStatus.TO_SHIP]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    assert list(PaymentNotification.objects.order_by("id").values_list("event_key", "rejection")) == [
        ("9aed5972-5b6a-401e-894b-a32c91ed1a3a:settlement:accept", "amount_mismatch"),
        ("9aed5972-5b6a-401e-894b-a32c91ed1a3a:settlement:accept", ""),
    ]
    assert paid_notifications().count() == 1


# --- Status codes (Midtrans: 200 capture/settlement, 201 pending, 202 deny/cancel/expire) ----------


@pytest.mark.django_db
@pytest.mark.parametrize("transaction_status", ["settlement", "capture"])
@pytest.mark.parametrize("status_code", ["201", "202", "407"])
def test_a_payment_without_status_code_200_is_not_paid(client, transaction_status, status_code):
    checkout, payment, _ = started()

    response = deliver(client, notification(payment, transaction_status, status_code=status_code))

    assert (response.status_code, response.json()["reason"]) == (200, "status_code_mismatch")
    assert statuses(checkout) == [OrderStatus.AWAITING_PAYMENT]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert PaymentNotification.objects.get().rejection == "status_code_mismatch"
    assert paid_notifications().count() == 0
    # Recorded aside: the genuine notification of the same transaction still counts.
    assert deliver(client, notification(payment, transaction_status)).json()["reason"] == "paid"
    assert statuses(checkout) == [OrderStatus.TO_SHIP]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("transaction_status", "status_code"),
    [("expire", "200"), ("expire", "407"), ("deny", "200"), ("cancel", "201"), ("pending", "200")],
)
def test_a_status_with_a_status_code_midtrans_never_sends_changes_nothing(
    client, transaction_status, status_code
):
    checkout, payment, (variant,) = started()

    response = deliver(client, notification(payment, transaction_status, status_code=status_code))

    assert response.json()["reason"] == "status_code_mismatch"
    assert statuses(checkout) == [OrderStatus.AWAITING_PAYMENT]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8
    assert PaymentNotification.objects.get().rejection == "status_code_mismatch"


@pytest.mark.django_db
@pytest.mark.parametrize("status_code", ["200", "202"])
def test_a_cancel_fails_the_payment_with_either_documented_status_code(client, status_code):
    checkout, payment, _ = started()

    assert (
        deliver(client, notification(payment, "cancel", status_code=status_code)).json()["reason"] == "failed"
    )
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.FAILED


@pytest.mark.django_db
def test_a_capture_challenged_by_fraud_screening_then_accepted_pays(client):
    checkout, payment, _ = started()

    challenged = deliver(client, notification(payment, "capture", fraud_status="challenge"))
    accepted = deliver(client, notification(payment, "capture"))

    assert (challenged.json()["reason"], accepted.json()["reason"]) == ("ignored", "paid")
    assert statuses(checkout) == [OrderStatus.TO_SHIP]
    assert paid_notifications().count() == 1


@pytest.mark.django_db
def test_a_notification_for_another_providers_payment_is_404(client):
    checkout, payment, _ = started()
    Payment.objects.filter(pk=payment.pk).update(provider="midtrans")
    before = Notification.objects.count()

    response = deliver(client, notification(payment))

    assert (response.status_code, response.json()["reason"]) == (404, "unknown order_id")
    assert_nothing_written(checkout, payment, before)


# --- Failure and expiry ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["deny", "cancel", "failure"])
def test_a_failure_marks_the_payment_failed_and_the_buyer_may_retry(client, status):
    checkout, payment, _ = started()

    response = deliver(client, notification(payment, status, status_code="202"))

    assert response.json()["reason"] == "failed"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.FAILED
    assert statuses(checkout) == [OrderStatus.AWAITING_PAYMENT]

    retry = payment_start(checkout=checkout)
    assert retry.gateway_order_id.startswith(f"LPK-{checkout.pk}-2-")
    assert retry.amount == checkout.grand_total
    deliver(client, notification(retry, transaction_id="second-try"))
    assert statuses(checkout) == [OrderStatus.TO_SHIP]


@pytest.mark.django_db
def test_expire_cancels_the_orders_and_releases_stock_and_voucher(client):
    VoucherFactory(code="MURAH", value=5_000)
    checkout, payment, (variant,) = started(stock=10, quantity=2, platform_voucher_code="MURAH")
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8
    assert Voucher.objects.get().used_count == 1

    response = deliver(client, notification(payment, "expire", status_code="202"))

    assert response.json()["reason"] == "expired"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.EXPIRED
    order = checkout.orders.get()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, PAYMENT_EXPIRED_REASON)
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    assert Voucher.objects.get().used_count == 0
    assert VoucherRedemption.objects.get().released_at is not None


@pytest.mark.django_db
def test_a_settlement_after_expiry_does_not_resurrect_the_checkout(client):
    checkout, payment, (variant,) = started()
    deliver(client, notification(payment, "expire", status_code="202"))

    response = deliver(client, notification(payment))

    assert response.json()["reason"] == "ignored"
    assert statuses(checkout) == [OrderStatus.CANCELLED]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.EXPIRED
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    assert PaymentNotification.objects.count() == 2  # recorded, for a refund to pick up


@pytest.mark.django_db
def test_the_expiry_job_expires_the_pending_payment_and_a_late_settlement_is_ignored(client):
    checkout, payment, _ = started()
    checkout.orders.update(payment_due_at=timezone.now() - timedelta(minutes=1))

    assert orders_expire_unpaid() == 1

    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.EXPIRED
    assert deliver(client, notification(payment)).json()["reason"] == "ignored"
    assert statuses(checkout) == [OrderStatus.CANCELLED]
    assert paid_notifications().count() == 0


@pytest.mark.django_db
def test_a_settlement_for_orders_the_buyer_cancelled_is_ignored(client):
    checkout, payment, _ = started()
    order = checkout.orders.get()
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)

    assert deliver(client, notification(payment)).json()["reason"] == "ignored"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert paid_notifications().count() == 0
