"""Template tags that let pages of lower apps show orders things without importing `orders`.

The shop page (shops app) shows the shop's vouchers with `{% shop_vouchers shop %}`: `shops`
never imports `orders`, the template layer joins them.
"""

from django import template

from orders import formatting
from orders.vouchers import selectors as wallet

register = template.Library()


@register.inclusion_tag("orders/_shop_vouchers.html", takes_context=True)
def shop_vouchers(context, shop):
    """The shop's vouchers claimable now, each with "claimed" for the viewer."""
    request = context["request"]
    return {
        "shop": shop,
        "vouchers": wallet.voucher_list_offered_by_shop(shop=shop, user=request.user),
        # An inclusion tag starts a fresh context: the Klaim forms need the token passed on.
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }


@register.filter
def voucher_benefit(voucher) -> str:
    """ "10% off up to Rp 20.000" and the like."""
    return formatting.voucher_benefit(voucher)


@register.inclusion_tag("orders/_voucher_card.html", takes_context=True)
def voucher_card(context, voucher, show_shop=False):
    """One voucher ticket with its claim button (or "claimed"), for the shop page and the wallet."""
    return {
        "voucher": voucher,
        "show_shop": show_shop,
        "csrf_token": context.get("csrf_token"),
        "next": context.get("next") or context["request"].get_full_path(),
        "is_claimed": getattr(voucher, "is_claimed", True),
    }
