"""A live sale in two real Chromium windows, on the production servers (gunicorn for pages, daphne
for the room's WebSocket, as deployed):

the host opens the console, turns on Chromium's fake camera and goes live; a shopper in another
window sees the video play, chats (the host reads it), sees the pinned product and the flash deal's
countdown, buys at the deal price from the room's dialog; the host's console shows the order and
the shopper sees the social-proof toast. Screenshots go to artifacts/live-*.png.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from live.enums import LiveStatus
from live.models import FlashDeal, LiveSession
from orders.models import Order
from shops.enums import MemberRole
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.kit import servers
from tests.kit.factories import (
    AddressFactory,
    LiveSessionFactory,
    LiveSessionProductFactory,
    ShopFactory,
    ShopMemberFactory,
    UserFactory,
    listed_product,
)

pytestmark = [pytest.mark.browser]

NORMAL_PRICE = 150_000
DEAL_PRICE = 99_000
# The room's counters tick faster than in production, so the journey sees them settle soon.
TICK_SECONDS = 0.5
# Chromium's built-in test camera (a moving pattern) and microphone, allowed without a prompt.
MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture(scope="module")
def media_browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *MEDIA_ARGS]
    )
    yield browser
    browser.close()


@pytest.fixture
def live_servers(transactional_db, static_root, media_root):
    """daphne for the room's socket and gunicorn for pages, which point the room at daphne; daphne
    accepts sockets from gunicorn's pages (SITE_URL), as with `make run`."""
    web_port, ws_port = servers.free_port(), servers.free_port()
    env = servers.server_env(
        static_root,
        media_root,
        SITE_URL=f"http://127.0.0.1:{web_port}",
        LIVE_WEBSOCKET_ORIGIN=f"ws://127.0.0.1:{ws_port}",
        LIVE_TICK_SECONDS=str(TICK_SECONDS),
    )
    with servers.daphne(env, ws_port), servers.gunicorn(env, web_port) as url:
        yield url


@pytest.fixture
def live_sale(transactional_db):
    shop = ShopFactory(name="Lemari Thrift Jogja", slug="lemari-thrift", city="Yogyakarta")
    host = ShopMemberFactory(shop=shop, role=MemberRole.OWNER, user=UserFactory(username="sari")).user
    flannel = listed_product(
        shop=shop,
        title="Kemeja Flanel Kotak",
        slug="kemeja-flanel",
        price=NORMAL_PRICE,
        stock=10,
        color=(150, 40, 40),
    )
    session = LiveSessionFactory(
        shop=shop, host=host, title="Flanel Jumat Malam", planned_start=timezone.now()
    )
    LiveSessionProductFactory(session=session, product=flannel)
    buyer = UserFactory(username="andi", display_name="Andi")
    AddressFactory(user=buyer, is_default=True, recipient_name="Andi Wijaya")
    return session, flannel


def _window(browser, *, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _log_in(page, server_url: str, *, username: str, next_path: str) -> None:
    page.goto(f"{server_url}/akun/login/?next={next_path}")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill("lapak12345")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    expect(page).to_have_url(f"{server_url}{next_path}")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"live-{name}.png"), full_page=True)


def _video_plays(page, selector: str) -> None:
    """The <video> has decoded frames (a width) and its clock moves on: it plays, not just exists."""
    page.wait_for_function(
        "s => { const v = document.querySelector(s); return v && v.videoWidth > 0 && v.currentTime > 0; }",
        arg=selector,
        timeout=30_000,
    )
    first = page.evaluate("s => document.querySelector(s).currentTime", selector)
    page.wait_for_function(
        "([s, t]) => document.querySelector(s).currentTime > t + 0.5", arg=[selector, first], timeout=10_000
    )


def test_host_goes_live_on_camera_and_a_shopper_watches_chats_and_buys_the_flash_deal(
    media_browser, live_servers, live_sale
):
    session, flannel = live_sale
    room_path = f"/live/{session.pk}/"
    console_path = f"/live/{session.pk}/konsol/"
    host_context, host = _window(media_browser, width=1280, height=900)
    shopper_context, shopper = _window(media_browser, width=412, height=915)
    errors = []
    for page in (host, shopper):
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda msg: "Content Security Policy" in msg.text and errors.append(msg.text))
    try:
        # the host opens the console, checks the camera preview and goes live
        _log_in(host, live_servers, username="sari", next_path=console_path)
        host.locator("[data-video-start]").click()
        _video_plays(host, "[data-live-video] video")
        host.locator("[data-console-go-live]").click()
        expect(host.locator("[data-console-end]")).to_be_visible()
        assert LiveSession.objects.get(pk=session.pk).status == LiveStatus.LIVE
        _shot(host, "1-host-on-air")

        # a shopper opens the room: the host's camera plays there
        _log_in(shopper, live_servers, username="andi", next_path=room_path)
        _video_plays(shopper, "[data-live-video] video")
        expect(shopper.locator("[data-live-video]")).to_have_attribute(
            "data-video-state", re.compile("playing")
        )
        # one shopper watching, a few ticks after she came in: the console counts her and not
        # itself (it showed "2"), and so does the session's peak
        host.wait_for_timeout(3 * TICK_SECONDS * 1000)
        expect(host.locator('[data-console-stat="viewers"]')).to_have_text("1")
        assert LiveSession.objects.get(pk=session.pk).peak_viewers == 1
        _shot(shopper, "2-shopper-watching")

        # the shopper asks in the chat and the host reads it
        shopper.locator("[data-live-chat-form] input[name=text]").fill("Ada ukuran L, kak?")
        shopper.locator("[data-live-chat-form] input[name=text]").press("Enter")
        expect(shopper.locator("[data-live-chat-list]")).to_contain_text("Ada ukuran L, kak?")
        expect(host.locator("[data-console-chat-list]")).to_contain_text("Ada ukuran L, kak?")
        host.locator("[data-console-chat-form] input[name=text]").fill("Ada kak, L masih 3")
        host.locator("[data-console-chat-form] input[name=text]").press("Enter")
        expect(shopper.locator("[data-live-chat-list]")).to_contain_text("Ada kak, L masih 3")

        # the host pins the flannel shirt: the shopper's card shows it
        host.locator(f'[data-console-pin="{flannel.pk}"]').click()
        expect(shopper.locator("[data-live-pinned]")).to_be_visible()
        expect(shopper.locator("[data-live-pinned-title]")).to_have_text("Kemeja Flanel Kotak")

        # and launches a flash deal: every viewer sees the price, units and a running countdown
        deal_form = host.locator("[data-console-deal-form]")
        deal_form.locator("[data-console-deal-product]").select_option(str(flannel.pk))
        deal_form.locator("input[name=price]").fill(str(DEAL_PRICE))
        deal_form.locator("input[name=units]").fill("3")
        deal_form.locator("input[name=minutes]").fill("5")
        deal_form.locator("input[name=per_buyer_limit]").fill("1")
        host.locator("[data-console-deal-launch]").click()
        expect(host.locator("[data-console-deal]")).to_be_visible()

        banner = shopper.locator("[data-live-deal]")
        expect(banner).to_be_visible()
        expect(banner.locator("[data-live-deal-price]")).to_have_text("Rp 99.000")
        expect(banner.locator("[data-live-deal-units]")).to_have_text("3")
        countdown = banner.locator("[data-live-deal-countdown]")
        expect(countdown).to_have_text(re.compile(r"^[45]:\d\d$"))
        before = countdown.inner_text()
        expect(countdown).not_to_have_text(before, timeout=5_000)
        _shot(shopper, "3-shopper-flash-deal")

        # the shopper buys at the deal price without leaving the room
        banner.locator("[data-live-deal-buy]").click()
        dialog = shopper.locator("[data-live-buy-dialog]")
        expect(dialog).to_be_visible()
        expect(dialog.locator('[data-live-buy="form"]')).to_contain_text("Rp 99.000")
        dialog.locator("input[name=payment_method][value=cod]").check()
        _shot(shopper, "4-shopper-buy-dialog")
        dialog.locator("[data-live-buy-place]").click()
        expect(dialog.locator('[data-live-buy="done"]')).to_be_visible()
        expect(shopper).to_have_url(re.compile(re.escape(room_path)))

        order = Order.objects.get(buyer__username="andi")
        line = order.items.get()
        assert order.live_origin.session_id == session.pk
        assert (line.unit_price, line.quantity) == (DEAL_PRICE, 1)
        assert FlashDeal.objects.get(session=session).units_left == 2

        # the shopper (and everyone in the room) sees who just bought; the units left go down
        expect(shopper.locator("[data-live-toasts]")).to_contain_text("Andi baru saja membeli")
        expect(shopper.locator("[data-live-toasts]")).to_contain_text("Kemeja Flanel Kotak")
        _shot(shopper, "5-shopper-toast")
        expect(banner.locator("[data-live-deal-units]")).to_have_text("2", timeout=10_000)

        # the host sees the order arrive and the numbers tick
        expect(host.locator(f'[data-console-order="{order.number}"]')).to_be_visible()
        expect(host.locator('[data-console-stat="orders"]')).to_have_text("1", timeout=10_000)
        expect(host.locator('[data-console-stat="revenue"]')).to_contain_text("Rp")
        _shot(host, "6-host-order")
        assert errors == []
    finally:
        shopper_context.close()
        host_context.close()
