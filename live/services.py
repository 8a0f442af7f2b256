"""Every write to live selling that is more than a form save.

Plain functions with keyword-only arguments, one transaction each, called by the admin, the
host's console and the room's pages, tasks, the room's tick (live/local_room.py records its
numbers), the demo seeder and tests. What the room's socket writes goes through live/chat.py and
live/moderation.py; flash deals and one-off items through live/deals.py, live/claims.py and live/checkout.py.

Session status moves only through `session_transition` (LIVE_MACHINE in live/enums.py), under
the session's row lock, each move with its LiveSessionEvent. Going live tells the shop's
followers and the shoppers who asked for a reminder, from a Celery task queued after the
commit: a shop may have many followers.

Lock order: a session's row before its deals' and their claims' rows, each by id (live/deals.py
and live/claims.py give the whole order, which extends orders').
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from live import policy
from live.broadcast import room_push
from live.deals import deals_close_for_session
from live.enums import DEFAULT_BLOCKED_WORDS, LIVE_EVENT_KINDS, LIVE_MACHINE, LiveSessionEventKind, LiveStatus
from live.errors import (
    LiveHostNotAllowed,
    LivePinNotAllowed,
    LiveScheduleInvalid,
    LiveShopNotActive,
    ReminderNotAllowed,
    ShopAlreadyLive,
)
from live.models import (
    ChatMessage,
    FlashDeal,
    LiveBlockedWord,
    LiveOrder,
    LiveReminder,
    LiveSession,
    LiveSessionEvent,
    LiveSessionProduct,
)
from live.policy import user_may_host
from live.selectors import NOT_SOLD_STATUSES
from live.state import pinned_payload, running_q
from live.tasks import notify_session_live
from marketplace.transitions import transition
from shops.enums import ProductStatus
from shops.models import Product, Shop

# --- Checks (shared by the services and the admin's form) ---------------------------------------


def check_session_host(*, shop_id: int, host) -> None:
    """The presenter must be a member of the shop with the owner or host role (never just staff)."""
    if not policy.user_may_present(user=host, shop_id=shop_id):
        raise LiveScheduleInvalid(_("The host must be the shop's owner or one of its live hosts."))


def check_planned_start(*, planned_start: datetime) -> None:
    if timezone.is_naive(planned_start):
        raise LiveScheduleInvalid(_("The planned start needs a time zone."))
    if planned_start < timezone.now():
        raise LiveScheduleInvalid(_("The planned start must be in the future."))


def check_products_of_shop(*, shop_id: int, products: Iterable[Product]) -> None:
    if any(product.shop_id != shop_id for product in products):
        raise LiveScheduleInvalid(_("Only the shop's own products can be featured."))


# --- Scheduling ---------------------------------------------------------------------------------


@transaction.atomic
def session_schedule(
    *,
    shop: Shop,
    host,
    actor,
    title: str,
    planned_start: datetime,
    products: Sequence[Product] = (),
    description: str = "",
    cover=None,
    slow_mode_seconds: int = 0,
) -> LiveSession:
    """Schedule a session of `shop` presented by `host`, featuring `products` in that order.

    The actor and the host must both be the shop's owner or live hosts. The shop's first
    session gives its chat the default blocked-word list (shop_blocked_words_seed).
    """
    if not user_may_host(user=actor, shop_id=shop.pk):
        raise LiveHostNotAllowed
    check_session_host(shop_id=shop.pk, host=host)
    check_planned_start(planned_start=planned_start)
    check_products_of_shop(shop_id=shop.pk, products=products)
    is_first = not LiveSession.objects.filter(shop=shop).exists()
    session = LiveSession.objects.create(
        shop=shop,
        host=host,
        title=title,
        description=description,
        planned_start=planned_start,
        cover=cover or "",
        slow_mode_seconds=slow_mode_seconds,
    )
    LiveSessionProduct.objects.bulk_create(
        LiveSessionProduct(session=session, product=product, position=position)
        for position, product in enumerate(products)
    )
    _scheduled_record(session=session, actor=actor)
    if is_first:
        shop_blocked_words_seed(shop=shop, only_if_empty=True)
    return session


def _scheduled_record(*, session: LiveSession, actor) -> None:
    LiveSessionEvent.objects.create(
        session=session,
        actor=actor,
        kind=LiveSessionEventKind.SCHEDULED,
        from_status="",
        to_status=session.status,
    )


def shop_blocked_words_seed(*, shop: Shop, only_if_empty: bool = False) -> int:
    """Add the default Indonesian list (DEFAULT_BLOCKED_WORDS) to the shop's chat blocked words.

    Decision: the defaults are copied into the shop's own rows rather than merged in code, so a
    seller can delete a word that is innocent in their trade. Copied once, when the shop
    schedules its first session and has no words yet (`only_if_empty`); a seller who empties
    the list later keeps it empty. Existing words are kept. Returns how many were added.
    """
    if only_if_empty and LiveBlockedWord.objects.filter(shop=shop).exists():
        return 0
    existing = set(LiveBlockedWord.objects.filter(shop=shop).values_list("word", flat=True))
    missing = [word for word in DEFAULT_BLOCKED_WORDS if word not in existing]
    LiveBlockedWord.objects.bulk_create(
        [LiveBlockedWord(shop=shop, word=word) for word in missing], ignore_conflicts=True
    )
    return len(missing)


# --- Transitions --------------------------------------------------------------------------------


def session_transition(*, session: LiveSession, to: str, actor) -> LiveSession:
    """Move `session` to `to` if LIVE_MACHINE allows it, under the row lock, writing its
    LiveSessionEvent in the same transaction (marketplace.transitions.transition).

    Refuses with TransitionNotAllowed (nothing written) otherwise, and with
    LiveHostNotAllowed unless the actor may host the shop. Sets started_at / ended_at.
    `session` is refreshed in place from the locked row.
    """
    with transaction.atomic():
        # Locked here already: who may move it and whether the shop may go live are read under
        # the lock, before the move (transition() takes the same lock again, at no wait).
        locked = LiveSession.objects.select_for_update().select_related("shop").get(pk=session.pk)
        if not user_may_host(user=actor, shop_id=locked.shop_id):
            raise LiveHostNotAllowed
        LIVE_MACHINE.check(locked.status, to)
        now = timezone.now()
        changes = {}
        if to == LiveStatus.LIVE:
            if not locked.shop.is_active:
                raise LiveShopNotActive
            changes["started_at"] = now
        elif to == LiveStatus.ENDED:
            changes["ended_at"] = now

        def record(moved: LiveSession, previous: str) -> None:
            LiveSessionEvent.objects.create(
                session=moved, actor=actor, kind=LIVE_EVENT_KINDS[to], from_status=previous, to_status=to
            )

        try:
            with transaction.atomic():
                locked = transition(
                    machine=LIVE_MACHINE, instance=locked, to=to, changes=changes, record=record
                )
        except IntegrityError as error:
            if "one_live_session_per_shop" in str(error):
                raise ShopAlreadyLive from None
            raise
    for field in ("status", "started_at", "ended_at", "updated_at"):
        setattr(session, field, getattr(locked, field))
    return session


@transaction.atomic
def session_go_live(*, session: LiveSession, actor) -> LiveSession:
    """scheduled → live. Followers and reminder holders are told by a task after the commit."""
    session_transition(session=session, to=LiveStatus.LIVE, actor=actor)
    session_id = session.pk
    transaction.on_commit(lambda: notify_session_live.delay(session_id), robust=True)
    room_push(session.pk, {"type": "session", "status": session.status})
    return session


@transaction.atomic
def session_end(*, session: LiveSession, actor) -> LiveSession:
    """live → ended: any running flash deal ends with it, and the summary is recomputed."""
    session_transition(session=session, to=LiveStatus.ENDED, actor=actor)
    deals_close_for_session(session=session, now=session.ended_at, actor=actor)
    session_refresh_summary(session=session)
    room_push(session.pk, {"type": "session", "status": session.status})
    return session


def session_pin(*, session: LiveSession, actor, product: Product | None) -> LiveSession:
    """Show `product` on top of the room for every viewer (None takes it down).

    Refused unless the actor may host the shop, the session is live and the product is the
    shop's and on sale. Locks the session row; viewers hear it after the commit.
    """
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().select_related("shop").get(pk=session.pk)
        if not user_may_host(user=actor, shop_id=locked.shop_id):
            raise LiveHostNotAllowed
        if locked.status != LiveStatus.LIVE:
            raise LivePinNotAllowed(_("Products can be pinned only while the session is live."))
        on_sale = product is None or (
            product.shop_id == locked.shop_id and product.status == ProductStatus.ACTIVE
        )
        if not on_sale:
            raise LivePinNotAllowed(_("Only the shop's own products on sale can be pinned."))
        locked.pinned_product = product
        locked.save(update_fields=["pinned_product", "updated_at"])
        room_push(locked.pk, {"type": "pinned", "product": pinned_payload(locked)})
    session.pinned_product = product
    return session


def session_cancel(*, session: LiveSession, actor) -> LiveSession:
    """scheduled → cancelled (a session that will not happen); refused once it went live."""
    return session_transition(session=session, to=LiveStatus.CANCELLED, actor=actor)


def session_refresh_summary(*, session: LiveSession) -> LiveSession:
    """Recount what the database knows: orders and revenue from LiveOrder, and chat messages.

    Revenue is the goods sold (order subtotals less the shop's discount), without shipping, of
    the session's orders that were not cancelled or returned. Viewer and like counts come from
    the room's consumers (Redis) and are left as they are.
    """
    orders = LiveOrder.objects.filter(session=session).exclude(order__status__in=NOT_SOLD_STATUSES)
    totals = orders.aggregate(subtotal=Sum("order__subtotal"), discount=Sum("order__discount"))
    session.order_count = orders.count()
    session.revenue = max((totals["subtotal"] or 0) - (totals["discount"] or 0), 0)
    session.message_count = ChatMessage.objects.filter(session=session).count()
    session.save(update_fields=["order_count", "revenue", "message_count", "updated_at"])
    return session


# --- Reminders ----------------------------------------------------------------------------------


def live_reminder_set(*, user, session: LiveSession) -> bool:
    """Ask to be told when `session` goes live; False when already asked. Upcoming sessions only."""
    if session.status != LiveStatus.SCHEDULED or not session.shop.is_active:
        raise ReminderNotAllowed
    _reminder, created = LiveReminder.objects.get_or_create(session=session, user=user)
    return created


def live_reminder_delete(*, user, session: LiveSession) -> bool:
    deleted, _counts = LiveReminder.objects.filter(session=session, user=user).delete()
    return bool(deleted)


# --- The room's counters ------------------------------------------------------------------------


def session_stats_record(*, session_id: int, viewers: int, likes: int, unique_viewers: int) -> bool:
    """Raises the session's peak viewers, likes and unique viewers to what the room counted.

    Never lowers them (GREATEST), so ticks from several processes, or one after a Redis restart,
    cannot undo each other. One UPDATE, which touches the row only when a number grew; it skips
    `save()` on purpose (no `updated_at`, no cache-dropping signal for a counter). True if written.
    """
    return bool(
        LiveSession.objects.filter(pk=session_id)
        .filter(Q(peak_viewers__lt=viewers) | Q(like_count__lt=likes) | Q(unique_viewers__lt=unique_viewers))
        .update(
            peak_viewers=Greatest("peak_viewers", Value(viewers)),
            like_count=Greatest("like_count", Value(likes)),
            unique_viewers=Greatest("unique_viewers", Value(unique_viewers)),
        )
    )


def session_numbers(*, session_id: int) -> dict:
    """What the room's tick adds to the counters kept in Redis: orders and revenue so far (from
    the session row, which live checkout raises) and the running deal's units left."""
    numbers = LiveSession.objects.filter(pk=session_id).values("order_count", "revenue").first() or {}
    deal = (
        FlashDeal.objects.filter(running_q(now=timezone.now()), session_id=session_id)
        .values("pk", "units", "units_claimed")
        .first()
    )
    return {
        "orders": numbers.get("order_count", 0),
        "revenue": numbers.get("revenue", 0),
        "deal": {"id": deal["pk"], "units_left": max(deal["units"] - deal["units_claimed"], 0)}
        if deal
        else None,
    }
