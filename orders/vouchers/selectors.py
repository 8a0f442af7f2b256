"""Reads of the voucher wallet: which vouchers a buyer may claim now, and which they hold.

Claiming is orders.vouchers.services.voucher_claim; saving one (the admin) is voucher_save. A
claim only saves a voucher for later; whether it applies to a checkout (minimum spend, uses
left, per-buyer limit) is the checkout's decision.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from orders.models import Voucher, VoucherClaim
from shops.models import Shop


def _valid_now() -> Q:
    now = timezone.now()
    return Q(is_active=True, starts_at__lte=now, ends_at__gt=now) & (
        Q(usage_limit__isnull=True) | Q(used_count__lt=F("usage_limit"))
    )


def voucher_list_claimable(*, user, shop: Shop | None) -> QuerySet[Voucher]:
    """Vouchers offered for claiming now: the shop's, or the platform's when `shop` is None.

    Each carries `is_claimed` for `user` (False for visitors), in the same single query.
    """
    vouchers = Voucher.objects.filter(_valid_now(), is_claimable=True)
    vouchers = vouchers.filter(shop=shop) if shop is not None else vouchers.filter(shop__isnull=True)
    if user.is_authenticated:
        claimed = Exists(VoucherClaim.objects.filter(voucher=OuterRef("pk"), user=user))
    else:
        claimed = Value(False, output_field=BooleanField())
    return vouchers.annotate(is_claimed=claimed).order_by("ends_at", "id")


# The shop page's voucher strip is read on every visit and changes rarely: the shop's offered
# vouchers are cached (not the viewer's claims), dropped when the admin saves one, and at most
# this old otherwise (used_count moves at checkout; a used-up voucher then fails to claim cleanly).
SHOP_VOUCHERS_TTL = 60


def _shop_vouchers_key(shop_id: int) -> str:
    return f"orders:shop-vouchers:{shop_id}"


def voucher_list_offered_by_shop(*, shop: Shop, user) -> list[Voucher]:
    """The shop's vouchers claimable now, each with `is_claimed` for `user`.

    Costs nothing on a warm cache for visitors and for shops without vouchers, one query (the
    viewer's claims) otherwise; a cold cache adds the voucher read.
    """
    key = _shop_vouchers_key(shop.pk)
    vouchers = cache.get(key)
    if vouchers is None:
        vouchers = list(
            Voucher.objects.filter(shop=shop, is_active=True, is_claimable=True, ends_at__gt=timezone.now())
            .filter(Q(usage_limit__isnull=True) | Q(used_count__lt=F("usage_limit")))
            .order_by("ends_at", "id")
        )
        cache.set(key, vouchers, SHOP_VOUCHERS_TTL)
    # The window is checked on every read, so a cached list never offers an ended voucher.
    now = timezone.now()
    vouchers = [voucher for voucher in vouchers if voucher.starts_at <= now < voucher.ends_at]
    claimed: set[int] = set()
    if vouchers and user.is_authenticated:
        claimed = set(
            VoucherClaim.objects.filter(user=user, voucher__in=[v.pk for v in vouchers]).values_list(
                "voucher_id", flat=True
            )
        )
    for voucher in vouchers:
        voucher.is_claimed = voucher.pk in claimed
    return vouchers


def shop_vouchers_changed(*, shop_id: int | None) -> None:
    """Drop the shop's cached voucher strip once the change is committed (platform: nothing cached)."""
    if shop_id is not None:
        transaction.on_commit(lambda: cache.delete(_shop_vouchers_key(shop_id)), robust=True)


def voucher_list_in_wallet(*, user) -> QuerySet[Voucher]:
    """The user's claimed vouchers that can still be used (or will be, once their window opens)."""
    now = timezone.now()
    return (
        Voucher.objects.filter(claims__user=user, is_active=True, ends_at__gt=now)
        .filter(Q(usage_limit__isnull=True) | Q(used_count__lt=F("usage_limit")))
        .select_related("shop")
        .order_by("ends_at", "id")
    )


def voucher_get_claimable(*, voucher_id: int) -> Voucher:
    """The voucher if it may be claimed right now; raises Voucher.DoesNotExist otherwise."""
    return Voucher.objects.select_related("shop").get(_valid_now(), is_claimable=True, pk=voucher_id)
