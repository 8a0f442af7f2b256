"""A buyer's orders ("Pesanan saya") and voucher wallet.

Thin views: reads come from orders.selectors and orders.wallet, status changes from
orders.services, which check ORDER_TRANSITIONS; a refused change becomes a message, not an error.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orders import selectors, services, wallet
from orders.enums import OrderStatus
from orders.models import Order, Voucher
from orders.services import OrderTransitionNotAllowed

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
    context = {
        "order": order,
        # getattr: a reverse one-to-one raises when there is no shipment yet.
        "shipment": getattr(order, "shipment", None),
        "events": list(order.events.all()),
        "can_cancel": order.can_move_to(OrderStatus.CANCELLED),
        "can_confirm": order.status == OrderStatus.DELIVERED,
        "cancel_form": BuyerCancelForm(),
    }
    return render(request, "orders/buyer/order_detail.html", context)


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
        services.order_cancel(order=order, actor=request.user, reason=reason)
    except OrderTransitionNotAllowed:
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
        services.order_confirm_received(order=order, actor=request.user)
    except OrderTransitionNotAllowed:
        messages.error(request, _("This order cannot be confirmed as received now."))
    else:
        messages.success(request, _("Thank you! Order %(number)s is completed.") % {"number": order.number})
    return redirect("order_detail", number=order.number)


# --- Voucher wallet ---------------------------------------------------------------------------


@login_required
def voucher_wallet(request):
    held = list(wallet.voucher_list_in_wallet(user=request.user))
    platform = [v for v in wallet.voucher_list_claimable(user=request.user, shop=None) if not v.is_claimed]
    return render(request, "orders/buyer/voucher_wallet.html", {"held": held, "platform": platform})


@require_POST
def voucher_claim(request, voucher_id):
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("voucher_wallet")
    if not request.user.is_authenticated:
        # Back where the Klaim button was; the claim itself needs a fresh POST with its token.
        return redirect_to_login(next_url)
    try:
        voucher = wallet.voucher_get_claimable(voucher_id=voucher_id)
    except Voucher.DoesNotExist:
        messages.error(request, _("This voucher can no longer be claimed."))
        return redirect(next_url)
    if services.voucher_claim(user=request.user, voucher=voucher):
        messages.success(request, _("Voucher %(code)s saved to your wallet.") % {"code": voucher.code})
    else:
        messages.info(request, _("You already have voucher %(code)s.") % {"code": voucher.code})
    return redirect(next_url)
