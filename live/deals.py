"""Flash deals: a host puts a few units of a product on sale for a few minutes during a live.

Invariants:
- A deal's price is honoured only while it runs: status ACTIVE *and* `ends_at` in the future,
  checked against the clock at every claim and checkout, so a deal whose time is up is refused
  even before `deals_end_due` (the beat job) has marked it ended.
- Units are taken by one conditional UPDATE on the deal row
  (`units_claimed = units_claimed + q WHERE units_claimed + q <= units AND status = active AND
  ends_at > now`), backed by `CHECK (units_claimed <= units)`: no burst gets more than the units.
- A buyer never holds more than `per_buyer_limit` units of a deal (held or ordered): counted
  under the buyer's user row lock, which every claim and live checkout takes first.
- Units come back to the deal (`units_claimed` down, claim RELEASED) when the claim's order is
  cancelled or expires unpaid (the `orders` release hook, registered in live/apps.py), or when a
  claim never turned into an order and its deal is over.

Lock order (extends the one in orders/checkout.py, where the buyer row comes first):
buyer → (the checkout's rows: orders, checkout, variants, products, vouchers) → session → deal →
claims, each by id. The deal row is locked after the variant rows, never before, so a checkout
racing an expiring order of the same deal cannot wait in a cycle.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from live.broadcast import room_push
from live.enums import (
    FLASH_DEAL_EVENT_KINDS,
    FLASH_DEAL_MACHINE,
    FlashClaimStatus,
    FlashDealEventKind,
    FlashDealStatus,
    LiveStatus,
)
from live.errors import (
    DealAlreadyRunning,
    DealBuyerLimitReached,
    DealInvalid,
    DealNotRunning,
    DealSoldOut,
    LiveHostNotAllowed,
)
from live.models import FlashDeal, FlashDealClaim, FlashDealEvent, LiveSession
from live.policy import user_may_host
from live.state import deal_payload, running_q
from marketplace.models import User
from marketplace.transitions import TransitionNotAllowed, transition
from orders.enums import OrderStatus
from orders.models import Order
from shops.models import Product, ProductVariant

# A flash deal is minutes long; an hour is the most a host may set.
FLASH_DEAL_MAX_SECONDS = 60 * 60
# More units than this in one claim is not a flash deal purchase.
FLASH_CLAIM_MAX_QUANTITY = 10


def deal_is_running(deal: FlashDeal, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return deal.status == FlashDealStatus.ACTIVE and deal.ends_at is not None and deal.ends_at > now


def deal_covers(deal: FlashDeal, variant: ProductVariant) -> bool:
    if deal.variant_id is not None:
        return variant.pk == deal.variant_id
    return variant.product_id == deal.product_id


# --- Host console -------------------------------------------------------------------------------


def deal_launch(
    *,
    session: LiveSession,
    actor,
    product: Product,
    variant: ProductVariant | None = None,
    price: int,
    units: int,
    duration_seconds: int,
    per_buyer_limit: int = 1,
) -> FlashDeal:
    """Start a flash deal now on `product` (every variant) or one `variant` of it.

    Refused (nothing written) unless the actor may host the shop, the session is live, the
    product is the shop's, and the price is below the normal price of every variant it covers.
    One deal runs per session (a partial unique index); a deal whose time is up but which the
    job has not ended yet is ended here first. Locks the session row.
    """
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (price, units, duration_seconds)):
        raise DealInvalid(_("Price, units and duration must be whole numbers."))
    if units < 1 or per_buyer_limit < 1 or price < 1:
        raise DealInvalid(_("Price, units and the limit per buyer must be at least 1."))
    if not 0 < duration_seconds <= FLASH_DEAL_MAX_SECONDS:
        raise DealInvalid(_("A flash deal lasts between 1 second and one hour."))
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().get(pk=session.pk)
        if not user_may_host(user=actor, shop_id=locked.shop_id):
            raise LiveHostNotAllowed
        if locked.status != LiveStatus.LIVE:
            raise DealInvalid(_("Flash deals run only while the session is live."))
        if product.shop_id != locked.shop_id:
            raise DealInvalid(_("Only the shop's own products can be put on a flash deal."))
        covered = ProductVariant.objects.filter(product=product, is_active=True)
        if variant is not None:
            if variant.product_id != product.pk:
                raise DealInvalid(_("This variant is not one of the product's."))
            covered = covered.filter(pk=variant.pk)
        prices = list(covered.values_list("price", flat=True))
        if not prices:
            raise DealInvalid(_("This product has nothing on sale."))
        if price >= min(prices):
            raise DealInvalid(_("The deal price must be below the normal price."))
        now = timezone.now()
        _end_due(FlashDeal.objects.filter(session=locked), now=now)
        try:
            with transaction.atomic():
                deal = FlashDeal.objects.create(
                    session=locked,
                    product=product,
                    variant=variant,
                    price=price,
                    units=units,
                    duration_seconds=duration_seconds,
                    per_buyer_limit=per_buyer_limit,
                    status=FlashDealStatus.ACTIVE,
                    started_at=now,
                    ends_at=now + timedelta(seconds=duration_seconds),
                )
        except IntegrityError as error:
            if "one_active_flash_deal" in str(error):
                raise DealAlreadyRunning from None
            raise
        # Created running, so "started" has no status before it: a creation, not a move.
        FlashDealEvent.objects.create(
            deal=deal,
            session=locked,
            actor=actor,
            kind=FlashDealEventKind.STARTED,
            params={"product": product.title, "units": units},
            from_status="",
            to_status=deal.status,
        )
        room_push(locked.pk, {"type": "deal", "deal": deal_payload(deal, now=now)})
        return deal


def deal_stop(*, deal: FlashDeal, actor) -> FlashDeal:
    """Stop a running deal early: its price is refused from now on. Units held by claims that
    never became orders go back. A deal already past its end time is simply ended."""
    with transaction.atomic():
        LiveSession.objects.select_for_update().filter(pk=deal.session_id).first()
        locked = FlashDeal.objects.select_for_update().get(pk=deal.pk)
        if not user_may_host(user=actor, shop_id=locked.session.shop_id):
            raise LiveHostNotAllowed
        now = timezone.now()
        target = FlashDealStatus.STOPPED if deal_is_running(locked, now=now) else FlashDealStatus.ENDED
        if not FLASH_DEAL_MACHINE.allows(locked.status, target):
            # Refused as a stop, whichever end it would have been: the host asked to stop it.
            raise TransitionNotAllowed(
                machine=FLASH_DEAL_MACHINE, current=locked.status, target=FlashDealStatus.STOPPED
            )
        deal_transition(deal=deal, to=target, actor=actor, now=now)
    return deal


def deals_end_due(*, now: datetime | None = None) -> int:
    """The beat job: end every running deal whose time is up; returns how many it ended.

    One deal per transaction, re-checked under its row lock, so running it twice (or alongside
    a host's stop) ends nothing twice. Correctness does not wait for it: claims and checkouts
    compare `ends_at` with the clock themselves.
    """
    now = now or timezone.now()
    due = list(
        FlashDeal.objects.filter(status=FlashDealStatus.ACTIVE, ends_at__lte=now)
        .order_by("ends_at", "id")
        .values_list("pk", flat=True)
    )
    ended = 0
    for deal_id in due:
        with transaction.atomic():
            ended += _end_due(FlashDeal.objects.filter(pk=deal_id), now=now)
    return ended


def _end_due(deals, *, now: datetime) -> int:
    ended = 0
    for deal in (
        deals.select_for_update().filter(status=FlashDealStatus.ACTIVE, ends_at__lte=now).order_by("id")
    ):
        # Time was up: no one ended it, whoever's call found it so.
        deal_transition(deal=deal, to=FlashDealStatus.ENDED, actor=None, now=now)
        ended += 1
    return ended


def deals_close_for_session(*, session: LiveSession, now: datetime, actor=None) -> int:
    """The session ends: its running deal ends with it, giving back the units of claims that
    never became orders. Caller holds the session's row lock; the deals are locked by id."""
    closed = 0
    running = FlashDeal.objects.select_for_update().filter(session=session, status=FlashDealStatus.ACTIVE)
    for deal in running.order_by("id"):
        deal_transition(
            deal=deal,
            to=FlashDealStatus.ENDED,
            kind=FlashDealEventKind.ENDED_WITH_SESSION,
            actor=actor,
            now=now,
        )
        closed += 1
    return closed


def deal_transition(
    *, deal: FlashDeal, to: str, actor, kind: str | None = None, now: datetime | None = None
) -> FlashDeal:
    """Move `deal` to `to` if FLASH_DEAL_MACHINE allows it, writing its FlashDealEvent (`kind`,
    by default FLASH_DEAL_EVENT_KINDS[to]) in the same transaction
    (marketplace.transitions.transition, which locks the deal's row). Refuses with
    TransitionNotAllowed and writes nothing otherwise.

    An end (stopped, ended) gives back the units of claims that never became orders, locked
    after the deal, by id; the event counts the units ordered, and every viewer hears that the
    deal is over after the commit. `deal` follows the saved row.
    """
    now = now or timezone.now()
    is_end = to in (FlashDealStatus.STOPPED, FlashDealStatus.ENDED)

    def record(moved: FlashDeal, previous: str) -> None:
        title = Product.objects.values_list("title", flat=True).get(pk=moved.product_id)
        params = {"product": title, "units": moved.units}
        if is_end:
            # Under the deal's lock no claim is taken, ordered or given back meanwhile.
            held = FlashDealClaim.objects.filter(deal=moved, status=FlashClaimStatus.HELD)
            params["ordered"] = moved.units_claimed - (held.aggregate(units=Sum("quantity"))["units"] or 0)
        FlashDealEvent.objects.create(
            deal=moved,
            session_id=moved.session_id,
            actor=actor,
            kind=kind or FLASH_DEAL_EVENT_KINDS[to],
            params=params,
            from_status=previous,
            to_status=to,
        )

    changes: dict = {}
    if to == FlashDealStatus.ACTIVE:
        # A prepared deal runs its duration from now.
        changes = {"started_at": now, "ends_at": now + timedelta(seconds=deal.duration_seconds)}
    elif to == FlashDealStatus.STOPPED:
        changes = {"stopped_at": now}
    with transaction.atomic():
        moved = transition(machine=FLASH_DEAL_MACHINE, instance=deal, to=to, changes=changes, record=record)
        if to == FlashDealStatus.ACTIVE:
            room_push(moved.session_id, {"type": "deal", "deal": deal_payload(moved, now=now)})
        if is_end:
            room_push(moved.session_id, {"type": "deal_ended", "id": moved.pk, "status": to})
            held = list(
                FlashDealClaim.objects.select_for_update()
                .filter(deal=moved, status=FlashClaimStatus.HELD)
                .order_by("id")
            )
            _release(moved, held, now=now)
    deal.units_claimed = moved.units_claimed
    return moved


# --- Buyers -------------------------------------------------------------------------------------


def deal_claim(
    *, buyer, deal: FlashDeal, quantity: int = 1, variant: ProductVariant | None = None
) -> FlashDealClaim:
    """Take `quantity` units of a running deal for `buyer`, held for their checkout.

    Refuses with DealNotRunning, DealSoldOut or DealBuyerLimitReached and writes nothing. The
    buyer's row is locked first (so the per-buyer count is exact under concurrency), then the
    deal row by the conditional UPDATE.
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=buyer.pk).first()
        return deal_claim_under_lock(
            buyer=buyer, deal=deal, quantity=quantity, variant=variant, now=timezone.now()
        )


def deal_claim_under_lock(
    *, buyer, deal: FlashDeal, quantity: int, variant, now: datetime, **fields
) -> FlashDealClaim:
    """deal_claim for a caller that already holds the buyer's row lock inside a transaction
    (live.checkout, which takes the units after the stock). Extra `fields` go on the claim."""
    if (
        not isinstance(quantity, int)
        or isinstance(quantity, bool)
        or not 1 <= quantity <= FLASH_CLAIM_MAX_QUANTITY
    ):
        raise DealInvalid(_("Choose how many units you want."))
    variant = variant or deal.variant
    if variant is None or not deal_covers(deal, variant):
        raise DealInvalid(_("Choose a variant of the deal's product."))
    already = (
        FlashDealClaim.objects.filter(
            deal=deal, buyer=buyer, status__in=[FlashClaimStatus.HELD, FlashClaimStatus.ORDERED]
        ).aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    if already + quantity > deal.per_buyer_limit:
        raise DealBuyerLimitReached(deal.per_buyer_limit)
    taken = FlashDeal.objects.filter(
        running_q(now=now), pk=deal.pk, units_claimed__lte=F("units") - quantity
    ).update(units_claimed=F("units_claimed") + quantity)
    if not taken:
        current = FlashDeal.objects.get(pk=deal.pk)
        raise DealNotRunning if not deal_is_running(current, now=now) else DealSoldOut
    return FlashDealClaim.objects.create(deal=deal, buyer=buyer, variant=variant, quantity=quantity, **fields)


def deal_claim_held(*, buyer, variant: ProductVariant, now: datetime | None = None) -> FlashDealClaim | None:
    """The buyer's held claim on a running deal for `variant`, if any: what checkout charges
    `claim.deal.price` for. A claim on a deal whose time is up gives no price."""
    now = now or timezone.now()
    return (
        FlashDealClaim.objects.select_related("deal")
        .filter(buyer=buyer, variant=variant, status=FlashClaimStatus.HELD)
        .filter(deal__status=FlashDealStatus.ACTIVE, deal__ends_at__gt=now)
        .order_by("id")
        .first()
    )


def deal_price_for(*, buyer, variant: ProductVariant, now: datetime | None = None) -> int | None:
    claim = deal_claim_held(buyer=buyer, variant=variant, now=now)
    return claim.deal.price if claim else None


def deal_claim_mark_ordered(*, claim: FlashDealClaim, order: Order, now: datetime) -> None:
    """Turn a held claim into the order's (live.checkout, inside the checkout's transaction).

    Locks the deal, then the claim, and refuses with DealNotRunning when the deal's time is up
    or it was stopped meanwhile, so the checkout around it rolls back.
    """
    deal = FlashDeal.objects.select_for_update().get(pk=claim.deal_id)
    locked = FlashDealClaim.objects.select_for_update().get(pk=claim.pk)
    if not deal_is_running(deal, now=now) or locked.status != FlashClaimStatus.HELD:
        raise DealNotRunning
    locked.status, locked.order = FlashClaimStatus.ORDERED, order
    locked.save(update_fields=["status", "order"])
    claim.status, claim.order = locked.status, order


def deal_claim_release(*, claim: FlashDealClaim) -> bool:
    """Give a claim's units back to its deal: a held claim the buyer gives up, or an ordered
    one whose order was cancelled (the release hook does that one by itself).

    False when it was released already; DealInvalid while its order still holds the units.
    Locks the deal, then the claim.
    """
    with transaction.atomic():
        deal = FlashDeal.objects.select_for_update().get(pk=claim.deal_id)
        locked = FlashDealClaim.objects.select_for_update().get(pk=claim.pk)
        if locked.status == FlashClaimStatus.RELEASED:
            return False
        order_status = Order.objects.filter(pk=locked.order_id).values_list("status", flat=True).first()
        if order_status is not None and order_status != OrderStatus.CANCELLED:
            raise DealInvalid(_("These units belong to an order: cancel the order instead."))
        _release(deal, [locked], now=timezone.now())
    claim.status, claim.released_at = locked.status, locked.released_at
    return True


def deal_claims_release_for_order(order: Order) -> None:
    """The `orders` release hook: an order cancelled or expired unpaid gives its deal units back.

    Runs inside the release's transaction (the order's row lock held, its stock already back).
    """
    deal_ids = sorted(
        set(
            FlashDealClaim.objects.filter(order=order, status=FlashClaimStatus.ORDERED).values_list(
                "deal_id", flat=True
            )
        )
    )
    now = timezone.now()
    for deal in FlashDeal.objects.select_for_update().filter(pk__in=deal_ids).order_by("id"):
        claims = list(
            FlashDealClaim.objects.select_for_update()
            .filter(deal=deal, order=order, status=FlashClaimStatus.ORDERED)
            .order_by("id")
        )
        _release(deal, claims, now=now)


def _release(deal: FlashDeal, claims: list[FlashDealClaim], *, now: datetime) -> None:
    """Caller holds the deal's and the claims' row locks."""
    units = sum(claim.quantity for claim in claims)
    if not units:
        return
    FlashDealClaim.objects.filter(pk__in=[claim.pk for claim in claims]).update(
        status=FlashClaimStatus.RELEASED, released_at=now
    )
    for claim in claims:
        claim.status, claim.released_at = FlashClaimStatus.RELEASED, now
    FlashDeal.objects.filter(pk=deal.pk).update(units_claimed=F("units_claimed") - units)
    deal.units_claimed -= units
