"""Every write of vouchers: saving one (the admin), claiming one, counting and releasing its uses.

Uses are counted by conditional UPDATEs on `used_count` (never past usage_limit, the
voucher_never_over_used CHECK backs it); the checkout and the order lifecycle call these inside
their own transactions and lock order (orders/lifecycle.py): voucher rows come after the
variant and product rows, in id order.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from orders.enums import OrderStatus
from orders.models import Checkout, Order, Voucher, VoucherClaim, VoucherRedemption
from orders.selectors import Quote
from orders.vouchers.selectors import shop_vouchers_changed


def voucher_save(*, voucher: Voucher) -> Voucher:
    """Create or update `voucher` (the admin's form has validated it) and drop the shop's cached
    voucher strip once committed, so shoppers see the change on their next page."""
    with transaction.atomic():
        voucher.save()
        shop_vouchers_changed(shop_id=voucher.shop_id)
    return voucher


@transaction.atomic
def voucher_claim(*, user, voucher: Voucher) -> bool:
    """Save a claimable voucher into the user's wallet; False when already there.

    Claiming does not count as a use (used_count moves at checkout only).
    """
    if not voucher.is_claimable:
        raise PermissionDenied("This voucher is not offered for claiming.")
    _, created = VoucherClaim.objects.get_or_create(voucher=voucher, user=user)
    return created


def vouchers_count_use(*, vouchers: Iterable[Voucher]) -> Voucher | None:
    """Count one use of each voucher, in id order; returns the first that has run out (the
    caller then rolls its transaction back), None when all were counted.

    The conditional UPDATE is what makes usage_limit hold under concurrency (the quote's check
    read a count that may be stale by now); the voucher_never_over_used CHECK backs it.
    """
    for voucher in sorted(vouchers, key=lambda v: v.pk):
        counted = (
            Voucher.objects.filter(pk=voucher.pk)
            .filter(_under_limit())
            .update(used_count=F("used_count") + 1)
        )
        if not counted:
            return voucher
    return None


def _under_limit() -> Q:
    return Q(usage_limit__isnull=True) | Q(used_count__lt=F("usage_limit"))


def voucher_redemptions_record(*, quote: Quote, checkout: Checkout, buyer) -> None:
    """One VoucherRedemption per voucher the placed `quote` applied (shop vouchers, platform)."""
    redemptions = [
        VoucherRedemption(
            voucher=part.voucher,
            user=buyer,
            checkout=checkout,
            amount=part.discount + part.shipping_discount,
        )
        for part in quote.shops
        if part.voucher
    ]
    if quote.platform_voucher:
        redemptions.append(
            VoucherRedemption(
                voucher=quote.platform_voucher, user=buyer, checkout=checkout, amount=quote.platform_discount
            )
        )
    VoucherRedemption.objects.bulk_create(redemptions)


def vouchers_release_for_order(*, order: Order) -> None:
    """Give back the uses `order` counted: its shop voucher's, and the platform voucher's once no
    order of its checkout still uses it. The caller holds the order's and the checkout's locks
    (the checkout row lock makes "the last one" exact)."""
    now = timezone.now()
    to_release = []
    if order.shop_voucher_id:
        to_release.append(order.shop_voucher_id)
    platform_voucher_id = (
        Checkout.objects.filter(pk=order.checkout_id).values_list("platform_voucher_id", flat=True).first()
    )
    # A platform voucher counted once for the whole checkout.
    if (
        platform_voucher_id
        and not Order.objects.filter(checkout_id=order.checkout_id)
        .exclude(status=OrderStatus.CANCELLED)
        .exists()
    ):
        to_release.append(platform_voucher_id)
    for voucher_id in sorted(set(to_release)):
        released = VoucherRedemption.objects.filter(
            voucher_id=voucher_id, checkout_id=order.checkout_id, released_at__isnull=True
        ).update(released_at=now)
        if released:
            Voucher.objects.filter(pk=voucher_id, used_count__gt=0).update(used_count=F("used_count") - 1)
