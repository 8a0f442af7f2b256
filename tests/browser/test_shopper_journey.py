"""A shopper's first visit in a real Chromium, on the production servers: home → search → product → shop."""

import re

import pytest
from playwright.sync_api import expect

from shops.enums import Condition
from shops.models import ProductImage
from shops.services import product_image_make_thumbnail, product_refresh_summary
from tests.kit.factories import (
    CategoryFactory,
    ProductFactory,
    ProductVariantFactory,
    ShopFactory,
    UserFactory,
    image_file,
)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def thrift_shop(transactional_db):
    shop = ShopFactory(name="Lemari Thrift Jogja", slug="lemari-thrift", city="Yogyakarta", is_verified=True)
    shirts = CategoryFactory(name="Kemeja", slug="kemeja")
    flannel = ProductFactory(
        shop=shop,
        category=shirts,
        title="Kemeja Flanel Kotak Vintage",
        slug="kemeja-flanel-kotak-vintage",
        description="Flanel tebal, warna merah hitam.",
        condition=Condition.GOOD,
        condition_notes="Sedikit pudar di kerah.",
        chest_cm=56,
        length_cm=74,
    )
    ProductVariantFactory(
        product=flannel, size="M", sku="FL-M", price=125_000, compare_at_price=150_000, stock=1
    )
    ProductVariantFactory(product=flannel, size="L", sku="FL-L", price=135_000, stock=2)
    product_refresh_summary(product=flannel)
    image = ProductImage.objects.create(product=flannel, image=image_file("a.jpg", (640, 640), (160, 40, 40)))
    product_image_make_thumbnail(image=image)
    ProductVariantFactory(
        product=ProductFactory(shop=shop, category=shirts, title="Kaos Band Lawas", slug="kaos-band-lawas"),
        sku="KB-1",
        price=85_000,
        stock=1,
    )
    for product in shop.products.all():
        product_refresh_summary(product=product)
    UserFactory(username="andi")
    return shop


def test_shopper_browses_searches_with_a_typo_and_switches_language(
    page, server_url, thrift_shop, screenshot
):
    csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and csp_violations.append(msg.text))

    # given a shopper on the home page, in Indonesian by default
    page.goto(server_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_text("Belum ada siaran langsung.")).to_be_visible()
    screenshot("01-home")

    # when they search with a typo
    page.get_by_role("searchbox").fill("kemja flanel")
    page.get_by_role("searchbox").press("Enter")

    # then the fuzzy fallback still finds the shirt, and says so
    expect(page).to_have_url(re.compile(r"/produk/\?q=kemja"))
    expect(page.get_by_text("Menampilkan hasil yang mirip", exact=False)).to_be_visible()
    card = page.locator("a.product-card", has_text="Kemeja Flanel Kotak Vintage")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Rp 125.000")
    screenshot("02-search-typo")

    # when they open it, they see the honest details and can pick a size
    card.click()
    expect(page.get_by_role("heading", name="Kemeja Flanel Kotak Vintage")).to_be_visible()
    expect(page.get_by_text("Sedikit pudar di kerah.")).to_be_visible()
    expect(page.locator("table.measurements")).to_contain_text("56 cm")
    price = page.locator("[data-price-box] [data-price]")
    expect(price).to_have_text("Rp 125.000")
    page.locator("label.variant", has_text="L").click()
    expect(price).to_have_text("Rp 135.000")  # the static JS swapped the price: no inline script
    screenshot("03-product")

    # when they go to the shop
    page.locator("a.shop-card").click()
    expect(page).to_have_url(server_url + "/toko/lemari-thrift/")
    expect(page.get_by_role("heading", name="Lemari Thrift Jogja")).to_be_visible()
    expect(page.locator("a.product-card")).to_have_count(2)
    screenshot("04-shop")

    # when they switch the language to English from the footer
    page.locator("#language-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(server_url + "/toko/lemari-thrift/")
    expect(page.get_by_role("button", name="Follow")).to_be_visible()
    screenshot("05-shop-english")

    assert csp_violations == []


def test_follow_asks_for_login_then_counts_the_follower(page, server_url, thrift_shop):
    page.goto(server_url + "/toko/lemari-thrift/")
    page.get_by_role("button", name="Ikuti").click()

    # anonymous: to the login page, and back to the shop after logging in
    expect(page).to_have_url(re.compile(r"/akun/login/"))
    page.locator("input[name=login]").fill("andi")
    page.locator("input[name=password]").fill("lapak12345")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    expect(page).to_have_url(re.compile(r"/toko/lemari-thrift/"))

    page.get_by_role("button", name="Ikuti").click()
    expect(page.get_by_role("button", name="Mengikuti")).to_be_visible()
    thrift_shop.refresh_from_db()
    assert thrift_shop.follower_count == 1
