"""A buyer's orders ("Pesanan saya") and voucher wallet.

Thin views: reads come from orders.selectors and orders.vouchers.selectors, status changes from
orders.lifecycle, which check ORDER_TRANSITIONS; a refused change becomes a message, not an error.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.images import sanitize_image
from marketplace.parsing import parse_next_url
from marketplace.transitions import TransitionNotAllowed
from orders import lifecycle, returns, reviews, selectors
from orders.enums import OrderStatus
from orders.models import Order, Voucher
from orders.vouchers import selectors as wallet
from orders.vouchers import services as voucher_services

ORDERS_PER_PAGE = 10

# The status tabs of "My orders": (slug, label, statuses); an empty tuple means every status.
ORDER_TABS = [
    ("semua", gettext_lazy("All"), ()),
    ("belum-bayar", gettext_lazy("To pay"), (OrderStatus.AWAITING_PAYMENT,)),
    ("dikemas", gettext_lazy("Packing"), (OrderStatus.TO_SHIP,)),
    ("dikirim", gettext_lazy("Shipped"), (OrderStatus.SHIPPED,)),
    ("selesai", gettext_lazy("Completed"), (OrderStatus.DELIVERED, OrderStatus.COMPLETED)),
    ("dibatalkan", gettext_lazy("Cancelled"), (OrderStatus.CANCELLED,)),
    ("pengembalian", gettext_lazy("Returns"), (OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED)),
]


class BuyerCancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (optional)"), required=False, max_length=500)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReturnPhotosField(forms.FileField):
    """Up to MAX_RETURN_PHOTOS images, each validated and re-encoded like product images
    (marketplace.images.sanitize_image); cleans to the list of re-encoded copies."""

    def clean(self, data, initial=None):
        files = [file for file in (data if isinstance(data, list | tuple) else [data]) if file]
        if len(files) > returns.MAX_RETURN_PHOTOS:
            raise forms.ValidationError(
                gettext_lazy("Attach at most %(count)d photos."), params={"count": returns.MAX_RETURN_PHOTOS}
            )
        return [sanitize_image(file) for file in files]


class ReturnRequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are you returning it?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = ReturnPhotosField(
        label=gettext_lazy("Photos (up to 3)"),
        required=False,
        widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


def _order_or_404(request, number: str) -> Order:
    # Another buyer's order number is "not found", never "forbidden": numbers reveal nothing.
    try:
        return selectors.order_get_for_buyer(buyer=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404(_("Order not found.")) from None


@login_required
def order_list(request):
    tabs = {slug: (label, statuses) for slug, label, statuses in ORDER_TABS}
    current = request.GET.get("tab", "semua")
    if current not in tabs:
        current = "semua"
    orders = selectors.order_list_for_buyer(buyer=request.user)
    statuses = tabs[current][1]
    if statuses:
        orders = orders.filter(status__in=statuses)
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "tabs": [(slug, label) for slug, label, _statuses in ORDER_TABS],
        "current_tab": current,
        "page": page,
    }
    return render(request, "orders/buyer/order_list.html", context)


@login_required
def order_detail(request, number):
    order = _order_or_404(request, number)
    return render(request, "orders/buyer/order_detail.html", _detail_context(order))


# Statuses in which an order may have a return request (the others skip the query).
AFTER_DELIVERY = {
    OrderStatus.DELIVERED,
    OrderStatus.RETURN_REQUESTED,
    OrderStatus.RETURNED,
    OrderStatus.COMPLETED,
}


def _detail_context(order: Order, *, return_form: "ReturnRequestForm | None" = None) -> dict:
    # getattr: a reverse one-to-one raises when there is no shipment (or return) yet.
    shipment = getattr(order, "shipment", None)
    return_request = getattr(order, "return_request", None) if order.status in AFTER_DELIVERY else None
    deadline = None
    if (
        order.status == OrderStatus.DELIVERED
        and return_request is None
        and shipment
        and shipment.delivered_at
    ):
        deadline = returns.return_deadline(shipment.delivered_at)
        if timezone.now() > deadline:
            deadline = None
    events = list(order.events.all())
    return {
        "order": order,
        "shipment": shipment,
        "events": events,
        # The cancellation's event says why (a reason typed, or the payment window closed).
        "cancellation": next((e for e in reversed(events) if e.to_status == OrderStatus.CANCELLED), None),
        # Newest scan first, as couriers show them.
        "tracking_events": list(shipment.tracking_events.order_by("-occurred_at", "-id")) if shipment else [],
        "can_cancel": order.can_move_to(OrderStatus.CANCELLED),
        "can_confirm": order.status == OrderStatus.DELIVERED,
        "cancel_form": BuyerCancelForm(),
        "return_request": return_request,
        "return_photos": list(return_request.photos.all()) if return_request else [],
        "return_deadline": deadline,
        "return_form": (return_form or ReturnRequestForm()) if deadline else None,
        # --- Reviews (orders/reviews.py): "Write a review" / "Reviewed" per item, once delivered;
        # only then one query more, so orders before delivery cost what they did. ---
        "can_review": order.status in reviews.REVIEWABLE_STATUSES,
        "reviewed_item_ids": (
            reviews.reviewed_item_ids(items=order.items.all())
            if order.status in reviews.REVIEWABLE_STATUSES
            else set()
        ),
        # --- end reviews ---
    }


def _login_then_order(request, number):
    # After login, back to the order page: the POST itself needs a fresh click and CSRF token.
    return redirect_to_login(reverse("order_detail", args=[number]))


@require_POST
def order_cancel_view(request, number):
    if not request.user.is_authenticated:
        return _login_then_order(request, number)
    order = _order_or_404(request, number)
    form = BuyerCancelForm(request.POST)
    reason = form.cleaned_data["reason"].strip() if form.is_valid() else ""
    try:
        # A buyer may cancel without a reason (the service requires one from sellers only).
        lifecycle.order_cancel(order=order, actor=request.user, reason=reason)
    except TransitionNotAllowed:
        messages.error(request, _("This order can no longer be cancelled."))
    else:
        messages.success(request, _("Order %(number)s is cancelled.") % {"number": order.number})
    return redirect("order_detail", number=order.number)


@require_POST
def order_confirm_received_view(request, number):
    if not request.user.is_authenticated:
        return _login_then_order(request, number)
    order = _order_or_404(request, number)
    try:
        lifecycle.order_confirm_received(order=order, actor=request.user)
    except TransitionNotAllowed:
        messages.error(request, _("This order cannot be confirmed as received now."))
    else:
        messages.success(request, _("Thank you! Order %(number)s is completed.") % {"number": order.number})
    return redirect("order_detail", number=order.number)


@require_POST
def order_return_request_view(request, number):
    if not request.user.is_authenticated:
        return _login_then_order(request, number)
    order = _order_or_404(request, number)
    form = ReturnRequestForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            returns.return_request_create(
                order=order,
                buyer=request.user,
                reason=form.cleaned_data["reason"],
                photos=form.cleaned_data["photos"],
            )
        except returns.ReturnNotAllowed as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("Your return request is sent. The seller has %(hours)d hours to respond.")
                % {"hours": settings.RETURN_RESPONSE_HOURS},
            )
        return redirect("order_detail", number=order.number)
    # The page again with the form's errors (the photos have to be picked again).
    context = _detail_context(order, return_form=form)
    if context["return_form"] is None:
        messages.error(request, _("A return can no longer be requested for this order."))
        return redirect("order_detail", number=order.number)
    return render(request, "orders/buyer/order_detail.html", context, status=400)


# --- Voucher wallet ---------------------------------------------------------------------------


@login_required
def voucher_wallet(request):
    held = list(wallet.voucher_list_in_wallet(user=request.user))
    platform = [v for v in wallet.voucher_list_claimable(user=request.user, shop=None) if not v.is_claimed]
    return render(request, "orders/buyer/voucher_wallet.html", {"held": held, "platform": platform})


@require_POST
def voucher_claim(request, voucher_id):
    next_url = parse_next_url(request.POST.get("next"), request=request) or reverse("voucher_wallet")
    if not request.user.is_authenticated:
        # Back where the Klaim button was; the claim itself needs a fresh POST with its token.
        return redirect_to_login(next_url)
    try:
        voucher = wallet.voucher_get_claimable(voucher_id=voucher_id)
    except Voucher.DoesNotExist:
        messages.error(request, _("This voucher can no longer be claimed."))
        return redirect(next_url)
    if voucher_services.voucher_claim(user=request.user, voucher=voucher):
        messages.success(request, _("Voucher %(code)s saved to your wallet.") % {"code": voucher.code})
    else:
        messages.info(request, _("You already have voucher %(code)s.") % {"code": voucher.code})
    return redirect(next_url)
