"""Buying one item from a live room: GET/POST /live/<id>/beli/ (`live_buy`).

The cart's checkout form (address, shipping, vouchers, payment, defects: orders.views'
checkout_choices_read and checkout_form_context, the orders/_checkout_*.html templates) for one
item, at its normal price, at a running flash deal's price (`?deal=`), or the one-off item the
buyer holds (their HOLDING ItemClaim). Placing goes through live.checkout.live_checkout_place,
which checks the deal, the hold and the stock again under its locks: what this page shows is
only ever a quote.

The page doubles as the room's "Buy" dialog. Asked with htmx (HX-Request) it answers its fragment
alone, whose root carries `data-live-buy`; the fragment's forms post back here and swap that root
in place, and a placed order answers a "done" fragment. Links that must leave the dialog (add an
address, pay) navigate the whole page.
"""

from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from live import deals, selectors, state
from live.checkout import live_checkout_place
from live.enums import FlashClaimStatus, ItemClaimStatus
from live.errors import ItemHeldByOther, ItemUnavailable, LiveError
from live.models import FlashDeal, FlashDealClaim, ItemClaim, LiveSession
from marketplace.parsing import parse_id, parse_int
from orders.checkout import CheckoutError
from orders.enums import OrderStatus
from orders.models import Checkout
from orders.selectors import Line, Quote, checkout_get_for_buyer, checkout_quote_build
from orders.views import checkout_choices_read, checkout_form_context
from shops.models import Product, ProductVariant
from shops.selectors import product_list_visible

# Quantities offered at the normal price (a live sells to people, not to resellers).
MAX_QUANTITY = 10


@dataclass
class LiveItem:
    """What the request asks to buy, as this live sells it now."""

    product: Product  # from product_list_visible: card_images loaded
    variant: ProductVariant | None = None  # None: the buyer chooses among `variants` first
    variants: list[ProductVariant] = field(default_factory=list)
    deal: FlashDeal | None = None  # the deal asked for, running or not
    deal_price: int | None = None  # set only while the deal runs with units left for this buyer
    hold: ItemClaim | None = None  # the buyer's hold on this one-off item
    notice: str = ""  # why the deal or the hold does not apply
    max_quantity: int = 1

    @property
    def image(self):
        return self.product.card_images[0] if self.product.card_images else None


def _in_dialog(request) -> bool:
    """The room opens this page in a <dialog> with hx-get; its forms say so when they post back."""
    if not request.htmx:
        return False
    return request.method == "GET" or request.POST.get("in_dialog") == "1"


def _visible_session(session_id: int) -> LiveSession:
    try:
        return selectors.session_get_visible(session_id=session_id)
    except LiveSession.DoesNotExist:
        raise Http404(_("This live session is not available.")) from None


def _id(data, name: str) -> int | None:
    raw = data.get(name, "").strip()
    if not raw:
        return None
    parsed = parse_id(raw)
    if parsed is None:
        raise ItemUnavailable(_("This item is not sold in this live."))
    return parsed


def _item_resolve(*, session: LiveSession, buyer, data) -> LiveItem:
    """The variant (or the product whose variant is to be chosen), the deal and the hold the
    request names. Priority: ?variant=, then the deal's variant or product, then ?product=,
    then the product pinned in the room. Raises ItemUnavailable."""
    variant_id, deal_id, product_id = _id(data, "variant"), _id(data, "deal"), _id(data, "product")
    deal = None
    if deal_id is not None:
        deal = FlashDeal.objects.filter(pk=deal_id, session=session).first()
        if deal is None:
            raise ItemUnavailable(_("This flash deal is not part of this live."))
        variant_id = variant_id or deal.variant_id
    variant = None
    if variant_id is not None:
        variant = ProductVariant.objects.filter(
            pk=variant_id, shop_id=session.shop_id, is_active=True
        ).first()
        if variant is None:
            raise ItemUnavailable(_("This item is not sold in this live."))
        if deal is not None and not deals.deal_covers(deal, variant):
            raise ItemUnavailable(_("Choose a variant of the deal's product."))
    product_id = (
        (variant.product_id if variant else None)
        or (deal.product_id if deal else None)
        or product_id
        or session.pinned_product_id
    )
    if product_id is None:
        raise ItemUnavailable(_("Choose an item in the live first."))
    product = product_list_visible(shop=session.shop).filter(pk=product_id).first()
    if product is None:
        raise ItemUnavailable(_("This item is not sold in this live."))
    item = LiveItem(product=product, variant=variant, deal=deal)
    if variant is None:
        item.variants = list(product.variants.filter(is_active=True, stock__gt=0).order_by("position", "id"))
        if not item.variants:
            raise ItemUnavailable(_("This item is sold out."))
        if len(item.variants) > 1:
            return item
        item.variant = item.variants[0]
    item.variant.product = product
    _hold_and_deal(item, session=session, buyer=buyer)
    return item


def _hold_and_deal(item: LiveItem, *, session: LiveSession, buyer) -> None:
    """Which price applies and how many the buyer may take (live.checkout decides it again)."""
    now = timezone.now()
    variant = item.variant
    holder = ItemClaim.objects.filter(variant=variant, status=ItemClaimStatus.HOLDING).first()
    if holder is not None and holder.buyer_id == buyer.pk:
        # The one-off item is theirs: one unit, at its normal price, until the hold's deadline.
        item.hold = holder
        if holder.hold_expires_at <= now or holder.session_id != session.pk:
            item.notice = _("Your hold on this item has lapsed.")
        return
    item.max_quantity = max(1, min(variant.stock, MAX_QUANTITY))
    if holder is not None:
        item.notice = str(ItemHeldByOther())
        return
    deal = item.deal
    if deal is None:
        return
    if not deals.deal_is_running(deal, now=now):
        item.notice = _("This flash deal has ended: the normal price applies.")
        return
    if deal.units_left <= 0:
        item.notice = _("This flash deal is sold out: the normal price applies.")
        return
    taken = (
        FlashDealClaim.objects.filter(
            deal=deal, buyer=buyer, status__in=[FlashClaimStatus.HELD, FlashClaimStatus.ORDERED]
        ).aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    left_for_buyer = deal.per_buyer_limit - taken
    if left_for_buyer <= 0:
        item.notice = _("You have taken the most this flash deal allows per buyer: the normal price applies.")
        return
    item.deal_price = deal.price
    item.max_quantity = max(
        1, min(left_for_buyer, deal.units_left, variant.stock, deals.FLASH_CLAIM_MAX_QUANTITY)
    )


def _quantity(data, item: LiveItem) -> tuple[int, str]:
    """(quantity, error): a bad number is refused with the range, and the page shows the nearest."""
    raw = data.get("quantity", "1").strip()
    if item.hold is not None:
        return 1, ""
    quantity = parse_int(raw, lo=1, hi=item.max_quantity)
    if quantity is not None:
        return quantity, ""
    # Digits, but too many: the most there is. Anything else: one.
    nearest = item.max_quantity if raw.isascii() and raw.isdecimal() and raw.strip("0") else 1
    return nearest, _("Choose a quantity from 1 to %(max)d.") % {"max": item.max_quantity}


def _quote(*, buyer, item: LiveItem, quantity: int, chosen) -> Quote:
    overrides = {item.variant.pk: item.deal_price} if item.deal_price is not None else None
    quote = checkout_quote_build(
        buyer=buyer,
        lines=[Line(variant_id=item.variant.pk, quantity=quantity)],
        address=chosen.address,
        choices=chosen.shops,
        platform_voucher_code=chosen.platform_voucher,
        unit_price_overrides=overrides,
    )
    if item.hold is not None and not item.notice:
        _count_the_held_unit(quote)
    return quote


def _count_the_held_unit(quote: Quote) -> None:
    """A hold keeps the item's unit off stock until the holder's checkout takes it over
    (live.claims), so the stock the quote read is one short: it is not sold out to its holder."""
    if any(problem.code == "unavailable" for problem in quote.blocking):
        return
    quote.blocking = [problem for problem in quote.blocking if problem.code != "sold_out"]
    for quote_item in quote.items:
        quote_item.available, quote_item.problem = True, ""


def _reason(refusal: Exception) -> str:
    if isinstance(refusal, CheckoutError):
        return refusal.message
    if isinstance(refusal, LiveError):
        return str(refusal)
    return _("This item is no longer available.")


def _render(request, template: str, context: dict, *, status: int = 200):
    """The fragment alone for htmx (status 200: htmx swaps only successful answers), else the
    full page around it."""
    if request.htmx:
        return render(request, template, context)
    return render(request, "live/buy.html", {**context, "fragment": template}, status=status)


def _base_context(request, session: LiveSession) -> dict:
    return {
        "session": session,
        "in_dialog": _in_dialog(request),
        "form_url": reverse("live_buy", args=[session.pk]),
        "room_url": session.get_absolute_url(),
    }


def _notice(request, session: LiveSession, message: str, *, kind: str, status: int = 200):
    context = {**_base_context(request, session), "message": message, "kind": kind}
    return _render(request, "live/_buy_notice.html", context, status=status)


def _placed(request, session: LiveSession, checkout: Checkout):
    """The full page goes to the order's page (payment instructions, the gateway); the dialog
    shows the order with links that open the full pages."""
    done_url = reverse("checkout_done", args=[checkout.pk])
    if not request.htmx:
        return redirect(done_url)
    if not _in_dialog(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = done_url
        return response
    placed = checkout_get_for_buyer(buyer=request.user, checkout_id=checkout.pk)
    orders = list(placed.orders.all())
    # One shop, so one order: its page (status, payment, tracking) is the one to open.
    orders_url = reverse("order_detail", args=[orders[0].number]) if len(orders) == 1 else done_url
    context = {
        **_base_context(request, session),
        "checkout": placed,
        "orders": orders,
        "orders_url": orders_url,
        "awaiting_payment": any(order.status == OrderStatus.AWAITING_PAYMENT for order in orders),
    }
    return render(request, "live/_buy_done.html", context)


def _to_login(request):
    """Back here after logging in. In the room's dialog, the whole page goes to the login."""
    response = redirect_to_login(request.get_full_path())
    if request.htmx:
        answer = HttpResponse(status=204)
        answer["HX-Redirect"] = response.url
        return answer
    return response


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def live_buy(request, session_id):
    session = _visible_session(session_id)
    if not request.user.is_authenticated:
        return _to_login(request)
    is_post = request.method == "POST"
    data = request.POST if is_post else request.GET
    is_placing = is_post and request.POST.get("action") == "place"
    key = request.POST.get("idempotency_key", "").strip() if is_placing else ""
    if key:
        # A second submit (double tap, a retry after a lost answer, even once the live is over):
        # what the first one placed.
        placed = Checkout.objects.filter(buyer=request.user, idempotency_key=key).first()
        if placed is not None:
            return _placed(request, session, placed)
    if not session.is_live:
        message = _("This live has not started yet.") if session.is_scheduled else _("This live has ended.")
        return _notice(request, session, message, kind="closed")

    try:
        item = _item_resolve(session=session, buyer=request.user, data=data)
    except ItemUnavailable as refusal:
        return _notice(request, session, str(refusal), kind="unavailable", status=404)
    context = {**_base_context(request, session), "item": item}
    if item.variant is None:
        return _render(request, "live/_buy_choose.html", context)

    chosen = checkout_choices_read(request, shop_ids={session.shop_id})
    form = chosen.form
    quantity, error = _quantity(data, item)
    if is_placing and not error:
        if form.is_valid():
            try:
                placed = live_checkout_place(
                    buyer=request.user,
                    session=session,
                    address_id=form.cleaned_data["address"],
                    payment_method=form.cleaned_data["payment_method"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    variant=item.variant,
                    deal=item.deal if item.hold is None else None,
                    claim=item.hold,
                    quantity=quantity,
                    shipping_option=chosen.shops[session.shop_id].shipping_option,
                    voucher_code=chosen.shops[session.shop_id].voucher_code,
                    platform_voucher_code=form.cleaned_data["platform_voucher"],
                    acknowledged_defects=chosen.acknowledged,
                )
            except (LiveError, CheckoutError, ObjectDoesNotExist) as refusal:
                error = _reason(refusal)
                # Shown again as it is now: a deal that just ended shows the normal price.
                try:
                    item = _item_resolve(session=session, buyer=request.user, data=data)
                except ItemUnavailable as gone:
                    return _notice(request, session, str(gone), kind="unavailable", status=404)
                context["item"] = item
                quantity = min(quantity, item.max_quantity)
            else:
                return _placed(request, session, placed)
        else:
            error = next(iter(form.errors.values()))[0]

    quote = _quote(buyer=request.user, item=item, quantity=quantity, chosen=chosen)
    images = {item.variant.pk: item.image}
    context.update(checkout_form_context(chosen, quote=quote, images=images, error=error))
    context.update(
        {
            "quantity": quantity,
            "quantities": range(1, item.max_quantity + 1),
            # Back here after adding an address, with the same item and deal.
            "here_url": state.buy_url(
                session.pk,
                variant_id=item.variant.pk,
                deal_id=item.deal.pk if item.deal_price is not None else None,
            ),
        }
    )
    return _render(request, "live/_buy_form.html", context)
