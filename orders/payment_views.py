"""Paying for a checkout: the buyer's "pay now", the gateway's notifications, the dev simulator.

Thin: parse, call orders.payments.services.payment_start / payment_handle_notification, answer.
"""

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.parsing import MAX_ID, parse_int, parse_json
from orders import payments
from orders.enums import PaymentStatus
from orders.models import Checkout, Payment
from orders.payments.dev_gateway import OUTCOMES
from orders.payments.services import (
    NotificationRejected,
    PaymentError,
    payment_handle_notification,
    payment_start,
)
from orders.selectors import checkout_get_for_buyer, payment_get_for_buyer

logger = logging.getLogger(__name__)

# A Midtrans notification is about 1 KB; anything much larger is not one.
NOTIFICATION_MAX_BYTES = 16 * 1024
# It is flat but for a few lists of objects (va_numbers, payment_amounts).
NOTIFICATION_MAX_DEPTH = 8


@login_required
@require_POST
def payment_start_view(request, checkout_id):
    try:
        checkout = checkout_get_for_buyer(buyer=request.user, checkout_id=checkout_id)
    except Checkout.DoesNotExist:
        raise Http404 from None
    try:
        payment = payment_start(checkout=checkout)
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("checkout_done", checkout_id=checkout.pk)
    return redirect(payment.redirect_url)


def notification_receive(raw: bytes) -> tuple[int, str]:
    """Handle one notification body exactly as received: (HTTP status, reason).

    The endpoint and the dev gateway both come through here, with the same JSON bytes.
    """
    if len(raw) > NOTIFICATION_MAX_BYTES:
        return 413, "body too large"
    try:
        payload = parse_json(raw, max_depth=NOTIFICATION_MAX_DEPTH)
    except ValueError:  # UnicodeDecodeError included
        return 400, "body is not JSON"
    try:
        outcome = payment_handle_notification(payload=payload)
    except NotificationRejected as rejected:
        logger.warning("Payment notification rejected (%s): %s", rejected.status, rejected.reason)
        return rejected.status, rejected.reason
    # Also 200 for "amount_mismatch" and "status_code_mismatch": the notification is genuine and
    # recorded; another answer would only make the gateway send it again, unchanged.
    return 200, outcome


@csrf_exempt  # server to server: the gateway has no CSRF token; the signature authenticates it.
@require_POST
def payment_notification(request):
    declared = parse_int(request.META.get("CONTENT_LENGTH") or "0", lo=0, hi=MAX_ID)
    if declared is None:
        return JsonResponse({"status": "rejected", "reason": "bad content length"}, status=400)
    if declared > NOTIFICATION_MAX_BYTES:
        return JsonResponse({"status": "rejected", "reason": "body too large"}, status=413)
    status, reason = notification_receive(request.read(NOTIFICATION_MAX_BYTES + 1))
    return JsonResponse({"status": "ok" if status == 200 else "rejected", "reason": reason}, status=status)


@require_http_methods(["GET", "POST"])
def dev_gateway(request, gateway_order_id):
    """The simulator's payment page; each button delivers a signed notification, then sends the
    buyer to their order. Only while it is active (DEBUG on), and only for the checkout's buyer:
    its buttons settle or cancel the orders, which a real gateway lets only the payer do."""
    if not payments.dev_gateway_is_active():
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        payment = payment_get_for_buyer(buyer=request.user, gateway_order_id=gateway_order_id, provider="dev")
    except Payment.DoesNotExist:
        # Someone else's payment answers as one that does not exist.
        raise Http404 from None
    if request.method == "GET":
        is_open = payment.status in (PaymentStatus.PENDING, PaymentStatus.FAILED)
        return render(request, "orders/payment/dev_gateway.html", {"payment": payment, "is_open": is_open})

    outcome = request.POST.get("outcome", "")
    if outcome not in OUTCOMES:
        return render(
            request, "orders/payment/dev_gateway.html", {"payment": payment, "is_open": True}, status=400
        )
    payload = payments.provider_get("dev").notification_build(payment=payment, outcome=outcome)
    # Delivered in-process through the endpoint's own handler, with the same JSON bytes the real
    # gateway would POST: no dependency on SITE_URL being reachable from the server itself.
    status, reason = notification_receive(json.dumps(payload).encode())
    if status != 200:
        logger.error("Dev gateway notification for %s refused: %s", gateway_order_id, reason)
    numbers = list(payment.checkout.orders.order_by("id").values_list("number", flat=True))
    if len(numbers) == 1:
        return redirect("order_detail", number=numbers[0])
    return redirect("checkout_done", checkout_id=payment.checkout_id)
