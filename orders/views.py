"""Cart and checkout pages. Thin: parse the form, call orders.cart or the checkout engine, render.

Every form works without JavaScript (POST, then redirect); with htmx, cart changes swap the cart
body in place and the checkout's "Update" swaps the checkout form.
"""

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from marketplace.models import Address
from marketplace.parsing import parse_ids, parse_next_url
from orders import cart as carts
from orders.checkout import CheckoutError, checkout_place, checkout_quote
from orders.enums import OrderStatus, PaymentMethod
from orders.forms import CartAddForm, CartQuantityForm, CheckoutForm, clean_voucher_code
from orders.models import Cart, CartItem, Checkout
from orders.selectors import Line, ShopChoice, checkout_get_for_buyer
from shops.models import ProductVariant


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def _safe_next(request, fallback: str) -> str:
    return parse_next_url(request.POST.get("next"), request=request) or fallback


# --- Cart -------------------------------------------------------------------------------------
def _cart_context(request) -> dict:
    """The cart re-checked now. A price change is shown on its line this once, then counts as seen."""
    token = carts.session_cart_token(request.session)
    summary = carts.cart_summary(user=request.user, token=token)
    carts.cart_acknowledge_prices(lines=summary.price_changes)
    carts.session_set_count(request.session, summary.line_count)
    return {"summary": summary, "cart_count": summary.line_count}


def cart(request):
    return render(request, "orders/cart.html", _cart_context(request))


def _cart_response(request):
    """After a cart change: the new cart body for htmx (with the header count, out of band),
    or a redirect back to the cart page."""
    if request.htmx:
        return render(request, "orders/_cart_body.html", {**_cart_context(request), "swap_count": True})
    return redirect("cart")


@require_POST
def cart_add(request):
    form = CartAddForm(request.POST)
    back = _safe_next(request, reverse("cart"))
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(back)
    try:
        variant = carts.variant_get_addable(variant_id=form.cleaned_data["variant"])
    except ProductVariant.DoesNotExist:
        raise Http404(_("This product is not available.")) from None
    token = carts.session_cart_token(request.session, create=not request.user.is_authenticated)
    cart = carts.cart_get_or_create(user=request.user, token=token)
    try:
        result = carts.cart_add(cart=cart, variant=variant, quantity=form.cleaned_data["quantity"])
    except carts.CartError as error:
        messages.error(request, error.message)
        return redirect(back)
    carts.session_set_count(request.session, cart.items.count())
    if result.capped_message:
        messages.warning(request, result.capped_message)
    if request.POST.get("action") == "buy":
        # Buy now: straight to checkout with only this item (login first if needed; the cart follows).
        return redirect(f"{reverse('checkout')}?variant={variant.pk}")
    if not result.capped_message:
        messages.success(request, _("%(item)s was added to your cart.") % {"item": variant})
    return redirect(back)


def _own_cart(request) -> Cart:
    # Only the requester's own cart exists as far as these views know: any other line is a 404.
    owner = carts.cart_owner_filter(user=request.user, token=carts.session_cart_token(request.session))
    cart = Cart.objects.filter(**owner).first() if owner else None
    if cart is None:
        raise Http404
    return cart


@vary_on_headers("HX-Request")
@require_POST
def cart_update(request, item_id):
    cart = _own_cart(request)
    form = CartQuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _cart_response(request)
    try:
        carts.cart_update(cart=cart, item_id=item_id, quantity=form.cleaned_data["quantity"])
    except CartItem.DoesNotExist:
        raise Http404 from None
    except carts.CartError as error:
        messages.error(request, error.message)
    return _cart_response(request)


@vary_on_headers("HX-Request")
@require_POST
def cart_remove(request, item_id):
    cart = _own_cart(request)
    try:
        carts.cart_remove(cart=cart, item_id=item_id)
    except CartItem.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The item was removed from your cart."))
    return _cart_response(request)


# --- Checkout ---------------------------------------------------------------------------------
def _selected_variant_ids(data) -> set[int]:
    """ "Buy now" (and a future per-line selection) narrows checkout to some variants; none = all."""
    return parse_ids(data.getlist("variant"))


def _shop_choices(data, shop_ids) -> dict[int, ShopChoice]:
    return {
        shop_id: ShopChoice(
            shipping_option=data.get(f"shipping-{shop_id}", "")[:40],
            voucher_code=clean_voucher_code(data.get(f"voucher-{shop_id}", "")),
        )
        for shop_id in shop_ids
    }


def _decorate(quote, *, images) -> None:
    """What the template needs beyond the engine's quote: each item's thumbnail (already loaded
    with the cart) and, per shop, each product with defects once, with its defects."""
    for part in quote.shops:
        groups: dict[int, tuple] = {}
        for item in part.items:
            item.image = images.get(item.variant.pk)
            if item.defects:
                groups.setdefault(item.product.pk, (item.product, item.defects))
        part.defect_groups = list(groups.values())


@dataclass
class CheckoutChoices:
    """What the buyer chose on a checkout form, read one way for the cart's checkout and for
    the apps above `orders` that sell through the same form (one item bought in a live)."""

    form: CheckoutForm
    addresses: list[Address]
    address: Address | None
    shops: dict[int, ShopChoice]
    platform_voucher: str
    acknowledged: set[int]
    payment_method: str


def checkout_choices_read(request, *, shop_ids) -> CheckoutChoices:
    """The form as posted, or on a GET the defaults: the default address, COD, a new
    idempotency key (carried through every re-render: one checkout per key)."""
    is_post = request.method == "POST"
    data = request.POST if is_post else request.GET
    addresses = list(Address.objects.filter(user=request.user))
    default_address = addresses[0] if addresses else None  # the default sorts first
    if is_post:
        form = CheckoutForm(request.POST, addresses=addresses)
        chosen = request.POST.get("address", "")
        address = next((a for a in addresses if str(a.pk) == chosen), None)
    else:
        initial = {"payment_method": PaymentMethod.COD, "idempotency_key": uuid.uuid4().hex}
        if default_address is not None:
            initial["address"] = default_address.pk
        form = CheckoutForm(initial=initial, addresses=addresses)
        address = default_address
    return CheckoutChoices(
        form=form,
        addresses=addresses,
        address=address,
        shops=_shop_choices(data, shop_ids),
        platform_voucher=clean_voucher_code(data.get("platform_voucher", "")),
        acknowledged=parse_ids(request.POST.getlist("defect")),
        payment_method=data.get("payment_method", PaymentMethod.COD),
    )


def checkout_form_context(chosen: CheckoutChoices, *, quote, images, error: str) -> dict:
    """What the checkout form's templates (orders/_checkout_*.html) read, for `quote`."""
    _decorate(quote, images=images)
    payment_method = chosen.payment_method
    if payment_method == PaymentMethod.COD and not quote.cod_allowed:
        # COD is shown disabled with its reason; start on the first method the buyer can use.
        payment_method = PaymentMethod.BANK_TRANSFER
    return {
        "form": chosen.form,
        "quote": quote,
        "addresses": chosen.addresses,
        "address": chosen.address,
        "acknowledged": chosen.acknowledged,
        "error": error,
        "payment_methods": PaymentMethod.choices,
        "payment_method": payment_method,
        "platform_voucher": chosen.platform_voucher,
    }


@vary_on_headers("HX-Request")
@login_required
def checkout(request):
    is_post = request.method == "POST"
    data = request.POST if is_post else request.GET
    is_placing = is_post and request.POST.get("action") == "place"
    if is_placing:
        # A second submit of a placed checkout (double tap, back button): its cart lines are gone
        # already, so go straight to what the first submit placed.
        key = request.POST.get("idempotency_key", "")
        placed = Checkout.objects.filter(buyer=request.user, idempotency_key=key).first()
        if placed is not None:
            return redirect("checkout_done", checkout_id=placed.pk)

    selected = _selected_variant_ids(data)
    summary = carts.cart_summary(user=request.user, token=None)
    cart_lines = [line for line in summary.lines if not selected or line.variant.pk in selected]
    if is_post and "line" in request.POST:
        # Exactly the lines the page showed as buyable, even if one sold out since: the engine
        # then refuses with its reason instead of the order silently shrinking.
        shown = parse_ids(request.POST.getlist("line"))
        cart_lines = [line for line in cart_lines if line.variant.pk in shown]
    else:
        cart_lines = [line for line in cart_lines if line.is_available]
    if not cart_lines:
        messages.info(request, _("There is nothing in your cart to check out."))
        return redirect("cart")

    chosen = checkout_choices_read(request, shop_ids={line.variant.shop_id for line in cart_lines})
    form = chosen.form
    lines = [Line(variant_id=line.variant.pk, quantity=line.quantity) for line in cart_lines]
    error = ""
    if is_placing:
        if form.is_valid():
            try:
                placed = checkout_place(
                    buyer=request.user,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    lines=lines,
                    address_id=form.cleaned_data["address"],
                    choices=chosen.shops,
                    platform_voucher_code=form.cleaned_data["platform_voucher"],
                    payment_method=form.cleaned_data["payment_method"],
                    acknowledged_defects=chosen.acknowledged,
                )
            except CheckoutError as exc:
                error = exc.message
            else:
                count = carts.cart_remove_variants(
                    user=request.user, variant_ids={line.variant_id for line in lines}
                )
                carts.session_set_count(request.session, count)
                return redirect("checkout_done", checkout_id=placed.pk)
        else:
            error = _first_error(form)

    quote = checkout_quote(
        buyer=request.user,
        lines=lines,
        address=chosen.address,
        choices=chosen.shops,
        platform_voucher_code=chosen.platform_voucher,
    )
    images = {line.variant.pk: line.image for line in cart_lines}
    context = checkout_form_context(chosen, quote=quote, images=images, error=error)
    context["selected"] = sorted(selected)
    template = "orders/_checkout_form.html" if request.htmx else "orders/checkout.html"
    return render(request, template, context)


@login_required
def checkout_done(request, checkout_id):
    try:
        placed = checkout_get_for_buyer(buyer=request.user, checkout_id=checkout_id)
    except Checkout.DoesNotExist:
        raise Http404 from None
    awaiting_payment = any(order.status == OrderStatus.AWAITING_PAYMENT for order in placed.orders.all())
    return render(
        request,
        "orders/checkout_done.html",
        {"checkout": placed, "orders_url": reverse("order_list"), "awaiting_payment": awaiting_payment},
    )
