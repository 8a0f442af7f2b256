"""One-of-a-kind (thrift) items in a live: the first claim holds the item, the others queue.

Invariants:
- One holder per item (the `one_holder_per_item` partial unique index) and one open claim per
  buyer and item (`one_open_claim_per_buyer_per_item`); every write below runs under the
  variant's row lock, so claims of one item are served strictly one at a time, in order.
- A hold keeps the item's unit of stock (taken off by a conditional UPDATE, never below zero),
  so nobody can buy the item from the shop page while someone holds it, and the holder's live
  checkout takes the unit over in the same transaction (live/checkout.py).
- A hold lasts ITEM_HOLD_MINUTES. If it passes without a paid order (`item_claims_pass_lapsed`,
  the beat job), the holder loses it (an unpaid order is cancelled) and the oldest waiting
  claim becomes the holder with a fresh window and is notified in the same transaction. With
  nobody waiting, the unit goes back to stock.

Lock order: the buyer's row (live checkout only) → order rows → the checkout row → the variant
row → product rows → claims of the item, by id. This is orders' own order with the claims last,
so the `orders` release hook (an expired or cancelled order) can pass the item on while the
order's row and the variant's are locked.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from live.broadcast import room_push, user_push
from live.enums import ITEM_CLAIM_OPEN_STATUSES, ItemClaimStatus, LiveStatus
from live.errors import ItemClaimError, ItemClaimNotOpen, ItemHeldByOther, ItemSoldOut
from live.models import ItemClaim, LiveSession
from live.state import buy_url, item_queue_payload
from marketplace.notifications import notify
from orders.enums import OrderStatus
from orders.lifecycle import order_transition
from orders.models import Order
from shops.models import Product, ProductVariant

ITEM_HOLD_MINUTES = 10
NOTIFICATION_KIND_ITEM_HELD = "live_item_held"
HOLD_LAPSED_REASON = "Live item hold expired"


def _hold_deadline(now: datetime) -> datetime:
    return now + timedelta(minutes=ITEM_HOLD_MINUTES)


def _lock_item(variant_id: int) -> ProductVariant:
    return ProductVariant.objects.select_for_update().select_related("product").get(pk=variant_id)


def _take_unit(variant: ProductVariant) -> bool:
    """Caller holds the variant's lock. False when it is out of stock."""
    taken = ProductVariant.objects.filter(pk=variant.pk, stock__gte=1).update(stock=F("stock") - 1)
    if taken and variant.is_active:
        Product.objects.filter(pk=variant.product_id).update(stock_total=F("stock_total") - 1)
    return bool(taken)


def _give_unit_back(variant: ProductVariant) -> None:
    ProductVariant.objects.filter(pk=variant.pk).update(stock=F("stock") + 1)
    if variant.is_active:
        Product.objects.filter(pk=variant.product_id).update(stock_total=F("stock_total") + 1)


def _queue(variant_id: int):
    return ItemClaim.objects.filter(variant_id=variant_id, status=ItemClaimStatus.WAITING).order_by(
        "created_at", "id"
    )


# --- Buyers -------------------------------------------------------------------------------------


def item_claim(*, buyer, session: LiveSession, variant: ProductVariant) -> ItemClaim:
    """Claim a one-off item shown in `session`: hold it if it is free, else join the queue.

    Returns the buyer's open claim (HOLDING with `hold_expires_at`, or WAITING; see
    `item_claim_position`); claiming again returns the same claim. Raises ItemSoldOut when the
    item is gone for good (no stock and no unpaid order that could give it back).
    """
    with transaction.atomic():
        session = LiveSession.objects.get(pk=session.pk)
        if session.status != LiveStatus.LIVE:
            raise ItemClaimError(_("Items can be claimed only while the session is live."))
        item = _lock_item(variant.pk)
        if item.product.shop_id != session.shop_id or not item.is_active:
            raise ItemClaimError(_("This item is not sold in this live."))
        claims = list(
            ItemClaim.objects.select_for_update()
            .filter(variant=item, status__in=[*ITEM_CLAIM_OPEN_STATUSES, ItemClaimStatus.ORDERED])
            .order_by("id")
        )
        mine = next(
            (c for c in claims if c.buyer_id == buyer.pk and c.status in ITEM_CLAIM_OPEN_STATUSES), None
        )
        if mine is not None:
            return mine
        now = timezone.now()
        has_holder = any(c.status == ItemClaimStatus.HOLDING for c in claims)
        if not has_holder and _take_unit(item):
            claim = ItemClaim.objects.create(
                session=session,
                variant=item,
                buyer=buyer,
                status=ItemClaimStatus.HOLDING,
                hold_expires_at=_hold_deadline(now),
            )
        else:
            # Held, or in an order not paid yet: either may still come back to the line.
            awaiting = [c.order_id for c in claims if c.status == ItemClaimStatus.ORDERED and c.order_id]
            unpaid = Order.objects.filter(pk__in=awaiting, status=OrderStatus.AWAITING_PAYMENT).exists()
            if not (has_holder or unpaid):
                raise ItemSoldOut
            claim = ItemClaim.objects.create(
                session=session, variant=item, buyer=buyer, status=ItemClaimStatus.WAITING
            )
        _queue_changed(session_id=session.pk, variant_id=item.pk)
        return claim


def item_claim_position(*, claim: ItemClaim) -> int:
    """1 for the first in the queue; 0 when the claim is not waiting."""
    if claim.status != ItemClaimStatus.WAITING:
        return 0
    ahead = _queue(claim.variant_id).filter(
        Q(created_at__lt=claim.created_at) | Q(created_at=claim.created_at, id__lt=claim.pk)
    )
    return ahead.count() + 1


def item_claim_queue_size(*, variant: ProductVariant) -> int:
    """How many wait for the item ("3 waiting")."""
    return _queue(variant.pk).count()


def item_claim_withdraw(*, buyer, claim: ItemClaim) -> ItemClaim:
    """The buyer leaves the queue or gives up the hold (passed on at once). An ordered claim
    cannot be withdrawn: the order is cancelled instead, which passes the item on too."""
    with transaction.atomic():
        item = _lock_item(claim.variant_id)
        locked = ItemClaim.objects.select_for_update().get(pk=claim.pk)
        if locked.buyer_id != buyer.pk or locked.status not in ITEM_CLAIM_OPEN_STATUSES:
            raise ItemClaimNotOpen
        was_holding = locked.status == ItemClaimStatus.HOLDING
        locked.status = ItemClaimStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        if was_holding:
            _pass_on(item, unit_in_hand=True, now=timezone.now())
        _queue_changed(session_id=locked.session_id, variant_id=item.pk)
    claim.status = locked.status
    return claim


# --- Live checkout (called by live.checkout inside its transaction) -----------------------------


def item_claim_checkout_begin(
    *, buyer, session: LiveSession, variant: ProductVariant, claim: ItemClaim | None, now: datetime
) -> ItemClaim | None:
    """Before checkout_place: the holder's unit goes back to stock for the checkout to take.

    Returns the holder's claim (None when nobody holds the item). Refuses ItemHeldByOther when
    another buyer holds it, and ItemClaimNotOpen when the buyer's hold lapsed. Takes the variant's
    lock (after the buyer's, before checkout_place's: orders' own order).
    """
    item = _lock_item(variant.pk)
    holder = (
        ItemClaim.objects.select_for_update().filter(variant=item, status=ItemClaimStatus.HOLDING).first()
    )
    if holder is None:
        if claim is not None:
            raise ItemClaimNotOpen
        return None
    if holder.buyer_id != buyer.pk or (claim is not None and claim.pk != holder.pk):
        raise ItemHeldByOther
    if holder.hold_expires_at <= now or holder.session_id != session.pk:
        raise ItemClaimNotOpen
    _give_unit_back(item)
    return holder


def item_claim_checkout_end(*, claim: ItemClaim, order: Order) -> None:
    """After checkout_place: the hold becomes the order's. The order must be paid by the end of
    the hold, or the job cancels it and passes the item on."""
    claim.status, claim.order = ItemClaimStatus.ORDERED, order
    claim.save(update_fields=["status", "order", "updated_at"])
    if order.status != OrderStatus.AWAITING_PAYMENT:  # paid already, or cash on delivery: sold
        _close_queue(claim.variant_id, title=claim.variant.product.title)
    _queue_changed(session_id=claim.session_id, variant_id=claim.variant_id)
    if order.payment_due_at is not None and order.payment_due_at > claim.hold_expires_at:
        order.payment_due_at = claim.hold_expires_at
        order.save(update_fields=["payment_due_at"])


# --- Jobs and hooks -----------------------------------------------------------------------------


def item_claims_pass_lapsed(*, now: datetime | None = None) -> int:
    """The beat job: every hold past its deadline without a paid order passes to the next in
    line (who is notified), or back to stock. Returns how many holds lapsed.

    One claim per transaction, re-checked under its locks: running it twice changes nothing.
    """
    now = now or timezone.now()
    due = list(
        ItemClaim.objects.filter(
            Q(status=ItemClaimStatus.HOLDING)
            | Q(status=ItemClaimStatus.ORDERED, order__status=OrderStatus.AWAITING_PAYMENT),
            hold_expires_at__lte=now,
        )
        .order_by("hold_expires_at", "id")
        .values_list("pk", "order_id")
    )
    lapsed = 0
    for claim_id, order_id in due:
        with transaction.atomic():
            if order_id is not None:
                # The order first (orders' lock order); cancelling it releases its stock and runs
                # item_claims_release_for_order below, which passes the item on.
                order = Order.objects.select_for_update().get(pk=order_id)
                if order.status != OrderStatus.AWAITING_PAYMENT:
                    continue
                order_transition(order=order, to=OrderStatus.CANCELLED, actor=None, note=HOLD_LAPSED_REASON)
                lapsed += 1
                continue
            claim = ItemClaim.objects.filter(pk=claim_id).first()
            if claim is None:
                continue
            item = _lock_item(claim.variant_id)
            claim = ItemClaim.objects.select_for_update().get(pk=claim_id)
            if claim.status != ItemClaimStatus.HOLDING or claim.hold_expires_at > now:
                continue
            claim.status = ItemClaimStatus.LAPSED
            claim.save(update_fields=["status", "updated_at"])
            _pass_on(item, unit_in_hand=True, now=now)
            _queue_changed(session_id=claim.session_id, variant_id=item.pk)
            lapsed += 1
    return lapsed


def item_claims_release_for_order(order: Order) -> None:
    """The `orders` release hook: an order holding a one-off item was cancelled or expired
    unpaid, and its unit is back in stock. The claim lapses; the next in line gets the item."""
    claims = list(
        ItemClaim.objects.filter(order=order, status=ItemClaimStatus.ORDERED).values_list(
            "pk", "variant_id", "session_id"
        )
    )
    for claim_id, variant_id, session_id in sorted(claims, key=lambda row: row[1]):
        item = _lock_item(variant_id)
        ItemClaim.objects.filter(pk=claim_id).update(status=ItemClaimStatus.LAPSED, updated_at=timezone.now())
        _pass_on(item, unit_in_hand=False, now=timezone.now())
        _queue_changed(session_id=session_id, variant_id=variant_id)


def item_claims_close_for_order(order: Order) -> None:
    """The `orders` paid hook: a one-off item in this order is sold; its line closes."""
    claims = ItemClaim.objects.filter(order=order, status=ItemClaimStatus.ORDERED).select_related(
        "variant__product"
    )
    for claim in sorted(claims, key=lambda c: c.variant_id):
        # The item's lock (after the order's, the lock order): a claim racing this payment
        # waits, then finds the item sold instead of joining a line that just closed.
        _lock_item(claim.variant_id)
        _close_queue(claim.variant_id, title=claim.variant.product.title)
        _queue_changed(session_id=claim.session_id, variant_id=claim.variant_id)


def _close_queue(variant_id: int, *, title: str) -> None:
    """Nobody waits for a sold item: each waiting claimer's claim closes and they are told.
    Caller holds the variant's lock."""
    waiting = list(_queue(variant_id).select_for_update().values_list("pk", "buyer_id", "session_id"))
    ItemClaim.objects.filter(pk__in=[pk for pk, _buyer, _session in waiting]).update(
        status=ItemClaimStatus.CLOSED, updated_at=timezone.now()
    )
    for _pk, buyer_id, session_id in waiting:
        user_push(
            buyer_id,
            {
                "type": "item_gone",
                "session_id": session_id,
                "variant_id": variant_id,
                "title": title,
            },
        )


def _pass_on(item: ProductVariant, *, unit_in_hand: bool, now: datetime) -> ItemClaim | None:
    """The item has no holder now: the oldest waiting claim holds it, with a fresh window.

    `unit_in_hand`: the lapsed hold kept the unit off stock (it moves to the next holder, or back
    to stock); otherwise the unit is in stock and is taken again for the next holder. Caller
    holds the variant's lock.
    """
    nxt = _queue(item.pk).select_for_update().first()
    if nxt is None:
        if unit_in_hand:
            _give_unit_back(item)
        return None
    if not unit_in_hand and not _take_unit(item):
        return None
    nxt.status, nxt.hold_expires_at = ItemClaimStatus.HOLDING, _hold_deadline(now)
    nxt.save(update_fields=["status", "hold_expires_at", "updated_at"])
    session = nxt.session
    notify(
        user=nxt.buyer,
        kind=NOTIFICATION_KIND_ITEM_HELD,
        title=_("Your turn: %(title)s is yours to buy") % {"title": item.product.title},
        body=_("Pay within %(minutes)d minutes or it passes to the next in line.")
        % {"minutes": ITEM_HOLD_MINUTES},
        url=session.get_absolute_url(),
    )
    # Told at once in the room too, if they are still watching.
    user_push(
        nxt.buyer_id,
        {
            "type": "item_yours",
            "session_id": session.pk,
            "variant_id": item.pk,
            "claim_id": nxt.pk,
            "title": item.product.title,
            "expires_at": nxt.hold_expires_at.isoformat(),
            "buy_url": buy_url(session.pk, variant_id=item.pk),
        },
    )
    return nxt


def _queue_changed(*, session_id: int, variant_id: int) -> None:
    """Viewers see who holds the item and how many wait ("3 waiting"), after the commit."""
    room_push(session_id, item_queue_payload(variant_id))
