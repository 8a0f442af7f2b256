"""How vouchers read to people: the admin's value column and the wallet's headline share these."""

from django.utils.translation import gettext as _

from marketplace.money import format_rupiah
from orders.enums import VoucherKind
from orders.models import Voucher


def voucher_value(voucher: Voucher) -> str:
    """Short form for the admin: "10% up to Rp 20.000", "Rp 15.000", "Free shipping up to Rp 10.000"."""
    if voucher.kind == VoucherKind.PERCENT:
        return _("%(percent)s%% up to %(cap)s") % {
            "percent": voucher.value,
            "cap": format_rupiah(voucher.max_discount),
        }
    if voucher.kind == VoucherKind.FREE_SHIPPING:
        return _("Free shipping up to %(cap)s") % {"cap": format_rupiah(voucher.max_discount)}
    return format_rupiah(voucher.value)


def voucher_benefit(voucher: Voucher) -> str:
    """Headline for buyers: "10% off up to Rp 20.000", "Rp 15.000 off", "Free shipping up to …"."""
    if voucher.kind == VoucherKind.PERCENT:
        return _("%(percent)s%% off up to %(cap)s") % {
            "percent": voucher.value,
            "cap": format_rupiah(voucher.max_discount),
        }
    if voucher.kind == VoucherKind.FREE_SHIPPING:
        return _("Free shipping up to %(cap)s") % {"cap": format_rupiah(voucher.max_discount)}
    return _("%(amount)s off") % {"amount": format_rupiah(voucher.value)}
