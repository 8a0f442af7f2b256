"""`manage.py seed_demo_orders`: the demo shops' past orders, so each seller's admin shows a
shop that has been trading for weeks: completed orders with verified-purchase reviews (some
with a photo and the shop's reply), a parcel on its way, orders to pack ("Dikemas"), a return
asked for or refunded, a cancelled or expired one.

Runs after the other seed commands on every `make run`; see marketplace/demo/orders.py for how the
past is written (through the real services, then dated) and why a second run adds nothing.
"""

import time

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from marketplace.demo import data as demo_data
from marketplace.demo.orders import (
    CANCELLED,
    COMPLETED,
    EXPIRED,
    RETURN_REQUESTED,
    RETURNED,
    SHIPPED,
    TO_SHIP,
    History,
    Story,
    StoryReview,
)
from orders.enums import PaymentMethod
from shops.enums import MemberRole
from shops.models import Shop

COD, EWALLET, BANK = PaymentMethod.COD, PaymentMethod.EWALLET, PaymentMethod.BANK_TRANSFER

# Per demo shop, oldest first. Thrift stories buy their own past pieces (demo_data.PAST_PIECES);
# the other shops' take one unit of their best-stocked variants in turn.
STORIES: dict[str, tuple[Story, ...]] = {
    demo_data.THRIFT.slug: (
        Story("thrift-1", "siti", COMPLETED, 19, 20, EWALLET, piece="01", review=StoryReview(
            5, "Jaketnya tebal dan warnanya masih bagus, ukurannya pas sesuai yang ditulis. Packing "
            "rapi, makasih kak!", photo=True, reply="Terima kasih kak, semoga awet ya! Ditunggu di "
            "live Rabu malam.")),
        Story("thrift-2", "andi", COMPLETED, 12, 21, COD, piece="02", review=StoryReview(
            4, "Flanelnya lembut, ada sedikit bulu-bulu halus tapi sudah disebut di deskripsi. "
            "Pengiriman agak lama.")),
        Story("thrift-3", "budi", EXPIRED, 7, 22, BANK, piece="06"),
        Story("thrift-4", "andi", RETURN_REQUESTED, 5, 19, EWALLET, piece="05",
              note="Ukuran pinggang ternyata lebih kecil dari yang tertulis, tidak muat."),
        Story("thrift-5", "siti", SHIPPED, 2, 20, EWALLET, piece="03"),
        Story("thrift-6", "budi", TO_SHIP, 1, 21, COD, piece="04"),
    ),
    demo_data.BATIK.slug: (
        Story("batik-1", "andi", COMPLETED, 23, 19, BANK, review=StoryReview(
            5, "Batiknya halus, warnanya persis seperti di foto dan jahitannya rapi. Dipakai "
            "kondangan banyak yang tanya.", photo=True, reply="Matur nuwun, Mas Andi! Sehat selalu.")),
        Story("batik-2", "siti", COMPLETED, 15, 12, EWALLET, review=StoryReview(
            4, "Bahannya adem dan tidak luntur waktu dicuci pertama. Lengannya sedikit panjang "
            "untuk saya.")),
        Story("batik-3", "budi", RETURNED, 11, 20, COD,
              note="Warna yang datang berbeda dengan yang saya pesan.", review=StoryReview(
                  2, "Warnanya salah kirim, tapi retur dibantu cepat oleh penjual.")),
        Story("batik-4", "siti", CANCELLED, 6, 9, COD, note="Salah pilih ukuran, mau pesan ulang."),
        Story("batik-5", "andi", SHIPPED, 2, 19, EWALLET),
        Story("batik-6", "budi", TO_SHIP, 1, 20, BANK),
        Story("batik-7", "siti", TO_SHIP, 0, 8, COD),
    ),
    demo_data.SKINCARE.slug: (
        Story("skincare-1", "siti", COMPLETED, 20, 21, EWALLET, review=StoryReview(
            5, "Original, segel lengkap dan expired masih lama. Sudah dua minggu pakai, cocok di "
            "kulitku.", photo=True, reply="Terima kasih kak! Jangan lupa sunscreen tiap pagi ya.")),
        Story("skincare-2", "andi", COMPLETED, 10, 22, COD, review=StoryReview(
            4, "Teksturnya ringan dan cepat meresap. Pengiriman cepat, bubble wrap-nya tebal.")),
        Story("skincare-3", "budi", EXPIRED, 8, 23, EWALLET),
        Story("skincare-4", "siti", RETURN_REQUESTED, 5, 20, EWALLET,
              note="Botolnya bocor waktu sampai, isinya tumpah setengah di dalam plastik."),
        Story("skincare-5", "budi", SHIPPED, 2, 12, BANK),
        Story("skincare-6", "andi", TO_SHIP, 1, 19, EWALLET),
        Story("skincare-7", "siti", TO_SHIP, 0, 7, COD),
    ),
    demo_data.GADGET.slug: (
        Story("gadget-1", "budi", COMPLETED, 22, 20, BANK, review=StoryReview(
            5, "Barang original dan berfungsi normal, garansi resmi. Respon penjual cepat.",
            photo=True, reply="Terima kasih, Kak Budi! Simpan kartu garansinya ya.")),
        Story("gadget-2", "andi", COMPLETED, 14, 21, EWALLET, review=StoryReview(
            4, "Berfungsi normal, tapi kabel bawaannya agak pendek.")),
        Story("gadget-3", "siti", RETURNED, 11, 19, EWALLET,
              note="Unitnya mati total setelah dicas semalaman."),
        Story("gadget-4", "budi", CANCELLED, 6, 13, COD, note="Ingin ganti warna."),
        Story("gadget-5", "andi", SHIPPED, 2, 21, COD),
        Story("gadget-6", "siti", TO_SHIP, 1, 10, EWALLET),
        Story("gadget-7", "budi", TO_SHIP, 0, 9, BANK),
    ),
    demo_data.SNACK.slug: (
        Story("snack-1", "budi", COMPLETED, 18, 19, COD, quantity=2, review=StoryReview(
            5, "Rasanya enak dan masih fresh, sampai tidak remuk karena dikardus. Pasti order lagi!",
            photo=True, reply="Matur nuwun, Mas! Ditunggu order berikutnya.")),
        Story("snack-2", "andi", COMPLETED, 9, 20, EWALLET, review=StoryReview(
            5, "Kemasannya rapi dan kedap udara, porsinya pas buat oleh-oleh.")),
        Story("snack-3", "siti", EXPIRED, 7, 21, BANK, quantity=2),
        Story("snack-4", "budi", RETURN_REQUESTED, 4, 20, COD,
              note="Satu bungkus sudah kedaluwarsa waktu sampai."),
        Story("snack-5", "siti", SHIPPED, 2, 9, EWALLET),
        Story("snack-6", "andi", TO_SHIP, 1, 22, COD, quantity=2),
        Story("snack-7", "budi", TO_SHIP, 0, 11, EWALLET),
    ),
}  # fmt: skip


class Command(BaseCommand):
    help = "Create the demo shops' past orders, reviews and returns (idempotent)."

    def handle(self, *args, **options):
        started = time.monotonic()
        history = History()
        try:
            with transaction.atomic():
                for slug, stories in STORIES.items():
                    shop = Shop.objects.filter(slug=slug, memberships__role=MemberRole.OWNER).first()
                    if shop is None:
                        continue  # that demo shop (or its owner) was deleted: no past to give it
                    for index, story in enumerate(stories):
                        history.play(shop=shop, story=story, index=index)
        except BaseException:
            # Files are not transactional: take back the photos this failed run wrote.
            for name in history.stored_files:
                default_storage.delete(name)
            raise
        if options["verbosity"]:
            counts = history.counts
            self.stdout.write(
                f"{counts['orders']} demo past orders with {counts['reviews']} reviews created "
                f"in {time.monotonic() - started:.1f} s."
            )
