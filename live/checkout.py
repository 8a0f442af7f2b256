"""Buying one item from a live: a flash deal's price, a one-off item's hold, or the normal price.

`live_checkout_place` wraps `orders.checkout.checkout_place` for a single item, in one
transaction with the live bookkeeping (the deal claim, the item claim, `LiveOrder`), so either
all of it is written or nothing is. `orders` never imports `live`: the deal price reaches the
order through checkout_place's `unit_price_overrides`, which only lowers a price and is passed
only after the deal was found running here.

Lock order: the buyer's row first (so one buyer's live checkouts and claims run one at a time
and the per-buyer deal limit is exact), then checkout_place's own order (checkout, variants,
products, vouchers), then the deal and its claims, or the item's claims. A deal's units are
taken last, after the stock, which is the order an expiring order releases them in too.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from live import claims as item_claims
from live import deals, errors
from live.broadcast import mods_push, room_push
from live.enums import FlashClaimStatus, LiveStatus
from live.errors import LiveCheckoutInvalid
from live.models import FlashDeal, FlashDealClaim, ItemClaim, LiveOrder, LiveSession
from marketplace.models import User
from marketplace.money import format_rupiah
from orders.checkout import checkout_place
from orders.models import Checkout
from orders.selectors import Line, ShopChoice
from shops.models import ProductVariant


def live_checkout_place(
    *,
    buyer,
    session: LiveSession,
    address_id: int,
    payment_method: str,
    idempotency_key: str,
    variant: ProductVariant | None = None,
    deal: FlashDeal | None = None,
    claim: FlashDealClaim | ItemClaim | None = None,
    quantity: int = 1,
    shipping_option: str = "",
    voucher_code: str = "",
    platform_voucher_code: str = "",
    acknowledged_defects: set[int] | frozenset[int] = frozenset(),
) -> Checkout:
    """Place the order for one item bought in `session`, or raise and write nothing.

    - `claim=` a held FlashDealClaim: its units at the deal price, while the deal runs.
    - `deal=` (and `variant=` when the deal covers a whole product): claim `quantity` units and
      order them at the deal price in one step (refused when the deal is over, sold out, or the
      buyer's limit is reached).
    - `claim=` a holding ItemClaim: the one-off item the buyer holds, at its normal price.
    - `variant=` alone: the normal price; refused for an item someone else holds.

    The buyer's other checkout choices go to checkout_place as they are: `shipping_option`, the
    shop's `voucher_code`, `platform_voucher_code` (both apply to the price paid, the deal's
    included) and `acknowledged_defects` (product ids; a thrift piece's disclosed defects must be
    acknowledged, as in the cart's checkout).

    A deal's price is refused once the deal stopped or its end time passed, whether or not the
    job has marked it ended. The same (buyer, idempotency_key) returns the first checkout.
    Raises LiveError subclasses or orders' CheckoutError.
    """
    key = (idempotency_key or "").strip()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=buyer.pk).first()
        existing = Checkout.objects.filter(buyer=buyer, idempotency_key=key).first() if key else None
        if existing is not None:
            return existing
        session = LiveSession.objects.get(pk=session.pk)
        if session.status != LiveStatus.LIVE:
            raise LiveCheckoutInvalid(_("This live session is not on air."))
        now = timezone.now()
        price = None
        item_claim = None
        if isinstance(claim, FlashDealClaim):
            claim = FlashDealClaim.objects.select_related("deal", "variant").get(pk=claim.pk)
            if claim.buyer_id != buyer.pk or claim.deal.session_id != session.pk:
                raise LiveCheckoutInvalid(_("This claim is not yours."))
            if claim.status != FlashClaimStatus.HELD or not deals.deal_is_running(claim.deal, now=now):
                raise errors.DealNotRunning
            deal, variant, quantity, price = claim.deal, claim.variant, claim.quantity, claim.deal.price
        elif isinstance(claim, ItemClaim):
            item_claim = claim
            variant = ProductVariant.objects.get(pk=claim.variant_id)
            quantity = 1
        elif deal is not None:
            deal = FlashDeal.objects.get(pk=deal.pk)
            variant = variant or deal.variant
            if deal.session_id != session.pk or variant is None or not deals.deal_covers(deal, variant):
                raise LiveCheckoutInvalid(_("Choose a variant of the deal's product."))
            if not deals.deal_is_running(deal, now=now):
                raise errors.DealNotRunning
            price = deal.price
        elif variant is None:
            raise LiveCheckoutInvalid(_("Choose an item."))
        variant = ProductVariant.objects.select_related("product").get(pk=variant.pk)
        if variant.product.shop_id != session.shop_id:
            raise LiveCheckoutInvalid(_("This item is not sold in this live."))

        # A one-off item's hold keeps its unit of stock; the checkout takes it over.
        item_claim = item_claims.item_claim_checkout_begin(
            buyer=buyer, session=session, variant=variant, claim=item_claim, now=now
        )
        checkout = checkout_place(
            buyer=buyer,
            idempotency_key=key,
            lines=[Line(variant.pk, quantity)],
            address_id=address_id,
            choices={session.shop_id: ShopChoice(shipping_option=shipping_option, voucher_code=voucher_code)},
            platform_voucher_code=platform_voucher_code,
            payment_method=payment_method,
            acknowledged_defects=acknowledged_defects,
            unit_price_overrides={variant.pk: price} if price is not None else None,
        )
        order = checkout.orders.get()
        if isinstance(claim, FlashDealClaim):
            deals.deal_claim_mark_ordered(claim=claim, order=order, now=timezone.now())
        elif deal is not None:
            deals.deal_claim_under_lock(
                buyer=buyer,
                deal=deal,
                quantity=quantity,
                variant=variant,
                now=timezone.now(),
                status=FlashClaimStatus.ORDERED,
                order=order,
            )
        if item_claim is not None:
            item_claims.item_claim_checkout_end(claim=item_claim, order=order)
        LiveOrder.objects.create(session=session, order=order)
        _tell_room(session=session, order=order, buyer=buyer, variant=variant)
        return checkout


def _tell_room(*, session: LiveSession, order, buyer, variant: ProductVariant) -> None:
    """The host's numbers go up now (the summary recounts at the end, leaving out cancelled
    orders); viewers see who bought what, the host sees the order."""
    sold = max(order.subtotal - order.discount, 0)
    LiveSession.objects.filter(pk=session.pk).update(
        order_count=F("order_count") + 1, revenue=F("revenue") + sold
    )
    room_push(session.pk, {"type": "purchase", "name": buyer.public_name, "product": variant.product.title})
    mods_push(
        session.pk,
        {
            "type": "order",
            "number": order.number,
            "buyer": buyer.public_name,
            "product": variant.product.title,
            "quantity": sum(item.quantity for item in order.items.all()),
            "total": order.total,
            "total_display": format_rupiah(order.total),
        },
    )
