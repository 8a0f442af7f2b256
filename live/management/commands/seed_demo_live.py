"""`manage.py seed_demo_live`: an upcoming and a past live session of the demo thrift shop.

Runs after `seed_demo_vouchers` on every `make run`. Safe to run again: each session is found by
its shop and title. The upcoming one is moved to tomorrow evening when its date has passed, so
the home page's "Upcoming" is never empty in the demo; the past one keeps its summary numbers
(as the room's consumers will record them for real sessions).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from live.enums import LiveStatus
from live.models import LiveSession, LiveSessionProduct
from live.services import HOST_ROLES, shop_blocked_words_seed
from shops.enums import ProductStatus
from shops.models import Shop, ShopMember

SHOP_SLUG = "lemari-thrift-jogja"
HOST_USERNAME = "host_thrift"

UPCOMING_TITLE = "Thrift Jumat Malam: Flanel & Denim"
UPCOMING_DESCRIPTION = "Flanel, denim dan jaket pilihan, satu-satunya. Siapa cepat dia dapat!"
PAST_TITLE = "Bongkar Karung: Jaket Vintage"
PAST_DESCRIPTION = "Sesi bongkar karung jaket vintage langsung dari gudang."
PAST_SUMMARY = {
    "peak_viewers": 148,
    "unique_viewers": 612,
    "message_count": 934,
    "like_count": 5_210,
    "order_count": 23,
    "revenue": 2_875_000,
}
FEATURED = 4


def _tomorrow_evening():
    local = timezone.localtime() + timedelta(days=1)
    return local.replace(hour=19, minute=0, second=0, microsecond=0)


class Command(BaseCommand):
    help = "Create the demo live sessions of the thrift shop (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        shop = Shop.objects.filter(slug=SHOP_SLUG).first()
        if shop is None:
            if options["verbosity"]:
                self.stdout.write(f"No shop {SHOP_SLUG}: no demo live sessions.")
            return
        # The demo host presents; without them, the owner does.
        members = (
            ShopMember.objects.filter(shop=shop, role__in=HOST_ROLES).select_related("user").order_by("id")
        )
        host_member = members.filter(user__username=HOST_USERNAME).first() or members.first()
        if host_member is None:
            if options["verbosity"]:
                self.stdout.write(f"{SHOP_SLUG} has no owner or host: no demo live sessions.")
            return
        host = host_member.user
        products = list(
            shop.products.filter(status=ProductStatus.ACTIVE).order_by("-published_at", "-id")[:FEATURED]
        )
        created = 0

        # Once the tour has run the demo live to its end, the next start schedules a fresh one.
        upcoming = LiveSession.objects.filter(
            shop=shop, title=UPCOMING_TITLE, status__in=[LiveStatus.SCHEDULED, LiveStatus.LIVE]
        ).first()
        if upcoming is None:
            upcoming = LiveSession.objects.create(
                shop=shop,
                host=host,
                title=UPCOMING_TITLE,
                description=UPCOMING_DESCRIPTION,
                planned_start=_tomorrow_evening(),
            )
            created += 1
        elif upcoming.status == LiveStatus.SCHEDULED and upcoming.planned_start < timezone.now():
            upcoming.planned_start = _tomorrow_evening()
            upcoming.save(update_fields=["planned_start", "updated_at"])

        past = LiveSession.objects.filter(shop=shop, title=PAST_TITLE).first()
        if past is None:
            started = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0) - timedelta(
                days=3
            )
            past = LiveSession.objects.create(
                shop=shop,
                host=host,
                title=PAST_TITLE,
                description=PAST_DESCRIPTION,
                planned_start=started,
                status=LiveStatus.ENDED,
                started_at=started + timedelta(minutes=2),
                ended_at=started + timedelta(minutes=95),
                **PAST_SUMMARY,
            )
            created += 1

        for session, featured in ((upcoming, products), (past, products[::-1])):
            if not session.session_products.exists():
                LiveSessionProduct.objects.bulk_create(
                    LiveSessionProduct(session=session, product=product, position=position)
                    for position, product in enumerate(featured)
                )
        shop_blocked_words_seed(shop=shop, only_if_empty=True)
        if options["verbosity"]:
            self.stdout.write(f"{created} demo live sessions created.")
