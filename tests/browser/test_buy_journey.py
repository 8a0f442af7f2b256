"""A buyer's first purchase in a real Chromium, on the production servers:
product page → cart (htmx quantity change) → login → checkout (shipping, defect tick) → COD order."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Checkout
from shops.enums import Condition
from tests.kit.factories import AddressFactory, ProductDefectFactory, ShopFactory, UserFactory, listed_product

pytestmark = [pytest.mark.browser]


@pytest.fixture
def two_shops(transactional_db):
    batik = ShopFactory(name="Batik Bu Sri", slug="batik-bu-sri", city="Yogyakarta", is_verified=True)
    thrift = ShopFactory(name="Lemari Thrift Jogja", slug="lemari-thrift", city="Bandung")
    shirt = listed_product(
        shop=batik,
        title="Kemeja Batik Parang",
        slug="kemeja-batik",
        price=125_000,
        stock=5,
        color=(120, 60, 20),
    )
    jacket = listed_product(
        shop=thrift,
        title="Jaket Denim Levi's",
        slug="jaket-denim",
        price=210_000,
        stock=1,
        color=(40, 70, 140),
        condition=Condition.GOOD,
    )
    ProductDefectFactory(product=jacket, description="Noda kecil di lengan kiri")
    buyer = UserFactory(username="andi")
    AddressFactory(user=buyer, is_default=True, recipient_name="Andi Wijaya")
    return shirt, jacket


def test_buyer_fills_a_cart_from_two_shops_and_places_a_cod_order(page, server_url, two_shops, screenshot):
    shirt, jacket = two_shops
    csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and csp_violations.append(msg.text))

    # given a visitor who adds a shirt and a defective jacket from two shops
    page.goto(f"{server_url}/toko/batik-bu-sri/kemeja-batik/")
    page.locator("button[name=action][value=add]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.goto(f"{server_url}/toko/lemari-thrift/jaket-denim/")
    page.locator("button[name=action][value=add]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("2")

    # when they open the cart and change the shirt's quantity (htmx: no reload)
    page.locator("#cart-link").click()
    expect(page.locator("[data-cart-shop]")).to_have_count(2)
    page.evaluate("window.__noReload = true")
    shirt_line = page.locator(f"[data-cart-line='{shirt.variants.get().pk}']")
    shirt_line.locator("input[name=quantity]").fill("2")
    shirt_line.locator("input[name=quantity]").press("Tab")
    expect(page.locator("[data-cart-total]")).to_have_text("Rp 460.000")
    assert page.evaluate("window.__noReload") is True
    screenshot("10-cart")

    # and check out: login first, then back to checkout with the cart merged
    page.locator(".cart-summary a.button").click()
    expect(page).to_have_url(re.compile(r"/akun/login/"))
    page.locator("input[name=login]").fill("andi")
    page.locator("input[name=password]").fill("lapak12345")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    expect(page.locator("[data-checkout-shop]")).to_have_count(2)

    # they pick a faster courier for the jacket (re-quoted in place) and tick its defect
    thrift = page.locator("[data-checkout-shop='lemari-thrift']")
    thrift.locator("input[value=kilat]").check()
    expect(thrift.locator("[data-shop-total]")).to_have_text("Rp 233.000")
    expect(thrift.locator("input[value=kilat]")).to_be_checked()
    expect(page.locator("[data-defects] img")).to_be_visible()
    page.locator("input[name=defect]").check()
    expect(page.locator("input[name=payment_method][value=cod]")).to_be_checked()
    screenshot("11-checkout")
    page.locator("button[name=action][value=place]").click()

    # then the confirmation lists one order per shop, with their numbers
    expect(page).to_have_url(re.compile(r"/checkout/\d+/selesai/$"))
    checkout = Checkout.objects.get()
    numbers = sorted(checkout.orders.values_list("number", flat=True))
    assert len(numbers) == 2
    for number in numbers:
        expect(page.locator(f"[data-order='{number}']")).to_be_visible()
    expect(page.locator("[data-cart-count]")).to_have_count(0)
    screenshot("12-done")
    assert csp_violations == []
