"""`manage.py seed_demo`: a believable marketplace to click through, created once.

`make run` calls this on every start, so on a seeded database it returns at once (the five demo
shops exist). Otherwise everything is created in one transaction: categories, users (password
`lapak12345`), five shops with 200+ products, generated photos and thumbnails, followers,
blocked words, and a small moderation queue. Rows are looked up before they are created, so a
run over partly existing data (a demo shop deleted in the admin) only adds what is missing.

Randomness is seeded: two fresh databases get the same catalog.
"""

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from marketplace.demo import data, images
from marketplace.models import Address, User
from marketplace.money import format_rupiah
from shops.enums import Condition, MemberRole, ProductStatus
from shops.models import (
    BlockedWord,
    Category,
    Product,
    ProductDefect,
    ProductImage,
    ProductVariant,
    Shop,
    ShopMember,
)
from shops.services import (
    category_refresh_typical_prices,
    follow_create,
    product_image_make_thumbnail,
    product_refresh_summary,
    product_reject,
    product_submit,
)

DEFAULT_PRODUCTS_PER_SHOP = 41  # × 5 shops = 205
RANDOM_SEED = 17
PUBLISHED_WITHIN_DAYS = 60


def rupiah(amount: float) -> int:
    """Round as sellers price: to Rp 500 below Rp 50.000, else to Rp 1.000, and 150.000 → 149.000."""
    if amount < 50_000:
        return max(500, round(amount / 500) * 500)
    price = round(amount / 1000) * 1000
    return price - 1000 if price % 10_000 == 0 else price


def centimetres(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(round(rng.uniform(low, high) * 2) / 2).quantize(Decimal("0.1"))


@dataclass
class Listing:
    """A product before it becomes rows: what the photos and descriptions are made from."""

    kind: data.Kind
    title: str
    brand: str
    qualifier: str
    description: str = ""
    variants: list[dict] = field(default_factory=list)
    colors: list[str] = field(default_factory=list)
    condition: str = Condition.NEW
    condition_notes: str = ""
    measurements: dict = field(default_factory=dict)
    defects: list[tuple[str, str]] = field(default_factory=list)
    queue: str = ""  # "", "submit" or "reject": goes through the moderation services afterwards


class Seeder:
    def __init__(self, *, products_per_shop: int, stdout):
        self.rng = random.Random(RANDOM_SEED)
        self.products_per_shop = products_per_shop
        self.stdout = stdout
        self.now = timezone.now()
        self.stored_files: list[str] = []  # removed again if the transaction rolls back
        self.counts = {"products": 0, "images": 0, "defects": 0, "thumbnails": 0}
        # One PBKDF2 hash for every demo login: hashing each (~0.3 s apiece) would dominate the run.
        self.password_hash = make_password(data.PASSWORD)

    # --- the whole run ------------------------------------------------------------------------

    def run(self) -> None:
        categories = self.seed_categories()
        for word in data.BLOCKED_WORDS:
            BlockedWord.objects.get_or_create(word=word)
        admin = self.seed_user(**data.ADMIN, is_staff=True, is_superuser=True)
        queue: list[tuple[Product, User, str]] = []
        shops = {}
        for spec in data.SHOPS:
            owner = self.seed_user(**spec.owner, email=f"{spec.owner['username']}@lapak.local", is_staff=True)
            shop, created = Shop.objects.get_or_create(
                slug=spec.slug,
                defaults={
                    "name": spec.name,
                    "city": spec.city,
                    "bio": spec.bio,
                    "is_verified": spec.is_verified,
                },
            )
            ShopMember.objects.get_or_create(shop=shop, user=owner, defaults={"role": MemberRole.OWNER})
            shops[spec.slug] = shop
            if created:
                self.seed_shop_images(shop, spec)
                for listing, product in self.seed_products(shop, spec, categories):
                    if listing.queue:
                        queue.append((product, owner, listing.queue))
        host = self.seed_user(
            username=data.HOST["username"], display_name=data.HOST["display_name"], is_staff=True
        )
        ShopMember.objects.get_or_create(
            shop=shops[data.HOST["shop"]], user=host, defaults={"role": MemberRole.HOST}
        )

        # The pre-screen compares prices with each category's median, so medians come first.
        category_refresh_typical_prices()
        for product, owner, action in queue:
            product = product_submit(product=product, actor=owner)
            if action == "reject":
                product_reject(product=product, actor=admin, reason=data.REJECTED_LISTING["reason"])

        self.seed_buyers_and_followers(shops)

    # --- categories and people ----------------------------------------------------------------

    def seed_categories(self) -> dict[str, Category]:
        categories: dict[str, Category] = {}

        def add(nodes, parent):
            for position, (slug, name, children) in enumerate(nodes):
                category, _ = Category.objects.get_or_create(
                    slug=slug, defaults={"name": name, "parent": parent, "position": position}
                )
                categories[slug] = category
                add(children, category)

        add(data.CATEGORIES, None)
        return categories

    def seed_user(self, *, username: str, display_name: str, email: str = "", **flags) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "email": email or f"{username}@lapak.local",
                "password": self.password_hash,
                **flags,
            },
        )
        if created:
            # Verified, so allauth lets them log in by e-mail too and never asks to confirm.
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
        return user

    def seed_buyers_and_followers(self, shops: dict[str, Shop]) -> None:
        for buyer in data.BUYERS:
            user = self.seed_user(
                username=buyer["username"], display_name=buyer["display_name"], phone=buyer["phone"]
            )
            if not user.addresses.exists():
                Address.objects.create(
                    user=user,
                    recipient_name=buyer["display_name"],
                    phone=buyer["phone"],
                    is_default=True,
                    **buyer["address"],
                )
            for slug in buyer["follows"]:
                follow_create(user=user, shop=shops[slug])
        for number in range(1, data.EXTRA_FOLLOWERS + 1):
            name = f"{self.rng.choice(data.FIRST_NAMES)} {self.rng.choice(data.LAST_NAMES)}"
            user, _ = User.objects.get_or_create(
                username=f"pembeli{number:02d}",
                # No usable password: these accounts only exist to follow shops.
                defaults={"display_name": name, "email": f"pembeli{number:02d}@lapak.local", "password": "!"},
            )
            for slug, odds in data.FOLLOW_ODDS.items():
                if self.rng.random() < odds:
                    follow_create(user=user, shop=shops[slug])

    # --- shops and products -------------------------------------------------------------------

    def store(self, field_file, content: bytes, extension: str = "jpg") -> None:
        field_file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        self.stored_files.append(field_file.name)

    def seed_shop_images(self, shop: Shop, spec: data.ShopSpec) -> None:
        self.store(shop.logo, images.shop_logo(name=spec.name, color=spec.color))
        shapes = [(kind.shape, kind.colors[0], kind.pattern) for kind in spec.kinds[::3]]
        self.store(
            shop.banner,
            images.shop_banner(name=spec.name, tagline=spec.tagline, color=spec.color, shapes=shapes),
        )
        shop.save(update_fields=["logo", "banner"])

    def seed_products(self, shop: Shop, spec: data.ShopSpec, categories: dict[str, Category]):
        slugs: set[str] = set()
        for index, listing in enumerate(self.compose_listings(spec)):
            kind = listing.kind
            slug = base = slugify(listing.title)[:130]
            suffix = 2
            while slug in slugs:
                slug, suffix = f"{base}-{suffix}", suffix + 1
            slugs.add(slug)
            published = self.now - timedelta(minutes=self.rng.uniform(30, PUBLISHED_WITHIN_DAYS * 24 * 60))
            is_active = not listing.queue
            product = Product.objects.create(
                shop=shop,
                category=categories[kind.category],
                title=listing.title,
                slug=slug,
                description=listing.description,
                brand=listing.brand,
                condition=listing.condition,
                condition_notes=listing.condition_notes,
                status=ProductStatus.ACTIVE if is_active else ProductStatus.PENDING_REVIEW,
                submitted_at=published - timedelta(hours=self.rng.uniform(1, 20)) if is_active else None,
                published_at=published if is_active else None,
                sold_count=self.sold_count(spec) if is_active else 0,
                **listing.measurements,
            )
            for position, variant in enumerate(listing.variants):
                ProductVariant.objects.create(
                    product=product,
                    sku=f"{spec.sku_prefix}-{index + 1:03d}-{position + 1:02d}",
                    position=position,
                    **variant,
                )
            product_refresh_summary(product=product)
            self.seed_photos(product, listing, spec)
            self.counts["products"] += 1
            yield listing, product
        # created_at is auto_now_add; a listing published weeks ago was also created then.
        Product.objects.filter(shop=shop, submitted_at__isnull=False).update(created_at=F("submitted_at"))

    def sold_count(self, spec: data.ShopSpec) -> int:
        if spec is data.THRIFT:
            return 0  # one-off items still on sale have not sold yet
        return int(min(5000, self.rng.lognormvariate(3.2, 1.4)))

    def seed_photos(self, product: Product, listing: Listing, spec: data.ShopSpec) -> None:
        kind = listing.kind
        # Batik sits under Fashion but gets its own warmer backdrop.
        palette = "batik" if kind.category.startswith("batik") else CATEGORY_ROOTS[kind.category]
        common = {"shop_name": spec.name, "shop_color": spec.color, "palette": palette}
        photo = {**common, "shape": kind.shape, "pattern": kind.pattern, "brand": listing.brand}
        photo["long_sleeve"] = kind.long_sleeve
        pictures = [images.product_photo(title=listing.title, color=listing.colors[0], **photo)]
        count = self.rng.choice((1, 2, 2, 3, 3))
        if count >= 2:
            color = listing.colors[1] if len(listing.colors) > 1 else listing.colors[0]
            pictures.append(
                images.product_photo(
                    title=listing.title, color=color, caption=_detail_caption(listing), **photo
                )
            )
        if count >= 3:
            pictures.append(images.info_photo(title=listing.title, lines=_info_lines(listing), **common))
        for position, picture in enumerate(pictures):
            image = ProductImage(product=product, position=position, alt_text=listing.title[:120])
            self.store(image.image, picture)
            image.save()
            product_image_make_thumbnail(image=image)
            self.stored_files.append(image.thumbnail.name)
            self.counts["thumbnails"] += 1
        for number, (description, look) in enumerate(listing.defects):
            defect = ProductDefect(product=product, description=description)
            picture = images.defect_photo(
                description=description,
                kind=look,
                color=listing.colors[0],
                pattern=kind.pattern,
                seed=product.pk * 10 + number,
            )
            self.store(defect.photo, picture)
            defect.save()
            product_image_make_thumbnail(image=defect)
            self.stored_files.append(defect.thumbnail.name)
            self.counts["defects"] += 1
            self.counts["thumbnails"] += 1
        self.counts["images"] += len(pictures)

    # --- composing listings -------------------------------------------------------------------

    def compose_listings(self, spec: data.ShopSpec) -> list[Listing]:
        """`products_per_shop` listings, kinds in turn, titles unique while combinations last."""
        listings: list[Listing] = []
        titles: set[str] = set()
        count = self.products_per_shop
        for index in range(count):
            kind = spec.kinds[index % len(spec.kinds)]
            for _ in range(20):
                qualifier, brand = self.rng.choice(kind.qualifiers), self.rng.choice(kind.brands)
                style = self.rng.choice(kind.styles)
                title = " ".join(
                    spec.title_format.format(
                        noun=kind.noun, qualifier=qualifier, brand=brand, style=style
                    ).split()
                )
                if title not in titles:
                    break
            listing = Listing(kind=kind, title=title, brand=brand, qualifier=qualifier)
            if spec is data.THRIFT:
                self.compose_thrift(listing, first=index == 0)
            else:
                self.compose_new(listing, spec)
            titles.add(listing.title)
            listings.append(listing)
        # A small moderation queue: the last listing of some shops waits for review, and the
        # gadget shop's last one is the replica staff rejected. Only in runs big enough to spare them.
        if count >= 3:
            if spec in (data.THRIFT, data.SKINCARE, data.SNACK):
                listings[-1].queue = "submit"
            if spec is data.SKINCARE:
                listings[-1].description += "\n\n" + data.SUSPICIOUS_SENTENCE
            if spec is data.GADGET:
                listings[-2].queue = "submit"
                earbuds = next(kind for kind in spec.kinds if kind.noun == "TWS Earbuds")
                rejected = Listing(kind=earbuds, title="", brand="", qualifier="", queue="reject")
                self.compose_new(rejected, spec)
                rejected.title = data.REJECTED_LISTING["title"]
                rejected.description = data.REJECTED_LISTING["description"]
                listings[-1] = rejected
        return listings

    def compose_thrift(self, listing: Listing, *, first: bool) -> None:
        """One-off pre-loved piece: one variant, stock 1, measured, honest about its flaws."""
        rng, kind = self.rng, listing.kind
        # The first piece is always "fair", so even a tiny seed shows a disclosed defect.
        condition = "fair" if first else rng.choices(["like_new", "good", "fair"], weights=[3, 5, 2])[0]
        color = rng.choice(kind.colors)
        measurements, size = self.measure(kind)
        defects = list(data.DEFECTS[kind.fit])
        rng.shuffle(defects)
        wanted = {"like_new": 0, "good": 1 if rng.random() < 0.25 else 0, "fair": rng.choice((1, 2))}[
            condition
        ]
        listing.defects = defects[:wanted]
        listing.condition = condition
        listing.condition_notes = rng.choice(data.CONDITION_NOTES[condition])
        if listing.defects:
            listing.condition_notes += " Cacat: " + "; ".join(d for d, _ in listing.defects).lower() + "."
        listing.measurements = measurements
        listing.colors = [color]
        price = rupiah(rng.uniform(*kind.price) * {"like_new": 1.0, "good": 0.85, "fair": 0.65}[condition])
        listing.variants = [
            {"size": size, "color": color, "price": price, "stock": 1, "weight_grams": kind.weight_grams}
        ]
        measured = ", ".join(f"{MEASUREMENT_NAMES[name]} {value} cm" for name, value in measurements.items())
        listing.description = (
            f"{listing.title}.\n\n"
            f"Ukuran di label: {size}. Ukuran asli (diukur flat): {measured}. Bandingkan dengan baju "
            f"kamu ya, ukuran label bisa beda antar merek.\n\n"
            f"Kondisi: {data.CONDITION_LABELS[condition]}. {listing.condition_notes}\n\n"
            f"Bahan: {kind.material}. Warna: {color.lower()}. Sudah dicuci dan disetrika, siap pakai. "
            f"Barang thrift hanya 1 pcs dan tidak restock."
        )

    def measure(self, kind: data.Kind) -> tuple[dict, str]:
        rng = self.rng
        if kind.fit == "top":
            chest = centimetres(rng, 46, 62)
            sleeve = centimetres(rng, 56, 64) if kind.long_sleeve else centimetres(rng, 19, 26)
            size = next(
                label
                for limit, label in ((48, "S"), (52, "M"), (56, "L"), (60, "XL"), (99, "XXL"))
                if chest < limit
            )
            return {"chest_cm": chest, "length_cm": centimetres(rng, 64, 78), "sleeve_cm": sleeve}, size
        if kind.fit == "bottom":
            waist = centimetres(rng, 35, 44)
            # Jeans and chinos are labelled by waist in inches: flat waist × 2 / 2.54.
            return {
                "waist_cm": waist,
                "length_cm": centimetres(rng, 92, 106),
            }, f"{round(waist * 2 / Decimal('2.54'))}"
        waist = centimetres(rng, 32, 40)
        size = next(label for limit, label in ((35, "S"), (37, "M"), (39, "L"), (99, "XL")) if waist < limit)
        if kind.fit == "dress":
            chest = centimetres(rng, 42, 50)
            return {"chest_cm": chest, "waist_cm": waist, "length_cm": centimetres(rng, 95, 122)}, size
        return {"waist_cm": waist, "length_cm": centimetres(rng, 68, 92)}, size

    def compose_new(self, listing: Listing, spec: data.ShopSpec) -> None:
        rng, kind = self.rng, listing.kind
        sizes = list(kind.sizes) or [data.Size("")]
        if len(sizes) > 1 and kind.sizes is not data.SIZES_CLOTHING and rng.random() < 0.5:
            sizes = [rng.choice(sizes)]  # some sellers list each size as its own product
        if len(sizes) == 1 and sizes[0].label:
            listing.title = f"{listing.title} {sizes[0].label}"
        offers_colors = spec.color_variants if kind.color_variants is None else kind.color_variants
        colors = (
            rng.sample(kind.colors, k=min(len(kind.colors), rng.choice((1, 2, 3)))) if offers_colors else []
        )
        listing.colors = colors or [rng.choice(kind.colors)]
        base = rng.uniform(*kind.price)
        discount = rng.uniform(1.15, 1.6) if rng.random() < 0.3 else None
        sold_out = rng.random() < 0.05
        for size in sizes:
            price = rupiah(base * size.price_factor)
            for color in colors or [""]:
                in_stock = not sold_out and rng.random() > 0.1
                listing.variants.append(
                    {
                        "size": size.label,
                        "color": color,
                        "price": price,
                        "compare_at_price": max(rupiah(price * discount), price + 1000) if discount else None,
                        "stock": rng.randint(2, 150) if in_stock else 0,
                        "weight_grams": size.weight_grams or kind.weight_grams,
                    }
                )
        listing.description = self.describe_new(listing, spec)

    def describe_new(self, listing: Listing, spec: data.ShopSpec) -> str:
        kind = listing.kind
        options = _option_summary(listing)
        if spec is data.BATIK:
            meaning = data.BATIK_MOTIF_MEANINGS[listing.qualifier]
            return (
                f"{listing.title} dari {listing.brand}, dibuat oleh pengrajin kami di Pekalongan.\n\n"
                f"Motif {listing.qualifier} {meaning}. Bahan: {kind.material}. {options}\n\n"
                "Cuci dengan tangan memakai sabun lerak atau sampo, jangan diperas, dan jemur di tempat "
                "teduh agar warna awet."
            )
        closing = {
            data.SKINCARE.slug: "Original dan terdaftar BPOM, dikirim dari distributor resmi. Expired "
            "minimal 12 bulan dari tanggal kirim. Lakukan patch test dulu bila kulit sensitif.",
            data.GADGET.slug: "Garansi resmi 12 bulan. Semua unit dicek sebelum dikirim; sertakan video "
            "unboxing untuk klaim garansi.",
            data.SNACK.slug: "Halal dan ber-PIRT. Dikirim dengan bubble wrap dan kardus supaya tidak remuk.",
        }[spec.slug]
        return f"{listing.title}.\n\n{data.BLURBS[kind.noun]} {options}\n\n{closing}"


# --- small helpers -------------------------------------------------------------------------------

MEASUREMENT_NAMES = {
    "chest_cm": "lingkar dada",
    "length_cm": "panjang",
    "sleeve_cm": "lengan",
    "waist_cm": "pinggang",
}


def _category_roots() -> dict[str, str]:
    """Each category slug → its top-level slug (whose gradient its photos get)."""
    roots: dict[str, str] = {}

    def walk(nodes, root):
        for slug, _, children in nodes:
            roots[slug] = root or slug
            walk(children, root or slug)

    walk(data.CATEGORIES, None)
    return roots


CATEGORY_ROOTS = _category_roots()


def _option_summary(listing: Listing) -> str:
    sizes = list(dict.fromkeys(v["size"] for v in listing.variants if v["size"]))
    colors = list(dict.fromkeys(v["color"] for v in listing.variants if v["color"]))
    parts = []
    if len(sizes) > 1:
        parts.append(f"Tersedia ukuran {', '.join(sizes)}.")
    if len(colors) > 1:
        parts.append(f"Pilihan warna: {', '.join(colors).lower()}.")
    return " ".join(parts)


def _detail_caption(listing: Listing) -> str:
    if listing.measurements:
        name, value = next(iter(listing.measurements.items()))
        return f"Ukuran {listing.variants[0]['size']} - {MEASUREMENT_NAMES[name]} {value} cm"
    if len(listing.colors) > 1:
        return f"Varian: {listing.colors[1]}"
    return "Foto produk asli, bukan ilustrasi"


def _info_lines(listing: Listing) -> list[str]:
    if listing.measurements:
        lines = [
            f"{MEASUREMENT_NAMES[name].capitalize()}: {value} cm"
            for name, value in listing.measurements.items()
        ]
        return [*lines, f"Kondisi: {data.CONDITION_LABELS[listing.condition]}", "Stok hanya 1 pcs"]
    lines = []
    for variant in listing.variants:
        label = " / ".join(part for part in (variant["size"], variant["color"]) if part) or "Harga"
        lines.append(f"{label}: {format_rupiah(variant['price'])}")
    return lines


class Command(BaseCommand):
    help = "Create demo shops, products, photos and users once (password for all: lapak12345)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--products-per-shop",
            type=int,
            default=DEFAULT_PRODUCTS_PER_SHOP,
            help=f"listings per demo shop (default {DEFAULT_PRODUCTS_PER_SHOP}, i.e. 205 in all)",
        )

    def handle(self, *args, products_per_shop: int, **options):
        if products_per_shop < 1:
            raise CommandError("--products-per-shop must be at least 1.")
        slugs = [spec.slug for spec in data.SHOPS]
        if Shop.objects.filter(slug__in=slugs).count() == len(slugs):
            self.stdout.write("Demo data already present; nothing to do.")
            return
        started = time.monotonic()
        seeder = Seeder(products_per_shop=products_per_shop, stdout=self.stdout)
        try:
            with transaction.atomic():
                seeder.run()
        except BaseException:
            # Files are not transactional: take back what this failed run wrote.
            for name in seeder.stored_files:
                default_storage.delete(name)
            raise
        counts = seeder.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {counts['products']} products with {counts['images']} photos and "
                f"{counts['defects']} defect photos ({counts['thumbnails']} thumbnails) "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
