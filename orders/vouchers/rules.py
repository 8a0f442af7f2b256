"""Voucher rules: when a voucher applies, how much it takes off, how a platform voucher is split.

Pure functions over already loaded rows, so the quote and the placement share them and neither
needs a Celery job to have run (validity is checked against `now` every time). The writes that
count usage (conditional UPDATEs on `used_count`) live in orders.vouchers.services.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marketplace.money import format_rupiah
from orders.enums import VoucherKind
from orders.models import Voucher
from shops.models import Shop


@dataclass(frozen=True)
class Problem:
    """Why something cannot be bought as asked: a machine code and a translated message."""

    code: str
    message: str


def voucher_not_found() -> Problem:
    return Problem("voucher_not_found", _("Voucher code not found."))


def voucher_check(
    voucher: Voucher, *, shop: Shop | None, subtotal: int, now: datetime, is_claimed: bool, buyer_uses: int
) -> Problem | None:
    """None when `voucher` may be used, else why not.

    shop: the shop whose items it would discount, None when entered as the platform voucher.
    subtotal: the items it applies to (that shop's, or all items for a platform voucher).
    buyer_uses: the buyer's unreleased redemptions of it (callers hold the buyer's row lock
    when this must be exact).
    """
    if not voucher.is_active:
        return Problem("voucher_inactive", _("This voucher is no longer active."))
    if now < voucher.starts_at:
        return Problem(
            "voucher_not_started",
            _("This voucher is valid from %(date)s.") % {"date": date_format(voucher.starts_at, "j M Y H:i")},
        )
    if now >= voucher.ends_at:
        return Problem("voucher_expired", _("This voucher has ended."))
    if shop is None and not voucher.is_platform:
        return Problem(
            "voucher_wrong_shop", _("This voucher is only for %(shop)s.") % {"shop": voucher.shop.name}
        )
    if shop is not None and voucher.is_platform:
        return Problem("voucher_is_platform", _("This is a Lapak voucher: enter it under the order summary."))
    if shop is not None and voucher.shop_id != shop.pk:
        return Problem(
            "voucher_wrong_shop", _("This voucher is only for %(shop)s.") % {"shop": voucher.shop.name}
        )
    if voucher.is_claimable and not is_claimed:
        return Problem("voucher_not_claimed", _("Claim this voucher first."))
    if voucher.usage_limit is not None and voucher.used_count >= voucher.usage_limit:
        return Problem("voucher_used_up", _("This voucher has run out."))
    if buyer_uses >= voucher.per_user_limit:
        return Problem("voucher_limit_reached", _("You have already used this voucher."))
    if subtotal < voucher.min_spend:
        return Problem(
            "voucher_min_spend", _("Minimum spend %(amount)s.") % {"amount": format_rupiah(voucher.min_spend)}
        )
    return None


def voucher_savings(voucher: Voucher, *, items_amount: int, shipping_fee: int) -> tuple[int, int]:
    """(items discount, shipping discount) in rupiah; never more than what each applies to."""
    items_amount, shipping_fee = max(0, items_amount), max(0, shipping_fee)
    if voucher.kind == VoucherKind.FREE_SHIPPING:
        cap = shipping_fee if voucher.max_discount is None else voucher.max_discount
        return 0, max(0, min(shipping_fee, cap))
    if voucher.kind == VoucherKind.PERCENT:
        discount = items_amount * voucher.value // 100  # round down: never give more than promised
        if voucher.max_discount is not None:
            discount = min(discount, voucher.max_discount)
    else:
        discount = voucher.value
    return max(0, min(discount, items_amount)), 0


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` over `weights` proportionally, in whole rupiah, summing exactly to `total`.

    Largest remainder method: everyone gets the floor of their share, the rupiah left over go to
    the largest fractional parts (ties to the earlier weight). With total <= sum(weights) no part
    exceeds its weight, so a discount share never exceeds the order it is taken from.
    """
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    if total > whole:
        raise ValueError("Cannot allocate more than the weights add up to.")
    parts = [total * weight // whole for weight in weights]
    remainders = [total * weight % whole for weight in weights]
    left = total - sum(parts)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[index] += 1
    return parts
