"""A whole purchase in a real Chromium, on the production servers, from cart to review:
two shops → a shop voucher and a Lapak voucher → the dev payment gateway → the seller ships in the
admin → the tracking job delivers the parcel → the buyer confirms receipt and reviews the item.
The dev gateway runs only with DEBUG on, so this journey's server has it on (see server_url)."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from orders import tasks
from orders.enums import OrderStatus, PaymentStatus, VoucherKind
from orders.models import Checkout, Order, Review, Shipment, Voucher
from orders.tracking.services import shipment_ids_to_track
from orders.tracking.simulated import SimulatedCourier
from shops.enums import MemberRole
from tests.browser.conftest import ARTIFACTS
from tests.kit import servers
from tests.kit.factories import (
    AddressFactory,
    ShopFactory,
    ShopMemberFactory,
    UserFactory,
    VoucherFactory,
    image_file,
    listed_product,
)

pytestmark = [pytest.mark.browser]

TRACKING_NUMBER = "JNE0012345678"
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def server_url(transactional_db, static_root, media_root):
    # The dev gateway refuses to run with DEBUG off (orders.payments): gunicorn runs as in
    # development here, with the rest of server_env (hosts, cookies, the test database) unchanged.
    env = servers.server_env(static_root, media_root)
    env.update(DEBUG="1", PAYMENT_GATEWAY="dev")
    with servers.gunicorn(env) as url:
        yield url


@pytest.fixture
def marketplace(transactional_db):
    """Two shops on Jawa shipping to a buyer in Jakarta (Hemat: Rp 11.000 each), the batik shop's
    owner, a Rp 15.000 batik voucher and a 10%-up-to-Rp 25.000 Lapak voucher, both to claim."""
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
    )
    buyer = UserFactory(username="andi", display_name="Andi Wijaya")
    AddressFactory(user=buyer, is_default=True, recipient_name="Andi Wijaya")
    ShopMemberFactory(shop=batik, role=MemberRole.OWNER, user__username="batik", user__is_staff=True)
    VoucherFactory(
        code="BATIK15",
        shop=batik,
        title="Potongan Batik",
        kind=VoucherKind.FIXED,
        value=15_000,
        min_spend=100_000,
        is_claimable=True,
    )
    VoucherFactory(
        code="LAPAK10",
        shop=None,
        title="Diskon Lapak",
        kind=VoucherKind.PERCENT,
        value=10,
        max_discount=25_000,
        min_spend=200_000,
        is_claimable=True,
    )
    return batik, thrift, shirt, jacket


@pytest.fixture
def seller_page(browser):
    """A second browser context (its own cookies) on a desktop screen, for the seller's admin."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


def _collect_csp_violations(page, into: list[str]) -> None:
    page.on("console", lambda msg: "Content Security Policy" in msg.text and into.append(msg.text))


def _log_in(page, server_url: str, *, username: str, next_path: str) -> None:
    page.goto(f"{server_url}/akun/login/?next={next_path}")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill("lapak12345")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    expect(page).to_have_url(f"{server_url}{next_path}")


def test_buyer_pays_with_two_vouchers_seller_ships_parcel_arrives_buyer_reviews(
    page, seller_page, server_url, marketplace, screenshot, settings
):
    # The tracking job runs in this process: the simulated courier, at real-time pace.
    settings.TRACKING_BACKEND = "simulated"
    settings.SIMULATED_COURIER_SPEED = 1
    batik, thrift, shirt, _jacket = marketplace
    csp_violations: list[str] = []
    _collect_csp_violations(page, csp_violations)
    _collect_csp_violations(seller_page, csp_violations)

    # --- given a logged-in buyer who claims the batik shop's voucher on its page ---
    _log_in(page, server_url, username="andi", next_path="/toko/batik-bu-sri/")
    strip = page.locator(".voucher-strip")
    expect(strip).to_contain_text("Diskon Rp 15.000")
    expect(strip).to_contain_text("min. belanja Rp 100.000")
    strip.get_by_role("button", name="Klaim").click()
    expect(page.locator(".message-success")).to_have_text("Voucher BATIK15 disimpan ke dompet voucher Anda.")
    expect(page.locator(".voucher-strip .voucher-claimed")).to_have_text("Sudah diklaim")

    # and the Lapak voucher in their wallet
    page.goto(f"{server_url}/akun/voucher/")
    lapak_card = page.locator("li.voucher", has_text="LAPAK10")
    expect(lapak_card).to_contain_text("Diskon 10% s.d. Rp 25.000")
    lapak_card.get_by_role("button", name="Klaim").click()
    expect(page.locator(".message-success")).to_have_text("Voucher LAPAK10 disimpan ke dompet voucher Anda.")
    wallet = page.locator("section.panel").first
    expect(wallet.locator("li.voucher .voucher-code")).to_have_text(["BATIK15", "LAPAK10"])

    # and adds a shirt and a jacket from the two shops
    page.goto(f"{server_url}/toko/batik-bu-sri/kemeja-batik/")
    expect(page.locator("[data-price-box] [data-price]")).to_have_text("Rp 125.000")
    page.locator("button[name=action][value=add]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.goto(f"{server_url}/toko/lemari-thrift/jaket-denim/")
    expect(page.locator("[data-price-box] [data-price]")).to_have_text("Rp 210.000")
    page.locator("button[name=action][value=add]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("2")

    # --- when they check out, the page suggests the vouchers they hold ---
    page.locator("#cart-link").click()
    page.locator(".cart-summary a.button").click()
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    batik_part = page.locator("[data-checkout-shop='batik-bu-sri']")
    thrift_part = page.locator("[data-checkout-shop='lemari-thrift']")
    expect(batik_part.locator(".checkout-item")).to_contain_text("1 × Rp 125.000 = Rp 125.000")
    expect(batik_part.locator(".voucher-suggestion")).to_have_text(
        "Voucher terbaik: BATIK15 — hemat Rp 15.000"
    )
    expect(page.locator(".voucher-suggestion").last).to_have_text(
        "Voucher terbaik: LAPAK10 — hemat Rp 25.000"
    )
    expect(batik_part.locator("[data-shop-total]")).to_have_text("Rp 136.000")  # + Hemat Rp 11.000
    expect(thrift_part.locator("[data-shop-total]")).to_have_text("Rp 221.000")
    expect(page.locator("[data-grand-total]")).to_have_text("Rp 357.000")

    # and they enter both codes and update (htmx re-quotes the form in place)
    page.locator(f"#voucher-{batik.pk}").fill("BATIK15")
    page.locator("#platform-voucher").fill("LAPAK10")
    page.locator("[data-requote-button]").click()

    # then the shop voucher comes off the batik shop, and the Lapak voucher (10% of the
    # Rp 320.000 left, capped at Rp 25.000) off the whole checkout
    expect(batik_part.locator(".voucher-note.is-ok")).to_have_text("BATIK15 dipakai: Anda hemat Rp 15.000")
    expect(batik_part.locator("tr", has_text="Voucher toko").locator("td")).to_have_text("-Rp 15.000")
    expect(batik_part.locator("[data-shop-total]")).to_have_text("Rp 121.000")
    expect(thrift_part.locator("[data-shop-total]")).to_have_text("Rp 221.000")
    expect(page.locator(".voucher-note.is-ok").last).to_have_text("LAPAK10 dipakai: Anda hemat Rp 25.000")
    summary = page.locator(".checkout-summary")
    expect(summary.locator("tr", has_text="Produk (2)").locator("td")).to_have_text("Rp 335.000")
    expect(summary.locator("tr", has_text="Pengiriman").locator("td")).to_have_text("Rp 22.000")
    expect(summary.locator("tr", has_text="Diskon").locator("td")).to_have_text("-Rp 40.000")
    expect(page.locator("[data-grand-total]")).to_have_text("Rp 317.000")
    expect(page.locator("[data-voucher-problem]")).to_have_count(0)

    # and they pay online by bank transfer (not cash on delivery) and place the order
    page.locator("input[name=payment_method][value=bank_transfer]").check()
    screenshot("20-checkout-vouchers")
    page.locator("button[name=action][value=place]").click()

    # then one order per shop awaits payment, each with its share of the discounts
    expect(page).to_have_url(re.compile(r"/checkout/\d+/selesai/$"))
    checkout = Checkout.objects.get()
    batik_order = Order.objects.get(checkout=checkout, shop=batik)
    thrift_order = Order.objects.get(checkout=checkout, shop=thrift)
    assert (checkout.grand_total, checkout.payment_method, checkout.platform_voucher.code) == (
        317_000,
        "bank_transfer",
        "LAPAK10",
    )
    # Lapak voucher split by what is left of each shop's items: 110.000 : 210.000 → 8.594 + 16.406.
    assert (batik_order.discount, batik_order.total, batik_order.shop_voucher.code) == (
        23_594,
        112_406,
        "BATIK15",
    )
    assert (thrift_order.discount, thrift_order.total, thrift_order.shop_voucher) == (16_406, 204_594, None)
    assert dict(Voucher.objects.values_list("code", "used_count")) == {"BATIK15": 1, "LAPAK10": 1}
    for order, discount, total in (
        (batik_order, "-Rp 23.594", "Rp 112.406"),
        (thrift_order, "-Rp 16.406", "Rp 204.594"),
    ):
        done = page.locator(f"[data-order='{order.number}']")
        expect(done.locator(".status-badge")).to_have_text("Menunggu pembayaran")
        expect(done.locator("tr", has_text="Diskon").locator("td")).to_have_text(discount)
        expect(done.locator("tr.is-total td")).to_have_text(total)
    expect(page.locator("[data-grand-total]")).to_have_text("Rp 317.000")

    # --- when they pay through the dev gateway ---
    page.get_by_role("button", name="Bayar sekarang").click()
    expect(page).to_have_url(re.compile(rf"/dev-gateway/LPK-{checkout.pk}-1-[A-Za-z0-9_-]{{22}}/$"))
    expect(page.locator("[data-amount]")).to_have_text("Rp 317.000")
    screenshot("21-dev-gateway")
    page.get_by_role("button", name="Bayar", exact=True).click()

    # then both orders are paid and waiting to be shipped
    expect(page).to_have_url(f"{server_url}/checkout/{checkout.pk}/selesai/")
    for order in (batik_order, thrift_order):
        expect(page.locator(f"[data-order='{order.number}'] .status-badge")).to_have_text("Dikemas")
    expect(page.get_by_role("button", name="Bayar sekarang")).to_have_count(0)
    screenshot("22-paid")
    payment = checkout.payments.get()
    assert (payment.status, payment.amount, payment.provider) == (PaymentStatus.PAID, 317_000, "dev")
    assert set(Order.objects.filter(checkout=checkout).values_list("status", flat=True)) == {
        OrderStatus.TO_SHIP
    }

    # --- when the batik seller opens the "to ship" queue in the admin, in their own browser ---
    # (the admin's login sends sellers to the site's rate-limited sign-in, and back)
    seller_page.goto(f"{server_url}/admin/login/?next=/admin/orders/order/")
    expect(seller_page).to_have_url(f"{server_url}/akun/login/?next=%2Fadmin%2Forders%2Forder%2F")
    seller_page.locator("input[name=login]").fill("batik")
    seller_page.locator("input[name=password]").fill("lapak12345")
    seller_page.locator("form").filter(has=seller_page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    expect(seller_page).to_have_url(f"{server_url}/admin/orders/order/")
    seller_page.get_by_role("link", name="Pesanan perlu dikirim").click()
    expect(seller_page).to_have_url(f"{server_url}/admin/orders/order/?status=to_ship")
    rows = seller_page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)  # only their own shop's order
    expect(rows).to_contain_text(batik_order.number)
    expect(rows).to_contain_text("Rp 112.406")

    # and ships it with the ship action: carrier and tracking number
    rows.locator("input[name=_selected_action]").check()
    seller_page.locator("select[name=action]").select_option("ship_selected")
    seller_page.locator("button[name=index]").click()
    expect(seller_page.locator("#content")).to_contain_text(batik_order.number)
    seller_page.locator(f"select[name='order-{batik_order.pk}-carrier']").select_option("JNE")
    # typed in lower case, as sellers do: the form stores it as the courier prints it
    seller_page.locator(f"input[name='order-{batik_order.pk}-tracking_number']").fill(TRACKING_NUMBER.lower())
    seller_page.locator("input[name=apply]").click()

    # then the admin confirms it and the order is shipped with its parcel
    expect(seller_page.locator(".messagelist li")).to_have_text("1 pesanan dikirim.")
    expect(seller_page.locator("#result_list tbody tr")).to_have_count(0)  # the queue is empty
    seller_page.screenshot(path=str(ARTIFACTS / "23-admin-shipped.png"), full_page=True)
    batik_order.refresh_from_db()
    assert batik_order.status == OrderStatus.SHIPPED
    shipment = Shipment.objects.get(order=batik_order)
    assert (shipment.carrier, shipment.tracking_number) == ("JNE", TRACKING_NUMBER)

    # --- when days pass and the tracking job runs ---
    # The simulated courier moves a parcel with time from shipped_at, along a route seeded by its
    # number (this one: six scans over about two days, no failed attempt). Move the shipment back
    # so that the whole route, delivery included, ended ten minutes ago.
    journey = SimulatedCourier(
        shipped_at=shipment.shipped_at, origin_city="Yogyakarta", destination_city="Jakarta Selatan"
    ).journey(TRACKING_NUMBER)
    took = journey[-1].occurred_at - shipment.shipped_at.replace(microsecond=0)
    shipped_at = timezone.now() - took - timedelta(minutes=10)
    Shipment.objects.filter(pk=shipment.pk).update(shipped_at=shipped_at)
    assert shipment_ids_to_track() == [shipment.pk]
    # What poll_active_shipments fans out to the worker, run here in the test process.
    assert tasks.track_shipment(shipment.pk) == 6
    assert tasks.track_shipment(shipment.pk) == 0  # running it again changes nothing
    batik_order.refresh_from_db()
    shipment.refresh_from_db()
    assert batik_order.status == OrderStatus.DELIVERED
    assert shipment.delivered_at == shipped_at.replace(microsecond=0) + took  # the courier's time
    assert shipment_ids_to_track() == []

    # then the buyer's order page shows the courier's scans, newest first, and the arrival time
    page.goto(f"{server_url}/pesanan/{batik_order.number}/")
    expect(page.locator(".order-status")).to_have_text("Sampai tujuan")
    expect(page.locator(".tracking-number")).to_have_text(TRACKING_NUMBER)
    with translation.override("id"):
        delivered = date_format(timezone.localtime(shipment.delivered_at, JAKARTA), "j M Y H:i")
    expect(page.get_by_text(f"Diterima {delivered} WIB")).to_be_visible()
    scans = page.locator("ol.tracking-timeline li")
    expect(scans.locator(".order-timeline-status")).to_have_text(
        ["Sampai tujuan", "Sedang diantar", "Di hub", "Di hub", "Di hub", "Diambil kurir"]
    )
    expect(scans.locator("span:not([class])")).to_have_text(
        [
            "Paket telah diterima",
            "Paket dibawa kurir menuju alamat penerima",
            "Paket tiba di Hub Jakarta Selatan",
            "Paket tiba di Sortation Center Cikarang",
            "Paket tiba di Hub Yogyakarta",
            "Paket telah diambil oleh kurir",
        ]
    )
    expect(scans.first.locator("time")).to_have_text(delivered)
    screenshot("24-tracking-delivered")

    # --- when the buyer confirms receipt ---
    page.get_by_role("button", name="Pesanan diterima").click()
    expect(page.locator(".message-success")).to_have_text(
        f"Terima kasih! Pesanan {batik_order.number} telah selesai."
    )
    expect(page.locator(".order-status")).to_have_text("Selesai")
    batik_order.refresh_from_db()
    assert batik_order.status == OrderStatus.COMPLETED

    # and reviews the shirt, with a photo
    page.get_by_role("link", name="Beri ulasan").click()
    expect(page.get_by_role("heading", name="Beri ulasan")).to_be_visible()
    five_stars = page.locator("input[name=rating][value='5']")
    five_stars.check()
    assert five_stars.bounding_box()["width"] < 40  # a radio beside its stars, not a full-width bar
    page.locator("textarea[name=text]").fill("Batiknya halus, warnanya sesuai foto. Pengiriman cepat!")
    photo = image_file("ulasan.jpg", (640, 480), (30, 90, 160))
    page.locator("input[name=photos]").set_input_files(
        files=[{"name": "ulasan.jpg", "mimeType": "image/jpeg", "buffer": photo.read()}]
    )
    screenshot("25-review-form")
    page.get_by_role("button", name="Kirim ulasan").click()

    # then the order page thanks them and marks the item reviewed
    expect(page).to_have_url(f"{server_url}/pesanan/{batik_order.number}/")
    expect(page.locator(".message-success")).to_have_text("Terima kasih atas ulasan Anda!")
    expect(page.locator(".review-done")).to_have_text("Sudah diulas")
    review = Review.objects.get()
    assert (review.product_id, review.shop_id, review.rating, review.photos.count()) == (
        shirt.pk,
        batik.pk,
        5,
        1,
    )

    # and the product page shows the review, its photo and the new rating
    page.goto(f"{server_url}/toko/batik-bu-sri/kemeja-batik/")
    expect(page.locator(".product-info .rating")).to_have_text("★ 5,0 (1)")
    shown = page.locator("#ulasan .review")
    expect(shown).to_have_count(1)
    expect(shown.locator(".review-stars")).to_have_text("★ 5/5")
    expect(shown.locator(".review-text")).to_have_text(
        "Batiknya halus, warnanya sesuai foto. Pengiriman cepat!"
    )
    review_photo = shown.locator(".review-photos img")
    expect(review_photo).to_be_visible()
    served = page.request.get(server_url + review_photo.get_attribute("src"))
    assert (served.status, served.headers["content-type"]) == (200, "image/webp")  # its thumbnail
    screenshot("26-product-review")

    # the jacket's order is still the thrift shop's to ship
    thrift_order.refresh_from_db()
    assert thrift_order.status == OrderStatus.TO_SHIP
    assert csp_violations == []
