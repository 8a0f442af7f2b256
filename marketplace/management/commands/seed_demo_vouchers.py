"""`manage.py seed_demo_vouchers`: the vouchers the demo tour uses, created once.

Runs after `seed_demo` on every `make run`; a voucher whose code exists is left as it is (its
window is not moved), so an edit made in the admin survives restarts.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from marketplace.models import User
from orders.enums import VoucherKind
from orders.models import Voucher, VoucherClaim
from orders.vouchers.selectors import shop_vouchers_changed
from shops.models import Shop

VALID_DAYS = 365

# code, shop slug (None: platform), title, kind, value, max discount, min spend, claimable
# (a claimable voucher is saved to the wallet first; the others are codes typed at checkout)
VOUCHERS = [
    ("LAPAKHEMAT", None, "Diskon 10% s.d. Rp 25.000", VoucherKind.PERCENT, 10, 25_000, 100_000, True),
    (
        "GRATISONGKIR",
        None,
        "Gratis ongkir s.d. Rp 20.000",
        VoucherKind.FREE_SHIPPING,
        0,
        20_000,
        50_000,
        False,
    ),
    (
        "BATIK20",
        "batik-pekalongan-asli",
        "Potongan Rp 20.000",
        VoucherKind.FIXED,
        20_000,
        None,
        150_000,
        True,
    ),
    (
        "THRIFT15",
        "lemari-thrift-jogja",
        "Diskon 15% s.d. Rp 30.000",
        VoucherKind.PERCENT,
        15,
        30_000,
        75_000,
        True,
    ),
]
# Buyers who start with the platform discount already in their wallet.
CLAIMED_BY = ["andi"]


class Command(BaseCommand):
    help = "Create the demo vouchers (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        now = timezone.now()
        created = 0
        for code, shop_slug, title, kind, value, max_discount, min_spend, claimable in VOUCHERS:
            shop = None
            if shop_slug:
                shop = Shop.objects.filter(slug=shop_slug).first()
                if shop is None:
                    continue  # that demo shop was deleted: nothing to attach it to
            _, was_created = Voucher.objects.get_or_create(
                code=code,
                defaults={
                    "shop": shop,
                    "title": title,
                    "kind": kind,
                    "value": value,
                    "max_discount": max_discount,
                    "min_spend": min_spend,
                    "starts_at": now - timedelta(days=1),
                    "ends_at": now + timedelta(days=VALID_DAYS),
                    "per_user_limit": 3,
                    "is_claimable": claimable,
                },
            )
            created += was_created
            if was_created:
                shop_vouchers_changed(shop_id=shop.pk if shop else None)
        platform = Voucher.objects.filter(code="LAPAKHEMAT").first()
        for user in User.objects.filter(username__in=CLAIMED_BY):
            if platform:
                VoucherClaim.objects.get_or_create(voucher=platform, user=user)
        if options["verbosity"]:
            self.stdout.write(f"{created} demo vouchers created.")
