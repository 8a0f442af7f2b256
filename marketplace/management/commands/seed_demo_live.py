"""`manage.py seed_demo_live`: an upcoming and a past live session of the demo thrift shop.

Runs after `seed_demo_vouchers` on every `make run`. Safe to run again: each session is found by
its shop and title. The upcoming one is moved to tomorrow evening when its date has passed, so
the home page's "Upcoming" is never empty in the demo.

The past one is told through the live services, as a real one happens: scheduled, gone live,
chat, the demo buyers' orders of one-off jackets through live checkout (then paid, shipped,
delivered, reviewed or expired by marketplace/demo/orders.py), the room's viewer and like counts
(`session_stats_record`, as the consumers' tick writes them), and ended, which recounts its
orders, revenue and messages. Then its rows are dated to a week ago. Its summary in the admin
is therefore what its orders and chat add up to.
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from live.chat import chat_message_post
from live.checkout import live_checkout_place
from live.enums import LiveStatus
from live.models import ChatMessage, LiveOrder, LiveSession, LiveSessionProduct
from live.policy import HOST_MEMBER_ROLES
from live.room_access import room_open
from live.services import (
    session_end,
    session_go_live,
    session_refresh_summary,
    session_schedule,
    session_stats_record,
    shop_blocked_words_seed,
)
from marketplace.demo import data as demo_data
from marketplace.demo.orders import (
    COMPLETED,
    EXPIRED,
    KEY_PREFIX,
    History,
    Story,
    StoryReview,
    past_piece_ensure,
)
from marketplace.models import Address, User
from orders.enums import PaymentMethod
from shops.enums import ProductStatus
from shops.models import Shop, ShopMember

SHOP_SLUG = "lemari-thrift-jogja"
HOST_USERNAME = "host_thrift"

UPCOMING_TITLE = "Thrift Jumat Malam: Flanel & Denim"
UPCOMING_DESCRIPTION = "Flanel, denim dan jaket pilihan, satu-satunya. Siapa cepat dia dapat!"
PAST_TITLE = "Bongkar Karung: Jaket Vintage"
PAST_DESCRIPTION = "Sesi bongkar karung jaket vintage langsung dari gudang."
PAST_DAYS_AGO = 6
PAST_MINUTES = 95
# What the room counted (the consumers' tick writes these for real sessions).
PAST_ROOM = {"viewers": 148, "unique_viewers": 612, "likes": 5_210}
# The demo buyers' orders in the past live, of the thrift shop's past pieces (demo_data.PAST_PIECES).
PAST_ORDERS = (
    Story(
        "live-1",
        "andi",
        COMPLETED,
        0,
        piece="07",
        review=StoryReview(
            5,
            "Dapat waktu live, jaketnya sama persis dengan yang ditunjukkan host. Tebal dan hangat!",
            reply="Makasih sudah nonton live-nya, Kak Andi!",
        ),
    ),
    Story("live-2", "siti", COMPLETED, 0, payment=PaymentMethod.COD, piece="09"),
    Story("live-3", "budi", COMPLETED, 0, piece="08", review=StoryReview(4, "Mulus, sesuai deskripsi.")),
    Story("live-4", "siti", EXPIRED, 0, payment=PaymentMethod.BANK_TRANSFER, piece="10"),
)
# (username, text, is a question), said in this order during the live.
PAST_CHAT = (
    ("andi", "Kak, jaket sherpa-nya lingkar dadanya berapa?", True),
    (HOST_USERNAME, "Lingkar dada 59 cm kak, panjang 68. Muat untuk ukuran L sampai XL ya", False),
    ("siti", "Warnanya masih bagus banget", False),
    ("budi", "Windbreaker Nike-nya masih ada kak?", True),
    (HOST_USERNAME, "Masih kak, satu-satunya. Langsung checkout ya!", False),
    ("andi", "Sudah checkout kak, ditunggu paketnya", False),
    ("siti", "Yang denim washed ada cacatnya nggak kak?", True),
    (HOST_USERNAME, "Mulus kak, cuma warna sedikit pudar di bahu, wajar pemakaian", False),
    ("budi", "Live berikutnya kapan kak?", True),
    (HOST_USERNAME, "Rabu jam 19.00 ya, follow tokonya biar dapat notifikasi", False),
)
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
            ShopMember.objects.filter(shop=shop, role__in=HOST_MEMBER_ROLES)
            .select_related("user")
            .order_by("id")
        )
        host_member = members.filter(user__username=HOST_USERNAME).first() or members.first()
        if host_member is None:
            if options["verbosity"]:
                self.stdout.write(f"{SHOP_SLUG} has no owner or host: no demo live sessions.")
            return
        host = host_member.user
        # Never the past pieces: they were sold before the demo starts.
        products = list(
            shop.products.filter(status=ProductStatus.ACTIVE)
            .exclude(variants__sku__startswith=demo_data.PAST_PIECE_SKU_PREFIX)
            .order_by("-published_at", "-id")[:FEATURED]
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

        if not upcoming.session_products.exists():
            LiveSessionProduct.objects.bulk_create(
                LiveSessionProduct(session=upcoming, product=product, position=position)
                for position, product in enumerate(products)
            )
        # One shop is live at a time: while the demo live is on air, the past waits for a restart.
        is_on_air = LiveSession.objects.filter(shop=shop, status=LiveStatus.LIVE).exists()
        if not is_on_air and not LiveSession.objects.filter(shop=shop, title=PAST_TITLE).exists():
            history = History()
            try:
                with transaction.atomic():
                    self.past_session_create(shop=shop, host=host, fallback=products[::-1], history=history)
            except BaseException:
                for name in history.stored_files:  # files are not transactional
                    default_storage.delete(name)
                raise
            created += 1

        shop_blocked_words_seed(shop=shop, only_if_empty=True)
        if options["verbosity"]:
            self.stdout.write(f"{created} demo live sessions created.")

    def past_session_create(self, *, shop: Shop, host: User, fallback: list, history: History) -> LiveSession:
        """The past live, through the services at the current time, then dated PAST_DAYS_AGO back."""
        pieces = {
            story.key: past_piece_ensure(shop=shop, suffix=story.piece, history=history)
            for story in PAST_ORDERS
        }
        sold = [variant.product for variant in pieces.values() if variant is not None]
        session = session_schedule(
            shop=shop,
            host=host,
            actor=host,
            title=PAST_TITLE,
            description=PAST_DESCRIPTION,
            planned_start=timezone.now() + timedelta(minutes=1),
            products=sold or fallback,
        )
        session_go_live(session=session, actor=host)
        starts = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0) - timedelta(
            days=PAST_DAYS_AGO
        )
        started_at = starts + timedelta(minutes=2)
        minutes = PAST_MINUTES - 5

        chatted = []
        for username, text, is_question in PAST_CHAT:
            user = User.objects.filter(username=username).first()
            if user is not None:
                room = room_open(session_id=session.pk, user=user)
                chatted.append(chat_message_post(room=room, user=user, text=text, is_question=is_question))
        for number, posted in enumerate(chatted, start=1):
            ChatMessage.objects.filter(pk=posted.message["id"]).update(
                created_at=started_at + timedelta(minutes=minutes * number / (len(chatted) + 1))
            )

        for number, story in enumerate(PAST_ORDERS, start=1):
            buyer = User.objects.filter(username=story.buyer).first()
            address = Address.objects.filter(user=buyer).order_by("-is_default", "id").first()
            variant = pieces[story.key]
            if address is None or variant is None or variant.stock < 1:
                continue
            placed_at = started_at + timedelta(minutes=minutes * number / (len(PAST_ORDERS) + 1))
            since = history.mark()
            with history.step(placed_at):
                checkout = live_checkout_place(
                    buyer=buyer,
                    session=session,
                    address_id=address.pk,
                    payment_method=history.payment_method(story),
                    idempotency_key=KEY_PREFIX + story.key,
                    variant=variant,
                    acknowledged_defects={variant.product_id},
                )
            order = checkout.orders.get()
            LiveOrder.objects.filter(order=order).update(created_at=placed_at)
            history.follow(order=order, story=story, placed_at=placed_at, since=since)

        session_stats_record(session_id=session.pk, **PAST_ROOM)
        session_end(session=session, actor=host)
        # Ending counted the orders still unpaid then; the recount now leaves the expired ones out.
        session_refresh_summary(session=session)
        ended_at = starts + timedelta(minutes=PAST_MINUTES)
        LiveSession.objects.filter(pk=session.pk).update(
            planned_start=starts,
            started_at=started_at,
            ended_at=ended_at,
            created_at=starts - timedelta(days=2),
            updated_at=ended_at,
        )
        return session
