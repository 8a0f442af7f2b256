"""Every refusal a user of orders reads is a marketplace Refusal with a stable code, so the
interfaces (views, admin, the live room) catch one type."""

import pytest

from marketplace.errors import Refusal
from orders.cart import CartError
from orders.checkout import CheckoutError
from orders.lifecycle import CancelReasonRequired, ShipmentInvalid
from orders.payments.services import NotificationRejected, PaymentError
from orders.returns import ReturnNotAllowed
from orders.reviews import ReviewRefused


@pytest.mark.parametrize(
    ("refusal", "code"),
    [
        (CartError("Habis."), "cart_refused"),
        (CheckoutError("Habis.", code="sold_out"), "sold_out"),
        (PaymentError("Tutup.", code="payment_window_closed"), "payment_window_closed"),
        (ReturnNotAllowed("Lewat.", code="window_closed"), "window_closed"),
        (ReviewRefused("Sekali.", code="already_reviewed"), "already_reviewed"),
        (ShipmentInvalid("Resi dipakai."), "shipment_invalid"),
        (CancelReasonRequired(), "cancel_reason_required"),
    ],
)
def test_each_is_a_refusal_with_its_code_and_message(refusal, code):
    assert isinstance(refusal, Refusal)
    assert refusal.code == code
    assert str(refusal) == refusal.message != ""


def test_a_rejected_gateway_notification_is_not_a_users_refusal():
    # The gateway reads it as an HTTP status; no person is shown it.
    assert not issubclass(NotificationRejected, Refusal)
