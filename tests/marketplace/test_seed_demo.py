"""`manage.py seed_demo`: the demo marketplace `make run` starts with, created once."""

import io
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Max, Min, Sum
from PIL import Image

from marketplace.demo import data as demo_data
from marketplace.management.commands.seed_demo import DEFAULT_PRODUCTS_PER_SHOP
from marketplace.models import Address, User
from shops.enums import Condition, MemberRole, ProductStatus
from shops.models import (
    BlockedWord,
    Category,
    Follow,
    ModerationEvent,
    Product,
    ProductDefect,
    ProductImage,
    ProductVariant,
    Shop,
    ShopMember,
)

SMALL = 3  # listings per shop: enough for one of each queue case
SHOP_OWNERS = {
    "lemari-thrift-jogja": "thrift",
    "batik-pekalongan-asli": "batik",
    "glow-lokal": "skincare",
    "gadget-corner-surabaya": "gadget",
    "camilan-nusantara": "snack",
}
LOGINS = ["admin", *SHOP_OWNERS.values(), "host_thrift", "andi", "siti", "budi"]
MODELS = [
    User,
    Address,
    Category,
    Shop,
    ShopMember,
    Follow,
    Product,
    ProductVariant,
    ProductImage,
    ProductDefect,
    BlockedWord,
    ModerationEvent,
]


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def snapshot(settings) -> dict:
    """Row counts per model, follower counters and files on disk: what a second run must not move."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["followers"] = dict(Shop.objects.values_list("slug", "follower_count"))
    counts["files"] = sum(1 for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())
    return counts


def open_stored(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


@pytest.fixture
def small_seed(db, settings):
    seed(products_per_shop=SMALL)
    return snapshot(settings)


def test_shops_owners_and_logins(small_seed, client):
    assert set(Shop.objects.values_list("slug", flat=True)) == set(SHOP_OWNERS)
    for slug, username in SHOP_OWNERS.items():
        member = ShopMember.objects.get(shop__slug=slug, user__username=username)
        assert member.role == MemberRole.OWNER
        assert member.user.is_staff
        assert not member.user.is_superuser
    assert ShopMember.objects.get(user__username="host_thrift").role == MemberRole.HOST
    assert ShopMember.objects.get(user__username="host_thrift").shop.slug == "lemari-thrift-jogja"
    admin = User.objects.get(username="admin")
    assert (admin.is_superuser, admin.is_staff, admin.email) == (True, True, "admin@lapak.local")
    for username in LOGINS:
        assert client.login(username=username, password="lapak12345"), username
        client.logout()
    assert Shop.objects.filter(is_verified=True).count() == 3
    assert all(shop.logo and shop.banner for shop in Shop.objects.all())


def test_buyers_have_one_default_address_and_follow_shops(small_seed):
    for username in ("andi", "siti", "budi"):
        user = User.objects.get(username=username)
        assert user.display_name
        address = user.addresses.get()
        assert address.is_default
        assert len(address.postal_code) == 5
    for shop in Shop.objects.all():
        # Counters moved with the rows (follow_create), and extra buyers make them believable.
        assert shop.follower_count == Follow.objects.filter(shop=shop).count() > 3
    assert Follow.objects.filter(user__username="andi", shop__slug="lemari-thrift-jogja").exists()


def test_thrift_items_are_one_offs_with_measurements_and_honest_defects(small_seed):
    thrift = Product.objects.filter(shop__slug="lemari-thrift-jogja")
    assert thrift.count() == SMALL
    for product in thrift:
        variant = product.variants.get()
        assert variant.stock == 1
        assert product.stock_total == 1
        assert product.condition in {Condition.LIKE_NEW, Condition.GOOD, Condition.FAIR}
        assert product.condition_notes
        assert product.has_measurements
        assert product.length_cm is not None
    defects = ProductDefect.objects.filter(product__shop__slug="lemari-thrift-jogja")
    assert defects.exists()
    for defect in defects:
        assert open_stored(defect.photo.name).format == "JPEG"
        assert open_stored(defect.thumbnail.name).format == "WEBP"
    assert not ProductDefect.objects.exclude(product__shop__slug="lemari-thrift-jogja").exists()


def test_every_product_has_valid_photos_and_thumbnails(small_seed):
    for product in Product.objects.prefetch_related("images"):
        photos = list(product.images.all())
        assert 1 <= len(photos) <= 3, product
        for photo in photos:
            image = open_stored(photo.image.name)
            assert (image.format, image.size) == ("JPEG", (800, 800))
            thumbnail = open_stored(photo.thumbnail.name)
            assert thumbnail.format == "WEBP"
            assert max(thumbnail.size) <= 480


def test_price_summaries_match_variants(small_seed):
    for product in Product.objects.all():
        variants = product.variants.filter(is_active=True)
        totals = variants.aggregate(lowest=Min("price"), stock=Sum("stock"), top=Max("price"))
        cheapest = variants.order_by("price", "id").first()
        assert product.price == totals["lowest"]
        assert product.stock_total == totals["stock"]
        assert product.compare_at_price == cheapest.compare_at_price
        # Realistic rupiah: within range, and round (to Rp 500).
        assert 15_000 <= product.price <= totals["top"] <= 750_000
        assert all(variant.price % 500 == 0 for variant in variants)


def test_moderation_queue_and_blocked_words(small_seed):
    statuses = list(Product.objects.values_list("status", flat=True))
    assert statuses.count(ProductStatus.PENDING_REVIEW) == 4
    assert statuses.count(ProductStatus.REJECTED) == 1
    assert statuses.count(ProductStatus.ACTIVE) == 5 * SMALL - 5
    rejected = Product.objects.get(status=ProductStatus.REJECTED)
    assert rejected.rejection_reason
    assert "replika" in rejected.title.lower()
    assert Product.objects.filter(status=ProductStatus.PENDING_REVIEW, is_flagged=True).exists()
    assert not Product.objects.filter(status=ProductStatus.ACTIVE, published_at__isnull=True).exists()
    assert {"replika", "kw", "ori kw", "transfer langsung", "wa saya"} <= set(
        BlockedWord.objects.values_list("word", flat=True)
    )
    kemeja = Category.objects.get(slug="pria-kemeja")
    assert (kemeja.parent.name, kemeja.parent.parent.name) == ("Pria", "Fashion")


def test_second_run_changes_nothing(small_seed, settings):
    output = seed(products_per_shop=SMALL)

    assert output.strip() == "Demo data already present; nothing to do."
    assert snapshot(settings) == small_seed


def test_a_deleted_demo_shop_comes_back_without_duplicating_the_rest(small_seed, settings):
    Shop.objects.get(slug="gadget-corner-surabaya").delete()

    seed(products_per_shop=SMALL)

    assert Product.objects.filter(shop__slug="gadget-corner-surabaya").count() == SMALL
    after = snapshot(settings)
    for name in ("User", "Address", "Category", "Shop", "ShopMember", "Product", "BlockedWord"):
        assert after[name] == small_seed[name], name


def test_default_size_is_at_least_200_products():
    assert DEFAULT_PRODUCTS_PER_SHOP * len(demo_data.SHOPS) >= 200


@pytest.mark.django_db
def test_default_seed_creates_200_products_quickly():
    started = time.monotonic()

    output = seed()

    elapsed = time.monotonic() - started
    assert Product.objects.count() == DEFAULT_PRODUCTS_PER_SHOP * len(demo_data.SHOPS) >= 200
    assert ProductImage.objects.count() >= Product.objects.count()
    assert elapsed < 60, output
