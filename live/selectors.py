"""Every shopper-facing read of live sessions, with its joins done once.

Visibility: shoppers see a session when its shop is active and it was not cancelled; anything
else answers 404. Viewer counts come from Redis (live.presence), never from SQL.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from live.enums import LiveStatus
from live.models import LiveReminder, LiveSession
from live.presence import viewer_counts
from orders.enums import OrderStatus
from orders.models import OrderItem
from shops.enums import ShopStatus
from shops.models import Product, Shop
from shops.selectors import product_list_visible

# "Upcoming" on the home page: what starts within the week. A session whose host is late stays
# listed for a while after its planned start, then is treated as stale.
UPCOMING_WINDOW = timedelta(days=7)
LATE_START_GRACE = timedelta(hours=2)
HOME_LIMIT = 24
SHOP_LIMIT = 6
# Orders that no longer count towards a session's summary.
NOT_SOLD_STATUSES = (OrderStatus.CANCELLED, OrderStatus.RETURNED)


def session_list_visible() -> QuerySet[LiveSession]:
    return (
        LiveSession.objects.filter(shop__status=ShopStatus.ACTIVE)
        .exclude(status=LiveStatus.CANCELLED)
        .select_related("shop")
    )


def session_get_visible(*, session_id: int) -> LiveSession:
    """Raises LiveSession.DoesNotExist for unknown, cancelled and suspended shops' sessions alike."""
    return session_list_visible().get(pk=session_id)


@dataclass
class LiveStrip:
    live_now: list[LiveSession] = field(default_factory=list)
    upcoming: list[LiveSession] = field(default_factory=list)
    past: list[LiveSession] = field(default_factory=list)


# --- The strips (home, shop page), cached ------------------------------------------------------
# Read on every home and shop page visit, changed a few times a day: the sessions are cached
# (never the viewer counts, which come from live.presence, nor a viewer's reminders), dropped
# after the commit of any save or delete of a session or of its shop (live/apps.py), and at
# most STRIP_TTL old otherwise. Time windows are re-applied on every read, so a cached list
# never shows a stale "upcoming" session past its grace.
STRIP_TTL = 30
HOME_STRIP_KEY = "live:strip:home"


def _shop_strip_key(shop_id: int) -> str:
    return f"live:strip:shop:{shop_id}"


def live_strips_changed(*, shop_id: int) -> None:
    """Drop the cached strips that may show this shop's sessions, once the change is committed."""
    # robust: with Redis down the change is committed all the same, and the caller (a pin, a go
    # live) must not fail for it; the strips are then at most STRIP_TTL old.
    transaction.on_commit(lambda: cache.delete_many([HOME_STRIP_KEY, _shop_strip_key(shop_id)]), robust=True)


def _live_first():
    return Case(When(status=LiveStatus.LIVE, then=Value(0)), default=Value(1), output_field=IntegerField())


def _is_current(session: LiveSession, now) -> bool:
    if session.status == LiveStatus.LIVE:
        return True
    return session.status == LiveStatus.SCHEDULED and session.planned_start >= now - LATE_START_GRACE


def _with_viewers(sessions: list[LiveSession]) -> list[LiveSession]:
    counts = viewer_counts(session_ids=[s.pk for s in sessions if s.status == LiveStatus.LIVE])
    for session in sessions:
        session.viewer_count = counts.get(session.pk, 0)
    return sessions


def _split(sessions: list[LiveSession], now) -> tuple[list[LiveSession], list[LiveSession]]:
    current = [s for s in sessions if _is_current(s, now)]
    live_now = sorted(
        (s for s in current if s.status == LiveStatus.LIVE),
        key=lambda s: (s.started_at, s.pk),
        reverse=True,
    )
    upcoming = [s for s in current if s.status == LiveStatus.SCHEDULED]
    return _with_viewers(live_now), upcoming


def session_list_home(*, limit: int = HOME_LIMIT) -> LiveStrip:
    """Live now (newest first, with viewer counts) and upcoming this week (soonest first).

    One query on a cold cache, none on a warm one. Live sessions sort before scheduled ones, so
    a busy week of schedules never crowds them out of the limit.
    """
    sessions = cache.get(HOME_STRIP_KEY)
    if sessions is None:
        now = timezone.now()
        upcoming = Q(
            status=LiveStatus.SCHEDULED,
            planned_start__gte=now - LATE_START_GRACE,
            planned_start__lte=now + UPCOMING_WINDOW,
        )
        sessions = list(
            session_list_visible()
            .filter(Q(status=LiveStatus.LIVE) | upcoming)
            .annotate(live_first=_live_first())
            .order_by("live_first", "planned_start", "id")[:limit]
        )
        cache.set(HOME_STRIP_KEY, sessions, STRIP_TTL)
    live_now, upcoming = _split(sessions, timezone.now())
    return LiveStrip(live_now=live_now, upcoming=upcoming)


def session_list_for_shop(*, shop: Shop, limit: int = SHOP_LIMIT) -> LiveStrip:
    """A shop page's lives: on air and upcoming (soonest first), then its latest past sessions.

    Two queries on a cold cache, none on a warm one.
    """
    key = _shop_strip_key(shop.pk)
    cached = cache.get(key)
    if cached is None:
        now = timezone.now()
        sessions = session_list_visible().filter(shop=shop)
        current = list(
            sessions.filter(
                Q(status=LiveStatus.LIVE)
                | Q(status=LiveStatus.SCHEDULED, planned_start__gte=now - LATE_START_GRACE)
            )
            .annotate(live_first=_live_first())
            .order_by("live_first", "planned_start", "id")[:limit]
        )
        past = list(sessions.filter(status=LiveStatus.ENDED).order_by("-ended_at", "-id")[:limit])
        cached = (current, past)
        cache.set(key, cached, STRIP_TTL)
    current, past = cached
    live_now, upcoming = _split(current, timezone.now())
    return LiveStrip(live_now=live_now, upcoming=upcoming, past=past)


def session_featured_products(*, session: LiveSession) -> list[Product]:
    """The session's featured products shoppers may see, in the host's order, ready for cards."""
    return list(
        product_list_visible(shop=session.shop)
        .filter(live_features__session=session)
        .order_by("live_features__position", "live_features__id")
    )


def sessions_with_reminder(*, user, session_ids: Iterable[int]) -> set[int]:
    """Which of `session_ids` the user asked a reminder for (one query; none when logged out)."""
    ids = list(session_ids)
    if not ids or not user.is_authenticated:
        return set()
    return set(
        LiveReminder.objects.filter(user=user, session_id__in=ids).values_list("session_id", flat=True)
    )


def session_top_products(*, session: LiveSession, limit: int = 5) -> list[dict]:
    """The session's best sellers by units, from its live orders' items (cancelled and returned
    orders left out): [{"title", "units", "revenue"}], one query."""
    return list(
        OrderItem.objects.filter(order__live_origin__session=session)
        .exclude(order__status__in=NOT_SOLD_STATUSES)
        # By product and its snapshot title: items of a since-deleted product (product NULL)
        # stay apart instead of merging into one row.
        .values("product_id", "title")
        .annotate(units=Sum("quantity"), revenue=Sum("line_total"))
        .order_by("-units", "-revenue", "title")[:limit]
    )
