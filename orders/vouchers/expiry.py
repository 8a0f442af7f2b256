"""Voucher expiry jobs: warn holders a day before a claimed voucher ends, retire ended vouchers.

Both are safe to run twice. Validity never depends on them (orders.vouchers.rules.voucher_check
compares against `now` every time); they keep the wallet tidy and tell buyers in time.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marketplace.models import Notification
from marketplace.notifications import notify
from orders.models import Voucher, VoucherClaim, VoucherRedemption
from orders.vouchers.selectors import shop_vouchers_changed

WARN_BEFORE = timedelta(days=1)
EXPIRING_KIND = "voucher_expiring"


def voucher_expiring_url(voucher: Voucher) -> str:
    """The link in the warning, one per voucher: with the kind it says "this holder was warned"."""
    return f"{reverse('voucher_wallet')}?voucher={voucher.pk}"


def vouchers_warn_expiring(*, now: datetime | None = None) -> int:
    """Notify every holder of an active voucher ending within WARN_BEFORE who can still use it
    (unreleased uses below per_user_limit, the voucher not run out); returns how many were told.

    Idempotent per (holder, voucher): a holder who already has a "voucher_expiring"
    notification with this voucher's url is skipped. Each voucher in its own transaction,
    with the voucher row locked so two overlapping runs warn once.
    """
    now = now or timezone.now()
    voucher_ids = list(
        Voucher.objects.filter(
            is_active=True, ends_at__gt=now, ends_at__lte=now + WARN_BEFORE, claims__isnull=False
        )
        .filter(Q(usage_limit__isnull=True) | Q(used_count__lt=F("usage_limit")))
        .distinct()
        .order_by("ends_at", "id")
        .values_list("pk", flat=True)
    )
    warned = 0
    for voucher_id in voucher_ids:
        with transaction.atomic():
            voucher = Voucher.objects.select_for_update().filter(pk=voucher_id, is_active=True).first()
            if voucher is None:
                continue
            url = voucher_expiring_url(voucher)
            claims = list(VoucherClaim.objects.filter(voucher=voucher).select_related("user").order_by("id"))
            already_warned = set(
                Notification.objects.filter(
                    kind=EXPIRING_KIND, url=url, user_id__in=[claim.user_id for claim in claims]
                ).values_list("user_id", flat=True)
            )
            uses = dict(
                VoucherRedemption.objects.filter(voucher=voucher, released_at__isnull=True)
                .values("user_id")
                .annotate(uses=Count("id"))
                .values_list("user_id", "uses")
            )
            holders = [
                claim
                for claim in claims
                if claim.user_id not in already_warned and uses.get(claim.user_id, 0) < voucher.per_user_limit
            ]
            ends = date_format(timezone.localtime(voucher.ends_at), "j M Y H:i")
            for claim in holders:
                notify(
                    user=claim.user,
                    kind=EXPIRING_KIND,
                    title=_("Your voucher %(code)s ends soon") % {"code": voucher.code},
                    body=_("%(title)s can be used until %(date)s.") % {"title": voucher.title, "date": ends},
                    url=url,
                )
                warned += 1
    return warned


def vouchers_deactivate_expired(*, now: datetime | None = None) -> int:
    """Mark every ended voucher inactive (one UPDATE); returns how many. Twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        ended = Voucher.objects.filter(is_active=True, ends_at__lte=now)
        shop_ids = set(ended.values_list("shop_id", flat=True))
        deactivated = ended.update(is_active=False)
        # The shop pages' cached strips hold these rows: drop them as the admin's saves do.
        for shop_id in sorted(shop_ids, key=lambda pk: pk or 0):
            shop_vouchers_changed(shop_id=shop_id)
    return deactivated
